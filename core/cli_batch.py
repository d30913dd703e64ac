"""``jixiao batch``: a whole district in one command."""
from __future__ import annotations

import sys

import click


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True))
@click.option("--rubric", "-r", required=True, help="评分体系编号或 pack.yaml 路径。")
@click.option("--output", "-o", "outdir", required=True, type=click.Path(file_okay=False), help="输出目录：results.jsonl（逐个追加，可续跑）、summary.json、summary.xlsx。")
@click.option("--jobs", "-j", type=int, default=None, help="工作进程数（缺省为 CPU 核数）。")
@click.option("--compare", help="同时按另一个评分体系计分，汇总中列出等级变化的部门。")
@click.option("--explain", is_flag=True, help="结果中写入每个部门完整的评分说明（文件会大很多）。")
@click.option("--plugin", "plugins", multiple=True, type=click.Path(dir_okay=False), help="加载本地插件文件（可多次）。")
@click.option("--block", multiple=True, help="停用指定名称的插件（可多次）。")
@click.option("--rules", type=click.Choice(["auto", "durable", "python"]), default="auto", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="不显示进度。")
def batch(input_path, rubric, outdir, jobs, compare, explain, plugins, block, rules, quiet):
    """批量计分：INPUT 为事实文件目录、JSON Lines 文件，或每行一个部门的 CSV / xlsx。"""
    from .batch import run_batch

    def progress(r):
        if not quiet:
            rate = (r.scored + r.incomplete + r.errors) / r.seconds if r.seconds else 0
            click.echo(f"\r已完成 {r.scored + r.incomplete + r.errors:,} 个部门（跳过已完成 {r.skipped:,}），出错 {r.incomplete + r.errors:,} 个，{rate:,.0f} 个/秒", err=True, nl=False)

    report = run_batch(input_path, rubric, outdir, jobs=jobs, compare=compare, rules=rules, plugins=plugins, block=block,
                       explain=explain, progress=progress)
    if not quiet:
        click.echo("", err=True)
    click.echo(f"计分完成：{report.scored:,} 个部门评分完整，{report.incomplete:,} 个评分不完整，{report.errors:,} 个出错"
               f"（其中编号重复 {report.duplicates:,} 个），跳过已完成 {report.skipped:,} 个，用时 {report.seconds:.1f} 秒。")
    click.echo(f"结果：{report.outdir}/results.jsonl、summary.json、summary.xlsx")
    if report.failed:
        click.echo("未完成评分的部门：")
        for f in report.failed[:50]:
            click.echo(f"  {f['key']}：[{f['code']}] {f['message']}")
        if len(report.failed) > 50:
            click.echo(f"  ……另有 {len(report.failed) - 50} 个，见 summary.json 的 failed")
    if not report.ok:
        sys.exit(1)

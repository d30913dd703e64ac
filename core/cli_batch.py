"""``jixiao batch``: a whole district in one command.

Exit status (docs/batch.md): 0 every department completely scored; 1 results written but
some department, resumed ones included, is not; 2 nothing scored because the command
could not start (``错误 [CODE] …``); 3 an internal error; 130 / 143 stopped by Ctrl-C /
SIGTERM, with everything scored so far on disk.
"""

from __future__ import annotations

import sys

import click

from . import exitcodes
from .controls import echo
from .errors import JixiaoError, Problem


class _Number(click.ParamType):
    """An int or a float option whose bad value is a coded user mistake (exit 2), in Chinese."""

    def __init__(self, kind: type, what: str):
        self.kind, self.what, self.name = kind, what, kind.__name__

    def convert(self, value, param, ctx):
        if isinstance(value, self.kind) and not isinstance(value, bool):
            return value
        try:
            return self.kind(str(value).strip())
        except ValueError:
            from .errors import OPTION_INVALID

            raise JixiaoError(
                Problem(
                    OPTION_INVALID,
                    f"--{param.name.replace('_', '-')} 应为{self.what}，收到 {value!r}",
                    field=param.name,
                    value=value,
                )
            ) from None


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path())
@click.option("--rubric", "-r", required=True, help="评分体系编号或 pack.yaml 路径。")
@click.option(
    "--output",
    "-o",
    "outdir",
    required=True,
    type=click.Path(),
    help=(
        "输出目录：results.jsonl（逐个追加；中断后运行同一命令即可续跑，"
        "换了评分体系、插件或输入须加 --fresh）、summary.json、summary.xlsx。"
    ),
)
@click.option(
    "--jobs", "-j", type=_Number(int, "正整数（工作进程数）"), default=None, help="工作进程数（缺省为 CPU 核数）。"
)
@click.option("--compare", help="同时按另一个评分体系计分，汇总中列出等级变化的部门。")
@click.option("--explain", is_flag=True, help="结果中写入每个部门完整的评分说明（文件会大很多）。")
@click.option(
    "--plugin", "plugins", multiple=True, type=click.Path(dir_okay=False), help="加载本地插件文件（可多次）。"
)
@click.option("--block", multiple=True, help="停用指定名称的插件（可多次）。")
@click.option(
    "--rules",
    type=click.Choice(["python", "durable", "auto"]),
    default="python",
    show_default=True,
    help="规则引擎：python（缺省），或 durable（需安装 jixiao[durable]）；auto 等同 python。",
)
@click.option("--fresh", is_flag=True, help="不续跑：原 results.jsonl 改名为 results.previous.jsonl，全部重新计分。")
@click.option(
    "--timeout",
    type=_Number(float, "正数（秒）"),
    default=None,
    help="一个部门计分的时限（秒，缺省 60）；超时记为出错并继续。",
)
@click.option("--quiet", "-q", is_flag=True, help="不显示进度。")
def batch(input_path, rubric, outdir, jobs, compare, explain, plugins, block, rules, fresh, timeout, quiet):
    """批量计分：INPUT 为事实文件目录、JSON Lines 文件，或每行一个部门的 CSV / xlsx。

    输入的大小上限（单条记录 16 MB、xlsx 解压后 100 MB 等）用 jixiao --limit 名称=数值 提高，
    如 jixiao --limit record-mb=64 batch …。

    \b
    退出码：0 全部部门评分完整；1 已写出结果，但有部门未完整计分（含续跑跳过的部门）；
    2 未能开始（选项、输入、评分体系或输出目录有误，或结果来自另一次设置不同的计分）；
    3 内部错误；130 / 143 被 Ctrl-C / SIGTERM 中断（已计分的部门已保存，再次运行同一命令即可续跑）。
    """
    from .batch import BatchInterrupted, run_batch
    from .batch.readers import ReadLimits
    from .batch.runner import DEFAULT_TIMEOUT
    from .batch.stop import LateSignals

    def progress(r):
        if not quiet:
            done = r.scored + r.incomplete + r.errors
            rate = done / r.seconds if r.seconds else 0
            click.echo(  # its own text, with a carriage return to redraw the line
                f"\r已完成 {done:,} 个部门（跳过已完成 {r.skipped:,}），"
                f"出错 {r.incomplete + r.errors:,} 个，{rate:,.0f} 个/秒",
                err=True,
                nl=False,
            )

    with LateSignals() as late:
        try:
            report = run_batch(
                input_path,
                rubric,
                outdir,
                jobs=jobs,
                compare=compare,
                rules=rules,
                plugins=plugins,
                block=block,
                explain=explain,
                progress=progress,
                fresh=fresh,
                timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                limits=ReadLimits(),
            )
        except BatchInterrupted as stop:
            if not quiet:
                echo("", err=True)
            r = stop.report
            kept = (
                f"已计分的 {r.scored + r.incomplete + r.errors + r.skipped:,} 个部门已保存在 {r.outdir}/results.jsonl；"
                if r is not None
                else ""
            )
            echo(f"已中断（{stop.signal_name}）：{kept}未生成汇总。再次运行同一命令即可从中断处继续。", err=True)
            late.keep()
            sys.exit(stop.exit_code)
        if not quiet:
            echo("", err=True)
        _tell(report)
    if not report.ok:
        sys.exit(exitcodes.INCOMPLETE)


def _tell(report) -> None:
    for note in report.notes:
        echo(f"注意：{note}", err=True)
    echo(
        f"计分完成：{report.scored:,} 个部门评分完整，{report.incomplete:,} 个评分不完整，{report.errors:,} 个出错"
        f"（其中编号重复 {report.duplicates:,} 个），跳过已完成 {report.skipped:,} 个，用时 {report.seconds:.1f} 秒。"
    )
    if report.skipped:
        rs = report.resumed
        echo(
            f"跳过的 {report.skipped:,} 个部门为上次运行的结果：{rs.scored:,} 个评分完整，"
            f"{rs.incomplete:,} 个评分不完整，{rs.errors:,} 个出错。"
        )
    echo(f"结果：{report.outdir}/results.jsonl、summary.json、summary.xlsx")
    for title, entries, where in (
        ("未完成评分的部门：", [f for f in report.failed if f["status"] != "claims"], "failed"),
        ("自评得分无法读取、未能全部复核的部门：", [f for f in report.failed if f["status"] == "claims"], "audit"),
    ):
        if entries:
            echo(title)
            for f in entries[:50]:
                echo(f"  {f['key']}：[{f['code']}] {f['message']}")
            if len(entries) > 50:
                echo(f"  ……另有 {len(entries) - 50} 个，见 summary.json 的 {where}")

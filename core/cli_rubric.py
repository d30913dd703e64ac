"""``jixiao rubric``: check, show and diff rubric packs, for the people who write them.

Kept apart from ``cli.py`` so the pack author's tools can grow without touching the
scoring commands; user mistakes still reach ``cli.main``'s handler (``错误 [CODE] …``,
exit 2) because this group runs inside it.
"""

from __future__ import annotations

import json
import sys

import click

from . import exitcodes
from .controls import echo

_format_opt = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式。"
)


@click.group("rubric")
def rubric() -> None:
    """评分体系（pack）工具：检查、查看、对比。"""


@rubric.command("check")
@click.argument("path")
@_format_opt
def check(path: str, fmt: str) -> None:
    """检查评分体系 PATH（编号、目录或 pack.yaml）：列出全部问题及其文件和行号。

    有问题时逐条输出“错误 [代码] 文件:行：…”并以 2 退出；提示（如缺少参考评分标准）不影响通过。
    """
    from .rubric_tools.check import check_pack

    report = check_pack(path)
    if fmt == "json":
        echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), json=True)
        if not report.ok:
            sys.exit(exitcodes.USAGE)
        return
    if report.ok:
        for w in report.warnings:
            echo(f"提示 [{w.code}] {w.message}")
        echo(report.summary())
        return
    for p in report.problems:
        echo(f"错误 [{p.code}] {p.message}", err=True)
    for w in report.warnings:
        echo(f"提示 [{w.code}] {w.message}", err=True)
    echo(report.summary(), err=True)
    sys.exit(exitcodes.USAGE)


# The docstring is the command's help, one line of Chinese: its line break is escaped (a
# break click would print as a space), so the continuation starts at column 0.
@rubric.command("show")
@click.argument("ref")
@_format_opt
def show(ref: str, fmt: str) -> None:
    """显示评分体系 REF（编号或路径）：指标树、分值、每个末级指标的评分规则、事实、\
否决与直接得分条件，以及对基础体系的调整。"""
    from .answers import pack_json
    from .engine import Engine
    from .rubric_tools.show import render_pack

    engine = Engine.from_rubric(ref, rules="python")
    echo(pack_json(engine) if fmt == "json" else render_pack(engine), json=fmt == "json")


@rubric.command("diff")
@click.argument("a")
@click.argument("b")
@_format_opt
def diff(a: str, b: str, fmt: str) -> None:
    """对比两个评分体系 A → B：新增、删除的指标，分值、评分实现、阈值与扣分标准的变化，以及取舍与等级的变化。"""
    from .rubric_tools.changes import diff_packs
    from .rubric_tools.diff import render_diff

    result = diff_packs(a, b)
    if fmt == "json":
        from .answers import diff_json

        echo(diff_json(result), json=True)
    else:
        echo(render_diff(result))

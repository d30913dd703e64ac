"""``jixiao audit``: 复核 of one department's self-evaluation, in the formats practitioners file."""

from __future__ import annotations

import sys

import click

from . import errors, exitcodes
from .errors import JixiaoError, Problem
from .output import emit

AUDIT_FORMATS = ("table", "json", "markdown", "xlsx", "docx")


def write_audit(audit, fmt: str) -> str | bytes:
    from .audit import text

    if fmt in ("xlsx", "docx"):
        from .office import audit_files

        return audit_files.audit_workbook(audit) if fmt == "xlsx" else audit_files.audit_document(audit)
    return {"table": text.table, "json": text.to_json, "markdown": text.markdown}[fmt](audit)


def claims_missing(doc: dict) -> JixiaoError:
    return JixiaoError(
        Problem(
            errors.CLAIM_MISSING,
            f"{doc['source']}：没有 claimed:（部门自评所填的得分），无从复核；"
            "请写 claimed: {scores: {指标名称或编码: 得分}, total: 总分, grade: 等级}",
            field="claimed",
            expected="claimed: 映射",
        )
    )


def register(main: click.Group, rubric_opt, plugin_opt, block_opt, rules_opt, engine_for) -> None:
    @main.command()
    @click.argument("facts", type=click.Path())
    @rubric_opt
    @click.option("--format", "fmt", type=click.Choice(AUDIT_FORMATS), default="table", show_default=True)
    @click.option("--output", "-o", type=click.Path(dir_okay=False), help="写入文件而不是标准输出。")
    @plugin_opt
    @block_opt
    @rules_opt
    def audit(facts, rubric, fmt, output, plugins, block, rules):
        """复核一个部门的自评：按事实重新计分，与文档 claimed: 中所填的得分、总分、等级逐项比对。

        退出码：0 复核完成（无论是否发现问题）；1 有指标无法评价或所填内容无法读取；2 无法开始。
        """
        engine, doc = engine_for(rubric, plugins, block, rules, facts)
        if not doc.get("claimed"):
            raise claims_missing(doc)
        result = engine.audit(doc)
        emit(write_audit(result, fmt), fmt, output)
        if not result.complete or result.card.fact_problems:
            sys.exit(exitcodes.INCOMPLETE)

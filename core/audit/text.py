"""The 复核 as people file it: the 复核表 (自评得分 / 复核得分 / 差异 / 说明) and the 复核意见 paragraphs.

The paragraphs are generated from the findings, and the findings from the scorecard, so
the opinion never says anything the computation does not show. Shared by the terminal
table, Markdown, and the office formats.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ..numbers import fmt_number
from ..render import pad, width
from ..tree import LEVEL_NAMES
from .findings import CONSISTENCY, KIND_TEXT, NOT_EVALUABLE, TOTAL
from .model import Audit, AuditRow

HEADERS = ("自评得分", "复核得分", "差异", "说明")


def _num(value: Decimal | None) -> str:
    return "—" if value is None else fmt_number(value)


def _diff(value: Decimal | None) -> str:
    if value is None or value == 0:
        return "" if value is None else "0"
    return ("+" if value > 0 else "") + fmt_number(value)


def row_cells(row: AuditRow) -> list[str]:
    """自评得分, 复核得分, 差异, 说明 of one row, as printed."""
    return [_num(row.claimed), _num(row.computed), _diff(row.difference), row.note]


def opinion(audit: Audit) -> list[str]:
    """The 复核意见: a paragraph on the total, then one numbered paragraph per finding."""
    card, claims = audit.card, audit.claims
    who = card.department_name or card.department_id
    computed = f"复核得分{fmt_number(card.total)}分" + (f"，等级“{card.grade}”" if card.grade else "")
    if not card.complete:
        computed = f"复核得分暂计{fmt_number(card.total)}分（有指标无法评价，不评等级）"
    if not claims:
        return [f"经复核，{who}{computed}。文档未填写自评得分（claimed），无从比对。"]
    head = f"经复核，{who}"
    if claims.total is not None:
        head += f"自评总分{fmt_number(claims.total)}分，"
    head += computed + "。"
    if audit.agrees:
        head += "自评得分与复核得分一致，自评表计算无误。"
        return [head]
    counts = {kind: sum(1 for f in audit.findings if f.kind == kind) for kind in KIND_TEXT}
    head += "复核发现" + "、".join(f"{KIND_TEXT[k]}{n}处" for k, n in counts.items() if n) + "，具体如下："
    out = [head]
    for i, f in enumerate(audit.findings, 1):
        if f.kind == CONSISTENCY:  # its reason names the facts and the rule
            out.append(f"{i}. {KIND_TEXT[f.kind]}：{f.reason}。")
            continue
        where = {TOTAL: "总分", "grade": "等级"}.get(f.code or "", f"{f.name}（{f.code}）" if f.code else f.name)
        if f.row is not None:
            where = f"{f.name}（{f.code} 第{f.row}行）"
        out.append(f"{i}. {where}：{KIND_TEXT[f.kind]}。{f.reason}。")
    if any(f.kind == NOT_EVALUABLE for f in audit.findings):
        out.append("无法复核的指标，请补充所缺事实后重新复核。")
    return out


def levels_of(rows: list[AuditRow]) -> int:
    return max((len(r.path) for r in rows), default=0) + 1


def name_cells(row: AuditRow, levels: int, total: str) -> list[str]:
    """The indicator columns of a row: each group on its first row only, the leaf in the last column."""
    if row.code == TOTAL:
        return [total] + [""] * (levels - 1)
    groups = [name if first else "" for name, first in zip(row.path, row.first, strict=True)]
    return groups + [""] * (levels - 1 - len(row.path)) + [row.name]


def table(audit: Audit) -> str:
    rows = audit.rows()
    levels = levels_of(rows)
    headers = [*LEVEL_NAMES[:levels], "分值", *HEADERS[:3]]
    body = []
    for row in rows:
        body.append(name_cells(row, levels, "总计") + [fmt_number(row.weight), *row_cells(row)[:3]])
    widths = [max(width(r[i]) for r in [headers, *body]) for i in range(len(headers))]
    numeric = set(range(levels, len(headers)))
    line = lambda cells: "  ".join(pad(c, widths[i], i in numeric) for i, c in enumerate(cells)).rstrip()
    rule = "  ".join("─" * w for w in widths)
    card = audit.card
    out = [
        f"复核表：{card.rubric['title']}（{card.rubric['id']} {card.rubric['version']}）",
        f"部门：{card.department_name or card.department_id}（{card.department_id}）",
        "",
        line(headers),
        rule,
        *[line(r) for r in body[:-1]],
        rule,
        line(body[-1]),
        "",
        "复核意见：",
        *opinion(audit),
    ]
    out += _problem_lines(audit)
    return "\n".join(out)


def _problem_lines(audit: Audit) -> list[str]:
    if not audit.problems:
        return []
    return ["", "未能读取的自评内容："] + [f"  [{p.code}] {p.message}" for p in audit.problems]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown(audit: Audit) -> str:
    rows = audit.rows()
    levels = levels_of(rows)
    card = audit.card
    headers = [*LEVEL_NAMES[:levels], "分值", *HEADERS]
    out = [
        f"# 复核表：{card.rubric['title']}",
        "",
        f"- 部门：{card.department_name}（{card.department_id}）",
        f"- 评分体系：{card.rubric['id']} {card.rubric['version']}（{card.rubric['digest']}）",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * levels + "---:|---:|---:|---:|---|",
    ]
    for row in rows:
        names = name_cells(row, levels, "**总计**")
        out.append("| " + " | ".join([*names, fmt_number(row.weight), *[_md(c) for c in row_cells(row)]]) + " |")
    out += ["", "## 复核意见", ""]
    for paragraph in opinion(audit):
        out += [_md(paragraph), ""]
    problems = _problem_lines(audit)
    if problems:
        out += ["## 未能读取的自评内容", ""] + [f"- {_md(p.strip())}" for p in problems[2:]] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def to_json(audit: Audit) -> str:
    return json.dumps(audit.to_dict(), ensure_ascii=False, indent=2)

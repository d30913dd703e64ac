"""Scorecards as text: the attachment's table for a terminal, Markdown, JSON, and one leaf's explanation."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal

from . import report_text
from .numbers import fmt_detail, fmt_number
from .scorecard import STATUS_TEXT, LeafResult, Scorecard, row_score
from .tree import LEVEL_NAMES, LeafRow, depth, leaf_rows


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, w: int, right: bool = False) -> str:
    fill = " " * (w - width(text))
    return fill + text if right else text + fill


def rows(card: Scorecard) -> tuple[list[LeafRow], int]:
    """The card's leaves in table order with the groups above each, and how many levels the table needs."""
    found = leaf_rows(card.roots, LeafResult)
    return found, depth(found)


def _groups(row: LeafRow, levels: int) -> list[str]:
    """Name and weight of each group above the leaf, on the group's first row only; blank where the leaf has fewer."""
    out: list[str] = []
    for i in range(levels - 1):
        shown = i < len(row.path) and row.first[i]
        out += [row.path[i].printed_name, fmt_number(row.path[i].weight)] if shown else ["", ""]
    return out


def _headers(levels: int) -> list[str]:
    return [text for name in LEVEL_NAMES[:levels] for text in (name, "分值")]


def _score_text(leaf: LeafResult) -> str:
    return fmt_number(leaf.score) if leaf.score is not None else STATUS_TEXT[leaf.status]


def _header(card: Scorecard) -> list[str]:
    r = card.rubric
    return [
        f"{r['title']}（{r['id']} {r['version']}）",
        *report_text.plugin_notes(card),
        f"部门：{card.department_name or card.department_id}（{card.department_id}）",
    ]


def _footer(card: Scorecard) -> list[str]:
    return [f"总计得分：{fmt_number(card.total)}    等级：{card.grade or '—'}"] + problem_lines(card)


def problem_lines(card: Scorecard, who: str = "") -> list[str]:
    """What could not be scored or was refused, and the broken consistency checks: one line each."""
    lines = []
    if not card.complete:
        bad = [leaf for leaf in card.leaves() if leaf.status != "scored"]
        lines.append(f"注意：{who}评分不完整，{len(bad)} 项指标无法评价或出错，总分只含已评分指标，不评定等级：")
        for leaf in bad:
            for p in leaf.problems:
                lines.append(f"  - {leaf.name}：[{p.code}] {p.message}")
    if card.fact_problems:
        if card.complete:
            lines.append(f"注意：{who}以下事实没有读取：")
        lines += [f"  - [{p.code}] {p.message}" for p in card.fact_problems]
    if card.warnings:
        lines.append("提示：以下事实之间不一致，请核对：")
        lines += [f"  - [{p.code}] {p.message}" for p in card.warnings]
    return lines


def deduction_lines(card: Scorecard) -> list[str]:
    out = []
    for leaf in card.leaves():
        if leaf.status == "scored" and leaf.deductions and leaf.score is not None and leaf.score < leaf.weight:
            out.append(f"“{leaf.name}”指标满分{fmt_number(leaf.weight)}分，得{fmt_number(leaf.score)}分：")
            out += [f"  - {s}" for s in leaf.problem_sentences()]
    return out


PROJECT_HEADERS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]


def _project_rows(card: Scorecard) -> list[list[str]]:
    """The 项目支出绩效自评表 rows: a leaf's own sub-indicators when it has them, else the leaf."""
    body = []
    for row in rows(card)[0]:
        leaf, top = row.leaf, row.path[0] if row.path else None
        top_name = top.printed_name if top is not None and row.first[0] else ""
        if not leaf.rows:
            shown = leaf.intermediates[0].shown if leaf.intermediates else ""
            body.append(
                [
                    top_name,
                    "",
                    leaf.name,
                    "",
                    "",
                    shown,
                    fmt_number(leaf.weight),
                    _score_text(leaf),
                    "",
                ]
            )
            continue
        last_cat = None
        for i, r in enumerate(leaf.rows):
            value = lambda v, unit=r["unit"]: "" if v is None else f"{fmt_number(v)}{unit}"
            score = "不适用" if r["status"] == "not_applicable" else fmt_number(row_score(r))
            body.append(
                [
                    top_name if i == 0 else "",
                    r["category"] if r["category"] != last_cat else "",
                    r["name"],
                    r["nature"],
                    r.get("target_text") or value(r["target"]),
                    r.get("actual_text") or r["level"] or value(r["actual"]),
                    fmt_number(r["points"]),
                    score,
                    r["deviation"],
                ]
            )
            last_cat = r["category"]
    return body


def project_table(card: Scorecard) -> str:
    body = _project_rows(card) + [
        ["总分", "", "", "", "", "", card.rubric.get("total", "100"), fmt_number(card.total), ""]
    ]
    widths = [max(width(r[i]) for r in body + [PROJECT_HEADERS]) for i in range(len(PROJECT_HEADERS) - 1)] + [0]
    numeric = {4, 5, 6, 7}
    line = lambda cells: "  ".join(
        pad(c, widths[i], i in numeric) if i < len(widths) - 1 else c for i, c in enumerate(cells)
    ).rstrip()
    rule = "  ".join("─" * w for w in widths[:-1]) + "  " + "─" * 20
    out = _header(card) + ["", line(PROJECT_HEADERS), rule] + [line(r) for r in body[:-1]] + [rule, line(body[-1]), ""]
    if card.raw_total is not None:
        out.append(f"适用指标得分合计 {fmt_number(card.raw_total)}，按百分制折算为 {fmt_number(card.total)}")
    return "\n".join(out + _footer(card))


def table(card: Scorecard) -> str:
    if any(leaf.rows for leaf in card.leaves()):
        return project_table(card)
    leaves, levels = rows(card)
    headers = _headers(levels) + ["得分"]
    body = [
        _groups(row, levels) + [row.leaf.name, fmt_number(row.leaf.weight), _score_text(row.leaf)] for row in leaves
    ]
    body.append(["总计得分", card.rubric.get("total", "100")] + [""] * (2 * levels - 2) + [fmt_number(card.total)])
    widths = [max(width(r[i]) for r in body + [headers]) for i in range(len(headers))]
    numeric = {i for i in range(len(headers)) if i % 2 == 1} | {len(headers) - 1}
    line = lambda cells: "  ".join(pad(c, widths[i], i in numeric) for i, c in enumerate(cells)).rstrip()
    rule = "  ".join("─" * w for w in widths)
    out = _header(card) + ["", line(headers), rule] + [line(r) for r in body[:-1]] + [rule, line(body[-1]), ""]
    out += _footer(card)
    ded = deduction_lines(card)
    if ded:
        out += ["", "扣分说明："] + ded
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown(card: Scorecard, pack=None) -> str:
    texts = {leaf.code: (leaf.description, leaf.criteria) for leaf in pack.leaves()} if pack else {}
    leaves, levels = rows(card)
    out = [
        f"# {card.rubric['title']}",
        "",
        f"- 部门：{card.department_name}（{card.department_id}）",
        f"- 总计得分：**{fmt_number(card.total)}**，等级：**{card.grade or '—'}**"
        + ("" if card.complete else "（评分不完整）"),
        f"- 评分体系：{card.rubric['id']} {card.rubric['version']}（{card.rubric['digest']}）",
        *[f"- {_md(note)}" for note in report_text.plugin_notes(card)],
        "",
        "| " + " | ".join(_headers(levels) + ["指标说明", "参考评分标准", "得分"]) + " |",
        "|" + "---|---:|" * levels + "---|---|---:|",
    ]
    for row in leaves:
        desc, crit = texts.get(row.leaf.code, ("", ""))
        out.append(
            "| "
            + " | ".join(
                _groups(row, levels)
                + [row.leaf.name, fmt_number(row.leaf.weight), _md(desc), _md(crit), _score_text(row.leaf)]
            )
            + " |"
        )
    out.append(
        f"| **总计得分** | {card.rubric.get('total', '100')} |"
        + " |" * (2 * levels - 2)
        + f" | | **{fmt_number(card.total)}** |"
    )
    if card.warnings:
        out += ["", "> **提示：以下事实之间不一致，请核对：**"] + [
            f"> - [{p.code}] {_md(p.message)}" for p in card.warnings
        ]
    ded = deduction_lines(card)
    if ded:
        out += ["", "## 扣分说明", ""] + [("- " + d) if not d.startswith("  ") else "  " + d.strip() for d in ded]
    out += ["", "## 总体评价", "", report_text.overall(card, pack), "", f"## {report_text.section_problems(pack)}", ""]
    sections = report_text.loss_sections(card, pack)
    if not sections:
        out.append(report_text.NO_LOSS)
    for s in sections:  # the same sentences as the Word and HTML reports
        out += [f"### {s.title}", "", f"**存在问题：**{s.problem}", "", f"**改进措施：**{s.improvement}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def to_json(card: Scorecard) -> str:
    return json.dumps(card.to_dict(), ensure_ascii=False, indent=2)


def explain(leaf: LeafResult) -> str:
    out = [
        f"{leaf.code} {leaf.name}（{' / '.join(leaf.path)}）",
        (
            f"分值：{fmt_number(leaf.weight)}    得分：{_score_text(leaf)}    "
            f"状态：{STATUS_TEXT[leaf.status]}    实现：{leaf.implementation}"
        ),
    ]
    if leaf.formula:
        out += ["", "计分公式：", *[f"  {line}" for line in leaf.formula.split("\n")]]
    if leaf.inputs:
        out += ["", "使用的事实："] + [f"  {i.label}（{i.name}）：{i.shown}" for i in leaf.inputs]
    if leaf.intermediates:
        out += ["", "中间值："] + [f"  {m.label}：{m.shown}" for m in leaf.intermediates]
    if leaf.raw_score is not None:
        out.append(f"  未取舍得分：{fmt_detail(leaf.raw_score)}")
    if leaf.notes:
        out += ["", "说明："] + [f"  {n}" for n in leaf.notes]
    if leaf.deductions:
        out += ["", "扣分："] + [
            f"  -{fmt_detail(d.points)}分：{d.reason}\n    存在问题：{d.problem}" for d in leaf.deductions
        ]
    if leaf.rules:
        out += ["", "触发的规则：" + "、".join(leaf.rules)]
    if leaf.problems:
        out += ["", "问题："] + [f"  [{p.code}] {p.message}" for p in leaf.problems]
    return "\n".join(out)


def compare_rows(a: Scorecard, b: Scorecard) -> list[dict]:
    """Leaves of two scorecards side by side, matched by code; None where a pack lacks one."""
    la, lb = a.by_code, b.by_code
    out = []
    for code in list(la) + [c for c in lb if c not in la]:
        x, y = la.get(code), lb.get(code)
        sa, sb = (x.score if x else None), (y.score if y else None)
        out.append(
            {
                "code": code,
                "name": (x or lb[code]).name,
                "weight_a": x.weight if x else None,
                "score_a": sa,
                "weight_b": y.weight if y else None,
                "score_b": sb,
                "difference": (sb or Decimal(0)) - (sa or Decimal(0)) if (sa is not None or sb is not None) else None,
            }
        )
    return out


def compare(a: Scorecard, b: Scorecard) -> str:
    head = ["编码", report_text.leaf_level_name(a), "A 分值", "A 得分", "B 分值", "B 得分", "差额（B−A）"]
    body = []
    for r in compare_rows(a, b):
        diff = r["difference"]
        body.append(
            [
                r["code"],
                r["name"],
                fmt_number(r["weight_a"]),
                fmt_number(r["score_a"]),
                fmt_number(r["weight_b"]),
                fmt_number(r["score_b"]),
                "" if not diff else f"{'+' if diff > 0 else ''}{fmt_number(diff)}",
            ]
        )
    diff = b.total - a.total
    body.append(
        [
            "",
            "总计得分",
            "",
            fmt_number(a.total),
            "",
            fmt_number(b.total),
            "" if not diff else f"{'+' if diff > 0 else ''}{fmt_number(diff)}",
        ]
    )
    body.append(["", "等级", "", a.grade or "—", "", b.grade or "—", ""])
    widths = [max(width(row[i]) for row in body + [head]) for i in range(len(head))]
    line = lambda cells: "  ".join(pad(c, widths[i], i >= 2) for i, c in enumerate(cells)).rstrip()
    rule = "  ".join("─" * w for w in widths)
    title = [
        f"部门：{a.department_name or a.department_id}（{a.department_id}）",
        f"A：{a.rubric['title']}（{a.rubric['id']}）",
        f"B：{b.rubric['title']}（{b.rubric['id']}）",
        "",
    ]
    notes = problem_lines(a, "A ") + problem_lines(b, "B ")
    return "\n".join(
        title
        + [line(head), rule]
        + [line(r) for r in body[:-2]]
        + [rule]
        + [line(r) for r in body[-2:]]
        + ([""] + notes if notes else [])
    )


def compare_json(a: Scorecard, b: Scorecard) -> str:
    rows = [{k: (fmt_number(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in compare_rows(a, b)]
    return json.dumps(
        {"a": a.to_dict(), "b": b.to_dict(), "indicators": rows, "total_difference": fmt_number(b.total - a.total)},
        ensure_ascii=False,
        indent=2,
    )

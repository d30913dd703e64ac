"""The report's sentences, written once for every output (Markdown, HTML, Word).

An evaluation report says the same things in every format: the overall
evaluation, and for each indicator that lost points a title ("1. “X”指标满分5分，得3分"),
its 存在问题 and its 改进措施. Generating them in one place keeps the formats from
drifting apart; the facts behind each sentence come from the scorecard (deductions
already quote the numbers), the improvement texts from the pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .numbers import fmt_number
from .scorecard import NOT_APPLICABLE, SCORED, LeafResult, NodeResult, Scorecard
from .tree import LEVEL_NAMES, leaf_rows

if TYPE_CHECKING:
    from .pack.model import Pack

ORDINALS = "一二三四五六七八九十"
DEFAULT_KIND = "部门整体支出绩效评价"
NO_LOSS = "本年度各项指标均得满分，未发现需要整改的问题。"
DEFAULT_IMPROVEMENT = (
    "对照“{name}”指标的评分标准逐项分析失分原因，明确责任人和整改时限，完善相关管理制度并"
    "加强执行和日常监督，确保下一年度该项指标达到评分标准要求。"
)


def kind(pack: Pack | None) -> str:
    """What is evaluated (部门整体支出绩效评价, 项目支出绩效评价): the pack says, headings follow."""
    return (getattr(pack, "kind", "") or DEFAULT_KIND).strip()


def section_problems(pack: Pack | None) -> str:
    """（二）部门整体支出绩效存在问题及改进措施, or the same heading for the pack's kind."""
    subject = kind(pack).removesuffix("评价")
    return f"（二）{subject}存在问题及改进措施"


def table_title(pack: Pack | None) -> str:
    return f"{kind(pack)}指标评分情况表"


def report_title(pack: Pack | None) -> str:
    year = f"{pack.year}年度" if pack is not None else ""
    return f"{year}{kind(pack)}报告（评分部分）"


@dataclass(frozen=True)
class LossSection:
    """One numbered subsection of （二）: an indicator that lost points."""

    number: int
    code: str
    title: str
    problem: str
    improvement: str


def lost_leaves(card: Scorecard) -> list[LeafResult]:
    """Scored indicators below full marks, in table order: exactly the ones the report discusses."""
    return [
        leaf for leaf in card.leaves() if leaf.status == SCORED and leaf.score is not None and leaf.score < leaf.weight
    ]


def title(leaf: LeafResult, number: int) -> str:
    return f"{number}. “{leaf.name}”指标满分{fmt_number(leaf.weight)}分，得{fmt_number(leaf.score)}分"


def _clause(sentence: str) -> str:
    return sentence.strip().rstrip("。；;，,")


def problem(leaf: LeafResult) -> str:
    """存在问题 from the deductions' sentences, enumerated 一是…；二是… as the reports do."""
    sentences = [_clause(s) for s in leaf.problem_sentences() if s and s.strip()]
    if len(sentences) == 1:  # the sentence already says how many points were lost
        return sentences[0] + "。"
    if not sentences:
        body = "本指标未完全达到评分标准的要求"
    else:
        body = "；".join(f"{ORDINALS[i] if i < len(ORDINALS) else i + 1}是{s}" for i, s in enumerate(sentences))
    return f"{body}。根据评分标准，本指标共扣{fmt_number(leaf.lost)}分。"


def improvement(leaf: LeafResult, pack: Pack | None) -> str:
    """改进措施 from the pack (leaf ``improvement:``); a generic measure when the pack gives none."""
    spec = pack.find(leaf.code) if pack is not None else None
    text = (spec.improvement if spec is not None else "").strip()
    return text or DEFAULT_IMPROVEMENT.format(name=leaf.name)


def loss_sections(card: Scorecard, pack: Pack | None) -> list[LossSection]:
    return [
        LossSection(i, leaf.code, title(leaf, i), problem(leaf), improvement(leaf, pack))
        for i, leaf in enumerate(lost_leaves(card), start=1)
    ]


def overall(card: Scorecard, pack: Pack | None) -> str:
    """The overall evaluation in one paragraph: total, grade, subtotals, where points were lost."""
    who = card.department_name or card.department_id
    year = f"{pack.year}年度" if pack is not None else ""
    rubric = f"按照《{card.rubric.get('title', '')}》，" if card.rubric.get("title") else ""
    leaves = list(card.leaves())
    lost = lost_leaves(card)
    full = [leaf for leaf in leaves if leaf.status == SCORED and leaf.score == leaf.weight]
    total_weight = pack.total if pack is not None else sum((n.weight for n in card.roots), Decimal(0))
    text = f"{rubric}{who}{year}{kind(pack)}得分为{fmt_number(card.total)}分（满分{fmt_number(total_weight)}分）"
    if card.grade:
        text += f"，评价等级为“{card.grade}”。"
    elif not card.complete:
        text += "，因部分指标无法评价，评分不完整，暂不评定等级。"
    else:
        text += "，不在评分体系的任何等级区间内，未评定等级。"
    parts = [
        f"{n.name}得{fmt_number(n.score)}分（满分{fmt_number(n.weight)}分）"
        for n in card.roots
        if isinstance(n, NodeResult)
    ]
    if parts:
        text += "其中，" + "，".join(parts) + "。"
    text += f"{len(leaves)}项{leaf_level_name(card)}中，{len(full)}项得满分"
    if lost:
        lost_points = sum((leaf.lost for leaf in lost), Decimal(0))
        text += (
            f"，{len(lost)}项存在扣分，共扣{fmt_number(lost_points)}分，分别为："
            + "、".join(f"{leaf.name}（扣{fmt_number(leaf.lost)}分）" for leaf in lost)
            + "。"
        )
    else:
        text += "。"
    skipped = [leaf for leaf in leaves if leaf.status == NOT_APPLICABLE]
    if skipped:
        text += f"{len(skipped)}项指标不适用（" + "、".join(leaf.name for leaf in skipped) + "），不计分。"
    if card.raw_total is not None:
        text += f"各项指标得分合计{fmt_number(card.raw_total)}分，按适用指标的分值折算为{fmt_number(card.total)}分。"
    bad = [leaf for leaf in leaves if leaf.status not in (SCORED, NOT_APPLICABLE)]
    if bad:
        text += (
            f"另有{len(bad)}项指标无法评价："
            + "、".join(leaf.name for leaf in bad)
            + "，需补充或更正相关事实后重新评分。"
        )
    return text


def closing(card: Scorecard, pack: Pack | None = None) -> str:
    """Section 四's sentence that points to the attachment."""
    grade = f"，评价等级为“{card.grade}”" if card.grade else ""
    return f"参照《{table_title(pack)}》进行评分，得分为{fmt_number(card.total)}分{grade}，具体得分情况见附件。"


def plugin_notes(card: Any) -> list[str]:
    """One line per plugin that scored part of this card and is not the pack's own: the pack alone
    does not say how it scored."""
    names = {leaf.code: leaf.name for leaf in card.leaves()}
    out = []
    for q in card.rubric.get("plugins") or ():
        scored = "、".join(f"{code} {names[code]}" if code in names else code for code in q["indicators"])
        replaced = f"，替换了 {q['replaced']}" if q.get("replaced") else ""
        sha = f"，{q['sha256'][:19]}…" if q.get("sha256") else ""
        out.append(f"评分插件 {q['name']}（{q['origin']}{sha}{replaced}）用于 {scored}")
    return out


def leaf_level_name(card: Scorecard) -> str:
    """What the leaves are called: "三级指标" when they all sit at the third level, "末级指标" when their
    depths differ."""
    levels = {len(row.path) for row in leaf_rows(card.roots, LeafResult)}
    return LEVEL_NAMES[levels.pop()] if len(levels) == 1 else "末级指标"

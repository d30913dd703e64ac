"""复核 findings: where what a department claimed differs from what its facts score.

Two comparisons, kept apart because they mean different things to a reviewer:

* **score** — a claim against the engine's own computation from the facts;
* **arithmetic** — the form against itself: claimed parts that do not add up to a
  claimed group or total, a claimed grade that is not the band of the claimed total, a
  claimed score outside 0…分值. It uses the claims alone, so a form whose leaves are
  right but whose 合计 is wrong is one finding on the 合计.

Every reason is built from the scorecard's own explanation (formula, deductions, the
children's scores), so it quotes the computation rather than restating it by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .. import errors, tree
from ..numbers import fmt_detail, fmt_number, round_to
from ..scorecard import NOT_APPLICABLE, SCORED, LeafResult, NodeResult, Scorecard, row_score
from .claims import Claims, RowClaim

SCORE, ARITHMETIC, CONSISTENCY, UNKNOWN, NOT_EVALUABLE = (
    "score",
    "arithmetic",
    "consistency",
    "unknown",
    "not_evaluable",
)
KIND_TEXT = {
    SCORE: "得分不符",
    ARITHMETIC: "自评表计算错误",
    CONSISTENCY: "事实相互矛盾",
    UNKNOWN: "无此指标",
    NOT_EVALUABLE: "无法复核",
}
TOTAL, GRADE = "total", "grade"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    code: str | None  # an indicator's code, "total", "grade", or None
    name: str
    claimed: Decimal | str | None
    computed: Decimal | str | None
    difference: Decimal | None  # claimed − computed
    reason: str
    row: int | None = None  # a row the department listed under the indicator (1 = its first), by position

    def to_dict(self) -> dict[str, Any]:
        def text(v: Decimal | str | None) -> str | None:
            return v if v is None or isinstance(v, str) else fmt_number(v)

        out: dict[str, Any] = {
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "claimed": text(self.claimed),
            "computed": text(self.computed),
            "difference": text(self.difference),
            "reason": self.reason,
        }
        if self.row is not None:
            out["row"] = self.row
        return out


Node = NodeResult | LeafResult


def _leaves_of(node: Node) -> Iterator[LeafResult]:
    return tree.leaves([node], LeafResult)


def _checkable(node: Node) -> bool:
    return all(leaf.status in (SCORED, NOT_APPLICABLE) for leaf in _leaves_of(node))


def _more_or_less(difference: Decimal) -> str:
    return f"多计{fmt_number(difference)}分" if difference > 0 else f"少计{fmt_number(-difference)}分"


def _why_leaf(leaf: LeafResult, claimed: Decimal) -> str:
    if leaf.deductions:
        basis = "；".join(d.problem for d in leaf.deductions)
    else:
        basis = f"{leaf.formula}；复核得满分{fmt_number(leaf.weight)}分" if leaf.formula else "复核得满分"
    text = f"复核依据：{basis}"
    if leaf.raw_score is not None and leaf.score is not None and leaf.raw_score != leaf.score:
        exponent = claimed.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        if round_to(leaf.raw_score, places, ROUND_HALF_UP) == claimed:
            text += (
                f"。自评得分与未取舍的得分{fmt_detail(leaf.raw_score)}四舍五入后相同；"
                f"按评分体系的取舍规则应为{fmt_number(leaf.score)}分"
            )
    return text


def _children_sum(node: NodeResult) -> str:
    parts = [f"{c.name}{fmt_number(c.score) if c.score is not None else '（无法评价）'}" for c in node.children]
    return "＋".join(parts)


def _score_finding(node: Node, claimed: Decimal) -> Finding | None:
    if isinstance(node, LeafResult) and node.status == NOT_APPLICABLE:
        return Finding(
            SCORE,
            node.code,
            node.name,
            claimed,
            None,
            None,
            f"该指标对本部门不适用，复核不计分；自评填了{fmt_number(claimed)}分",
        )
    if not _checkable(node):
        blocked = [leaf for leaf in _leaves_of(node) if leaf.status not in (SCORED, NOT_APPLICABLE)]
        why = "；".join(p.message for leaf in blocked for p in leaf.problems) or "、".join(b.name for b in blocked)
        return Finding(NOT_EVALUABLE, node.code, node.name, claimed, None, None, why)
    computed = node.score
    assert computed is not None, "a checkable node has a score"
    if claimed == computed:
        return None
    difference = claimed - computed
    head = f"自评{fmt_number(claimed)}分，复核{fmt_number(computed)}分，{_more_or_less(difference)}。"
    if isinstance(node, LeafResult):
        why = _why_leaf(node, claimed)
    else:
        why = f"复核得分为下级指标复核得分之和：{_children_sum(node)}"
    return Finding(SCORE, node.code, node.name, claimed, computed, difference, head + why)


def matched_rows(
    leaf: LeafResult, claimed: list[RowClaim]
) -> tuple[list[tuple[int, dict[str, Any], RowClaim | None]], list[RowClaim]]:
    """The leaf's rows (1-based position, row, the claim of the row of that name or None), and the claims
    naming no row of the leaf. Rows of one name are matched in the order they were listed."""
    waiting: dict[str, list[RowClaim]] = {}
    for claim in claimed:
        waiting.setdefault(claim.name, []).append(claim)
    pairs: list[tuple[int, dict[str, Any], RowClaim | None]] = []
    for i, r in enumerate(leaf.rows, 1):
        same = waiting.get(r["name"])
        pairs.append((i, r, same.pop(0) if same else None))
    return pairs, [c for left in waiting.values() for c in left]


def _row_findings(leaf: LeafResult, claimed: list[RowClaim]) -> list[Finding]:
    """Each row whose claimed score differs from the row's computed one, as the form prints it."""
    pairs, strays = matched_rows(leaf, claimed)
    out = []
    for i, row, claim in pairs:
        if claim is None:
            continue
        computed = row_score(row)
        if row.get("status") == NOT_APPLICABLE:
            out.append(
                Finding(
                    SCORE,
                    leaf.code,
                    claim.name,
                    claim.value,
                    None,
                    None,
                    f"该行对本项目不适用，复核不计分；自评填了{fmt_number(claim.value)}分",
                    i,
                )
            )
            continue
        if computed is None or computed == claim.value:
            continue
        difference = claim.value - computed
        basis = "；".join(d.problem for d in leaf.deductions if d.rule == f"{leaf.code}:row{i}")
        basis = basis or f"该行已达成，复核得满分{fmt_number(row['points'])}分"
        head = f"自评{fmt_number(claim.value)}分，复核{fmt_number(computed)}分，{_more_or_less(difference)}。"
        out.append(
            Finding(SCORE, leaf.code, claim.name, claim.value, computed, difference, f"{head}复核依据：{basis}", i)
        )
    for claim in strays:
        out.append(
            Finding(
                UNKNOWN,
                leaf.code,
                claim.name,
                claim.value,
                None,
                None,
                f"“{leaf.name}”下没有“{claim.name}”这一行（复核按部门所列的行计分）",
            )
        )
    return out


class _FormSums:
    """The form's own sums: a node's claimed score, or the sum of its children's when every one is claimed."""

    def __init__(self, claims: dict[str, Decimal]):
        self.claims = claims

    def value(self, node: Node) -> Decimal | None:
        if node.code in self.claims:
            return self.claims[node.code]
        return self.children(node) if isinstance(node, NodeResult) else None

    def children(self, node: Node) -> Decimal | None:
        return None if isinstance(node, LeafResult) else self.total(node.children)

    def total(self, nodes: list[Node]) -> Decimal | None:
        """The sum of the nodes' claimed values; None when one of them has none."""
        out = Decimal(0)
        for n in nodes:
            value = self.value(n)
            if value is None:
                return None
            out += value
        return out

    def parts_text(self, nodes: list[Node]) -> str:
        return "＋".join(f"{n.name}{fmt_number(self.value(n))}" for n in nodes)


def _arithmetic(node: Node, claimed: Decimal, sums: _FormSums) -> list[Finding]:
    out = []
    if claimed < 0 or claimed > node.weight:
        out.append(
            Finding(
                ARITHMETIC,
                node.code,
                node.name,
                claimed,
                None,
                None,
                f"所填得分{fmt_number(claimed)}分超出该指标分值0～{fmt_number(node.weight)}分",
            )
        )
    parts = sums.children(node)
    if parts is not None and parts != claimed:
        assert isinstance(node, NodeResult)
        out.append(
            Finding(
                ARITHMETIC,
                node.code,
                node.name,
                claimed,
                parts,
                claimed - parts,
                f"所填下级指标得分合计{fmt_number(parts)}分（{sums.parts_text(node.children)}），"
                f"与所填{fmt_number(claimed)}分不符",
            )
        )
    return out


def find(card: Scorecard, claims: Claims, grade_for: Any, pack_total: Decimal) -> list[Finding]:
    """Every finding, in table order: each indicator (a group before its children), the total, the grade,
    then the unknown indicators and the contradicting facts."""
    claimed = {code: c.value for code, c in claims.by_code().items()}
    sums = _FormSums(claimed)
    out: list[Finding] = []

    def walk(node: Node) -> None:
        by_row = (
            _row_findings(node, claims.rows[node.code])
            if isinstance(node, LeafResult) and node.status == SCORED and node.code in claims.rows
            else []
        )
        out.extend(by_row)
        if node.code in claimed:
            found = _score_finding(node, claimed[node.code])
            if found is not None and not any(f.kind == SCORE for f in by_row):  # the rows say where it differs
                out.append(found)
            out.extend(_arithmetic(node, claimed[node.code], sums))
        for child in getattr(node, "children", ()):
            walk(child)

    for root in card.roots:
        walk(root)
    out.extend(_total_findings(card, claims, sums, grade_for, pack_total))
    for claim in claims.scores:
        if claim.node is None:
            like = f"，相近的有：{'、'.join(claim.resembles)}（未按相近名称复核）" if claim.resembles else ""
            out.append(
                Finding(UNKNOWN, None, claim.key, claim.value, None, None, f"评分体系中没有指标“{claim.key}”{like}")
            )
    out.extend(_consistency(card))
    return out


def _consistency(card: Scorecard) -> list[Finding]:
    """Facts that contradict each other: the pack's warnings, and the checks that blocked leaves (once each)."""
    seen: dict[str, Finding] = {}
    blocking = [p for leaf in card.leaves() for p in leaf.problems if p.code == errors.FACT_INCONSISTENT]
    for problem in [*card.warnings, *blocking]:
        seen.setdefault(
            problem.message, Finding(CONSISTENCY, None, "事实之间不一致", None, None, None, problem.message)
        )
    return list(seen.values())


def _total_findings(
    card: Scorecard, claims: Claims, sums: _FormSums, grade_for: Any, pack_total: Decimal
) -> list[Finding]:
    out = []
    total = claims.total
    if total is not None:
        if not card.complete:
            out.append(Finding(NOT_EVALUABLE, TOTAL, "总分", total, None, None, "无法复核总分：有指标无法评价"))
        elif total != card.total:
            difference = total - card.total
            out.append(
                Finding(
                    SCORE,
                    TOTAL,
                    "总分",
                    total,
                    card.total,
                    difference,
                    f"自评总分{fmt_number(total)}分，复核总分{fmt_number(card.total)}分，{_more_or_less(difference)}",
                )
            )
        if total < 0 or total > pack_total:
            out.append(
                Finding(
                    ARITHMETIC,
                    TOTAL,
                    "总分",
                    total,
                    None,
                    None,
                    f"所填总分{fmt_number(total)}分超出0～{fmt_number(pack_total)}分",
                )
            )
        parts = sums.total(list(card.roots))
        if card.raw_total is None and parts is not None:
            if parts != total:
                out.append(
                    Finding(
                        ARITHMETIC,
                        TOTAL,
                        "总分",
                        total,
                        parts,
                        total - parts,
                        f"所填各指标得分合计{fmt_number(parts)}分（{sums.parts_text(list(card.roots))}），"
                        f"与所填总分{fmt_number(total)}分不符",
                    )
                )
    grade = claims.grade
    if grade is not None:
        if total is not None and grade_for(total) != grade:
            out.append(
                Finding(
                    ARITHMETIC,
                    GRADE,
                    "等级",
                    grade,
                    grade_for(total),
                    None,
                    f"所填总分{fmt_number(total)}分按评分体系应为“{grade_for(total)}”，与所填等级“{grade}”不符",
                )
            )
        if card.grade is None:
            out.append(Finding(NOT_EVALUABLE, GRADE, "等级", grade, None, None, "无法复核等级：有指标无法评价"))
        elif card.grade != grade:
            out.append(
                Finding(
                    SCORE,
                    GRADE,
                    "等级",
                    grade,
                    card.grade,
                    None,
                    f"自评等级“{grade}”，复核总分{fmt_number(card.total)}分对应等级“{card.grade}”",
                )
            )
    return out

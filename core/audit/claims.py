"""What a department claimed: its own scores, total and grade, read from a document's ``claimed:``.

A claim names an indicator by code or by name, at any level. The name is resolved
against the scorecard's own tree (the pack as scored), never guessed: a code first, then
a name or the name the form prints; a name two indicators share is refused with both
codes, and a key the pack does not have is kept, to be reported as an ``unknown``
finding with the names it resembles — never mapped onto one of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import errors, tree
from ..errors import Problem
from ..number_text import NumberRefused, parse_number
from ..scorecard import LeafResult, NodeResult, Scorecard

CLAIM_KEYS = ("scores", "total", "grade", "rows")


@dataclass(frozen=True, slots=True)
class Claim:
    """One claimed score; ``node`` is the indicator it names, None when the pack has no such indicator."""

    key: str
    value: Decimal
    node: NodeResult | LeafResult | None
    resembles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RowClaim:
    """One row a department listed under an indicator (a project form's 三级指标) and the score it gave it."""

    name: str
    value: Decimal


@dataclass(slots=True)
class Claims:
    scores: list[Claim] = field(default_factory=list)
    total: Decimal | None = None
    grade: str | None = None
    problems: list[Problem] = field(default_factory=list)  # claims refused as written
    rows: dict[str, list[RowClaim]] = field(default_factory=dict)  # by the code of the indicator they are under

    def by_code(self) -> dict[str, Claim]:
        return {c.node.code: c for c in self.scores if c.node is not None}

    def __bool__(self) -> bool:
        return bool(self.scores) or self.total is not None or self.grade is not None


def _problem(code: str, where: str, message: str, value: Any = None, expected: str | None = None) -> Problem:
    return Problem(code, f"claimed.{where}：{message}", field=f"claimed.{where}", value=value, expected=expected)


def _number(raw: Any, where: str, problems: list[Problem]) -> Decimal | None:
    try:
        return parse_number(raw, percent=False)
    except NumberRefused as refused:
        problems.append(_problem(refused.code, where, f"“{raw}”不是可用的得分：{refused.reason}", raw, "得分（数值）"))
        return None


def _nodes(card: Scorecard) -> list[NodeResult | LeafResult]:
    out: list[NodeResult | LeafResult] = list(tree.groups(card.roots, LeafResult))
    out += list(tree.leaves(card.roots, LeafResult))
    return out


def _resolve(
    key: str, nodes: Iterable[NodeResult | LeafResult]
) -> tuple[NodeResult | LeafResult | None, list[NodeResult | LeafResult]]:
    """The node a key names, or (None, the nodes it could mean) when it names none or several."""
    nodes = list(nodes)
    for n in nodes:
        if n.code == key:
            return n, []
    named = [n for n in nodes if key in (n.name, getattr(n, "printed_name", n.name))]
    if len(named) == 1:
        return named[0], []
    return None, named


def read_claims(raw: Any, card: Scorecard, grades: Iterable[str]) -> Claims:
    """The ``claimed:`` mapping of a document, resolved against ``card``; what cannot be read is a problem."""
    claims = Claims()
    if raw is None:
        return claims
    if not isinstance(raw, Mapping):
        claims.problems.append(
            Problem(
                errors.CLAIM_FORMAT,
                "claimed：应为映射（scores、total、grade）",
                field="claimed",
                value=raw,
                expected="映射",
            )
        )
        return claims
    for key in raw:
        if key not in CLAIM_KEYS:
            claims.problems.append(
                _problem(
                    errors.CLAIM_FORMAT,
                    str(key),
                    f"未知的键（可用：{'、'.join(CLAIM_KEYS)}）",
                    key,
                    "、".join(CLAIM_KEYS),
                )
            )
    scores = raw.get("scores") or {}
    if not isinstance(scores, Mapping):
        claims.problems.append(
            _problem(errors.CLAIM_FORMAT, "scores", "应为映射（指标名称或编码: 得分）", scores, "映射")
        )
        scores = {}
    nodes = _nodes(card)
    names = [n.name for n in nodes]
    for key, value in scores.items():
        key_text = str(key)
        number = _number(value, f"scores.{key_text}", claims.problems)
        if number is None:
            continue
        node, candidates = _resolve(key_text, nodes)
        if node is None and candidates:
            codes = "、".join(f"{n.code} {n.name}" for n in candidates)
            claims.problems.append(
                _problem(
                    errors.CLAIM_AMBIGUOUS,
                    f"scores.{key_text}",
                    f"“{key_text}”是{len(candidates)}个指标的名称（{codes}），请改用编码",
                    key_text,
                    "唯一的指标名称或编码",
                )
            )
            continue
        resembles = () if node else tuple(difflib.get_close_matches(key_text, names, n=3, cutoff=0.6))
        claims.scores.append(Claim(key_text, number, node, resembles))
    if raw.get("total") is not None:
        claims.total = _number(raw["total"], "total", claims.problems)
    grade = raw.get("grade")
    if grade is not None:
        allowed = list(grades)
        if isinstance(grade, str) and grade in allowed:
            claims.grade = grade
        else:
            claims.problems.append(
                _problem(errors.CLAIM_FORMAT, "grade", f"“{grade}”不是本评分体系的等级", grade, "、".join(allowed))
            )
    claims.rows = _row_claims(raw.get("rows"), nodes, claims.problems)
    seen: dict[str, str] = {}
    for claim in claims.scores:
        if claim.node is None:
            continue
        if claim.node.code in seen:
            claims.problems.append(
                _problem(
                    errors.CLAIM_DUPLICATE,
                    f"scores.{claim.key}",
                    f"与“{seen[claim.node.code]}”是同一指标（{claim.node.code} {claim.node.name}），得分填了两次",
                    claim.key,
                )
            )
        seen.setdefault(claim.node.code, claim.key)
    duplicated = {c.node.code for c in claims.scores if c.node is not None and seen.get(c.node.code) != c.key}
    claims.scores = [c for c in claims.scores if c.node is None or c.node.code not in duplicated]
    return claims


def _row_claims(raw: Any, nodes: list[NodeResult | LeafResult], problems: list[Problem]) -> dict[str, list[RowClaim]]:
    """``claimed.rows``: {indicator: [{name, score}, …]}, the scores a department gave the rows it listed."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(_problem(errors.CLAIM_FORMAT, "rows", "应为映射（指标编码: [{name, score}, …]）", raw, "映射"))
        return {}
    out: dict[str, list[RowClaim]] = {}
    for key, items in raw.items():
        where = f"rows.{key}"
        node, _ = _resolve(str(key), nodes)
        if not isinstance(node, LeafResult):
            problems.append(
                _problem(errors.CLAIM_FORMAT, where, f"“{key}”不是本评分体系的末级指标", key, "末级指标的编码或名称")
            )
            continue
        if not isinstance(items, list):
            problems.append(_problem(errors.CLAIM_FORMAT, where, "应为列表（[{name, score}, …]）", items, "列表"))
            continue
        for i, item in enumerate(items, 1):
            name = item.get("name") if isinstance(item, Mapping) else None
            if not isinstance(name, str) or not name.strip() or "score" not in item:
                problems.append(
                    _problem(errors.CLAIM_FORMAT, f"{where}[{i}]", "应写 name（行的名称）与 score（得分）", item)
                )
                continue
            number = _number(item["score"], f"{where}[{i}].score", problems)
            if number is not None:
                out.setdefault(node.code, []).append(RowClaim(name.strip(), number))
    return out

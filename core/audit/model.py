"""An audit's result: the scorecard, what was claimed, the findings, and the 复核表 rows built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import tree
from ..errors import Problem
from ..numbers import fmt_number
from ..scorecard import LeafResult, NodeResult, Scorecard
from .claims import Claims
from .findings import KIND_TEXT, TOTAL, Finding


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One line of the 复核表: an indicator (or the total) with its claimed and computed scores."""

    code: str
    name: str
    path: tuple[str, ...]  # the names of the groups above, outermost first
    first: tuple[bool, ...]  # for each group above, whether this is its first row (where a table names it)
    weight: Decimal
    claimed: Decimal | None
    computed: Decimal | None
    difference: Decimal | None
    note: str  # the findings' reasons, joined


@dataclass(slots=True)
class Audit:
    card: Scorecard
    claims: Claims
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.claims.problems

    @property
    def agrees(self) -> bool | None:
        """No findings and every claim read; None when the document claimed nothing to agree with."""
        if not self.claims and not self.findings and not self.problems:
            return None
        return not self.findings and not self.problems

    @property
    def complete(self) -> bool:
        """Everything claimed could be read and checked."""
        return self.card.complete and not self.problems and all(f.kind != "not_evaluable" for f in self.findings)

    def rows(self) -> list[AuditRow]:
        """The 复核表: every leaf in table order, then the total."""
        claimed = {code: c.value for code, c in self.claims.by_code().items()}
        notes: dict[str, list[str]] = {}
        for f in self.findings:
            if f.code is not None:
                notes.setdefault(f.code, []).append(f"{KIND_TEXT[f.kind]}：{f.reason}")
        out = []
        for row in tree.leaf_rows(self.card.roots, LeafResult):
            leaf = row.leaf
            c = claimed.get(leaf.code)
            out.append(
                AuditRow(
                    leaf.code,
                    leaf.name,
                    tuple(g.printed_name for g in row.path),
                    row.first,
                    leaf.weight,
                    c,
                    leaf.score,
                    None if c is None or leaf.score is None else c - leaf.score,
                    "；".join(notes.get(leaf.code, [])),
                )
            )
        total = self.claims.total
        computed = self.card.total if self.card.complete else None
        out.append(
            AuditRow(
                TOTAL,
                "总分",
                (),
                (),
                sum((r.weight for r in self.card.roots), Decimal(0)),
                total,
                computed,
                None if total is None or computed is None else total - computed,
                "；".join(notes.get(TOTAL, []) + notes.get("grade", [])),
            )
        )
        return out

    def group_findings(self) -> list[Finding]:
        """Findings on groups (二级/一级 subtotals): the 复核表 has no row for them, the opinion lists them."""
        groups = {n.code for n in tree.groups(self.card.roots, LeafResult) if isinstance(n, NodeResult)}
        return [f for f in self.findings if f.code in groups]

    def to_dict(self) -> dict[str, Any]:
        card = self.card
        return {
            "department": {"id": card.department_id, "name": card.department_name},
            "rubric": dict(card.rubric),
            "claimed_total": None if self.claims.total is None else fmt_number(self.claims.total),
            "computed_total": fmt_number(card.total) if card.complete else None,
            "claimed_grade": self.claims.grade,
            "computed_grade": card.grade,
            "agrees": self.agrees,
            "findings": [f.to_dict() for f in self.findings],
            "problems": [p.to_dict() for p in self.problems],
        }

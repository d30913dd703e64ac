"""An audit's result: the scorecard, what was claimed, the findings, and the 复核表 rows built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import tree
from ..errors import Problem
from ..numbers import fmt_number
from ..scorecard import LeafResult, NodeResult, Scorecard, row_score
from .claims import Claims
from .findings import KIND_TEXT, TOTAL, Finding, matched_rows


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
    row: int | None = None  # a row the department listed under the indicator ``code`` (1 = its first)


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
        """The 复核表: every leaf in table order — a leaf scored from rows the department listed (a project
        form's 三级指标) as those rows, under their 二级指标 — then the total."""
        claimed = {code: c.value for code, c in self.claims.by_code().items()}
        notes: dict[tuple[str, int | None], list[str]] = {}
        for f in self.findings:
            if f.code is not None:
                notes.setdefault((f.code, f.row), []).append(f"{KIND_TEXT[f.kind]}：{f.reason}")
        out: list[AuditRow] = []
        for row in tree.leaf_rows(self.card.roots, LeafResult):
            leaf = row.leaf
            c = claimed.get(leaf.code)
            if leaf.rows:
                out += self._listed(leaf, tuple(g.printed_name for g in row.path), row.first, notes)
                continue
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
                    "；".join(notes.get((leaf.code, None), [])),
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
                "；".join(notes.get((TOTAL, None), []) + notes.get(("grade", None), [])),
            )
        )
        return out

    def _listed(self, leaf: LeafResult, path: tuple[str, ...], first: tuple[bool, ...], notes: dict) -> list[AuditRow]:
        """The rows a department listed under ``leaf``, each under its 二级指标; the leaf's own notes on its first."""
        pairs, _ = matched_rows(leaf, self.claims.rows.get(leaf.code, []))
        out = []
        for i, r, claim in pairs:
            computed = row_score(r)
            category = r.get("category") or leaf.name
            new_category = i == 1 or category != (leaf.rows[i - 2].get("category") or leaf.name)
            value = claim.value if claim is not None else None
            leaf_notes = notes.get((leaf.code, None), []) if i == 1 else []
            out.append(
                AuditRow(
                    leaf.code,
                    r["name"],
                    path + (category,),
                    (first if i == 1 else tuple(False for _ in first)) + (new_category,),
                    r["points"],
                    value,
                    computed,
                    None if value is None or computed is None else value - computed,
                    "；".join(leaf_notes + notes.get((leaf.code, i), [])),
                    i,
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

"""A department's scorecard: every leaf with its explanation, subtotals, total, grade, provenance.

Serialised with a stable key order and numbers as decimal strings. The result classes
have ``__slots__`` (one scorecard holds ~30 of them): cheaper to create and to keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from . import tree
from .errors import Problem
from .indicator import Deduction, InputValue, Intermediate
from .numbers import Number, exact_text, fmt_number, round_to

SCORED, NOT_EVALUABLE, ERROR, NOT_APPLICABLE = "scored", "not_evaluable", "error", "not_applicable"


def row_score(row: dict[str, Any]) -> Decimal | None:
    """A row a department listed (``LeafResult.rows``), its score as the form prints it: two places, half to
    even; None when the row does not apply."""
    if row.get("status") != SCORED or row.get("score") is None:
        return None
    return round_to(row["score"], 2, ROUND_HALF_EVEN)


STATUS_TEXT = {SCORED: "已评分", NOT_EVALUABLE: "无法评价", ERROR: "出错", NOT_APPLICABLE: "不适用"}


@dataclass(slots=True)
class LeafResult:
    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    status: str
    implementation: str
    formula: str = ""
    raw_score: Number | None = None
    inputs: list[InputValue] = field(default_factory=list)
    intermediates: list[Intermediate] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    path: tuple[str, ...] = ()  # names of the 一级/二级 nodes above
    origins: dict[str, str] = field(default_factory=dict)  # parameter → the pack or override it came from
    rows: list[dict[str, Any]] = field(default_factory=list)  # sub-indicators listed by the department
    applicable_weight: Decimal | None = None

    @property
    def lost(self) -> Decimal:
        return self.weight - (self.score or Decimal(0))

    def problem_sentences(self) -> list[str]:
        """The 存在问题 material: one sentence per deduction."""
        return [d.problem for d in self.deductions]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "path": list(self.path),
            "weight": fmt_number(self.weight),
            "score": None if self.score is None else fmt_number(self.score),
            "raw_score": None if self.raw_score is None else exact_text(self.raw_score),
            "status": self.status,
            "implementation": self.implementation,
            "formula": self.formula,
            "inputs": [
                {"name": i.name, "label": i.label, "value": _plain(i.value), "shown": i.shown} for i in self.inputs
            ],
            "intermediates": [
                {"label": m.label, "value": exact_text(m.value), "shown": m.shown} for m in self.intermediates
            ],
            "deductions": [
                {"points": exact_text(d.points), "reason": d.reason, "problem": d.problem, "rule": d.rule}
                for d in self.deductions
            ],
            "rules": list(self.rules),
            "notes": list(self.notes),
            "origins": dict(self.origins),
            "rows": [
                {
                    k: (
                        exact_text(v)
                        if k == "score" and v is not None
                        else fmt_number(v)
                        if isinstance(v, Decimal)
                        else v
                    )
                    for k, v in r.items()
                }
                for r in self.rows
            ],
            "applicable_weight": None if self.applicable_weight is None else fmt_number(self.applicable_weight),
            "problems": [p.to_dict() for p in self.problems],
        }


TEXTS = ("inputs", "intermediates", "deductions", "rows")  # what ``ExplainedWhenRead`` makes when first read
_SLOTS: dict[str, Any] = {name: LeafResult.__dict__[name] for name in TEXTS}  # those fields' slots
_put_inputs, _put_intermediates, _put_deductions, _put_rows = (_SLOTS[name].__set__ for name in TEXTS)


def _explained(name: str) -> Any:
    """A text field of ``ExplainedWhenRead``: read or replaced, it makes the leaf's texts first if they are
    not made yet (a value a plugin assigns is never overwritten by texts made after it)."""
    slot = _SLOTS[name]

    def read(self: ExplainedWhenRead) -> Any:
        if self._later is not None:
            self._explain()
        return slot.__get__(self, LeafResult)

    def write(self: ExplainedWhenRead, value: Any) -> None:
        if self._later is not None:
            self._explain()
        slot.__set__(self, value)

    return property(read, write)


class ExplainedWhenRead(LeafResult):
    """A scored leaf whose inputs, intermediates, deductions and rows are made when one of them is first read,
    by the shape's ``explain`` of what it computed: a scorecard read for its scores alone never formats a
    number. Read, it is the ``LeafResult`` the shape's ``evaluate`` would have given; copied or pickled, it
    becomes one."""

    __slots__ = ("_later",)

    inputs = _explained("inputs")
    intermediates = _explained("intermediates")
    deductions = _explained("deductions")
    rows = _explained("rows")

    def __init__(
        self,
        code: str,
        name: str,
        weight: Decimal,
        score: Decimal,
        implementation: str,
        formula: str,
        raw_score: Number,
        rules: list[str],
        notes: list[str],
        path: tuple[str, ...],
        origins: dict[str, str],
        applicable_weight: Decimal | None,
        later: Callable[[], Any],
    ) -> None:
        """A scored leaf; its texts are what ``later()`` returns, made when first read (their slots stay
        empty until then: every read goes through the properties above)."""
        self.code, self.name, self.weight, self.score, self.status = code, name, weight, score, SCORED
        self.implementation, self.formula, self.raw_score = implementation, formula, raw_score
        self.rules, self.problems, self.notes, self.path = rules, [], notes, path
        self.origins, self.applicable_weight = origins, applicable_weight
        self._later: Callable[[], Any] | None = later

    def _explain(self) -> None:
        """Make the texts; two threads reading at once both make them, alike, and neither fails."""
        later = self._later
        if later is None:
            return
        outcome = later()
        _put_inputs(self, outcome.inputs)
        _put_intermediates(self, outcome.intermediates)
        _put_deductions(self, outcome.deductions)
        _put_rows(self, outcome.rows)
        self._later = None

    def __eq__(self, other: object) -> bool:
        """Equal to a ``LeafResult`` with the same fields, however either's texts were made."""
        if not isinstance(other, LeafResult):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(LeafResult))

    __hash__ = None  # type: ignore[assignment]  # as LeafResult: mutable, compared by value

    def __reduce__(self) -> tuple[Any, ...]:
        return LeafResult, tuple(getattr(self, f.name) for f in fields(LeafResult))


@dataclass(slots=True)
class NodeResult:
    code: str
    name: str
    printed_name: str
    weight: Decimal
    score: Decimal
    children: list[NodeResult | LeafResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "weight": fmt_number(self.weight),
            "score": fmt_number(self.score),
            "children": [c.code for c in self.children],
        }


@dataclass(slots=True)
class Scorecard:
    department_id: str
    department_name: str
    rubric: dict[str, str]
    engine_version: str
    rules_backend: str
    roots: list[NodeResult | LeafResult]
    total: Decimal
    grade: str | None
    complete: bool
    fact_problems: list[Problem] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    raw_total: Decimal | None = None  # the sum before rescaling to the pack total, when leaves were dropped
    warnings: list[Problem] = field(default_factory=list)  # broken consistency checks the pack declares as warnings
    form_values: dict[str, Any] = field(default_factory=dict)  # the facts a project form's fixed rows print

    def leaves(self) -> Iterator[LeafResult]:
        return tree.leaves(self.roots, LeafResult)

    def nodes(self) -> Iterator[NodeResult]:
        return tree.groups(self.roots, LeafResult)

    def __getitem__(self, key: str) -> LeafResult:
        """A leaf by code or by Chinese name."""
        for leaf in self.leaves():
            if key in (leaf.code, leaf.name):
                return leaf
        raise KeyError(key)

    @property
    def by_code(self) -> dict[str, LeafResult]:
        return {leaf.code: leaf for leaf in self.leaves()}

    @property
    def by_name(self) -> dict[str, LeafResult]:
        return {leaf.name: leaf for leaf in self.leaves()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "department": {"id": self.department_id, "name": self.department_name},
            "rubric": dict(self.rubric),
            "engine_version": self.engine_version,
            "rules_backend": self.rules_backend,
            "total": fmt_number(self.total),
            "grade": self.grade,
            "complete": self.complete,
            "raw_total": None if self.raw_total is None else fmt_number(self.raw_total),
            "overrides": list(self.overrides),
            "nodes": [n.to_dict() for n in self.nodes()],
            "indicators": [leaf.to_dict() for leaf in self.leaves()],
            "fact_problems": [p.to_dict() for p in self.fact_problems],
            "warnings": [p.to_dict() for p in self.warnings],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (Decimal, int)):
        return str(value)
    return str(value)

"""What an indicator implementation hands the engine: its configuration, and per department its outcome.

The per-department classes have ``__slots__``: a scorecard holds hundreds of them, and
slotted instances are cheaper to create and to keep (no per-instance ``__dict__``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .errors import JixiaoError, Problem
from .facts import FactSpec
from .numbers import Number, add
from .rules.model import DecisionTable

if TYPE_CHECKING:
    from .pack.model import LeafSpec, Pack


@dataclass
class Configured:
    """A leaf's implementation, read once at pack load."""

    facts: dict[str, FactSpec]
    tables: list[DecisionTable] = field(default_factory=list)
    formula: str = ""
    state: Any = None
    optional: frozenset[str] = frozenset()  # facts checked when given but not required up front (``ctx.require``)


@dataclass(slots=True)
class EvalContext:
    """One department as one leaf sees it."""

    facts: Mapping[str, Any]
    pack: Pack
    inputs: Mapping[str, Number] = field(default_factory=dict)
    decisions: Mapping[str, str | None] = field(default_factory=dict)
    problems: Mapping[str, Problem] = field(default_factory=dict)  # the department's refused facts, by name

    def require(self, specs: Iterable[FactSpec]) -> None:
        """Refuse to go on (not evaluable) unless every one of ``specs`` was given and valid:
        for a plugin whose facts depend on the department (``Configured.optional``)."""
        refused = [
            self.problems.get(s.name)
            or Problem(
                s.missing_code,
                f"缺少事实“{s.label}”（{s.name}），应为{s.expected()}",
                field=s.name,
                expected=s.expected(),
            )
            for s in specs
            if s.name not in self.facts
        ]
        if refused:
            raise JixiaoError(refused)


@dataclass(slots=True)
class InputValue:
    name: str
    label: str
    value: Any
    shown: str


@dataclass(slots=True)
class Intermediate:
    label: str
    value: Number
    shown: str


@dataclass(slots=True)
class Deduction:
    """Points lost, why (short), and the sentence the report's 存在问题 is built from."""

    points: Number
    reason: str
    problem: str
    rule: str = ""


@dataclass(slots=True)
class Computed:
    """What a shape written in two steps hands over before any text (``Shape.compute``): the score and the
    rules that fired. A shape's subclass adds, as named fields, the values its ``explain`` makes texts of."""

    score: Number
    rules: tuple[str, ...] = ()
    applicable_weight: Decimal | None = None  # as ``Outcome.applicable_weight``


@dataclass(slots=True)
class Outcome:
    score: Number
    inputs: list[InputValue] = field(default_factory=list)
    intermediates: list[Intermediate] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # sub-indicators a department listed itself
    applicable_weight: Decimal | None = None  # less than the weight when some sub-indicators do not apply

    def absorb(self, other: Outcome, prefix: str = "") -> None:
        """Add ``other`` (a part's outcome) to this one: inputs already shown are not repeated.

        Parts absorb a few short outcomes per department: the names already shown are
        collected only when both sides have inputs, and plain loops beat comprehensions
        (each a function call on CPython 3.11) on one to three items. The intermediates
        are read from a snapshot, in case ``other`` shares this outcome's list.
        """
        self.score = add(self.score, other.score)
        inputs = self.inputs
        if inputs and other.inputs:
            seen = {i.name for i in inputs}
            for i in other.inputs:
                if i.name not in seen:
                    inputs.append(i)
        else:
            inputs.extend(other.inputs)
        append = self.intermediates.append
        for m in tuple(other.intermediates):
            append(Intermediate(f"{prefix}{m.label}", m.value, m.shown))
        self.deductions.extend(other.deductions)
        self.rules.extend(other.rules)


def params_error(leaf: LeafSpec, param: str, message: str) -> JixiaoError:
    """A leaf's parameter refused: the message names the line, the node path and the parameter; the
    place is kept as data."""
    from .errors import PACK_PARAMS

    return JixiaoError(
        leaf.place(f"params.{param}").problem(
            PACK_PARAMS, f"“{leaf.name}”（{leaf.code}）的参数 {param}：{message}", field=param
        )
    )

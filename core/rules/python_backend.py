"""The pure-Python evaluator of decision tables, the default backend; durable-rules is checked against it.

Each condition is compiled once, at construction, into a ``Test``: the input's key, the
comparison as an ``operator`` function, and the threshold both as written (a Decimal)
and as an integer fraction. ``decide`` runs for every department and keeps to plain
loops with the same first-match semantics as ``Condition.holds``. A rate that is not a
terminating decimal reaches it as a ``Fraction``; Python compares a Fraction with a
Decimal exactly but slowly (≈ 0.7 µs, most of a department's decisions), so a Fraction
is compared by cross-multiplying integers instead (``a/b < n/d`` ⇔ ``a·d < n·b``, both
denominators positive): the same answer, a tenth of the time.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from ..errors import PACK_BANDS, JixiaoError, Problem
from ..numbers import Number
from .model import Condition, DecisionTable

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


class Test(NamedTuple):
    """One condition, ready to run: ``holds(values[key], threshold)``."""

    key: str
    holds: Callable[[Any, Any], bool]
    threshold: Number
    numerator: int  # the threshold as numerator / denominator, the denominator positive (0 for an infinity)
    denominator: int


class CompiledRule(NamedTuple):
    id: str
    tests: tuple[Test, ...]


class CompiledTable(NamedTuple):
    id: str
    rules: tuple[CompiledRule, ...]
    key: str | None  # the one input every condition reads (a band table), else None
    unconditional: str | None  # the first rule without conditions: the decision when that input is absent


def compile_table(table: DecisionTable) -> CompiledTable:
    rules = []
    for rule in table.rules:
        tests = []
        for c in rule.conditions:
            numerator, denominator = _ratio(c, table.id)
            tests.append(Test(c.key, _OPS.get(c.op, operator.eq), c.value, numerator, denominator))
        rules.append(CompiledRule(rule.id, tuple(tests)))
    keys = table.keys
    unconditional = next((rule.id for rule in rules if not rule.tests), None)
    return CompiledTable(table.id, tuple(rules), next(iter(keys)) if len(keys) == 1 else None, unconditional)


def _ratio(c: Condition, table_id: str) -> tuple[int, int]:
    """The threshold as (numerator, denominator), whatever exact type a plugin's table gave it. An infinity is
    (±1, 0): cross-multiplied, every finite input is below +∞ and above −∞, as compared directly; a NaN
    decides nothing and is refused at load."""
    try:
        return c.value.as_integer_ratio()
    except OverflowError:  # an infinity
        return (-1 if c.value < 0 else 1), 0
    except ValueError:  # NaN
        raise JixiaoError(
            Problem(PACK_BANDS, f"决策表 {table_id} 的条件 {c.key} 的阈值 {c.value} 不是数值", value=str(c.value))
        ) from None


class PythonBackend:
    name = "python"

    def __init__(self, tables: Sequence[DecisionTable]):
        self.tables = tuple(tables)
        self._compiled = tuple(compile_table(table) for table in self.tables)

    def decide(self, values: Mapping[str, Number], sid: str = "") -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for table in self._compiled:
            if table.key is None:
                out[table.id] = _first_rule(table.rules, values)
            else:
                value = values.get(table.key, _ABSENT)
                out[table.id] = table.unconditional if value is _ABSENT else _first_rule_of_one(table.rules, value)
        return out

    def close(self) -> None:
        pass


_ABSENT = object()


def _first_rule_of_one(rules: tuple[CompiledRule, ...], value: Any) -> str | None:
    """The first rule that holds for the one input's ``value``, a Fraction split once into its integers."""
    if value.__class__ is Fraction:
        a, b = value.numerator, value.denominator
        for rule_id, tests in rules:
            for _, holds, _, numerator, denominator in tests:
                if not holds(a * denominator, numerator * b):
                    break
            else:
                return rule_id
        return None
    for rule_id, tests in rules:
        for _, holds, threshold, _, _ in tests:
            if not holds(value, threshold):
                break
        else:
            return rule_id
    return None


def _first_rule(rules: tuple[CompiledRule, ...], values: Mapping[str, Any]) -> str | None:
    """The first rule whose every input is present and holds."""
    for rule_id, tests in rules:
        for key, holds, threshold, numerator, denominator in tests:
            value = values.get(key, _ABSENT)
            if value is _ABSENT:
                break
            if value.__class__ is Fraction:
                if not holds(value.numerator * denominator, numerator * value.denominator):
                    break
            elif not holds(value, threshold):
                break
        else:
            return rule_id
    return None

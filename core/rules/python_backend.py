"""The pure-Python evaluator of decision tables: the oracle durable-rules is checked against.

Each condition is compiled once, at construction, into ``(key, comparison, threshold)``
with the comparison an ``operator`` function: ``decide`` runs for every department and
this keeps it to plain tuple loops (same first-match semantics as ``Condition.holds``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..numbers import Number
from .model import DecisionTable

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


class PythonBackend:
    name = "python"

    def __init__(self, tables: Sequence[DecisionTable]):
        self.tables = tuple(tables)
        self._compiled = tuple(
            (
                table.id,
                tuple(
                    (rule.id, tuple((c.key, _OPS.get(c.op, operator.eq), c.value) for c in rule.conditions))
                    for rule in table.rules
                ),
            )
            for table in self.tables
        )

    def decide(self, values: Mapping[str, Number], sid: str = "") -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for table_id, rules in self._compiled:
            out[table_id] = None
            for rule_id, conditions in rules:
                for key, holds, threshold in conditions:
                    if key not in values or not holds(values[key], threshold):
                        break
                else:
                    out[table_id] = rule_id
                    break
        return out

    def close(self) -> None:
        pass

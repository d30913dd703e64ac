"""The declarative rules of a pack, independent of the engine that runs them.

A ``DecisionTable`` is an ordered list of rules over named numeric inputs; the first
rule whose conditions all hold is the table's decision. Shapes (bands, thresholds,
vetoes, exemptions) compile their YAML into tables at pack load; per department the
engine computes the inputs and asks a backend (durable-rules, or the Python oracle)
for every table's decision at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from ..numbers import Number

Op = Literal["lt", "le", "gt", "ge", "eq"]

OP_TEXT = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "eq": "="}


@dataclass(frozen=True)
class Condition:
    key: str
    op: Op
    value: Decimal

    def holds(self, x: Number) -> bool:
        v = self.value
        if self.op == "lt":
            return x < v
        if self.op == "le":
            return x <= v
        if self.op == "gt":
            return x > v
        if self.op == "ge":
            return x >= v
        return x == v


@dataclass(frozen=True)
class Rule:
    id: str
    conditions: tuple[Condition, ...]
    text: str = ""


@dataclass(frozen=True)
class DecisionTable:
    id: str
    rules: tuple[Rule, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(c.key for r in self.rules for c in r.conditions)


class RuleBackend(Protocol):
    """Runs a pack's tables: one call per department, every table decided at once."""

    name: str

    def decide(self, values: Mapping[str, Number], sid: str) -> dict[str, str | None]:
        """Return table id → id of the first rule that holds (None: no rule holds, or inputs absent)."""
        ...

    def close(self) -> None: ...

"""The pure-Python evaluator of decision tables: the oracle durable-rules is checked against."""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Sequence

from .model import DecisionTable


class PythonBackend:
    name = "python"

    def __init__(self, tables: Sequence[DecisionTable]):
        self.tables = tuple(tables)

    def decide(self, values: Mapping[str, Decimal], sid: str = "") -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for table in self.tables:
            out[table.id] = None
            for rule in table.rules:
                if all(c.key in values and c.holds(values[c.key]) for c in rule.conditions):
                    out[table.id] = rule.id
                    break
        return out

    def close(self) -> None:
        pass

"""Facts: what a department feeds in, declared by the indicators that need them.

Each indicator declares ``FactSpec``s; the engine merges them into one pydantic model
per pack (``fact_model``), so a new indicator can ask for a new fact without touching
the core. Every conversion error carries a stable code and a Chinese message naming
the field, the value and what was expected.

This module holds one fact: its kinds, how a raw value converts, how it is shown. The
per-pack model lives in ``fact_model`` and the reading of a facts file in
``facts_document``; their names are importable from here as well, as they always were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticCustomError

from . import errors
from .errors import fact_problem
from .fact_model import DepartmentFacts as DepartmentFacts
from .fact_model import FactModel as FactModel
from .fact_model import LocatedFacts as LocatedFacts
from .fact_model import cell_text as cell_text
from .facts_document import gbk_hint as gbk_hint
from .facts_document import normalise_document as normalise_document
from .facts_document import read_facts_file as read_facts_file
from .number_text import INT_LIMIT, NumberRefused, parse_number
from .numbers import fmt_number, fmt_percent

KINDS = ("money", "number", "count", "rate", "bool", "choice", "score", "text", "date", "table")
KIND_TEXT = {
    "money": "非负金额",
    "number": "数值",
    "count": "非负整数",
    "rate": "比率（如 98.1% 或 0.981）",
    "bool": "是/否（true/false）",
    "choice": "选项之一",
    "score": "分数",
    "text": "非空文字",
    "date": "日期（YYYY-MM-DD）",
    "table": "表格（每行一个映射）",
}
_DECIMAL_KINDS = frozenset({"money", "number", "rate", "score"})  # converted by parse_number
_ZERO = Decimal(0)
_TRUE = {True, "true", "是", "yes", "y", "1", "已", "符合"}
_FALSE = {False, "false", "否", "no", "n", "0", "未", "不符合"}


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: str
    label: str
    unit: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)  # key → Chinese label
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    note: str = ""
    missing_code: str = "FACT_MISSING"  # the code when the fact is absent (a judgement's reason: FACT_REASON_REQUIRED)
    columns: tuple[FactSpec, ...] = ()  # a table fact: one spec per column
    optional: bool = False  # a column that may be left empty

    def expected(self) -> str:
        text = KIND_TEXT[self.kind]
        if self.kind == "choice":
            text += "：" + "、".join(f"{k}（{v}）" for k, v in self.choices.items())
        if self.minimum is not None and self.maximum is not None:
            show = (lambda v: fmt_percent(v, 2)) if self.kind == "rate" else fmt_number
            text += f"，取值 {show(self.minimum)}～{show(self.maximum)}"
        return text

    def show(self, value: Any) -> str:
        """A value as a report prints it: 305.63万元, 30.2%, 是."""
        if value is None:
            return "—"
        kind = self.kind
        if kind == "bool":
            return "是" if value else "否"
        if kind == "money":
            return f"{format(value if value.__class__ is Decimal else Decimal(value), ',f')}{self.unit}"
        if kind == "rate":
            return fmt_percent(value)
        if kind == "table":
            return f"{len(value)} 行"
        if kind == "choice":
            return self.choices.get(value, str(value))
        if isinstance(value, (Decimal, int)):
            return f"{fmt_number(value)}{self.unit}"
        return f"{value}{self.unit}"

    def convert(self, raw: Any) -> Any:
        """Raw YAML/JSON/Excel value → typed value, or PydanticCustomError with a stable code.

        Values that already have the fact's type (exactly ``bool``, a finite ``Decimal``,
        an ``int``; never a subclass such as ``bool`` for a number) skip the converter
        table and get straight to the range check: they are what the YAML reader and
        most callers hand in, and the converters would return them unchanged (an int
        for a decimal kind becomes ``Decimal(int)``, as ``to_decimal`` makes it).
        """
        kind, cls = self.kind, type(raw)
        if cls is bool and kind == "bool":
            return raw
        if cls is int and -INT_LIMIT < raw < INT_LIMIT and (kind == "count" or kind in _DECIMAL_KINDS):
            value = raw if kind == "count" else Decimal(raw)
        else:
            try:
                value = _CONVERTERS[kind](self, raw)
            except _CellError as cell:
                raise PydanticCustomError(cell.code, f"事实“{self.label}”（{self.name}）{cell.message}") from None
            except NumberRefused as refused:
                p = fact_problem(refused.code, self.name, self.label, raw, self.expected(), refused.reason)
                raise PydanticCustomError(refused.code, p.message, {"reason": refused.reason}) from None
            except (ValueError, TypeError, ArithmeticError):
                raise self._error(
                    errors.FACT_CHOICE if kind == "choice" else errors.FACT_TYPE, raw, self.expected()
                ) from None
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            low = _ZERO if kind in ("money", "count") and self.minimum is None else self.minimum
            if (low is not None and value < low) or (self.maximum is not None and value > self.maximum):
                raise self._error(
                    errors.FACT_RANGE,
                    raw,
                    self.expected() + ("，不能为负" if low == 0 and self.maximum is None else ""),
                )
        return value

    def _error(self, code: str, raw: Any, expected: str) -> PydanticCustomError:
        p = fact_problem(code, self.name, self.label, raw, expected)
        return PydanticCustomError(code, p.message)


def _bool(spec: FactSpec, raw: Any) -> bool:
    key = raw.strip().lower() if isinstance(raw, str) else raw
    if isinstance(key, (bool, str)) and key in _TRUE:
        return True
    if isinstance(key, (bool, str)) and key in _FALSE:
        return False
    raise ValueError


def _count(spec: FactSpec, raw: Any) -> int:
    d = parse_number(raw, percent=False)
    if d != d.to_integral_value():
        raise NumberRefused(errors.FACT_TYPE, f"{raw} 不是整数")
    return int(d)


def _choice(spec: FactSpec, raw: Any) -> str:
    if raw in spec.choices:
        return raw
    for key, label in spec.choices.items():
        if raw == label:
            return key
    raise ValueError


def _text(spec: FactSpec, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError
    return raw.strip()


def _date(spec: FactSpec, raw: Any) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


class _CellError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _table(spec: FactSpec, raw: Any) -> tuple[dict, ...]:
    """A list of rows, each converted column by column; errors name the row and the column."""
    if not isinstance(raw, list) or not raw:
        raise ValueError
    names = {c.name: c for c in spec.columns}
    rows = []
    for i, row in enumerate(raw, 1):
        if not isinstance(row, dict):
            raise _CellError(errors.FACT_TYPE, f"第 {i} 行应为映射（列名: 值），实际为 {row!r}")
        extra = [k for k in row if k not in names]
        if extra:
            raise _CellError(
                errors.FACT_UNKNOWN,
                f"第 {i} 行有未知的列 {'、'.join(map(str, extra))}；"
                f"可用的列：{'、'.join(f'{c.name}（{c.label}）' for c in spec.columns)}",
            )
        out = {}
        for col in spec.columns:
            value = row.get(col.name)
            if value is None or value == "":
                if not col.optional:
                    raise _CellError(
                        errors.FACT_MISSING, f"第 {i} 行缺少“{col.label}”（{col.name}），应为{col.expected()}"
                    )
                continue
            try:
                out[col.name] = col.convert(value)
            except PydanticCustomError as exc:
                reason = (exc.context or {}).get("reason")
                why = f"{reason}（应为{col.expected()}）" if reason else f"应为{col.expected()}"
                raise _CellError(exc.type, f"第 {i} 行“{col.label}”（{col.name}）的值 {value!r} 无效：{why}") from None
        rows.append(out)
    return tuple(rows)


_CONVERTERS: dict[str, Callable[[FactSpec, Any], Any]] = {
    "money": lambda s, r: parse_number(
        r, percent=False
    ),  # "98.1%" stands for 0.981 only where a rate or a ratio-like number is meant
    "number": lambda s, r: parse_number(r, percent=True),
    "rate": lambda s, r: parse_number(r, percent=True),
    "score": lambda s, r: parse_number(r, percent=False),
    "count": _count,
    "bool": _bool,
    "choice": _choice,
    "text": _text,
    "date": _date,
    "table": _table,
}

"""What one input cell of the facts workbook looks like: its value, format and validation.

Shared by the 事实 sheet (one fact per row) and the table sheets (one column per field of a
table fact), so a money cell is validated and formatted the same wherever it sits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..facts import FactSpec
from ..numbers import fmt_number
from .safe import put_text

SHEET_CHOICES = "选项"
YES, NO = "是", "否"
KIND_FORMAT = {
    "money": "#,##0.00##",
    "number": "General",
    "score": "General",
    "count": "0",
    "rate": "0.0##%",
    "date": "yyyy-mm-dd",
    "text": "@",
    "bool": "@",
    "choice": "@",
}


def cell_value(spec: FactSpec, value: Any) -> Any:
    """A typed fact value as the template's cell shows it: 是/否, a choice's Chinese label, a number."""
    if value is None:
        return None
    if spec.kind == "bool":
        return YES if value else NO
    if spec.kind == "choice":
        return spec.choices.get(value, value)
    if isinstance(value, (Decimal, int, dt.date)) or spec.kind == "text":
        return value
    return str(value)


def put(cell, value: Any) -> None:
    """Write a value; text starting with = + - @ (a choice label such as "=", a prefilled name)
    stays text, not a formula."""
    put_text(cell, value)


def requirement(spec: FactSpec) -> str:
    """What to type, in the words of the sheet (是/否 and Chinese labels, not the YAML keys)."""
    if spec.kind == "bool":
        return f"{YES} 或 {NO}"
    if spec.kind == "choice":
        return "选项之一"
    return spec.expected()


def note(spec: FactSpec) -> str:
    if spec.kind == "bool":
        return "从下拉列表选择“是”或“否”"
    if spec.kind == "choice":
        return "从下拉列表选择：" + "；".join(spec.choices.values())
    if spec.kind == "rate":
        return "可直接输入百分数，如 98.1%"
    if spec.kind == "date":
        return "日期，如 2023-03-08"
    return ""


class Validations:
    """Data validations of one sheet, one per distinct rule; choice lists live on the hidden sheet.

    A list formula written inline breaks on commas and at 255 characters, so every choice
    list is a range on 选项, shared by all facts and columns with the same labels.
    """

    def __init__(self, ws, choices_ws):
        self.ws, self.choices_ws = ws, choices_ws
        self.rules: dict[tuple, DataValidation | None] = {}

    def add(self, spec: FactSpec, coordinate: str) -> None:
        key = (spec.kind, spec.minimum, spec.maximum, tuple(spec.choices.values()))
        if key not in self.rules:
            self.rules[key] = dv = _validation(spec, self._choice_range(spec) if spec.kind == "choice" else None)
            if dv is not None:
                self.ws.add_data_validation(dv)
        rule = self.rules[key]
        if rule is not None:
            rule.add(coordinate)

    def _choice_range(self, spec: FactSpec) -> str:
        labels = list(spec.choices.values())
        ws = self.choices_ws
        for col in range(1, ws.max_column + 1):  # the same labels already listed
            if (
                ws.cell(row=1, column=col).value is not None
                and [ws.cell(row=r, column=col).value for r in range(2, len(labels) + 2)] == labels
                and ws.cell(row=len(labels) + 2, column=col).value is None
            ):
                return _range(col, len(labels))
        col = ws.max_column + 1 if ws.cell(row=1, column=1).value is not None else 1
        ws.cell(row=1, column=col, value=spec.name)
        for i, label in enumerate(labels, start=2):
            put(ws.cell(row=i, column=col), label)
        return _range(col, len(labels))


def _range(col: int, n: int) -> str:
    letter = get_column_letter(col)
    return f"{quote_sheetname(SHEET_CHOICES)}!${letter}$2:${letter}${n + 1}"


def _num(d: Decimal | None, default: str) -> str:
    return default if d is None else fmt_number(d)


def _validation(spec: FactSpec, choice_formula: str | None) -> DataValidation | None:
    kind = spec.kind
    err = {"bool": f"应为{YES}或{NO}", "choice": "应为以下选项之一：" + "；".join(spec.choices.values())}.get(kind)
    if kind == "bool":
        dv = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    elif kind == "choice":
        dv = DataValidation(type="list", formula1=choice_formula, allow_blank=True)
    elif kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    elif kind in ("money", "count", "number", "score", "rate"):
        low = spec.minimum if spec.minimum is not None else (Decimal(0) if kind in ("money", "count") else None)
        dv = DataValidation(
            type="whole" if kind == "count" else "decimal",
            operator="between",
            formula1=_num(low, "-1E+15"),
            formula2=_num(spec.maximum, "1E+15"),
            allow_blank=True,
        )
    else:
        return None
    err = err or f"应为{spec.expected()}"
    dv.error, dv.errorTitle, dv.showErrorMessage = err[:255], "填写有误", True
    dv.prompt, dv.promptTitle, dv.showInputMessage = err[:255], "填写要求", True
    return dv

"""Table facts (a list of rows, e.g. a project's self-set output indicators) on sheets of their own.

A table fact does not fit one cell, so it gets a sheet: one row per entry, one column per
field, each column validated like a fact of its kind. Row 1 names the fact, row 3 holds
the Chinese column headers, row 4 the field names the reader goes by; entries start on
row 5 and column A numbers them, so “第 2 行” in a message is the row numbered 2.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils import get_column_letter

from ..facts import FactSpec
from .cells import KIND_FORMAT, Validations, cell_value, put
from .style import BORDER, HEADER_FILL, INPUT_FILL, align, font

TABLE_MARK = "表格事实（勿改）"
FIELDS_LABEL = "列名（勿改）"
HEADER_ROW, FIELDS_ROW, FIRST_ROW = 3, 4, 5
BLANK_ROWS = 20  # empty rows offered beyond the pre-filled ones


def sheet_title(spec: FactSpec, taken: set[str]) -> str:
    """The label as a legal, unique sheet name (31 characters, no []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", spec.label or spec.name)[:28] or spec.name[:28]
    title, n = base, 2
    while title in taken:
        title, n = f"{base[:26]}_{n}", n + 1
    taken.add(title)
    return title


def write_table_sheet(wb, title: str, spec: FactSpec, rows: Any, choices_ws) -> None:
    ws = wb.create_sheet(title)
    rows = list(rows or ())
    ws["A1"], ws["B1"], ws["C1"] = TABLE_MARK, spec.name, spec.label
    ws["A1"].font, ws["B1"].font, ws["C1"].font = font(9), font(9), font(12, bold=True)
    last = get_column_letter(len(spec.columns) + 1)
    if len(spec.columns) > 1:
        ws.merge_cells(f"C1:{last}1")
    ws["A2"] = "每行填写一项，可增加行；带 * 的列必填，其余可留空。第 4 行为程序识别用的列名，请勿修改。"
    ws["A2"].font = font(9)
    ws.merge_cells(f"A2:{last}2")
    for c, (head, field) in enumerate(
        [("序号", FIELDS_LABEL)]
        + [
            (f"{col.label}{'（' + col.unit + '）' if col.unit else ''}{'' if col.optional else ' *'}", col.name)
            for col in spec.columns
        ],
        start=1,
    ):
        h = ws.cell(row=HEADER_ROW, column=c, value=head)
        h.font, h.alignment, h.fill, h.border = font(10, bold=True), align(), HEADER_FILL, BORDER
        k = ws.cell(row=FIELDS_ROW, column=c, value=field)
        k.font, k.alignment, k.border = font(8), align(), BORDER
        ws.column_dimensions[get_column_letter(c)].width = 6 if c == 1 else _width(spec.columns[c - 2])
    validations = Validations(ws, choices_ws)
    for i in range(max(len(rows) + BLANK_ROWS, BLANK_ROWS)):
        r = FIRST_ROW + i
        ws.cell(row=r, column=1, value=i + 1).font = font(9)
        ws.cell(row=r, column=1).alignment, ws.cell(row=r, column=1).border = align(), BORDER
        entry = rows[i] if i < len(rows) else {}
        for c, col in enumerate(spec.columns, start=2):
            cell = ws.cell(row=r, column=c)
            put(cell, cell_value(col, entry.get(col.name)))
            cell.font, cell.border, cell.fill = font(10), BORDER, INPUT_FILL
            cell.alignment = align("left" if col.kind == "text" else "center")
            cell.number_format = KIND_FORMAT.get(col.kind, "General")
            validations.add(col, cell.coordinate)
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=2)


def _width(col: FactSpec) -> float:
    return {"text": 28, "choice": 16, "bool": 8}.get(col.kind, 12)


def read_table_sheets(wb, excel_value) -> dict[str, tuple[list[dict[str, Any]], str]]:
    """Every table sheet of a workbook: fact name → (rows, "sheet!A5:K24")."""
    out = {}
    for ws in wb.worksheets:
        if ws["A1"].value != TABLE_MARK or not ws["B1"].value:
            continue
        fields = [ws.cell(row=FIELDS_ROW, column=c).value for c in range(2, ws.max_column + 1)]
        rows, last = [], FIRST_ROW
        for r in range(FIRST_ROW, ws.max_row + 1):
            entry = {}
            for c, field in enumerate(fields, start=2):
                value = excel_value(ws.cell(row=r, column=c).value)
                if field and value is not None:
                    entry[str(field).strip()] = value
            if entry:
                rows.append(entry)
                last = r
        where = f"{ws.title}!A{FIRST_ROW}:{get_column_letter(len(fields) + 1)}{last}"
        out[str(ws["B1"].value).strip()] = (rows, where)
    return out

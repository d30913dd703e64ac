"""Reading a facts workbook (the template, filled in) into a facts document.

Facts are found by their machine name in column B, values read from column D. Excel
hands numbers over as binary floats, which the engine refuses (a float has lost the
value the user typed): a float cell is read back at Excel's own display precision of
15 significant digits, so 311.63 stays 311.63 and 98.1% stays 0.981. Every value keeps
its cell ("事实!D7") so that any error can name the cell the user has to fix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .. import errors
from ..errors import JixiaoError, Problem
from ..fact_model import LocatedFacts, cell_text
from .limits import MAX_COLUMNS, MAX_FACT_ROWS, check_elements, check_xlsx, too_many_rows
from .project_form import SHEET as PROJECT_SHEET
from .table_sheets import read_table_sheets
from .template import (
    HEADER_ROW,
    KEY_COL,
    KEY_HEADER,
    LABEL_DEPT_ID,
    LABEL_DEPT_NAME,
    LABEL_RUBRIC,
    SHEET_FACTS,
    VALUE_COL,
)

SCAN_ROWS = 50  # the department block and the header are near the top


def _fail(message: str, location: str | None = None, field: str | None = None, value: Any = None) -> JixiaoError:
    return JixiaoError(Problem(errors.FACTS_FORMAT, message, field=field, value=value, location=location))


def excel_value(value: Any) -> Any:
    """A cell's value as the engine accepts it: floats as Decimal, midnight datetimes as dates, blanks as None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return value


def refuse_formulas(wb: Any, source: str) -> None:
    """A formula anywhere is refused, naming its cells: jixiao neither computes one nor trusts the value a
    spreadsheet last cached for it (another program may have changed the inputs without recalculating)."""
    found = [
        (ws.title, cell.coordinate, str(cell.value))
        for ws in wb.worksheets
        for cell in ws._cells.values()  # the cells the file holds, not every cell of the used range
        if cell.data_type == "f"
    ]
    if not found:
        return
    sheet, coordinate, _ = found[0]
    raise JixiaoError(
        formula_problem(
            f"{source}：",
            [(cell_text(f"{sheet}!{where}"), formula) for sheet, where, formula in found],
            f"{sheet}!{coordinate}",
            f"{sheet}!{coordinate}",
        )
    )


def formula_problem(where: str, cells: list[tuple[str, str]], field: str, location: str) -> Problem:
    """The refusal of formula cells, each given as (how it is named, its formula), whatever reads them."""
    shown = "、".join(f"{name}（{formula[:40]}）" for name, formula in cells[:5])
    more = f"等 {len(cells)} 个单元格" if len(cells) > 5 else ""
    return Problem(
        errors.FACTS_FORMAT,
        f"{where}{shown}{more}是公式。jixiao 不计算公式，也不采用表格缓存的计算结果；"
        "请选中这些单元格，复制后“选择性粘贴 → 数值”，保存后再试",
        field=field,
        value=cells[0][1],
        expected="数值或文字，不是公式",
        location=location,
    )


def read_facts_workbook(path: str | Path, max_bytes: int | None = None) -> dict[str, Any]:
    """The facts document {rubric, department, facts} of a filled-in template."""
    p = Path(path)
    check_xlsx(p, max_bytes)
    check_elements(p)
    try:
        wb = load_workbook(p)  # formulas as written: they are refused below, never evaluated nor their cache taken
    except (
        InvalidFileException,
        BadZipFile,
        KeyError,
        ValueError,
        OSError,
        TypeError,
        AttributeError,
        SyntaxError,
    ) as exc:
        raise _fail(
            f"事实文件 {p} 无法作为 Excel 工作簿（.xlsx）打开：{type(exc).__name__}: {exc}", field=str(p)
        ) from None
    for sheet in wb.worksheets:
        if sheet.max_row > MAX_FACT_ROWS:
            raise too_many_rows(f"{p} 工作表“{sheet.title}”", sheet.max_row, MAX_FACT_ROWS)
        if sheet.max_column > MAX_COLUMNS:
            raise _fail(
                f"{p} 工作表“{sheet.title}”有 {sheet.max_column:,} 列，"
                f"超过上限 {MAX_COLUMNS:,} 列；请删除多余的列后再读取",
                field=str(p),
            )
    refuse_formulas(wb, str(p))
    if SHEET_FACTS not in wb.sheetnames and PROJECT_SHEET in wb.sheetnames:  # a project form jixiao wrote
        from .project_form_reader import read_project_form

        return read_project_form(wb, str(p))
    if SHEET_FACTS not in wb.sheetnames:
        raise _fail(
            f"事实文件 {p} 缺少工作表“{SHEET_FACTS}”（现有："
            f"{'、'.join(wb.sheetnames)}）；请用 jixiao template 生成填报表",
            field=str(p),
        )
    ws = wb[SHEET_FACTS]
    meta: dict[str, str] = {}
    header_row = None
    for r in range(1, min(ws.max_row, SCAN_ROWS) + 1):
        label = ws.cell(row=r, column=1).value
        if isinstance(label, str) and label.strip() in (LABEL_DEPT_ID, LABEL_DEPT_NAME, LABEL_RUBRIC):
            meta[label.strip()] = ws.cell(row=r, column=VALUE_COL).coordinate
        if str(ws.cell(row=r, column=KEY_COL).value or "").strip() == KEY_HEADER:
            header_row = r
            break
    if header_row is None:
        column = get_column_letter(KEY_COL)
        raise _fail(
            f"工作表“{SHEET_FACTS}”中找不到表头“{KEY_HEADER}”（应在 {column} 列、"
            f"前 {SCAN_ROWS} 行之内，通常是 {column}{HEADER_ROW}）："
            f"可能被改写或删除了。请把该单元格改回“{KEY_HEADER}”，或用 jixiao template 重新生成填报表",
            location=f"{SHEET_FACTS}!{column}:{column}",
            field=KEY_HEADER,
        )
    tables = read_table_sheets(wb, excel_value)
    facts: dict[str, Any] = {}
    locations: dict[str, str] = {}
    for r in range(header_row + 1, ws.max_row + 1):
        key = ws.cell(row=r, column=KEY_COL).value
        if key is None or not str(key).strip():
            continue
        name = str(key).strip()
        cell = ws.cell(row=r, column=VALUE_COL)
        where = f"{SHEET_FACTS}!{cell.coordinate}"
        if name in locations:
            first = locations[name]
            raise _fail(
                f"{cell_text(where)}：事实“{name}”重复出现（已在 {cell_text(first)} 填写），每项事实只能填一行",
                location=where,
                field=name,
            )
        if name in tables:  # a table fact: its rows are on its own sheet, D only points there
            rows, locations[name] = tables.pop(name)
            if rows:
                facts[name] = rows
            continue
        locations[name] = where
        value = excel_value(cell.value)
        if value is not None:
            facts[name] = value
    for name, (rows, where) in tables.items():  # a table sheet whose row on 事实 was deleted
        locations[name] = where
        if rows:
            facts[name] = rows
    dept_id, dept_name, rubric = (_meta(ws, meta, label) for label in (LABEL_DEPT_ID, LABEL_DEPT_NAME, LABEL_RUBRIC))
    if not dept_id[0]:
        where = dept_id[1] or f"{SHEET_FACTS}!{ws.cell(row=3, column=VALUE_COL).coordinate}"
        raise _fail(
            f"{cell_text(where)}：缺少{LABEL_DEPT_ID}（部门编号不能为空）", location=where, field="department.id"
        )
    return {
        "rubric": rubric[0] or None,
        "department": {"id": dept_id[0], "name": dept_name[0] or ""},
        "facts": LocatedFacts(facts, locations),
    }


def _meta(ws, meta: dict[str, str], label: str) -> tuple[str, str | None]:
    """A department-block value as text, with its location."""
    coordinate = meta.get(label)
    if coordinate is None:
        return "", None
    value = excel_value(ws[coordinate].value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return ("" if value is None else str(value)), f"{SHEET_FACTS}!{coordinate}"

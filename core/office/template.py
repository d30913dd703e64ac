"""The facts input workbook: generated from what the pack declares, one row per fact.

Departments collect their figures in Excel, not YAML. The template is built from the
pack's fact model, so a new indicator that asks for a new fact gets its row without
anyone editing a form: the Chinese label, the unit, what is expected, which indicators
the fact feeds, and data validation (numbers, dates, 是/否, choice lists by Chinese
label) so most mistakes are refused while typing. The machine name of each fact sits
in column B, and the reader finds facts by that name, not by row number, so rows may
be re-sorted or deleted without misreading a value.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from ..facts import FactSpec
from .cells import KIND_FORMAT, SHEET_CHOICES, Validations, cell_value, note, put, requirement
from .style import BORDER, HEADER_FILL, INPUT_FILL, align, fit_rows, font, landscape_a4
from .table_sheets import sheet_title, write_table_sheet

if TYPE_CHECKING:
    from ..engine import Engine

SHEET_FACTS = "事实"
SHEET_HELP = "填写说明"
LABEL_DEPT_ID, LABEL_DEPT_NAME, LABEL_RUBRIC = "部门编号", "部门名称", "评分体系"
KEY_HEADER = "事实名（勿改）"
HEADERS = ("序号", KEY_HEADER, "事实", "填写值", "单位", "填写要求", "用于指标", "说明")
WIDTHS = (6, 26, 46, 18, 7, 34, 34, 30)
KEY_COL, VALUE_COL = 2, 4  # 1-based: B holds the fact name, D the value
HEADER_ROW = 6  # facts start on row 7
SEE_SHEET = "见工作表“{}”"


def fact_rows(engine: Engine) -> list[tuple[FactSpec, list[str]]]:
    """Facts in indicator order, each with the indicators it feeds (code and name)."""
    feeds: dict[str, list[str]] = {}
    for b in engine.bindings:
        for name in list(b.part_facts) + list(b.gate_facts):
            where = f"{b.leaf.code} {b.leaf.name}"
            if where not in feeds.setdefault(name, []):
                feeds[name].append(where)
    specs = engine.fact_model.specs
    ordered = [n for n in feeds if n in specs] + [n for n in specs if n not in feeds]
    return [(specs[n], feeds.get(n, [])) for n in ordered]


def template_workbook(engine: Engine, prefill: Mapping[str, Any] | None = None) -> bytes:
    """The input workbook for ``engine``'s pack; ``prefill`` is an optional facts document to copy in."""
    pack = engine.pack
    prefill = prefill or {}
    dept = prefill.get("department") or {}
    values = dict(engine.fact_model.validate(prefill.get("facts") or {}, "-").values) if prefill else {}
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_FACTS
    choices_ws = wb.create_sheet(SHEET_CHOICES)
    choices_ws.sheet_state = "hidden"
    last = get_column_letter(len(HEADERS))
    ws.merge_cells(f"A1:{last}1")
    put(ws["A1"], f"{pack.title} — 事实填报表")
    ws["A1"].font, ws["A1"].alignment = font(14, bold=True), align()
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = (
        "请在黄色单元格（D列）填写；金额单位为万元，比率可填 98.1% 或 0.981，是/否及选项请从下拉列表选择。"
        "B列为事实名，请勿修改；不适用或暂缺的事实留空，相关指标将显示为“无法评价”。"
    )
    ws["A2"].font, ws["A2"].alignment = font(9), align("left")
    ws.row_dimensions[2].height = 30
    for r, (label, value) in enumerate(
        ((LABEL_DEPT_ID, dept.get("id")), (LABEL_DEPT_NAME, dept.get("name")), (LABEL_RUBRIC, pack.id)), start=3
    ):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        ws.cell(row=r, column=1, value=label).font = font(10.5, bold=True)
        c = ws.cell(row=r, column=VALUE_COL)
        put(c, value or None)
        c.font, c.border, c.alignment = font(10.5), BORDER, align("left")
        if label != LABEL_RUBRIC:
            c.fill = INPUT_FILL
        ws.merge_cells(start_row=r, start_column=VALUE_COL, end_row=r, end_column=len(HEADERS))
    for i, (head, w) in enumerate(zip(HEADERS, WIDTHS), start=1):
        c = ws.cell(row=HEADER_ROW, column=i, value=head)
        c.font, c.alignment, c.fill, c.border = font(10.5, bold=True), align(), HEADER_FILL, BORDER
        ws.column_dimensions[get_column_letter(i)].width = w
    validations = Validations(ws, choices_ws)
    taken = set(wb.sheetnames) | {SHEET_HELP}
    tables = []
    for n, (spec, feeds) in enumerate(fact_rows(engine), start=1):
        r = HEADER_ROW + n
        table = spec.kind == "table"
        title = sheet_title(spec, taken) if table else ""
        row = (
            n,
            spec.name,
            spec.label,
            SEE_SHEET.format(title) if table else cell_value(spec, values.get(spec.name)),
            spec.unit,
            "表格：每行一项，在对应工作表中填写" if table else requirement(spec),
            "；".join(feeds),
            spec.note or note(spec),
        )
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            put(cell, v)
            cell.font, cell.border = font(10 if c != KEY_COL else 8), BORDER
            cell.alignment = align("left" if c in (2, 3, 6, 7, 8) else "center")
        value_cell = ws.cell(row=r, column=VALUE_COL)
        if table:
            value_cell.hyperlink = Hyperlink(ref=value_cell.coordinate, location=f"{quote_sheetname(title)}!A1")
            tables.append((title, spec))
            continue
        value_cell.fill = INPUT_FILL
        value_cell.number_format = KIND_FORMAT.get(spec.kind, "General")
        validations.add(spec, value_cell.coordinate)
    for title, spec in tables:
        write_table_sheet(wb, title, spec, values.get(spec.name), choices_ws)
    fit_rows(ws, HEADER_ROW + 1, ws.max_row)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=VALUE_COL)
    landscape_a4(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    _help_sheet(wb.create_sheet(SHEET_HELP), pack)
    wb.properties.title = f"{pack.title} 事实填报表"
    wb.properties.creator = "jixiao"
    wb.properties.keywords = pack.id
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _help_sheet(ws, pack) -> None:
    lines = [
        f"评分体系：{pack.title}（{pack.id} {pack.version}）",
        "1. 在“事实”工作表 D 列（黄色）填写各项事实，D3、D4 填写部门编号和部门名称。",
        "2. 金额以万元为单位，按决算或账面数填写，保留原始小数位；人数、项数填整数。",
        "3. 比率可输入 98.1% 或 0.981；是/否与选项请从下拉列表选择。",
        "4. B 列事实名供程序识别，请勿修改；可调整行的顺序。"
        "表格类事实（如单位自设的三级指标）在各自的工作表中逐行填写。",
        "5. 填好后运行：jixiao evaluate 本文件.xlsx，或加 --format xlsx/docx/html -o 输出文件。",
        "6. 出错时，提示会指出工作表和单元格（如 工作表“事实”单元格 D7）。",
    ]
    ws.column_dimensions["A"].width = 100
    for r, text in enumerate(lines, start=1):
        c = ws.cell(row=r, column=1, value=text)
        c.font, c.alignment = font(10.5, bold=(r == 1)), align("left")

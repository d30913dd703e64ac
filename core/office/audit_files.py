"""The 复核 as office files: the 复核表 workbook and the 复核意见 document.

The workbook has the 复核表 a reviewer files (indicator levels merged as in the 评分情况表,
分值 / 自评得分 / 复核得分 / 差异 / 说明, a 总计 row), the findings one per row for filtering,
and the 复核意见. The document holds the same table and opinion, set as the report is.
Every number is written as a number, every text through ``put_text``: nothing a
department wrote can become a formula.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Mm
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..audit import KIND_TEXT, Audit, AuditRow
from ..audit.text import HEADERS, levels_of, name_cells, opinion, row_cells
from ..numbers import fmt_number
from ..tree import LEVEL_NAMES
from .document import TABLE_STYLE, centered, set_styles
from .safe import property_text, put_text, xml_text
from .style import BORDER, FONT_HEADING, HEADER_FILL, align, fit_rows, font, landscape_a4

TITLE = "绩效自评复核表"
SHEET_TABLE, SHEET_FINDINGS, SHEET_OPINION = "复核表", "复核发现", "复核意见"
TOP = 4  # the header row: a title, the department and the rubric above it
NAME_WIDTH, NUMBER_WIDTH, NOTE_WIDTH = 16, 9, 60


def _spans(rows: list[AuditRow], level: int) -> list[tuple[int, int, str]]:
    """(first row, last row, name) of each group at ``level``, in row indexes of ``rows``."""
    out: list[tuple[int, int, str]] = []
    for i, row in enumerate(rows):
        if level < len(row.path):
            if row.first[level] or not out or out[-1][1] != i - 1:
                out.append((i, i, row.path[level]))
            else:
                out[-1] = (out[-1][0], i, out[-1][2])
    return out


def _values(row: AuditRow) -> list[object]:
    claimed_text, computed_text, diff_text, note = row_cells(row)
    return [
        row.weight,
        row.claimed if row.claimed is not None else claimed_text,
        row.computed if row.computed is not None else computed_text,
        row.difference if row.difference is not None else diff_text or None,
        note or None,
    ]


def _table_sheet(ws, audit: Audit) -> None:
    rows = audit.rows()
    levels = levels_of(rows)
    headers = [*LEVEL_NAMES[:levels], "分值", *HEADERS]
    last = get_column_letter(len(headers))
    card = audit.card
    for r, text, size in (
        (1, TITLE, 16),
        (2, f"被复核部门：{card.department_name or card.department_id}（{card.department_id}）", 10.5),
        (3, f"评分体系：{card.rubric['title']}（{card.rubric['id']} {card.rubric['version']}）", 10.5),
    ):
        ws.merge_cells(f"A{r}:{last}{r}")
        put_text(ws[f"A{r}"], text)
        ws[f"A{r}"].font, ws[f"A{r}"].alignment = font(size, bold=r == 1), align("center" if r == 1 else "left")
    for c, head in enumerate(headers, start=1):
        cell = ws.cell(row=TOP, column=c, value=head)
        cell.font, cell.alignment, cell.fill, cell.border = font(10.5, bold=True), align(), HEADER_FILL, BORDER
        ws.column_dimensions[get_column_letter(c)].width = (
            NAME_WIDTH if c <= levels else NOTE_WIDTH if c == len(headers) else NUMBER_WIDTH
        )
    for i, row in enumerate(rows):
        r = TOP + 1 + i
        names = [""] * levels
        names[levels - 1 if row.code != "total" else 0] = row.name if row.code != "total" else "总计"
        for c, value in enumerate(names + _values(row), start=1):
            cell = ws.cell(row=r, column=c)
            put_text(cell, value if value != "" else None)
            cell.border = BORDER
            cell.font = font(10.5 if c != len(headers) else 9, bold=row.code == "total")
            cell.alignment = align("left", "center") if c == len(headers) else align()
    for level in range(levels - 1):
        for first, last_row, name in _spans(rows, level):
            put_text(ws.cell(row=TOP + 1 + first, column=level + 1), name)
            if last_row > first:
                ws.merge_cells(
                    start_row=TOP + 1 + first, start_column=level + 1, end_row=TOP + 1 + last_row, end_column=level + 1
                )
    total_row = TOP + len(rows)
    if levels > 1:
        ws.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=levels)
    fit_rows(ws, TOP + 1, total_row)
    landscape_a4(ws, f"{TOP}:{TOP}")
    ws.freeze_panes = ws.cell(row=TOP + 1, column=1)


FINDING_COLUMNS = (("类型", 14), ("编码", 8), ("指标", 18), ("自评", 9), ("复核", 9), ("差异", 9), ("说明", 80))


def _findings_sheet(ws, audit: Audit) -> None:
    for c, (head, w) in enumerate(FINDING_COLUMNS, start=1):
        cell = ws.cell(row=1, column=c, value=head)
        cell.font, cell.alignment, cell.fill, cell.border = font(10.5, bold=True), align(), HEADER_FILL, BORDER
        ws.column_dimensions[get_column_letter(c)].width = w
    for r, f in enumerate(audit.findings, start=2):
        code = f.code if f.row is None else f"{f.code} 第{f.row}行"
        values = [KIND_TEXT[f.kind], code, f.name, f.claimed, f.computed, f.difference, f.reason]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            put_text(cell, value)
            cell.font, cell.border = font(9), BORDER
            cell.alignment = align("left" if c == len(values) else "center", "top")
    ws.freeze_panes = "A2"
    if audit.findings:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{len(audit.findings) + 1}"
    fit_rows(ws, 2, len(audit.findings) + 1)


def _opinion_sheet(ws, audit: Audit) -> None:
    ws.column_dimensions["A"].width = 110
    lines = opinion(audit) + [f"[{p.code}] {p.message}" for p in audit.problems]
    for r, text in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1)
        put_text(cell, text)
        cell.font, cell.alignment = font(10.5), align("left", "top")
    fit_rows(ws, 1, len(lines))


def audit_workbook(audit: Audit) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TABLE
    _table_sheet(ws, audit)
    _findings_sheet(wb.create_sheet(SHEET_FINDINGS), audit)
    _opinion_sheet(wb.create_sheet(SHEET_OPINION), audit)
    wb.properties.title = TITLE
    wb.properties.subject = property_text(f"{audit.card.department_name}（{audit.card.department_id}）")
    wb.properties.creator = "jixiao"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def audit_document(audit: Audit) -> bytes:
    doc = Document()
    set_styles(doc)
    card = audit.card
    centered(doc, TITLE, 18, FONT_HEADING)
    centered(doc, f"被复核部门：{card.department_name or card.department_id}", 12)
    doc.add_heading("一、复核意见", level=1)
    for paragraph in opinion(audit):
        doc.add_paragraph(xml_text(paragraph))
    for p in audit.problems:
        doc.add_paragraph(xml_text(f"[{p.code}] {p.message}"))
    doc.add_heading("二、复核表", level=1)
    rows = audit.rows()
    levels = levels_of(rows)
    headers = [*LEVEL_NAMES[:levels], "分值", *HEADERS]
    table = doc.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(22)] * levels + [Mm(12)] * 4 + [Mm(158 - 22 * levels - 48 + 20)]
    style = doc.styles[TABLE_STYLE]
    grid = [r.cells for r in table.rows]
    body = [name_cells(r, levels, "总计") + [fmt_number(r.weight), *row_cells(r)] for r in rows]
    for i, row in enumerate([headers, *body]):
        for c, text in enumerate(row):
            cell = grid[i][c]
            cell.width = widths[c]
            p = cell.paragraphs[0]
            p.style = style
            p.add_run(xml_text(text)).bold = i == 0 or (i == len(rows) and c < levels)
    doc.core_properties.title = property_text(f"{card.department_name or card.department_id} {TITLE}")
    doc.core_properties.author = "jixiao"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

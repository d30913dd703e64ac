"""The 评分情况表 as an Excel workbook, laid out as the report's attachment.

Sheet 1 is the attachment itself (merged 一级/二级 groups, 总计得分, A4 landscape with the
header repeated), so it can be printed and filed as is. Sheet 2 explains every score
(formula, inputs, intermediate values, deductions) for the reviewer who asks "why".
Scores are written from the Decimals (openpyxl stores a Decimal as its exact decimal
text), already rounded by the pack, and shown in General format: 5, 3, 1.98 as published.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .. import report_text
from ..numbers import fmt_detail
from ..scorecard import STATUS_TEXT, Scorecard
from .layout import BLANK, HEADER, NAME, SCORE, TEXT, TOTAL, WEIGHT, Cell, score_table
from .safe import put_text, xml_text
from .style import BORDER, HEADER_FILL, align, fit_rows, font, landscape_a4

if TYPE_CHECKING:
    from ..engine import Engine

SHEET_TABLE = "评分情况表"
SHEET_EXPLAIN = "评分说明"
TABLE_TOP = 3  # 1-based row of the first header row: a title and a department line above it
LEAF_COLUMN = "末级指标"  # named for the pack's levels: "三级指标" when every leaf is on the third
EXPLAIN_COLUMNS = (
    ("编码", 7),
    ("上级指标", 14),
    (LEAF_COLUMN, 14),
    ("分值", 6),
    ("得分", 7),
    ("状态", 8),
    ("计分公式", 40),
    ("使用的事实", 36),
    ("中间值", 30),
    ("扣分及原因", 36),
    ("存在问题（报告用语）", 44),
    ("说明与问题", 30),
)


def scorecard_workbook(card: Scorecard, engine: Engine) -> bytes:
    wb = Workbook()
    ws = wb.active
    if engine.pack.form is not None:  # a project form is filed in its own layout
        from .project_form import write_project_form

        write_project_form(ws, card, engine)
    else:
        ws.title = SHEET_TABLE
        write_score_table(ws, card, engine)
    write_explanations(wb.create_sheet(SHEET_EXPLAIN), card)
    wb.properties.title = report_text.table_title(engine.pack)
    wb.properties.subject = xml_text(f"{card.department_name}（{card.department_id}）")
    wb.properties.creator = "jixiao"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_ALIGN = {
    HEADER: align(),
    NAME: align(),
    WEIGHT: align(),
    SCORE: align(),
    TOTAL: align(),
    BLANK: align(),
    TEXT: align("left", "center"),
}


def write_score_table(ws, card: Scorecard, engine: Engine) -> None:
    table = score_table(card, engine.pack)
    last = get_column_letter(table.columns)
    ws.merge_cells(f"A1:{last}1")
    put_text(ws["A1"], "附件：" + report_text.table_title(engine.pack))
    ws["A1"].font, ws["A1"].alignment = font(16, bold=True), align()
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    r = card.rubric
    notes = "".join(f"\n{note}" for note in report_text.plugin_notes(card))
    put_text(
        ws["A2"],
        f"部门：{card.department_name or card.department_id}（{card.department_id}）    "
        f"评分体系：{r['title']}（{r['id']} {r['version']}）{notes}",
    )
    ws["A2"].font, ws["A2"].alignment = font(10.5), align("left")
    for i, w in enumerate(table.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w * 1.15
    for cell in table.cells:
        _put(ws, cell)
    fit_rows(ws, TABLE_TOP + 3, TABLE_TOP + table.rows - 1)
    landscape_a4(ws, f"{TABLE_TOP}:{TABLE_TOP + 2}")
    ws.freeze_panes = ws.cell(row=TABLE_TOP + 3, column=1)
    ws.print_area = f"A1:{last}{TABLE_TOP + table.rows - 1}"


def _put(ws, cell: Cell) -> None:
    row, col = TABLE_TOP + cell.row, 1 + cell.col
    target = ws.cell(row=row, column=col)
    put_text(target, cell.value if cell.value != "" else None)
    target.font = font(10.5 if cell.role != TEXT else 9, bold=cell.role in (HEADER, TOTAL))
    target.alignment = _ALIGN[cell.role]
    if cell.role == HEADER:
        target.fill = HEADER_FILL
    if cell.role in (WEIGHT, SCORE):
        target.number_format = "General"
    for rr in range(row, row + cell.rowspan):
        for cc in range(col, col + cell.colspan):
            ws.cell(row=rr, column=cc).border = BORDER
    if cell.merged:
        ws.merge_cells(
            start_row=row, start_column=col, end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1
        )


def write_explanations(ws, card: Scorecard) -> None:
    """One row per indicator: everything the engine used and decided, as wrapped text."""
    for i, (head, w) in enumerate(EXPLAIN_COLUMNS, start=1):
        head = report_text.leaf_level_name(card) if head == LEAF_COLUMN else head
        c = ws.cell(row=1, column=i, value=head)
        c.font, c.alignment, c.fill, c.border = font(10.5, bold=True), align(), HEADER_FILL, BORDER
        ws.column_dimensions[get_column_letter(i)].width = w
    for r, leaf in enumerate(card.leaves(), start=2):
        values = [
            leaf.code,
            " / ".join(leaf.path),
            leaf.name,
            leaf.weight,
            leaf.score if leaf.score is not None else STATUS_TEXT[leaf.status],
            STATUS_TEXT[leaf.status],
            leaf.formula,
            "\n".join(f"{i.label}：{i.shown}" for i in leaf.inputs),
            "\n".join(f"{m.label}：{m.shown}" for m in leaf.intermediates)
            + (
                f"\n未取舍得分：{fmt_detail(leaf.raw_score)}"
                if leaf.raw_score is not None and leaf.raw_score != leaf.score
                else ""
            ),
            "\n".join(f"扣{fmt_detail(d.points)}分：{d.reason}" for d in leaf.deductions),
            "\n".join(leaf.problem_sentences()),
            "\n".join(list(leaf.notes) + [f"[{p.code}] {p.message}" for p in leaf.problems]),
        ]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            put_text(cell, v if v != "" else None)
            cell.font, cell.border = font(9), BORDER
            cell.alignment = align("center" if c in (1, 4, 5, 6) else "left", "top")
    total_row = len(list(card.leaves())) + 2
    ws.cell(row=total_row, column=3, value="总计得分").font = font(10.5, bold=True)
    ws.cell(row=total_row, column=5, value=card.total).font = font(10.5, bold=True)
    ws.cell(
        row=total_row, column=6, value=f"等级：{card.grade or '—'}" + ("" if card.complete else "（评分不完整）")
    ).font = font(10.5)
    fit_rows(ws, 2, total_row - 1)
    landscape_a4(ws, "1:1")
    ws.freeze_panes = "D2"

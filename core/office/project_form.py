"""The 项目支出绩效自评表 (财预〔2020〕10号) in its own layout, for packs that declare a ``form:``.

A project's self-evaluation is filed on a fixed form: the 项目资金 block (年度资金总额 and its
其中 rows by 年初预算数/全年预算数/全年执行数, with the funds indicator's 分值/执行率/得分), the
年度总体目标 (预期目标 / 实际完成情况), then one row per 三级指标 under 一级/二级 with 年度指标值,
实际完成值, 分值, 得分 and 偏差原因分析及改进措施, and the 总分. The pack's ``form`` says which
facts fill the fixed rows; the indicator rows are the scorecard's own. Numbers are written
as numbers, texts through ``put_text``.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from ..numbers import fmt_number
from ..scorecard import STATUS_TEXT, LeafResult, Scorecard, row_score
from ..tree import leaf_rows
from .layout import HEADER, NAME, SCORE, TEXT, TOTAL, WEIGHT, Cell
from .safe import put_text
from .style import BORDER, HEADER_FILL, align, fit_rows, font, landscape_a4, text_lines

if TYPE_CHECKING:
    from ..engine import Engine

SHEET = "项目支出绩效自评表"
TITLE = "项目支出绩效自评表"
COLUMNS = 9
TITLE_ROLE = "title"
KEY_COLUMN = 10  # hidden: what each row holds, by machine name, so the form reads back without guessing
WIDTHS = (12, 14, 22, 14, 14, 12, 8, 8, 40)
FUNDS_HEADERS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One 三级指标 row of the form, as printed: texts and exact numbers."""

    top: str
    category: str
    name: str
    target: str
    actual: str
    points: Decimal | str  # blank on a form to fill in
    score: Decimal | str  # a number, or 不适用 / 无法评价
    deviation: str
    key: str  # "row:table_fact:category:leaf" for a row the department set, "leaf:code" for a leaf


def indicator_rows(card: Scorecard, engine: Engine, blank: bool = False) -> list[IndicatorRow]:
    """The form's indicator rows: each leaf's own rows (a project's 三级指标), or the leaf itself; on a form to
    fill in (``blank``), one empty row per 二级指标 of each leaf whose 三级指标 the department sets."""
    out = []
    tables = {b.leaf.code: b.part_facts for b in engine.bindings}
    for row in leaf_rows(card.roots, LeafResult):
        leaf = row.leaf
        if leaf.code == engine.pack.form.funds_indicator:
            continue
        top = row.path[0].printed_name if row.path else leaf.name
        blank_rows = _blank_rows(top, leaf.code, tables.get(leaf.code, {})) if blank else []
        if blank_rows:
            out += blank_rows
            continue
        if not leaf.rows:
            score: Decimal | str = leaf.score if leaf.score is not None else STATUS_TEXT[leaf.status]
            out.append(IndicatorRow(top, "", leaf.name, "", "", leaf.weight, score, "", f"leaf:{leaf.code}"))
            continue
        for r in leaf.rows:
            unit = r.get("unit", "")
            target = r.get("target_text") or (
                "" if r["target"] is None else f"{r['nature']}{fmt_number(r['target'])}{unit}"
            )
            actual = (
                r.get("actual_text")
                or r["level"]
                or ("" if r["actual"] is None else f"{fmt_number(r['actual'])}{unit}")
            )
            printed = row_score(r)  # as the terminal's project table prints it
            shown: Decimal | str = (
                printed if printed is not None else ("不适用" if r["status"] == "not_applicable" else "")
            )
            out.append(
                IndicatorRow(
                    top,
                    r["category"],
                    r["name"],
                    target,
                    actual,
                    r["points"],
                    shown,
                    r["deviation"],
                    f"row:{r['source']}:{leaf.code}",
                )
            )
    return out


def _blank_rows(top: str, code: str, facts: dict) -> list[IndicatorRow]:
    """For a leaf scored from a table of rows with a 二级指标 column: one empty row per 二级指标."""
    for spec in facts.values():
        categories = [c for c in spec.columns if c.name == "category"] if spec.kind == "table" else []
        if categories:
            return [
                IndicatorRow(top, label, "", "", "", "", "", "", f"row:{spec.name}:{key}:{code}")
                for key, label in categories[0].choices.items()
            ]
    return []


@dataclass
class FormGrid:
    """The form as a grid of anchor cells with spans (0-based), drawn by the workbook and the Word table alike;
    ``keys`` holds, by row, what a row holds by machine name (the workbook keeps it in a hidden column)."""

    cells: list[Cell] = field(default_factory=list)
    keys: dict[int, str] = field(default_factory=dict)
    rows: int = 0
    goals_row: int | None = None  # the row of the two long goal texts, which a table must let grow
    columns: int = COLUMNS
    widths: tuple[float, ...] = WIDTHS

    def put(self, col: int, value: Any, role: str = NAME, span: int = 1) -> None:
        value = "" if value is None else value if isinstance(value, (str, Decimal)) else Decimal(value)
        self.cells.append(Cell(self.rows - 1, col, value, role, colspan=span))

    def line(self, key: str | None = None) -> None:
        self.rows += 1
        if key is not None:
            self.keys[self.rows - 1] = key

    def merge_down(self, col: int, first: int, last: int) -> None:
        """Stretch the anchor at (``first``, ``col``) down to ``last``, dropping the cells it now covers."""
        if last <= first:
            return
        anchor = next(c for c in self.cells if c.row == first and c.col == col)
        covered = {(r, col) for r in range(first + 1, last + 1)}
        self.cells = [c for c in self.cells if (c.row, c.col) not in covered]
        self.cells[self.cells.index(anchor)] = dataclasses.replace(anchor, rowspan=last - first + 1)


def form_grid(card: Scorecard, engine: Engine, blank: bool = False) -> FormGrid:
    """The form of ``card``; ``blank``: a form to fill in (no department, no scores, a row per 二级指标)."""
    form = engine.pack.form
    g = FormGrid()
    g.line()
    g.put(0, TITLE, TITLE_ROLE, span=COLUMNS)
    for label, value, key in (
        ("项目名称", "" if blank else card.department_name or card.department_id, "department.name"),
        ("项目编号", "" if blank else card.department_id, "department.id"),
        ("评分体系", card.rubric["id"], "rubric"),
    ):
        g.line(key)
        g.put(0, label, HEADER)
        g.put(1, value, TEXT, span=COLUMNS - 1)
    g.line()
    funds_first = g.rows - 1
    g.put(0, "项目资金（万元）", HEADER)
    g.put(1, "", HEADER, span=2)
    for i, head in enumerate(FUNDS_HEADERS):
        g.put(3 + i, head, HEADER)
    leaf = card[form.funds_indicator]
    for i, fund in enumerate(form.funds):
        total_row = i == 0  # 分值, 执行率 and 得分 belong to 年度资金总额
        names = f"{fund.initial or ''},{fund.full_year or ''},{fund.spent or ''}"
        g.line(f"funds:{names}" + (f":{leaf.code}" if total_row else ""))
        g.put(0, "")
        g.put(1, fund.label, TEXT, span=2)
        for j, name in enumerate((fund.initial, fund.full_year, fund.spent)):
            g.put(3 + j, card.form_values.get(name) if name else None, WEIGHT)
        rate = leaf.intermediates[0].shown if total_row and leaf.intermediates else "" if blank else "—"
        score = (leaf.score if leaf.score is not None else STATUS_TEXT[leaf.status]) if total_row else "—"
        score = "" if blank and total_row else score
        g.put(6, leaf.weight if total_row else "—", WEIGHT)
        g.put(7, rate)
        g.put(8, score, SCORE)
    g.merge_down(0, funds_first, g.rows - 1)
    if form.goal_expected or form.goal_actual:
        g.line()
        goals_first = g.rows - 1
        g.put(0, "年度总体目标", HEADER)
        g.put(1, "预期目标", HEADER, span=4)
        g.put(5, "实际完成情况", HEADER, span=4)
        g.line(f"goals:{form.goal_expected or ''},{form.goal_actual or ''}")
        g.put(0, "")
        g.put(1, card.form_values.get(form.goal_expected or "", ""), TEXT, span=4)
        g.put(5, card.form_values.get(form.goal_actual or "", ""), TEXT, span=4)
        g.goals_row = g.rows - 1
        g.merge_down(0, goals_first, g.rows - 1)
    g.line()
    indicators_first = g.rows - 1
    g.put(0, "绩效指标", HEADER)
    for i, head in enumerate(INDICATOR_HEADERS):
        g.put(1 + i, head, HEADER)
    rows = indicator_rows(card, engine, blank)
    starts: dict[int, list[int]] = {0: [], 1: []}  # first row of each run of equal 一级 / 二级 names
    for i, r in enumerate(rows):
        g.line(r.key)
        g.put(0, "")
        for col, (value, level) in enumerate(((r.top, 0), (r.category, 1)), start=1):
            same = i > 0 and (rows[i - 1].top, rows[i - 1].category)[: level + 1] == (r.top, r.category)[: level + 1]
            g.put(col, "" if same else value)
            if not same:
                starts[level].append(g.rows - 1)
        g.put(3, r.name, TEXT)
        g.put(4, r.target)
        g.put(5, r.actual)
        g.put(6, r.points, WEIGHT)
        g.put(7, r.score, SCORE)
        g.put(8, r.deviation, TEXT)
    last = g.rows - 1
    for level, col in ((0, 1), (1, 2)):
        bounds = starts[level] + [last + 1]
        for first, after in zip(bounds, bounds[1:]):
            g.merge_down(col, first, after - 1)
    g.merge_down(0, indicators_first, last)
    g.line("total")
    g.put(0, "总分", TOTAL, span=6)
    g.put(6, Decimal(card.rubric.get("total", "100")), TOTAL)
    g.put(7, "" if blank else card.total, TOTAL)
    g.put(8, "" if card.complete or blank else "评分不完整：有指标无法评价", TEXT)
    if card.raw_total is not None and not blank:
        g.line()
        note = f"适用指标得分合计 {fmt_number(card.raw_total)}，按百分制折算为 {fmt_number(card.total)}"
        g.put(0, note, TEXT, span=COLUMNS)
    return g


def write_project_form(ws, card: Scorecard, engine: Engine, blank: bool = False) -> None:
    """The form as the first sheet of the workbook, numbers as numbers, each row's key in the hidden column."""
    grid = form_grid(card, engine, blank)
    ws.title = SHEET
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for c in grid.cells:
        target = ws.cell(row=c.row + 1, column=c.col + 1)
        put_text(target, c.value if c.value != "" else None)
        target.font = font(16 if c.role == TITLE_ROLE else 10.5, bold=c.role in (HEADER, TOTAL, TITLE_ROLE))
        target.alignment = align("left" if c.role == TEXT else "center")
        if c.role == HEADER:
            target.fill = HEADER_FILL
        for r in range(c.row, c.last_row + 1):
            for col in range(c.col, c.last_col + 1):
                ws.cell(row=r + 1, column=col + 1).border = BORDER
        if c.merged:
            ws.merge_cells(
                start_row=c.row + 1, start_column=c.col + 1, end_row=c.last_row + 1, end_column=c.last_col + 1
            )
    for row, key in grid.keys.items():
        ws.cell(row=row + 1, column=KEY_COLUMN, value=key)
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].hidden = True
    ws.row_dimensions[1].height = 30
    fit_rows(ws, 2, grid.rows)
    if grid.goals_row is not None:  # fit_rows skips merged cells: the goal texts set their row's height
        texts = [c for c in grid.cells if c.row == grid.goals_row and c.role == TEXT]
        lines = max(text_lines(str(c.value), sum(WIDTHS[c.col : c.last_col + 1]), 10.5) for c in texts)
        ws.row_dimensions[grid.goals_row + 1].height = lines * 10.5 * 1.42 + 4
    landscape_a4(ws)
    ws.print_area = f"A1:{get_column_letter(COLUMNS)}{grid.rows}"


def form_template(engine: Engine, doc: dict | None) -> bytes:
    """The form to fill in (``jixiao template`` for a pack with ``form:``): blank, or filled from ``doc``."""
    from openpyxl import Workbook

    blank = doc is None
    card = engine.evaluate(doc or {"department": {"id": "-", "name": ""}, "facts": {}})
    wb = Workbook()
    write_project_form(wb.active, card, engine, blank)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""The 项目支出绩效自评表 (财预〔2020〕10号) in its own layout, for packs that declare a ``form:``.

A project's self-evaluation is filed on a fixed form: the 项目资金 block (年度资金总额 and its
其中 rows by 年初预算数/全年预算数/全年执行数, with the funds indicator's 分值/执行率/得分), the
年度总体目标 (预期目标 / 实际完成情况), then one row per 三级指标 under 一级/二级 with 年度指标值,
实际完成值, 分值, 得分 and 偏差原因分析及改进措施, and the 总分. The pack's ``form`` says which
facts fill the fixed rows; the indicator rows are the scorecard's own. Numbers are written
as numbers, texts through ``put_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from ..numbers import fmt_number, round_to
from ..scorecard import STATUS_TEXT, LeafResult, Scorecard
from ..tree import leaf_rows
from .safe import put_text
from .style import BORDER, HEADER_FILL, align, fit_rows, font, landscape_a4, text_lines

if TYPE_CHECKING:
    from ..engine import Engine

SHEET = "项目支出绩效自评表"
TITLE = "项目支出绩效自评表"
COLUMNS = 9
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
    points: Decimal
    score: Decimal | str  # a number, or 不适用 / 无法评价
    deviation: str
    key: str  # "row:table_fact:category:leaf" for a row the department set, "leaf:code" for a leaf


def indicator_rows(card: Scorecard, skip: str) -> list[IndicatorRow]:
    """The form's indicator rows: each leaf's own rows (a project's 三级指标), or the leaf itself."""
    out = []
    for row in leaf_rows(card.roots, LeafResult):
        leaf = row.leaf
        if leaf.code == skip:
            continue
        top = row.path[0].printed_name if row.path else leaf.name
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
            shown: Decimal | str = (
                "不适用" if r["status"] == "not_applicable" else round_to(r["score"], 2, ROUND_HALF_EVEN)
            )  # as the terminal's project table prints it
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


class _Writer:
    def __init__(self, ws):
        self.ws, self.row = ws, 1

    def cell(self, col: int, value: Any, *, bold: bool = False, fill: bool = False, left: bool = False, span: int = 1):
        target = self.ws.cell(row=self.row, column=col)
        put_text(target, value if value != "" else None)
        target.font = font(10.5, bold=bold)
        target.alignment = align("left" if left else "center")
        if fill:
            target.fill = HEADER_FILL
        for c in range(col, col + span):
            self.ws.cell(row=self.row, column=c).border = BORDER
        if span > 1:
            self.ws.merge_cells(start_row=self.row, start_column=col, end_row=self.row, end_column=col + span - 1)

    def key(self, text: str) -> None:
        self.ws.cell(row=self.row, column=KEY_COLUMN, value=text)

    def merge_down(self, col: int, first: int, last: int) -> None:
        if last > first:
            self.ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)


def write_project_form(ws, card: Scorecard, engine: Engine) -> None:
    form = engine.pack.form
    w = _Writer(ws)
    ws.title = SHEET
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    w.cell(1, TITLE, bold=True, span=COLUMNS)
    ws.cell(row=1, column=1).font = font(16, bold=True)
    ws.row_dimensions[1].height = 30
    for label, value, key in (
        ("项目名称", card.department_name or card.department_id, "department.name"),
        ("项目编号", card.department_id, "department.id"),
        ("评分体系", card.rubric["id"], "rubric"),
    ):
        w.row += 1
        w.cell(1, label, bold=True)
        w.cell(2, value, left=True, span=COLUMNS - 1)
        w.key(key)
    w.row += 1
    funds_first = w.row
    w.cell(1, "项目资金（万元）", bold=True, fill=True)
    w.cell(2, "", fill=True, span=2)
    for i, head in enumerate(FUNDS_HEADERS):
        w.cell(4 + i, head, bold=True, fill=True)
    leaf = card[form.funds_indicator]
    for i, fund in enumerate(form.funds):
        w.row += 1
        w.cell(1, "")
        w.cell(2, fund.label, left=True, span=2)
        w.key(
            f"funds:{fund.initial or ''},{fund.full_year or ''},{fund.spent or ''}"
            + (f":{leaf.code}" if i == 0 else "")
        )
        for j, name in enumerate((fund.initial, fund.full_year, fund.spent)):
            w.cell(4 + j, card.form_values.get(name) if name else None)
        total_row = i == 0  # 分值, 执行率 and 得分 belong to 年度资金总额
        rate = leaf.intermediates[0].shown if total_row and leaf.intermediates else "—"
        score = (leaf.score if leaf.score is not None else STATUS_TEXT[leaf.status]) if total_row else "—"
        w.cell(7, leaf.weight if total_row else "—")
        w.cell(8, rate)
        w.cell(9, score)
    w.merge_down(1, funds_first, w.row)
    if form.goal_expected or form.goal_actual:
        w.row += 1
        goals_first = w.row
        w.cell(1, "年度总体目标", bold=True, fill=True)
        w.cell(2, "预期目标", bold=True, fill=True, span=4)
        w.cell(6, "实际完成情况", bold=True, fill=True, span=4)
        w.row += 1
        w.cell(1, "")
        w.key(f"goals:{form.goal_expected or ''},{form.goal_actual or ''}")
        expected = card.form_values.get(form.goal_expected or "", "")
        actual = card.form_values.get(form.goal_actual or "", "")
        w.cell(2, expected, left=True, span=4)
        w.cell(6, actual, left=True, span=4)
        w.merge_down(1, goals_first, w.row)
        lines = max(
            text_lines(str(t), sum(WIDTHS[i] for i in span), 10.5)
            for t, span in ((expected, range(1, 5)), (actual, range(5, 9)))
        )
        ws.row_dimensions[w.row].height = lines * 10.5 * 1.42 + 4  # fit_rows skips merged cells
    w.row += 1
    indicators_first = w.row
    w.cell(1, "绩效指标", bold=True, fill=True)
    for i, head in enumerate(INDICATOR_HEADERS):
        w.cell(2 + i, head, bold=True, fill=True)
    rows = indicator_rows(card, form.funds_indicator)
    starts: dict[int, list[int]] = {0: [], 1: []}  # first row of each run of equal 一级 / 二级 names
    for i, r in enumerate(rows):
        w.row += 1
        w.cell(1, "")
        for col, (value, level) in enumerate(((r.top, 0), (r.category, 1)), start=2):
            same = i > 0 and (rows[i - 1].top, rows[i - 1].category)[: level + 1] == (r.top, r.category)[: level + 1]
            w.cell(col, "" if same else value)
            if not same:
                starts[level].append(w.row)
        w.key(r.key)
        w.cell(4, r.name, left=True)
        w.cell(5, r.target)
        w.cell(6, r.actual)
        w.cell(7, r.points)
        w.cell(8, r.score)
        w.cell(9, r.deviation, left=True)
    last = w.row
    for level, col in ((0, 2), (1, 3)):
        bounds = starts[level] + [last + 1]
        for first, after in zip(bounds, bounds[1:]):
            w.merge_down(col, first, after - 1)
    w.merge_down(1, indicators_first, last)
    w.row += 1
    w.key("total")
    w.cell(1, "总分", bold=True, span=6)
    w.cell(7, Decimal(card.rubric.get("total", "100")), bold=True)
    w.cell(8, card.total, bold=True)
    w.cell(9, "" if card.complete else "评分不完整：有指标无法评价", left=True)
    if card.raw_total is not None:
        w.row += 1
        w.cell(
            1,
            f"适用指标得分合计 {fmt_number(card.raw_total)}，按百分制折算为 {fmt_number(card.total)}",
            left=True,
            span=COLUMNS,
        )
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].hidden = True
    fit_rows(ws, 2, w.row)
    landscape_a4(ws)
    ws.print_area = f"A1:{get_column_letter(COLUMNS)}{w.row}"

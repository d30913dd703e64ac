"""The 项目支出绩效自评表 workbook in the form's own layout, for packs that declare ``form:``."""

from __future__ import annotations

import copy
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao import Engine
from jixiao.office.workbook import scorecard_workbook
from jixiao.yamlio import load_path

EXAMPLE = Path(__file__).parent.parent / "examples" / "mof-project" / "facts.yaml"


@pytest.fixture(scope="module")
def mof() -> Engine:
    return Engine.from_rubric("mof-project-2020", rules="python")


def form(engine: Engine, doc: dict) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(engine.evaluate(doc), engine)))
    assert wb.sheetnames[0] == "项目支出绩效自评表"
    return [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def row(rows: list[tuple], first: str, col: int = 1) -> tuple:
    return next(r for r in rows if r[col] == first)


def test_the_funds_block_with_its_sub_rows(mof):
    rows = form(mof, load_path(EXAMPLE))
    assert row(rows, "项目资金（万元）", 0)[3:9] == ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    assert row(rows, "年度资金总额")[3:9] == (500, 520, 494, 10, "95%", 9.5)
    assert row(rows, "其中：当年财政拨款")[3:6] == (500, 520, 494)
    assert row(rows, "其他资金")[3:6] == (0, 0, 0)


def test_the_goals_and_the_indicator_rows(mof):
    rows = form(mof, load_path(EXAMPLE))
    goals = rows[rows.index(row(rows, "年度总体目标", 0)) + 1]
    assert goals[1].startswith("为辖区约1000名居家老年人") and goals[5].startswith("全年上门服务11400人次")
    assert row(rows, "上门服务人次", 3)[4:8] == ("≥12000人次", "11400人次", 20, 19)
    assert row(rows, "人均年服务成本", 3)[4:8] == ("≤400元", "420元", 10, 9.52)  # read back by openpyxl as a float
    assert row(rows, "带动社区就业人数", 3)[7] == "不适用"
    assert row(rows, "总分", 0)[6:8] == (100, 91.6)
    assert all(r[3] != "预算执行率" for r in rows)  # the funds block shows it, not the indicator rows


def test_groups_are_merged_as_on_the_form(mof):
    wb = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(mof.evaluate(load_path(EXAMPLE)), mof)))
    merged = {str(m) for m in wb.worksheets[0].merged_cells.ranges}
    assert {"A5:A8", "B12:B15", "B16:B18"} <= merged  # 项目资金, 产出指标 over four rows, 效益指标 over three


def test_text_from_the_department_is_never_a_formula(mof):
    doc = copy.deepcopy(load_path(EXAMPLE))
    doc["department"]["name"] = '=HYPERLINK("http://x")'
    doc["facts"]["goal_actual"] = "+1+1"
    wb = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(mof.evaluate(doc), mof)))
    ws = wb.worksheets[0]
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_pack_without_a_form_keeps_the_department_table(py_engine, reference_doc):
    wb = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(py_engine.evaluate(reference_doc), py_engine)))
    assert wb.sheetnames[0] == "评分情况表"


def test_a_form_naming_an_undeclared_fact_is_refused(tmp_path):
    from jixiao import JixiaoError

    (tmp_path / "pack.yaml").write_text(
        """\
id: bad-form
extend: mof-project-2020
title: 表式有误
region: 测试
version: "1"
source: 测试
form:
  funds_indicator: "1.1"
  funds:
    - {label: 年度资金总额, initial: budget_start, full_year: budget_full_year, spent: budget_spent}
""",
        encoding="utf-8",
    )
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path, rules="python")
    assert refused.value.code == "PACK_INVALID" and "budget_start" in str(refused.value)


# --- reading the form back --------------------------------------------------------------------------


def written(mof: Engine, tmp_path: Path, edit=None) -> Path:
    wb = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(mof.evaluate(load_path(EXAMPLE)), mof)))
    if edit is not None:
        edit(wb.worksheets[0])
    path = tmp_path / "自评表.xlsx"
    wb.save(path)
    return path


def cell_of(ws, text: str, col: int = 4) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=col).value == text)


def test_the_form_reads_back_to_the_same_scores(mof, tmp_path):
    original = mof.evaluate(load_path(EXAMPLE))
    again = mof.evaluate(written(mof, tmp_path))
    assert again.department_id == original.department_id and again.rubric["id"] == "mof-project-2020"
    assert [(leaf.code, leaf.score) for leaf in again.leaves()] == [
        (leaf.code, leaf.score) for leaf in original.leaves()
    ]
    assert again.total == original.total == Decimal("91.6")
    assert [r["name"] for r in again["2.1"].rows] == [r["name"] for r in original["2.1"].rows]


def test_an_edited_value_is_scored(mof, tmp_path):
    def meet_the_target(ws):
        ws.cell(row=cell_of(ws, "上门服务人次"), column=6).value = "12000人次"

    assert mof.evaluate(written(mof, tmp_path, meet_the_target))["2.1"].rows[0]["score"] == 20


def test_a_row_inserted_inside_a_group_joins_that_group(mof, tmp_path):
    def insert(ws):
        for merged in list(ws.merged_cells.ranges):  # openpyxl, unlike Excel, does not move merges down
            ws.unmerge_cells(str(merged))
        r = cell_of(ws, "上门服务人次") + 1
        ws.insert_rows(r)
        for col, value in zip(range(4, 9), ("入户评估人次", "≥500人次", "500人次", 5, None), strict=True):
            ws.cell(row=r, column=col).value = value
        ws.cell(row=cell_of(ws, "上门服务人次"), column=7).value = 15  # the block's points still add up to 50

    rows = mof.evaluate(written(mof, tmp_path, insert))["2.1"].rows
    assert [(r["name"], r["category"]) for r in rows[:2]] == [
        ("上门服务人次", "数量指标"),
        ("入户评估人次", "数量指标"),
    ]


@pytest.mark.parametrize(
    ("name", "col", "value", "says"),
    [
        ("上门服务人次", 5, "12000人次", "应写明指标性质"),
        ("上门服务人次", 6, "基本完成", "应为数值"),
        ("上门服务人次", 6, "11400人", "单位"),
        ("上门服务人次", 7, "2,0", "不是可用的数值"),
    ],
)
def test_a_cell_that_cannot_be_read_is_refused_naming_it(mof, tmp_path, name, col, value, says):
    from jixiao import JixiaoError

    def spoil(ws):
        ws.cell(row=cell_of(ws, name), column=col).value = value

    with pytest.raises(JixiaoError) as refused:
        mof.evaluate(written(mof, tmp_path, spoil))
    [problem] = refused.value.problems
    assert problem.code == "FACTS_FORMAT" and says in problem.message and "项目支出绩效自评表!" in problem.message


def test_words_in_a_qualitative_row_are_kept_as_words(mof, tmp_path):
    def words(ws):
        r = cell_of(ws, "服务长效机制运行")
        ws.cell(row=r, column=5).value = "机制有效运行"
        ws.cell(row=r, column=6).value = "达成预期指标"

    doc = __import__("jixiao.facts_document", fromlist=["read_facts_file"]).read_facts_file(
        written(mof, tmp_path, words)
    )
    row = next(r for r in doc["facts"]["outcomes"] if r["name"] == "服务长效机制运行")
    assert row["target_text"] == "机制有效运行" and row["actual_text"] == "达成预期指标" and "level" not in row


def test_a_form_as_written_audits_clean(mof, tmp_path):
    audit = mof.audit(written(mof, tmp_path))
    assert audit.agrees is True and audit.claims.total == Decimal("91.6")
    assert audit.claims.by_code().keys() == {"1.1", "2.1", "3.1", "4.1"}


def test_the_forms_own_scores_are_what_the_audit_checks(mof, tmp_path):
    def overclaim(ws):
        ws.cell(row=cell_of(ws, "上门服务人次"), column=8).value = 20  # 19 computed
        ws.cell(row=cell_of(ws, "总分", 1), column=8).value = 92.6

    audit = mof.audit(written(mof, tmp_path, overclaim))
    assert [(f.kind, f.code, f.difference) for f in audit.findings] == [
        ("score", "2.1", Decimal("1")),
        ("score", "total", Decimal("1.0")),
    ]


def test_the_word_report_attaches_the_form(mof):
    from docx import Document

    from jixiao.office.document import scorecard_document

    doc = Document(io.BytesIO(scorecard_document(mof.evaluate(load_path(EXAMPLE)), mof)))
    assert any(p.text == "附件：项目支出绩效自评表" for p in doc.paragraphs)
    table = doc.tables[-1]
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts[0][:2] == ["项目名称", "某区民政局·社区居家养老服务补贴项目"]
    funds = next(row for row in texts if "年度资金总额" in row)
    assert funds[3:9] == ["500", "520", "494", "10", "95%", "9.5"]
    assert next(row for row in texts if "人均年服务成本" in row)[4:8] == ["≤400元", "420元", "10", "9.52"]


def test_the_blank_form_is_filled_in_and_scored(tmp_path):
    from conftest import run_cli

    path = tmp_path / "自评表.xlsx"
    assert run_cli("template", "--rubric", "mof-project-2020", "-o", path).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.cell(row=cell_of(ws, "质量指标", 3), column=4).value is None  # one empty row per 二级指标
    ws.cell(row=cell_of(ws, "项目名称", 1), column=2).value = "某镇·测试项目"
    ws.cell(row=cell_of(ws, "项目编号", 1), column=2).value = "t-2024"
    for col, value in zip((4, 5, 6), (100, 100, 95), strict=True):
        ws.cell(row=cell_of(ws, "年度资金总额", 2), column=col).value = value
    rows = {
        "数量指标": ("培训人次", "≥500人次", "520人次", 50),
        "社会效益指标": ("群众知晓率", "效果明显", "达成预期指标", 30),
        "服务对象满意度指标": ("培训满意度", "≥90%", "95%", 10),
    }
    for category, (name, target, actual, points) in rows.items():
        r = cell_of(ws, category, 3)
        for col, value in zip((4, 5, 6, 7), (name, target, actual, points), strict=True):
            ws.cell(row=r, column=col).value = value
    ws.cell(row=cell_of(ws, "社会效益指标", 3), column=8).value = 27  # the evaluator's score, inside 达成's 80–100%
    wb.save(path)
    card = Engine.from_rubric("mof-project-2020", rules="python").evaluate(path)
    assert card.department_id == "t-2024" and card.complete
    assert [leaf.score for leaf in card.leaves()] == [Decimal("9.5"), 50, 27, 10]

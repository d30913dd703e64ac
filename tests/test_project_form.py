"""The 项目支出绩效自评表 workbook in the form's own layout, for packs that declare ``form:``."""

from __future__ import annotations

import copy
import io
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
    assert {"A3:A6", "B10:B13", "B14:B16"} <= merged  # 项目资金, 产出指标 over four rows, 效益指标 over three


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

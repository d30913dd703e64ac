"""The Ministry of Finance project self-evaluation pack: leaves a project sets itself."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao import Engine
from jixiao.cli import main
from jixiao.yamlio import load_path

EXAMPLE = Path(__file__).parent.parent / "examples" / "mof-project" / "facts.yaml"


@pytest.fixture(scope="module")
def mof():
    return Engine.from_rubric("mof-project-2020", rules="python")


@pytest.fixture()
def doc():
    return load_path(EXAMPLE)


def test_worked_example_end_to_end(mof, doc):
    card = mof.evaluate(doc)
    outputs = card["产出指标（单位设定）"]
    cost = next(r for r in outputs.rows if r["name"] == "人均年服务成本")
    assert cost["nature"] == "≤" and cost["score"] == Fraction(400, 420) * 10  # exactly 200/21
    outcomes = card["效益指标（单位设定）"]
    assert [r["status"] for r in outcomes.rows] == ["scored", "scored", "not_applicable"]
    assert outcomes.applicable_weight == Decimal(25) and outcomes.score == Decimal(19)
    assert card.raw_total == Decimal("87.02") and card.total == Decimal("91.6") and card.grade == "优"
    assert any("偏差原因：护理员工资标准上调" in d.problem for d in outputs.deductions)


def test_points_must_add_up_to_the_block(mof, doc):
    doc["facts"]["outputs"][0]["points"] = 18
    leaf = mof.evaluate(doc)["产出指标（单位设定）"]
    assert leaf.status == "not_evaluable" and leaf.problems[0].code == "FACT_RANGE"
    assert "48" in leaf.problems[0].message and "50" in leaf.problems[0].message


def test_qualitative_score_outside_its_level(mof, doc):
    doc["facts"]["outcomes"][0]["score"] = 14  # 93% is 达成, not 部分达成
    leaf = mof.evaluate(doc)["效益指标（单位设定）"]
    assert leaf.problems[0].code == "FACT_RANGE" and "部分达成" in leaf.problems[0].message


@pytest.mark.parametrize(
    "row,needle,code",
    [
        ({"target": "abc"}, "第 1 行“年度指标值”", "FACT_TYPE"),
        ({"colour": "red"}, "第 1 行有未知的列 colour", "FACT_UNKNOWN"),
        ({"name": None}, "第 1 行缺少“三级指标”", "FACT_MISSING"),
    ],
)
def test_row_errors_name_row_and_column(mof, doc, row, needle, code):
    doc["facts"]["outputs"][0].update(row)
    leaf = mof.evaluate(doc)["产出指标（单位设定）"]
    assert leaf.status == "not_evaluable" and leaf.problems[0].code == code and needle in leaf.problems[0].message


def test_form_columns_in_the_table():
    out = CliRunner().invoke(main, ["evaluate", str(EXAMPLE)]).output
    header = next(line for line in out.splitlines() if line.startswith("一级指标"))
    for column in ("年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"):
        assert column in header
    assert "部分达成" in out and "不适用" in out and "91.6" in out


def test_a_total_row_that_contradicts_its_fiscal_row_is_flagged_not_scored(mof, doc):
    """A published form printed 年度资金总额 as 0/0/0 under a 财政拨款 row of 90/89.974/89.974."""
    doc["facts"].update(
        budget_initial=0,
        budget_full_year=0,
        budget_spent=0,
        budget_fiscal_initial=90,
        budget_fiscal_full_year=Decimal("89.974"),
        budget_fiscal_spent=Decimal("89.974"),
    )
    leaf = mof.evaluate(doc)["预算执行率"]
    assert leaf.status == "not_evaluable"
    inconsistent = [p for p in leaf.problems if p.code == "FACT_INCONSISTENT"]
    assert inconsistent and "89.974万元" in inconsistent[0].message and "0万元" in inconsistent[0].message


def test_sub_rows_that_do_not_add_up_are_flagged(mof, doc):
    doc["facts"]["budget_other_spent"] = 10  # 494 + 10 ≠ 494
    leaf = mof.evaluate(doc)["预算执行率"]
    assert leaf.status == "not_evaluable"
    assert any("全年执行数应等于其中财政拨款与其他资金之和" in p.message for p in leaf.problems)


def test_sub_rows_are_optional(mof, doc):
    for name in [k for k in doc["facts"] if k.startswith(("budget_fiscal", "budget_other"))]:
        del doc["facts"][name]
    assert mof.evaluate(doc)["预算执行率"].status == "scored"

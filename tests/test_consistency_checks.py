"""Consistency checks between facts: impossible facts are flagged, never scored.

Before these checks, Q4 spending ten times the budget scored full marks (the total even
rose), more projects on time than planned and more assets in use than owned passed
without a word. The reference pack now declares the obvious relations; a district may
change or switch one off, and add its own, with formulas and a tolerance.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run_cli, with_facts

from jixiao import Engine, JixiaoError

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "examples" / "yantian-2023" / "facts.yaml"


def inconsistent(leaf) -> list:
    return [p for p in leaf.problems if p.code == "FACT_INCONSISTENT"]


@pytest.mark.parametrize(
    "name,facts,fields,says",
    [
        (
            "预算执行率",
            {"spent_q4": Decimal("32849.50")},
            "spent_q4,annual_budget",
            ("四季度末累计支出", "32,849.50万元", "不应超过", "3,303.88万元"),
        ),
        (
            "预算执行率",
            {"spent_q2": Decimal("700")},
            "spent_q1,spent_q2",
            ("一季度末累计支出", "877.01万元", "二季度末累计支出", "700万元"),
        ),
        ("项目完成及时性", {"projects_on_time": 25}, "projects_on_time,projects_planned", ("25个", "20个")),
        ("重点工作完成情况", {"key_tasks_completed": 7}, "key_tasks_completed,key_tasks_planned", ("7项", "6项")),
        (
            "固定资产利用率",
            {"fixed_assets_in_use": Decimal("1599.07")},
            "fixed_assets_in_use,fixed_assets_total",
            ("1,599.07万元", "1,599.06万元"),
        ),
    ],
)
def test_impossible_facts_are_not_scored(engine, reference_doc, name, facts, fields, says):
    card = engine.evaluate(with_facts(reference_doc, **facts))
    leaf = card[name]
    assert leaf.status == "not_evaluable" and leaf.score is None
    [problem] = inconsistent(leaf)
    assert problem.field == fields
    assert all(text in problem.message for text in says), problem.message
    assert not card.complete and card.grade is None
    others = [other for other in card.leaves() if other.name != name]
    assert all(other.status == "scored" for other in others)


def test_spending_ten_times_the_budget_no_longer_raises_the_total(py_engine, reference_doc):
    card = py_engine.evaluate(with_facts(reference_doc, spent_q4=Decimal("32849.50")))
    assert card.total < Decimal("94.91") and card["预算执行率"].score is None


def test_an_exemption_does_not_hide_impossible_facts(py_engine, reference_doc):
    """No projects planned is full marks, but 3 on time out of 0 planned is a contradiction, not an exemption."""
    leaf = py_engine.evaluate(with_facts(reference_doc, projects_planned=0, projects_on_time=3))["项目完成及时性"]
    assert leaf.status == "not_evaluable" and inconsistent(leaf)
    assert (
        py_engine.evaluate(with_facts(reference_doc, projects_planned=0, projects_on_time=0))["项目完成及时性"].score
        == 6
    )


def test_consistent_facts_are_scored_as_published(engine, reference_doc):
    card = engine.evaluate(reference_doc)
    assert card.total == Decimal("94.91") and card.warnings == [] and card.complete


DISTRICT = """\
id: checks-district
extend: shenzhen-yantian-2023
title: 一致性检查示例区
version: "1.0.0"
source: 测试
checks:
  - id: assets-in-use                 # the base pack's check, relaxed to a warning
    rule: fixed_assets_in_use ≤ fixed_assets_total
    label: 在用资产不超过原值总额
    effect: warn
  - id: key-tasks-completed           # switched off
    rule: key_tasks_completed ≤ key_tasks_planned
    label: 不检查
    effect: ignore
  - id: budget-adds-up                # the district's own: a total equals the sum of its parts
    rule: annual_budget = initial_budget + budget_adjustment
    label: 全年预算数等于年初预算数加年中调整数
    tolerance: 0.01
  - id: three-public-within-budget
    rule: three_public_actual ≤ three_public_budget × 1.1
    label: “三公”经费支出不超过预算的110%
"""


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("district")
    (folder / "pack.yaml").write_text(DISTRICT, encoding="utf-8")
    return Engine.from_rubric(folder, rules="durable")


def test_a_district_relaxes_switches_off_and_adds_checks(district, reference_doc):
    assert district.evaluate(reference_doc).warnings == []  # 2,991.16 + 312.72 = 3,303.88
    card = district.evaluate(
        with_facts(
            reference_doc,
            fixed_assets_in_use=Decimal("1600"),
            key_tasks_completed=9,
            annual_budget=Decimal("3303.90"),
            spent_q4=Decimal("3284.95"),
            three_public_actual=Decimal("27.29"),
        )
    )
    assert card["固定资产利用率"].status == "scored" and card["重点工作完成情况"].status == "scored"
    fields = [p.field for p in card.warnings]
    assert fields == [
        "fixed_assets_in_use,fixed_assets_total",
        "annual_budget,initial_budget,budget_adjustment",
        "three_public_actual,three_public_budget",
    ]
    budget = card.warnings[1].message
    assert (
        "全年预算数（annual_budget）3,303.90万元 应等于 年初预算数+年中调整、调剂资金累计数=3303.88" in budget
        and "允许误差 0.01" in budget
    )
    assert "“三公”经费预算安排数×1.1=27.28" in card.warnings[2].message
    assert card.complete and card.grade  # warnings do not stop the scoring
    within = district.evaluate(
        with_facts(reference_doc, annual_budget=Decimal("3303.89"), three_public_actual=Decimal("27.28"))
    )
    assert within.warnings == []


def test_warnings_are_printed_and_in_json(district, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        REFERENCE.read_text(encoding="utf-8").replace("fixed_assets_in_use: 1599.06", "fixed_assets_in_use: 1700"),
        encoding="utf-8",
    )
    pack = Path(district.pack.directory)
    table = run_cli("evaluate", facts, "--rubric", pack)
    assert table.exit_code == 0 and "提示：以下事实之间不一致" in table.stdout and "1,700万元" in table.stdout
    import json

    data = json.loads(run_cli("evaluate", facts, "--rubric", pack, "--format", "json").stdout)
    assert [w["code"] for w in data["warnings"]] == ["FACT_INCONSISTENT"]
    markdown = run_cli("evaluate", facts, "--rubric", pack, "--format", "markdown").stdout
    assert "事实之间不一致" in markdown


@pytest.mark.parametrize(
    "rule,extra,says",
    [
        ("spent_q4 + annual_budget", "", "应为比较"),
        ("spent_q4 != annual_budget", "", "应为比较"),
        ("spent_q4 ≤ annual_budgett", "", "未声明的名称"),
        ("spent_q4 ≤ irregular_spending", "", "未声明的名称"),  # a bool fact is not a number
        ("spent_q4 < annual_budget", "    tolerance: 1\n", "tolerance"),
        ("spent_q4 ≤ (annual_budget", "", "无法解析"),
    ],
)
def test_a_bad_check_is_refused_at_load_with_its_line(tmp_path, rule, extra, says):
    text = DISTRICT.split("checks:")[0] + f"checks:\n  - id: bad\n    rule: {rule}\n    label: 坏规则\n{extra}"
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        Engine.from_rubric(tmp_path, rules="python")
    problem = err.value.problems[0]
    assert problem.code == "PACK_FORMULA" and says in problem.message, problem.message
    assert f"{tmp_path / 'pack.yaml'}:7" in problem.message


def test_rubric_show_and_diff_tell_the_checks(tmp_path):
    (tmp_path / "pack.yaml").write_text(DISTRICT, encoding="utf-8")
    shown = run_cli("rubric", "show", "shenzhen-yantian-2023").stdout
    assert (
        "事实之间的一致性检查" in shown
        and "cumulative-spending：spent_q1 ≤ spent_q2 ≤ spent_q3 ≤ spent_q4 ≤ annual_budget" in shown
    )
    diff = run_cli("rubric", "diff", "shenzhen-yantian-2023", tmp_path).stdout
    assert (
        "检查 key-tasks-completed：" in diff
        and "已停用" in diff
        and "检查 budget-adds-up：（无） → annual_budget = initial_budget" in diff
    )

"""A reason the form requires under a condition, deducted when missing: declared in YAML, here added by a
district to the MOF project form ("执行率低于90%的须说明原因，未说明的扣1分")."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from jixiao import Engine, JixiaoError
from jixiao.yamlio import load_path

EXAMPLE = Path(__file__).parent.parent / "examples" / "mof-project" / "facts.yaml"

PACK = """\
id: mof-with-reasons
extend: mof-project-2020
title: 项目支出绩效自评表（执行率低于90%须说明原因）
region: 示例省
version: "1"
source: 测试
overrides:
  - target: "1.1"
    set:
      facts:
        budget_initial: {kind: money, label: 年初预算数, unit: 万元}
        budget_full_year: {kind: money, label: 全年预算数, unit: 万元}
        budget_spent: {kind: money, label: 全年执行数, unit: 万元}
        low_execution_reason: {kind: text, label: 执行率偏低原因}
      require_reason:
        - when: budget_spent < 90% × budget_full_year
          fact: low_execution_reason
          deduct: 1
          reason: 预算执行率低于90%且未说明原因
    reason: 执行率低于90%须说明原因
    authority: 测试
"""


def engine_for(tmp_path: Path, text: str = PACK, rules: str = "python") -> Engine:
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    return Engine.from_rubric(tmp_path, rules=rules)


def project(spent: int, reason: str | None = None) -> dict:
    doc = copy.deepcopy(load_path(EXAMPLE))
    doc["facts"].update(budget_spent=spent, budget_fiscal_spent=spent)
    if reason is not None:
        doc["facts"]["low_execution_reason"] = reason
    return doc


def test_a_missing_reason_under_the_condition_is_deducted(tmp_path):
    leaf = engine_for(tmp_path).evaluate(project(400))["预算执行率"]
    assert [d.reason for d in leaf.deductions] == ["预算执行率76.9%", "预算执行率低于90%且未说明原因"]
    assert leaf.deductions[-1].points == 1 and leaf.score == Decimal("6.69")  # 400/520 × 10 − 1, half-up
    assert "1.1:reason0" in leaf.rules


def test_a_written_reason_is_noted_and_costs_nothing(tmp_path):
    leaf = engine_for(tmp_path).evaluate(project(400, "项目下半年才获批复"))["预算执行率"]
    assert [d.reason for d in leaf.deductions] == ["预算执行率76.9%"] and leaf.score == Decimal("7.69")
    assert "已说明原因：项目下半年才获批复" in leaf.notes


@pytest.mark.parametrize("spent", [468, 494])  # exactly 90%, and above: the condition does not hold
def test_no_reason_is_needed_outside_the_condition(tmp_path, spent):
    leaf = engine_for(tmp_path).evaluate(project(spent))["预算执行率"]
    assert all("未说明原因" not in d.reason for d in leaf.deductions)


def test_a_blank_reason_is_no_reason(tmp_path):
    leaf = engine_for(tmp_path).evaluate(project(400, "   "))["预算执行率"]
    assert leaf.deductions[-1].reason == "预算执行率低于90%且未说明原因"


def test_the_deduction_never_goes_below_zero(tmp_path):
    leaf = engine_for(tmp_path, PACK.replace("deduct: 1", "deduct: 10")).evaluate(project(20))["预算执行率"]
    assert leaf.score == 0 and leaf.deductions[-1].points == Fraction(20, 52)  # all that was left: 20/520 × 10


@pytest.mark.parametrize(
    ("old", "new", "code", "says"),
    [
        ("fact: low_execution_reason", "fact: budget_spent", "PACK_INVALID", "文字（text）事实"),
        ("deduct: 1", "deduct: 11", "PACK_PARAMS", "0～10"),
        (
            "budget_spent < 90% × budget_full_year",
            "budget_initial < 90% × budget_full_year",
            "PACK_INVALID",
            "budget_initial",
        ),
        ("budget_spent < 90% × budget_full_year", "budget_spent +", "PACK_FORMULA", "无法解析"),
    ],
)
def test_a_malformed_requirement_is_refused_at_the_override(tmp_path, old, new, code, says):
    with pytest.raises(JixiaoError) as refused:
        engine_for(tmp_path, PACK.replace(old, new))
    [problem] = refused.value.problems
    assert problem.code == code and says in problem.message
    assert str(tmp_path / "pack.yaml") in problem.message  # the district's file, not the base pack's


def test_rubric_show_and_diff_list_the_requirement(tmp_path):
    from conftest import run_cli

    engine_for(tmp_path)
    shown = run_cli("rubric", "show", tmp_path)
    assert "须说明原因：budget_spent < 90% × budget_full_year 时须说明原因" in shown.stdout
    diff = run_cli("rubric", "diff", "mof-project-2020", tmp_path)
    assert "须说明原因（reasons[0]）：（无） →" in diff.stdout and "［新增］" in diff.stdout


@pytest.mark.parametrize(("spent", "reason"), [(400, None), (400, "已说明"), (468, None), (467, None)])
def test_both_rules_backends_decide_the_condition_alike(tmp_path, spent, reason):
    python = engine_for(tmp_path).evaluate(project(spent, reason))["预算执行率"]
    durable = engine_for(tmp_path, rules="durable").evaluate(project(spent, reason))["预算执行率"]
    assert (python.score, python.rules) == (durable.score, durable.rules)

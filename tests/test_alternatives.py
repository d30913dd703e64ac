"""A leaf scored by one of two rules, the department choosing (二者择其一): only the chosen rule's
facts are required, only it computes, and the explanation says which rule scored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao import Engine, JixiaoError

PACK = """\
id: either-way
title: 二者择其一
region: 测试区
year: 2024
version: "1"
source: 测试
total: 5
rounding:
  score: {places: 2, mode: half_up}
grades:
  - {grade: 好, range: "[4, 5]"}
  - {grade: 差, range: "[0, 4)"}
indicators:
  - code: "1"
    name: 在职人员控制率
    weight: 5
    use: alternatives
    facts:
      staff_rule:
        kind: choice
        label: 计分方式
        choices: {proportional: 按比例计分, banded: 分档计分}
      staff_actual: {kind: count, label: 实有在职人数, unit: 人}
      staff_quota: {kind: count, label: 核定编制数, unit: 人}
      staff_rate: {kind: rate, label: 在职人员控制率}
    params:
      choose: staff_rule
      options:
        proportional:
          shape: proportional
          nature: "<="
          target: 1
          actual: {ratio: {numerator: staff_actual, denominator: staff_quota}, label: 在职人员控制率}
        banded:
          shape: bands
          value: {fact: staff_rate}
          domain: "[0, ∞)"
          bands:
            - {range: "[0, 100%]", points: 5}
            - {range: "(100%, 110%]", points: 3}
            - {range: "(110%, ∞)", points: 0}
"""


@pytest.fixture(scope="module", params=["python", "durable"])
def engine(request, tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("either")
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    return Engine.from_rubric(folder, rules=request.param)


def dept(**facts) -> dict:
    return {"department": {"id": "d", "name": "测试部门"}, "facts": facts}


def test_the_proportional_rule_needs_only_its_own_facts(engine):
    leaf = engine.evaluate(dept(staff_rule="proportional", staff_actual=44, staff_quota=40))["在职人员控制率"]
    assert leaf.status == "scored" and leaf.score == Decimal("4.55")  # 40/44 × 5
    assert leaf.inputs[0].shown == "按比例计分"  # the explanation says which rule scored
    assert any(d.reason.startswith("按比例计分：") or "在职人员控制率" in d.reason for d in leaf.deductions)


@pytest.mark.parametrize(("rate", "score"), [("100%", 5), ("105%", 3), ("120%", 0)])
def test_the_banded_rule_decides_on_the_rules_backend(engine, rate, score):
    leaf = engine.evaluate(dept(staff_rule="banded", staff_rate=rate))["在职人员控制率"]
    assert leaf.status == "scored" and leaf.score == score


def test_the_chosen_rules_missing_fact_makes_the_leaf_not_evaluable(engine):
    card = engine.evaluate(dept(staff_rule="proportional", staff_actual=44))
    leaf = card["在职人员控制率"]
    assert leaf.status == "not_evaluable" and [p.field for p in leaf.problems] == ["staff_quota"]
    assert "缺少事实“核定编制数”" in leaf.problems[0].message


def test_an_invalid_fact_of_the_chosen_rule_is_reported_as_invalid(engine):
    leaf = engine.evaluate(dept(staff_rule="banded", staff_rate="abc"))["在职人员控制率"]
    assert leaf.status == "not_evaluable" and leaf.problems[0].code == "FACT_TYPE"


def test_no_choice_no_score(engine):
    leaf = engine.evaluate(dept(staff_actual=44, staff_quota=40))["在职人员控制率"]
    assert leaf.status == "not_evaluable" and leaf.problems[0].field == "staff_rule"


def test_an_unknown_choice_is_refused(engine):
    leaf = engine.evaluate(dept(staff_rule="both", staff_rate="100%"))["在职人员控制率"]
    assert leaf.status == "not_evaluable" and leaf.problems[0].code == "FACT_CHOICE"


def test_options_must_match_the_choices(tmp_path):
    (tmp_path / "pack.yaml").write_text(PACK.replace("        banded:\n", "        banding:\n"), encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path, rules="python")
    assert refused.value.code == "PACK_PARAMS" and "proportional、banded" in str(refused.value)


def test_a_mistake_inside_an_option_points_at_the_option(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(
        PACK.replace('{range: "(100%, 110%]", points: 3}', '{range: "(100%, 120%]", points: 3}'), encoding="utf-8"
    )
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path, rules="python")
    problem = refused.value.problems[0]
    assert problem.code == "PACK_BANDS" and problem.file == str(path)
    assert problem.node == ("indicators", 0, "params", "options", "banded", "bands") and ":38：" in problem.message


def test_rubric_check_accepts_it(tmp_path):
    from conftest import run_cli

    (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
    result = run_cli("rubric", "check", tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr

"""Bugs met while writing published forms as packs, each pinned by the behaviour that was wrong."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import Engine

HERE = Path(__file__).parent
ALL_SHAPES = HERE / "packs" / "all-shapes"


@pytest.fixture(scope="module")
def shapes() -> Engine:
    return Engine.from_rubric(ALL_SHAPES, rules="python")


@pytest.fixture(scope="module")
def shapes_doc() -> dict:
    from jixiao.yamlio import load_path

    case = load_path(ALL_SHAPES / "cases" / "shapes.yaml")
    first = case[0] if isinstance(case, list) else case["cases"][0]
    return {"department": {"id": "t", "name": "测试"}, "facts": dict(first["facts"])}


def budget_completion(engine: Engine, doc: dict, rate: str):
    doc = copy.deepcopy(doc)
    doc["facts"]["budget_completion"] = rate
    return engine.evaluate(doc)["预算完成率"]


def test_a_step_of_five_points_is_not_printed_as_percentage_points(shapes, shapes_doc):
    """'每低于5%扣2分': 94.27% is 5.73 points short, one whole step, 2 points lost."""
    leaf = budget_completion(shapes, shapes_doc, "94.27%")
    [deduction] = leaf.deductions
    assert leaf.score == Decimal(4) and deduction.points == 2
    assert "低于100%的标准5.73个百分点" in deduction.problem and "每低于5个百分点扣2分" in deduction.problem
    shown = {m.label: m.shown for m in leaf.intermediates}
    assert shown["超出幅度"] == "5.73个百分点"
    assert shown["计扣步数"] == "1（每5个百分点为一步，按整数个计）"


def test_a_shortfall_under_one_step_loses_nothing_and_says_nothing_was_lost(shapes, shapes_doc):
    """The published case: 99.27% scores full marks; no '扣0分' deduction is listed."""
    leaf = budget_completion(shapes, shapes_doc, "99.27%")
    assert leaf.score == leaf.weight and leaf.deductions == []
    assert {m.label: m.shown for m in leaf.intermediates}["超出幅度"] == "0.73个百分点"


PACK_43 = """\
id: total-43
title: 总分43分的评分体系
region: 测试区
year: 2024
version: "1"
source: 测试用
total: 43
rounding:
  score: {places: 2, mode: half_up}
grades:
  - {grade: 好, range: "[30, 43]"}
  - {grade: 差, range: "[0, 30)"}
indicators:
  - code: "1"
    name: 队伍管理
    weight: 23
    use: judgement
    facts:
      a_score: {kind: score, label: 队伍管理评分, unit: 分}
      a_reason: {kind: text, label: 理由}
    params: {score: a_score, reason: a_reason}
  - code: "2"
    name: 工作成效
    weight: 20
    use: judgement
    facts:
      b_score: {kind: score, label: 工作成效评分, unit: 分}
      b_reason: {kind: text, label: 理由}
    params: {score: b_score, reason: b_reason}
"""
FACTS_43 = {
    "department": {"id": "d", "name": "测试部门"},
    "facts": {"a_score": 20, "a_reason": "好", "b_score": 18, "b_reason": "好"},
}


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_a_pack_out_of_43_prints_43_in_the_total_row(tmp_path, fmt):
    from jixiao.formats import FORMATS

    (tmp_path / "pack.yaml").write_text(PACK_43, encoding="utf-8")
    engine = Engine.from_rubric(tmp_path, rules="python")
    card = engine.evaluate(FACTS_43)
    text = str(FORMATS[fmt](card, engine))
    assert card.total == 38
    rows = [line for line in text.splitlines() if "总计得分" in line and "38" in line]
    assert rows and all("100" not in row for row in rows)
    assert any("43" in row for row in rows)  # the table's total row shows the pack's total


def district(tmp_path: Path, overrides: str) -> Path:
    text = f"""\
id: district-test
extend: shenzhen-yantian-2023
title: 区级调整
region: 测试区
version: "1"
source: 测试
overrides:
{overrides}"""
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "pack.yaml"


ADD = """\
  - add:
      parent: 公平性
      indicator:
        code: "3.4.3"
        name: 新增指标
        weight: 2
        use: judgement
        facts:
          n_score: {kind: score, label: 新增评分, unit: 分}
          n_reason: {kind: text, label: 理由}
        params: {score: n_score, reason: n_reason}
    reason: 增加一项
    authority: 测试
"""


def test_weights_broken_by_a_districts_add_point_at_the_add(tmp_path, reference_doc):
    """Every command names the district's line, not the base pack's, and they name the same one."""
    from conftest import run_cli

    pack = district(tmp_path, ADD)
    for args in (("rubric", "check", tmp_path), ("evaluate", REFERENCE, "--rubric", tmp_path, "--rules", "python")):
        result = run_cli(*args)
        assert result.exit_code == 2
        line = next(x for x in result.stderr.splitlines() if "PACK_WEIGHTS" in x)
        assert f"{pack}:13：overrides[0]（3.4.3）.add.indicator.weight" in line, line
        assert "“公平性”分值 9 与下级分值合计 11 不符" in line


REFERENCE = HERE.parent / "examples" / "yantian-2023" / "facts.yaml"
MOVE = """\
  - target: 群众信访办理情况
    drop: {move_to: 公众或服务对象满意度}
    reason: 不考核信访
    authority: 测试
"""


def test_points_moved_by_drop_are_noted_in_the_criteria_and_warned_of(tmp_path):
    from conftest import run_cli

    district(tmp_path, MOVE)
    engine = Engine.from_rubric(tmp_path, rules="python")
    leaf = engine.pack.find("公众或服务对象满意度")
    assert leaf is not None and leaf.weight == 9
    assert leaf.criteria.endswith("（本指标分值已由6分调整为9分，按上述标准计得的分数×1.5）")
    check = run_cli("rubric", "check", tmp_path)
    assert check.exit_code == 0 and "LINT_RESCALED_CRITERIA" in check.stdout + check.stderr


def test_a_district_that_rewrites_the_criteria_gets_no_note(tmp_path):
    district(
        tmp_path,
        MOVE
        + """\
  - target: 公众或服务对象满意度
    set: {criteria: 满意度≥95%的，得9分；其余按比例。}
    reason: 改写评分标准
    authority: 测试
""",
    )
    leaf = Engine.from_rubric(tmp_path, rules="python").pack.find("公众或服务对象满意度")
    assert leaf is not None and leaf.criteria == "满意度≥95%的，得9分；其余按比例。"


def test_a_misnamed_fact_is_never_taken_for_another(reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    doc = copy.deepcopy(reference_doc)
    doc["facts"]["staff"] = doc["facts"].pop("outsourced_staff")
    card = engine.evaluate(doc)
    [unknown] = card.fact_problems
    assert unknown.code == "FACT_UNKNOWN" and "是否拼写有误" in unknown.message  # nothing close: no guess offered
    assert card["编外人员控制率"].status == "not_evaluable"


def test_rates_print_at_the_precision_the_pack_declares(shapes, shapes_doc):
    """all-shapes rounds rates to 0.01% (rounding.rate places 4): 99.27% prints as 99.27%, 95.1% as 95.10%."""
    leaf = budget_completion(shapes, shapes_doc, "94.27%")
    assert "94.27%" in leaf.deductions[0].problem
    shown = {m.label: m.shown for m in leaf.intermediates}
    assert shown["预算完成率"] == "94.27%"
    assert {m.label: m.shown for m in budget_completion(shapes, shapes_doc, "95.1%").intermediates}["预算完成率"] == (
        "95.10%"
    )


def test_a_pack_without_a_rate_rounding_prints_one_decimal(reference_doc):
    card = Engine.from_rubric("shenzhen-yantian-2023", rules="python").evaluate(reference_doc)
    assert {m.label: m.shown for m in card["编外人员控制率"].intermediates}["编外人员控制率"] == "30.2%"


def _rate_rounding(tmp_path: Path, rule: str) -> Path:
    text = (ALL_SHAPES / "pack.yaml").read_text(encoding="utf-8")
    old = "  rate: {places: 4, mode: half_up}"
    assert old in text
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "pack.yaml").write_text(text.replace(old, f"  rate: {rule}"), encoding="utf-8")
    for extra in ALL_SHAPES.iterdir():
        if extra.name != "pack.yaml" and extra.is_file():
            (folder / extra.name).write_bytes(extra.read_bytes())
    return folder


def test_percent_places_says_the_same_in_percentage_points(tmp_path, shapes, shapes_doc):
    engine = Engine.from_rubric(_rate_rounding(tmp_path, "{percent_places: 2, mode: half_up}"), rules="python")
    assert engine.pack.rate_rounding == shapes.pack.rate_rounding == (4, "half_up")
    assert budget_completion(engine, shapes_doc, "95.1%").intermediates[0].shown == "95.10%"


def test_both_ways_at_once_are_refused(tmp_path):
    from jixiao import JixiaoError

    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(_rate_rounding(tmp_path, "{places: 4, percent_places: 2, mode: half_up}"), rules="python")
    assert "percent_places" in str(refused.value)

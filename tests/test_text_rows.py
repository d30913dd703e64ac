"""Project rows written in words (年度指标值“效果明显”，实际完成值“达成预期指标”): the pack says which words
mean which level, and what a level scores when the form gives no score; nothing else is read into them."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import Engine, JixiaoError
from jixiao.render import table
from jixiao.yamlio import load_path

EXAMPLE = Path(__file__).parent.parent / "examples" / "mof-project" / "facts.yaml"

PACK = """\
id: mof-text-rows
extend: mof-project-2020
title: 项目支出绩效自评表（文字指标）
region: 示例省
version: "1"
source: 测试
overrides:
  - target: "3.1"
    set:
      params:
        fact: outcomes
        label: 效益指标明细
        categories:
          economic: 经济效益指标
          social: 社会效益指标
          ecological: 生态效益指标
          sustainable: 可持续影响指标
        text_levels: {达成预期指标: met, 效果明显: met, 基本达成: partly, 未达成: unmet}
        level_scores: {met: 100%, partly: 70%, unmet: 0}
    reason: 效益指标按文字填写的完成情况定档计分
    authority: 测试
"""

TEXT_ROW = {
    "category": "social",
    "name": "老年人居家生活质量改善",
    "nature": "qualitative",
    "target_text": "效果明显",
    "actual_text": "达成预期指标",
    "points": 15,
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("text-rows")
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    return Engine.from_rubric(folder, rules="python")


def project(**row) -> dict:
    doc = copy.deepcopy(load_path(EXAMPLE))
    doc["facts"]["outcomes"][0] = {**TEXT_ROW, **row}
    return doc


def outcomes(engine: Engine, doc: dict):
    return engine.evaluate(doc)["效益指标（单位设定）"]


def test_a_text_row_scores_by_the_level_its_words_mean(engine):
    leaf = outcomes(engine, project())
    first = leaf.rows[0]
    assert first["score"] == 15 and first["level"] == "达成"
    assert first["target_text"] == "效果明显" and first["actual_text"] == "达成预期指标"


def test_the_table_prints_the_words_as_the_form_does(engine):
    text = table(engine.evaluate(project()))
    line = next(x for x in text.splitlines() if "老年人居家生活质量改善" in x)
    assert "效果明显" in line and "达成预期指标" in line


def test_a_partly_met_row_scores_its_declared_share_and_says_why(engine):
    leaf = outcomes(engine, project(actual_text="基本达成"))
    assert leaf.rows[0]["score"] == Decimal("10.5")  # 70% of 15
    assert any("实际完成值“基本达成”，评定为“部分达成”" in d.problem for d in leaf.deductions)


def test_a_score_the_form_gives_is_checked_against_the_level(engine):
    assert outcomes(engine, project(actual_text="基本达成", score=11)).rows[0]["score"] == 11
    leaf = outcomes(engine, project(actual_text="基本达成", score=14))  # 93%: not 部分达成's 60–80%
    assert leaf.status == "not_evaluable" and leaf.problems[0].code == "FACT_RANGE"


def test_words_the_pack_does_not_know_are_refused_not_guessed(engine):
    leaf = outcomes(engine, project(actual_text="基本完成"))
    assert leaf.status == "not_evaluable"
    [problem] = leaf.problems
    assert problem.code == "FACT_CHOICE" and "基本完成" in problem.message and "达成预期指标" in problem.message


def test_a_level_that_contradicts_the_words_is_refused(engine):
    leaf = outcomes(engine, project(level="unmet"))
    assert leaf.status == "not_evaluable" and leaf.problems[0].code == "FACT_CONFLICT"


def test_a_quantitative_row_still_needs_numbers(engine):
    leaf = outcomes(engine, project(nature=">=", target_text="≥50个", actual_text="60个"))
    assert leaf.status == "not_evaluable" and "须填写数值的“年度指标值”和“实际完成值”" in leaf.problems[0].message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("基本达成: partly", "基本达成: mostly"),  # not a level
        ("partly: 70%", "partly: 90%"),  # outside 部分达成's range
    ],
)
def test_a_malformed_mapping_is_refused(tmp_path, old, new):
    (tmp_path / "pack.yaml").write_text(PACK.replace(old, new), encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path, rules="python")
    assert refused.value.code == "PACK_PARAMS"

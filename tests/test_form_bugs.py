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

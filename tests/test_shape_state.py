"""The built-in shapes hand their configure step's results to evaluate as named, frozen state.

The explanation snapshot pins what the shapes say on the paths its departments take;
the two refusals below are not among them, so their messages are pinned here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import Engine
from jixiao.yamlio import load_path

ROOT = Path(__file__).resolve().parent.parent
ALL_SHAPES = ROOT / "tests" / "packs" / "all-shapes"
PACKS = [ALL_SHAPES, *sorted(p.parent for p in (ROOT / "rubrics").glob("*/pack.yaml"))]


def _frozen(value: object) -> bool:
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and params.frozen


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_leaf_state_is_a_frozen_dataclass_or_a_tuple_of_them(pack):
    engine = Engine.from_rubric(pack, rules="python")
    states = {b.leaf.code: b.configured.state for b in engine.bindings if b.configured is not None}
    assert states
    for code, state in states.items():
        items = state if isinstance(state, tuple) else (state,)
        assert items and all(_frozen(s) for s in items), (code, state)


@pytest.fixture(scope="module")
def scored():
    engine = Engine.from_rubric(ALL_SHAPES, rules="python")
    base = load_path(ALL_SHAPES / "cases" / "shapes.yaml")["cases"][0]["facts"]

    def leaf(name: str, **facts):
        card = engine.evaluate({"department": {"id": "state", "name": "检验部门"}, "facts": {**base, **facts}})
        return card[name]

    return leaf


def test_a_qualitative_score_outside_its_level_is_refused(scored):
    leaf = scored("社会效益", social_score=9)
    assert leaf.status == "not_evaluable" and leaf.score is None
    [p] = leaf.problems
    assert (p.code, p.message, p.field, p.value, p.expected) == (
        "FACT_RANGE",
        "“社会效益”选定档次“部分达成”，得分 9 不在该档区间 60%≤得分率<80% 内",
        "social_score",
        Decimal(9),
        "60%≤得分率<80%",
    )


def test_a_value_outside_the_bands_domain_is_refused(scored):
    leaf = scored("预算控制率", budget_control_rate="-5%")
    assert leaf.status == "not_evaluable" and leaf.score is None
    [p] = leaf.problems
    assert (p.code, p.message, p.field, p.value) == (
        "FACT_RANGE",
        "“预算控制率”为 -5.00%，不在评分标准的任何一档内",
        "预算控制率",
        Decimal("-0.05"),
    )

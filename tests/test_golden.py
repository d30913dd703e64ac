"""Golden cases: published scorecards reproduced leaf by leaf, on both rule backends."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from jixiao.yamlio import load_path

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.yaml"))


@pytest.mark.parametrize("case_file", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_case(case_file, engine):
    case = load_path(case_file)
    assert engine.pack.id == case["rubric"]
    card = engine.evaluate(case_file.parent / case["facts"])
    got = {leaf.name: leaf.score for leaf in card.leaves()}
    expected = {name: Decimal(v) for name, v in case["scores"].items()}
    assert got == expected
    assert all(leaf.status == "scored" for leaf in card.leaves())
    assert card.total == Decimal(case["total"])
    assert card.grade == case["grade"]
    assert card.complete
    assert {n.code: n.score for n in card.roots} == {k: Decimal(v) for k, v in case["subtotals"].items()}


def test_total_is_sum_of_rounded_leaves(py_engine):
    card = py_engine.evaluate(Path(__file__).parent.parent / "examples/yantian-2023/facts.yaml")
    assert card.total == sum(leaf.score for leaf in card.leaves())
    # 1 + 1 + 2458.92/3303.88/75% + 3284.95/3303.88 + 2, exactly: no 28-digit quotient in between
    q3, q4 = Fraction("2458.92") / Fraction("3303.88") / Fraction(3, 4), Fraction("3284.95") / Fraction("3303.88")
    assert card["预算执行率"].raw_score == 1 + 1 + q3 + q4 + 2


@pytest.mark.parametrize("context", [dict(prec=6), dict(rounding="ROUND_UP"), dict(prec=40, rounding="ROUND_FLOOR")])
def test_scores_do_not_depend_on_the_callers_decimal_context(py_engine, reference_doc, context):
    import decimal

    expected = py_engine.evaluate(reference_doc).to_dict()
    dept = py_engine.fact_model.validate(reference_doc["facts"], "yantian-qwb", reference_doc["department"]["name"])
    with decimal.localcontext() as ctx:
        for key, value in context.items():
            setattr(ctx, key, value)
        mine = decimal.getcontext().copy()
        assert py_engine.evaluate(reference_doc).to_dict() == expected
        assert py_engine.score(dept).to_dict()["indicators"] == expected["indicators"]
        assert (decimal.getcontext().prec, decimal.getcontext().rounding) == (mine.prec, mine.rounding)

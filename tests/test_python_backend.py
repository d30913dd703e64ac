"""The Python backend decides as ``Condition.holds`` read rule by rule decides — first rule whose conditions
all hold, None when none does or an input is absent — for Decimal, Fraction and integer inputs, on tables
of one input (read once, a Fraction compared by cross-multiplying) and of several."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.errors import JixiaoError
from jixiao.rules.model import Condition, DecisionTable, Rule
from jixiao.rules.python_backend import PythonBackend

KEYS = ("a:value", "b:value", "fact:flag")
OPS = ("lt", "le", "gt", "ge", "eq")


def by_holds(tables: list[DecisionTable], values: dict) -> dict[str, str | None]:
    """The meaning of a table, read off ``Condition.holds``."""
    out: dict[str, str | None] = {}
    for table in tables:
        out[table.id] = next(
            (
                rule.id
                for rule in table.rules
                if all(c.key in values and c.holds(values[c.key]) for c in rule.conditions)
            ),
            None,
        )
    return out


thresholds = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), Decimal("0.9"), Decimal("1"), Decimal("-0.5"), Decimal("1E+2"), Decimal("0.00")]),
)
inputs = st.one_of(
    thresholds,
    st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6),
    st.integers(min_value=-1000, max_value=1000),
    st.sampled_from([Fraction(9, 10), Fraction(-1, 2), Fraction(100), Fraction(0)]),
)


@st.composite
def tables(draw) -> list[DecisionTable]:
    out = []
    for t in range(draw(st.integers(1, 4))):
        keys = KEYS[:1] if draw(st.booleans()) else KEYS
        rules = tuple(
            Rule(
                f"r{r}",
                tuple(
                    Condition(draw(st.sampled_from(keys)), draw(st.sampled_from(OPS)), draw(thresholds))
                    for _ in range(draw(st.integers(0, 3)))
                ),
            )
            for r in range(draw(st.integers(1, 5)))
        )
        out.append(DecisionTable(f"t{t}", rules))
    return out


@settings(max_examples=400, deadline=None)
@given(tables(), st.dictionaries(st.sampled_from(KEYS), inputs))
def test_decides_as_the_conditions_read(tables, values):
    assert PythonBackend(tables).decide(values) == by_holds(tables, values)


def test_a_fraction_at_a_band_edge_is_compared_exactly():
    edge = DecisionTable(
        "band",
        (
            Rule("below", (Condition("x", "lt", Decimal("0.9")),)),
            Rule("at", (Condition("x", "eq", Decimal("0.9")),)),
            Rule("above", (Condition("x", "gt", Decimal("0.9")),)),
        ),
    )
    backend = PythonBackend([edge])
    assert backend.decide({"x": Fraction(9, 10)}) == {"band": "at"}
    assert backend.decide({"x": Fraction(8999999, 10**7)}) == {"band": "below"}
    assert backend.decide({"x": Fraction(900000001, 10**9)}) == {"band": "above"}
    assert backend.decide({"x": Fraction(-9, 10)}) == {"band": "below"}
    assert backend.decide({}) == {"band": None}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("threshold", [Decimal("Infinity"), Decimal("-Infinity"), 3, Fraction(-1, 3), 0.5])
def test_a_plugins_threshold_of_another_type_or_infinite_decides_as_compared_directly(op, threshold):
    table = DecisionTable("t", (Rule("r", (Condition("x", op, threshold),)),))
    for value in (Fraction(-7, 3), Fraction(1, 3), Decimal("-1E+14"), Decimal("0"), 5):
        assert PythonBackend([table]).decide({"x": value}) == by_holds([table], {"x": value}), value


@pytest.mark.parametrize("nan", [Decimal("NaN"), float("nan")])
def test_a_nan_threshold_is_refused_at_load(nan):
    table = DecisionTable("t", (Rule("r", (Condition("x", "lt", nan),)),))
    with pytest.raises(JixiaoError) as err:
        PythonBackend([table])
    assert err.value.code == "PACK_BANDS" and "不是数值" in str(err.value)

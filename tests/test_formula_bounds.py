"""A pack's formula costs bounded time: nested powers and deep nesting are refused at load.

Each exponent was limited to ±64, but not what they multiply to: a metric written
``((((x / y / 3) ** 64) ** 64) ** 64) ** 64) ** 64`` loaded, and scoring any department then
ran without end. A formula is now refused (``PACK_FORMULA``) when the digits of its value could
grow past ``MAX_DEGREE`` times those of its facts, or when it nests deeper than
``MAX_NESTING``. Within those bounds a power is plain exact arithmetic: simpleeval's own
guard used to fail ``x ** 2`` for any x over four million with an English message.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle.formula import evaluate_formula

from jixiao import Engine, JixiaoError
from jixiao.errors import Place
from jixiao.shapes.formula import MAX_DEGREE, MAX_NESTING, Formula

ALL_SHAPES = Path(__file__).parent / "packs" / "all-shapes" / "pack.yaml"
KNOWN = {name: object() for name in ("a", "b", "c")}
WHERE = Place("pack.yaml", 1)


def _refusal(text: str) -> str:
    with pytest.raises(JixiaoError) as refused:
        Formula(text, KNOWN, WHERE)
    problem = refused.value.problems[0]
    assert problem.code == "PACK_FORMULA"
    return problem.message


@pytest.mark.parametrize(
    "text",
    [
        "(a ** 64) ** 64",
        "((((a / b / 3) ** 64) ** 64) ** 64) ** 64",
        " * ".join(["(a * b * c) ** 64"] * 6),  # six products, none nested: 1,152 times the digits
        "max(a ** 64, b) ** 64",
    ],
)
def test_a_power_of_powers_is_refused_at_load(text: str) -> None:
    assert "乘方嵌套或连乘过多" in _refusal(text)


def test_nesting_deeper_than_the_limit_is_refused_and_a_long_sum_is_not() -> None:
    assert f"嵌套超过 {MAX_NESTING} 层" in _refusal("-(" * (MAX_NESTING + 1) + "a" + ")" * (MAX_NESTING + 1))
    names = {f"x{i}": object() for i in range(MAX_NESTING + 1)}
    terms = " + ".join(names)
    assert Formula(terms, names, WHERE).evaluate(dict.fromkeys(names, Fraction(1, 3)), "和") == Fraction(
        MAX_NESTING + 1, 3
    )
    assert "嵌套" in _refusal(" + ".join(["a"] * (MAX_NESTING + 2)))


def test_a_square_of_five_million_is_exact_not_refused() -> None:
    formula = Formula("a ** 2 / b + a ** -2", KNOWN, WHERE)
    assert formula.evaluate({"a": 5_000_000, "b": 1}, "平方") == Fraction(5_000_000) ** 2 + Fraction(1, 5_000_000**2)


def test_a_check_with_a_power_of_powers_is_refused_when_the_pack_loads(tmp_path: Path) -> None:
    text = ALL_SHAPES.read_text(encoding="utf-8").replace(
        "    formula: (sangong_this_year - sangong_last_year) / sangong_last_year",
        "    formula: ((((sangong_this_year / sangong_last_year / 3) ** 64) ** 64) ** 64) ** 64",
    )
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path, rules="python")
    assert refused.value.problems[0].code == "PACK_FORMULA"


_TERMS = st.sampled_from(["a", "b", "c", "2", "0.5", "3"])


@st.composite
def _formulas(draw, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(_TERMS)
    op = draw(st.sampled_from(["+", "-", "*", "/", "**"]))
    left = draw(_formulas(depth - 1))
    right = str(draw(st.integers(-3, 3))) if op == "**" else draw(_formulas(depth - 1))
    return f"({left} {op} {right})"


@given(_formulas(), st.fractions(min_value=-1000, max_value=1000, max_denominator=1000))
def test_formulas_within_the_bounds_keep_their_exact_value(text: str, a: Fraction) -> None:
    values = {"a": a, "b": Fraction(7, 3), "c": Fraction(-5, 2)}
    try:
        expected = evaluate_formula(text, values.__getitem__)
    except ZeroDivisionError:
        return
    formula = Formula(text, KNOWN, WHERE)
    assert formula.evaluate(values, "式") == expected
    degree = sum(1 for _ in re.finditer(r"[abc]|\d+(?:\.\d+)?", text))
    assert degree <= MAX_DEGREE  # these never come near the bound


@pytest.mark.parametrize("text", ["-" * 100_000 + "a", " + ".join(["a"] * 200_000), "a" + " ** 2" * 100_000])
def test_a_formula_too_deep_for_pythons_parser_is_refused_not_a_crash(text: str) -> None:
    """Python's parser answers these with MemoryError or RecursionError, which ended the pack's load
    as an internal error."""
    message = _refusal(text)
    assert "嵌套过深或过长" in message and len(message) < 400  # the formula is shown shortened


def test_a_check_too_deep_for_pythons_parser_is_refused_when_the_pack_loads(tmp_path: Path) -> None:
    text = ALL_SHAPES.read_text(encoding="utf-8").replace(
        "indicators:\n",
        "checks:\n  - id: deep\n    label: 过深\n    rule: budget_spent ≤ "
        + "-" * 100_000
        + "budget_total\nindicators:\n",
        1,
    )
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path, rules="python")
    assert refused.value.problems[0].code == "PACK_FORMULA" and "嵌套过深或过长" in refused.value.problems[0].message

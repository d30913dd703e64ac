"""DurableBackend against the PythonBackend oracle, at band edges and on random tables.

Every case is decided by both backends: durable-rules is only trusted where it agrees with
plain Python comparisons on ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.errors import JixiaoError
from jixiao.rules.durable_backend import DurableBackend, available, encode
from jixiao.rules.model import Condition, DecisionTable, Rule
from jixiao.rules.python_backend import PythonBackend

KEY = "X1:value"  # real keys contain ':'; they must never reach durable as field names


def band(rule_id: str, key: str, lo=None, lo_closed=True, hi=None, hi_closed=False) -> Rule:
    conds = []
    if lo is not None:
        conds.append(Condition(key, "ge" if lo_closed else "gt", D(lo)))
    if hi is not None:
        conds.append(Condition(key, "le" if hi_closed else "lt", D(hi)))
    return Rule(rule_id, tuple(conds))


BANDS = DecisionTable(
    "X1:band",
    (
        band("low", KEY, "0", True, "0.1", False),  # [0, 0.1)
        band("mid", KEY, "0.1", True, "0.5", True),  # [0.1, 0.5]
        band("high", KEY, "0.5", False, "1", True),  # (0.5, 1]
        band("neg", KEY, "-2.5", False, "0", False),  # (-2.5, 0)
    ),
)
VETO = DecisionTable("veto", (Rule("hit", (Condition("veto:flag", "eq", D(1)),)),))


@pytest.fixture
def pair():
    backend = DurableBackend([BANDS, VETO])
    yield backend, PythonBackend([BANDS, VETO])
    backend.close()


def check(pair, values):
    durable, oracle = pair
    got = durable.decide(values, "dept")
    assert got == oracle.decide(values, "dept")
    return got


def test_available_and_name(pair):
    assert available() is True
    assert pair[0].name == "durable-rules"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", "low"),
        ("-0", "low"),
        ("0.0999999999", "low"),
        ("0.099999", "low"),
        ("0.1", "mid"),
        ("0.10", "mid"),
        ("0.1000000001", "mid"),
        ("0.100001", "mid"),
        ("0.5", "mid"),
        ("0.4999999999", "mid"),
        ("0.5000000001", "high"),
        ("0.500001", "high"),
        ("1", "high"),
        ("1.000000", "high"),
        ("1.0000000001", None),
        ("0.9999999999", "high"),
        ("-0.0000000001", "neg"),
        ("-2.5", None),
        ("-2.4999999999", "neg"),
        ("-2.5000000001", None),
        ("1.000000000000000000000000000000001", None),
        ("1E-30", "low"),
        ("-1E-30", "neg"),
        ("999999999999.999999999", None),
        ("-999999999999.999999999", None),
    ],
)
def test_band_edges(pair, value, expected):
    assert check(pair, {KEY: D(value)})["X1:band"] == expected


@pytest.mark.parametrize(
    "flag, expected",
    [
        (D(1), "hit"),
        (D("1.000"), "hit"),
        (1, "hit"),
        (D("1.000001"), None),
        (D("0.9999999999"), None),
        (D(0), None),
        (D("1.0000000001"), None),
    ],
)
def test_veto_equality(pair, flag, expected):
    assert check(pair, {"veto:flag": flag, KEY: D("0.3")}) == {"X1:band": "mid", "veto": expected}


def test_absent_inputs_decide_none(pair):
    assert check(pair, {}) == {"X1:band": None, "veto": None}
    assert check(pair, {"unrelated": D(1)}) == {"X1:band": None, "veto": None}
    two_keys = DecisionTable("both", (Rule("r", (Condition("a", "ge", D(0)), Condition("b", "ge", D(0)))),))
    with DurableBackend([two_keys]) as backend:
        assert backend.decide({"a": D(1)}, "d") == {"both": None}
        assert backend.decide({"a": D(1), "b": D(0)}, "d") == {"both": "r"}


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (2, 0, 3, 1)])
def test_overlapping_rules_first_match_wins(order):
    rules = [
        band("wide", "x", "0", True),
        band("narrow", "x", "0.5", True, "0.7", True),
        band("any", "x"),
        band("neg", "x", hi="0"),
    ]
    table = DecisionTable("t", tuple(rules[i] for i in order))
    oracle = PythonBackend([table])
    with DurableBackend([table, table]) as backend:  # same table twice: each decided on its own
        for x in ("-1", "0", "0.5", "0.6", "0.7", "9"):
            assert backend.decide({"x": D(x)}, "d") == oracle.decide({"x": D(x)})


def test_rule_without_conditions_always_holds():
    table = DecisionTable("t", (band("pos", "x", "0", False), Rule("default", ())))
    with DurableBackend([table]) as backend:
        assert backend.decide({}, "d") == {"t": "default"}
        assert backend.decide({"x": D(3)}, "d") == {"t": "pos"}


@pytest.mark.parametrize("bad", [0.5, True, "0.5", None, D("NaN"), D("Infinity")])
def test_bad_inputs_rejected_before_posting(pair, bad):
    with pytest.raises(JixiaoError) as err:
        pair[0].decide({KEY: bad}, "dept")
    assert err.value.code == "RULES_ENGINE" and KEY in str(err.value)
    assert pair[0].decide({KEY: D("0.2")}, "dept")["X1:band"] == "mid"  # still usable


@pytest.mark.parametrize(
    "value", [D(10) ** 12, -(10**12), D("1E+14"), -D("999999999999999"), Fraction(10**13, 3), Fraction(-(10**15), 7)]
)
def test_values_beyond_the_int64_range_decide_as_their_exact_value(pair, value):
    """A ratio with a tiny denominator can exceed 10^12: it is posted as "beyond every threshold", never refused."""
    durable, oracle = pair
    assert durable.decide({KEY: value}, "dept") == oracle.decide({KEY: value})


TINY = Fraction(1, 10**30)  # far below durable's 10^-6 resolution: the exactness bit must carry it


@pytest.mark.parametrize(
    "value",
    [
        Fraction(1, 3),
        Fraction(2, 15) * 6,
        Fraction(1, 10),
        Fraction(1, 10) - TINY,
        Fraction(1, 10) + TINY,
        Fraction(1, 2) - TINY,
        Fraction(1, 2),
        Fraction(1, 2) + TINY,
        1 + TINY,
        -TINY,
        Fraction(-5, 2) + TINY,
    ],
)
def test_fractions_decide_exactly(pair, value):
    durable, oracle = pair
    assert durable.decide({KEY: value}, "dept") == oracle.decide({KEY: value})


@pytest.mark.parametrize("threshold", [D("0.0000001"), D("1E-7"), D("0.12345678"), D(10) ** 12, D("NaN")])
def test_thresholds_must_be_exact_at_six_decimals(threshold):
    with pytest.raises(JixiaoError) as err:
        DurableBackend([DecisionTable("t", (Rule("r", (Condition("x", "ge", threshold),)),))])
    assert err.value.code == "PACK_BANDS"


def test_tiny_and_negative_thresholds_are_exact():
    table = DecisionTable("t", (band("r", "x", "-0.000001", False, "0.000001", True),))
    oracle = PythonBackend([table])
    with DurableBackend([table]) as backend:
        for x in ("-0.000001", "-0.0000009999", "0", "0.000001", "0.0000010001"):
            assert backend.decide({"x": D(x)}, "d") == oracle.decide({"x": D(x)})


class Failing(DurableBackend):
    error: type[BaseException] = RuntimeError

    def _fire(self, c, state_key, index):
        raise self.error("boom")


def test_swallowed_action_exception_is_raised():
    with Failing([BANDS]) as backend:
        with pytest.raises(JixiaoError) as err:
            backend.decide({KEY: D("0.2")}, "dept")
        assert err.value.code == "RULES_ENGINE" and "boom" in str(err.value)
        assert backend.decide({KEY: D("7")}, "dept") == {"X1:band": None}  # no action ran: no error


def test_swallowed_keyboard_interrupt_is_reraised():
    class Interrupted(Failing):
        error = KeyboardInterrupt

    with Interrupted([BANDS]) as backend:
        with pytest.raises(KeyboardInterrupt):
            backend.decide({KEY: D("0.2")}, "dept")


def test_many_sequential_decisions_delete_their_state(pair):
    # > 1,024 calls: live sids would hit durable's MemoryError; facts matching nothing would
    # segfault on delete_state without the sentinel rule.
    values = [{KEY: D("0.3")}, {KEY: D("42")}, {}, {"veto:flag": D(1)}]
    expected = [pair[1].decide(v) for v in values]
    for i in range(2000):
        assert pair[0].decide(values[i % 4], "same-sid") == expected[i % 4]


def test_backends_are_independent_and_close_cleanly():
    first, second = DurableBackend([BANDS]), DurableBackend([BANDS, VETO])
    assert first.decide({KEY: D("0.1")}, "d") == {"X1:band": "mid"}
    first.close()
    first.close()  # idempotent
    with pytest.raises(JixiaoError):
        first.decide({KEY: D("0.1")}, "d")
    assert second.decide({KEY: D("0.1")}, "d") == {"X1:band": "mid", "veto": None}
    second.close()


def test_encode_is_exact():
    assert encode(D("0.1")) == (100000, 1)
    assert encode(D("0.1000000001")) == (100000, 0)
    assert encode(D("-0.0999999999")) == (-100000, 0)
    assert encode(D("-1E-30")) == (-1, 0)
    assert encode(D("0E-40")) == (0, 1)
    assert encode(D("12E+3")) == (12000 * 10**6, 1)


KEYS = ("a", "b:value", "c")
OPS = ("lt", "le", "gt", "ge", "eq")
edges = st.builds(lambda n, d: D(n).scaleb(-d), st.integers(-(10**7), 10**7), st.integers(0, 6))
nudges = st.sampled_from([D(0), D("1E-6"), D("-1E-6"), D("1E-9"), D("-1E-9"), D("1E-7")])
conditions = st.builds(Condition, st.sampled_from(KEYS), st.sampled_from(OPS), edges)
rules = st.lists(conditions, max_size=2).map(tuple)
tables = st.lists(st.lists(rules, min_size=1, max_size=5), min_size=1, max_size=3).map(
    lambda ts: [DecisionTable(f"t{i}", tuple(Rule(f"r{j}", r) for j, r in enumerate(t))) for i, t in enumerate(ts)]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=tables, data=st.data())
def test_matches_python_oracle_on_random_tables(tables, data):
    thresholds = [c.value for t in tables for r in t.rules for c in r.conditions] or [D(0)]
    near_edge = st.builds(lambda t, d: t + d, st.sampled_from(thresholds), nudges)
    free = st.builds(lambda n, d: D(n).scaleb(-d), st.integers(-(10**10), 10**10), st.integers(0, 9))
    oracle = PythonBackend(tables)
    with DurableBackend(tables) as backend:
        for _ in range(5):
            values = data.draw(st.dictionaries(st.sampled_from(KEYS), near_edge | free))
            assert backend.decide(values, "dept") == oracle.decide(values)


def test_many_tables_whose_rules_all_fire_do_not_crash_the_process():
    """durable aborts the process when one assert fires more than 64 actions: the tables are split over rulesets."""
    import subprocess
    import sys

    code = (
        "from decimal import Decimal as D\n"
        "from jixiao.rules.model import Condition, DecisionTable, Rule\n"
        "from jixiao.rules.durable_backend import DurableBackend\n"
        "from jixiao.rules.python_backend import PythonBackend\n"
        "tables = [DecisionTable(f't{i}', tuple(Rule(f'r{j}', (Condition(f'k{i}', 'ge', D(j)),)) for j in range(3))) "
        "for i in range(90)]\n"
        "values = {f'k{i}': D(i % 4) for i in range(90)}\n"
        "with DurableBackend(tables) as durable:\n"
        "    assert durable.decide(values, 'x') == PythonBackend(tables).decide(values)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", (done.returncode, done.stderr[-500:])


def test_a_table_larger_than_a_ruleset_is_refused():
    from jixiao.rules.durable_backend import RULES_PER_RULESET, partition

    big = DecisionTable(
        "big", tuple(Rule(f"r{j}", (Condition("k", "ge", D(j)),)) for j in range(RULES_PER_RULESET + 1))
    )
    with pytest.raises(JixiaoError) as err:
        DurableBackend([big])
    assert err.value.code == "RULES_ENGINE" and "--rules python" in str(err.value)
    small = [DecisionTable(f"t{i}", tuple(Rule(f"r{j}", ()) for j in range(25))) for i in range(5)]
    assert partition(small) == [(0, 1), (2, 3), (4,)]

"""The engine against an exact rational oracle (``tests/oracle/``), through the public API only.

The engine promises exact scores: every rate, ratio, pro-rata deduction and score exact,
rounded only where the pack declares (the reference pack truncates each leaf to 0.01).
The oracle computes in ``fractions.Fraction`` and rounds once, with integers; it was
written from the docs, the packs and the reference notes, without reading the engine.

Where the engine divides in 28-digit Decimal and then truncates, it is wrong exactly at
truncation edges (2 of 15 projects on time: 2/15 × 6 = 0.80, not 0.79). These tests are
meant to fail there until the engine is exact; none is skipped or marked xfail.

- the oracle itself against the published 盐田 scores (94.91, 优) and the all-shapes cases;
- 项目完成及时性 over every (planned 1..40, on time 0..planned), 重点工作完成情况 over a grid;
- departments built on purpose so a leaf's exact score lands on a multiple of 0.01, or one
  unit either side, for every leaf with a division (and the two published counter-examples);
- 20,000 seeded synthetic departments, leaf by leaf, in total and grade;
- hypothesis properties for every shape of ``tests/packs/all-shapes``.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import synth, yantian
from oracle.formula import evaluate_formula
from oracle.intervals import parse_interval
from oracle.rounding import round_fraction
from oracle.shapes import PackOracle

from jixiao import Engine
from jixiao.yamlio import load_path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = load_path(ROOT / "tests" / "golden" / "yantian-2023.yaml")
YANTIAN_PACK = load_path(ROOT / "rubrics" / "shenzhen-yantian-2023" / "pack.yaml")
ALL_SHAPES_DIR = ROOT / "tests" / "packs" / "all-shapes"
ALL_SHAPES_PACK = load_path(ALL_SHAPES_DIR / "pack.yaml")
ALL_SHAPES_CASES = load_path(ALL_SHAPES_DIR / "cases" / "shapes.yaml")["cases"]
YANTIAN_ORACLE = PackOracle(YANTIAN_PACK)
SYNTHETIC_SEED = 20231231
SYNTHETIC_COUNT = 20_000


def department(facts: dict, ident: str = "oracle") -> dict:
    return {"department": {"id": ident, "name": "检验部门"}, "facts": facts}


def with_facts(reference_doc: dict, **overrides) -> dict:
    facts = dict(reference_doc["facts"])
    facts.update(overrides)
    return facts


def compare(card, expected: yantian.Result) -> list[str]:
    """Every difference between a scorecard and the hand-written 盐田 oracle, as text."""
    out = [
        f"{name}: engine {card[name].score} ≠ oracle {expected.scores[name]} (exact {expected.raw[name]})"
        for name in yantian.LEAVES
        if card[name].score != expected.scores[name]
    ]
    if card.complete != (expected.total is not None):
        out.append(f"complete: engine {card.complete}, oracle {expected.total is not None}")
    elif expected.total is not None:  # an incomplete card's total is a partial sum: not compared
        if card.total != expected.total:
            out.append(f"total: engine {card.total} ≠ oracle {expected.total}")
        if card.grade != expected.grade:
            out.append(f"grade: engine {card.grade} ≠ oracle {expected.grade}")
    return out


# --- 1. the oracle itself ---------------------------------------------------------------------


def test_rounding_is_exact_at_ties_and_far_digits():
    assert str(round_fraction(F("5.98661"), 2, "truncate")) == "5.98"
    assert str(round_fraction(F(2, 15) * 6, 2, "truncate")) == "0.80"
    assert str(round_fraction(F(-1239, 1000), 2, "truncate")) == "-1.23"
    assert [str(round_fraction(F(x), 2, "half_up")) for x in ("2.345", "-2.345", "0.005", "2.3449999")] == [
        "2.35",
        "-2.35",
        "0.01",
        "2.34",
    ]
    assert [str(round_fraction(F(x), 2, "half_even")) for x in ("2.345", "2.355", "-2.345", "2.3450001")] == [
        "2.34",
        "2.36",
        "-2.34",
        "2.35",
    ]
    # a tie 40 digits down is still a tie, and one unit past it is not
    tiny = F(1, 10**40)
    assert str(round_fraction(F(1, 200) - tiny, 2, "half_up")) == "0.00"
    assert str(round_fraction(F(1, 3) * 3 - tiny, 2, "truncate")) == "0.99"


def test_intervals_follow_their_brackets():
    assert F(9, 10) in parse_interval("[90%, ∞)") and F(899, 1000) not in parse_interval("[90%, ∞)")
    assert F(1, 10) not in parse_interval("(10%, ∞)") and F(1, 10) in parse_interval("[5%, 10%]")
    assert 0 in parse_interval("[0, 0]") and F(1, 10**30) not in parse_interval("[0, 0]")
    assert 10**30 in parse_interval("(-∞, ∞)")


def test_formulas_are_exact():
    facts = {"a": F(105), "b": F(100), "c": F(3)}
    assert evaluate_formula("(a - b) / b", facts.__getitem__) == F(1, 20)
    assert evaluate_formula("a / c * c - a", facts.__getitem__) == 0
    assert evaluate_formula("-2**2 + max(1, 2) * abs(-c) + 10%", facts.__getitem__) == F(21, 10)


def test_oracle_gives_the_published_scores(reference_doc):
    result = yantian.evaluate(reference_doc["facts"])
    assert len(yantian.LEAVES) == 21
    assert result.scores == {name: Decimal(v) for name, v in GOLDEN["scores"].items()}
    assert result.total == Decimal(GOLDEN["total"]) == Decimal("94.91")
    assert result.grade == GOLDEN["grade"] == "优"
    # the reference notes' arithmetic: 5.98661, 1.980746…, 2.954519… before truncation
    assert round_fraction(result.raw["预算执行率"], 5, "half_up") == Decimal("5.98661")
    assert round_fraction(result.raw["政府采购执行情况"], 6, "truncate") == Decimal("1.980746")
    assert round_fraction(result.raw["财务合规性"], 6, "truncate") == Decimal("2.954519")


def test_generic_oracle_agrees_with_the_hand_written_one(reference_doc):
    generic = YANTIAN_ORACLE
    assert [leaf["name"] for leaf in generic.leaves] == list(yantian.LEAVES)
    result = generic.evaluate(reference_doc["facts"])
    assert result.scores == yantian.evaluate(reference_doc["facts"]).scores
    assert result.total == Decimal("94.91") and result.grade == "优"
    for doc in synth.departments(7, 1500):
        assert generic.evaluate(doc["facts"]).scores == yantian.evaluate(doc["facts"]).scores, doc


@pytest.mark.parametrize("case", ALL_SHAPES_CASES, ids=lambda c: c["name"])
def test_generic_oracle_gives_the_all_shapes_cases(case):
    result = PackOracle(ALL_SHAPES_PACK).evaluate(case["facts"])
    expect = case["expect"]
    for name, score in expect["scores"].items():
        assert result.scores[name] == Decimal(score), name
    for name, status in (expect.get("status") or {}).items():
        assert result.leaves[name].status == status
    assert result.total == Decimal(expect["total"])
    assert result.grade == expect["grade"]


def test_engine_gives_the_published_scores(py_engine, reference_doc):
    card = py_engine.evaluate(reference_doc)
    assert compare(card, yantian.evaluate(reference_doc["facts"])) == []


# --- 2. count grids ---------------------------------------------------------------------------

TIMELINESS_GRID = [(planned, on_time) for planned in range(1, 41) for on_time in range(planned + 1)]


@pytest.mark.parametrize("planned,on_time", TIMELINESS_GRID, ids=[f"{p}-{o}" for p, o in TIMELINESS_GRID])
def test_project_timeliness_grid(py_engine, reference_doc, planned, on_time):
    facts = with_facts(reference_doc, projects_planned=planned, projects_on_time=on_time)
    card = py_engine.evaluate(department(facts))
    expected = yantian.evaluate(facts)
    assert card["项目完成及时性"].score == expected.scores["项目完成及时性"], (
        f"{on_time}/{planned} × 6 = {expected.raw['项目完成及时性']}"
    )
    assert card.total == expected.total


KEY_TASKS_GRID = [(planned, done) for planned in range(0, 13) for done in range(planned + 1)]


@pytest.mark.parametrize("planned,done", KEY_TASKS_GRID, ids=[f"{p}-{d}" for p, d in KEY_TASKS_GRID])
def test_key_tasks_grid(py_engine, reference_doc, planned, done):
    facts = with_facts(reference_doc, key_tasks_planned=planned, key_tasks_completed=done)
    card = py_engine.evaluate(department(facts))
    expected = yantian.evaluate(facts)
    assert card["重点工作完成情况"].score == expected.scores["重点工作完成情况"]
    assert card.total == expected.total


# --- 3. truncation edges built on purpose -----------------------------------------------------

PUBLISHED_COUNTER_EXAMPLES = [
    ("timeliness-2-of-15", "项目完成及时性", {"projects_planned": 15, "projects_on_time": 2}, "0.80"),
    (
        "execution-3664",
        "预算执行率",
        {
            "annual_budget": Decimal("3664"),
            "spent_q1": Decimal("952.64"),
            "spent_q2": Decimal("1696.43"),
            "spent_q3": Decimal("2729.68"),
            "spent_q4": Decimal("3495.46"),
        },
        "5.83",
    ),
]


@pytest.mark.parametrize(
    "leaf,overrides,exact", [c[1:] for c in PUBLISHED_COUNTER_EXAMPLES], ids=[c[0] for c in PUBLISHED_COUNTER_EXAMPLES]
)
def test_published_counter_examples(py_engine, reference_doc, leaf, overrides, exact):
    facts = with_facts(reference_doc, **overrides)
    expected = yantian.evaluate(facts)
    assert expected.scores[leaf] == Decimal(exact)  # the oracle's own arithmetic, stated
    card = py_engine.evaluate(department(facts))
    assert card[leaf].score == Decimal(exact)
    assert compare(card, expected) == []


def test_grade_edge_total_exactly_90(py_engine, reference_doc):
    # 94.91 − 6 + 0.80 (2 of 15 projects on time) + 0.5 (编外 3 of 40 = 7.5 %)
    #       − 0.21 (adjustments 378 of 3,000 = 12.6 %: 0.26 points over) = 90.00 exactly: 优
    facts = with_facts(
        reference_doc,
        projects_planned=15,
        projects_on_time=2,
        outsourced_staff=3,
        initial_budget=3000,
        budget_adjustment=Decimal("378.00"),
    )
    expected = yantian.evaluate(facts)
    assert (expected.total, expected.grade) == (Decimal("90.00"), "优")
    card = py_engine.evaluate(department(facts))
    assert (card.total, card.grade) == (Decimal("90.00"), "优"), compare(card, expected)


EDGES = (
    [
        (f"timeliness-{p}-{o}", "项目完成及时性", {"projects_planned": p, "projects_on_time": o})
        for p, o in ((3, 1), (3, 2), (6, 1), (7, 7), (12, 5), (15, 2), (15, 7), (21, 7), (30, 1), (35, 14), (0, 0))
    ]
    + synth.execution_edges()
    + synth.procurement_edges()
    + synth.compliance_edges()
    + synth.band_edges()
    + [
        ("veto-irregular", "财务合规性", {"irregular_spending": True, "budget_adjustment": Decimal("600")}),
        ("veto-irregular-word", "财务合规性", {"irregular_spending": "是"}),
        (
            "exempt-classified",
            "预决算信息公开",
            {"classified_unit": True, "budget_disclosure": "none", "final_accounts_disclosure": "partial"},
        ),
        (
            "disclosure-labels",
            "预决算信息公开",
            {"budget_disclosure": "已公开但存在不符合时限、内容、范围等要求", "final_accounts_disclosure": "未公开"},
        ),
        (
            "exempt-no-petitions",
            "群众信访办理情况",
            {
                "petitions_received": 0,
                "petitions_all_replied": False,
                "petition_channel_established": False,
                "petitions_replied_on_time": False,
            },
        ),
        (
            "petitions-scored",
            "群众信访办理情况",
            {
                "petitions_received": 4,
                "petition_channel_established": True,
                "petitions_all_replied": True,
                "petitions_replied_on_time": False,
            },
        ),
        (
            "judgement-truncated",
            "社会效益、经济效益、生态效益及可持续影响等",
            {"effectiveness_score": Decimal("23.456")},
        ),
    ]
)


@pytest.mark.parametrize("leaf,overrides", [e[1:] for e in EDGES], ids=[e[0] for e in EDGES])
def test_truncation_edges(py_engine, reference_doc, leaf, overrides):
    facts = with_facts(reference_doc, **overrides)
    expected = yantian.evaluate(facts)
    card = py_engine.evaluate(department(facts))
    assert card[leaf].score == expected.scores[leaf], f"exact {expected.raw[leaf]}"
    assert compare(card, expected) == []


# --- 4. 20,000 seeded synthetic departments ---------------------------------------------------


def _leaf_facts(name: str) -> list[str]:
    """The facts one leaf of the reference pack reads (for failure messages)."""
    node = YANTIAN_ORACLE.leaf(name)
    names: list[str] = list(node.get("facts") or {})

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("fact", "budget", "score", "reason") and isinstance(v, str):
                    names.append(v)
                elif k in ("numerator", "denominator", "difference"):
                    names.extend(v if isinstance(v, list) else [v])
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(node.get("params"))
    for gate in (node.get("veto") or []) + (node.get("exempt") or []):
        names.append(gate["fact"])
    return list(dict.fromkeys(n for n in names if isinstance(n, str)))


@pytest.fixture(scope="module")
def synthetic_mismatches(py_engine) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {key: [] for key in (*yantian.LEAVES, "total", "grade", "complete")}
    for doc in synth.departments(SYNTHETIC_SEED, SYNTHETIC_COUNT):
        facts = doc["facts"]
        expected = yantian.evaluate(facts)
        card = py_engine.evaluate(doc)
        ident = doc["department"]["id"]
        for name in yantian.LEAVES:
            got = card[name].score
            if got != expected.scores[name]:
                shown = {k: facts[k] for k in _leaf_facts(name)}
                found[name].append(
                    f"{ident}: engine {got}, oracle {expected.scores[name]} (exact {expected.raw[name]}); {shown}"
                )
        if card.complete != (expected.total is not None):
            found["complete"].append(f"{ident}: engine complete={card.complete}")
        elif expected.total is not None:
            if card.total != expected.total:
                found["total"].append(f"{ident}: engine {card.total}, oracle {expected.total}")
            if card.grade != expected.grade:
                found["grade"].append(
                    f"{ident}: engine {card.grade}, oracle {expected.grade} (total {card.total} / {expected.total})"
                )
    return found


SYNTHETIC_CHECKS = (*yantian.LEAVES, "total", "grade", "complete")


@pytest.mark.parametrize(
    "what",
    SYNTHETIC_CHECKS,
    ids=[YANTIAN_ORACLE.leaf(w)["code"] if w in yantian.LEAVES else w for w in SYNTHETIC_CHECKS],
)
def test_synthetic_departments(synthetic_mismatches, what):
    wrong = synthetic_mismatches[what]
    assert not wrong, f"{len(wrong)} of {SYNTHETIC_COUNT} departments differ on {what}; first: " + " | ".join(wrong[:3])


# --- 5. hypothesis: every shape of the all-shapes pack ----------------------------------------

ALL_SHAPES = PackOracle(ALL_SHAPES_PACK)
ALL_SHAPES_LEAVES = [leaf["name"] for leaf in ALL_SHAPES.leaves]
REASON = "评价人依据佐证材料酌情评分"


@pytest.fixture(scope="module")
def shapes_engine() -> Engine:
    return Engine.from_rubric(ALL_SHAPES_DIR, rules="python")


def _amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _as_rate(draw, value: Decimal):
    """A rate fact as an evaluator may write it: 0.9 or "90%"."""
    if draw(st.booleans()):
        return value
    return f"{(value * 100).normalize():f}%"


def _rate(draw, edges: tuple[str, ...]) -> Decimal:
    if draw(st.integers(0, 2)) == 0:
        return Decimal(draw(st.sampled_from(edges)))
    return Decimal(draw(st.integers(0, 10000))).scaleb(-4)


@st.composite
def all_shapes_facts(draw) -> dict:
    f: dict = {}
    for name in (
        "goal_has_basis",
        "goal_matches_plan",
        "goal_matches_budget",
        "misuse",
        "accounts_ok",
        "buildings_approved",
        "sustainability_applicable",
    ):
        f[name] = draw(st.booleans())
    f["irregular_cases"] = draw(st.integers(0, 7))
    # budget and cumulative spending: non-decreasing, within the budget; some exactly on schedule
    budget = draw(st.integers(100_00, 5000_00) | st.integers(100, 5000).map(lambda x: x * 100))
    if draw(st.integers(0, 4)) == 0:
        spent = [budget * k // 4 for k in (1, 2, 3, 4)]
    else:
        spent = sorted(draw(st.lists(st.integers(0, budget), min_size=4, max_size=4)))
    f["budget_total"] = _amount(budget)
    for name, cents in zip(("q1", "q2", "q3", "q4"), spent):
        f[name] = _amount(cents)
    f["budget_spent"] = _amount(draw(st.sampled_from([spent[3], budget, budget - 1]) | st.integers(0, budget)))
    # 产出数量 (>=, the department's target) and 成本控制 (<= 0.2)
    target = draw(st.integers(1, 1000))
    f["output_target"] = Decimal(target)
    f["output_actual"] = Decimal(draw(st.sampled_from([target, target - 1, target + 1, 0]) | st.integers(0, 1200)))
    f["unit_cost"] = draw(
        st.sampled_from([Decimal("0.2"), Decimal("0.2001"), Decimal("0.1999"), Decimal("0")])
        | st.integers(0, 6000).map(lambda x: Decimal(x).scaleb(-4))
    )
    # rate facts as given are never rounded, even when the pack rounds computed rates to 4 places
    f["budget_control_rate"] = _as_rate(
        draw,
        _rate(
            draw,
            ("0", "0.0001", "0.00001", "0.1", "0.1001", "0.100001", "0.2", "0.2001", "0.3", "0.3001", "0.30004", "1"),
        ),
    )
    f["key_spending_rate"] = _as_rate(
        draw, _rate(draw, ("0.9", "0.8999", "0.89995", "0.8", "0.7999", "0.79999", "0.7", "0.6999", "1", "0"))
    )
    f["budget_completion"] = _as_rate(
        draw,
        _rate(draw, ("1", "0.9999", "0.99999", "0.9927", "0.95", "0.9501", "0.9499", "0.949999", "0.9", "0.85", "0")),
    )
    # 在职人员: near the quota (the rate rounded to 0.01 % decides the started point), or anywhere
    quota = draw(st.integers(1, 200) | st.integers(1, 200_000))
    actual = draw(st.integers(-3, 3).map(lambda d: quota + d) | st.integers(0, 2 * quota))
    f["staff_quota"], f["staff_actual"] = quota, max(0, actual)
    # 三公经费变动率: last year's amount and a change around 0, sometimes exactly k %
    last = draw(st.integers(1_00, 500_00))
    delta = draw(
        st.sampled_from([0, 1, -1])
        | st.integers(-last // 5, last // 5)
        | st.integers(-10, 10).map(lambda k: last * k // 100)
    )
    f["sangong_last_year"], f["sangong_this_year"] = _amount(last), _amount(max(0, last + delta))
    f["new_buildings"] = draw(st.sampled_from([0, 0, 1, 2]))
    # judgements: 2 or 3 places (half_up at 2), within the weight
    f["sustainability_score"] = Decimal(draw(st.integers(0, 4000))).scaleb(-3)
    f["sustainability_reason"] = REASON
    level = draw(st.sampled_from(["met", "partly", "unmet"]))
    lo, hi = {"met": (8000, 10000), "partly": (6000, 7999), "unmet": (0, 5999)}[level]
    f["social_level"] = draw(st.sampled_from([level, ALL_SHAPES.choices["social_level"][level]]))
    f["social_score"] = Decimal(draw(st.sampled_from([lo, hi]) | st.integers(lo, hi))).scaleb(-3)
    f["social_reason"] = REASON
    f["effect_score"] = Decimal(draw(st.integers(0, 600))).scaleb(-2)
    f["effect_reason"] = REASON
    return f


PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("leaf", ALL_SHAPES_LEAVES, ids=[leaf["code"] for leaf in ALL_SHAPES.leaves])
@PROPERTY_SETTINGS
@given(facts=all_shapes_facts())
def test_all_shapes_leaf_equals_oracle(shapes_engine, leaf, facts):
    expected = ALL_SHAPES.score_leaf(ALL_SHAPES.leaf(leaf), facts)
    card = shapes_engine.evaluate(department(facts))
    assert card[leaf].score == expected.score, f"{expected.status}, exact {expected.raw}"


@PROPERTY_SETTINGS
@given(facts=all_shapes_facts())
def test_all_shapes_invariants(shapes_engine, facts):
    card = shapes_engine.evaluate(department(facts))
    expected = ALL_SHAPES.evaluate(facts)
    assert card.complete
    weights = {leaf["name"]: Decimal(str(leaf["weight"])) for leaf in ALL_SHAPES.leaves}
    scores = {name: card[name].score for name in ALL_SHAPES_LEAVES}
    applicable = {name: s for name, s in scores.items() if s is not None}
    for name, score in applicable.items():
        assert 0 <= score <= weights[name], name
        assert score == score.quantize(Decimal("0.01")), name
    assert set(scores) - set(applicable) == ({"可持续影响"} if not facts["sustainability_applicable"] else set())
    leaf_sum = sum(applicable.values(), Decimal(0))
    applicable_weight = sum(weights[name] for name in applicable)
    pack_total = Decimal(str(ALL_SHAPES_PACK.get("total", 100)))
    if applicable_weight == pack_total:
        assert card.total == leaf_sum
    else:  # rescaled to the pack total over the applicable points (the pack's case: 76.72 × 100 ÷ 96)
        assert card.total == round_fraction(F(leaf_sum) * F(pack_total) / F(applicable_weight), 2, "half_up")
    assert card.total == expected.total
    assert card.grade == expected.grade == ALL_SHAPES.grade_for(card.total)

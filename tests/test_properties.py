"""Invariants over random valid departments: bounds, sums, monotonic bands."""

from __future__ import annotations

import copy
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao import Engine
from jixiao.numbers import exact, total
from jixiao.scorecard import NodeResult

money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
positive_money = st.decimals(
    min_value=Decimal("0.01"), max_value=100000, places=2, allow_nan=False, allow_infinity=False
)
heads = st.integers(min_value=0, max_value=500)
rate = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)

BOOLS = sorted(  # every yes/no fact of the pack: the checklists, vetoes and exemptions
    name for name, spec in Engine.from_rubric("shenzhen-yantian-2023").fact_model.specs.items() if spec.kind == "bool"
)


@st.composite
def departments(draw, base):
    facts = copy.deepcopy(base["facts"])
    for name in BOOLS:
        facts[name] = draw(st.booleans())
    facts.update(
        budget_noncompliance_count=draw(st.integers(0, 8)),
        target_noncompliance_count=draw(st.integers(0, 8)),
        procurement_plan=draw(positive_money),
        procurement_actual=draw(money),
        initial_budget=draw(positive_money),
        budget_adjustment=draw(money),
        budget_disclosure=draw(st.sampled_from(["compliant", "partial", "none"])),
        final_accounts_disclosure=draw(st.sampled_from(["compliant", "partial", "none"])),
        fixed_assets_total=draw(positive_money),
        authorized_posts=draw(st.integers(1, 500)),
        staffed_headcount=draw(heads),
        outsourced_staff=draw(heads),
        three_public_budget=draw(positive_money),
        three_public_actual=draw(money),
        office_expense_budget=draw(positive_money),
        office_expense_actual=draw(money),
        annual_budget=draw(positive_money),
        key_tasks_planned=draw(st.integers(0, 12)),
        projects_planned=draw(st.integers(0, 40)),
        effectiveness_score=draw(st.decimals(0, 25, places=2)),
        petitions_received=draw(st.integers(0, 5)),
        satisfaction_rate=draw(rate),
        petition_channel_established=draw(st.booleans()),
        petitions_all_replied=draw(st.booleans()),
        petitions_replied_on_time=draw(st.booleans()),
    )
    if facts["staffed_headcount"] + facts["outsourced_staff"] == 0:
        facts["staffed_headcount"] = 1
    facts["fixed_assets_in_use"] = draw(st.decimals(0, facts["fixed_assets_total"], places=2))
    facts["key_tasks_completed"] = draw(st.integers(0, facts["key_tasks_planned"]))
    facts["projects_on_time"] = draw(st.integers(0, facts["projects_planned"]))
    budget = facts[
        "annual_budget"
    ]  # cumulative spending never decreases and stays within the budget (the pack checks it)
    spent = sorted(draw(st.lists(st.decimals(0, budget, places=2), min_size=4, max_size=4)))
    for q, amount in zip(("spent_q1", "spent_q2", "spent_q3", "spent_q4"), spent):
        facts[q] = amount
    return {"department": {"id": "h", "name": "随机部门"}, "facts": facts}


def _check_sums(node):
    if isinstance(node, NodeResult):
        assert node.score == sum(c.score for c in node.children)
        for c in node.children:
            _check_sums(c)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_scores_within_weights_and_totals_are_sums(py_engine, reference_doc, data):
    card = py_engine.evaluate(data.draw(departments(reference_doc)))
    assert card.complete, [p.message for leaf in card.leaves() for p in leaf.problems]
    for leaf in card.leaves():
        assert 0 <= leaf.score <= leaf.weight, leaf.name
        assert leaf.score == leaf.score.quantize(Decimal("0.01"))
        explained = total(d.points for d in leaf.deductions)
        assert explained == exact(leaf.weight) - exact(leaf.raw_score), leaf.name  # every lost point explained, exactly
    for root in card.roots:
        _check_sums(root)
    assert card.total == sum(r.score for r in card.roots) == sum(leaf.score for leaf in card.leaves())
    assert card.grade == py_engine.pack.grade_for(card.total)


def _score(engine, doc, name, **facts):
    d = copy.deepcopy(doc)
    d["facts"].update(facts)
    return engine.evaluate(d)[name].score


MONOTONE = [
    # (indicator, fact, other facts, direction: +1 score rises with the fact, -1 falls)
    ("公众或服务对象满意度", "satisfaction_rate", {}, +1, rate),
    (
        "固定资产利用率",
        "fixed_assets_in_use",
        {"fixed_assets_total": Decimal(1000)},
        +1,
        st.decimals(0, 1000, places=2),
    ),
    ("编外人员控制率", "outsourced_staff", {"staffed_headcount": 37}, -1, heads),
    ("财政供养人员控制率", "staffed_headcount", {"authorized_posts": 44, "outsourced_staff": 0}, -1, heads),
    ("公用经费控制率", "three_public_actual", {"three_public_budget": Decimal(100)}, -1, st.decimals(0, 200, places=2)),
    ("财务合规性", "budget_adjustment", {"initial_budget": Decimal(1000)}, -1, st.decimals(0, 500, places=2)),
    ("政府采购执行情况", "procurement_actual", {"procurement_plan": Decimal(300)}, +1, st.decimals(0, 300, places=2)),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bands_are_monotonic(py_engine, reference_doc, data):
    for name, fact, fixed, direction, strategy in MONOTONE:
        a, b = sorted([data.draw(strategy), data.draw(strategy)])
        low, high = (
            _score(py_engine, reference_doc, name, **fixed, **{fact: a}),
            _score(py_engine, reference_doc, name, **fixed, **{fact: b}),
        )
        assert (high - low) * direction >= 0, (name, a, b, low, high)

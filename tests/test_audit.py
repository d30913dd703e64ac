"""复核: the findings of an audit against what the department claimed.

The reference facts carry the scores the department published; they audit clean. Every
other case changes one claim of that document and checks that exactly the right
findings appear, with reasons quoting the computation.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import Engine
from jixiao.audit import audit
from jixiao.audit.text import markdown, opinion, table


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_rubric("shenzhen-yantian-2023", rules="python")


@pytest.fixture
def doc(reference_doc) -> dict:
    return copy.deepcopy(reference_doc)


def kinds(result) -> list[tuple[str, str | None]]:
    return [(f.kind, f.code) for f in result.findings]


def test_the_reference_claims_audit_clean(engine, doc):
    result = audit(engine, doc)
    assert len(result.claims.scores) == 21 and result.claims.total == Decimal("94.91")
    assert result.findings == [] and result.problems == [] and result.agrees is True and result.complete
    assert result.to_dict()["claimed_total"] == result.to_dict()["computed_total"] == "94.91"
    assert "自评得分与复核得分一致" in opinion(result)[0]


def test_one_changed_leaf_is_named_with_the_broken_total(engine, doc):
    doc["claimed"]["scores"]["编外人员控制率"] = 1
    result = audit(engine, doc)
    assert kinds(result) == [("score", "2.4.2"), ("arithmetic", "total")]
    leaf, total = result.findings
    assert (leaf.claimed, leaf.computed, leaf.difference) == (Decimal(1), Decimal(0), Decimal(1))
    assert "30.2%" in leaf.reason and "扣1分" in leaf.reason  # quotes the computation
    assert total.computed == Decimal("95.91") and total.difference == Decimal("-1.00")
    assert "所填各指标得分合计95.91分" in total.reason and "与所填总分94.91分不符" in total.reason
    assert result.agrees is False


def test_a_wrong_total_alone(engine, doc):
    doc["claimed"]["total"] = "94.92"
    result = audit(engine, doc)
    assert kinds(result) == [("score", "total"), ("arithmetic", "total")]
    assert result.findings[0].difference == Decimal("0.01")


def test_a_rounded_claim_is_a_difference_and_says_how_it_arose(engine, doc):
    doc["claimed"]["scores"]["预算执行率"] = 5.99
    doc["claimed"]["total"] = 94.92
    result = audit(engine, doc)
    assert kinds(result) == [("score", "3.2.1"), ("score", "total")]
    assert "5.986607四舍五入后相同" in result.findings[0].reason


def test_groups_are_checked_against_the_computation_and_against_the_claimed_parts(engine, doc):
    doc["claimed"]["scores"].update({"部门决策": 18, "1.1": 10, "目标设置": 9})
    result = audit(engine, doc)
    assert kinds(result) == [("arithmetic", "1"), ("score", "1.2"), ("arithmetic", "1.2")]
    parts, score, sums = result.findings
    assert parts.computed == Decimal(19) and "预算编制10＋目标设置9" in parts.reason
    assert "绩效目标完整性5" in score.reason and "绩效指标明确性3" in score.reason
    assert sums.computed == Decimal(8) and "与所填9分不符" in sums.reason
    # the 一级 subtotal 18 agrees with the computation and, once 1.2 is claimed right, with its claimed parts
    doc["claimed"]["scores"]["目标设置"] = 8
    assert audit(engine, doc).findings == []


def test_a_claimed_grade_is_checked_against_the_claimed_total_and_the_computed_one(engine, doc):
    doc["claimed"]["grade"] = "良"
    result = audit(engine, doc)
    assert kinds(result) == [("arithmetic", "grade"), ("score", "grade")]
    assert "按评分体系应为“优”" in result.findings[0].reason


def test_a_claim_over_the_weight(engine, doc):
    doc["claimed"]["scores"]["固定资产利用率"] = 2
    doc["claimed"]["total"] = 95.91
    result = audit(engine, doc)
    assert ("arithmetic", "2.3.2") in kinds(result) and "超出该指标分值0～1分" in result.findings[1].reason


def test_a_name_two_indicators_share_is_refused_not_guessed(engine, doc):
    doc["claimed"]["scores"]["项目管理"] = 2
    result = audit(engine, doc)
    [problem] = result.problems
    assert (
        problem.code == "CLAIM_AMBIGUOUS" and "2.2 项目管理" in problem.message and "2.2.2 项目管理" in problem.message
    )
    assert not result.complete


def test_an_unknown_indicator_is_a_finding_and_is_not_mapped_onto_a_similar_one(engine, doc):
    doc["claimed"]["scores"]["编外人员控制"] = 1
    result = audit(engine, doc)
    assert kinds(result) == [("unknown", None)]
    assert "编外人员控制率" in result.findings[0].reason and "未按相近名称复核" in result.findings[0].reason


def test_the_same_indicator_claimed_twice_is_refused(engine, doc):
    doc["claimed"]["scores"]["2.4.2"] = 1
    result = audit(engine, doc)
    assert [p.code for p in result.problems] == ["CLAIM_DUPLICATE"]
    assert "2.4.2" not in result.claims.by_code()


@pytest.mark.parametrize(
    ("value", "code"), [("5,98", "FACT_FORMAT"), ("98%", "FACT_FORMAT"), ("abc", "FACT_TYPE"), (True, "FACT_TYPE")]
)
def test_a_claim_that_is_not_a_number_is_refused(engine, doc, value, code):
    doc["claimed"]["scores"]["预算执行率"] = value
    result = audit(engine, doc)
    [problem] = result.problems
    assert problem.code == code and problem.field == "claimed.scores.预算执行率"
    assert "3.2.1" not in result.claims.by_code() and not result.complete


@pytest.mark.parametrize("claimed", [["a"], {"score": {}}, {"grade": "优秀"}])
def test_a_malformed_claimed_block(engine, doc, claimed):
    doc["claimed"] = claimed
    result = audit(engine, doc)
    assert [p.code for p in result.problems] == ["CLAIM_FORMAT"]


def test_a_leaf_that_cannot_be_scored_cannot_be_audited(engine, doc):
    del doc["facts"]["satisfaction_rate"]
    result = audit(engine, doc)
    assert kinds(result) == [("not_evaluable", "3.4.2"), ("not_evaluable", "total")]
    assert "satisfaction_rate" in result.findings[0].reason
    assert not result.complete and result.to_dict()["computed_total"] is None


def test_a_document_without_claims(engine, doc):
    del doc["claimed"]
    result = audit(engine, doc)
    assert result.agrees is None and result.findings == []
    assert "未填写自评得分" in opinion(result)[0]


def test_inconsistent_facts_are_findings(engine, doc):
    doc["facts"]["spent_q4"] = "3400"  # more than the annual budget: the pack warns
    result = audit(engine, doc)
    assert "consistency" in [k for k, _ in kinds(result)]


def test_the_audit_table_and_markdown(engine, doc):
    doc["claimed"]["scores"]["编外人员控制率"] = 1
    result = audit(engine, doc)
    text = table(result)
    assert "自评得分" in text and "复核得分" in text and "+1" in text and "复核意见" in text
    md = markdown(result)
    assert "| 说明 |" in md and "得分不符：自评1分，复核0分" in md and "## 复核意见" in md


def test_the_json_shape(engine, doc):
    out = audit(engine, doc).to_dict()
    assert {"department", "rubric", "claimed_total", "computed_total", "agrees", "findings"} <= out.keys()


LEAF_CODES = [
    "1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.1.1", "2.1.2", "2.1.3", "2.2.1", "2.2.2", "2.3.1", "2.3.2",
    "2.4.1", "2.4.2", "2.5.1", "3.1.1", "3.2.1", "3.2.2", "3.2.3", "3.3.1", "3.4.1", "3.4.2",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(LEAF_CODES), st.decimals("-0.5", "0.5", places=2), max_size=5))
def test_findings_name_exactly_the_changed_leaves(engine, reference_doc, changes):
    doc = copy.deepcopy(reference_doc)
    card = engine.evaluate(doc)
    scores = {code: card[code].score + changes.get(code, 0) for code in LEAF_CODES}
    doc["claimed"] = {"scores": scores, "total": card.total}
    result = audit(engine, doc)
    changed = {code for code, delta in changes.items() if delta != 0}
    assert {f.code for f in result.findings if f.kind == "score"} == changed
    for f in result.findings:
        if f.kind == "score":
            assert f.difference == changes[f.code]
    out_of_range = {c for c in changed if not 0 <= card[c].score + changes[c] <= card[c].weight}
    assert {f.code for f in result.findings if f.kind == "arithmetic" and f.code != "total"} == out_of_range
    assert (("arithmetic", "total") in kinds(result)) == (sum(changes.values()) != 0)

"""Forms as published: a real 项目支出绩效自评表 (tests/published/), scored and audited as the form reads.

The 池州市贵池区棠溪镇 委托业务项目 form (2022) prints its 年度资金总额 row as 0/0/0 under a
其中：本年财政拨款 row of 90/89.974/89.974, and writes half its rows in words (效果明显 /
达成预期指标). The copy available stops at 满意度指标, which is therefore not scored here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import Engine

FORM = Path(__file__).parent / "published" / "chizhou-2022-commission.yaml"


@pytest.fixture(scope="module", params=["python", "durable"])
def mof(request) -> Engine:
    return Engine.from_rubric("mof-project-2020", rules=request.param)


def test_every_row_scores_as_the_form_prints_it(mof):
    card = mof.evaluate(FORM)
    printed = {"2.1": [8, 8, 8, 8, 8, 10], "3.1": [10, 10, 10]}
    for code, scores in printed.items():
        assert [r["score"] for r in card[code].rows] == scores
        assert card[code].score == sum(scores)


def test_the_words_mean_what_the_pack_says(mof):
    rows = mof.evaluate(FORM)["3.1"].rows
    assert {(r["target_text"], r["actual_text"], r["level"]) for r in rows} == {("效果明显", "达成预期指标", "达成")}


def test_the_contradicting_budget_rows_are_flagged_not_scored(mof):
    leaf = mof.evaluate(FORM)["预算执行率"]
    assert leaf.status == "not_evaluable"
    assert sum(p.code == "FACT_INCONSISTENT" for p in leaf.problems) == 2
    assert any("89.974万元" in p.message and "0万元" in p.message for p in leaf.problems)


def test_the_audit_agrees_with_the_form_where_the_facts_allow_and_says_where_they_do_not(mof):
    audit = mof.audit(FORM)
    kinds = [(f.kind, f.code) for f in audit.findings]
    assert ("not_evaluable", "1.1") in kinds and kinds.count(("consistency", None)) == 2
    assert not [f for f in audit.findings if f.code in ("2.1", "3.1")]  # 50 and 30, as the form adds them
    assert audit.card["2.1"].score == Decimal(50) and audit.card["3.1"].score == Decimal(30)

"""Failing plugins are contained; broadcast hooks see every leaf and every scorecard."""

from __future__ import annotations

import logging
from decimal import Decimal

from jixiao import Deduction, Engine, hookimpl
from jixiao.plugins.shapes import Bands


class Exploding(Bands):
    jixiao_replaces = True

    def evaluate(self, leaf, configured, ctx):
        raise RuntimeError("数据源不可用")


class CapAndCollect:
    """Caps 效果性 at 20 (a district rule) and collects every scorecard."""

    name = "cap-and-collect"

    def __init__(self):
        self.cards, self.leaves = [], []

    @hookimpl
    def jixiao_indicator_scored(self, leaf, result, department_id):
        self.leaves.append((department_id, leaf.code))
        if leaf.name.startswith("社会效益") and result.score is not None and result.score > 20:
            result.deductions.append(Deduction(result.score - 20, "区定上限20分", "按区定规则，效果性得分不超过20分"))
            result.score = Decimal(20)

    @hookimpl
    def jixiao_scorecard_built(self, scorecard):
        self.cards.append(scorecard)


def test_a_raising_plugin_marks_only_its_leaf(reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023", plugins=[Exploding("satisfaction")], rules="python")
    card = engine.evaluate(reference_doc)
    leaf = card["公众或服务对象满意度"]
    assert leaf.status == "error" and leaf.score is None
    assert leaf.problems[0].code == "PLUGIN_FAILED" and "数据源不可用" in leaf.problems[0].message
    assert card.total == Decimal("88.91") and not card.complete and card.grade is None
    assert sum(1 for leaf in card.leaves() if leaf.status == "scored") == 20


def test_broadcast_hooks_cap_and_collect(reference_doc):
    plugin = CapAndCollect()
    engine = Engine.from_rubric("shenzhen-yantian-2023", plugins=[plugin], rules="python")
    card = engine.evaluate(reference_doc)
    assert card["社会效益、经济效益、生态效益及可持续影响等"].score == Decimal(20)
    assert card.total == Decimal("89.91") and card.grade == "良"
    assert plugin.cards == [card] and len(plugin.leaves) == 21


def test_audit_log_one_event_per_indicator(reference_doc, caplog):
    engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    with caplog.at_level(logging.INFO, logger="jixiao.audit"):
        engine.evaluate(reference_doc)
    events = [r.getMessage() for r in caplog.records if '"indicator_scored"' in r.getMessage()]
    assert len(events) == 21
    assert any(
        '"indicator": "2.4.2"' in e and '"score": "0"' in e and '"pack": "shenzhen-yantian-2023"' in e for e in events
    )


class Misbehaving(Bands):
    """Returns what a careless plugin might: a float, None, NaN, a score outside Outcome, or exits."""

    jixiao_replaces = True

    def __init__(self, name, what):
        super().__init__(name)
        self.what = what

    def evaluate(self, leaf, configured, ctx):
        import sys

        from jixiao import Outcome

        if self.what == "exit":
            sys.exit(0)
        if self.what == "none":
            return None
        return Outcome({"float": 5.5, "nan": Decimal("NaN"), "str": "6"}[self.what])


import pytest  # noqa: E402


@pytest.mark.parametrize("what", ["exit", "none", "float", "nan", "str"])
def test_a_misbehaving_plugin_loses_its_indicator_not_the_department(reference_doc, what):
    engine = Engine.from_rubric("shenzhen-yantian-2023", plugins=[Misbehaving("satisfaction", what)], rules="python")
    card = engine.evaluate(reference_doc)
    leaf = card["公众或服务对象满意度"]
    assert leaf.status == "error" and leaf.problems[0].code == "PLUGIN_FAILED" and leaf.score is None
    assert sum(1 for other in card.leaves() if other.status == "scored") == 20
    assert not card.complete and card.total == Decimal("88.91")

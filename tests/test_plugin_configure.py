"""A configure hook that returns something other than a ``Configured`` loses its indicator, not the department."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao import Engine, Outcome
from jixiao.plugins.shapes import Bands


class ForgetsToReturn(Bands):
    """Configures without returning (or returns a dict), and scores without reading its configuration."""

    jixiao_replaces = True

    def __init__(self, name, returned):
        super().__init__(name)
        self.returned = returned

    def configure(self, leaf):
        super().configure(leaf)
        return self.returned

    def evaluate(self, leaf, configured, ctx):
        return Outcome(Decimal(5))


@pytest.mark.parametrize("returned", [None, {"facts": {}}])
def test_a_configure_hook_without_a_configured_marks_only_its_leaf(reference_doc, returned):
    engine = Engine.from_rubric(
        "shenzhen-yantian-2023", plugins=[ForgetsToReturn("satisfaction", returned)], rules="python"
    )
    card = engine.evaluate(reference_doc)
    leaf = card["公众或服务对象满意度"]
    assert leaf.status == "error" and leaf.score is None
    assert leaf.problems[0].code == "PLUGIN_FAILED" and "应返回 Configured" in leaf.problems[0].message
    assert sum(1 for other in card.leaves() if other.status == "scored") == 20
    assert not card.complete and card.total == Decimal("88.91")

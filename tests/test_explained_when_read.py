"""Explanations on demand: a built-in shape written in two steps is computed when the department is
scored and explained when its texts are first read — and the scorecard read is, byte for byte, the one
the shape's ``evaluate`` gives at once. A wrapper, a tracer, a plugin from outside jixiao or a reason to
check takes the one-step path."""

from __future__ import annotations

import copy
import dataclasses
import decimal
import json
import pickle
import threading
import time
import types
from decimal import localcontext
from fractions import Fraction
from pathlib import Path

import pytest
import test_alternatives
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import synth

from jixiao import Engine, hookimpl
from jixiao.batch.worker import compact
from jixiao.facts import FactSpec
from jixiao.implementation import Implementation
from jixiao.leaf_scoring import Later
from jixiao.plugins.shapes.progress import Period, ProgressState, progress_steps, score_in_integers
from jixiao.scorecard import ExplainedWhenRead, LeafResult
from jixiao.shapes.base import Shape

ROOT = Path(__file__).resolve().parent.parent
ALL_SHAPES = ROOT / "tests" / "packs" / "all-shapes"
TWO_STEP_SHAPES = (
    "alternatives",
    "bands",
    "checklist",
    "judgement",
    "levels",
    "over_threshold",
    "parts",
    "per_occurrence",
    "progress",
    "qualitative",
    "ratio",
    "target",
    "target_list",
    "under_target",
)  # every built-in shape


def case_documents(pack_dir: Path) -> list[dict]:
    docs = []
    for path in sorted((pack_dir / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            if "facts" in case:
                docs.append({"department": {"id": "case", "name": case["name"]}, "facts": case["facts"]})
            else:
                docs.append(path.parent / case["facts_file"])
    return docs


def either_way(folder: Path) -> Path:
    """A pack whose leaf is scored by one of two rules, the department choosing (``alternatives``)."""
    (folder / "pack.yaml").write_text(test_alternatives.PACK, encoding="utf-8")
    return folder


def corpus(pack: str) -> list:
    if pack == "either-way":
        rate = {"staff_rule": "banded"}
        return [
            {"department": {"id": "d", "name": "测试部门"}, "facts": facts}
            for facts in (
                {"staff_rule": "proportional", "staff_actual": 44, "staff_quota": 40},
                {"staff_rule": "proportional", "staff_actual": 40, "staff_quota": 44},
                *({**rate, "staff_rate": r} for r in ("100%", "105%", "120%")),
            )
        ]
    if pack == "all-shapes":
        return case_documents(ALL_SHAPES)
    if pack == "mof-project-2020":
        return [ROOT / "examples" / "mof-project" / "facts.yaml"]
    return [ROOT / "examples" / "yantian-2023" / "facts.yaml", *synth.departments(11, 200)]


def dumped(card) -> str:
    return json.dumps(card.to_dict(), ensure_ascii=False, sort_keys=True)


def one_step(monkeypatch) -> None:
    """Every leaf explained as it is scored, as before two steps."""
    monkeypatch.setattr(Implementation, "two_steps", lambda self: None)


def engine_for(pack: str, folder: Path) -> Engine:
    return Engine.from_rubric({"all-shapes": ALL_SHAPES, "either-way": either_way(folder)}.get(pack, pack))


@pytest.mark.parametrize(
    "pack", ["shenzhen-yantian-2023", "example-district-2023", "mof-project-2020", "all-shapes", "either-way"]
)
def test_texts_made_when_read_are_the_texts_made_at_once(pack, monkeypatch, tmp_path):
    engine = engine_for(pack, tmp_path)
    docs = corpus(pack)
    later = [engine.evaluate(doc) for doc in docs]
    assert any(isinstance(leaf, ExplainedWhenRead) for card in later for leaf in card.leaves())
    read_later = [dumped(card) for card in later]
    one_step(monkeypatch)
    at_once = [engine.evaluate(doc) for doc in docs]
    assert not any(isinstance(leaf, ExplainedWhenRead) for card in at_once for leaf in card.leaves())
    assert read_later == [dumped(card) for card in at_once]
    assert [card.roots for card in later] == [card.roots for card in at_once]  # equal as results, too


def test_every_built_in_shape_is_taken_in_two_steps(tmp_path):
    def implementations(b):
        yield b.implementation
        state = b.configured.state
        parts = state if isinstance(state, tuple) else getattr(state, "options", {}).values()
        yield from (getattr(p, "implementation", None) for p in parts)

    packs = ("all-shapes", "either-way", "shenzhen-yantian-2023", "mof-project-2020")
    taken = {
        type(i.plugin).kind: i.two_steps() is not None
        for engine in (engine_for(pack, tmp_path) for pack in packs)
        for b in engine.bindings
        for i in implementations(b)
        if i is not None
    }
    assert {kind for kind, two in taken.items() if two} == set(TWO_STEP_SHAPES)


def test_scores_alone_make_no_text(reference_doc, monkeypatch):
    engine = Engine.from_rubric("shenzhen-yantian-2023")
    explained: list[str] = []
    for shape in {type(b.implementation.plugin) for b in engine.bindings}:
        if shape.explain is not Shape.explain:
            original = shape.explain

            def counted(self, leaf, configured, ctx, computed, original=original):
                explained.append(leaf.code)
                return original(self, leaf, configured, ctx, computed)

            monkeypatch.setattr(shape, "explain", counted)
    card = engine.evaluate(reference_doc)
    line = compact(card)
    assert line["total"] == "94.91" and not explained
    assert engine.audit(reference_doc).agrees and not explained  # 复核 of claims that agree: no text either
    leaf = next(r for r in card.leaves() if isinstance(r, ExplainedWhenRead) and r.score < r.weight)
    assert leaf.deductions and explained == [leaf.code]
    assert leaf.inputs and leaf.intermediates is not None and leaf.deductions
    assert explained == [leaf.code]  # made once


def test_texts_are_the_same_whatever_the_readers_decimal_context(monkeypatch):
    """Read under a 3-digit context that traps any rounding, the texts are still exact, rates at the
    pack's places."""
    engine = Engine.from_rubric(ALL_SHAPES)
    doc = case_documents(ALL_SHAPES)[0]
    with localcontext() as hostile:
        hostile.prec, hostile.Emax, hostile.rounding = 3, 3, decimal.ROUND_DOWN
        hostile.traps[decimal.Inexact] = hostile.traps[decimal.Rounded] = True
        later = dumped(engine.evaluate(doc))
    one_step(monkeypatch)
    assert later == dumped(engine.evaluate(doc))
    assert "99.27%" in later


def test_texts_a_plugin_replaces_are_not_overwritten_when_read(reference_doc):
    """A ``jixiao_indicator_scored`` plugin may replace a leaf's deductions before anyone read them."""

    class Forgiving:
        name = "forgiving"

        @hookimpl
        def jixiao_indicator_scored(self, leaf, result, department_id):
            if result.score is not None and result.score < result.weight:
                result.deductions = []
                result.inputs.append("附注")

    engine = Engine.from_rubric("shenzhen-yantian-2023", plugins=[Forgiving()])
    card = engine.evaluate(reference_doc)
    lost = [leaf for leaf in card.leaves() if leaf.score is not None and leaf.score < leaf.weight]
    assert lost and all(leaf.deductions == [] and leaf.inputs[-1] == "附注" for leaf in lost)
    assert any(isinstance(leaf, ExplainedWhenRead) for leaf in lost)


def test_copied_or_pickled_it_is_a_plain_leaf_result(reference_doc):
    card = Engine.from_rubric("shenzhen-yantian-2023").evaluate(reference_doc)
    leaf = next(r for r in card.leaves() if isinstance(r, ExplainedWhenRead))
    assert all(
        getattr(leaf, f.name) is not None or f.name == "applicable_weight" for f in dataclasses.fields(LeafResult)
    )
    expected = dumped(card)
    for other in (copy.deepcopy(card), pickle.loads(pickle.dumps(card))):
        assert {type(leaf) for leaf in other.leaves()} == {LeafResult}
        assert dumped(other) == expected


def test_a_wrapper_sees_every_evaluation_and_gets_texts_at_once(reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023")
    seen: list[int] = []

    @hookimpl(wrapper=True)
    def jixiao_indicator_evaluate(leaf, configured, ctx):
        outcome = yield
        seen.append(len(outcome.deductions))
        return outcome

    module = types.ModuleType("counting_wrapper")
    module.jixiao_indicator_evaluate = jixiao_indicator_evaluate  # type: ignore[attr-defined]
    engine.registry.pm.register(module, name="counting-wrapper")
    card = engine.evaluate(reference_doc)
    assert not any(isinstance(leaf, ExplainedWhenRead) for leaf in card.leaves())
    assert len(seen) >= 20
    engine.registry.pm.unregister(name="counting-wrapper")
    assert any(isinstance(leaf, ExplainedWhenRead) for leaf in engine.evaluate(reference_doc).leaves())


def test_a_shape_from_outside_jixiao_is_explained_at_once(reference_doc):
    """Its ``explain`` is not jixiao's to vouch for: a failure there must end its leaf, not a later read."""
    from jixiao.plugins.shapes import Bands

    district = Bands("satisfaction", "公众或服务对象满意度（区里的）")
    district.jixiao_replaces = True  # type: ignore[attr-defined]
    engine = Engine.from_rubric("shenzhen-yantian-2023", plugins=[district])
    assert engine.registry.info["satisfaction"].builtin is False
    card = engine.evaluate(reference_doc)
    leaf = card["公众或服务对象满意度"]
    assert type(leaf) is LeafResult


def test_a_subclass_that_changes_evaluate_is_not_split():
    from jixiao.plugins.shapes import Bands

    class Louder(Bands):
        def evaluate(self, leaf, configured, ctx):
            return super().evaluate(leaf, configured, ctx)

    assert Bands("x").two_steps() is not None
    assert Louder("x").two_steps() is None


amounts = st.decimals(min_value=-1000, max_value=100000, places=4, allow_nan=False, allow_infinity=False)
fractions_above_zero = st.fractions(min_value=Fraction(1, 1000), max_value=3, max_denominator=1000)


@settings(max_examples=300, deadline=None)
@given(
    budget=amounts.filter(bool),
    spent=st.lists(st.one_of(amounts, st.integers(-10, 10**6)), min_size=1, max_size=5),
    cap=fractions_above_zero,
    average_points=st.one_of(st.just(Fraction(0)), fractions_above_zero),
    data=st.data(),
)
def test_progress_scores_in_integers_what_its_steps_add_up_to(budget, spent, cap, average_points, data):
    """The score is computed without a fraction per step; its texts' steps must add up to the same
    fraction, whatever the signs, caps, schedules and points."""
    periods = tuple(
        Period(
            f"q{i}",
            f"第{i}期",
            str,
            data.draw(fractions_above_zero),
            data.draw(fractions_above_zero),
            "",
            "",
            "",
            "",
            "",
            "",
        )
        for i in range(len(spent))
    )
    state = ProgressState(FactSpec("budget", "money", "预算"), periods, cap, average_points, "avg")
    facts = {"budget": budget, **{f"q{i}": value for i, value in enumerate(spent)}}
    expected = progress_steps(state, facts, None).score
    got = score_in_integers(state, facts)
    assert got == expected and type(got) is type(expected) is Fraction


def test_threads_reading_one_scorecard_at_once_all_get_its_texts(reference_doc, monkeypatch):
    engine = Engine.from_rubric("shenzhen-yantian-2023")
    card = engine.evaluate(reference_doc)
    expected = dumped(engine.evaluate(reference_doc))
    barrier = threading.Barrier(4)
    original = Later.__call__

    def slow(self):
        outcome = original(self)
        time.sleep(0.001)  # every thread inside at once
        return outcome

    monkeypatch.setattr(Later, "__call__", slow)
    results: list[str] = []

    def read() -> None:
        barrier.wait()
        results.append(dumped(card))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
    leaf = next(r for r in card.leaves() if isinstance(r, ExplainedWhenRead))
    made = leaf.deductions
    leaf._explain()  # what a thread that saw the texts unmade a moment ago does: nothing
    assert leaf.deductions is made

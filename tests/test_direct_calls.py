"""Direct calls when nothing observes: the same scorecards as through pluggy, and pluggy again the moment
a wrapper or a monitor appears — also one added after the engine was built."""

from __future__ import annotations

import dataclasses
import types
from pathlib import Path

import pytest
from oracle import synth

from jixiao import Engine, hookimpl

ROOT = Path(__file__).resolve().parent.parent
PACKS = ["shenzhen-yantian-2023", "example-district-2023", "mof-project-2020"]


def through_pluggy(engine: Engine):
    """The engine with every per-leaf hook sent through its pluggy caller, as before direct calls."""

    def caller(hook):
        if hook is None:
            return None
        return lambda leaf, configured, ctx: hook.caller(leaf=leaf, configured=configured, ctx=ctx)

    saved = [(b, b.implementation) for b in engine.bindings]
    for b, impl in saved:
        if impl is not None:
            b.implementation = dataclasses.replace(
                impl, evaluate_hook=caller(impl.evaluate_hook), rule_inputs_hook=caller(impl.rule_inputs_hook)
            )
    return lambda: [setattr(b, "implementation", impl) for b, impl in saved]


def direct_hooks(engine: Engine) -> list:
    return [b.implementation.evaluate_hook for b in engine.bindings if b.implementation is not None]


@pytest.mark.parametrize("pack", PACKS)
def test_direct_calls_give_the_scorecards_pluggy_gives(pack, reference_doc):
    engine = Engine.from_rubric(pack)
    docs = (
        [reference_doc, *synth.departments(7, 300)]
        if pack != "mof-project-2020"
        else [ROOT / "examples" / "mof-project" / "facts.yaml"]
    )
    direct = [engine.evaluate(doc).to_dict() for doc in docs]
    assert all(h.direct is not None for h in direct_hooks(engine))  # nothing observes: no pluggy on the way
    undo = through_pluggy(engine)
    try:
        assert [engine.evaluate(doc).to_dict() for doc in docs] == direct
    finally:
        undo()


def test_a_wrapper_registered_after_the_engine_was_built_wraps_the_next_call(reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023")
    engine.evaluate(reference_doc)
    seen: list[str] = []

    @hookimpl(wrapper=True)
    def jixiao_indicator_evaluate(leaf, configured, ctx):
        outcome = yield
        seen.append(leaf.code)
        return outcome

    module = types.ModuleType("late_wrapper")
    module.jixiao_indicator_evaluate = jixiao_indicator_evaluate  # type: ignore[attr-defined]
    engine.registry.pm.register(module, name="late-wrapper")
    card = engine.evaluate(reference_doc)
    assert "2.4.2" in seen and card.total == engine.evaluate(reference_doc).total
    assert all(h.direct is None for h in direct_hooks(engine))
    engine.registry.pm.unregister(name="late-wrapper")
    seen.clear()
    engine.evaluate(reference_doc)
    called = [h for h in direct_hooks(engine) if h.seen == engine.registry.pm.generation]
    assert not seen and called and all(h.direct is not None for h in called)


def test_tracing_enabled_later_sees_every_call_until_it_is_undone(reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023")
    engine.evaluate(reference_doc)
    lines: list[str] = []
    engine.registry.pm.trace.root.setwriter(lines.append)
    undo = engine.registry.pm.enable_tracing()
    engine.evaluate(reference_doc)
    traced = sum("jixiao_indicator_evaluate" in line for line in lines)
    assert traced >= len([b for b in engine.bindings if not b.leaf.exemptions])
    undo()
    lines.clear()
    engine.evaluate(reference_doc)
    assert not any("jixiao_indicator_evaluate" in line for line in lines)

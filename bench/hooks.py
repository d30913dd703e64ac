"""What calling each indicator through pluggy costs, as a ratio in one process.

    python bench/hooks.py [--n 3000] [--rounds 5]

A leaf's per-department hooks (rule inputs, evaluate) go through a pluggy ``HookCaller``
whenever a wrapper or a monitor could see them, and straight to the plugin's function
when nothing would (``core/implementation.py``). This script scores the same departments
three ways, alternating them for ``--rounds`` rounds and keeping each one's best: forced
through the pluggy callers (texts made at once, as when a wrapper watches); direct calls,
texts still made at once (``Implementation.two_steps`` switched off); and the engine as it
runs, direct calls with built-in shapes computed now and explained when read (nothing
reads the texts here). It also counts the hook calls of one department with pluggy's own
call monitoring (which, being a monitor, sends them through pluggy).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import synth

from jixiao import Engine
from jixiao.implementation import Implementation

RUBRIC = "shenzhen-yantian-2023"


def through_pluggy(hook: Any | None) -> Any | None:
    """The leaf's hook always called through its pluggy caller, as it was before direct calls."""
    if hook is None:
        return None
    caller = hook.caller
    return lambda leaf, configured, ctx: caller(leaf=leaf, configured=configured, ctx=ctx)


def force_pluggy(engine: Engine) -> Callable[[], None]:
    """Point every binding at its pluggy callers; returns the undo."""
    saved = [(b, b.implementation) for b in engine.bindings]
    for b, impl in saved:
        if impl is not None:
            b.implementation = dataclasses.replace(
                impl,
                evaluate_hook=through_pluggy(impl.evaluate_hook),
                rule_inputs_hook=through_pluggy(impl.rule_inputs_hook),
            )

    def undo() -> None:
        for b, impl in saved:
            b.implementation = impl

    return undo


def seconds(engine: Engine, docs: list[dict]) -> float:
    gc.collect()
    start = time.perf_counter()
    for doc in docs:
        engine.evaluate(doc)
    return time.perf_counter() - start


def hook_calls(engine: Engine, doc: dict) -> Counter:
    calls: Counter = Counter()
    undo = engine.registry.pm.add_hookcall_monitoring(lambda name, impls, kwargs: calls.update([name]), lambda *a: None)
    try:
        engine.evaluate(doc)
    finally:
        undo()
    return calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    engine = Engine.from_rubric(RUBRIC, rules="python")
    docs = list(synth.generate(a.n, a.seed))
    through = one_step = plain = float("inf")
    offered = Implementation.two_steps
    for _ in range(a.rounds):
        plain = min(plain, seconds(engine, docs))  # as the engine runs
        Implementation.two_steps = lambda self: None  # type: ignore[method-assign]
        try:
            one_step = min(one_step, seconds(engine, docs))
            undo = force_pluggy(engine)
            try:
                through = min(through, seconds(engine, docs))
            finally:
                undo()
        finally:
            Implementation.two_steps = offered  # type: ignore[method-assign]
    calls = hook_calls(engine, docs[0])
    per = lambda s: s / len(docs) * 1e6
    print(f"{RUBRIC}, {len(docs)} departments, rules=python, best of {a.rounds} alternating rounds")
    print(f"  hook calls per department: {sum(calls.values())} ({', '.join(f'{k} {v}' for k, v in calls.items())})")
    print(f"  per-leaf calls through pluggy, texts at once   {per(through):7.1f} µs/department")
    print(f"  direct calls, texts at once                    {per(one_step):7.1f} µs/department")
    print(f"  direct calls, texts when read (as it runs)     {per(plain):7.1f} µs/department")
    print(
        f"  saved by direct calls: {per(through) - per(one_step):.1f} µs/department (× {through / one_step:.3f}); "
        f"by texts on demand: {per(one_step) - per(plain):.1f} µs/department (× {one_step / plain:.3f})"
    )


if __name__ == "__main__":
    main()

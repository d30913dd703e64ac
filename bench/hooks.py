"""What calling each indicator through pluggy costs, as a ratio in one process.

    python bench/hooks.py [--n 3000] [--rounds 5]

Every per-leaf call (rule inputs, evaluate) goes through a pluggy ``HookCaller`` so that
wrappers, tracing and ``check_pending`` work. This script scores the same departments with
the engine as it is and with the same engine whose per-leaf callers are replaced by the one
plain function each would end up calling (what the engine did before the calls went through
pluggy), alternating the two for ``--rounds`` rounds and keeping each one's best. It also
counts the hook calls of one department with pluggy's own call monitoring.
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

RUBRIC = "shenzhen-yantian-2023"


def direct(caller: Any | None) -> Any | None:
    """The plain function a leaf's ``HookCaller`` ends up calling, when no wrapper is in the way."""
    if caller is None:
        return None
    impls = caller.get_hookimpls()
    assert len(impls) == 1 and not impls[0].wrapper, "a wrapper is registered: nothing to compare against"
    function = impls[0].function
    return lambda **kwargs: function(**kwargs)


def bypass(engine: Engine) -> Callable[[], None]:
    """Point every binding at direct functions; returns the undo."""
    saved = [(b, b.implementation) for b in engine.bindings]
    for b, impl in saved:
        if impl is not None:
            b.implementation = dataclasses.replace(
                impl, evaluate_hook=direct(impl.evaluate_hook), rule_inputs_hook=direct(impl.rule_inputs_hook)
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
    through, plain = float("inf"), float("inf")
    for _ in range(a.rounds):
        through = min(through, seconds(engine, docs))
        undo = bypass(engine)
        try:
            plain = min(plain, seconds(engine, docs))
        finally:
            undo()
    calls = hook_calls(engine, docs[0])
    per = lambda s: s / len(docs) * 1e6
    print(f"{RUBRIC}, {len(docs)} departments, rules=python, best of {a.rounds} alternating rounds")
    print(f"  hook calls per department: {sum(calls.values())} ({', '.join(f'{k} {v}' for k, v in calls.items())})")
    print(f"  per-leaf calls through pluggy   {per(through):7.1f} µs/department")
    print(f"  per-leaf calls made directly    {per(plain):7.1f} µs/department")
    print(
        f"  pluggy's share: {per(through) - per(plain):.1f} µs/department, "
        f"{(through - plain) / through:.1%} of the engine's time (× {through / plain:.3f})"
    )


if __name__ == "__main__":
    main()

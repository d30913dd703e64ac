"""Where one ``engine.evaluate`` spends its time, by stage, measured directly (no profiler).

    python bench/breakdown.py [--n 3000] [--rules python|durable]

Why: cProfile triples the run time and charges its overhead to small Python
functions, so its percentages overstate formatting helpers; pyinstrument samples but
still slows the run. This script times each stage on its own with perf_counter
instead, to say how many microseconds per department a change to that stage could
save. It reaches into engine internals (bindings and what they call, ``_subtotals``,
``fact_model``), which is fine for a diagnostic and why it is not part of run.py.
Built-in shapes are computed when scored and explained when read (``ExplainedWhenRead``):
the compute step is timed as a stage, and the last line times reading every text of each
scorecard just after it is scored — what ``--format json`` or a batch with ``--explain`` adds.
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


def per_department(fn: Callable[[], Any], n: int, repeats: int = 3) -> float:
    """Best of ``repeats`` runs of ``fn`` (which handles all n departments), in µs per department."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / n * 1e6


def stages(engine: Engine, depts: list) -> Counter:
    """Seconds spent in each stage of ``Engine.score`` over ``depts``, by wrapping the callables it uses."""
    spent: Counter = Counter()

    def wrap(stage: str, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - start

        return timed

    saved = [(b, b.implementation) for b in engine.bindings]
    for b in engine.bindings:
        impl = b.implementation
        if impl is not None:
            steps = impl.two_steps()
            b.implementation = dataclasses.replace(
                impl,
                evaluate_hook=wrap("indicator evaluate, one step (score + texts)", impl.evaluate_hook),
                rule_inputs_hook=None
                if impl.rule_inputs_hook is None
                else wrap("rule inputs through pluggy", impl.rule_inputs_hook),
            )
            if steps is not None:  # the timed copy offers the two steps too, its compute timed
                timed = (wrap("indicator compute (texts when read)", steps[0]), steps[1])
                object.__setattr__(b.implementation, "two_steps", lambda timed=timed: timed)
    engine.backend.decide = wrap("rules backend decide", engine.backend.decide)  # type: ignore[method-assign]
    engine._subtotals = wrap("subtotal tree", engine._subtotals)  # type: ignore[method-assign]
    try:
        for dept in depts:
            engine.score(dept)
    finally:
        for b, impl in saved:
            b.implementation = impl
        del engine.backend.decide, engine._subtotals
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rules", choices=["python", "durable"], default="python")
    a = ap.parse_args()
    engine = Engine.from_rubric(RUBRIC, rules=a.rules)
    docs = list(synth.generate(a.n, a.seed))
    n = len(docs)
    validate = engine.fact_model.validate
    depts = [validate(d["facts"], d["department"]["id"], d["department"]["name"]) for d in docs]

    total = per_department(lambda: [engine.evaluate(d) and None for d in docs], n)
    valid = per_department(
        lambda: [validate(d["facts"], d["department"]["id"], d["department"]["name"]) and None for d in docs], n
    )
    specs = engine.fact_model.specs
    convert = per_department(
        lambda: [[specs[k].convert(v) for k, v in d["facts"].items() if k in specs] for d in docs], n
    )
    score = per_department(lambda: [engine.score(x) and None for x in depts], n)
    spent = stages(engine, depts)

    print(
        f"{RUBRIC}, {n} departments, rules={a.rules}: µs per department "
        "(best of 3; stages wrapped, ±0.3 µs per call of wrapper overhead)"
    )
    print(f"  engine.evaluate                               {total:7.1f}  100%")
    print(
        f"    FactModel.validate (pydantic + converters)  {valid:7.1f}  {valid / total:4.0%}   "
        f"of which FactSpec.convert alone {convert:.1f}"
    )
    print(f"    Engine.score                                {score:7.1f}  {score / total:4.0%}")
    for stage, seconds in spent.most_common():
        us = seconds / n * 1e6
        print(f"      {stage:<42}{us:7.1f}  {us / total:4.0%}")
    rest = score - sum(spent.values()) / n * 1e6
    print(f"      {'the rest (gates, bounds, rounding, results)':<42}{rest:7.1f}  {rest / total:4.0%}")
    read = per_department(lambda: [read_texts(engine.score(x)) for x in depts], n) - score
    print(f"    every text then read (made on demand)       {read:7.1f}  {read / total:4.0%}")


def read_texts(card: Any) -> None:
    for leaf in card.leaves():
        leaf.inputs, leaf.intermediates, leaf.deductions  # noqa: B018  (reading makes them)


if __name__ == "__main__":
    main()

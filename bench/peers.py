"""jixiao against the peer scorers, interleaved in one process, as ratios.

    python bench/peers.py [--n 5000] [--rounds 7]

On the same synthetic departments of the reference pack, each round times every scorer
once, in a fresh order; a scorer's figure is its median over the rounds, and its ratio to
jixiao's ``Engine.evaluate`` is the median of the ratios paired within each round (so a
noisy round moves both sides). The scorers:

- jixiao ``Engine.evaluate``: the full scorecard, every explanation built;
- jixiao ``Engine.evaluate_many``: the same, the collector paused (the call for many);
- jixiao, every explanation text read (formula, inputs, intermediates, deductions, notes),
  and the scorecard turned into JSON, as ``evaluate --format json`` and a batch write it;
- the hand-written scorer (``bench/handwritten.py``), scores only, and with one
  explanation string per leaf (its facts, ratios, raw and final score: ≈ 106 values);
- GoRules zen-engine (``pip install zen-engine``; skipped when absent): the same rubric as a
  decision graph (``bench/zen_graph.py``), precompiled, one call per department, and its
  ``evaluate_batch`` (which uses the cores it likes). Its input is prepared beforehand.

Before any clock starts, every scorer's answer is checked against the hand-written one on
every department (leaf scores, total, grade): a disagreement aborts the run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import handwritten
import synth

from jixiao import Engine

RUBRIC = "shenzhen-yantian-2023"
BASELINE = "jixiao Engine.evaluate"


def scorers(engine: Engine, docs: list[dict]) -> dict[str, Callable[[], Any]]:
    facts = [d["facts"] for d in docs]
    out: dict[str, Callable[[], Any]] = {
        BASELINE: lambda: each(engine.evaluate, docs),
        "jixiao Engine.evaluate_many": lambda: engine.evaluate_many(docs),
        "jixiao, every explanation text read": lambda: each(lambda d: read_texts(engine.evaluate(d)), docs),
        "jixiao, scorecard as JSON": lambda: each(lambda d: json.dumps(engine.evaluate(d).to_dict()), docs),
        "hand-written, scores only": lambda: each(handwritten.score, facts),
        "hand-written, scores + explanations": lambda: each(handwritten.explained, facts),
    }
    try:
        import zen
        import zen_graph
    except ImportError:
        print("zen-engine not installed (pip install zen-engine): its rows are skipped")
        return out
    graph = zen_graph.graph()
    decision = zen.ZenEngine().create_decision(graph)
    batch_engine = zen.ZenEngine({"loader": lambda key: graph})
    contexts = [zen_graph.context(f) for f in facts]
    requests = [{"key": "rubric", "context": c} for c in contexts]
    out["zen-engine, precompiled, per call"] = lambda: each(decision.evaluate, contexts)
    out["zen-engine evaluate_batch"] = lambda: batch_engine.evaluate_batch(requests)
    check_zen(decision, contexts, facts)
    return out


def read_texts(card: Any) -> int:
    """Every explanation text of a scorecard touched: formula, inputs, intermediates, deductions, notes."""
    n = 0
    for leaf in card.leaves():
        n += len(leaf.formula) + sum(len(i.shown) for i in leaf.inputs) + sum(len(m.shown) for m in leaf.intermediates)
        n += sum(len(d.reason) + len(d.problem) for d in leaf.deductions) + sum(len(t) for t in leaf.notes)
    return n


def each(fn: Callable[[Any], Any], items: list) -> None:
    """``fn`` on every item, each answer dropped at once (``evaluate_many`` keeps its list, as it returns it)."""
    for item in items:
        fn(item)


def check_zen(decision: Any, contexts: list[str], facts: list[dict]) -> None:
    import zen_graph

    for context, f in zip(contexts, facts, strict=True):
        leaves, total, grade = zen_graph.scores(decision.evaluate(context))
        expected, expected_total = handwritten.score(f)
        assert leaves == expected and total == expected_total, (f, leaves, expected)
        assert grade == handwritten.grade(expected_total)


def check_engine(engine: Engine, docs: list[dict]) -> None:
    for doc in docs:
        card = engine.evaluate(doc)
        expected, total = handwritten.score(doc["facts"])
        assert {leaf.name: leaf.score for leaf in card.leaves()} == expected and card.total == total, doc
        text_leaves, text_total, _ = handwritten.explained(doc["facts"])
        assert text_leaves == expected and text_total == total


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    engine = Engine.from_rubric(RUBRIC, rules="python")
    docs = list(synth.generate(a.n, a.seed))
    check_engine(engine, docs)
    runs = scorers(engine, docs)
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    ratios: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    shuffle = random.Random(a.seed)
    for _ in range(a.rounds):
        shuffle.shuffle(order)
        this = {name: timed(runs[name]) for name in order}
        for name, s in this.items():
            seconds[name].append(s)
            ratios[name].append(this[BASELINE] / s)
    print(
        f"{RUBRIC}: {a.n} synthetic departments, {a.rounds} interleaved rounds, medians; "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores"
    )
    print(f"{'scorer':<40} {'departments/s':>14} {'µs/department':>14} {'× jixiao':>9}")
    for name in runs:
        median = statistics.median(seconds[name])
        print(f"{name:<40} {a.n / median:>14,.0f} {median / a.n * 1e6:>14.1f} {statistics.median(ratios[name]):>9.2f}")


if __name__ == "__main__":
    main()

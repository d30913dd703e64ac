"""The floor: what any scorer pays for the same scorecard, with no engine at all.

    python bench/floor.py [--n 3000] [--seed 1]

Why: "10,000 departments per second per core with full explanations" is a budget of
100 µs per department. This measures, on the same synthetic departments and in the
same process, what three things cost that every program producing the engine's
scorecard must do, whatever its design:

1. **arithmetic**: the hand-written scorer (bench/handwritten.py): parse the facts,
   compute every rate, pick the bands, truncate; no text, no explanation.
2. **number texts**: every number the scorecard shows, formatted as it is printed —
   each input's "305.63万元" / "是", each intermediate's "98.1%" / "0.992336", the
   points of each deduction — one call each, in one flat loop over values prepared
   before the clock starts. Which formatter printed an intermediate is found by
   trying them on the scorecard's own text; texts no number formatter produces (band
   readings, "a→b") are left out, so this part is an underestimate.
3. **result objects**: the scorecard's ``InputValue``, ``Intermediate``, ``Deduction``
   and ``LeafResult`` objects built from ready texts.

Left out, so the sum is a lower bound: sentences, validation messages, subtotals,
the scorecard itself, the rules backend. ``bench/run.py`` prints the same figures
next to the engine's. It is the floor of a scorecard whose texts are all made: the
engine makes a leaf's texts when they are first read, so ``Engine.evaluate`` read for
its scores alone can run below it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import handwritten
import synth
from breakdown import per_department

from jixiao import Engine
from jixiao.indicator import Deduction, InputValue, Intermediate
from jixiao.numbers import fmt_detail, fmt_number, fmt_percent, fmt_points
from jixiao.scorecard import LeafResult

RUBRIC = "shenzhen-yantian-2023"
FORMATTERS: tuple[Callable[[Any], str], ...] = (fmt_percent, fmt_detail, fmt_number, fmt_points)


class Floor(NamedTuple):
    arithmetic: float  # µs per department
    texts: float
    objects: float
    numbers: float  # formatted numbers per department

    @property
    def total(self) -> float:
        return self.arithmetic + self.texts + self.objects


def _formatter(value: Any, shown: str) -> Callable[[Any], str] | None:
    for fn in FORMATTERS:
        try:
            if fn(value) == shown:
                return fn
        except Exception:
            continue
    return None


def _prepare(engine: Engine, docs: Sequence[dict]) -> tuple[list, list]:
    """Per department: the (formatter, value) pairs of its shown numbers, and the pieces of its result objects."""
    specs = engine.fact_model.specs
    texts, objects = [], []
    for doc in docs:
        pairs, leaves = [], []
        for leaf in engine.evaluate(doc).leaves():
            pairs += [(specs[i.name].show, i.value) for i in leaf.inputs if i.name in specs]
            for m in leaf.intermediates:
                fn = _formatter(m.value, m.shown)
                if fn is not None:
                    pairs.append((fn, m.value))
            pairs += [(fmt_points, d.points) for d in leaf.deductions]
            leaves.append(
                (
                    leaf,
                    [(i.name, i.label, i.value, i.shown) for i in leaf.inputs],
                    [(m.label, m.value, m.shown) for m in leaf.intermediates],
                    [(d.points, d.reason, d.problem, d.rule) for d in leaf.deductions],
                )
            )
        texts.append(pairs)
        objects.append(leaves)
    return texts, objects


def measure(engine: Engine, docs: Sequence[dict]) -> Floor:
    texts, objects = _prepare(engine, docs)

    def arithmetic() -> None:
        for doc in docs:
            handwritten.score(doc["facts"])

    def format_all() -> None:
        for pairs in texts:
            for fn, value in pairs:
                fn(value)

    def build_all() -> None:
        for leaves in objects:
            for r, inputs, mids, deds in leaves:
                LeafResult(
                    r.code,
                    r.name,
                    r.weight,
                    r.score,
                    r.status,
                    r.implementation,
                    r.formula,
                    r.raw_score,
                    [InputValue(a, b, c, d) for a, b, c, d in inputs],
                    [Intermediate(a, b, c) for a, b, c in mids],
                    [Deduction(a, b, c, d) for a, b, c, d in deds],
                    [],
                    [],
                    [],
                    r.path,
                    r.origins,
                    [],
                    None,
                )

    n = len(docs)
    return Floor(
        per_department(arithmetic, n),
        per_department(format_all, n),
        per_department(build_all, n),
        sum(map(len, texts)) / n,
    )


def report(floor: Floor, target_us: float) -> str:
    verdict = "below" if floor.total < target_us else "above"
    bare = floor.arithmetic + floor.texts
    return (
        f"floor with every text made (no engine): arithmetic {floor.arithmetic:.1f} + number texts {floor.texts:.1f} "
        f"({floor.numbers:.0f} numbers) "
        f"+ result objects {floor.objects:.1f} = {floor.total:.1f} µs/department, "
        f"at most {1e6 / floor.total:,.0f} departments/s, "
        f"{verdict} the target's {target_us:.0f} µs (arithmetic and texts alone: {bare:.1f} µs, {1e6 / bare:,.0f}/s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time what every scorer producing the engine's scorecard must do.")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    docs = list(synth.generate(a.n, a.seed))
    print(report(measure(Engine.from_rubric(RUBRIC, rules="python"), docs), 100.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())

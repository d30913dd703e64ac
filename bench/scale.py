"""How the engine's cost grows with the size of a pack: per department, and to load it.

    python bench/scale.py [--copies 1 10 20] [--n 300] [--rounds 3]

A pack of ``k × 21`` leaves is the reference pack copied ``k`` times, each copy a first-level
group of its own with its facts renamed (``staffed_headcount`` → ``staffed_headcount_3``),
its checks copied and its grades scaled; a department of it is a synthetic department's
facts, renamed the same way for every copy. Every copy scores what the reference pack
scores for the same facts, which the script checks. It prints, for each size, the
microseconds per department and per leaf through ``evaluate_many`` (the collector paused, as
in a batch worker), the ratio to the one-copy pack, the same ratio for ``evaluate`` called in
a loop with the collector running (``loop ×``), and the time to load the pack: ``first``, the
first load of that pack in a fresh process that has imported jixiao and loaded the reference
pack (as a command that loads one pack does), median of ``--rounds`` processes; ``again``,
loading it once more in this process, best of ``--rounds`` interleaved rounds.
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import synth

from jixiao import Engine

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rubrics" / "shenzhen-yantian-2023" / "pack.yaml"


def fact_names() -> list[str]:
    return sorted(Engine.from_rubric(PACK).fact_model.specs, key=len, reverse=True)


def replicated(copies: int, folder: Path) -> Path:
    """The reference pack copied ``copies`` times into ``folder``/pack.yaml."""
    text = PACK.read_text(encoding="utf-8")
    head, body = text.split("\nindicators:\n", 1)
    head, checks = head.split("\nchecks:\n", 1)
    names = re.compile(r"\b(" + "|".join(map(re.escape, fact_names())) + r")\b")
    renamed = lambda part, k: names.sub(lambda m: f"{m.group(1)}_{k}", part)
    out = [re.sub(r"^id: .*$", f"id: scale-{copies}", head, flags=re.M)]
    out[0] = re.sub(r"^total: 100$", f"total: {100 * copies}", out[0], flags=re.M)
    out[0] = re.sub(r"\[(\d+), (\d+)([\])])", lambda m: f"[{int(m[1]) * copies}, {int(m[2]) * copies}{m[3]}", out[0])
    out.append("\nchecks:\n")
    for k in range(1, copies + 1):
        out.append(re.sub(r"id: ([\w-]+)", rf"id: \1-{k}", renamed(checks, k)).rstrip("\n") + "\n")
    out.append("\nindicators:\n")
    for k in range(1, copies + 1):
        copy = renamed(body, k)
        copy = re.sub(r'code: "([\d.]+)"', rf'code: "{k}.\1"', copy)
        out.append(f'  - code: "{k}"\n    name: 副本{k}\n    weight: 100\n    children:\n')
        out.append("".join(f"    {line}" if line.strip() else line for line in copy.splitlines(keepends=True)))
    path = folder / "pack.yaml"
    path.write_text("".join(out), encoding="utf-8")
    return path


def department(doc: dict, copies: int) -> dict:
    facts = {f"{name}_{k}": value for k in range(1, copies + 1) for name, value in doc["facts"].items()}
    return {"department": doc["department"], "facts": facts}


def seconds(engine: Engine, docs: list[dict]) -> float:
    """``evaluate_many``: the call for many departments, as a batch worker scores (collector paused)."""
    gc.collect()
    start = time.perf_counter()
    engine.evaluate_many(docs)
    return time.perf_counter() - start


def loop_seconds(engine: Engine, docs: list[dict]) -> float:
    """``evaluate`` in a loop, the collector running: its full passes walk the whole pack each time."""
    gc.collect()
    start = time.perf_counter()
    for doc in docs:
        engine.evaluate(doc)
    return time.perf_counter() - start


FIRST = """
import sys, time
from jixiao import Engine
Engine.from_rubric(sys.argv[2])
start = time.perf_counter()
Engine.from_rubric(sys.argv[1])
print(time.perf_counter() - start)
"""


def first_load(path: Path, rounds: int) -> float:
    """The median, over ``rounds`` fresh processes, of the first load of ``path`` after the reference pack's."""
    run = lambda: float(
        subprocess.run(
            [sys.executable, "-c", FIRST, str(path), str(PACK)], capture_output=True, text=True, check=True
        ).stdout
    )
    return statistics.median(run() for _ in range(rounds))


def load(path: Path) -> float:
    start = time.perf_counter()
    Engine.from_rubric(path)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 10, 20])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    base = list(synth.generate(a.n, a.seed))
    reference = Engine.from_rubric(PACK)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for k in a.copies:
            (Path(tmp) / str(k)).mkdir()
            paths[k] = replicated(k, Path(tmp) / str(k))
        first = {k: first_load(p, a.rounds) for k, p in paths.items()}
        engines = {k: Engine.from_rubric(p) for k, p in paths.items()}
        docs = {k: [department(d, k) for d in base] for k in a.copies}
        for k, engine in engines.items():  # every copy scores what the reference pack scores
            for doc, plain in zip(docs[k][:20], base[:20], strict=True):
                card, expected = engine.evaluate(doc), reference.evaluate(plain)
                assert card.complete == expected.complete, k
                if expected.complete:
                    assert card.total == expected.total * k, (k, card.total, expected.total)
        best = {k: float("inf") for k in a.copies}
        looped = {k: float("inf") for k in a.copies}
        again = {k: float("inf") for k in a.copies}
        for _ in range(a.rounds):
            for k in a.copies:
                best[k] = min(best[k], seconds(engines[k], docs[k]))
                looped[k] = min(looped[k], loop_seconds(engines[k], docs[k]))
                again[k] = min(again[k], load(paths[k]))
    one = best[a.copies[0]] / a.copies[0]
    print(f"reference pack ×k, {a.n} departments, best of {a.rounds} interleaved rounds")
    print(
        f"{'leaves':>7} {'µs/department':>14} {'µs/leaf':>8} {'× first':>8} {'per leaf ×':>10}"
        f" {'loop ×':>7} {'load first':>11} {'again':>8}"
    )
    for k in a.copies:
        per = best[k] / a.n * 1e6
        print(
            f"{21 * k:>7} {per:>14.1f} {per / (21 * k):>8.2f} {best[k] / best[a.copies[0]]:>8.2f} "
            f"{Decimal(best[k] / k / one).quantize(Decimal('0.01')):>10} "
            f"{looped[k] / looped[a.copies[0]]:>7.2f} "
            f"{first[k] * 1000:>9.0f}ms {again[k] * 1000:>6.0f}ms"
        )


if __name__ == "__main__":
    main()

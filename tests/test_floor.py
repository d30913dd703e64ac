"""bench/floor.py still measures what it says: every shown number is found with the formatter that printed it.

No timing is asserted; this guards the floor's meaning when a formatter or a shape changes.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import floor  # noqa: E402
import synth  # noqa: E402


def test_floor_formats_every_number_the_scorecard_shows(py_engine):
    docs = list(synth.generate(20, seed=5))
    texts, objects = floor._prepare(py_engine, docs)
    for pairs, leaves in zip(texts, objects):
        formatted = Counter(fn(value) for fn, value in pairs)
        inputs = Counter(text for _, shown, _, _ in leaves for *_, text in shown)
        assert not inputs - formatted  # every input's text is among those the floor formats
        assert len(pairs) >= 90
    result = floor.measure(py_engine, docs[:5])
    assert result.total == result.arithmetic + result.texts + result.objects > 0

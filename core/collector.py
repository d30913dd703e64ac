"""CPython's cyclic garbage collector, paused for work that makes many objects and no cycles.

Loading a pack makes tens of thousands of objects, a batch worker keeps scoring, and
``Engine.evaluate_many`` keeps every scorecard: each time the collector would rescan
everything alive again and again, for garbage it cannot find (scorecards and packs hold
no reference cycles). The collector is process-wide: do not rely on it being paused
while other threads switch it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, and as it was afterwards, also when the block raises."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

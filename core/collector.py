"""CPython's cyclic garbage collector, paused for work that makes many objects and no cycles.

Loading a pack makes tens of thousands of objects, a batch worker keeps scoring, and
``Engine.evaluate_many`` keeps every scorecard: each time the collector would rescan
everything alive again and again, for garbage it cannot find (scorecards and packs hold
no reference cycles). The collector is process-wide: do not rely on it being paused
while other threads switch it.

When the pause ends, what the block made and kept (a pack, the scorecards) would be the
young generation, all of it over the threshold: the first allocation after it would
scan every one of those objects, and later passes scan them once more before they reach
the oldest generation, where they end up anyway. ``paused`` moves them there at once
(``gc.freeze`` then ``gc.unfreeze``, two list splices): a fifth of loading a large pack.
The oldest generation is still scanned by full collections as before. Objects that
someone else froze (``gc.freeze`` before a fork) stay frozen: then nothing is moved.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, and as it was afterwards, also when the block raises; what the
    block kept moved to the oldest generation."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()

"""CPython's cyclic garbage collector, paused for work that makes many objects and no cycles.

Loading a pack makes tens of thousands of objects, a batch worker keeps scoring, and
``Engine.evaluate_many`` keeps every scorecard: each time the collector would rescan
everything alive again and again, for garbage it cannot find (scorecards and packs hold
no reference cycles). The collector is process-wide: do not rely on it being paused
while other threads switch it.

When the pause ends, what the block made and kept would be the young generation, all of
it over the threshold: the first allocation after it would scan every one of those
objects, and the next passes scan them once more before they reach the oldest
generation. For a loaded pack, made to be kept, that is 20 ms of loading a 210-leaf pack
for nothing: ``paused(promote=True)`` moves what the block kept there at once
(``gc.freeze`` then ``gc.unfreeze``, two list splices). Scorecards are not promoted: most
are dropped as soon as they are read, freed by their reference counts, and the young
generation's count falls with them.

CPython runs a full collection once enough objects have reached the oldest generation
through its own passes, and it does not count the ones moved here; cyclic garbage moved
with a pack (an engine built and dropped) waits for a full collection. ``Promotions``
bounds it: objects are moved only while fewer than CPython allocates between two full
collections at the least have been moved since its last one. Past that, what a block
makes stays young, and leads to the next full collection as it always did. Objects that
someone else froze (``gc.freeze`` before a fork) stay frozen: then nothing is moved.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Promotions:
    """Objects ``paused`` moved to the oldest generation since CPython's last full collection."""

    since_full: int = 0
    full_collections: int = 0  # CPython's count of full collections when ``since_full`` was last reset

    def allowed(self) -> bool:
        """Whether a block's objects may be moved: fewer than the product of CPython's thresholds were since
        its last full collection (the fewest allocations between two of them)."""
        done = gc.get_stats()[2]["collections"]
        if done != self.full_collections:
            self.full_collections, self.since_full = done, 0
        return self.since_full < math.prod(gc.get_threshold())


PROMOTIONS = Promotions()


@contextmanager
def paused(promote: bool = False) -> Iterator[None]:
    """The collector off for the block, and as it was afterwards, also when the block raises; with
    ``promote``, what the block kept moved to the oldest generation (see ``Promotions``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if promote and gc.get_freeze_count() == 0 and PROMOTIONS.allowed():
                PROMOTIONS.since_full += gc.get_count()[0]  # tracked objects made, less those freed, since a pass
                gc.freeze()
                gc.unfreeze()
            gc.enable()

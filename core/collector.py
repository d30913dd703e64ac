"""CPython's cyclic garbage collector, paused for work that makes many objects and no cycles.

Loading a pack makes tens of thousands of objects, a batch worker keeps scoring, and
``Engine.evaluate_many`` keeps every scorecard: each time the collector would rescan
everything alive again and again, for garbage it cannot find (scorecards and packs hold
no reference cycles). The collector is process-wide: do not rely on it being paused
while other threads switch it.

When the pause ends, what the block made and kept (a pack, the scorecards) would be the
young generation, all of it over the threshold: the first allocation after it would
scan every one of those objects, and the next passes scan them once more before they
reach the oldest generation, where they end up anyway (for a 210-leaf pack, 20 ms of a
load). ``paused`` moves them there at once (``gc.freeze`` then ``gc.unfreeze``, two list
splices). CPython counts the objects it moves to the oldest generation itself and runs a
full collection once they reach a quarter of what lived there after the last one: the
objects moved here are counted the same way (``Promotions``), so cyclic garbage moved
with them — an engine built and dropped, a plugin's exception — is still collected, and a
process that builds engines again and again does not grow. Objects that someone else
froze (``gc.freeze`` before a fork) stay frozen: then nothing is moved.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Promotions:
    """Objects moved to the oldest generation since the last full collection this module ran, and how many
    lived there after it."""

    since_full: int = 0
    long_lived: int = 0

    def add(self, young: int) -> None:
        self.since_full += young
        first, second, third = gc.get_threshold()
        if self.since_full > max(self.long_lived // 4, first * second * third):  # CPython's own rule, and floor
            gc.collect()
            self.since_full, self.long_lived = 0, len(gc.get_objects(generation=2))


PROMOTIONS = Promotions()


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
                young = gc.get_count()[0]  # tracked objects made (less those freed) since the last young pass
                gc.freeze()
                gc.unfreeze()
                PROMOTIONS.add(young)
            gc.enable()

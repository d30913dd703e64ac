"""The collector's pause: restored as it was, and what the paused block kept moved to the oldest generation
at once (no scan of a whole pack or of thousands of scorecards as young objects), counted as CPython counts
its own promotions so that garbage moved with it is collected; objects someone else froze stay frozen."""

from __future__ import annotations

import gc
import math
import weakref

import pytest

from jixiao import collector


class Kept:
    """An object the collector tracks."""


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was:
        gc.disable()


def generation_of(obj: object) -> int | None:
    return next((g for g in range(3) if any(o is obj for o in gc.get_objects(generation=g))), None)


def test_what_the_block_kept_is_in_the_oldest_generation(collector_on):
    with collector.paused(promote=True):
        assert not gc.isenabled()
        kept = [Kept() for _ in range(2000)]
    assert gc.isenabled()
    assert generation_of(kept[0]) == 2 and generation_of(kept[-1]) == 2
    assert gc.get_count()[0] < 700  # no young generation over the threshold left to scan


def test_without_the_pause_the_same_objects_start_young(collector_on):
    kept = Kept()
    assert generation_of(kept) == 0


def test_without_promote_what_the_block_kept_stays_young(collector_on):
    with collector.paused():
        kept = Kept()
    assert generation_of(kept) in (0, 1)


def test_objects_frozen_by_someone_else_stay_frozen(collector_on):
    gc.freeze()
    frozen = gc.get_freeze_count()
    with collector.paused(promote=True):
        kept = Kept()
    assert gc.get_freeze_count() == frozen and gc.isenabled()
    assert generation_of(kept) in (0, 1)  # young, as without the pause: nothing was moved


def test_a_block_that_raises_restores_the_collector(collector_on):
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()
    gc.enable()


class Cyclic:
    """An object in a reference cycle with itself: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_cyclic_garbage_moved_with_what_was_kept_is_still_collected(collector_on):
    alive = weakref.WeakSet()
    for _ in range(30):
        with collector.paused(promote=True):
            for _ in range(5000):
                alive.add(Cyclic())  # dropped at once: garbage, moved to the oldest generation with the rest
    assert len(alive) < 60_000  # 150,000 made: no more were moved once the budget was spent
    gc.collect()
    assert len(alive) == 0


def test_objects_are_moved_until_as_many_as_cpython_allocates_between_full_collections(collector_on, monkeypatch):
    full = [{"collections": 0}, {"collections": 0}, {"collections": 3}]
    monkeypatch.setattr(gc, "get_stats", lambda: full)
    promotions = collector.Promotions()
    budget = math.prod(gc.get_threshold())
    assert promotions.allowed()
    promotions.since_full = budget - 1
    assert promotions.allowed()
    promotions.since_full = budget
    assert not promotions.allowed()  # until CPython's next full collection
    full[2] = {"collections": 4}
    assert promotions.allowed() and promotions.since_full == 0


def test_past_the_budget_a_block_kept_objects_stay_young(collector_on, monkeypatch):
    monkeypatch.setattr(collector, "PROMOTIONS", collector.Promotions(since_full=10**9))
    collector.PROMOTIONS.full_collections = gc.get_stats()[2]["collections"]
    with collector.paused(promote=True):
        kept = Kept()
    assert generation_of(kept) in (0, 1)

"""The collector's pause: restored as it was, and what the paused block kept moved to the oldest generation
at once (no scan of a whole pack or of thousands of scorecards as young objects), unless objects were
frozen by someone else, who keeps them frozen."""

from __future__ import annotations

import gc

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
    with collector.paused():
        assert not gc.isenabled()
        kept = [Kept() for _ in range(2000)]
    assert gc.isenabled()
    assert generation_of(kept[0]) == 2 and generation_of(kept[-1]) == 2
    assert gc.get_count()[0] < 700  # no young generation over the threshold left to scan


def test_without_the_pause_the_same_objects_start_young(collector_on):
    kept = Kept()
    assert generation_of(kept) == 0


def test_objects_frozen_by_someone_else_stay_frozen(collector_on):
    gc.freeze()
    frozen = gc.get_freeze_count()
    with collector.paused():
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

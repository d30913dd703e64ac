"""Spelling suggestions for unknown fact names: as good as difflib over every name, at a bounded cost."""

from __future__ import annotations

import difflib
import random

import pytest

from jixiao import Engine
from jixiao import fact_model as fact_model_module
from jixiao.fact_model import SUGGESTION_CANDIDATES, FactModel
from jixiao.facts import FactSpec


def typos(name: str, rng: random.Random) -> list[str]:
    out = [name + "_x", name.replace("_", ""), name[:-1], "x" + name]
    for _ in range(4):
        i = rng.randrange(len(name))
        out += [name[:i] + name[i + 1 :], name[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz_") + name[i:]]
    return out


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@pytest.mark.parametrize("pack", ["shenzhen-yantian-2023", "mof-project-2020"])
def test_a_suggestion_is_difflibs_best_match_or_one_as_close(pack):
    model = Engine.from_rubric(pack).fact_model
    rng = random.Random(5)
    for name in model.specs:
        for typo in typos(name, rng):
            ours = model.suggest(typo)
            best = difflib.get_close_matches(typo, model.specs, n=1)
            if not best:
                assert ours is None, typo
                continue
            assert ours is not None
            assert ratio(typo, ours) >= ratio(typo, best[0]) - 0.15, (typo, ours, best[0])


def test_a_suggestion_compares_a_handful_of_names_however_many_the_pack_declares(monkeypatch):
    specs = {
        f"fact_{i:04d}_{word}": FactSpec(name=f"fact_{i:04d}_{word}", kind="number", label=f"事实{i}")
        for i, word in enumerate(["amount", "count", "rate", "budget", "staff"] * 400)
    }
    model = FactModel(specs)
    compared: list[int] = []
    real = difflib.get_close_matches
    monkeypatch.setattr(
        fact_model_module.difflib,
        "get_close_matches",
        lambda word, possibilities, **kw: compared.append(len(list(possibilities))) or real(word, possibilities, **kw),
    )
    assert model.suggest("fact_1236_cout") == "fact_1236_count"
    assert compared == [SUGGESTION_CANDIDATES]

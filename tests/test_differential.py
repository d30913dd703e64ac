"""durable-rules against the Python oracle: at every band edge of every shipped pack, and on every golden case."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import Engine
from jixiao.pack import available_packs
from jixiao.rules.durable_backend import DurableBackend
from jixiao.rules.python_backend import PythonBackend
from jixiao.yamlio import load_path

PACKS = sorted(available_packs())
NUDGES = [
    Decimal(0),
    Decimal("1e-6"),
    Decimal("-1e-6"),
    Decimal("1e-9"),
    Decimal("-1e-9"),
    Decimal("0.01"),
    Decimal("-0.01"),
]


def edge_probes(tables):
    """(key, value) pairs at and around every condition value of every table."""
    probes = set()
    for table in tables:
        for rule in table.rules:
            for cond in rule.conditions:
                for nudge in NUDGES:
                    probes.add((cond.key, cond.value + nudge))
    return sorted(probes)


@pytest.mark.parametrize("pack_id", PACKS)
def test_backends_agree_at_every_band_edge(pack_id):
    engine = Engine.from_rubric(pack_id, rules="python")
    tables = engine.tables
    oracle, durable = PythonBackend(tables), DurableBackend(tables)
    probes = edge_probes(tables)
    assert {k for k, _ in probes} == {c.key for t in tables for r in t.rules for c in r.conditions}
    keys = sorted({k for k, _ in probes})
    for i, (key, value) in enumerate(probes):
        alone = {key: value}
        assert durable.decide(alone, f"edge{i}") == oracle.decide(alone), (key, value)
    # all keys at once, as a department posts them: every key at its i-th probe value
    by_key = {k: [v for kk, v in probes if kk == k] for k in keys}
    for i in range(max((len(v) for v in by_key.values()), default=0)):
        values = {k: vs[i % len(vs)] for k, vs in by_key.items()}
        assert durable.decide(values, f"all{i}") == oracle.decide(values)


def test_golden_cases_agree(reference_doc):
    py = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    dr = Engine.from_rubric("shenzhen-yantian-2023", rules="durable")
    golden = sorted((Path(__file__).parent / "golden").glob("*.yaml"))
    docs = [g.parent / load_path(g)["facts"] for g in golden]
    for staffed, outsourced in [(37, 16), (95, 5), (90, 10), (100, 4)]:
        d = copy.deepcopy(reference_doc)
        d["facts"].update(staffed_headcount=staffed, outsourced_staff=outsourced)
        docs.append(d)
    for doc in docs:
        a, b = py.evaluate(doc).to_dict(), dr.evaluate(doc).to_dict()
        assert a.pop("rules_backend") == "python" and b.pop("rules_backend") == "durable-rules"
        assert a == b


def test_python_is_the_default_and_durable_is_asked_for(monkeypatch, reference_doc):
    """durable-rules is the optional extra jixiao[durable]: without it everything works on the Python evaluator."""
    from jixiao.rules import durable_backend

    assert Engine.from_rubric("shenzhen-yantian-2023").backend.name == "python"
    assert Engine.from_rubric("shenzhen-yantian-2023", rules="auto").backend.name == "python"
    monkeypatch.setattr(durable_backend, "available", lambda: False)
    assert Engine.from_rubric("shenzhen-yantian-2023").evaluate(reference_doc).total == Decimal("94.91")
    with pytest.raises(Exception) as err:
        Engine.from_rubric("shenzhen-yantian-2023", rules="durable")
    assert getattr(err.value, "code", "") == "RULES_ENGINE" and "jixiao[durable]" in str(err.value)


def test_the_package_installs_without_durable_rules():
    """pip install jixiao needs no C compiler: durable-rules is only in the durable extra."""
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    assert not any(d.startswith("durable") for d in project["dependencies"])
    assert project["optional-dependencies"]["durable"] == ["durable-rules==2.0.28"]

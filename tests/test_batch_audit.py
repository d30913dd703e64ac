"""District 复核: a batch audits every record that claims scores, and the summary says who differs and where."""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal

import openpyxl
from batchkit import docs as synthetic
from batchkit import write_jsonl
from conftest import run_cli

from jixiao import Engine
from jixiao.batch import run_batch


def claimed_district(n: int, seed: int) -> tuple[list[dict], dict[str, dict[str, Decimal]]]:
    """Synthetic departments claiming their own computed scores, some with one leaf changed; returns the changes."""
    engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    rng = random.Random(seed)
    docs, changed = [], {}
    for doc in synthetic(n, seed):
        card = engine.evaluate(doc)
        scores = {leaf.code: leaf.score for leaf in card.leaves()}
        if rng.random() < 0.3:
            code = rng.choice(sorted(scores))
            delta = Decimal(rng.choice(["0.5", "-0.5", "1", "-0.01"]))
            scores[code] += delta
            changed[doc["department"]["id"]] = {code: delta}
        doc = copy.deepcopy(doc)
        doc["claimed"] = {"scores": scores, "total": card.total}
        docs.append(doc)
    return docs, changed


def test_the_summary_lists_exactly_the_departments_and_indicators_that_differ(tmp_path):
    docs, changed = claimed_district(80, seed=3)
    write_jsonl(tmp_path / "in.jsonl", docs)
    report = run_batch(tmp_path / "in.jsonl", "shenzhen-yantian-2023", tmp_path / "out", jobs=2, rules="python")
    assert report.ok and report.claims_refused == 0
    audit = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["audit"]
    assert audit["departments"] == 80 and audit["agreeing"] == 80 - len(changed)
    assert {d["key"]: d["indicators"] for d in audit["differing"]} == {k: sorted(v) for k, v in changed.items()}
    expected: dict[str, list[Decimal]] = {}
    for change in changed.values():
        for code, delta in change.items():
            expected.setdefault(code, []).append(delta)
    assert {r["code"]: (r["departments"], Decimal(r["total_difference"])) for r in audit["by_indicator"]} == {
        code: (len(deltas), sum(deltas)) for code, deltas in expected.items()
    }
    counts = [r["departments"] for r in audit["by_indicator"]]
    assert counts == sorted(counts, reverse=True)  # the indicators that differ most often first
    wb = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")
    assert len(list(wb["复核差异"].iter_rows())) == len(changed) + 1
    lines = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(line["audit"]["agrees"] == (line["key"] not in changed) for line in lines)


def test_a_claim_that_cannot_be_read_is_reported_and_the_batch_exits_1(tmp_path):
    docs, _ = claimed_district(3, seed=1)
    docs[1]["claimed"]["scores"]["3.2.1"] = "5,98"
    write_jsonl(tmp_path / "in.jsonl", docs)
    result = run_cli("batch", tmp_path / "in.jsonl", "--rubric", "shenzhen-yantian-2023", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "自评得分无法读取" in result.stdout and "FACT_FORMAT" in result.stdout
    audit = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["audit"]
    assert [r["key"] for r in audit["refused"]] == [docs[1]["department"]["id"]]
    # resumed, the same department is still reported
    again = run_cli("batch", tmp_path / "in.jsonl", "--rubric", "shenzhen-yantian-2023", "-o", tmp_path / "out")
    assert again.exit_code == 1 and "自评得分无法读取" in again.stdout


def test_a_district_without_claims_has_no_audit_section(tmp_path):
    docs = synthetic(3, 2)
    write_jsonl(tmp_path / "in.jsonl", docs)
    run_batch(tmp_path / "in.jsonl", "shenzhen-yantian-2023", tmp_path / "out", jobs=1, rules="python")
    assert "audit" not in json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert "复核差异" not in openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx").sheetnames

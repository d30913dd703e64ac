"""Batch evaluation: nothing lost, nothing doubled, resumable, and a district summary that adds up."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from jixiao import Engine
from jixiao.batch import run_batch
from jixiao.cli import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402


def _plain(o):
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(type(o))


def write_jsonl(path: Path, n: int, seed: int, invalid: str = "0", extra: list[dict] = ()) -> list[dict]:
    docs = list(synth.generate(n, seed, invalid)) + list(extra)
    path.write_text("".join(json.dumps(d, ensure_ascii=False, default=_plain) + "\n" for d in docs), encoding="utf-8")
    return docs


def test_ten_thousand_departments_with_one_percent_invalid(tmp_path):
    docs = write_jsonl(tmp_path / "in.jsonl", 10_000, seed=11, invalid="0.01")
    spoiled = {d["department"]["id"] for d in docs if d["department"].get("spoiled")}
    assert 60 < len(spoiled) < 140
    report = run_batch(tmp_path / "in.jsonl", "shenzhen-yantian-2023", tmp_path / "out", jobs=2, rules="python")
    assert report.scored + report.incomplete + report.errors == 10_000
    assert {f["key"] for f in report.failed} == spoiled
    assert all(f["code"] in ("FACT_TYPE", "FACT_RANGE", "FACT_MISSING") and f["message"] for f in report.failed)
    lines = (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    keys = [json.loads(line)["key"] for line in lines]
    assert keys == [d["department"]["id"] for d in docs]  # every department once, in input order
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert {f["key"] for f in summary["failed"]} == spoiled and summary["scored"] == 10_000 - len(spoiled)


def test_summary_matches_a_recomputation(tmp_path):
    docs = write_jsonl(tmp_path / "in.jsonl", 60, seed=5)
    run_batch(tmp_path / "in.jsonl", "shenzhen-yantian-2023", tmp_path / "out", jobs=1, rules="python")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    cards = [engine.evaluate(d) for d in docs]
    ranked = sorted(cards, key=lambda c: (-c.total, c.department_id))
    assert [(r["key"], Decimal(r["total"])) for r in summary["ranking"]] == [(c.department_id, c.total) for c in ranked]
    assert summary["grades"] == {g: Counter(c.grade for c in cards).get(g, 0) for g in ("优", "良", "中", "差")}
    for row in summary["indicators"]:
        leaves = [c[row["code"]] for c in cards]
        assert row["departments_losing"] == sum(1 for leaf in leaves if leaf.lost > 0)
        assert Decimal(row["total_lost"]) == sum(leaf.lost for leaf in leaves)
        assert Decimal(row["average_score"]) == (sum(leaf.score for leaf in leaves) / len(leaves)).quantize(
            Decimal("0.01")
        )
    costly = summary["indicators"][0]
    assert Decimal(costly["total_lost"]) == max(Decimal(r["total_lost"]) for r in summary["indicators"])
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)
    assert wb.sheetnames[:4] == ["排名", "等级分布", "指标失分", "失分矩阵"]
    matrix = list(wb["失分矩阵"].iter_rows(values_only=True))
    assert len(matrix) == 61 and len(matrix[0]) == 2 + 21
    first = next(c for c in cards if c.department_id == matrix[1][0])
    assert [Decimal(str(v)) for v in matrix[1][2:]] == [leaf.lost for leaf in first.leaves()]


def test_duplicates_are_reported_not_overwritten(tmp_path):
    docs = list(synth.generate(3, seed=1))
    dup = json.loads(json.dumps(docs[1], default=_plain))
    dup["facts"]["outsourced_staff"] = 0
    write_jsonl(tmp_path / "in.jsonl", 3, seed=1, extra=[dup])
    report = run_batch(tmp_path / "in.jsonl", "shenzhen-yantian-2023", tmp_path / "out", jobs=1, rules="python")
    assert report.duplicates == 1 and not report.ok
    recs = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["key"] for r in recs] == [d["department"]["id"] for d in docs] + [docs[1]["department"]["id"] + "#2"]
    assert recs[-1]["status"] == "error" and recs[-1]["problems"][0]["code"] == "DUPLICATE_ID"
    assert recs[1]["status"] == "scored"


def test_folder_csv_and_xlsx_rows(tmp_path, reference_doc):
    import yaml
    from openpyxl import Workbook

    folder = tmp_path / "folder"
    folder.mkdir()
    for i in range(3):
        doc = json.loads(json.dumps(reference_doc, default=_plain))
        doc["department"]["id"] = f"d{i}"
        (folder / f"d{i}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (folder / "broken.yaml").write_text("facts: [", encoding="utf-8")
    report = run_batch(folder, "shenzhen-yantian-2023", tmp_path / "o1", jobs=1, rules="python")
    assert report.scored == 3 and report.errors == 1 and report.failed[0]["code"] == "FACTS_FORMAT"

    facts = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in reference_doc["facts"].items()}
    header = ["department_id", "department_name"] + list(facts)
    with (tmp_path / "rows.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(["a", "甲"] + list(facts.values()))
        w.writerow(["b", "乙"] + [("abc" if k == "annual_budget" else v) for k, v in facts.items()])
    report = run_batch(tmp_path / "rows.csv", "shenzhen-yantian-2023", tmp_path / "o2", jobs=1, rules="python")
    assert report.scored == 1 and report.failed[0]["key"] == "b" and report.failed[0]["code"] == "FACT_TYPE"
    rank = json.loads((tmp_path / "o2" / "summary.json").read_text(encoding="utf-8"))["ranking"]
    assert rank == [{"rank": 1, "key": "a", "name": "甲", "total": "94.91", "grade": "优"}]

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    ws.append(["x", "丙"] + [float(v) if v.replace(".", "").isdigit() and "." in v else v for v in facts.values()])
    wb.save(tmp_path / "rows.xlsx")
    report = run_batch(tmp_path / "rows.xlsx", "shenzhen-yantian-2023", tmp_path / "o3", jobs=1, rules="python")
    assert report.ok and report.scored == 1
    assert json.loads((tmp_path / "o3" / "summary.json").read_text(encoding="utf-8"))["ranking"][0]["total"] == "94.91"


def test_compare_lists_grade_changes(tmp_path, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=_plain))
    doc["facts"]["effectiveness_score"] = "20.3"  # 90.21 under 盐田, 89.68 under the district's stricter rules
    (tmp_path / "in.jsonl").write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    run_batch(
        tmp_path / "in.jsonl",
        "shenzhen-yantian-2023",
        tmp_path / "out",
        jobs=1,
        rules="python",
        compare="example-district-2023",
    )
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    a = Engine.from_rubric("shenzhen-yantian-2023", rules="python").evaluate(doc)
    b = Engine.from_rubric("example-district-2023", rules="python").evaluate(doc)
    assert (a.total, a.grade, b.total, b.grade) == (Decimal("90.21"), "优", Decimal("89.68"), "良")
    assert summary["grade_changes"] == [
        {
            "key": "yantian-qwb",
            "name": a.department_name,
            "total_a": "90.21",
            "grade_a": "优",
            "total_b": "89.68",
            "grade_b": "良",
        }
    ]


def test_bad_pack_fails_before_any_work(tmp_path):
    (tmp_path / "in.jsonl").write_text("", encoding="utf-8")
    out = CliRunner().invoke(
        main, ["batch", str(tmp_path / "in.jsonl"), "-r", "no-such-pack", "-o", str(tmp_path / "o")]
    )
    assert out.exit_code == 2 and "PACK_NOT_FOUND" in out.output
    assert not (tmp_path / "o" / "results.jsonl").exists()

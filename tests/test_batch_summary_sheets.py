"""summary.xlsx beyond its sheet limits: the ranking and the matrix stop with a note pointing at the full
lists, which summary.json and matrix.csv keep whole; the workbook's sheets stay in their order."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from openpyxl import load_workbook

from jixiao.batch import run_batch, summary

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402


def test_sheets_stop_at_their_limits_and_the_files_keep_everything(tmp_path, monkeypatch):
    monkeypatch.setitem(summary.SHEET_ROWS, "排名", 7)
    monkeypatch.setitem(summary.SHEET_ROWS, "失分矩阵", 4)
    docs = list(synth.generate(12, 3))
    (tmp_path / "in.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False, default=str) + "\n" for d in docs), encoding="utf-8"
    )
    run_batch(tmp_path / "in.jsonl", "shenzhen-yantian-2023", tmp_path / "out", jobs=1, rules="python")
    out = tmp_path / "out"
    wb = load_workbook(out / "summary.xlsx", read_only=True)
    assert wb.sheetnames == ["排名", "等级分布", "指标失分", "失分矩阵", "未完成评分"]
    ranked = list(wb["排名"].iter_rows(values_only=True))
    assert len(ranked) == 1 + 7 + 1 and ranked[-1][0] == "……共 12 个部门，完整排名见 summary.json"
    assert [r[0] for r in ranked[1:-1]] == list(range(1, 8))
    matrix = list(wb["失分矩阵"].iter_rows(values_only=True))
    assert len(matrix) == 1 + 4 + 1 and matrix[-1][0] == "……完整矩阵见 matrix.csv"
    full = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [r["rank"] for r in full["ranking"]] == list(range(1, 13))
    assert [tuple(r[:3]) for r in ranked[1:-1]] == [(r["rank"], r["key"], r["name"]) for r in full["ranking"][:7]]
    with (out / "matrix.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 13 and [r[0] for r in rows[1:]] == [d["department"]["id"] for d in docs]
    assert [list(r[:2]) for r in matrix[1:5]] == [r[:2] for r in rows[1:5]]

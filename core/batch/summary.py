"""The district view, built by streaming the results once: ranking, grade distribution,
points lost per indicator (which rules cost the district most), the department ×
indicator matrix of points lost, and, with a second pack, who changes grade.

Department ids and names come from the input, so every text cell of summary.xlsx and
matrix.csv goes through ``office.safe`` (a name such as ``=cmd|' /C calc'!A0`` is written
as text, never as a formula). Each file is written under a temporary name and renamed
into place: a batch killed while writing the summary leaves the previous file or none.
"""

from __future__ import annotations

import json
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from ..numbers import fmt_number
from ..office.safe import csv_writer, row_cells
from .audit_summary import AuditSummary, write_sheets
from .store import ResultStore

ZERO = Decimal(0)
SHEET_ROWS = {"排名": 200_000, "失分矩阵": 5_000}  # larger districts: the full lists are in summary.json and matrix.csv


class Ranking:
    """Totals and byte offsets of the scored departments in int64 arrays (16 bytes each); a
    ranked row is read back from the results file when written, so a million departments
    rank in a few tens of MB. Ties keep input order."""

    def __init__(self, store: ResultStore):
        self.store, self.cents, self.offsets = store, array("q"), array("q")

    def add(self, total: str, offset: int) -> None:
        self.cents.append(int(Decimal(total) * 100))
        self.offsets.append(offset)

    def __len__(self) -> int:
        return len(self.cents)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        n = len(self.cents)
        order = array("q", sorted(range(n), key=lambda i: (-self.cents[i] << 32) | i))
        for rank, i in enumerate(order, 1):
            rec = self.store.read_at(self.offsets[i])
            yield {
                "rank": rank,
                "key": rec["key"],
                "name": rec["department"]["name"],
                "total": rec["total"],
                "grade": rec["grade"],
            }


class _Sheet:
    """A write-only sheet whose ``append`` writes formula-like text as text."""

    def __init__(self, wb, title: str):
        self.ws = wb.create_sheet(title)

    def append(self, values) -> None:
        self.ws.append(row_cells(self.ws, values))


class Matrix:
    """The department × indicator matrix of points lost, written as the results are read: every scored
    department to matrix.csv, the first ``SHEET_ROWS["失分矩阵"]`` to the workbook's sheet."""

    def __init__(self, csv_out, sheet: _Sheet, leaves: list[tuple[str, str]]):
        self.csv_out, self.sheet, self.codes, self.rows = csv_out, sheet, [c for c, _ in leaves], 0
        head = ["部门编号", "部门名称"] + [f"{c} {name}" for c, name in leaves]
        csv_out.writerow(head)
        sheet.append(head)

    def add(self, rec: dict[str, Any]) -> None:
        row = [rec["key"], rec["department"]["name"]] + [rec["lost"].get(c, "0") for c in self.codes]
        self.csv_out.writerow(row)
        self.rows += 1
        if self.rows <= SHEET_ROWS["失分矩阵"]:
            self.sheet.append(row[:2] + [Decimal(v) for v in row[2:]])
        elif self.rows == SHEET_ROWS["失分矩阵"] + 1:
            self.sheet.append(["……完整矩阵见 matrix.csv"])


def summarise(
    store: ResultStore, pack, other=None, each_scored: Callable[[dict[str, Any]], None] | None = None
) -> tuple[dict[str, Any], Ranking]:
    """The district's figures from one pass over the results; ``each_scored`` is given every scored
    department's result on the way, in input order."""
    leaves = [(leaf.code, leaf.name, leaf.weight) for leaf in pack.leaves()]
    lost_sum = {c: ZERO for c, _, _ in leaves}
    score_sum = {c: ZERO for c, _, _ in leaves}
    lost_count: Counter[str] = Counter()
    scored_count: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    failed: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    ranking = Ranking(store)
    audits = AuditSummary({c: name for c, name, _ in leaves})
    for offset, rec in store.records_at():
        audits.add(rec)
        if rec["status"] != "scored":
            first = (rec.get("problems") or [{}])[0]
            failed.append(
                {"key": rec["key"], "status": rec["status"], "code": first.get("code"), "message": first.get("message")}
            )
            continue
        if each_scored is not None:
            each_scored(rec)
        grades[rec["grade"]] += 1
        ranking.add(rec["total"], offset)
        for code, score in rec["scores"].items():
            if code in score_sum and score is not None:
                score_sum[code] += Decimal(score)
                scored_count[code] += 1
        for code, lost in rec["lost"].items():
            if code in lost_sum:
                lost_sum[code] += Decimal(lost)
                lost_count[code] += 1
        b = rec.get("compare")
        if b and b["grade"] != rec["grade"]:
            changes.append(
                {
                    "key": rec["key"],
                    "name": rec["department"]["name"],
                    "total_a": rec["total"],
                    "grade_a": rec["grade"],
                    "total_b": b["total"],
                    "grade_b": b["grade"],
                }
            )
    n = len(ranking)
    per_indicator = [
        {
            "code": c,
            "name": name,
            "weight": fmt_number(w),
            "average_score": fmt_number((score_sum[c] / scored_count[c]).quantize(Decimal("0.01")))
            if scored_count[c]
            else None,
            "average_lost": fmt_number((lost_sum[c] / n).quantize(Decimal("0.01"))) if n else None,
            "departments_losing": lost_count[c],
            "total_lost": fmt_number(lost_sum[c]),
        }
        for c, name, w in leaves
    ]
    per_indicator.sort(key=lambda r: (-Decimal(r["total_lost"]), r["code"]))
    summary = {
        "rubric": pack.id,
        "compare_rubric": other.id if other else None,
        "departments": n + len(failed),
        "scored": n,
        "failed": failed,
        "grades": {band.grade: grades.get(band.grade, 0) for band in pack.grades},
        "indicators": per_indicator,
        "grade_changes": changes,
    }
    audit = audits.to_dict()
    if audit is not None:
        summary["audit"] = audit
    return summary, ranking


def write_summary(store: ResultStore, pack, other=None) -> dict[str, Any]:
    """summary.json (the ranking streamed into it one department a line), summary.xlsx and matrix.csv, from
    two passes over the results: one in input order for the figures and the matrix, one in ranking order
    for the ranking, into summary.json and the workbook at once.

    A write-only workbook writes each sheet to a file of its own, so the sheets are made in
    the order they are shown and filled in the order the passes reach them.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ranked, by_grade, by_indicator, matrix_sheet = (_Sheet(wb, t) for t in ("排名", "等级分布", "指标失分", "失分矩阵"))
    with (store.dir / "matrix.csv.tmp").open("w", encoding="utf-8-sig", newline="") as fh:
        matrix = Matrix(csv_writer(fh), matrix_sheet, [(leaf.code, leaf.name) for leaf in pack.leaves()])
        summary, ranking = summarise(store, pack, other, matrix.add)
    tmp = store.dir / "summary.json.tmp"
    with tmp.open("w", encoding="utf-8") as out:
        head = json.dumps(summary, ensure_ascii=False, indent=2)
        out.write(head[:-2] + ',\n  "ranking": [')
        ranked.append(["名次", "部门编号", "部门名称", "总分", "等级"])
        for i, r in enumerate(ranking):
            out.write(("," if i else "") + "\n    " + json.dumps(r, ensure_ascii=False))
            if r["rank"] <= SHEET_ROWS["排名"]:
                ranked.append([r["rank"], r["key"], r["name"], Decimal(r["total"]), r["grade"]])
            elif r["rank"] == SHEET_ROWS["排名"] + 1:
                ranked.append([f"……共 {len(ranking):,} 个部门，完整排名见 summary.json"])
        out.write("\n  ]\n}\n")
    _figures(wb, summary, by_grade, by_indicator)
    wb.save(store.dir / "summary.xlsx.tmp")
    store.close()
    os.replace(store.dir / "matrix.csv.tmp", store.dir / "matrix.csv")
    os.replace(store.dir / "summary.xlsx.tmp", store.dir / "summary.xlsx")
    os.replace(tmp, store.dir / "summary.json")  # last: summary.json present means the whole summary is
    return summary


def _figures(wb, summary: dict[str, Any], by_grade: _Sheet, by_indicator: _Sheet) -> None:
    """The sheets of the district's figures, and those after the matrix."""
    by_grade.append(["等级", "部门数"])
    for grade, count in summary["grades"].items():
        by_grade.append([grade, count])
    by_indicator.append(["编码", "三级指标", "分值", "平均得分", "平均失分", "失分部门数", "失分合计"])
    for r in summary["indicators"]:
        by_indicator.append(
            [
                r["code"],
                r["name"],
                Decimal(r["weight"]),
                _num(r["average_score"]),
                _num(r["average_lost"]),
                r["departments_losing"],
                Decimal(r["total_lost"]),
            ]
        )
    ws = _Sheet(wb, "未完成评分")
    ws.append(["部门编号", "状态", "代码", "说明"])
    for f in summary["failed"]:
        ws.append([f["key"], f["status"], f["code"], f["message"]])
    if summary["compare_rubric"]:
        ws = _Sheet(wb, "等级变化")
        ws.append(
            ["部门编号", "部门名称", f"{summary['rubric']} 总分", "等级", f"{summary['compare_rubric']} 总分", "等级"]
        )
        for c in summary["grade_changes"]:
            ws.append([c["key"], c["name"], Decimal(c["total_a"]), c["grade_a"], Decimal(c["total_b"]), c["grade_b"]])
    if "audit" in summary:
        write_sheets(lambda title: _Sheet(wb, title), summary["audit"], SHEET_ROWS["排名"])


def _num(v):
    return None if v is None else Decimal(v)

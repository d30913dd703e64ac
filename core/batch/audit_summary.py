"""District 复核: which departments' claimed scores differ from the computation, by how much, and where.

Read from the result lines' ``audit`` parts in the one pass the summary makes over
``results.jsonl``. Absent from the summary when no department claimed anything.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from ..numbers import fmt_number

SHEET_DIFFERING, SHEET_INDICATORS = "复核差异", "复核指标"


class AuditSummary:
    def __init__(self, leaves: dict[str, str]):
        self.leaves = leaves  # code → name, in the pack's order
        self.departments = 0
        self.agreeing = 0
        self.differing: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.departments_by_indicator: Counter[str] = Counter()
        self.difference_by_indicator: dict[str, Decimal] = {}

    def add(self, rec: dict[str, Any]) -> None:
        audit = rec.get("audit")
        if not isinstance(audit, dict):
            return
        self.departments += 1
        for p in audit.get("problems") or []:
            self.refused.append({"key": rec["key"], "code": p.get("code"), "message": p.get("message")})
        if audit.get("agrees"):
            self.agreeing += 1
            return
        findings = audit.get("findings") or []
        codes = sorted({f["code"] for f in findings if f.get("kind") == "score" and f.get("code") in self.leaves})
        for f in findings:
            if f.get("kind") == "score" and f.get("code") in self.leaves and f.get("difference") is not None:
                self.departments_by_indicator[f["code"]] += 1
                self.difference_by_indicator[f["code"]] = self.difference_by_indicator.get(
                    f["code"], Decimal(0)
                ) + Decimal(f["difference"])
        if findings:
            self.differing.append(
                {
                    "key": rec["key"],
                    "name": (rec.get("department") or {}).get("name", ""),
                    "claimed_total": audit.get("claimed_total"),
                    "computed_total": audit.get("computed_total"),
                    "difference": audit.get("difference"),
                    "findings": len(findings),
                    "indicators": codes,
                }
            )

    def to_dict(self) -> dict[str, Any] | None:
        if not self.departments:
            return None
        differing = sorted(
            self.differing,
            key=lambda d: (d["difference"] is None, -abs(Decimal(d["difference"] or 0)), d["key"]),
        )
        by_indicator = [
            {
                "code": code,
                "name": self.leaves[code],
                "departments": n,
                "total_difference": fmt_number(self.difference_by_indicator.get(code, Decimal(0))),
            }
            for code, n in sorted(self.departments_by_indicator.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return {
            "departments": self.departments,
            "agreeing": self.agreeing,
            "differing": differing,
            "refused": self.refused,
            "by_indicator": by_indicator,
        }


def write_sheets(sheet, summary: dict[str, Any], limit: int) -> None:
    """The 复核 sheets of summary.xlsx; ``sheet(title)`` makes a sheet whose text is never a formula."""
    ws = sheet(SHEET_DIFFERING)
    ws.append(["部门编号", "部门名称", "自评总分", "复核总分", "差异", "发现数", "得分不符的指标"])
    for i, d in enumerate(summary["differing"]):
        if i == limit:
            ws.append([f"……共 {len(summary['differing']):,} 个部门，完整列表见 summary.json 的 audit"])
            break
        ws.append(
            [
                d["key"],
                d["name"],
                _num(d["claimed_total"]),
                _num(d["computed_total"]),
                _num(d["difference"]),
                d["findings"],
                "、".join(d["indicators"]),
            ]
        )
    ws = sheet(SHEET_INDICATORS)
    ws.append(["编码", "指标", "自评与复核不符的部门数", "差异合计（自评−复核）"])
    for r in summary["by_indicator"]:
        ws.append([r["code"], r["name"], r["departments"], Decimal(r["total_difference"])])


def _num(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)

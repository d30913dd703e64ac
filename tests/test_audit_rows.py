"""复核 of a project form row by row: the 复核表 lists the 三级指标 the department listed, and a finding
names the row whose score differs — not the indicator with every deduction under it."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli

from jixiao import Engine
from jixiao.audit import text
from jixiao.office.audit_files import audit_workbook
from jixiao.office.workbook import scorecard_workbook
from jixiao.yamlio import load_path

EXAMPLE = Path(__file__).parent.parent / "examples" / "mof-project" / "facts.yaml"


@pytest.fixture(scope="module")
def mof() -> Engine:
    return Engine.from_rubric("mof-project-2020", rules="python")


def form_with(mof: Engine, tmp_path: Path, **scores: float) -> Path:
    """The example's form as jixiao writes it, with some rows' 得分 changed (by 三级指标 name)."""
    wb = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(mof.evaluate(load_path(EXAMPLE)), mof)))
    ws = wb.worksheets[0]
    for name, score in scores.items():
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=4).value == name)
        ws.cell(row=row, column=8).value = score
    path = tmp_path / "自评表.xlsx"
    wb.save(path)
    return path


def test_a_wrong_row_is_named_with_its_own_reason(mof, tmp_path):
    audit = mof.audit(form_with(mof, tmp_path, 补贴按月发放及时率=9))
    assert [(f.kind, f.code, f.row, f.name, f.difference) for f in audit.findings] == [
        ("score", "2.1", 3, "补贴按月发放及时率", Decimal(-1))
    ]
    reason = audit.findings[0].reason
    assert "复核得满分10分" in reason and "上门服务人次" not in reason  # another row's deduction is not quoted
    assert "补贴按月发放及时率（2.1 第3行）：得分不符" in "\n".join(text.opinion(audit))


def test_a_rows_reason_quotes_that_rows_deduction(mof, tmp_path):
    audit = mof.audit(form_with(mof, tmp_path, 上门服务人次=20))
    (finding,) = [f for f in audit.findings if f.row is not None]
    assert finding.row == 1 and finding.difference == 1
    assert "上门服务人次" in finding.reason and "11400人次" in finding.reason and "人均年服务成本" not in finding.reason


def test_the_audit_table_lists_the_forms_rows_under_their_groups(mof, tmp_path):
    audit = mof.audit(form_with(mof, tmp_path, 补贴按月发放及时率=9))
    rows = audit.rows()
    listed = [(r.path, r.name, r.claimed, r.computed) for r in rows if r.row is not None]
    assert listed[:4] == [
        (("产出指标", "数量指标"), "上门服务人次", Decimal(19), Decimal(19)),
        (("产出指标", "质量指标"), "服务回访合格率", Decimal(10), Decimal(10)),
        (("产出指标", "时效指标"), "补贴按月发放及时率", Decimal(9), Decimal(10)),
        (("产出指标", "成本指标"), "人均年服务成本", Decimal("9.52"), Decimal("9.52")),
    ]
    na = next(r for r in rows if r.name == "带动社区就业人数")
    assert na.claimed is None and na.computed is None
    assert [r.first for r in rows if r.row is not None][:2] == [(True, True), (False, True)]
    table = text.table(audit)
    assert "三级指标" in table and "补贴按月发放及时率" in table
    ws = openpyxl.load_workbook(io.BytesIO(audit_workbook(audit))).worksheets[0]
    cells = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    assert ["时效指标", "补贴按月发放及时率", 10, 9, 10, -1] == cells[
        [c[:2] for c in cells].index(["时效指标", "补贴按月发放及时率"])
    ][:6]


def test_the_json_finding_carries_the_row(mof, tmp_path):
    out = run_cli("audit", form_with(mof, tmp_path, 服务对象满意度=8), "--format", "json")
    assert out.exit_code == 0
    assert '"row": 1' in out.stdout and '"name": "服务对象满意度"' in out.stdout


def test_rows_claimed_in_a_facts_document(mof):
    doc = load_path(EXAMPLE)
    doc["claimed"] = {
        "rows": {
            "产出指标（单位设定）": [{"name": "人均年服务成本", "score": "9.6"}, {"name": "不存在的行", "score": 1}],
        }
    }
    audit = mof.audit(doc)
    found = [(f.kind, f.name, f.row) for f in audit.findings]
    assert ("score", "人均年服务成本", 4) in found and ("unknown", "不存在的行", None) in found


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ([1, 2], "应为映射"),
        ({"9.9": []}, "不是本评分体系的末级指标"),
        ({"2.1": {"name": "x"}}, "应为列表"),
        ({"2.1": [{"score": 1}]}, "应写 name"),
        ({"2.1": [{"name": "上门服务人次", "score": "十九"}]}, "不是可用的得分"),
    ],
)
def test_rows_that_cannot_be_read_are_problems_not_guesses(mof, rows, says):
    doc = load_path(EXAMPLE)
    doc["claimed"] = {"rows": rows}
    audit = mof.audit(doc)
    assert any(p.code in ("CLAIM_FORMAT", "FACT_FORMAT") and says in p.message for p in audit.problems), audit.problems
    assert not audit.complete

"""``jixiao audit`` as a reviewer runs it: every format, the exit codes, and the mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from conftest import REFERENCE_FACTS, run_cli
from docx import Document

PY = ("--rules", "python")


def changed(tmp_path: Path, old: str, new: str) -> Path:
    text = REFERENCE_FACTS.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "facts.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_reference_audits_clean():
    result = run_cli("audit", REFERENCE_FACTS, *PY)
    assert result.exit_code == 0, result.stderr
    assert "自评得分与复核得分一致" in result.stdout and "94.91" in result.stdout


def test_a_changed_claim_is_found_and_the_exit_code_is_still_0(tmp_path):
    path = changed(tmp_path, "    编外人员控制率: 0\n", "    编外人员控制率: 1\n")
    result = run_cli("audit", path, *PY, "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["agrees"] is False and out["claimed_total"] == out["computed_total"] == "94.91"
    assert [(f["kind"], f["code"]) for f in out["findings"]] == [("score", "2.4.2"), ("arithmetic", "total")]


def test_markdown_shows_the_review_table_and_opinion(tmp_path):
    path = changed(tmp_path, "    编外人员控制率: 0\n", "    编外人员控制率: 1\n")
    result = run_cli("audit", path, *PY, "--format", "markdown")
    assert result.exit_code == 0
    assert "| 自评得分 | 复核得分 | 差异 | 说明 |" in result.stdout and "## 复核意见" in result.stdout


def test_xlsx_and_docx(tmp_path):
    path = changed(tmp_path, "    编外人员控制率: 0\n", "    编外人员控制率: 1\n")
    assert run_cli("audit", path, *PY, "--format", "xlsx", "-o", tmp_path / "a.xlsx").exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["复核表", "复核发现", "复核意见"]
    rows = list(wb["复核表"].iter_rows(min_row=4, values_only=True))
    assert rows[0][-5:] == ("分值", "自评得分", "复核得分", "差异", "说明")
    outsourced = next(r for r in rows if r[2] == "编外人员控制率")
    assert outsourced[3:7] == (1, 1, 0, 1) and outsourced[7].startswith("得分不符")
    assert rows[-1][0] == "总计" and rows[-1][4:6] == (94.91, 94.91)
    assert any(str(r.coord) == "A5:A8" for r in wb["复核表"].merged_cells.ranges)  # 一级 merged over its leaves
    assert run_cli("audit", path, *PY, "--format", "docx", "-o", tmp_path / "a.docx").exit_code == 0
    doc = Document(str(tmp_path / "a.docx"))
    assert any("复核意见" in p.text for p in doc.paragraphs)
    assert doc.tables[0].rows[0].cells[-4].text == "自评得分"


def test_binary_formats_need_an_output_file():
    result = run_cli("audit", REFERENCE_FACTS, *PY, "--format", "xlsx")
    assert result.exit_code == 2 and "OUTPUT_REQUIRED" in result.stderr


def test_a_document_that_claims_nothing_is_a_usage_error(tmp_path):
    text = REFERENCE_FACTS.read_text(encoding="utf-8")
    path = tmp_path / "facts.yaml"
    path.write_text(text[: text.index("\nclaimed:")] + "\n", encoding="utf-8")
    result = run_cli("audit", path, *PY)
    assert result.exit_code == 2 and "CLAIM_MISSING" in result.stderr and "claimed:" in result.stderr


def test_a_misspelt_claimed_block_is_refused_by_every_command(tmp_path):
    path = changed(tmp_path, "\nclaimed:\n", "\nclaimd:\n")
    for command in ("audit", "evaluate"):
        result = run_cli(command, path, *PY)
        assert result.exit_code == 2 and "FACTS_FORMAT" in result.stderr and "claimd" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("    预算执行率: 5.98\n", "    预算执行率: 5,98\n", "FACT_FORMAT"),  # refused, not read as 5.98 or 598
        ('    "2.2.2": 2', "    项目管理: 2", "CLAIM_AMBIGUOUS"),
    ],
)
def test_a_claim_that_cannot_be_read_exits_1_and_says_so(tmp_path, old, new, code):
    path = changed(tmp_path, old, new)
    result = run_cli("audit", path, *PY)
    assert result.exit_code == 1 and code in result.stdout and "未能读取的自评内容" in result.stdout


def test_a_leaf_that_cannot_be_scored_exits_1(tmp_path):
    path = changed(tmp_path, "  satisfaction_rate: 100%\n", "")
    result = run_cli("audit", path, *PY)
    assert result.exit_code == 1 and "无法复核" in result.stdout


def test_python_api(engine):
    result = engine.audit(REFERENCE_FACTS)
    assert result.agrees and result.card.total == result.claims.total

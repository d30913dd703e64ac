"""Safe outputs: no text from the input becomes a live formula in any xlsx or CSV jixiao writes
(issue "Formula injection"; OWASP CSV injection: = + - @ tab and carriage return).

Each test opens the files it made and looks for formulas both through openpyxl and in
the raw sheet XML (a ``<f>`` element), so a regression cannot hide behind a reader.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from batchkit import PACK
from conftest import run_cli
from openpyxl import load_workbook

from jixiao import Engine
from jixiao.office.safe import csv_field, is_formula_like

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\",\"y\")"]


def assert_no_formula(path: Path) -> list:
    """Every cell of every sheet, after checking that none of them is a formula."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), f"{path.name}:{name} holds a formula"
    wb = load_workbook(path)
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name} {ws.title}!{cell.coordinate} = {cell.value!r}"
                if is_formula_like(cell.value):
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate} should keep the quote prefix"
                values.append(cell.value)
    return values


def test_control_characters_in_names_do_not_break_the_scorecard_files(tmp_path, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["department"] = {"id": "ctl\x01", "name": "名称\x07\x1f"}
    engine = Engine.from_rubric(PACK, rules="python")
    from jixiao.office.document import scorecard_document
    from jixiao.office.workbook import scorecard_workbook

    card = engine.evaluate(doc)
    (tmp_path / "card.xlsx").write_bytes(scorecard_workbook(card, engine))
    assert_no_formula(tmp_path / "card.xlsx")
    assert scorecard_document(card, engine)[:2] == b"PK"


def test_template_prefilled_from_hostile_facts_has_no_formula(tmp_path, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["department"] = {"id": "=cmd|' /C calc'!A0", "name": "@SUM(1+1)"}
    doc["facts"]["effectiveness_reason"] = "-1+1 效益分析"
    (tmp_path / "facts.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = run_cli("template", "-r", PACK, "-o", tmp_path / "t.xlsx", "--facts", tmp_path / "facts.json")
    assert out.exit_code == 0, out.stderr
    values = assert_no_formula(tmp_path / "t.xlsx")
    assert "=cmd|' /C calc'!A0" in values and "@SUM(1+1)" in values and "-1+1 效益分析" in values
    back = run_cli("evaluate", tmp_path / "t.xlsx", "--format", "json")  # the escaped template reads back as the same values
    assert back.exit_code == 0, back.stderr
    assert json.loads(back.stdout)["department"]["id"] == "=cmd|' /C calc'!A0"


def test_scorecard_workbook_writes_a_hostile_name_as_text(tmp_path, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["department"] = {"id": "+86", "name": "=1+1"}
    (tmp_path / "facts.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = run_cli("evaluate", tmp_path / "facts.json", "--format", "xlsx", "-o", tmp_path / "card.xlsx")
    assert out.exit_code == 0, out.stderr
    assert_no_formula(tmp_path / "card.xlsx")


def test_the_rule():
    assert [csv_field(v) for v in ("=a", "+a", "-a", "@a", "\ta", "\ra", "a=b", "", 5, None)] == \
        ["'=a", "'+a", "'-a", "'@a", "'\ta", "'\ra", "a=b", "", 5, None]

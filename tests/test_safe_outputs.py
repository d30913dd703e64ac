"""Safe outputs: no text from the input becomes a live formula in any xlsx or CSV jixiao writes
(issue "Formula injection"; OWASP CSV injection: = + - @ tab and carriage return).

Each test opens the files it made and looks for formulas both through openpyxl and in
the raw sheet XML (a ``<f>`` element), so a regression cannot hide behind a reader.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

from batchkit import PACK, docs, write_jsonl
from conftest import run_cli
from openpyxl import load_workbook

from jixiao import Engine
from jixiao.batch import run_batch

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what a spreadsheet may take for the start of a formula
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")']


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def assert_no_formula(path: Path) -> list:
    """Every cell of every sheet, after checking that none of them is a formula."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), (
                    f"{path.name}:{name} holds a formula"
                )
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


def test_summary_xlsx_and_matrix_csv_write_hostile_ids_and_names_as_text(tmp_path):
    documents = docs(len(HOSTILE), seed=12)
    for doc, text in zip(documents, HOSTILE):
        doc["department"] = {"id": text, "name": text + " 名称"}
    write_jsonl(tmp_path / "in.jsonl", documents)
    report = run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python")
    one_line = [t for t in HOSTILE if t.isprintable()]  # a tab or carriage return in an id is refused
    assert report.scored == len(one_line) and report.errors == len(HOSTILE) - len(one_line)
    values = assert_no_formula(tmp_path / "out" / "summary.xlsx")
    for text in one_line:
        assert text in values and text + " 名称" in values
    with (tmp_path / "out" / "matrix.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    ids = [r[0] for r in rows[1:]]
    assert sorted(ids) == sorted("'" + t for t in one_line)
    assert not any(field.startswith(FORMULA_STARTS) for row in rows for field in row)
    raw = (tmp_path / "out" / "matrix.csv").read_text(encoding="utf-8-sig")
    assert all(
        record.startswith('"') for record in raw.split("\r\n") if record
    )  # every field quoted: a ";" cannot start a cell
    ranking = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["ranking"]
    assert sorted(r["key"] for r in ranking) == sorted(one_line)  # the JSON keeps the values as they are


def test_failed_departments_sheet_escapes_messages_and_keys(tmp_path):
    (tmp_path / "in.jsonl").write_text(
        "=1+1\n" + json.dumps({"department": {"id": "@x"}, "facts": {"annual_budget": "=2+2"}}) + "\n", encoding="utf-8"
    )
    run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python")
    values = assert_no_formula(tmp_path / "out" / "summary.xlsx")
    assert "@x" in values


def test_control_characters_in_names_do_not_break_the_summary(tmp_path, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["department"] = {"id": "ctl\x01", "name": "名称\x07\x1f"}
    write_jsonl(tmp_path / "in.jsonl", [doc, reference_doc | {"department": {"id": "ok", "name": "部门"}}])
    report = run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python")
    assert report.scored == 1 and report.errors == 1  # an id or name is one line of text (test_controls.py)
    values = assert_no_formula(tmp_path / "out" / "summary.xlsx")
    assert "ok" in values and not any(isinstance(v, str) and "\x01" in v for v in values)


def test_control_characters_in_texts_do_not_break_the_scorecard_files(tmp_path, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["facts"]["effectiveness_reason"] = "理由\x01\x07\x1f"
    doc["facts"]["ctl\x01"] = 1  # an unknown fact: its name is shown
    engine = Engine.from_rubric(PACK, rules="python")
    from jixiao.office.document import scorecard_document
    from jixiao.office.workbook import scorecard_workbook

    card = engine.evaluate(doc)
    (tmp_path / "card.xlsx").write_bytes(scorecard_workbook(card, engine))
    values = assert_no_formula(tmp_path / "card.xlsx")
    assert any(isinstance(v, str) and "\ufffd" in v for v in values)
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
    back = run_cli(
        "evaluate", tmp_path / "t.xlsx", "--format", "json"
    )  # the escaped template reads back as the same values
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
    from jixiao.office.safe import csv_field

    assert [csv_field(v) for v in ("=a", "+a", "-a", "@a", "\ta", "\ra", "a=b", "", 5, None)] == [
        "'=a",
        "'+a",
        "'-a",
        "'@a",
        "'\ta",
        "'\ra",
        "a=b",
        "",
        5,
        None,
    ]


def test_a_very_long_department_name_still_makes_every_document(tmp_path, reference_doc):
    """python-docx refuses a title over 255 characters: a 3,000-character name ended the docx
    formats with an internal error."""
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["department"]["name"] = "很长的部门名称" * 430
    doc["claimed"] = {"total": "94.91"}
    (tmp_path / "facts.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    for command, fmt in (("evaluate", "docx"), ("evaluate", "xlsx"), ("audit", "docx"), ("audit", "xlsx")):
        out = run_cli(command, tmp_path / "facts.json", "--format", fmt, "-o", tmp_path / f"{command}.{fmt}")
        assert out.exit_code in (0, 1), (command, fmt, out.stderr)
        assert (tmp_path / f"{command}.{fmt}").read_bytes()[:2] == b"PK"


def test_no_cell_holds_more_text_than_excel_allows(tmp_path, reference_doc):
    """A 40,000-character reason or name was written whole: Excel reports such a workbook as damaged."""
    from jixiao.office.safe import CELL_CHARS

    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["department"]["name"] = "名" * 40_000
    doc["facts"]["effectiveness_reason"] = "理由" * 20_000
    doc["claimed"] = {"total": "94.91"}
    (tmp_path / "facts.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    made = []
    for command, extra in (("evaluate", ()), ("audit", ()), ("template", ("-r", PACK, "--facts"))):
        out_file = tmp_path / f"{command}.xlsx"
        args = (command, *extra, tmp_path / "facts.json")
        out = (
            run_cli(*args, "-o", out_file)
            if command == "template"
            else run_cli(*args, "--format", "xlsx", "-o", out_file)
        )
        assert out.exit_code in (0, 1), (command, out.stderr)
        made.append(out_file)
    write_jsonl(tmp_path / "in.jsonl", [doc])
    run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python")
    made.append(tmp_path / "out" / "summary.xlsx")
    for path in made:
        values = assert_no_formula(path)
        assert max(len(v) for v in values if isinstance(v, str)) <= CELL_CHARS, path.name

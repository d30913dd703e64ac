"""Bounded work for small input (issue "Small files, big costs"): an xlsx that unpacks beyond the
limit is refused with INPUT_LIMIT before openpyxl reads it, and a sheet that declares a
far-away cell costs seconds, not a million rows of work. The limit is raised by a flag.
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path

from batchkit import PACK, by_key, inflate_xlsx
from conftest import run_cli
from openpyxl import Workbook

MAX_XLSX_BYTES = 100 * 1024 * 1024  # the documented default of --limit xlsx-mb


def _rows_workbook(path: Path, header: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_an_xlsx_that_unpacks_beyond_the_default_limit_is_refused_before_reading(tmp_path):
    path = inflate_xlsx(
        _rows_workbook(tmp_path / "rows.xlsx", ["department_id"], []), MAX_XLSX_BYTES + 10 * 1024 * 1024
    )
    assert path.stat().st_size < 3 * 1024 * 1024
    started = time.monotonic()
    out = run_cli("batch", path, "-r", PACK, "-o", tmp_path / "out", "--rules", "python", "-j", "1", "-q")
    assert time.monotonic() - started < 10
    assert (
        out.exit_code == 2
        and "错误 [INPUT_LIMIT]" in out.stderr
        and "--limit xlsx-mb=" in out.stderr
        and "100 MB" in out.stderr
    )


def test_the_limit_is_a_flag(tmp_path, reference_doc):
    facts = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in reference_doc["facts"].items()}
    path = _rows_workbook(
        tmp_path / "rows.xlsx",
        ["department_id", "department_name"] + list(facts),
        [[f"d{i}", "甲"] + list(facts.values()) for i in range(300)],
    )
    out = run_cli(
        "--limit",
        "xlsx-mb=0.05",
        "batch",
        path,
        "-r",
        PACK,
        "-o",
        tmp_path / "o1",
        "--rules",
        "python",
        "-j",
        "1",
        "-q",
    )
    assert out.exit_code == 2 and "[INPUT_LIMIT]" in out.stderr and "超过上限 0.05 MB" in out.stderr
    out = run_cli(
        "--limit", "xlsx-mb=5", "batch", path, "-r", PACK, "-o", tmp_path / "o2", "--rules", "python", "-j", "1", "-q"
    )
    assert out.exit_code == 0, out.stderr
    assert json.loads((tmp_path / "o2" / "summary.json").read_text(encoding="utf-8"))["scored"] == 300


def test_an_inflated_facts_workbook_in_a_folder_is_one_error_line(tmp_path, reference_doc):
    from jixiao import Engine
    from jixiao.office.template import template_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    engine = Engine.from_rubric(PACK, rules="python")
    doc = json.loads(json.dumps(reference_doc, default=str))
    (folder / "a.xlsx").write_bytes(template_workbook(engine, doc))
    doc["department"]["id"] = "b"
    (folder / "b.xlsx").write_bytes(template_workbook(engine, doc))
    inflate_xlsx(folder / "b.xlsx", 3 * 1024 * 1024)
    out = run_cli(
        "--limit",
        "xlsx-mb=2",
        "batch",
        folder,
        "-r",
        PACK,
        "-o",
        tmp_path / "out",
        "--rules",
        "python",
        "-j",
        "1",
        "-q",
    )
    assert out.exit_code == 1, out.stderr
    recs = by_key(tmp_path / "out")
    assert recs[reference_doc["department"]["id"]]["status"] == "scored"
    assert recs["file:b.xlsx"]["problems"][0]["code"] == "INPUT_LIMIT"


def test_a_far_away_cell_costs_seconds_not_a_million_rows(tmp_path, reference_doc):
    facts = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in reference_doc["facts"].items()}
    path = _rows_workbook(
        tmp_path / "rows.xlsx", ["department_id", "department_name"] + list(facts), [["a", "甲"] + list(facts.values())]
    )
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    sheet, declared = re.subn(rb'<dimension ref="[A-Z0-9:]+"/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
    assert declared == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else data)
    started = time.monotonic()
    out = run_cli("batch", path, "-r", PACK, "-o", tmp_path / "out", "--rules", "python", "-j", "1", "-q")
    assert time.monotonic() - started < 15
    assert out.exit_code == 0, out.stderr
    assert list(by_key(tmp_path / "out")) == ["a"]

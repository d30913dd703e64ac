"""Reading a filled-in facts workbook from outside: a mistake in it is the user's (exit 2, the cell
named), never an internal error, and a small file cannot cost a million rows of work.

The landed code answered an overwritten header cell (B6, "事实名（勿改）") with
"内部错误：AttributeError: 'MergedCell' object has no attribute 'column_letter'" (exit 3).
"""

from __future__ import annotations

import json
import time
import zipfile

import pytest
from batchkit import inflate_xlsx
from conftest import run_cli
from openpyxl import load_workbook

from jixiao import Engine, JixiaoError
from jixiao.office.template import template_workbook

PACK = "shenzhen-yantian-2023"
MAX_XLSX_BYTES = 100 * 1024 * 1024  # the documented default of --limit xlsx-mb


def _template(tmp_path, reference_doc, name="t.xlsx"):
    engine = Engine.from_rubric(PACK, rules="python")
    path = tmp_path / name
    path.write_bytes(template_workbook(engine, reference_doc))
    return path


@pytest.mark.parametrize("value", [None, 5, "事实", "=A1"], ids=["cleared", "number", "text", "formula"])
def test_template_header_cell_overwritten(tmp_path, reference_doc, value):
    path = _template(tmp_path, reference_doc)
    wb = load_workbook(path)
    wb["事实"]["B6"] = value
    wb.save(path)
    out = run_cli("evaluate", path)
    assert out.exit_code == 2 and "错误 [FACTS_FORMAT]" in out.stderr and "B6" in out.stderr
    if value == "=A1":  # a formula is refused as such, wherever it is
        assert "是公式" in out.stderr and "选择性粘贴" in out.stderr
        return
    assert "事实名（勿改）" in out.stderr and "jixiao template" in out.stderr


def test_a_formula_among_the_facts_is_refused_not_taken_from_its_cache(tmp_path, reference_doc):
    path = _template(tmp_path, reference_doc)
    wb = load_workbook(path)
    ws = wb["事实"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "staffed_headcount")
    ws.cell(row=row, column=4).value = "=30+7"
    wb.save(path)
    out = run_cli("evaluate", path)
    assert out.exit_code == 2 and "错误 [FACTS_FORMAT]" in out.stderr
    assert f"D{row}" in out.stderr and "=30+7" in out.stderr and "是公式" in out.stderr


def test_a_facts_workbook_with_a_far_away_cell_is_refused(tmp_path, reference_doc):
    engine = Engine.from_rubric(PACK, rules="python")
    (tmp_path / "t.xlsx").write_bytes(template_workbook(engine, json.loads(json.dumps(reference_doc, default=str))))
    wb = load_workbook(tmp_path / "t.xlsx")
    wb["事实"]["B1048576"] = "x"
    wb.save(tmp_path / "t.xlsx")
    started = time.monotonic()
    out = run_cli("evaluate", tmp_path / "t.xlsx")
    assert time.monotonic() - started < 10
    assert out.exit_code == 2 and "错误 [INPUT_LIMIT]" in out.stderr and "1,048,576 行" in out.stderr


def test_a_facts_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path, reference_doc):
    path = inflate_xlsx(_template(tmp_path, reference_doc), MAX_XLSX_BYTES + 1024 * 1024)
    assert path.stat().st_size < 3 * 1024 * 1024
    started = time.monotonic()
    out = run_cli("evaluate", path)
    assert time.monotonic() - started < 10
    assert out.exit_code == 2 and "错误 [INPUT_LIMIT]" in out.stderr and "解压后" in out.stderr


def _many_cells(path, rows: int):
    """The template with ``rows`` rows of small cells added below its facts (distinct rows: each is kept)."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    data = parts[sheet]
    end = data.rindex(b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, part in parts.items():
            if name != sheet:
                zf.writestr(name, part)
        cells = b"".join(
            b'<row r="%d"><c r="F%d"><v>1</v></c><c r="G%d"><v>2</v></c><c r="H%d"><v>3</v></c></row>' % (r, r, r, r)
            for r in range(1000, 1000 + rows)
        )
        zf.writestr(sheet, data[:end] + cells + data[end:])
    return path


def test_a_small_workbook_of_many_cells_is_refused_before_it_is_loaded(tmp_path, reference_doc):
    """A 9.5 MB workbook of 2.6 million cells, inside the unpacked-size limit, took 34 s and 1 GB before
    its rows were counted; its XML elements are now counted from the zip first."""
    path = _many_cells(_template(tmp_path, reference_doc), 60_000)  # fewer rows than the row limit
    assert path.stat().st_size < 2 * 1024 * 1024
    out = run_cli("evaluate", path)
    assert out.exit_code == 2 and "错误 [INPUT_LIMIT]" in out.stderr and "工作簿内容过多" in out.stderr


def test_a_filled_in_template_is_far_below_the_element_limit(tmp_path, reference_doc):
    from jixiao.office.limits import MAX_WORKBOOK_ELEMENTS, check_elements

    path = _template(tmp_path, reference_doc)
    check_elements(path, MAX_WORKBOOK_ELEMENTS // 50)
    with pytest.raises(JixiaoError):
        check_elements(path, 500)

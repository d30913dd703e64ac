"""Excel, Word, HTML and Markdown outputs, read back as a user's program would read them.

The reference case (盐田区委办 2023) must come out as the report's 附件 prints it: the
same 21 scores and 94.91, the same merged groups, the six deduction subsections with
numbers quoted; a filled-in template must score the same; a bad cell must be named.
Run as a script (``python tests/test_office.py --fingerprint FILE…``) it prints the
content fingerprints docs/render_images.sh records beside the images it renders.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.enum.section import WD_ORIENT

from jixiao import JixiaoError, render
from jixiao.cli import main
from jixiao.facts import read_facts_file
from jixiao.numbers import to_decimal
from jixiao.office.audit_files import audit_workbook
from jixiao.office.document import scorecard_document
from jixiao.office.html import scorecard_html
from jixiao.office.template import KEY_COL, VALUE_COL, template_workbook
from jixiao.office.workbook import scorecard_workbook
from jixiao.yamlio import load_path

HERE = Path(__file__).parent
ROOT = HERE.parent
FACTS = ROOT / "examples" / "yantian-2023" / "facts.yaml"
GOLDEN = load_path(HERE / "golden" / "yantian-2023.yaml")
SCORES = {name: Decimal(v) for name, v in GOLDEN["scores"].items()}
IMAGES = ROOT / "docs" / "images"

# The report's 三（二）: title, and numbers its 存在问题 must quote.
SECTIONS = [
    ("1. “绩效指标明确性”指标满分5分，得3分", ["细化分解为具体工作任务", "清晰、可衡量的指标值", "扣1分"]),
    ("2. “政府采购执行情况”指标满分2分，得1.98分", ["98.1%", "311.63万元", "305.63万元"]),
    ("3. “财务合规性”指标满分3分，得2.95分", ["10.5%", "2,991.16万元", "312.72万元"]),
    ("4. “编外人员控制率”指标满分1分，得0分", ["30.2%", "16人", "37人"]),
    ("5. “公用经费控制率”指标满分6分，得4分", ["95.4%", "98.3%"]),
    ("6. “预算执行率”指标满分6分，得5.98分", ["99.2%", "99.4%"]),
]
# The attachment's merges (1-based rows on the sheet: header rows 3–5, leaves 6–26, total 27).
HEADER_MERGES = {"A3:F3", "G3:G5", "H3:H5", "I3:I5", "A4:B4", "C4:D4", "E4:F4"}
TOP_GROUPS = {"A6:A9", "A10:A19", "A20:A26"}  # 部门决算 4, 部门管理 10, 部门绩效 7 leaves
MID_GROUPS = {"C6:C7", "C8:C9", "C10:C12", "C13:C14", "C15:C16", "C17:C18", "C21:C23", "C25:C26"}


def run(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args))


@pytest.fixture(scope="module")
def card(py_engine):
    return py_engine.evaluate(FACTS)


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory, card, py_engine) -> Path:
    path = tmp_path_factory.mktemp("office") / "score-table.xlsx"
    path.write_bytes(scorecard_workbook(card, py_engine))
    return path


@pytest.fixture(scope="module")
def document(tmp_path_factory, card, py_engine) -> Path:
    path = tmp_path_factory.mktemp("office") / "report.docx"
    path.write_bytes(scorecard_document(card, py_engine))
    return path


# ---------------------------------------------------------------- the workbook


def test_workbook_holds_the_attachment_values(xlsx):
    ws = openpyxl.load_workbook(xlsx)["评分情况表"]
    names = [ws.cell(row=r, column=5).value for r in range(6, 27)]
    scores = [ws.cell(row=r, column=9).value for r in range(6, 27)]
    assert names == list(SCORES)
    assert all(isinstance(v, (int, float)) for v in scores), scores  # numbers, not text
    assert [Decimal(str(v)) for v in scores] == list(SCORES.values())
    assert ws["A27"].value == "总计得分" and Decimal(str(ws["I27"].value)) == Decimal("94.91")
    assert ws["F27"].value == 100
    assert [ws[c].value for c in ("A6", "A10", "A20")] == ["部门决算", "部门管理", "部门绩效"]  # printed names
    assert ws["C20"].value == "经济型" and ws["B6"].value == 20 and ws["D10"].value == 8
    assert ws["G6"].value.startswith("部门（单位）预算的合理性") and ws["H6"].value.startswith("1. 部门预算编制")


def test_workbook_layout_is_the_attachments(xlsx):
    ws = openpyxl.load_workbook(xlsx)["评分情况表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert HEADER_MERGES <= merged
    assert TOP_GROUPS | {r.replace("A", "B") for r in TOP_GROUPS} <= merged
    assert MID_GROUPS | {r.replace("C", "D") for r in MID_GROUPS} <= merged
    groups = (
        TOP_GROUPS | {r.replace("A", "B") for r in TOP_GROUPS} | MID_GROUPS | {r.replace("C", "D") for r in MID_GROUPS}
    )
    assert merged == HEADER_MERGES | groups | {"A27:E27", "G27:H27", "A1:I1", "A2:I2"}  # and nothing else
    assert [ws.cell(row=3, column=c).value for c in (1, 7, 8, 9)] == ["评价指标", "指标说明", "参考评分标准", "得分"]
    assert [ws.cell(row=4, column=c).value for c in (1, 3, 5)] == ["一级指标", "二级指标", "三级指标"]
    assert [ws.cell(row=5, column=c).value for c in range(1, 7)] == ["名称", "参考分值"] * 3
    assert ws["E6"].font.name == "宋体" and ws["G6"].alignment.wrap_text
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == "$3:$5"


def test_workbook_explains_every_score(xlsx):
    ws = openpyxl.load_workbook(xlsx)["评分说明"]
    rows = {ws.cell(row=r, column=3).value: [c.value for c in ws[r]] for r in range(2, 23)}
    assert set(rows) == set(SCORES)
    staff = rows["编外人员控制率"]
    assert "编外人员控制率=" in staff[6] and "16人" in staff[7] and "30.2%" in staff[8] and "30.2%" in staff[10]
    assert "扣1分" in staff[9]


# ---------------------------------------------------------------- the Word document


def _blocks(path: Path):
    d = docx.Document(path)
    return d, [(p.style.name, p.text) for p in d.paragraphs]


def test_document_has_the_six_deduction_subsections(document, py_engine):
    d, paras = _blocks(document)
    start = paras.index(("Heading 2", "（二）部门整体支出绩效存在问题及改进措施"))
    end = next(i for i in range(start + 1, len(paras)) if paras[i][0] in ("Heading 1", "Heading 2"))
    body = paras[start + 1 : end]
    titles = [t for style, t in body if style == "Heading 3"]
    assert titles == [t for t, _ in SECTIONS]
    for title, numbers in SECTIONS:
        i = body.index(("Heading 3", title))
        problem, improvement = body[i + 1][1], body[i + 2][1]
        assert problem.startswith("存在问题：") and improvement.startswith("改进措施：")
        for n in numbers:
            assert n in problem, (title, n, problem)
        name = re.search(r"“(.+?)”", title).group(1)
        assert improvement == "改进措施：" + py_engine.pack.find(name).improvement


def test_document_overall_and_table(document):
    d, paras = _blocks(document)
    overall = paras[paras.index(("Heading 2", "（一）总体评价")) + 1][1]
    assert "94.91分" in overall and "“优”" in overall and "6项存在扣分" in overall
    assert ("Heading 2", "附件：部门整体支出绩效评价指标评分情况表") in paras
    t = d.tables[0]
    assert (len(t.rows), len(t.columns)) == (25, 9)
    same = lambda a, b: t.cell(*a)._tc is t.cell(*b)._tc
    assert same((0, 0), (0, 5)) and same((0, 6), (2, 6)) and same((1, 0), (1, 1)) and not same((1, 1), (1, 2))
    for rows in ((3, 6), (7, 16), (17, 23)):  # 一级 groups, 0-based table rows
        assert same((rows[0], 0), (rows[1], 0)) and same((rows[0], 1), (rows[1], 1))
        assert not same((rows[1], 0), (rows[1] + 1, 0))
    assert same((7, 2), (9, 2)) and not same((9, 2), (10, 2))  # 资金管理 over three leaves
    assert [t.cell(r, 4).text for r in range(3, 24)] == list(SCORES)
    assert [Decimal(t.cell(r, 8).text) for r in range(3, 24)] == list(SCORES.values())
    assert t.cell(24, 0).text == "总计得分" and t.cell(24, 8).text == "94.91"
    assert d.sections[-1].orientation == WD_ORIENT.LANDSCAPE


# ---------------------------------------------------------------- HTML and Markdown


def test_html_is_self_contained_with_rowspans(card, py_engine):
    page = scorecard_html(card, py_engine)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"<(script|link|img)\b|\bsrc=", page)
    assert '<td rowspan="4">部门决算</td>' in page and '<td rowspan="10">部门管理</td>' in page
    assert '<th colspan="6">评价指标</th>' in page and '<th rowspan="3">得分</th>' in page
    assert re.findall(r"<h4>(.*?)</h4>", page) == [t for t, _ in SECTIONS]
    assert "98.1%" in page and "<td>94.91</td>" in page


def test_markdown_has_the_sections(card, py_engine):
    text = render.markdown(card, py_engine.pack)
    assert re.findall(r"^### (.*)$", text, re.M) == [t for t, _ in SECTIONS]
    assert "## （二）部门整体支出绩效存在问题及改进措施" in text and text.count("**改进措施：**") == 6
    assert "## 扣分说明" in text and "30.2%" in text


def test_cli_writes_office_formats(tmp_path):
    for fmt in ("xlsx", "docx", "html"):
        out = tmp_path / f"out.{fmt}"
        result = run("evaluate", str(FACTS), "--rules", "python", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert out.stat().st_size > 1000
    result = run("evaluate", str(FACTS), "--rules", "python", "--format", "xlsx")
    assert result.exit_code == 2 and "OUTPUT_REQUIRED" in result.stderr


# ---------------------------------------------------------------- the input template


def fill(path: Path, engine, doc: dict, **override) -> dict[str, str]:
    """Type a facts document into a blank template the way a department would; returns name → cell."""
    wb = openpyxl.load_workbook(path)
    ws = wb["事实"]
    ws["D3"], ws["D4"] = doc["department"]["id"], doc["department"]["name"]
    cells = {}
    for r in range(7, ws.max_row + 1):
        name = ws.cell(row=r, column=KEY_COL).value
        cell = ws.cell(row=r, column=VALUE_COL)
        cells[name] = cell.coordinate
        spec, value = engine.fact_model.specs[name], override.get(name, doc["facts"].get(name))
        if spec.kind == "bool" and isinstance(value, bool):
            value = "是" if value else "否"
        elif spec.kind == "choice" and value in spec.choices:
            value = spec.choices[value]
        elif spec.kind == "rate" and isinstance(value, str) and value.endswith("%"):
            value = to_decimal(value)  # typed as 100% in Excel: stored as the number 1
        cell.value = value
    wb.save(path)
    return cells


@pytest.fixture(scope="module")
def blank_template(tmp_path_factory, py_engine) -> Path:
    path = tmp_path_factory.mktemp("template") / "blank.xlsx"
    path.write_bytes(template_workbook(py_engine))
    return path


def test_template_declares_every_fact(blank_template, py_engine):
    wb = openpyxl.load_workbook(blank_template)
    ws = wb["事实"]
    rows = {ws.cell(row=r, column=2).value: [c.value for c in ws[r]] for r in range(7, ws.max_row + 1)}
    assert set(rows) == set(py_engine.fact_model.specs)
    assert rows["procurement_plan"][2:5] == ["采购计划金额", None, "万元"]
    assert (
        rows["staffed_headcount"][4] == "人"
        and "2.4.1" in rows["staffed_headcount"][6]
        and "2.4.2" in rows["staffed_headcount"][6]
    )
    assert ws["A3"].value == "部门编号" and ws["D5"].value == "shenzhen-yantian-2023"
    kinds = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                kinds[ws.cell(row=row, column=2).value] = (dv.type, dv.formula1)
    assert kinds["budget_fits_duties"] == ("list", '"是,否"')
    assert kinds["procurement_plan"][0] == "decimal" and kinds["staffed_headcount"][0] == "whole"
    sheet, cells = kinds["budget_disclosure"][1].split("!")
    labels = [c.value for row in wb[sheet.strip("'")][cells.replace("$", "")] for c in row]
    assert labels == list(py_engine.fact_model.specs["budget_disclosure"].choices.values())
    assert (
        kinds["satisfaction_rate"][0] == "decimal"
        and "%"
        in ws.cell(
            row=[r for r in range(7, ws.max_row + 1) if ws.cell(row=r, column=2).value == "satisfaction_rate"][0],
            column=4,
        ).number_format
    )


def test_filled_template_scores_like_the_reference(blank_template, tmp_path, py_engine):
    path = tmp_path / "filled.xlsx"
    path.write_bytes(blank_template.read_bytes())
    fill(path, py_engine, read_facts_file(FACTS))
    card = py_engine.evaluate(path)
    assert card.complete and card.total == Decimal("94.91") and card.grade == "优"
    assert {leaf.name: leaf.score for leaf in card.leaves()} == SCORES
    result = run("evaluate", str(path), "--rules", "python")  # the rubric comes from cell D5
    assert result.exit_code == 0, result.stderr
    assert "总计得分：94.91" in result.stdout


def test_prefilled_template_scores_like_the_reference(tmp_path, py_engine):
    path = tmp_path / "prefilled.xlsx"
    result = run("template", "--facts", str(FACTS), "-o", str(path))
    assert result.exit_code == 0, result.stderr
    assert py_engine.evaluate(path).total == Decimal("94.91")


def test_a_wrong_cell_is_named(blank_template, tmp_path, py_engine):
    path = tmp_path / "wrong.xlsx"
    path.write_bytes(blank_template.read_bytes())
    cells = fill(path, py_engine, read_facts_file(FACTS), procurement_plan="abc")
    where = cells["procurement_plan"]
    leaf = py_engine.evaluate(path)["政府采购执行情况"]
    assert leaf.status == "not_evaluable"
    problem = leaf.problems[0]
    assert problem.code == "FACT_TYPE" and problem.location == f"事实!{where}" and problem.field == "procurement_plan"
    assert problem.message.startswith(f"工作表“事实”单元格 {where}：") and "'abc'" in problem.message
    result = run("evaluate", str(path), "--rules", "python")
    assert result.exit_code == 1 and f"工作表“事实”单元格 {where}" in result.stdout


def test_an_empty_cell_is_named(blank_template, tmp_path, py_engine):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(blank_template.read_bytes())
    cells = fill(path, py_engine, read_facts_file(FACTS), outsourced_staff=None)
    leaf = py_engine.evaluate(path)["编外人员控制率"]
    problem = leaf.problems[0]
    assert problem.code == "FACT_MISSING" and problem.location == f"事实!{cells['outsourced_staff']}"
    assert problem.message.startswith(f"工作表“事实”单元格 {cells['outsourced_staff']}：缺少事实“编外人员数")


def test_workbook_mistakes_name_the_cell(blank_template, tmp_path, py_engine):
    path = tmp_path / "no-id.xlsx"
    path.write_bytes(blank_template.read_bytes())
    with pytest.raises(JixiaoError) as exc:
        py_engine.evaluate(path)
    assert exc.value.problems[0].location == "事实!D3" and "工作表“事实”单元格 D3" in exc.value.problems[0].message
    wb = openpyxl.load_workbook(blank_template)
    wb["事实"]["D3"] = "x"
    wb["事实"]["B7"], wb["事实"]["D7"] = "no_such_fact", "是"
    wb.save(path)
    card = py_engine.evaluate(path)
    assert card.fact_problems[0].code == "FACT_UNKNOWN" and card.fact_problems[0].location == "事实!D7"
    (tmp_path / "junk.xlsx").write_text("not a workbook")
    result = run("evaluate", str(tmp_path / "junk.xlsx"), "--rubric", "shenzhen-yantian-2023", "--rules", "python")
    assert result.exit_code == 2 and "FACTS_FORMAT" in result.stderr and "Traceback" not in result.stderr


def test_table_facts_get_their_own_sheets(tmp_path):
    """A pack whose facts include tables (a project's self-set indicators): one sheet per table."""
    from jixiao import Engine

    engine = Engine.from_rubric("mof-project-2020", rules="python")
    facts = ROOT / "examples" / "mof-project" / "facts.yaml"
    expected = engine.evaluate(facts).total
    path = tmp_path / "project.xlsx"
    path.write_bytes(template_workbook(engine, read_facts_file(facts)))
    assert engine.evaluate(path).total == expected
    wb = openpyxl.load_workbook(path)
    ws = wb[engine.fact_model.specs["outputs"].label]
    assert ws["B1"].value == "outputs" and ws["C4"].value == "name" and ws["C5"].value == "上门服务人次"
    ws["H6"] = "abc"  # 实际完成值 of the entry numbered 2
    wb.save(path)
    leaf = next(leaf for leaf in engine.evaluate(path).leaves() if leaf.problems)
    assert leaf.problems[0].location.startswith(f"{ws.title}!A5:")
    assert f"工作表“{ws.title}”" in leaf.problems[0].message and "第 2 行" in leaf.problems[0].message


# ---------------------------------------------------------------- the images in docs/


def fingerprint(path: Path) -> str:
    """What a file shows, independent of timestamps and zip layout: cells, merges, styles, text."""
    items: list = []
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            items.append(
                [
                    ws.title,
                    ws.sheet_state,
                    sorted(str(r) for r in ws.merged_cells.ranges),
                    ws.print_title_rows,
                    ws.page_setup.orientation,
                    sorted((k, d.width) for k, d in ws.column_dimensions.items()),
                    sorted((k, d.height) for k, d in ws.row_dimensions.items() if d.height),
                    sorted((str(dv.sqref), dv.type, dv.formula1) for dv in ws.data_validations.dataValidation),
                ]
            )
            for row in ws.iter_rows():
                items += [
                    [
                        c.coordinate,
                        str(c.value),
                        c.font.name,
                        c.font.sz,
                        c.font.b,
                        c.alignment.horizontal,
                        c.alignment.wrap_text,
                        c.number_format,
                    ]
                    for c in row
                    if c.value is not None
                ]
    else:
        d = docx.Document(path)
        items += [[s.orientation, s.page_width, s.page_height, s.left_margin, s.top_margin] for s in d.sections]
        items += [
            [p.style.name, p.text, str(p.alignment), [(r.bold, r.font.size) for r in p.runs]] for p in d.paragraphs
        ]
        for t in d.tables:
            tcs = [c._tc for row in t.rows for c in row.cells]
            items.append([[c.text for c in row.cells] for row in t.rows])
            items.append([tcs.index(tc) for tc in tcs])
            items.append([c.width for c in t.columns])
        items += [[s.name, s.font.name, s.font.size, s.font.bold] for s in d.styles if s.type == 1]
    return hashlib.sha256(json.dumps(items, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def test_docs_images_come_from_the_current_code(tmp_path, card, py_engine):
    """docs/render_images.sh records the fingerprints of the files it rendered; they must match today's."""
    recorded = dict(
        line.split()
        for line in (IMAGES / "SOURCE.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    outputs = {
        "score-table.xlsx": scorecard_workbook(card, py_engine),
        "report.docx": scorecard_document(card, py_engine),
        "facts-template.xlsx": template_workbook(py_engine, read_facts_file(FACTS)),
        "audit.xlsx": audit_workbook(py_engine.audit(_claims_changed())),
    }
    for name, data in outputs.items():
        (tmp_path / name).write_bytes(data)
        assert recorded.get(name) == fingerprint(tmp_path / name), f"{name} changed: run bash docs/render_images.sh"
    pngs = sorted(p for p in IMAGES.glob("*.png") if not p.name.startswith("web-"))  # web-*: the browser tests'
    assert {p.name.rsplit("-", 1)[0] for p in pngs} == {"score-table", "report", "facts-template", "audit-table"}
    assert all(p.stat().st_size < 300_000 for p in IMAGES.glob("*.png"))
    md = "".join((ROOT / "docs" / page).read_text(encoding="utf-8") for page in ("output-formats.md", "audit.md"))
    assert all(f"images/{p.name}" in md for p in pngs)
    web = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    assert all(f"images/{p.name}" in web for p in IMAGES.glob("web-*.png"))


def _claims_changed() -> dict:
    """The reference with two claims changed, as docs/render_images.sh changes them for the 复核表 image."""
    doc = load_path(FACTS)
    doc["claimed"]["scores"].update({"编外人员控制率": 1, "预算执行率": Decimal("5.99")})
    return doc


if __name__ == "__main__":  # used by docs/render_images.sh
    if sys.argv[1:2] == ["--fingerprint"]:
        for arg in sys.argv[2:]:
            print(Path(arg).name, fingerprint(Path(arg)))

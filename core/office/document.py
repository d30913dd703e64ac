"""The report's scoring sections as a Word document.

An evaluation report is filed as a .docx; its scoring parts — the overall result, one
subsection per indicator that lost points (存在问题 and 改进措施) and the 附件 table —
are the parts a department should not retype. The sentences come from report_text (the
same ones Markdown and HTML print), the table from layout (the same merges as the
workbook). Chinese text is set in 宋体 with SimSun named as its alternative in the font
table, numbers and Latin text in Times New Roman, headings in 黑体.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from .. import report_text
from ..scorecard import Scorecard
from .layout import HEADER, SCORE, TEXT, TOTAL, score_table
from .safe import property_text, xml_text
from .style import FONT_CJK, FONT_CJK_ALT, FONT_HEADING, FONT_LATIN

if TYPE_CHECKING:
    from ..engine import Engine

HEADING_OVERALL = "三、总体评价和整改措施"
HEADING_RESULT = "（一）总体评价"
TABLE_STYLE = "JX 表格文字"
LANDSCAPE_TEXT_WIDTH_MM = 297 - 2 * 15


def scorecard_document(card: Scorecard, engine: Engine) -> bytes:
    pack = engine.pack
    doc = Document()
    set_styles(doc)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(26)
    sec.top_margin = sec.bottom_margin = Mm(25)
    who = card.department_name or card.department_id
    centered(doc, report_text.report_title(pack), 18, FONT_HEADING)
    centered(doc, f"部门名称：{who}", 12, FONT_CJK)
    doc.add_heading(HEADING_OVERALL, level=1)
    doc.add_heading(HEADING_RESULT, level=2)
    doc.add_paragraph(xml_text(report_text.overall(card, pack)))
    doc.add_heading(report_text.section_problems(pack), level=2)
    sections = report_text.loss_sections(card, pack)
    if not sections:
        doc.add_paragraph(report_text.NO_LOSS)
    for s in sections:
        doc.add_heading(xml_text(s.title), level=3)
        _labelled(doc, "存在问题：", s.problem)
        _labelled(doc, "改进措施：", s.improvement)
    doc.add_heading(f"四、{report_text.kind(pack)}指标评分情况", level=1)
    doc.add_paragraph(xml_text(report_text.closing(card, pack)))
    land = doc.add_section(WD_SECTION.NEW_PAGE)
    land.orientation = WD_ORIENT.LANDSCAPE
    land.page_width, land.page_height = Mm(297), Mm(210)
    land.left_margin = land.right_margin = Mm(15)
    land.top_margin = land.bottom_margin = Mm(15)
    if pack.form is not None:  # a project form is filed in its own layout
        from .project_form import TITLE, form_grid

        doc.add_heading("附件：" + TITLE, level=2)
        grid: Any = form_grid(card, engine)
        grid.cells = [c for c in grid.cells if c.row > 0]  # the heading is the title
        _table(doc, grid, header_rows=0, first_row=1)
    else:
        doc.add_heading("附件：" + report_text.table_title(pack), level=2)
        _table(doc, score_table(card, pack), header_rows=3)
    doc.core_properties.title = property_text(f"{who} {report_text.report_title(pack)}")
    doc.core_properties.author = "jixiao"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _fonts(rpr, latin: str, east: str) -> None:
    """Name the fonts outright: a theme font attribute would win over the named one."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east), ("w:cs", latin)):
        fonts.set(qn(attr), name)


def set_styles(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _fonts(rpr, FONT_LATIN, FONT_CJK)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _fonts(normal.element.get_or_add_rPr(), FONT_LATIN, FONT_CJK)
    pf = normal.paragraph_format
    pf.first_line_indent, pf.line_spacing, pf.space_after = Pt(24), 1.5, Pt(0)
    for level, size in ((1, 16), (2, 14), (3, 12)):
        st = doc.styles[f"Heading {level}"]
        st.font.size, st.font.bold, st.font.italic = Pt(size), level < 3, False
        st.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(st.element.get_or_add_rPr(), FONT_LATIN, FONT_HEADING if level < 3 else FONT_CJK)
        st.paragraph_format.first_line_indent = Pt(0) if level < 3 else Pt(24)
        st.paragraph_format.space_before, st.paragraph_format.space_after = Pt(12 if level == 1 else 6), Pt(6)
    table_style = doc.styles.add_style(TABLE_STYLE, 1)
    table_style.base_style = normal
    table_style.font.size = Pt(9)
    tpf = table_style.paragraph_format
    tpf.first_line_indent, tpf.line_spacing, tpf.space_before, tpf.space_after = Pt(0), 1.0, Pt(0), Pt(0)
    _font_alternatives(doc)


def _font_alternatives(doc) -> None:
    """Declare SimSun/SimHei as the alternative names of 宋体/黑体 in the font table, as Word does."""
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    for name, alt in ((FONT_CJK, FONT_CJK_ALT), (FONT_HEADING, "SimHei")):
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:charset", "86"), ("w:family", "auto"), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def centered(doc, text: str, size: float, face: str = FONT_CJK) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    run = p.add_run(xml_text(text))
    run.font.size, run.bold = Pt(size), face == FONT_HEADING
    _fonts(run._r.get_or_add_rPr(), FONT_LATIN, face)


def _labelled(doc, label: str, text: str) -> None:
    p = doc.add_paragraph()
    p.add_run(label).bold = True
    p.add_run(xml_text(text))


_ALIGN = {TEXT: WD_ALIGN_PARAGRAPH.LEFT}


def _table(doc, grid: Any, header_rows: int, first_row: int = 0) -> None:
    """A grid of anchor cells (the 评分情况表, or a project form) as a Word table; its header rows repeat."""
    table = doc.add_table(rows=grid.rows - first_row, cols=grid.columns)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scale = LANDSCAPE_TEXT_WIDTH_MM / sum(grid.widths)
    widths = [Mm(w * scale) for w in grid.widths]
    for col, w in zip(table.columns, widths):
        col.width = w
    cells = [row.cells for row in table.rows]  # once: each table.cell() call re-walks the whole table
    for row in cells:
        for cell, w in zip(row, widths):
            cell.width = w
    for r in range(header_rows):  # the header repeats on every page
        trpr = table.rows[r]._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))
    style = doc.styles[TABLE_STYLE]
    anchors = []
    for cell in grid.cells:  # merge first: merging joins the cells' paragraphs
        target = cells[cell.row - first_row][cell.col]
        if cell.merged:  # merges are disjoint, so both corners are still unmerged cells here
            target = target.merge(cells[cell.last_row - first_row][cell.last_col])
        anchors.append((cell, target))
    for cell, target in anchors:
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        lines = cell.text.split("\n") if cell.text else [""]
        first = target.paragraphs[0]
        for i, line in enumerate(lines):
            p = first if i == 0 else target.add_paragraph()
            p.style = style
            p.alignment = _ALIGN.get(cell.role, WD_ALIGN_PARAGRAPH.CENTER)
            run = p.add_run(xml_text(line))
            if cell.role in (HEADER, TOTAL) or (cell.role == SCORE and cell.row == grid.rows - 1):
                run.bold = True

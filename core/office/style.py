"""Fonts and cell styles shared by the workbooks.

Chinese government tables are set in 宋体 (SimSun). A workbook can name one font per
style, so the cells name 宋体 with the GB2312 character set (134): Excel and WPS on
Windows open it as SimSun, and LibreOffice on Linux, which has no 宋体, substitutes a
CJK font for that character set instead of printing boxes.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT_CJK = "宋体"  # SimSun under its Chinese name, as Chinese Office writes it
FONT_CJK_ALT = "SimSun"  # the same face under its Latin name (Word's fallback slot)
FONT_HEADING = "黑体"  # SimHei, for headings in the Word document
FONT_LATIN = "Times New Roman"
GB2312 = 134

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def font(size: float = 10.5, bold: bool = False) -> Font:
    return Font(name=FONT_CJK, charset=GB2312, size=size, bold=bold)


def align(horizontal: str = "center", vertical: str = "center", wrap: bool = True) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)


def landscape_a4(ws, title_rows: str | None = None) -> None:
    """A4 landscape, fit to one page wide, header rows repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def text_lines(text: str, width_units: float, size: float) -> int:
    """Lines a wrapped cell needs: a CJK glyph of ``size`` pt takes about size/6.2 width units."""
    from ..render import width

    per_half = size / 10.5 * 0.85  # width units one half-width character takes at this size (measured in LibreOffice)
    capacity = max(width_units / per_half - 1, 1)
    return sum(max(1, -(-width(line) // int(capacity))) for line in str(text).split("\n"))


def fit_rows(ws, first: int, last: int) -> None:
    """Set row heights for wrapped text: LibreOffice, unlike Excel, does not grow rows of a generated file."""
    for r in range(first, last + 1):
        lines_pt = 0.0
        for cell in ws[r]:
            if cell.value is None or cell.coordinate in ws.merged_cells:
                continue
            letter = cell.column_letter
            w = ws.column_dimensions[letter].width or 8.43
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            lines_pt = max(lines_pt, text_lines(str(cell.value), w, size) * size * 1.42)
        if lines_pt:
            ws.row_dimensions[r].height = max(15.0, round(lines_pt + 4, 1))

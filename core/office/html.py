"""The scoring sections and the 评分情况表 as one self-contained HTML page.

For a screen, an e-mail or pasting into an OA system: no scripts, no external files,
the styles inline in the page. The table is the same grid as the workbook and the
Word table (rowspan/colspan for the merges), the sentences the same as the report's.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .. import report_text
from ..numbers import fmt_number
from ..scorecard import Scorecard
from .layout import HEADER, HEADER_ROWS, TEXT, TOTAL, Cell, score_table

if TYPE_CHECKING:
    from ..engine import Engine

CSS = (
    """
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif;
       margin: 2em auto; max-width: 75em; padding: 0 1em; line-height: 1.7; color: #000; }
h1 { font-size: 1.5em; text-align: center; }
h2, h3, h4 { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", sans-serif; }
h2 { font-size: 1.25em; margin-top: 1.5em; } h3 { font-size: 1.1em; } h4 { font-size: 1em; margin: .8em 0 .3em; }
p { text-indent: 2em; margin: .3em 0; }
p.meta { text-indent: 0; text-align: center; }
table { border-collapse: collapse; width: 100%; font-size: .85em; line-height: 1.45; }
th, td { border: 1px solid #000; padding: .25em .4em; text-align: center; vertical-align: middle; }
th { background: #d9d9d9; }
td.text { text-align: left; }
tr.total td { font-weight: bold; }
col.text { width: 28%; } col.criteria { width: 38%; }
"""
    "@media print { body { max-width: none; margin: 0; } thead { display: table-header-group; } "
    "tr { page-break-inside: avoid; } }\n"
)


def _cell_html(cell: Cell) -> str:
    tag = "th" if cell.role == HEADER else "td"
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.role == TEXT:
        attrs += ' class="text"'
    body = "<br>".join(escape(line) for line in cell.text.split("\n"))
    return f"<{tag}{attrs}>{body}</{tag}>"


def table_html(card: Scorecard, engine: Engine | None = None) -> str:
    grid = score_table(card, engine.pack if engine is not None else None)
    rows = grid.by_row()
    out = [
        '<table class="score-table">',
        f'<colgroup><col span="{2 * grid.levels}"><col class="text"><col class="criteria"><col></colgroup>',
        "<thead>",
    ]
    for r, cells in enumerate(rows):
        if r == HEADER_ROWS:
            out += ["</thead>", "<tbody>"]
        is_total = any(c.role == TOTAL for c in cells)
        out.append(('<tr class="total">' if is_total else "<tr>") + "".join(_cell_html(c) for c in cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def scorecard_html(card: Scorecard, engine: Engine) -> str:
    pack = engine.pack
    who = card.department_name or card.department_id
    title = f"{who} {report_text.report_title(pack)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(report_text.report_title(pack))}</h1>",
        f'<p class="meta">部门名称：{escape(who)}（{escape(card.department_id)}）<br>'
        f"评分体系：{escape(card.rubric['title'])}（{escape(card.rubric['id'])} {escape(card.rubric['version'])}）<br>"
        + "".join(f"{escape(note)}<br>" for note in report_text.plugin_notes(card))
        + f"总计得分：<strong>{fmt_number(card.total)}</strong>　等级：<strong>{escape(card.grade or '—')}</strong>"
        + ("（评分不完整）" if not card.complete else "")
        + "</p>",
        "<h2>三、总体评价和整改措施</h2>",
        "<h3>（一）总体评价</h3>",
        f"<p>{escape(report_text.overall(card, pack))}</p>",
        f"<h3>{escape(report_text.section_problems(pack))}</h3>",
    ]
    sections = report_text.loss_sections(card, pack)
    if not sections:
        out.append(f"<p>{escape(report_text.NO_LOSS)}</p>")
    for s in sections:
        out += [
            f'<section class="loss" id="loss-{escape(s.code)}">',
            f"<h4>{escape(s.title)}</h4>",
            f"<p><strong>存在问题：</strong>{escape(s.problem)}</p>",
            f"<p><strong>改进措施：</strong>{escape(s.improvement)}</p>",
            "</section>",
        ]
    out += [
        f"<h2>四、{escape(report_text.kind(pack))}指标评分情况</h2>",
        f"<p>{escape(report_text.closing(card, pack))}</p>",
        f"<h2>附件：{escape(report_text.table_title(pack))}</h2>",
        table_html(card, engine),
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"

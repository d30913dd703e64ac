"""The 评分情况表 as a grid of cells with spans, computed once for every table writer.

The attachment's table has a three-row header (评价指标 over the six indicator columns;
一级/二级/三级指标 each over 名称 + 参考分值) and merges the 一级 and 二级 cells down
over their leaves. The workbook, the Word table and the HTML table must agree on that
layout exactly, so they all draw this grid instead of each working the merges out.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..numbers import fmt_number
from ..scorecard import STATUS_TEXT, LeafResult, NodeResult, Scorecard

if TYPE_CHECKING:
    from ..pack.model import Pack

HEADER_ROWS = 3
TOTAL_LABEL = "总计得分"
# Relative widths (characters) that fit A4 landscape; the writers scale them.
WIDTHS = (7, 5.5, 7, 5.5, 13, 5.5, 36, 52, 7)
# Roles tell writers how to align and format a cell.
HEADER, NAME, WEIGHT, TEXT, SCORE, TOTAL, BLANK = "header", "name", "weight", "text", "score", "total", "blank"


@dataclass(frozen=True)
class Cell:
    """An anchor cell: its top-left position (0-based), value, spans and role."""

    row: int
    col: int
    value: str | Decimal
    role: str
    rowspan: int = 1
    colspan: int = 1

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1

    @property
    def merged(self) -> bool:
        return self.rowspan > 1 or self.colspan > 1

    @property
    def text(self) -> str:
        return fmt_number(self.value) if isinstance(self.value, Decimal) else self.value


@dataclass(frozen=True)
class ScoreTable:
    cells: tuple[Cell, ...]  # anchors only, in row-major order; every grid position is covered once
    rows: int
    leaf_codes: tuple[str, ...]  # the leaf on each body row, in order

    def by_row(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.rows)]
        for c in self.cells:
            out[c.row].append(c)
        return out


def header_cells() -> list[Cell]:
    cells = [Cell(0, 0, "评价指标", HEADER, colspan=6),
             Cell(0, 6, "指标说明", HEADER, rowspan=3),
             Cell(0, 7, "参考评分标准", HEADER, rowspan=3),
             Cell(0, 8, "得分", HEADER, rowspan=3)]
    for i, level in enumerate(("一级指标", "二级指标", "三级指标")):
        cells.append(Cell(1, 2 * i, level, HEADER, colspan=2))
    for i in range(3):
        cells += [Cell(2, 2 * i, "名称", HEADER), Cell(2, 2 * i + 1, "参考分值", HEADER)]
    return sorted(cells, key=lambda c: (c.row, c.col))


def _count(node: NodeResult | LeafResult) -> int:
    return 1 if isinstance(node, LeafResult) else sum(_count(c) for c in node.children)


def score_value(leaf: LeafResult) -> str | Decimal:
    return leaf.score if leaf.score is not None else STATUS_TEXT[leaf.status]


def score_table(card: Scorecard, pack: "Pack | None" = None) -> ScoreTable:
    """The attachment's grid for one scorecard; ``pack`` supplies 指标说明 and 参考评分标准."""
    texts = {leaf.code: (leaf.description, leaf.criteria) for leaf in pack.leaves()} if pack is not None else {}
    cells = header_cells()
    codes: list[str] = []
    r = HEADER_ROWS
    for top in card.roots:
        first_top = True
        for mid in (top.children if isinstance(top, NodeResult) else [top]):
            first_mid = True
            for leaf in (mid.children if isinstance(mid, NodeResult) else [mid]):
                if isinstance(top, NodeResult) and first_top:
                    n = _count(top)
                    cells += [Cell(r, 0, top.printed_name, NAME, rowspan=n), Cell(r, 1, top.weight, WEIGHT, rowspan=n)]
                elif not isinstance(top, NodeResult):
                    cells += [Cell(r, 0, "", BLANK), Cell(r, 1, "", BLANK)]
                if isinstance(mid, NodeResult) and first_mid:
                    n = _count(mid)
                    cells += [Cell(r, 2, mid.printed_name, NAME, rowspan=n), Cell(r, 3, mid.weight, WEIGHT, rowspan=n)]
                elif not isinstance(mid, NodeResult):
                    cells += [Cell(r, 2, "", BLANK), Cell(r, 3, "", BLANK)]
                desc, crit = texts.get(leaf.code, ("", ""))
                cells += [Cell(r, 4, leaf.name, NAME), Cell(r, 5, leaf.weight, WEIGHT),
                          Cell(r, 6, desc, TEXT), Cell(r, 7, crit, TEXT), Cell(r, 8, score_value(leaf), SCORE)]
                codes.append(leaf.code)
                first_top = first_mid = False
                r += 1
    total_weight = pack.total if pack is not None else sum((n.weight for n in card.roots), Decimal(0))
    cells += [Cell(r, 0, TOTAL_LABEL, TOTAL, colspan=5), Cell(r, 5, total_weight, WEIGHT),
              Cell(r, 6, "", BLANK, colspan=2), Cell(r, 8, card.total, SCORE)]
    cells.sort(key=lambda c: (c.row, c.col))
    return ScoreTable(tuple(cells), r + 1, tuple(codes))

"""The 评分情况表 as a grid of cells with spans, computed once for every table writer.

The attachment's table has a three-row header (评价指标 over the indicator columns;
一级/二级/三级指标 — as many levels as the pack has — each over 名称 + 参考分值) and
merges each group's cells down over its leaves. The workbook, the Word table and the HTML table must agree on that
layout exactly, so they all draw this grid instead of each working the merges out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..numbers import fmt_number
from ..scorecard import STATUS_TEXT, LeafResult, NodeResult, Scorecard
from ..tree import LEVEL_NAMES, depth, leaf_rows

if TYPE_CHECKING:
    from ..pack.model import Pack

HEADER_ROWS = 3
TOTAL_LABEL = "总计得分"
# Relative widths (characters) that fit A4 landscape; the writers scale them. Each level above
# the leaf takes a name and a 参考分值 column, the leaf a wider name column.
GROUP_WIDTHS, LEAF_WIDTHS, TEXT_WIDTHS = (7, 5.5), (13, 5.5), (36, 52, 7)
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
    levels: int = 3  # indicator levels: a name and a 参考分值 column each

    @property
    def widths(self) -> tuple[float, ...]:
        return widths(self.levels)

    @property
    def columns(self) -> int:
        return 2 * self.levels + 3

    def by_row(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.rows)]
        for c in self.cells:
            out[c.row].append(c)
        return out


def widths(levels: int) -> tuple[float, ...]:
    return GROUP_WIDTHS * (levels - 1) + LEAF_WIDTHS + TEXT_WIDTHS


def header_cells(levels: int = 3) -> list[Cell]:
    """The three header rows: 评价指标 over the level columns, each level's name over 名称 + 参考分值."""
    text = 2 * levels
    cells = [
        Cell(0, 0, "评价指标", HEADER, colspan=text),
        Cell(0, text, "指标说明", HEADER, rowspan=3),
        Cell(0, text + 1, "参考评分标准", HEADER, rowspan=3),
        Cell(0, text + 2, "得分", HEADER, rowspan=3),
    ]
    for i in range(levels):
        cells += [
            Cell(1, 2 * i, LEVEL_NAMES[i], HEADER, colspan=2),
            Cell(2, 2 * i, "名称", HEADER),
            Cell(2, 2 * i + 1, "参考分值", HEADER),
        ]
    return sorted(cells, key=lambda c: (c.row, c.col))


def _count(node: NodeResult | LeafResult) -> int:
    return 1 if isinstance(node, LeafResult) else sum(_count(c) for c in node.children)


def score_value(leaf: LeafResult) -> str | Decimal:
    return leaf.score if leaf.score is not None else STATUS_TEXT[leaf.status]


def score_table(card: Scorecard, pack: Pack | None = None) -> ScoreTable:
    """The attachment's grid for one scorecard, at any depth; ``pack`` supplies 指标说明 and 参考评分标准.

    Each group's name and weight are merged down over its leaves; a leaf sits in the last
    level's columns, and the levels between its groups and it are left blank.
    """
    texts = {leaf.code: (leaf.description, leaf.criteria) for leaf in pack.leaves()} if pack is not None else {}
    rows = leaf_rows(card.roots, LeafResult)
    levels = depth(rows)
    text = 2 * levels
    cells = header_cells(levels)
    codes: list[str] = []
    for r, row in enumerate(rows, start=HEADER_ROWS):
        for i, group in enumerate(row.path):
            if row.first[i]:
                n = _count(group)
                cells += [
                    Cell(r, 2 * i, group.printed_name, NAME, rowspan=n),
                    Cell(r, 2 * i + 1, group.weight, WEIGHT, rowspan=n),
                ]
        for i in range(len(row.path), levels - 1):
            cells += [Cell(r, 2 * i, "", BLANK), Cell(r, 2 * i + 1, "", BLANK)]
        leaf = row.leaf
        desc, crit = texts.get(leaf.code, ("", ""))
        cells += [
            Cell(r, text - 2, leaf.name, NAME),
            Cell(r, text - 1, leaf.weight, WEIGHT),
            Cell(r, text, desc, TEXT),
            Cell(r, text + 1, crit, TEXT),
            Cell(r, text + 2, score_value(leaf), SCORE),
        ]
        codes.append(leaf.code)
    r = HEADER_ROWS + len(rows)
    total_weight = pack.total if pack is not None else sum((n.weight for n in card.roots), Decimal(0))
    cells += [
        Cell(r, 0, TOTAL_LABEL, TOTAL, colspan=text - 1),
        Cell(r, text - 1, total_weight, WEIGHT),
        Cell(r, text, "", BLANK, colspan=2),
        Cell(r, text + 2, card.total, SCORE),
    ]
    cells.sort(key=lambda c: (c.row, c.col))
    return ScoreTable(tuple(cells), r + 1, tuple(codes), levels)

"""Walking an indicator tree, written once for packs and scorecards: a group has ``children``,
a leaf is anything of ``leaf_type``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


def leaves(nodes: Iterable[Any], leaf_type: type) -> Iterator[Any]:
    for n in nodes:
        if isinstance(n, leaf_type):
            yield n
        else:
            yield from leaves(n.children, leaf_type)


def groups(nodes: Iterable[Any], leaf_type: type) -> Iterator[Any]:
    """一级/二级 nodes, each before its descendants."""
    for n in nodes:
        if not isinstance(n, leaf_type):
            yield n
            yield from groups(n.children, leaf_type)


LEVEL_NAMES = (
    "一级指标",
    "二级指标",
    "三级指标",
    "四级指标",
    "五级指标",
    "六级指标",
    "七级指标",
    "八级指标",
    "九级指标",
)


@dataclass(frozen=True)
class LeafRow:
    """A leaf as a row of a table: the groups above it (outermost first) and, for each, whether this
    is its first row."""

    leaf: Any
    path: tuple[Any, ...]
    first: tuple[bool, ...]


def leaf_rows(nodes: Iterable[Any], leaf_type: type) -> list[LeafRow]:
    """Every leaf in table order, at any depth: what a table with one column per level draws."""
    out: list[LeafRow] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, leaf_type):
            before = out[-1].path if out else ()
            out.append(
                LeafRow(node, path, tuple(not (i < len(before) and before[i] is group) for i, group in enumerate(path)))
            )
        else:
            for child in node.children:
                walk(child, path + (node,))

    for n in nodes:
        walk(n, ())
    return out


def depth(rows: list[LeafRow]) -> int:
    """Levels of the deepest leaf (a leaf directly under the root is level 1)."""
    return max((len(row.path) + 1 for row in rows), default=1)

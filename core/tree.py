"""Walking an indicator tree, written once for packs and scorecards: a group has ``children``,
a leaf is anything of ``leaf_type``."""
from __future__ import annotations

from typing import Any, Iterable, Iterator


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

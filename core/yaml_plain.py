"""Plain data from a YAML node tree in one walk: PyYAML's safe constructors, for the documents packs and
facts are made of.

PyYAML builds data from nodes through generic machinery (a generator per mapping, a
state stack, a pass per alias) and ``load_with_lines`` walked the tree once more for the
line of every node: a third of reading a large pack. A document of mappings with text
keys, sequences and untagged scalars (text, numbers, yes/no, null, dates) is built here in one
recursive walk, its lines recorded on the way, with the same constructors
(``yamlio._int``, ``yamlio._decimal``) and the same results. Anything else — a merge key,
an alias to a collection, a set or any other tag, a key that is not a scalar, a value
a constructor refuses — makes ``plain`` answer None, and PyYAML builds the document as
it always did, errors included.

The same walk enforces ``yamlio.check_tree``'s limits, so that a plain document is not
walked twice: it answers None as well for a document nested deeper than ``Bounds.depth``,
larger than ``Bounds.nodes`` nodes or ``Bounds.chars`` characters of scalars, or with two
keys of one mapping built equal. Each of these is a document ``check_tree`` refuses or
one PyYAML should build (``1`` and ``01`` are different keys to ``check_tree``, and
the same key once built): ``check_tree`` then walks it and says which. The walk itself
stays bounded: it never follows an alias to a collection twice, so it visits each node
of the composed tree once, and it stops descending at the depth limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

_TAG = "tag:yaml.org,2002:"
_MAPPING, _SEQUENCE = f"{_TAG}map", f"{_TAG}seq"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
)


class _NotPlain(Exception):
    """The document holds something only PyYAML's constructors build as PyYAML does."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """``yamlio.check_tree``'s limits: nesting, and the nodes and scalar characters with aliases expanded."""

    depth: int
    nodes: int
    chars: int


@dataclass(frozen=True, slots=True)
class Plain:
    data: Any
    lines: dict[tuple, int] | None  # as ``yamlio._lines`` gives them, when asked for


def plain(
    loader: Any,
    root: yaml.Node,
    with_lines: bool,
    construct_int: Callable[[Any, yaml.ScalarNode], Any],
    construct_float: Callable[[Any, yaml.ScalarNode], Any],
    bounds: Bounds,
) -> Plain | None:
    """``root`` built as ``loader.construct_document`` builds it (and its lines), or None when it is not
    plain data within ``bounds``, its keys all different."""
    lines: dict[tuple, int] | None = {} if with_lines else None
    nodes, chars, max_depth = 1, 0, bounds.depth
    seen: set[int] = set()  # collection nodes walked: a second visit is an alias, which PyYAML shares
    bool_values = loader.bool_values
    scalar_class, mapping_class = yaml.ScalarNode, yaml.MappingNode

    def scalar(node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT:
            return construct_int(loader, node)
        if tag == _FLOAT:
            return construct_float(loader, node)
        if tag == _BOOL:
            return bool_values[node.value.lower()]
        if tag == _NULL:
            return None
        if tag == _TIMESTAMP:
            return loader.construct_yaml_timestamp(node)
        raise _NotPlain

    def walk(node: yaml.Node, at: tuple) -> Any:
        """A collection's data; its own line is recorded by the caller, with the line of its key if it has one."""
        nonlocal nodes, chars
        if id(node) in seen:
            raise _NotPlain
        seen.add(id(node))
        if node.value and len(at) >= max_depth:  # its children would be nested too deep
            raise _NotPlain
        if node.__class__ is mapping_class:
            if node.tag != _MAPPING:
                raise _NotPlain
            out = {}
            nodes += 2 * len(node.value)
            for key_node, value_node in node.value:
                if key_node.__class__ is not scalar_class:
                    raise _NotPlain
                key = scalar(key_node)  # a merge key ("<<") has a tag of its own: not plain
                if key in out:  # written twice, or two texts built equal: check_tree tells which
                    raise _NotPlain
                chars += len(key_node.value)
                here = at + (key_node.value,)
                if lines is not None:
                    lines[here] = key_node.start_mark.line + 1
                if value_node.__class__ is scalar_class:
                    chars += len(value_node.value)
                    out[key] = scalar(value_node)
                else:
                    out[key] = walk(value_node, here)
            return out
        if node.tag != _SEQUENCE:
            raise _NotPlain
        nodes += len(node.value)
        items = []
        for i, item in enumerate(node.value):
            if lines is not None:
                lines[at + (i,)] = item.start_mark.line + 1
            if item.__class__ is scalar_class:
                chars += len(item.value)
                items.append(scalar(item))
            else:
                items.append(walk(item, at + (i,)))
        return items

    def document(root: yaml.Node) -> Any:
        nonlocal chars
        if lines is not None:
            lines[()] = root.start_mark.line + 1
        if root.__class__ is scalar_class:
            chars += len(root.value)
            return scalar(root)
        return walk(root, ())

    try:
        data = document(root)
        return Plain(data, lines) if nodes <= bounds.nodes and chars <= bounds.chars else None
    except Exception:  # _NotPlain, or a constructor's refusal: PyYAML says it, with its own mark
        return None

"""YAML and JSON reading that never produces a float: numbers become Decimal as written.

YAML is parsed by libyaml (``yaml.CSafeLoader``) when PyYAML was built with it: the
reference pack in 5 ms instead of 35, which a CLI that loads a pack on every run and a
batch that reads thousands of facts files both feel. Both loaders share the same
constructors (the Decimal float below), so they build the same data. PyYAML stays the
reference: where libyaml refuses a text (or is missing), the text is parsed again by
PyYAML, whose answer — the data or the error, with its message, line and column — is
the one returned; and text with a mark on which libyaml is known to be more lenient
(``LENIENT``) goes to PyYAML directly, so it is refused as it always was. A pack is
parsed once; its line numbers come from the node tree its data was constructed from.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import yaml


def _decimal(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")  # type: ignore[arg-type,union-attr]
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise yaml.constructor.ConstructorError(None, None, f"不支持的数值 {text}", node.start_mark)
    return Decimal(text)


class _DecimalLoader(yaml.SafeLoader):
    """The pure-Python loader: always available, and the reference for error messages."""


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
LOADERS: tuple[type, ...] = (_DecimalLoader,)
# libyaml accepts text PyYAML refuses with these: tabs inside plain scalars, "?" inside
# flow scalars, a byte-order mark after the start, "#" right after a block scalar's ">" or "|".
LENIENT = ("\t", "?", "\ufeff", ">#", "|#")
if getattr(yaml, "__with_libyaml__", False):
    class _CDecimalLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """libyaml's parser and composer with the same constructors as ``_DecimalLoader``."""

    _CDecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
    LOADERS = (_CDecimalLoader, _DecimalLoader)


def parse_yaml(text: str, loaders: tuple[type, ...] | None = None, inspect: Callable[[yaml.Node], Any] | None = None) -> tuple[Any, Any]:
    """(data, ``inspect(root node)``) of one YAML document, by the first of ``loaders`` that accepts it.

    ``inspect`` sees the node tree before construction, which rewrites merge keys
    (``<<``) in place. Whatever the earlier loaders raise, the last one's answer
    stands, error included.
    """
    if loaders is None:
        loaders = LOADERS[-1:] if any(mark in text for mark in LENIENT) else LOADERS
    for i, loader_class in enumerate(loaders):
        loader = None
        try:
            loader = loader_class(text)  # libyaml's encodes the text here: a lone surrogate fails already
            node = loader.get_single_node()
            seen = None if inspect is None or node is None else inspect(node)
            return (None if node is None else loader.construct_document(node)), seen
        except Exception:
            if i == len(loaders) - 1:
                raise
        finally:
            if loader is not None:
                loader.dispose()
    raise ValueError("no YAML loader")


class SyntaxProblem(ValueError):
    """A YAML or JSON syntax error, told in Chinese with its line and column."""


def load_text(text: str, suffix: str = ".yaml") -> Any:
    try:
        if suffix == ".json":
            return json.loads(text, parse_float=Decimal)
        return parse_yaml(text)[0]
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(f"JSON 语法错误：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}") from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc) from None


def _yaml_problem(exc: yaml.MarkedYAMLError) -> SyntaxProblem:
    mark = exc.problem_mark or exc.context_mark
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "位置不明"
    began = exc.context_mark
    since = f"（有问题的结构始于第 {began.line + 1} 行）" if began and mark and began.line != mark.line else ""
    return SyntaxProblem(f"YAML 语法错误：{where}：{exc.problem or exc.context}{since}")


def load_path(path: Path) -> Any:
    return load_text(path.read_text(encoding="utf-8"), path.suffix.lower())




def load_with_lines(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Load YAML and map every node path to its 1-based line, for errors that say where."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return load_text(text, ".json"), {}
    try:
        data, lines = parse_yaml(text, inspect=_lines)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc) from None
    return data, lines or {}


def _lines(root: yaml.Node) -> dict[tuple, int]:
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, at: tuple) -> None:
        lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue  # a collection as a key: construction refuses the document ("found unhashable key")
                k = key.value
                lines[at + (k,)] = key.start_mark.line + 1
                walk(value, at + (k,))
                lines[at + (k,)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, at + (i,))

    walk(root, ())
    return lines


def nearest_line(lines: dict[tuple, int], at: tuple) -> int | None:
    """The line of ``at`` or of its closest ancestor that has one."""
    while at not in lines and at:
        at = at[:-1]
    return lines.get(at)

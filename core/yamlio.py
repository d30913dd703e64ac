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
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import DUPLICATE_KEY, INPUT_LIMIT
from .limits import LIMITS, raise_hint
from .yaml_plain import Bounds, plain

_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_MERGE = "tag:yaml.org,2002:merge"


class SyntaxProblem(ValueError):
    """A YAML or JSON document refused, told in Chinese with its line; ``code`` when the refusal has its own."""

    def __init__(self, message: str, code: str | None = None, line: int | None = None):
        super().__init__(message)
        self.code, self.line = code, line


def _decimal(loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    """A YAML float as the Decimal written; base-60 "1:30.5" stays text (refused where a number is wanted)."""
    text = loader.construct_scalar(node).replace("_", "")
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise yaml.constructor.ConstructorError(None, None, f"不支持的数值 {text}", node.start_mark)
    if ":" in text:
        return loader.construct_scalar(node)
    return Decimal(text)


def _int(loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.ScalarNode) -> int | str:
    """A YAML int in decimal notation; YAML 1.1's octal ("044" is 36), hex, binary and base-60 forms stay text.

    A zero-padded count or department number means what it shows, never another base.
    """
    text = loader.construct_scalar(node)
    return int(text.replace("_", "")) if _DECIMAL_INT.fullmatch(text) else text


class _DecimalLoader(yaml.SafeLoader):
    """The pure-Python loader: always available, and the reference for error messages."""


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _int)
LOADERS: tuple[type, ...] = (_DecimalLoader,)
# libyaml accepts text PyYAML refuses with these: tabs inside plain scalars, "?" inside
# flow scalars, a byte-order mark after the start, "#" right after a block scalar's ">" or "|".
LENIENT = ("\t", "?", "\ufeff", ">#", "|#")
if getattr(yaml, "__with_libyaml__", False):

    class _CDecimalLoader(yaml.CSafeLoader):
        """libyaml's parser and composer with the same constructors as ``_DecimalLoader``."""

    _CDecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
    _CDecimalLoader.add_constructor("tag:yaml.org,2002:int", _int)
    LOADERS = (_CDecimalLoader, _DecimalLoader)


def parse_yaml(
    text: str, loaders: tuple[type, ...] | None = None, with_lines: bool = False
) -> tuple[Any, dict[tuple, int] | None]:
    """(data, the line of every node when ``with_lines``) of one YAML document, by the first of ``loaders``
    that accepts it.

    Plain data within ``LIMITS`` is built in one walk (``yaml_plain``); anything else is
    checked by ``check_tree`` and built by PyYAML's constructors, the lines read from the
    node tree before construction, which rewrites merge keys (``<<``) in place. Whatever the
    earlier loaders raise, the last one's answer stands, error included.
    """
    if loaders is None:
        loaders = LOADERS[-1:] if any(mark in text for mark in LENIENT) else LOADERS
    for i, loader_class in enumerate(loaders):
        loader = None
        try:
            loader = loader_class(text)  # libyaml's encodes the text here: a lone surrogate fails already
            try:
                node = loader.get_single_node()
            except RecursionError:
                raise SyntaxProblem(
                    f"YAML 嵌套层数过多：最多 {LIMITS.depth} 层{raise_hint('depth')}", INPUT_LIMIT
                ) from None
            if node is None:
                return None, None
            bounds = Bounds(LIMITS.depth, LIMITS.yaml_nodes, LIMITS.record_bytes)
            built = plain(loader, node, with_lines, _int, _decimal, bounds)
            if built is not None:
                return built.data, built.lines
            check_tree(node)
            lines = _lines(node) if with_lines else None
            return loader.construct_document(node), lines
        except SyntaxProblem:
            raise
        except Exception:
            if i == len(loaders) - 1:
                raise
        finally:
            if loader is not None:
                loader.dispose()
    raise ValueError("no YAML loader")


def check_tree(root: yaml.Node) -> None:
    """Before PyYAML builds a document the plain walk did not: no key twice in one mapping, and the
    document — its aliases expanded — within ``LIMITS``. Each node is measured once (aliases share nodes), so a
    file of nested aliases is refused in time proportional to its size, not to its expansion."""
    measured: dict[int, tuple[int, int, int]] = {}  # id(node) → (expanded nodes, expanded characters, height)
    max_depth, max_nodes, max_chars = LIMITS.depth, LIMITS.yaml_nodes, LIMITS.record_bytes
    scalar = yaml.ScalarNode

    def measure(node: yaml.Node, depth: int) -> tuple[int, int, int]:
        if depth > max_depth:
            raise SyntaxProblem(
                f"YAML 第 {node.start_mark.line + 1} 行：嵌套层数超过 {max_depth} 层{raise_hint('depth')}",
                INPUT_LIMIT,
                node.start_mark.line + 1,
            )
        known = measured.get(id(node))
        if known is not None:
            if depth + known[2] > max_depth:
                raise SyntaxProblem(
                    f"YAML 第 {node.start_mark.line + 1} 行："
                    f"别名展开后嵌套层数超过 {max_depth} 层{raise_hint('depth')}",
                    INPUT_LIMIT,
                    node.start_mark.line + 1,
                )
            return known
        size, chars, height = 1, 0, 1
        if isinstance(node, yaml.MappingNode):
            _no_duplicate_keys(node)
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            children, chars = [], len(node.value)
        for child in children:
            if child.__class__ is scalar and depth + 1 <= max_depth:  # a leaf of the tree: nothing to walk
                size, chars = size + 1, chars + len(child.value)
                height = max(height, 2)
            else:
                child_size, child_chars, child_height = measure(child, depth + 1)
                size, chars = size + child_size, chars + child_chars
                height = max(height, child_height + 1)
            if size > max_nodes or chars > max_chars:
                raise SyntaxProblem(
                    f"YAML 文档（别名展开后）超过 {max_nodes:,} 个节点或 {LIMITS.record_mb} MB 文字，拒绝读取："
                    f"请检查是否有层层引用的别名（&/*）{raise_hint('yaml_nodes')}",
                    INPUT_LIMIT,
                )
        measured[id(node)] = size, chars, height
        return size, chars, height

    measure(root, 0)


def _no_duplicate_keys(node: yaml.MappingNode) -> None:
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
            continue
        line = key.start_mark.line + 1
        first = seen.get((key.tag, key.value))
        seen.setdefault((key.tag, key.value), line)
        if first is not None:
            raise SyntaxProblem(
                f"YAML 第 {line} 行：键“{key.value}”重复（第 {first} 行已有）："
                "同一层中每个键只能写一次，请删去或合并其中一个",
                DUPLICATE_KEY,
                line,
            )


class _DuplicateJSONKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateJSONKey(key)
        out[key] = value
    return out


def _json_constant(name: str) -> Any:
    raise SyntaxProblem(f"JSON 中不允许 {name}：请填写有限的数值")


def _json_int(text: str) -> int | str:
    """An integer as written; one of more than 30 digits stays text, refused where a number is wanted."""
    return int(text) if len(text) <= 30 else text


def load_text(text: str, suffix: str = ".yaml") -> Any:
    """A YAML or JSON document: numbers as written (Decimal, int), every key once, within ``LIMITS``."""
    try:
        if suffix == ".json":
            data = json.loads(
                text,
                parse_float=Decimal,
                parse_int=_json_int,
                parse_constant=_json_constant,
                object_pairs_hook=_json_object,
            )
            if text.count("{") + text.count("[") > LIMITS.depth:  # fewer brackets cannot nest deeper
                _check_depth(data)
            return data
        return parse_yaml(text)[0]
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(f"JSON 语法错误：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}", line=exc.lineno) from None
    except _DuplicateJSONKey as dup:
        lines = _json_key_lines(text, dup.key)
        where = f"第 {lines[1]} 行：" if lines else ""
        first = f"（第 {lines[0]} 行已有）" if lines else ""
        raise SyntaxProblem(
            f"JSON {where}键“{dup.key}”重复{first}：同一层中每个键只能写一次，请删去或合并其中一个",
            DUPLICATE_KEY,
            lines[1] if lines else None,
        ) from None
    except RecursionError:
        raise SyntaxProblem(f"JSON 嵌套层数过多：最多 {LIMITS.depth} 层{raise_hint('depth')}", INPUT_LIMIT) from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc) from None


def _check_depth(data: Any) -> None:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > LIMITS.depth:
            raise SyntaxProblem(f"JSON 嵌套层数超过 {LIMITS.depth} 层{raise_hint('depth')}", INPUT_LIMIT)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _json_key_lines(text: str, wanted: str) -> tuple[int, int] | None:
    """The lines of the first key written twice in one JSON object (only read when ``json`` found one)."""
    objects: list[dict[str, int] | None] = []  # one per open container: keys seen so far, or None for an array
    line, i, expect_key = 1, 0, False
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line += 1
        elif ch == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if expect_key and objects and objects[-1] is not None:
                key = json.loads(text[i : j + 1])
                if key in objects[-1] and key == wanted:
                    return objects[-1][key], line
                objects[-1].setdefault(key, line)
                expect_key = False
            i = j
        elif ch == "{":
            objects.append({})
            expect_key = True
        elif ch == "[":
            objects.append(None)
        elif ch in "}]":
            objects.pop()
            expect_key = False
        elif ch == ",":
            expect_key = bool(objects) and objects[-1] is not None
        i += 1
    return None


def _yaml_problem(exc: yaml.MarkedYAMLError) -> SyntaxProblem:
    mark = exc.problem_mark or exc.context_mark
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "位置不明"
    began = exc.context_mark
    since = f"（有问题的结构始于第 {began.line + 1} 行）" if began and mark and began.line != mark.line else ""
    return SyntaxProblem(
        f"YAML 语法错误：{where}：{exc.problem or exc.context}{since}", line=mark.line + 1 if mark else None
    )


def load_path(path: Path) -> Any:
    return load_text(path.read_text(encoding="utf-8"), path.suffix.lower())


def load_with_lines(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Load YAML and map every node path to its 1-based line, for errors that say where."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return load_text(text, ".json"), {}
    try:
        data, lines = parse_yaml(text, with_lines=True)
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

"""YAML and JSON reading that never produces a float: numbers become Decimal as written."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml


class _DecimalLoader(yaml.SafeLoader):
    pass


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")  # type: ignore[arg-type]
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise yaml.constructor.ConstructorError(None, None, f"不支持的数值 {text}", node.start_mark)
    return Decimal(text)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


class SyntaxProblem(ValueError):
    """A YAML or JSON syntax error, told in Chinese with its line and column."""


def load_text(text: str, suffix: str = ".yaml") -> Any:
    try:
        if suffix == ".json":
            return json.loads(text, parse_float=Decimal)
        return yaml.load(text, Loader=_DecimalLoader)
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(f"JSON 语法错误：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "位置不明"
        began = exc.context_mark
        since = f"（有问题的结构始于第 {began.line + 1} 行）" if began and mark and began.line != mark.line else ""
        raise SyntaxProblem(f"YAML 语法错误：{where}：{exc.problem or exc.context}{since}") from None


def load_path(path: Path) -> Any:
    return load_text(path.read_text(encoding="utf-8"), path.suffix.lower())


Path_ = tuple  # a node path: ("indicators", 1, "children", 0, "weight")


def load_with_lines(path: Path) -> tuple[Any, dict[tuple, int]]:
    """Load YAML and map every node path to its 1-based line, for errors that say where."""
    text = path.read_text(encoding="utf-8")
    data = load_text(text, path.suffix.lower())
    lines: dict[tuple, int] = {}
    if path.suffix.lower() == ".json":
        return data, lines
    root = yaml.compose(text, Loader=_DecimalLoader)

    def walk(node: yaml.Node, at: tuple) -> None:
        lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = key.value
                lines[at + (k,)] = key.start_mark.line + 1
                walk(value, at + (k,))
                lines[at + (k,)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, at + (i,))

    if root is not None:
        walk(root, ())
    return data, lines


def nearest_line(lines: dict[tuple, int], at: tuple) -> int | None:
    """The line of ``at`` or of its closest ancestor that has one."""
    while at not in lines and at:
        at = at[:-1]
    return lines.get(at)

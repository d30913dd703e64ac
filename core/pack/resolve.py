"""Reading a pack file and resolving its ``extend`` chain into one indicator tree.

Each ``pack.yaml`` is read with the line of every node and validated by the schema;
an extending pack is laid over its base (``reform`` applies its overrides), keeping
where every node was written. ``_Where`` turns a node path into the "file:line：path"
that messages name. The tree is then built and checked by ``loader``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .. import errors
from ..controls import unshown_at
from ..errors import JixiaoError, Place, Problem, located, shortened
from ..numbers import Number, mul
from ..yamlio import load_with_lines, nearest_line
from . import reform
from .discovery import is_file, locate
from .model import CheckSpec
from .schema import PackSchema

REQUIRED = ("title", "region", "year", "version", "source", "rounding", "grades", "indicators")


class _Where:
    """Turns node paths of one file into "file:line：path" for messages."""

    def __init__(self, file: Path, raw: Any, lines: dict[tuple, int]):
        self.file, self.raw, self.lines = file, raw, lines

    def line(self, at: tuple) -> int | None:
        return nearest_line(self.lines, at)

    def __call__(self, at: tuple) -> str:
        line = self.line(at)
        return f"{self.file}:{line}：{_path_text(self.raw, at)}" if line else f"{self.file}：{_path_text(self.raw, at)}"

    def place(self, at: tuple) -> Place:
        return Place(str(self.file), self.line(at), at, _path_text(self.raw, at))

    def problem(self, at: tuple, message: str, code: str = errors.PACK_INVALID, **extra: Any) -> Problem:
        return self.place(at).problem(code, message, **extra)


def _path_text(raw: Any, at: tuple) -> str:
    """A node path as people read it, naming indicators: indicators[1]（一级名称）.children[0]（二级名称）."""
    out, node = "", raw
    for part in at:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
                if isinstance(node, dict) and "name" in node:
                    out += f"（{node['name']}）"
            except (IndexError, KeyError, TypeError):
                node = None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "（根）"


@dataclass
class _Resolved:
    schema: PackSchema
    indicators: list[dict]
    sources: dict[
        str, list[tuple[_Where, tuple]]
    ]  # code → (file, node path) of each node written with it, in tree order
    applied: list = field(default_factory=list)
    origins: dict[str, dict[str, str]] = field(default_factory=dict)
    scale: dict[str, Number] = field(default_factory=dict)
    dropped: Decimal = Decimal(0)
    plugin_files: list[Path] = field(default_factory=list)
    raws: list[Any] = field(default_factory=list)
    base: str | None = None
    where: _Where | None = None  # the top file, for problems of the whole pack
    checks: dict[str, CheckSpec] = field(default_factory=dict)  # by id, in the order first declared


_SCHEMA_TEXT = {
    "extra_forbidden": "未知的键（是否拼写有误？）",
    "missing": "缺少必填项",
    "string_type": "应为文字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数值",
    "decimal_type": "应为数值",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "literal_error": "取值不在允许的选项中",
    "string_pattern_mismatch": "格式不符",
    "too_short": "不能为空",
}


def _schema_text(e: ErrorDetails) -> str:
    """A pydantic error in Chinese; the value shown briefly (never a whole subtree)."""
    text = _SCHEMA_TEXT.get(e["type"], e["msg"])
    if e["type"] == "literal_error":
        text += f"：{e.get('ctx', {}).get('expected', '')}"
    if e["type"] in ("missing", "extra_forbidden"):
        return text
    shown = repr(e.get("input"))
    return f"{text}（值：{shown if len(shown) <= 60 else shown[:57] + '…'}）"


def _read(path: Path) -> tuple[PackSchema, _Where]:
    try:
        raw, lines = load_with_lines(path)
    except Exception as exc:
        code = getattr(exc, "code", None) or errors.PACK_FILE
        raise JixiaoError(located(code, f"无法解析 YAML：{exc}", path, getattr(exc, "line", None))) from None
    where = _Where(path, raw, lines)
    if not isinstance(raw, dict):
        raise JixiaoError(where.problem((), "应为映射（键: 值）", errors.PACK_FILE))
    at = _escaped_control(path, raw)
    if at is not None:
        raise JixiaoError(
            where.problem(
                at, "含有控制字符（如 \\e、\\x1b、\\r）：评分体系的文字会打印、写入报告和表格，只能含换行和制表符"
            )
        )
    try:
        return PackSchema.model_validate(raw), where
    except ValidationError as exc:
        raise JixiaoError([where.problem(tuple(e["loc"]), _schema_text(e)) for e in exc.errors()]) from None


def _escaped_control(path: Path, raw: dict) -> tuple | None:
    """Where the pack holds a control character other than tab and newline. YAML refuses them written
    as they are (NEL aside), so only a file with an escape (or a NEL) is walked."""
    data = path.read_bytes()
    return unshown_at(raw) if b"\\" in data or b"\xc2\x85" in data else None


def _sources(
    indicators: list[dict], where: _Where, at: tuple = ("indicators",), out: dict | None = None
) -> dict[str, list[tuple[_Where, tuple]]]:
    out = {} if out is None else out
    for i, node in enumerate(indicators):
        out.setdefault(str(node["code"]), []).append((where, at + (i,)))
        _sources(node.get("children") or [], where, at + (i, "children"), out)
    return out


def _resolve(path: Path, chain: tuple[Path, ...]) -> _Resolved:
    if path.resolve() in chain:
        raise JixiaoError(
            Problem(errors.PACK_INVALID, f"{path}：extend 形成循环：{' → '.join(str(c) for c in chain + (path,))}")
        )
    schema, where = _read(path)
    plugin_files, problems = [], []
    for i, name in enumerate(schema.plugins):
        f = (path.parent / name).resolve()
        if not is_file(f):
            problems.append(
                where.problem(("plugins", i), f"找不到本地插件文件 {shortened(str(f), 200)}", errors.PLUGIN_LOAD)
            )
        plugin_files.append(f)
    dumped = [n.model_dump(by_alias=True, exclude_unset=True, mode="python") for n in (schema.indicators or [])]
    if not schema.extend:
        if schema.overrides:
            problems.append(where.problem(("overrides",), "只有 extend 另一个评分体系的包才能写 overrides"))
        missing = [k for k in REQUIRED if getattr(schema, k) is None]
        if missing:
            problems.append(where.problem((), f"缺少必填项：{'、'.join(missing)}"))
        if problems:
            raise JixiaoError(problems)
        return _Resolved(
            schema,
            dumped,
            _sources(dumped, where),
            plugin_files=plugin_files,
            raws=[where.raw],
            where=where,
            checks=_checks(schema, where, {}),
        )
    if schema.indicators is not None:
        problems.append(
            where.problem(("indicators",), "extend 的包不能重写整个 indicators：请用 overrides 的 set/use/drop/add")
        )
    try:
        base = _resolve(locate(schema.extend, path.parent), chain + (path.resolve(),))
    except JixiaoError as exc:
        raise JixiaoError(
            problems
            + [where.problem(("extend",), f"基础评分体系无法加载：{exc.problems[0].message}", exc.code)]
            + exc.problems[1:]
        ) from None
    result = reform.apply(base.indicators, schema.overrides, schema.id)
    for index, code, message in result.problems:
        problems.append(reform.override_problem(str(path), where.line(("overrides", index)), index, code, message))
    if problems:
        raise JixiaoError(problems)
    inherited = {
        k: getattr(schema, k) if getattr(schema, k) is not None else getattr(base.schema, k)
        for k in REQUIRED + ("kind", "total")
    }
    merged = base.schema.model_copy(
        update={
            **inherited,
            "id": schema.id,
            "extend": schema.extend,
            "facts": {**base.schema.facts, **schema.facts},
            "metrics": {**base.schema.metrics, **schema.metrics},
            "form": schema.form or base.schema.form,
        }
    )
    sources = {code: list(places) for code, places in base.sources.items()}
    for i, ov in enumerate(schema.overrides):
        if ov.add is not None:
            sources[str(ov.add.indicator.code)] = [(where, ("overrides", i, "add", "indicator"))]
    origins = {
        code: {**base.origins.get(code, {}), **result.origins.get(code, {})}
        for code in set(base.origins) | set(result.origins)
    }
    scale = dict(base.scale)
    for code, factor in result.scale.items():
        scale[code] = mul(scale.get(code, Decimal(1)), factor)
    return _Resolved(
        merged,
        result.indicators,
        sources,
        base.applied + result.applied,
        origins,
        scale,
        base.dropped + result.dropped_weight,
        base.plugin_files + plugin_files,
        base.raws + [where.raw],
        base.schema.id,
        where,
        _checks(schema, where, base.checks),
    )


def _checks(schema: PackSchema, where: _Where, inherited: dict[str, CheckSpec]) -> dict[str, CheckSpec]:
    """The base pack's checks, each replaced by this pack's check of the same id, then this pack's new ones."""
    out = dict(inherited)
    for i, c in enumerate(schema.checks):
        out[c.id] = CheckSpec(
            c.id,
            c.rule,
            c.label,
            c.effect,
            c.tolerance,
            dataclasses.replace(where.place(("checks", i)), text=f"checks[{i}]（{c.id}）"),
        )
    return out

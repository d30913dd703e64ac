"""Finding and loading rubric packs, resolving ``extend`` chains, and refusing malformed packs
with the file, the line and the node path."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .. import errors, tree
from ..errors import JixiaoError, Place, Problem, located
from ..facts import FactSpec
from ..numbers import CONTEXT, Number, fmt_number, mul, sub, total
from ..rules.intervals import Interval, parse_interval, partition_problems
from ..yamlio import load_with_lines, nearest_line
from . import reform
from .model import CheckSpec, Gate, GradeBand, LeafSpec, NodeSpec, Pack
from .schema import FactDecl, GateSchema, NodeSchema, PackSchema

PACK_FILE = "pack.yaml"
ENTRY_POINT_GROUP = "jixiao.rubrics"
REQUIRED = ("title", "region", "year", "version", "source", "rounding", "grades", "indicators")
_BOOL_TRUE = Interval(Decimal(1), True, Decimal(1), True)
_BOOL_FALSE = Interval(Decimal(0), True, Decimal(0), True)


def pack_roots() -> list[Path]:
    """Folders holding pack folders: the built-in ones, then any package's ``jixiao.rubrics`` entry point."""
    roots = [Path(str(resources.files("jixiao.rubrics")))]
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            roots.append(Path(str(resources.files(ep.value))))
        except Exception:
            continue
    return roots


def available_packs() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in pack_roots():
        for pack_file in sorted(root.glob(f"*/{PACK_FILE}")):
            found.setdefault(pack_file.parent.name, pack_file)
    return found


def _written_as_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.startswith(".") or text.endswith((".yaml", ".yml"))


def installed(path: Path) -> bool:
    """Whether ``path`` lies in an installed pack folder (shipped with jixiao or a package's ``jixiao.rubrics``)."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in pack_roots())


def locate(ref: str | Path, relative_to: Path | None = None) -> Path:
    """The ``pack.yaml`` that ``ref`` names: an installed pack's id, or a path.

    A bare name that is an installed pack's id always means that pack, even when the
    working directory (or ``relative_to``) holds a folder of the same name: a folder
    beside the data must not replace an installed rubric by accident. Such a folder is
    named in a warning; ``./name`` (any path with a separator) chooses it.
    """
    text = str(ref)
    packs = available_packs()
    if isinstance(ref, str) and text in packs and not _written_as_path(text):
        for folder in [Path(text)] + ([relative_to / text] if relative_to else []):
            if (folder / PACK_FILE).is_file() and folder.resolve() != packs[text].parent.resolve():
                logging.getLogger("jixiao").warning(
                    f"提示：文件夹 {folder} 与已安装的评分体系“{text}”同名；使用已安装的 {packs[text].parent}。如要使用该文件夹，请写成路径：./{text}"
                )
        return packs[text]
    candidates = [Path(ref)] + ([relative_to / text] if relative_to else [])
    for p in candidates:
        if p.is_dir() and (p / PACK_FILE).is_file():
            return p / PACK_FILE
        if p.is_file():
            return p
    known = "、".join(packs) or "（无）"
    raise JixiaoError(
        Problem(
            errors.PACK_NOT_FOUND,
            f"找不到评分体系“{ref}”：既不是已安装的体系（{known}），也不是存在的文件或目录",
            field="rubric",
            value=str(ref),
            expected="已安装体系的编号或 pack.yaml 的路径",
        )
    )


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


def load_pack(ref: str | Path) -> Pack:
    """The pack at ``ref`` (an installed id or a path), resolved over its bases, in ``numbers.CONTEXT``."""
    with localcontext(CONTEXT):
        path = locate(ref)
        resolved = _resolve(path, ())
        return _build(resolved, path)


def _read(path: Path) -> tuple[PackSchema, _Where]:
    try:
        raw, lines = load_with_lines(path)
    except Exception as exc:
        code = getattr(exc, "code", None) or errors.PACK_FILE
        raise JixiaoError(located(code, f"无法解析 YAML：{exc}", path, getattr(exc, "line", None))) from None
    where = _Where(path, raw, lines)
    if not isinstance(raw, dict):
        raise JixiaoError(where.problem((), "应为映射（键: 值）", errors.PACK_FILE))
    try:
        return PackSchema.model_validate(raw), where
    except ValidationError as exc:
        raise JixiaoError([where.problem(tuple(e["loc"]), _schema_text(e)) for e in exc.errors()]) from None


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
        if not f.is_file():
            problems.append(where.problem(("plugins", i), f"找不到本地插件文件 {f}", errors.PLUGIN_LOAD))
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


def _gate(kind: str, g: GateSchema, place: Place, problems: list[Problem]) -> Gate | None:
    if (g.is_ is None) == (g.range is None):
        problems.append(place.problem(errors.PACK_INVALID, "须且只能写 is: true/false 或 range: 区间 之一"))
        return None
    if g.range is None:
        return Gate(kind, g.fact, _BOOL_TRUE if g.is_ else _BOOL_FALSE, g.reason, place)
    try:
        return Gate(kind, g.fact, parse_interval(g.range), g.reason, place)
    except ValueError as exc:
        problems.append(place.problem(errors.PACK_BANDS, str(exc)))
        return None


def _spec(name: str, d: FactDecl) -> FactSpec:
    return FactSpec(name, d.kind, d.label, d.unit, d.choices, d.minimum, d.maximum, d.note)


def _build(r: _Resolved, path: Path) -> Pack:
    schema, problems = r.schema, []
    try:
        nodes = [NodeSchema.model_validate(n) for n in r.indicators]
    except ValidationError as exc:  # an override set a value of the wrong type
        raise JixiaoError(
            [
                Problem(
                    errors.PACK_OVERRIDE,
                    f"{path}：覆盖后的指标树无效：{_path_text({'indicators': r.indicators}, ('indicators',) + tuple(e['loc']))}：{e['msg']}",
                )
                for e in exc.errors()
            ]
        ) from None
    pack_facts = {k: _spec(k, d) for k, d in schema.facts.items()}

    places = {code: list(v) for code, v in r.sources.items()}

    def node(n: NodeSchema, ancestors: tuple[str, ...]):
        where, at = places[str(n.code)].pop(0) if places.get(str(n.code)) else (None, ())
        here = where(at) if where else f"{path}：{n.name}"

        def problem(code: str, message: str, sub: tuple = (), **extra: Any) -> Problem:
            return (
                where.problem(at + sub, message, code, **extra)
                if where
                else located(code, message, path, None, (), n.name, **extra)
            )

        if n.children:
            if n.use:
                problems.append(problem(errors.PACK_INVALID, f"“{n.name}”有下级指标，不能再写 use"))
            children_total = total(c.weight for c in n.children)
            if children_total != n.weight:
                problems.append(
                    problem(
                        errors.PACK_WEIGHTS,
                        f"“{n.name}”分值 {fmt_number(n.weight)} 与下级分值合计 {fmt_number(children_total)} 不符",
                    )
                )
            kids = tuple(node(c, ancestors + (str(n.code),)) for c in n.children)
            return NodeSpec(str(n.code), n.name, n.weight, n.printed_name or n.name, n.description, kids)
        if not n.use:
            problems.append(problem(errors.PACK_INVALID, f"末级指标“{n.name}”须用 use 指明评分实现"))
        facts = {**pack_facts, **{k: _spec(k, d) for k, d in n.facts.items()}}

        def gate_place(attr: str, i: int) -> Place:
            if where is None:
                return Place(str(path), None, (), f"{n.name}.{attr}[{i}]")
            return dataclasses.replace(where.place(at + (attr, i)), text=f"{_path_text(where.raw, at)}.{attr}[{i}]")

        gates = {
            kind: tuple(
                g for i, v in enumerate(getattr(n, attr)) if (g := _gate(kind, v, gate_place(attr, i), problems))
            )
            for kind, attr in (("veto", "veto"), ("exempt", "exempt"), ("not_applicable", "not_applicable"))
        }
        lines = {
            ".".join(str(p) for p in key[len(at) :]): line
            for key, line in (where.lines.items() if where else [])
            if key[: len(at)] == at
        }
        code = str(n.code)
        origins = {
            f"params.{k}": schema.id if code in r.origins and "*" in r.origins[code] else (r.base or schema.id)
            for k in n.params
        }
        origins.update({k: v for k, v in r.origins.get(code, {}).items() if k != "*"})
        return LeafSpec(
            code,
            n.name,
            n.weight,
            n.use or "",
            n.params,
            facts,
            n.description,
            n.criteria,
            n.improvement,
            gates["veto"],
            gates["exempt"],
            here,
            ancestors,
            gates["not_applicable"],
            origins,
            r.scale.get(code, Decimal(1)),
            dict(schema.metrics),
            str(where.file if where else path),
            lines,
            at,
        )

    roots = tuple(node(n, ()) for n in nodes)
    pack_total = schema.total if schema.total is not None else Decimal(100)
    top = total(n.weight for n in nodes)
    top_where = r.where or _Where(path, {}, {})
    if top != sub(pack_total, r.dropped):
        problems.append(
            top_where.problem(
                ("indicators",),
                f"一级指标分值合计 {fmt_number(top)} 不等于总分 {fmt_number(sub(pack_total, r.dropped))}",
                errors.PACK_WEIGHTS,
            )
        )
    seen: dict[str, str] = {}
    for leaf in tree.leaves(roots, LeafSpec):
        if leaf.code in seen:
            problems.append(
                leaf.place("code").problem(
                    errors.PACK_INVALID,
                    f"指标编码 {leaf.code} 与 {seen[leaf.code]} 重复",
                    field="code",
                    value=leaf.code,
                )
            )
        seen[leaf.code] = leaf.path
    grades = []
    for i, g in enumerate(schema.grades or []):
        try:
            grades.append(GradeBand(g.grade, parse_interval(g.range)))
        except ValueError as exc:
            problems.append(top_where.problem(("grades", i, "range"), str(exc), errors.PACK_BANDS))
    if len(grades) == len(schema.grades or []):
        for msg in partition_problems([g.interval for g in grades], Interval(Decimal(0), True, pack_total, True)):
            problems.append(top_where.problem(("grades",), f"等级区间{msg}", errors.PACK_BANDS))
    if problems:
        raise JixiaoError(problems)
    rounding = schema.rounding
    assert (  # REQUIRED: _resolve refused a pack without them, and an extending pack inherits them
        schema.title is not None
        and schema.region is not None
        and schema.year is not None
        and schema.version is not None
        and schema.source is not None
        and rounding is not None
    )
    return Pack(
        schema.id,
        schema.title,
        schema.region,
        schema.year,
        schema.version,
        schema.kind or "部门整体支出绩效评价",
        schema.source,
        pack_total,
        (rounding.score.places, rounding.score.mode),
        (rounding.rate.places, rounding.rate.mode) if rounding.rate else None,
        tuple(grades),
        roots,
        tuple(r.plugin_files),
        path.parent,
        _digest(r.raws, r.plugin_files),
        r.raws[-1],
        tuple(r.applied),
        r.base,
        r.dropped,
        tuple(r.checks.values()),
    )


def _digest(raws: list[Any], plugin_files: list[Path]) -> str:
    h = hashlib.sha256(json.dumps(raws, sort_keys=True, ensure_ascii=False, default=str).encode())
    for f in plugin_files:
        if f.is_file():
            h.update(f.read_bytes())
    return "sha256:" + h.hexdigest()[:16]

"""Finding and loading rubric packs; malformed packs are refused with the file and the node path."""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import errors
from ..errors import JixiaoError, Problem
from ..facts import FactSpec
from ..numbers import fmt_number
from ..rules.intervals import Interval, parse_interval, partition_problems
from ..yamlio import load_path
from .model import Gate, GradeBand, LeafSpec, NodeSpec, Pack
from .schema import GateSchema, NodeSchema, PackSchema

PACK_FILE = "pack.yaml"
ENTRY_POINT_GROUP = "jixiao.rubrics"
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


def locate(ref: str | Path) -> Path:
    p = Path(ref)
    if p.is_dir() and (p / PACK_FILE).is_file():
        return p / PACK_FILE
    if p.is_file():
        return p
    packs = available_packs()
    if str(ref) in packs:
        return packs[str(ref)]
    known = "、".join(packs) or "（无）"
    raise JixiaoError(Problem(errors.PACK_NOT_FOUND, f"找不到评分体系“{ref}”：既不是已安装的体系（{known}），也不是存在的文件或目录", field="rubric", value=str(ref), expected="已安装体系的编号或 pack.yaml 的路径"))


def _bad(path: Path, node: str, message: str, code: str = errors.PACK_INVALID) -> Problem:
    return Problem(code, f"{path}：{node}：{message}", location=f"{path}:{node}")


def _loc_text(raw: Any, loc: tuple) -> str:
    """Render a pydantic location as a node path, naming indicators as they are called."""
    out, node = "", raw
    for part in loc:
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


def load_pack(ref: str | Path) -> Pack:
    path = locate(ref)
    try:
        raw = load_path(path)
    except Exception as exc:
        raise JixiaoError(_bad(path, "（文件）", f"无法解析 YAML：{exc}", errors.PACK_FILE)) from None
    if not isinstance(raw, dict):
        raise JixiaoError(_bad(path, "（根）", "应为映射（键: 值）", errors.PACK_FILE))
    try:
        schema = PackSchema.model_validate(raw)
    except ValidationError as exc:
        raise JixiaoError([_bad(path, _loc_text(raw, e["loc"]), f"{e['msg']}（值：{e.get('input')!r}）") for e in exc.errors()]) from None
    return _build(schema, raw, path)


def _gate(kind: str, g: GateSchema, where: str, path: Path, problems: list[Problem]) -> Gate | None:
    if (g.is_ is None) == (g.range is None):
        problems.append(_bad(path, where, "须且只能写 is: true/false 或 range: 区间 之一"))
        return None
    if g.is_ is not None:
        return Gate(kind, g.fact, _BOOL_TRUE if g.is_ else _BOOL_FALSE, g.reason, where)
    try:
        return Gate(kind, g.fact, parse_interval(g.range), g.reason, where)
    except ValueError as exc:
        problems.append(_bad(path, where, str(exc), errors.PACK_BANDS))
        return None


def _build(schema: PackSchema, raw: dict, path: Path) -> Pack:
    problems: list[Problem] = []

    def node(n: NodeSchema, where: str, ancestors: tuple[str, ...]):
        if n.children:
            if n.use:
                problems.append(_bad(path, where, f"“{n.name}”有下级指标，不能再写 use"))
            total = sum((c.weight for c in n.children), Decimal(0))
            if total != n.weight:
                problems.append(_bad(path, where, f"“{n.name}”分值 {fmt_number(n.weight)} 与下级分值合计 {fmt_number(total)} 不符", errors.PACK_WEIGHTS))
            kids = tuple(node(c, f"{where}.children[{i}]（{c.name}）", ancestors + (n.code,)) for i, c in enumerate(n.children))
            return NodeSpec(n.code, n.name, n.weight, n.printed_name or n.name, n.description, kids)
        if not n.use:
            problems.append(_bad(path, where, f"末级指标“{n.name}”须用 use 指明评分实现"))
        facts = {k: FactSpec(k, d.kind, d.label, d.unit, d.choices, d.minimum, d.maximum, d.note) for k, d in n.facts.items()}
        vetoes = tuple(g for i, v in enumerate(n.veto) if (g := _gate("veto", v, f"{where}.veto[{i}]", path, problems)))
        exempts = tuple(g for i, v in enumerate(n.exempt) if (g := _gate("exempt", v, f"{where}.exempt[{i}]", path, problems)))
        return LeafSpec(n.code, n.name, n.weight, n.use or "", n.params, facts, n.description, n.criteria,
                        n.improvement, vetoes, exempts, where, ancestors)

    roots = tuple(node(n, f"indicators[{i}]（{n.name}）", ()) for i, n in enumerate(schema.indicators))
    top = sum((n.weight for n in schema.indicators), Decimal(0))
    if top != schema.total:
        problems.append(_bad(path, "indicators", f"一级指标分值合计 {fmt_number(top)} 不等于总分 {fmt_number(schema.total)}", errors.PACK_WEIGHTS))
    codes: dict[str, str] = {}
    for leaf in _leaves(roots):
        if leaf.code in codes:
            problems.append(_bad(path, leaf.path, f"指标编码 {leaf.code} 与 {codes[leaf.code]} 重复"))
        codes[leaf.code] = leaf.path
    grades = []
    for i, g in enumerate(schema.grades):
        try:
            grades.append(GradeBand(g.grade, parse_interval(g.range)))
        except ValueError as exc:
            problems.append(_bad(path, f"grades[{i}]", str(exc), errors.PACK_BANDS))
    if len(grades) == len(schema.grades):
        domain = Interval(Decimal(0), True, schema.total, True)
        for msg in partition_problems([g.interval for g in grades], domain):
            problems.append(_bad(path, "grades", f"等级区间{msg}", errors.PACK_BANDS))
    plugin_files = []
    for i, name in enumerate(schema.plugins):
        f = (path.parent / name).resolve()
        if not f.is_file():
            problems.append(_bad(path, f"plugins[{i}]", f"找不到本地插件文件 {f}", errors.PLUGIN_LOAD))
        plugin_files.append(f)
    if problems:
        raise JixiaoError(problems)
    digest = _digest(raw, plugin_files)
    return Pack(
        schema.id, schema.title, schema.region, schema.year, schema.version, schema.kind, schema.source,
        schema.total, (schema.rounding.score.places, schema.rounding.score.mode),
        (schema.rounding.rate.places, schema.rounding.rate.mode) if schema.rounding.rate else None,
        tuple(grades), roots, tuple(plugin_files), path.parent, digest, raw,
    )


def _leaves(nodes):
    for n in nodes:
        if isinstance(n, LeafSpec):
            yield n
        else:
            yield from _leaves(n.children)


def _digest(raw: Any, plugin_files: list[Path]) -> str:
    h = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode())
    for f in plugin_files:
        h.update(f.read_bytes())
    return "sha256:" + h.hexdigest()[:16]

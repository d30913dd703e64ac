"""Loading a rubric pack: the resolved tree built into a ``Pack``, and a malformed pack refused
with the file, the line and the node path.

``load_pack`` is the one way in: ``discovery`` finds the file a reference names,
``resolve`` reads it and lays it over the packs it extends, and this module builds the
``NodeSpec`` / ``LeafSpec`` tree, checks weights, codes and grades, and computes the
digest. Names that used to live here (``locate``, ``available_packs``, …) are
importable from here still.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import errors, tree
from ..errors import JixiaoError, Place, Problem, located
from ..facts import FactSpec
from ..numbers import CONTEXT, Number, div, fmt_detail, fmt_number, sub, total
from ..rules.intervals import Interval, parse_interval, partition_problems
from .discovery import ENTRY_POINT_GROUP as ENTRY_POINT_GROUP
from .discovery import PACK_FILE as PACK_FILE
from .discovery import available_packs as available_packs
from .discovery import installed as installed
from .discovery import locate as locate
from .discovery import pack_roots as pack_roots
from .lines import FileLines, LinesWhenRead, lines_below
from .model import Gate, GradeBand, LeafSpec, NodeSpec, Pack, ReasonRule
from .resolve import REQUIRED as REQUIRED
from .resolve import _path_text, _resolve, _Resolved, _Where
from .schema import FactDecl, GateSchema, NodeSchema

_BOOL_TRUE = Interval(Decimal(1), True, Decimal(1), True)
_BOOL_FALSE = Interval(Decimal(0), True, Decimal(0), True)


def load_pack(ref: str | Path) -> Pack:
    """The pack at ``ref`` (an installed id or a path), resolved over its bases, in ``numbers.CONTEXT``."""
    with localcontext(CONTEXT):
        path = locate(ref)
        resolved = _resolve(path, ())
        try:
            return _build(resolved, path)
        except JixiaoError as exc:
            if resolved.base is None:
                raise
            raise JixiaoError(blame_overrides(exc.problems, path)) from None


def blame_overrides(problems: list[Problem], path: Path) -> list[Problem]:
    """A mistake in an extending pack, pointed at the line to edit (the override that caused it), as
    ``rubric check`` points it. Only on refusal: the files are read again for their lines."""
    from .chain import read_chain, relocate

    chain = read_chain(path)
    return [relocate(p, chain) for p in problems]


def _criteria(text: str, weight: Decimal, scale: Number, origins: dict[str, str]) -> str:
    """The criteria as printed: points moved here by a ``drop`` scale the score, and the text, written
    for the old points, says so — unless the override that moved them rewrote it."""
    if scale == 1 or "criteria" in origins:
        return text
    note = (
        f"（本指标分值已由{fmt_number(div(weight, scale))}分调整为{fmt_number(weight)}分，"
        f"按上述标准计得的分数×{fmt_detail(scale)}）"
    )
    return f"{text}\n{note}" if text else note


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
                    f"{path}：覆盖后的指标树无效："
                    f"{_path_text({'indicators': r.indicators}, ('indicators',) + tuple(e['loc']))}：{e['msg']}",
                )
                for e in exc.errors()
            ]
        ) from None
    pack_facts = {k: _spec(k, d) for k, d in schema.facts.items()}

    places = {code: list(v) for code, v in r.sources.items()}
    file_lines: dict[int, FileLines] = {}  # per file read: its lines, sorted when a leaf's are first read

    def leaf_lines(where: _Where, at: tuple) -> LinesWhenRead:
        if id(where) not in file_lines:
            file_lines[id(where)] = FileLines(where.lines)
        return lines_below(file_lines[id(where)], at)

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
        lines = leaf_lines(where, at) if where else {}
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
            _criteria(n.criteria, n.weight, r.scale.get(code, Decimal(1)), r.origins.get(code, {})),
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
            reasons=tuple(
                ReasonRule(r.when, r.fact, r.deduct, r.reason, gate_place("require_reason", i))
                for i, r in enumerate(n.require_reason)
            ),
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
    for group in tree.groups(roots, LeafSpec):  # a group's code names it too (claims, reports): one node per code
        if group.code in seen:
            problems.append(
                located(
                    errors.PACK_INVALID,
                    f"分组“{group.name}”的编码 {group.code} 与 {seen[group.code]} 重复",
                    path,
                    None,
                    ("indicators",),
                    group.name,
                    field="code",
                    value=group.code,
                )
            )
        seen[group.code] = f"分组“{group.name}”"
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
        (rounding.rate.fraction_places, rounding.rate.mode) if rounding.rate else None,
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
        schema.form,
    )


def _text_keys(value: Any) -> Any:
    """``value`` with every mapping key text, so that it sorts: a key YAML read as a number is marked
    as one (text keys, the usual case, are left as they are, and so are the digests of such packs)."""
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else f"\x00{type(k).__name__}:{k}"): _text_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_keys(v) for v in value]
    return value


def _digest(raws: list[Any], plugin_files: list[Path]) -> str:
    h = hashlib.sha256(json.dumps(_text_keys(raws), sort_keys=True, ensure_ascii=False, default=str).encode())
    for f in plugin_files:
        if f.is_file():
            h.update(f.read_bytes())
    return "sha256:" + h.hexdigest()[:16]

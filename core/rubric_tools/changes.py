"""The changes between two packs, as data: what ``jixiao rubric diff`` reports.

``diff_packs`` loads both packs and compares them as the engine reads them: the total,
rounding, grades, consistency checks, pack facts, groups, and each leaf matched by code
(weight, scale, implementation, parent, every flattened param, texts, facts, gates),
each change with the overrides of B that made it. ``diff`` words the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..numbers import exact_text, fmt_number, to_decimal
from ..pack import load_pack
from ..pack.model import LeafSpec, Pack, ReasonRule
from ..rules.intervals import parse_interval
from . import read_chain
from .show import check_text, fact_text, gate_text, reason_text

TEXTS = {"name": "名称", "description": "指标说明", "criteria": "参考评分标准", "improvement": "改进措施"}
GATES = {"vetoes": "否决条件", "exemptions": "直接得分条件", "not_applicable": "不适用条件", "reasons": "须说明原因"}


@dataclass
class Change:
    """One difference. ``kind``: total, rounding, grade, pack_fact, group, indicator, weight,
    implementation, param, text, fact, gate, moved; ``action``: changed, added, removed."""

    kind: str
    action: str
    code: str | None = None
    name: str | None = None
    path: str | None = None
    old: Any = None
    new: Any = None
    basis: list[str] = field(default_factory=list)  # the overrides of B that made it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "action": self.action}
        for key in ("code", "name", "path"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["old"], out["new"] = _plain(self.old), _plain(self.new)
        if self.basis:
            out["basis"] = self.basis
        return out


@dataclass
class DiffResult:
    a: Pack
    b: Pack
    changes: list[Change]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return fmt_number(value)
    if isinstance(value, Fraction):
        return exact_text(value)
    if isinstance(value, (dt.date, Path)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def flatten(value: Any, prefix: str = "params") -> dict[str, Any]:
    """``{"bands": [{"range": "[0, 5%)"}]}`` → ``{"params.bands[0].range": "[0, 5%)"}``."""
    if isinstance(value, dict) and value:
        return {k: v for key, item in value.items() for k, v in flatten(item, f"{prefix}.{key}").items()}
    if isinstance(value, (list, tuple)) and value:
        return {k: v for i, item in enumerate(value) for k, v in flatten(item, f"{prefix}[{i}]").items()}
    return {prefix: value}


def same(x: Any, y: Any) -> bool:
    """Equal as the engine reads them: numbers by value (percent or not), intervals by their edges."""
    if type(x) is type(y) and x == y:
        return True
    if isinstance(x, bool) or isinstance(y, bool):
        return x == y
    try:
        return to_decimal(x) == to_decimal(y)
    except ValueError:
        pass
    if isinstance(x, str) and isinstance(y, str):
        try:
            a, b = parse_interval(x), parse_interval(y)
        except ValueError:
            return x.strip() == y.strip()
        return (a.lo, a.lo_closed, a.hi, a.hi_closed) == (b.lo, b.lo_closed, b.hi, b.hi_closed)
    return x == y


def diff_packs(a_ref: str | Path, b_ref: str | Path) -> DiffResult:
    a, b = load_pack(a_ref), load_pack(b_ref)
    changes: list[Change] = []
    if a.total != b.total:
        changes.append(Change("total", "changed", path="total", old=a.total, new=b.total))
    for path, old, new in (
        ("rounding.score", a.score_rounding, b.score_rounding),
        ("rounding.rate", a.rate_rounding, b.rate_rounding),
    ):
        if old != new:
            changes.append(
                Change("rounding", "changed", path=path, old=list(old) if old else None, new=list(new) if new else None)
            )
    if a.dropped_weight != b.dropped_weight:
        changes.append(Change("total", "changed", path="dropped_weight", old=a.dropped_weight, new=b.dropped_weight))
    changes += _grades(a, b)
    changes += _checks(a, b)
    pack_facts = _pack_fact_names(a_ref) | _pack_fact_names(b_ref)
    changes += _pack_facts(a, b, pack_facts)
    changes += _groups(a, b)
    basis = _basis(a, b)
    a_leaves = {leaf.code: leaf for leaf in a.leaves()}
    for leaf in b.leaves():
        was = a_leaves.get(leaf.code)
        found = (
            _leaf(was, leaf, pack_facts)
            if was is not None
            else [
                Change(
                    "indicator",
                    "added",
                    leaf.code,
                    leaf.name,
                    new={
                        "weight": leaf.weight,
                        "use": leaf.use,
                        "parent": leaf.ancestors[-1] if leaf.ancestors else None,
                    },
                )
            ]
        )
        for c in found:
            c.basis = basis.get(leaf.code, [])
        changes += found
    b_codes = {leaf.code for leaf in b.leaves()}
    for leaf in a.leaves():
        if leaf.code not in b_codes:
            changes.append(
                Change(
                    "indicator",
                    "removed",
                    leaf.code,
                    leaf.name,
                    old={
                        "weight": leaf.weight,
                        "use": leaf.use,
                        "parent": leaf.ancestors[-1] if leaf.ancestors else None,
                    },
                    basis=basis.get(leaf.code, []),
                )
            )
    return DiffResult(a, b, changes)


def _grades(a: Pack, b: Pack) -> list[Change]:
    old = {g.grade: g.interval for g in a.grades}
    new = {g.grade: g.interval for g in b.grades}
    out = []
    for grade in list(old) + [g for g in new if g not in old]:
        x, y = old.get(grade), new.get(grade)
        if x is None or y is None or not same(str(x), str(y)):
            action = "added" if x is None else "removed" if y is None else "changed"
            out.append(
                Change(
                    "grade",
                    action,
                    name=grade,
                    path=f"grades.{grade}",
                    old=str(x) if x else None,
                    new=str(y) if y else None,
                )
            )
    return out


def _checks(a: Pack, b: Pack) -> list[Change]:
    old = {c.id: check_text(c) for c in a.checks}
    new = {c.id: check_text(c) for c in b.checks}
    out = []
    for check_id in list(old) + [c for c in new if c not in old]:
        x, y = old.get(check_id), new.get(check_id)
        if x != y:
            action = "added" if x is None else "removed" if y is None else "changed"
            out.append(Change("check", action, name=check_id, path=f"checks.{check_id}", old=x, new=y))
    return out


def _pack_fact_names(ref: str | Path) -> set[str]:
    return {str(k) for f in read_chain(ref) if isinstance(f.raw.get("facts"), dict) for k in f.raw["facts"]}


def _any_spec(pack: Pack, name: str):
    return next((leaf.facts[name] for leaf in pack.leaves() if name in leaf.facts), None)


def _pack_facts(a: Pack, b: Pack, names: set[str]) -> list[Change]:
    out = []
    for name in sorted(names):
        x, y = _any_spec(a, name), _any_spec(b, name)
        if (x is None) != (y is None) or (x is not None and fact_text(x) != fact_text(y)):
            action = "added" if x is None else "removed" if y is None else "changed"
            out.append(
                Change(
                    "pack_fact",
                    action,
                    path=f"facts.{name}",
                    old=fact_text(x) if x else None,
                    new=fact_text(y) if y else None,
                )
            )
    return out


def _groups(a: Pack, b: Pack) -> list[Change]:
    old = {n.code: n for n in a.nodes()}
    new = {n.code: n for n in b.nodes()}
    out = []
    for code in list(old) + [c for c in new if c not in old]:
        x, y = old.get(code), new.get(code)
        if x is None or y is None:
            n = x or new[code]
            out.append(
                Change(
                    "group",
                    "added" if x is None else "removed",
                    code,
                    n.name,
                    old=x.weight if x else None,
                    new=y.weight if y else None,
                )
            )
            continue
        if x.weight != y.weight:
            out.append(Change("weight", "changed", code, y.name, "weight", x.weight, y.weight))
        if x.name != y.name:
            out.append(Change("text", "changed", code, y.name, "name", x.name, y.name))
    return out


def _leaf(x: LeafSpec, y: LeafSpec, pack_facts: set[str]) -> list[Change]:
    out = []
    if x.weight != y.weight:
        out.append(Change("weight", "changed", y.code, y.name, "weight", x.weight, y.weight))
    if x.scale != y.scale:
        out.append(Change("scale", "changed", y.code, y.name, "scale", x.scale, y.scale))
    if x.use != y.use:
        out.append(Change("implementation", "changed", y.code, y.name, "use", x.use, y.use))
    if x.ancestors[-1:] != y.ancestors[-1:]:
        out.append(
            Change(
                "moved", "changed", y.code, y.name, "parent", (x.ancestors or (None,))[-1], (y.ancestors or (None,))[-1]
            )
        )
    old, new = flatten(dict(x.params)), flatten(dict(y.params))
    for path in list(old) + [p for p in new if p not in old]:
        if path not in new or path not in old or not same(old[path], new[path]):
            action = "added" if path not in old else "removed" if path not in new else "changed"
            out.append(Change("param", action, y.code, y.name, path, old.get(path), new.get(path)))
    for attr in TEXTS:
        if str(getattr(x, attr)).strip() != str(getattr(y, attr)).strip():
            out.append(Change("text", "changed", y.code, y.name, attr, getattr(x, attr), getattr(y, attr)))
    names = [n for n in list(x.facts) + [n for n in y.facts if n not in x.facts] if n not in pack_facts]
    for n in names:
        fx, fy = x.facts.get(n), y.facts.get(n)
        if (fx is None) != (fy is None) or (fx is not None and fy is not None and fact_text(fx) != fact_text(fy)):
            action = "added" if fx is None else "removed" if fy is None else "changed"
            out.append(
                Change(
                    "fact",
                    action,
                    y.code,
                    y.name,
                    f"facts.{n}",
                    fact_text(fx) if fx else None,
                    fact_text(fy) if fy else None,
                )
            )
    for attr in GATES:
        gx = [_gate_or_reason(g, x) for g in getattr(x, attr)]
        gy = [_gate_or_reason(g, y) for g in getattr(y, attr)]
        for i in range(max(len(gx), len(gy))):
            gold, gnew = (gx[i] if i < len(gx) else None), (gy[i] if i < len(gy) else None)
            if gold != gnew:
                action = "added" if gold is None else "removed" if gnew is None else "changed"
                out.append(Change("gate", action, y.code, y.name, f"{attr}[{i}]", gold, gnew))
    return out


def _gate_or_reason(item: Any, leaf: LeafSpec) -> str:
    return reason_text(item) if isinstance(item, ReasonRule) else gate_text(item, leaf.facts.get(item.fact))


def _basis(a: Pack, b: Pack) -> dict[str, list[str]]:
    """Code → the labels of B's overrides (those A does not share) that touched it."""
    known = [o.to_dict() for o in a.overrides]
    out: dict[str, list[str]] = {}
    for o in b.overrides:
        if o.to_dict() in known:
            continue
        label = f"{o.authority}：{o.reason}" + (f"（自 {o.effective} 起）" if o.effective else "")
        for code in o.touched:
            out.setdefault(code, []).append(label)
    return out

"""A district's pack as a reform of a base pack: labelled overrides applied to the base's tree.

Each override says what it changes, why (``reason``), on whose authority (``authority``,
the 文号) and optionally from when (``effective``). Two overrides of the same thing, an
override of something that does not exist, and adding an indicator whose code or name
is already taken are errors. The result records, per leaf, which override set which
parameter, so a scorecard can say where every number came from.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from .. import errors
from ..errors import Problem, located
from ..numbers import Number, add, div, fmt_number, mul, to_decimal
from .schema import OverrideSchema

SETTABLE_ROOTS = (
    "params",
    "weight",
    "facts",
    "description",
    "criteria",
    "improvement",
    "veto",
    "exempt",
    "not_applicable",
    "require_reason",
    "name",
)


@dataclass(frozen=True)
class AppliedOverride:
    index: int
    target: str
    action: str  # "set params.bands", "use x", "drop (rescale)", "drop (move to y)", "add"
    reason: str
    authority: str
    effective: str | None
    pack: str
    moved_to: str | None = None  # drop with move_to: the sibling that received the points
    moved_points: Decimal | None = None

    @property
    def label(self) -> str:
        return f"{self.authority}：{self.reason}"

    @property
    def touched(self) -> list[str]:
        """The codes of the indicators this override changed."""
        return [self.target] + ([self.moved_to] if self.moved_to else [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "action": self.action,
            "reason": self.reason,
            "authority": self.authority,
            "effective": self.effective,
            "pack": self.pack,
        }


@dataclass
class ReformResult:
    indicators: list[dict]
    applied: list[AppliedOverride] = field(default_factory=list)
    origins: dict[str, dict[str, str]] = field(default_factory=dict)  # code → {param path → label}
    scale: dict[str, Number] = field(default_factory=dict)  # code → multiplier on the raw score (exact)
    dropped_weight: Decimal = Decimal(0)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (override index, code, message)


Trail = tuple[dict, ...]  # the ancestors of a node, from the top


def _walk(nodes: list[dict], trail: Trail = ()) -> Iterator[tuple[dict, Trail]]:
    for n in nodes:
        yield n, trail
        yield from _walk(n.get("children") or [], trail + (n,))


def _find(nodes: list[dict], key: str) -> tuple[dict, Trail] | Literal["ambiguous"] | None:
    by_code = [(n, t) for n, t in _walk(nodes) if str(n["code"]) == key]
    if by_code:
        return by_code[0]
    by_name = [(n, t) for n, t in _walk(nodes) if n["name"] == key]
    if len(by_name) > 1:
        return "ambiguous"
    return by_name[0] if by_name else None


def _set_path(node: dict, path: str, value: Any) -> str | None:
    parts = path.split(".")
    if parts[0] not in SETTABLE_ROOTS:
        return f"不能修改 {path}：可修改的是 {'、'.join(SETTABLE_ROOTS)} 之下的内容"
    if len(parts) == 1 and path not in node:  # a known key the base left out (veto, require_reason…): no typo to fear
        node[path] = value
        return None
    cur: Any = node
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        key: Any = int(part) if part.isdigit() and isinstance(cur, list) else part
        exists = (isinstance(cur, dict) and key in cur) or (
            isinstance(cur, list) and isinstance(key, int) and key < len(cur)
        )
        if not exists:
            return f"要修改的 {path} 在原指标中不存在（{'.'.join(parts[: i + 1])}）"
        if last:
            cur[key] = copy.deepcopy(value)
        else:
            cur = cur[key]
    return None


def _applied(index: int, ov: OverrideSchema, pack_id: str, action: str, target: str) -> AppliedOverride:
    return AppliedOverride(
        index, target, action, ov.reason, ov.authority, ov.effective.isoformat() if ov.effective else None, pack_id
    )


def apply(base: list[dict], overrides: list[OverrideSchema], pack_id: str) -> ReformResult:
    result = ReformResult(copy.deepcopy(base))
    seen: dict[tuple[str, str], int] = {}
    tree = result.indicators

    def claim(i: int, code: str, what: str) -> bool:
        key = (code, what)
        if key in seen:
            result.problems.append((i, code, f"与第 {seen[key] + 1} 条覆盖重复：两条覆盖都修改“{code}”的 {what}"))
            return False
        seen[key] = i
        return True

    for i, ov in enumerate(overrides):
        actions = [a for a in ("set", "use", "drop", "add") if getattr(ov, a) is not None]
        if len(actions) != 1:
            result.problems.append((i, ov.target or "", "每条覆盖须且只能有 set、use、drop、add 之一"))
            continue
        info = functools.partial(_applied, i, ov, pack_id)
        if ov.add is not None:
            into = _find(tree, ov.add.parent)
            new = ov.add.indicator.model_dump(by_alias=True, exclude_unset=True, mode="python")
            if into in (None, "ambiguous") or not isinstance(into, tuple) or not into[0].get("children"):
                result.problems.append((i, ov.add.parent, f"要添加到的上级指标“{ov.add.parent}”不存在或不是分组指标"))
                continue
            clash = [n for n, _ in _walk(tree) if str(n["code"]) == str(new["code"]) or n["name"] == new["name"]]
            if clash:
                result.problems.append(
                    (
                        i,
                        str(new["code"]),
                        f"添加的指标“{new['name']}”（{new['code']}）"
                        "与已有指标重名或同编码：要替换已有指标请用 use 或 set 覆盖它",
                    )
                )
                continue
            into[0]["children"].append(new)
            result.origins.setdefault(str(new["code"]), {})["*"] = info("add", str(new["code"])).label
            result.applied.append(info("add", str(new["code"])))
            continue
        if not ov.target:
            result.problems.append((i, "", "缺少 target（要覆盖的指标编码或名称）"))
            continue
        found = _find(tree, ov.target)
        if isinstance(found, str):
            result.problems.append((i, ov.target, f"名称“{ov.target}”对应多个指标，请改用编码"))
            continue
        if found is None:
            result.problems.append((i, ov.target, f"要覆盖的指标“{ov.target}”在基础评分体系中不存在"))
            continue
        node, trail = found
        code = str(node["code"])
        if ov.set is not None:
            for path, value in ov.set.items():
                if not claim(i, code, path):
                    continue
                err = _set_path(node, path, value)
                if err:
                    result.problems.append((i, code, err))
                    continue
                result.origins.setdefault(code, {})[path] = info(f"set {path}", code).label
            result.applied.append(info("set " + "、".join(ov.set), code))
        elif ov.use is not None:
            if node.get("children"):
                result.problems.append((i, code, "分组指标没有评分实现，不能用 use 覆盖"))
                continue
            if claim(i, code, "use"):
                node["use"] = ov.use
                result.origins.setdefault(code, {})["use"] = info(f"use {ov.use}", code).label
                result.applied.append(info(f"use {ov.use}", code))
        elif ov.drop is not None:
            if not claim(i, code, "drop") or not trail:
                if not trail:
                    result.problems.append((i, code, "不能删除一级指标"))
                continue
            parent = trail[-1]
            weight = to_decimal(node["weight"])
            moved_to = None
            if ov.drop == "rescale":
                for anc in trail:
                    anc["weight"] = to_decimal(anc["weight"]) - weight
                result.dropped_weight += weight
                action = "drop (rescale)"
            else:
                sib = next(
                    (c for c in parent["children"] if c is not node and ov.drop.move_to in (str(c["code"]), c["name"])),
                    None,
                )
                if sib is None or sib.get("children"):
                    result.problems.append((i, code, f"分值移至的同级末级指标“{ov.drop.move_to}”不存在"))
                    continue
                old = to_decimal(sib["weight"])
                sib["weight"] = old + weight
                result.scale[str(sib["code"])] = mul(
                    result.scale.get(str(sib["code"]), Decimal(1)), div(add(old, weight), old)
                )
                result.origins.setdefault(str(sib["code"]), {})["weight"] = info(f"drop {code}", code).label
                action = f"drop (move to {sib['code']}, +{fmt_number(weight)})"
                moved_to = str(sib["code"])
            parent["children"].remove(node)
            applied = info(action, code)
            if moved_to is not None:
                applied = dataclasses.replace(applied, moved_to=moved_to, moved_points=weight)
            result.applied.append(applied)
    return result


def override_problem(file: str, line: int | None, index: int, code: str, message: str) -> Problem:
    return located(
        errors.PACK_OVERRIDE,
        message,
        file,
        line,
        ("overrides", index),
        f"overrides[{index}]（{code}）",
        field=f"overrides[{index}]",
        value=code,
    )

"""``jixiao rubric show``: a pack as a reviewer reads it, without opening the YAML.

The tree with weights; for each leaf the rule in Chinese as the engine compiled it
(``Configured.formula``, so what is shown is what scores), the implementation, the facts
a department must supply, the gates that override the rule; and for a pack that extends
another, each override with its reason and authority and the indicators it touched.
The text comes from the bound engine, never from the YAML, so it cannot drift from
what is scored.
"""

from __future__ import annotations

import re
from typing import Any

from ..facts import FactSpec
from ..numbers import fmt_number, fmt_percent
from ..pack.model import Gate, LeafSpec, NodeSpec, ReasonRule
from . import read_chain, walk_nodes

LEVELS = ("一级", "二级", "三级", "四级", "五级")
MODES = {"truncate": "截尾", "half_up": "四舍五入", "half_even": "四舍六入五成双"}
KINDS = {
    "money": "金额",
    "number": "数值",
    "count": "整数",
    "rate": "比率",
    "bool": "是/否",
    "choice": "选项",
    "score": "分数",
    "text": "文字",
    "date": "日期",
    "table": "表格",
}
GATES = (
    ("vetoes", "否决（得0分）"),
    ("exemptions", "直接得满分"),
    ("not_applicable", "不适用（不计分，按适用指标折算）"),
)
INDENT = "  "


def rounding_text(rule: tuple[int, str] | None) -> str:
    if rule is None:
        return "不单独取舍"
    places, mode = rule
    return f"保留 {places} 位小数（{MODES.get(mode, mode)}）"


def grades_text(pack: Any) -> str:
    return "；".join(f"{g.grade} {g.interval.describe('总分')}" for g in pack.grades)


def fact_text(spec: FactSpec) -> str:
    kind = KINDS.get(spec.kind, spec.kind)
    if spec.kind == "choice" and spec.choices:
        kind += "：" + "／".join(spec.choices.values())
    unit = f"，单位{spec.unit}" if spec.unit else ""
    bounds = ""
    if spec.minimum is not None or spec.maximum is not None:
        show = (lambda v: fmt_percent(v, 2)) if spec.kind == "rate" else fmt_number
        bounds = (
            f"，{show(spec.minimum) if spec.minimum is not None else ''}"
            f"～{show(spec.maximum) if spec.maximum is not None else ''}"
        )
    return f"{spec.name}（{spec.label}；{kind}{unit}{bounds}）"


def reason_text(rule: ReasonRule) -> str:
    """ "全年执行数 < 90% × 全年预算数时须说明原因（low_execution_reason），未说明扣1分：…"."""
    return f"{rule.when} 时须说明原因（{rule.fact}），未说明扣{fmt_number(rule.deduct)}分：{rule.reason}"


def gate_text(gate: Gate, spec: FactSpec | None) -> str:
    label = spec.label if spec else gate.fact
    iv = gate.interval
    if (spec is None or spec.kind == "bool") and iv.lo == iv.hi and iv.lo in (0, 1):
        when = f"{label}为“{'是' if iv.lo == 1 else '否'}”"
    else:
        when = iv.describe(label)
    return f"{when}时：{gate.reason}"


CHECK_EFFECTS = {
    "warn": "不成立时提示，照常计分",
    "not_evaluable": "不成立时，用到这些事实的指标无法评价",
    "ignore": "已停用",
}


def check_text(check: Any) -> str:
    """One consistency check: its rule, what it means and what a broken one does."""
    allowed = f"，允许误差 {fmt_number(check.tolerance)}" if check.tolerance else ""
    return f"{check.rule}（{check.label}；{CHECK_EFFECTS[check.effect]}{allowed}）"


def render_pack(engine: Any) -> str:
    """The whole pack, as text."""
    pack = engine.pack
    out = [
        pack.title,
        f"编号 {pack.id}　版本 {pack.version}　地区 {pack.region}　年度 {pack.year}　类型 {pack.kind}",
        f"依据：{pack.source}",
        f"总分 {fmt_number(pack.total)} 分；指标得分{rounding_text(pack.score_rounding)}；"
        f"比率{rounding_text(pack.rate_rounding)}",
        f"等级：{grades_text(pack)}",
    ]
    if pack.base:
        out.append(f"在评分体系 {pack.base} 基础上调整 {len(pack.overrides)} 处（见文末“调整”）")
    out.append("")
    bindings = {b.leaf.code: b for b in engine.bindings}
    for node in pack.roots:
        _node(node, 0, bindings, engine, out)
    if pack.checks:
        out += ["", "事实之间的一致性检查："] + [f"{INDENT}{c.id}：{check_text(c)}" for c in pack.checks]
    if pack.overrides:
        out += ["", *_overrides(pack, read_chain_names(pack))]
    return "\n".join(out).rstrip() + "\n"


def _node(node: NodeSpec | LeafSpec, depth: int, bindings: dict, engine: Any, out: list[str]) -> None:
    pad = INDENT * depth
    level = LEVELS[min(depth, len(LEVELS) - 1)]
    if isinstance(node, NodeSpec):
        printed = f"（表中印作“{node.printed_name}”）" if node.printed_name and node.printed_name != node.name else ""
        out.append(f"{pad}{level} {node.code} {node.name}{printed}　{fmt_number(node.weight)} 分")
        for child in node.children:
            _node(child, depth + 1, bindings, engine, out)
        return
    out.append(f"{pad}{level} {node.code} {node.name}　{fmt_number(node.weight)} 分")
    pad += INDENT * 2
    entry = leaf_entry(node, bindings, engine)
    about = f"（{entry['about']}）" if entry["about"] else ""
    origin = f"；来自 {entry['origin']}" if entry["origin"] else ""
    out.append(f"{pad}评分实现：{node.use}{about}{origin}")
    lines = entry["rule"].split("\n")
    out.append(f"{pad}评分规则：{lines[0]}")
    out += [f"{pad}{INDENT * 3}{line}" for line in lines[1:]]
    facts = [f["text"] for f in entry["facts"]]
    if len(facts) == 1:
        out.append(f"{pad}事实：{facts[0]}")
    elif facts:
        out.append(f"{pad}事实：")
        out += [f"{pad}{INDENT * 3}{text}" for text in facts]
    out += [f"{pad}{gate['title']}：{gate['text']}" for gate in entry["gates"]]
    out += [f"{pad}须说明原因：{text}" for text in entry["reasons"]]
    if entry["scale"] is not None:
        out.append(f"{pad}按调整后的分值折算：原规则得分 ×{entry['scale']}")
    out += [f"{pad}调整：{a['path']} ← {a['label']}" for a in entry["adjustments"]]


def leaf_entry(node: LeafSpec, bindings: dict, engine: Any) -> dict[str, Any]:
    """One leaf as a reviewer reads it — rule, facts, gates, adjustments — in Chinese, from the bound engine.

    The text of ``rubric show``, the JSON of ``rubric show --format json`` and the web
    pages are all made from this, so they say the same thing.
    """
    b = bindings.get(node.code)
    plugin = engine.registry.pm.get_plugin(node.use)
    shape = getattr(plugin, "kind", "")
    summary = getattr(plugin, "summary", "")
    info = engine.registry.info.get(node.use)
    formula = b.configured.formula if b is not None and b.configured is not None else ""
    if b is not None and b.problem is not None:
        formula = f"（无法评价：{b.problem.message}）"
    gates = []
    for attr, title in GATES:
        for gate in getattr(node, attr):
            spec = (b.gate_facts.get(gate.fact) if b is not None else None) or node.facts.get(gate.fact)
            gates.append({"kind": attr, "title": title, "text": gate_text(gate, spec)})
    return {
        "implementation": node.use,
        "about": "，".join(x for x in (f"规则形态 {shape}" if shape and shape != node.use else "", summary) if x),
        "origin": info.origin if info is not None and not info.origin.startswith("入口点") else "",
        "rule": "\n".join(line for line in formula.split("\n") if line) or "（未说明）",
        "facts": [fact_entry(s) for s in (dict(b.part_facts) if b is not None else {}).values()],
        "gates": gates,
        "reasons": [reason_text(rule) for rule in node.reasons],
        "scale": fmt_number(node.scale) if node.scale != 1 else None,
        "adjustments": [{"path": path, "label": label} for path, label in _override_origins(node)],
    }


def fact_entry(spec: FactSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "label": spec.label,
        "kind": spec.kind,
        "kind_text": KINDS.get(spec.kind, spec.kind),
        "unit": spec.unit or "",
        "choices": dict(spec.choices) if spec.kind == "choice" and spec.choices else {},
        "text": fact_text(spec),
    }


def pack_tree(engine: Any) -> dict[str, Any]:
    """The whole pack as data: what ``render_pack`` prints, for ``--format json``, the API and the web pages."""
    pack = engine.pack
    bindings = {b.leaf.code: b for b in engine.bindings}

    def node_dict(node: NodeSpec | LeafSpec, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": node.code,
            "name": node.name,
            "level": LEVELS[min(depth, len(LEVELS) - 1)],
            "weight": fmt_number(node.weight),
        }
        if isinstance(node, NodeSpec):
            out["children"] = [node_dict(child, depth + 1) for child in node.children]
        else:
            out.update(leaf_entry(node, bindings, engine))
        return out

    return {
        "id": pack.id,
        "title": pack.title,
        "version": pack.version,
        "digest": pack.digest,
        "region": pack.region,
        "year": str(pack.year),
        "kind": pack.kind,
        "source": pack.source,
        "base": pack.base,
        "total": fmt_number(pack.total),
        "score_rounding": rounding_text(pack.score_rounding),
        "rate_rounding": rounding_text(pack.rate_rounding),
        "grades": [{"grade": g.grade, "text": g.interval.describe("总分")} for g in pack.grades],
        "indicators": [node_dict(node, 0) for node in pack.roots],
        "checks": [{"id": c.id, "text": check_text(c)} for c in pack.checks],
        "overrides": override_entries(pack, read_chain_names(pack)),
    }


def _override_origins(leaf: LeafSpec) -> list[tuple[str, str]]:
    """The parameters an override set, with its label (inherited ones name a pack id, not a 文号)."""
    pack_id = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
    return [(k if k != "*" else "（新增指标）", v) for k, v in leaf.origins.items() if not pack_id.match(str(v))]


def read_chain_names(pack: Any) -> dict[str, str]:
    """Code → name of every indicator the pack or its bases wrote, dropped ones included."""
    names: dict[str, str] = {}
    try:
        chain = read_chain(pack.directory / "pack.yaml") if pack.directory else []
    except Exception:
        chain = []
    for f in chain:
        for node, _ in walk_nodes(f.raw.get("indicators"), ("indicators",)):
            names.setdefault(str(node.get("code")), str(node.get("name")))
    for leaf in pack.leaves():
        names[leaf.code] = leaf.name
    for node in pack.nodes():
        names[node.code] = node.name
    return names


def override_entries(pack: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    """Each override of the pack: what it did, the indicators it touched, its reason and authority."""
    present = {leaf.code for leaf in pack.leaves()} | {n.code for n in pack.nodes()}
    return [
        {
            "action": _action_text(ov),
            "pack": ov.pack,
            "indicators": [f"{c} {names.get(c, '')}{'' if c in present else '（已删除）'}".strip() for c in ov.touched],
            "reason": ov.reason,
            "authority": ov.authority,
            "effective": str(ov.effective) if ov.effective else None,
        }
        for ov in pack.overrides
    ]


def _overrides(pack: Any, names: dict[str, str]) -> list[str]:
    out = [f"调整（共 {len(pack.overrides)} 处）："]
    for i, ov in enumerate(override_entries(pack, names), 1):
        source = f"（{ov['pack']}）" if ov["pack"] != pack.id else ""
        out.append(f"{INDENT}{i}. {ov['action']}{source}")
        out.append(f"{INDENT * 3}涉及指标：{'、'.join(ov['indicators'])}")
        out.append(f"{INDENT * 3}理由：{ov['reason']}")
        effective = f"；生效日期：{ov['effective']}" if ov["effective"] else ""
        out.append(f"{INDENT * 3}文号：{ov['authority']}{effective}")
    return out


def _action_text(ov: Any) -> str:
    action = ov.action
    if action.startswith("set "):
        return f"修改 {action[4:]}"
    if action.startswith("use "):
        return f"改用评分实现 {action[4:]}"
    if action == "add":
        return "新增指标"
    if ov.moved_to is not None:
        return f"删除指标（{fmt_number(ov.moved_points)} 分并入 {ov.moved_to}）"
    if action.startswith("drop"):
        return "删除指标（总分按其余指标折算）"
    return action

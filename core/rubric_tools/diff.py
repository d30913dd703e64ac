"""``jixiao rubric diff A B``: what a department's score can feel when pack A becomes pack B.

A district that adapts a base pack, or a bureau that publishes next year's rubric, has
to say what changed: which indicators came and went, which weights moved, which
implementation now scores a leaf, and every threshold, band and step. Leaves are matched
by code; their params are flattened to dotted paths (``params.bands[1].range``) so each
changed value is one line with old → new. Values are compared as the engine reads them:
``"10%"`` and ``0.1`` are equal, and so are ``"[0,5%)"`` and ``"[0, 5%)"``.

This module holds the report: each change as a line in Chinese, grouped the way a
reader checks them. The comparison itself is in ``changes``; ``diff_packs`` and the
other names it had here are importable from here still.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..numbers import exact_text, fmt_number
from .changes import GATES, TEXTS, Change, DiffResult
from .changes import diff_packs as diff_packs
from .changes import flatten as flatten
from .changes import same as same
from .show import rounding_text

GLOSS = {
    "params": "",
    "value": "计分值",
    "bands": "分档",
    "range": "区间",
    "points": "分值",
    "domain": "取值范围",
    "step": "扣分标准",
    "threshold": "阈值",
    "per": "每",
    "counting": "计数方式",
    "cap": "上限",
    "zero_when": "得零分区间",
    "items": "核对项",
    "fact": "事实",
    "label": "名称",
    "parts": "组成部分",
    "shape": "规则形态",
    "count": "次数",
    "what": "事项",
    "unit": "单位",
    "scores": "各档分值",
    "periods": "分期",
    "schedule": "序时进度",
    "budget": "预算数",
    "average_points": "平均执行率分值",
    "ratio": "比率",
    "numerator": "分子",
    "denominator": "分母",
    "difference": "差值",
    "formula": "公式",
    "metric": "派生指标",
    "nature": "指标性质",
    "target": "指标值",
    "actual": "完成值",
    "direction": "方向",
    "level": "档次",
    "ranges": "各档得分区间",
    "score": "评分",
    "reason": "理由",
}
ABSENT = "（无）"


def gloss(path: str) -> str:
    """A dotted path in Chinese: ``params.bands[1].range`` → 分档第2项·区间."""
    out = []
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if index:
            out.append(f"第{int(index) + 1}项")
        elif GLOSS.get(key, key):
            out.append(("·" if out else "") + GLOSS.get(key, key))
    return "".join(out)


def show_value(value: Any, kind: str = "") -> str:
    if value is None:
        return ABSENT
    if kind == "rounding":
        return rounding_text(tuple(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt_number(value)
    if isinstance(value, Fraction):
        return exact_text(value)
    if isinstance(value, (dict, list)) and not value:
        return "（空）"
    return str(value)


def render_diff(result: DiffResult) -> str:
    a, b, changes = result.a, result.b, result.changes
    out = [
        f"评分体系对比：{a.id} → {b.id}",
        f"  A：{a.title}（{a.year} 年，版本 {a.version}）",
        (
            f"  B：{b.title}（{b.year} 年，版本 {b.version}"
            f"{f'；在 {b.base} 基础上调整 {len(b.overrides)} 处' if b.base else ''}）"
        ),
    ]
    if not changes:
        return "\n".join(out + ["两者的指标、分值、评分规则、取舍与等级完全相同。"]) + "\n"
    codes = {c.code for c in changes if c.code}
    out.append(f"共 {len(changes)} 处变化，涉及 {len(codes)} 个指标或分组。")
    sections = [
        ("总分、取舍与等级", [c for c in changes if c.kind in ("total", "rounding", "grade")], _pack_line),
        ("事实之间的一致性检查", [c for c in changes if c.kind == "check"], _pack_line),
        ("评分体系层面的事实", [c for c in changes if c.kind == "pack_fact"], _pack_line),
        ("新增指标", [c for c in changes if c.action == "added" and c.kind in ("indicator", "group")], _added_line),
        ("删除指标", [c for c in changes if c.action == "removed" and c.kind in ("indicator", "group")], _added_line),
        (
            "分值调整",
            [c for c in changes if c.kind == "weight"],
            lambda c: f"{c.code} {c.name}：{show_value(c.old)} → {show_value(c.new)} 分{_basis_text(c)}",
        ),
        (
            "评分实现变化",
            [c for c in changes if c.kind == "implementation"],
            lambda c: f"{c.code} {c.name}：{c.old} → {c.new}{_basis_text(c)}",
        ),
    ]
    for title, items, line in sections:
        if items:
            out += ["", f"{title}（{len(items)}）"] + [f"  {line(c)}" for c in items]
    detail = [c for c in changes if c.kind in ("param", "text", "fact", "gate", "moved", "scale") and c.code]
    if detail:
        out += ["", "逐项变化（阈值、分档、扣分标准、文字、事实与条件）"]
        for code in dict.fromkeys(c.code for c in detail):
            mine = [c for c in detail if c.code == code]
            out.append(f"  【{code} {mine[0].name}】")
            out += [f"    依据：{label}" for label in mine[0].basis]
            for c in mine:
                out += [f"    {line}" for line in _detail_lines(c)]
    return "\n".join(out) + "\n"


def _basis_text(c: Change) -> str:
    return f"（依据：{'；'.join(c.basis)}）" if c.basis else ""


def _pack_line(c: Change) -> str:
    title = {
        "total": "总分",
        "dropped_weight": "删除指标后按比例折算的分值",
        "rounding.score": "指标得分取舍",
        "rounding.rate": "比率取舍",
    }.get(c.path or "", "")
    if c.kind == "grade":
        title = f"等级“{c.name}”"
    elif c.kind == "check":
        title = f"检查 {c.name}"
    elif c.kind == "pack_fact":
        title = c.path or ""
    return f"{title}：{show_value(c.old, c.kind)} → {show_value(c.new, c.kind)}"


def _added_line(c: Change) -> str:
    what = "分组" if c.kind == "group" else "指标"
    if c.kind == "group":
        return (
            f"{'+' if c.action == 'added' else '-'} {what} {c.code} {c.name}"
            f"（{show_value(c.new if c.action == 'added' else c.old)} 分）"
        )
    info = c.new if c.action == "added" else c.old
    parent = f"，上级 {info['parent']}" if info.get("parent") else ""
    basis = f"；依据：{'；'.join(c.basis)}" if c.basis else ""
    return (
        f"{'+' if c.action == 'added' else '-'} {c.code} {c.name}"
        f"（{show_value(info['weight'])} 分{parent}，评分实现 {info['use']}{basis}）"
    )


def _detail_lines(c: Change) -> list[str]:
    if c.kind == "text" and (("\n" in str(c.old or "")) or ("\n" in str(c.new or ""))):
        lines = [f"{TEXTS.get(c.path or '', c.path)}（{c.path}）："]
        for d in difflib.ndiff(str(c.old or "").splitlines(), str(c.new or "").splitlines()):
            if d[:2] in ("- ", "+ "):
                lines.append(f"  {d}")
        return lines
    if c.kind == "text":
        title = f"{TEXTS.get(c.path or '', c.path)}（{c.path}）"
    elif c.kind == "moved":
        title = "上级指标"
    elif c.kind == "scale":
        return [f"原规则得分的折算倍数：×{show_value(c.old)} → ×{show_value(c.new)}（其他指标的分值并入本指标）"]
    elif c.kind == "gate":
        title = f"{GATES[(c.path or '').split('[')[0]]}（{c.path}）"
    elif c.kind == "fact":
        title = f"事实 {(c.path or '')[6:]}"
    else:
        title = f"{c.path}（{gloss(c.path or '')}）"
    mark = {"added": "［新增］", "removed": "［删除］"}.get(c.action, "")
    return [f"{title}：{show_value(c.old)} → {show_value(c.new)}{mark}"]

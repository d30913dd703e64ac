"""Parts: a leaf scored as the sum of several shapes, each with its own points
(a ratio part plus a checklist part, say)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Mapping

from ..indicator import Configured, EvalContext, Outcome, params_error
from ..numbers import ZERO, to_decimal, total
from ..pack.model import LeafSpec
from .base import Shape, check_params, check_points, param


class Parts(Shape):
    kind = "parts"
    params = ('parts',)
    summary = "由若干部分组成，各部分按各自规则计分后相加"

    def configure(self, leaf: LeafSpec) -> Configured:
        from . import SHAPES

        raw = param(leaf, "parts")
        if not isinstance(raw, list) or not raw:
            raise params_error(leaf, "parts", "应为非空列表，每部分含 shape 与 points")
        parts, facts, tables, formulas = [], {}, [], []
        for i, p in enumerate(raw):
            if not isinstance(p, dict) or "shape" not in p or "points" not in p:
                raise params_error(leaf, f"parts[{i}]", "每部分须含 shape（规则形态）与 points（分值）")
            shape_cls = SHAPES.get(p["shape"])
            if shape_cls is None or shape_cls is Parts:
                raise params_error(leaf, f"parts[{i}].shape", f"未知的规则形态 {p['shape']!r}，可用：{'、'.join(k for k in SHAPES if k != 'parts')}")
            params = {k: v for k, v in p.items() if k not in ("shape", "points", "label")}
            prefix = f"params.parts.{i}"
            lines = {("params" + k[len(prefix):]) if k != prefix else "": v for k, v in leaf.lines.items() if k == prefix or k.startswith(prefix + ".")}
            sub = dataclasses.replace(leaf, code=f"{leaf.code}.{i + 1}", weight=to_decimal(p["points"]), params=params,
                                      path=f"{leaf.path}.params.parts[{i}]", name=p.get("label", leaf.name), lines=lines or leaf.lines)
            shape = shape_cls()
            check_params(shape, sub)
            conf = shape.configure(sub)
            label = p.get("label", "")
            parts.append((shape, sub, conf, f"{label}：" if label else "", shape.evaluate))
            facts.update(conf.facts)
            tables += conf.tables
            formulas.append(f"{p.get('label') or f'第{i + 1}部分'}：{conf.formula}")
        check_points(leaf, total(part[1].weight for part in parts), "parts")
        return Configured(facts, tables, "\n".join(formulas), state=tuple(parts))

    def rule_inputs(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Mapping[str, Decimal]:
        out: dict[str, Decimal] = {}
        for shape, sub, conf, _, _ in configured.state:
            out.update(shape.rule_inputs(sub, conf, ctx))
        return out

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        """Each part's label prefix and bound ``evaluate`` depend on the pack alone: made at configure time."""
        whole = Outcome(ZERO)
        absorb = whole.absorb
        for _, sub, conf, prefix, evaluate in configured.state:
            absorb(evaluate(sub, conf, ctx), prefix)
        return whole

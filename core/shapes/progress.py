"""Capped composite of spending progress: per period min(progress / schedule, cap) × points,
plus min(average ratio × points, points): quarterly spending against the 25/50/75/100% schedule."""
from __future__ import annotations

from decimal import Decimal

from .. import errors
from ..errors import FactError, Problem
from ..indicator import Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from ..numbers import fmt_detail, fmt_number, fmt_percent, fmt_points, to_decimal
from ..pack.model import LeafSpec
from .base import Shape, check_points, declared, number_param, param, shown_input


class Progress(Shape):
    kind = "progress"
    params = ('budget', 'periods', 'cap', 'average_points')
    summary = "分期执行率（累计进度÷序时进度）封顶计分，加平均执行率得分"

    def configure(self, leaf: LeafSpec) -> Configured:
        budget = declared(leaf, param(leaf, "budget"), ("money", "number"), "budget")
        periods = param(leaf, "periods")
        if not isinstance(periods, list) or not periods:
            raise params_error(leaf, "periods", "应为非空列表，每期含 fact、label、schedule、points")
        parsed = []
        for i, p in enumerate(periods):
            if not isinstance(p, dict) or not {"fact", "label", "schedule", "points"} <= set(p):
                raise params_error(leaf, f"periods[{i}]", "每期须含 fact、label、schedule（序时进度）、points")
            spec = declared(leaf, p["fact"], ("money", "number"), f"periods[{i}].fact")
            schedule = to_decimal(p["schedule"])
            if schedule <= 0:
                raise params_error(leaf, f"periods[{i}].schedule", "序时进度应大于 0")
            parsed.append((spec, str(p["label"]), schedule, to_decimal(p["points"])))
        cap = number_param(leaf, "cap", "1")
        avg_points = number_param(leaf, "average_points", "0")
        check_points(leaf, sum((p[3] for p in parsed), avg_points), "periods/average_points")
        facts = {budget.name: budget, **{s.name: s for s, *_ in parsed}}
        formula = "；".join(f"{label}得分=min({label}累计支出÷{budget.label}÷{fmt_percent(sch, 0)}, {fmt_number(cap)})×{fmt_number(pts)}分" for _, label, sch, pts in parsed)
        if avg_points:
            formula += f"；平均执行率得分=min(各期执行率平均值×{fmt_number(avg_points)}, {fmt_number(avg_points)})分"
        texts = tuple((f"{label}支出进度", f"{label}执行率", f"{label}得分", f"{label}累计支出进度", f"，低于序时进度{fmt_percent(sch, 0)}，执行率",
                       f"{leaf.code}:{label}") for _, label, sch, _ in parsed)
        return Configured(facts, formula=formula, state=(budget, parsed, cap, avg_points, texts))

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        """Per-period labels and the schedule's text are built once at configure time; each rate is formatted once."""
        budget, parsed, cap, avg_points, texts = configured.state
        total = Decimal(ctx.facts[budget.name])
        if total == 0:
            raise FactError(Problem(errors.FACT_ZERO_DIVISOR, f"“{budget.label}”（{budget.name}）为 0，无法计算支出进度", field=budget.name, value=0, expected="大于 0 的金额"))
        out = Outcome(Decimal(0), [shown_input(budget, total)])
        ratios = []
        round_rate = ctx.pack.round_rate
        for (spec, label, schedule, points), (progress_label, ratio_label, score_label, progress_lead, schedule_text, rule) in zip(parsed, texts):
            spent = ctx.facts[spec.name]
            progress = round_rate(spent / total)
            ratio = round_rate(progress / schedule)
            ratios.append(ratio)
            got = min(ratio, cap) * points
            out.score += got
            out.inputs.append(shown_input(spec, spent))
            shown_progress, shown_ratio = fmt_percent(progress), fmt_percent(ratio)
            out.intermediates += [Intermediate(progress_label, progress, shown_progress),
                                  Intermediate(ratio_label, ratio, shown_ratio),
                                  Intermediate(score_label, got, fmt_detail(got))]
            if got < points:
                out.deductions.append(Deduction(points - got, f"{ratio_label}{shown_ratio}",
                    f"{progress_lead}{shown_progress}{schedule_text}{shown_ratio}，扣{fmt_points(points - got)}分", rule))
        if avg_points:
            avg = sum(ratios, Decimal(0)) / len(ratios)
            got = min(avg * avg_points, avg_points)
            out.score += got
            out.intermediates += [Intermediate("平均执行率", avg, fmt_percent(avg)), Intermediate("平均执行率得分", got, fmt_detail(got))]
            if got < avg_points:
                out.deductions.append(Deduction(avg_points - got, f"平均执行率{fmt_percent(avg)}",
                    f"全年平均执行率{fmt_percent(avg)}，扣{fmt_points(avg_points - got)}分", f"{leaf.code}:average"))
        return out

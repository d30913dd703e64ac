"""Capped composite of spending progress: per period min(progress / schedule, cap) × points,
plus min(average ratio × points, points): quarterly spending against the 25/50/75/100% schedule."""
from __future__ import annotations

from decimal import Decimal

from .. import errors
from ..errors import FactError, Problem
from ..indicator import Configured, Deduction, EvalContext, InputValue, Intermediate, Outcome, params_error
from ..numbers import ZERO, Number, add, div, fmt_detail, fmt_number, fmt_percent, fmt_points, mul, sub, to_decimal, total
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
        check_points(leaf, total((p[3] for p in parsed), avg_points), "periods/average_points")
        facts = {budget.name: budget, **{s.name: s for s, *_ in parsed}}
        formula = "；".join(f"{label}得分=min({label}累计支出÷{budget.label}÷{fmt_percent(sch, 0)}, {fmt_number(cap)})×{fmt_number(pts)}分" for _, label, sch, pts in parsed)
        if avg_points:
            formula += f"；平均执行率得分=min(各期执行率平均值×{fmt_number(avg_points)}, {fmt_number(avg_points)})分"
        periods = tuple((spec.name, spec.label, spec.show, schedule, points, f"{label}支出进度", f"{label}执行率", f"{label}得分",
                         f"{label}累计支出进度", f"，低于序时进度{fmt_percent(schedule, 0)}，执行率", f"{leaf.code}:{label}")
                        for spec, label, schedule, points in parsed)
        return Configured(facts, formula=formula, state=(budget, periods, cap, avg_points, f"{leaf.code}:average"))

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        """Everything about a period that depends on the pack alone is one tuple, built at configure time.

        Progress and ratios are exact fractions, rounded only when the pack rounds
        rates, and each number is formatted once. The caps are comparisons that keep
        ``min``'s choice between equal values (1 and 1.000 print differently).
        """
        budget, periods, cap, avg_points, average_rule = configured.state
        facts = ctx.facts
        budgeted = Decimal(facts[budget.name])
        if budgeted == 0:
            raise FactError(Problem(errors.FACT_ZERO_DIVISOR, f"“{budget.label}”（{budget.name}）为 0，无法计算支出进度", field=budget.name, value=0, expected="大于 0 的金额"))
        round_rate = ctx.pack.round_rate if ctx.pack.rate_rounding is not None else None
        inputs = [shown_input(budget, budgeted)]
        mids: list[Intermediate] = []
        deductions: list[Deduction] = []
        score: Number = ZERO
        ratio_sum: Number = ZERO
        for name, label, show, schedule, points, progress_label, ratio_label, score_label, progress_lead, schedule_text, rule in periods:
            spent = facts[name]
            if round_rate is None:
                progress = div(spent, budgeted)
                ratio = div(progress, schedule)
            else:
                progress = round_rate(div(spent, budgeted))
                ratio = round_rate(div(progress, schedule))
            ratio_sum = add(ratio_sum, ratio)
            got = mul(cap if cap < ratio else ratio, points)
            score = add(score, got)
            inputs.append(InputValue(name, label, spent, show(spent)))
            shown_progress, shown_ratio = fmt_percent(progress), fmt_percent(ratio)
            mids += (Intermediate(progress_label, progress, shown_progress), Intermediate(ratio_label, ratio, shown_ratio),
                     Intermediate(score_label, got, fmt_detail(got)))
            if got < points:
                lost = sub(points, got)
                deductions.append(Deduction(lost, f"{ratio_label}{shown_ratio}", f"{progress_lead}{shown_progress}{schedule_text}{shown_ratio}，扣{fmt_points(lost)}分", rule))
        if avg_points:
            avg = div(ratio_sum, len(periods))
            got = mul(avg, avg_points)
            if avg_points < got:
                got = avg_points
            score = add(score, got)
            shown_avg = fmt_percent(avg)
            mids += (Intermediate("平均执行率", avg, shown_avg), Intermediate("平均执行率得分", got, fmt_detail(got)))
            if got < avg_points:
                lost = sub(avg_points, got)
                deductions.append(Deduction(lost, f"平均执行率{shown_avg}", f"全年平均执行率{shown_avg}，扣{fmt_points(lost)}分", average_rule))
        return Outcome(score, inputs, mids, deductions)

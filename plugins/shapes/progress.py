"""Capped composite of spending progress: per period min(progress / schedule, cap) × points,
plus min(average ratio × points, points): quarterly spending against the 25/50/75/100% schedule."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jixiao import errors
from jixiao.errors import FactError, Problem
from jixiao.facts import FactSpec
from jixiao.indicator import (
    Computed,
    Configured,
    Deduction,
    EvalContext,
    InputValue,
    Intermediate,
    Outcome,
    params_error,
)
from jixiao.numbers import (
    ZERO,
    Number,
    add,
    div,
    exact,
    fmt_detail,
    fmt_number,
    fmt_percent,
    fmt_points,
    mul,
    sub,
    total,
)
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, check_points, declared, number_at, number_param, param, shown_input


class Progress(Shape):
    kind = "progress"
    params = ("budget", "periods", "cap", "average_points")
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
            schedule = number_at(leaf, f"periods[{i}].schedule", p["schedule"])
            if schedule <= 0:
                raise params_error(leaf, f"periods[{i}].schedule", "序时进度应大于 0")
            parsed.append((spec, str(p["label"]), schedule, number_at(leaf, f"periods[{i}].points", p["points"])))
        cap = number_param(leaf, "cap", "1")
        if cap <= 0:
            raise params_error(leaf, "cap", "上限应大于 0")
        avg_points = number_param(leaf, "average_points", "0")
        check_points(leaf, total((p[3] for p in parsed), avg_points), "periods/average_points")
        facts = {budget.name: budget, **{s.name: s for s, *_ in parsed}}
        formula = "；".join(
            f"{label}得分=min({label}累计支出÷{budget.label}÷{fmt_percent(sch, 0)}, {fmt_number(cap)})"
            f"×{fmt_number(pts)}分"
            for _, label, sch, pts in parsed
        )
        if avg_points:
            formula += f"；平均执行率得分=min(各期执行率平均值×{fmt_number(avg_points)}, {fmt_number(avg_points)})分"
        state = ProgressState(
            budget,
            tuple(_period(leaf, spec, label, schedule, points) for spec, label, schedule, points in parsed),
            exact(cap),
            exact(avg_points),
            f"{leaf.code}:average",
        )
        return Configured(facts, formula=formula, state=state)

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> ProgressComputed:
        """The score; the steps its texts show are computed with it only where the pack rounds rates
        (each period's rate rounded before the next step), else when the texts are made."""
        state: ProgressState = configured.state
        facts = ctx.facts
        budgeted = facts[state.budget.name]
        if budgeted == 0:
            raise FactError(
                Problem(
                    errors.FACT_ZERO_DIVISOR,
                    f"“{state.budget.label}”（{state.budget.name}）为 0，无法计算支出进度",
                    field=state.budget.name,
                    value=0,
                    expected="大于 0 的金额",
                )
            )
        if ctx.pack.rate_rounding is not None:
            steps = progress_steps(state, facts, ctx.pack.round_rate)
            return ProgressComputed(steps.score, steps=steps)
        return ProgressComputed(score_in_integers(state, facts), steps=None)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        """Everything about a period that depends on the pack alone was built at configure time (``Period``);
        each number is formatted once."""
        assert isinstance(computed, ProgressComputed)
        state: ProgressState = configured.state
        facts = ctx.facts
        steps = computed.steps or progress_steps(state, facts, None)
        inputs = [shown_input(state.budget, facts[state.budget.name])]
        mids: list[Intermediate] = []
        deductions: list[Deduction] = []
        for p, done in zip(state.periods, steps.periods):
            spent, got = facts[p.fact], done.got
            inputs.append(InputValue(p.fact, p.label, spent, p.show(spent)))
            shown_progress, shown_ratio = fmt_percent(done.progress), fmt_percent(done.ratio)
            mids += (
                Intermediate(p.progress_label, done.progress, shown_progress),
                Intermediate(p.ratio_label, done.ratio, shown_ratio),
                Intermediate(p.score_label, got, fmt_detail(got)),
            )
            if got < p.points:
                lost = sub(p.points, got)
                deductions.append(
                    Deduction(
                        lost,
                        f"{p.ratio_label}{shown_ratio}",
                        f"{p.progress_lead}{shown_progress}{p.schedule_text}{shown_ratio}，扣{fmt_points(lost)}分",
                        p.rule,
                    )
                )
        average_points, avg, avg_got = state.average_points, steps.average, steps.average_got
        if avg is not None and avg_got is not None:
            shown_avg = fmt_percent(avg)
            mids += (
                Intermediate("平均执行率", avg, shown_avg),
                Intermediate("平均执行率得分", avg_got, fmt_detail(avg_got)),
            )
            if avg_got < average_points:
                lost = sub(average_points, avg_got)
                deductions.append(
                    Deduction(
                        lost,
                        f"平均执行率{shown_avg}",
                        f"全年平均执行率{shown_avg}，扣{fmt_points(lost)}分",
                        state.average_rule,
                    )
                )
        return Outcome(computed.score, inputs, mids, deductions)


@dataclass(slots=True)
class PeriodComputed:
    progress: Number  # cumulative spending ÷ budget
    ratio: Number  # progress ÷ schedule
    got: Number  # points for the period


@dataclass(slots=True)
class ProgressSteps:
    periods: list[PeriodComputed]
    average: Number | None  # None when the pack gives the average no points
    average_got: Number | None
    score: Number


@dataclass(slots=True, kw_only=True)
class ProgressComputed(Computed):
    steps: ProgressSteps | None  # None: made with the texts


def progress_steps(
    state: ProgressState, facts: Mapping[str, Any], round_rate: Callable[[Any], Any] | None
) -> ProgressSteps:
    """Each period's progress, rate and points, the average and the score, as exact fractions; rates rounded
    by ``round_rate`` where the pack rounds them. The caps are comparisons that keep ``min``'s choice
    between equal values."""
    whole_budget, cap = exact(facts[state.budget.name]), state.cap
    periods = []
    score: Number = ZERO
    ratio_sum: Number = ZERO
    for p in state.periods:
        quotient = exact(facts[p.fact]) / whole_budget
        if round_rate is None:
            progress: Number = quotient
            ratio: Number = quotient / p.schedule
        else:
            progress = round_rate(quotient)
            ratio = round_rate(div(progress, p.schedule))
        ratio_sum = add(ratio_sum, ratio)
        got = mul(cap if cap < ratio else ratio, p.points)
        score = add(score, got)
        periods.append(PeriodComputed(progress, ratio, got))
    average_points = state.average_points
    average = average_got = None
    if average_points:
        average = div(ratio_sum, len(state.periods))
        average_got = mul(average, average_points)
        if average_points < average_got:
            average_got = average_points
        score = add(score, average_got)
    return ProgressSteps(periods, average, average_got, score)


def score_in_integers(state: ProgressState, facts: Mapping[str, Any]) -> Fraction:
    """``progress_steps(state, facts, None).score``, the same fraction, without a ``Fraction`` per step (a
    tenth of a department's time): every quotient an integer pair with a positive denominator, reduced
    once at the end."""
    bn, bd = facts[state.budget.name].as_integer_ratio()
    cn, cd = state.cap.numerator, state.cap.denominator
    score_n, score_d, sum_n, sum_d = 0, 1, 0, 1
    for p in state.periods:
        sn, sd = facts[p.fact].as_integer_ratio()
        rn, rd = sn * bd * p.schedule.denominator, sd * bn * p.schedule.numerator  # spent ÷ budget ÷ schedule
        if rd < 0:
            rn, rd = -rn, -rd
        sum_n, sum_d = sum_n * rd + rn * sum_d, sum_d * rd
        if cn * rd < rn * cd:  # above the cap
            rn, rd = cn, cd
        pn, pd = p.points.numerator, p.points.denominator
        score_n, score_d = score_n * rd * pd + rn * pn * score_d, score_d * rd * pd
    points = state.average_points
    if points:
        an, ad = sum_n * points.numerator, sum_d * len(state.periods) * points.denominator  # average × points
        if points.numerator * ad < an * points.denominator:
            an, ad = points.numerator, points.denominator
        score_n, score_d = score_n * ad + an * score_d, score_d * ad
    return Fraction(score_n, score_d)


@dataclass(frozen=True)
class Period:
    """One period as the pack fixes it: its fact, its schedule and points (exact), and the texts of its explanation."""

    fact: str
    label: str
    show: Callable[[Any], str]
    schedule: Fraction
    points: Fraction
    progress_label: str  # "一季度支出进度"
    ratio_label: str  # "一季度执行率"
    score_label: str
    progress_lead: str  # "一季度累计支出进度"
    schedule_text: str  # "，低于序时进度25%，执行率"
    rule: str


@dataclass(frozen=True)
class ProgressState:
    budget: FactSpec
    periods: tuple[Period, ...]
    cap: Fraction
    average_points: Fraction
    average_rule: str


def _period(leaf: LeafSpec, spec: FactSpec, label: str, schedule: Decimal, points: Decimal) -> Period:
    return Period(
        spec.name,
        spec.label,
        spec.show,
        exact(schedule),
        exact(points),
        f"{label}支出进度",
        f"{label}执行率",
        f"{label}得分",
        f"{label}累计支出进度",
        f"，低于序时进度{fmt_percent(schedule, 0)}，执行率",
        f"{leaf.code}:{label}",
    )

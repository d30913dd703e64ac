"""Bands: the first band containing the value gives the points; edges open or closed as written.

Bands are a decision table: they run on the rules engine, and the pack is refused if
they leave a gap or overlap within their domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao.hookspecs import hookimpl
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from jixiao.numbers import Number, fmt_number, fmt_points, to_decimal
from jixiao.pack.model import LeafSpec
from jixiao.rules.intervals import Interval, parse_interval, partition_problems
from jixiao.rules.model import DecisionTable, Rule
from jixiao.shapes.base import Shape, param
from jixiao.shapes.metric import Metric


def parse_bands(
    leaf: LeafSpec, raw: object, label: str, weight: Decimal, where: str = "bands"
) -> list[tuple[Interval, Decimal]]:
    if not isinstance(raw, list) or not raw:
        raise params_error(leaf, where, "应为非空列表，每档含 range 与 points")
    bands = []
    for i, b in enumerate(raw):
        if not isinstance(b, dict) or not {"range", "points"} <= set(b):
            raise params_error(leaf, f"{where}[{i}]", "每档须含 range（区间）与 points（分值）")
        try:
            interval, points = parse_interval(b["range"]), to_decimal(b["points"])
        except ValueError as exc:
            raise params_error(leaf, f"{where}[{i}]", str(exc)) from None
        if not 0 <= points <= weight:
            raise params_error(leaf, f"{where}[{i}].points", f"分值 {fmt_number(points)} 超出 0～{fmt_number(weight)}")
        bands.append((interval, points))
    return bands


def band_table(
    leaf: LeafSpec, table_id: str, key: str, bands, label: str, domain: Interval, where: str = "bands"
) -> DecisionTable:
    problems = partition_problems([iv for iv, _ in bands], domain)
    if problems:
        from jixiao.errors import PACK_BANDS, JixiaoError

        place = leaf.place(f"params.{where}")
        raise JixiaoError([place.problem(PACK_BANDS, f"“{leaf.name}”的分档{p}", field=where) for p in problems])
    return DecisionTable(
        table_id, tuple(Rule(f"band{i}", iv.conditions(key), iv.describe(label)) for i, (iv, _) in enumerate(bands))
    )


class Bands(Shape):
    kind = "bands"
    params = ("value", "bands", "domain")
    summary = "按所在区间分档计分"

    def configure(self, leaf: LeafSpec) -> Configured:
        metric = Metric(leaf, param(leaf, "value"))
        bands = parse_bands(leaf, param(leaf, "bands"), metric.label, leaf.weight)
        try:
            domain = parse_interval(param(leaf, "domain", "(-∞, ∞)"))
        except ValueError as exc:
            raise params_error(leaf, "domain", str(exc)) from None
        table = band_table(leaf, f"{leaf.code}:bands", f"{leaf.code}:value", bands, metric.label, domain)
        text = "；".join(f"{iv.describe(metric.label)}得{fmt_number(p)}分" for iv, p in bands)
        return Configured(metric.facts, [table], f"{metric.formula()}；{text}", state=_bands_state(leaf, metric, bands))

    @hookimpl
    def jixiao_indicator_rule_inputs(
        self, leaf: LeafSpec, configured: Configured, ctx: EvalContext
    ) -> Mapping[str, Number]:
        state: BandsState = configured.state
        return {state.key: state.metric.compute(ctx)}

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> BandsComputed:
        state: BandsState = configured.state
        value = ctx.inputs[state.key]
        fired = ctx.decisions.get(state.table)
        if fired is None:  # outside the declared domain
            from jixiao.errors import FACT_RANGE, FactError, Problem

            metric = state.metric
            raise FactError(
                Problem(
                    FACT_RANGE,
                    f"“{metric.label}”为 {metric.show(value)}，不在评分标准的任何一档内",
                    field=metric.label,
                    value=value,
                )
            )
        band = state.by_rule[fired]
        return BandsComputed(band.points, (band.rule,), value=value, band=band)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        assert isinstance(computed, BandsComputed)
        metric: Metric = configured.state.metric
        value, band = computed.value, computed.band
        inputs, mids = metric.explain(ctx, value)
        mids.append(Intermediate("所在档次", band.points, band.described))
        deductions = (
            [
                Deduction(
                    band.lost,
                    band.reason,
                    f"{metric.sentence(ctx, value, (inputs, mids))}，{band.problem_tail}",
                    band.rule,
                )
            ]
            if band.lost > 0
            else []
        )
        return Outcome(band.points, inputs, mids, deductions, [band.rule])


@dataclass(frozen=True, slots=True)
class Band:
    points: Decimal
    described: str  # "75%≤比率<90%"
    rule: str
    lost: Decimal
    reason: str
    problem_tail: str  # the problem sentence after the metric's own


@dataclass(slots=True, kw_only=True)
class BandsComputed(Computed):
    value: Number
    band: Band  # the band the decision table chose


@dataclass(frozen=True, slots=True)
class BandsState:
    """What ``evaluate`` says that depends on the pack alone, built once at configure time."""

    metric: Metric
    key: str  # the rule input holding the value
    table: str  # the decision table's id
    by_rule: dict[str, Band]  # the decision table's rule id ("band0") → its band


def _bands_state(leaf: LeafSpec, metric: Metric, bands: list[tuple[Interval, Decimal]]) -> BandsState:
    out = []
    for i, (interval, points) in enumerate(bands):
        described, lost = interval.describe(metric.label), leaf.weight - points
        out.append(
            Band(
                points,
                described,
                f"{leaf.code}:bands:band{i}",
                lost,
                f"{described}，得{fmt_number(points)}分",
                f"属于“{described}”一档，得{fmt_number(points)}分，扣{fmt_points(lost)}分",
            )
        )
    return BandsState(
        metric, f"{leaf.code}:value", f"{leaf.code}:bands", {f"band{i}": band for i, band in enumerate(out)}
    )

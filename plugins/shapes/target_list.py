"""Sub-indicators a department sets itself: the rows of a project's 绩效目标表.

The pack fixes a block's weight and its categories (数量/质量/时效/成本, say); the
department's facts list the rows: name, 指标性质, 指标值, 度量单位, 完成值, 分值, or for
a qualitative row its level and score. The rows' points must add up to the block.
Quantitative rows score by target completion, capped at their points; qualitative rows
by the evaluator's score inside the chosen level's range; rows that do not apply are
dropped, and the total is rescaled over the applicable points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao import errors
from jixiao.errors import FactError, Problem
from jixiao.facts import FactSpec
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from jixiao.numbers import (
    Number,
    add,
    div,
    fmt_detail,
    fmt_number,
    fmt_percent,
    fmt_points,
    mul,
    sub,
    to_decimal,
    total,
)
from jixiao.pack.model import LeafSpec
from jixiao.rules.intervals import Interval, parse_interval
from jixiao.shapes.base import Shape, param, text_param

from .target import NATURES, completion

LEVELS = {"met": "达成", "partly": "部分达成", "unmet": "未达成"}
DEFAULT_RANGES = {"met": "[80%, 100%]", "partly": "[60%, 80%)", "unmet": "[0, 60%)"}


def columns(categories: dict[str, str]) -> tuple[FactSpec, ...]:
    text = lambda n, label, optional=False: FactSpec(n, "text", label, optional=optional)
    number = lambda n, label, optional=True: FactSpec(n, "number", label, optional=optional)
    return (
        FactSpec("category", "choice", "二级指标", choices=categories),
        text("name", "三级指标"),
        FactSpec("nature", "choice", "指标性质", choices={">=": "≥", "<=": "≤", "=": "=", "qualitative": "定性"}),
        number("target", "年度指标值"),
        text("target_text", "年度指标值（文字）", True),
        text("unit", "度量单位", True),
        number("actual", "实际完成值"),
        text("actual_text", "实际完成值（文字）", True),
        FactSpec("level", "choice", "定性评价档次", choices=LEVELS, optional=True),
        number("score", "定性评分"),
        FactSpec("points", "number", "分值", minimum=Decimal(0)),
        FactSpec("applicable", "bool", "是否适用", optional=True),
        text("deviation", "偏差原因分析及改进措施", True),
    )


class TargetList(Shape):
    kind = "target_list"
    params = ("fact", "label", "categories", "ranges", "text_levels", "level_scores")
    summary = "单位自设的三级指标：定量按完成比例、定性按档次评分，不适用的剔除后按适用分值折算"

    def configure(self, leaf: LeafSpec) -> Configured:
        categories = param(leaf, "categories")
        if not isinstance(categories, dict) or not categories:
            raise params_error(leaf, "categories", "应为二级指标的映射，如 {quantity: 数量指标, quality: 质量指标}")
        try:
            ranges = {k: parse_interval(v) for k, v in param(leaf, "ranges", DEFAULT_RANGES).items()}
        except (ValueError, AttributeError) as exc:
            raise params_error(leaf, "ranges", f"应为 达成/部分达成/未达成 的得分率区间：{exc}") from None
        text_levels = param(leaf, "text_levels", {})
        if not isinstance(text_levels, dict) or not all(
            isinstance(v, str) and v in LEVELS for v in text_levels.values()
        ):
            raise params_error(leaf, "text_levels", f"应为 文字: 档次 的映射，档次为 {'、'.join(LEVELS)} 之一")
        try:
            level_scores = {k: to_decimal(v) for k, v in param(leaf, "level_scores", {}).items()}
        except (ValueError, AttributeError) as exc:
            raise params_error(leaf, "level_scores", f"应为 档次: 得分率 的映射：{exc}") from None
        for level, share in level_scores.items():
            if level not in ranges or not ranges[level].contains(share):
                raise params_error(leaf, f"level_scores.{level}", "应为某一档次在该档得分率区间内的得分率")
        spec = FactSpec(
            text_param(leaf, "fact"),
            "table",
            text_param(leaf, "label", f"{leaf.name}明细"),
            columns=columns({str(k): str(v) for k, v in categories.items()}),
        )
        formula = (
            f"{'、'.join(map(str, categories.values()))}由单位设定，分值合计{fmt_number(leaf.weight)}分；"
            "定量指标：≥ 得分=完成值÷指标值×分值，≤ 得分=指标值÷完成值×分值，达到或优于指标值得满分；"
            "定性指标："
            + "；".join(f"{LEVELS[k]}得{r.describe('分值')}" for k, r in ranges.items())
            + "；不适用的指标剔除后按适用指标折算"
        )
        state = TargetListState(spec, ranges, {str(k): str(v) for k, v in text_levels.items()}, level_scores)
        return Configured({spec.name: spec}, formula=formula, state=state)

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> TargetListComputed:
        state: TargetListState = configured.state
        spec = state.fact
        rows = ctx.facts[spec.name]
        points_total = total(r["points"] for r in rows)
        if points_total != leaf.weight:
            raise FactError(
                Problem(
                    errors.FACT_RANGE,
                    f"“{spec.label}”各行分值合计 {fmt_number(points_total)} "
                    f"与“{leaf.name}”的分值 {fmt_number(leaf.weight)} 不符",
                    field=spec.name,
                    value=points_total,
                    expected=f"分值合计 {fmt_number(leaf.weight)}",
                )
            )
        score: Number = Decimal(0)
        applicable: Decimal = leaf.weight
        scored: list[RowScore | None] = []
        for i, row in enumerate(rows, 1):
            if row.get("applicable") is False:
                applicable -= row["points"]
                scored.append(None)
                continue
            got, ratio, level = self._row_score(state, i, row)
            score = add(score, got)
            scored.append(RowScore(got, ratio, level))
        return TargetListComputed(
            score,
            applicable_weight=None if applicable == leaf.weight else applicable,
            points_total=points_total,
            scored=scored,
        )

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        """Each row as the form prints it (its texts as written, its category and level named), with its score."""
        assert isinstance(computed, TargetListComputed)
        state: TargetListState = configured.state
        spec = state.fact
        points_total = computed.points_total
        cats = dict(spec.columns[0].choices)
        out = Outcome(computed.score, intermediates=[Intermediate("分值合计", points_total, fmt_number(points_total))])
        for i, (row, done) in enumerate(zip(ctx.facts[spec.name], computed.scored), 1):
            shown = {
                "category": cats[row["category"]],
                "name": row["name"],
                "nature": NATURES.get(row["nature"], "定性"),
                "target": row.get("target"),
                "unit": row.get("unit", ""),
                "actual": row.get("actual"),
                "level": LEVELS.get(row.get("level", ""), ""),
                "points": row["points"],
                "deviation": row.get("deviation", ""),
                **{k: row[k] for k in ("target_text", "actual_text") if row.get(k)},  # texts as the form prints them
                "source": f"{spec.name}:{row['category']}",  # the table fact and category key it came from
            }
            if done is None:
                out.rows.append({**shown, "score": None, "status": "not_applicable"})
                continue
            got, ratio, level = done.got, done.ratio, done.level
            shown["level"] = LEVELS.get(level, "")
            out.rows.append({**shown, "score": got, "status": "scored"})
            out.intermediates.append(
                Intermediate(f"{row['name']}得分", got, f"{fmt_detail(got)}（完成比例{fmt_percent(ratio)}）")
            )
            if got < row["points"]:
                lost = sub(row["points"], got)
                unit = row.get("unit", "")
                problem = (
                    f"“{row['name']}”年度指标值{NATURES[row['nature']]}{fmt_number(row['target'])}{unit}，"
                    f"实际完成{fmt_number(row['actual'])}{unit}，完成比例{fmt_percent(ratio)}，扣{fmt_points(lost)}分"
                    if row["nature"] != "qualitative"
                    else f"“{row['name']}”{_as_written(row)}评定为“{LEVELS[level]}”，扣{fmt_points(lost)}分"
                )
                if row.get("deviation"):
                    problem += f"。偏差原因：{row['deviation']}"
                out.deductions.append(Deduction(lost, f"{row['name']}未完全达成", problem, f"{leaf.code}:row{i}"))
        if computed.applicable_weight is not None:
            applicable = computed.applicable_weight
            out.applicable_weight = applicable
            out.intermediates.append(Intermediate("适用指标分值", applicable, fmt_number(applicable)))
        return out

    def _row_score(self, state: TargetListState, i: int, row: dict) -> tuple[Number, Number, str]:
        """A row's score, its completion ratio (or share of points) and, for a qualitative row, its level."""
        spec = state.fact

        def refused(code: str, column: str, message: str, value: object = None) -> FactError:
            where = f"“{spec.label}”第 {i} 行（{row['name']}）"
            return FactError(Problem(code, where + message, field=f"{spec.name}[{i}].{column}", value=value))

        if row["nature"] == "qualitative":
            level = _level(state, row, refused)
            score = row.get("score")
            if score is None and level in state.level_scores:
                score = mul(state.level_scores[level], row["points"])
            if score is None:
                raise refused(errors.FACT_MISSING, "score", "是定性指标，须填写“定性评分”")
            share = div(score, row["points"]) if row["points"] else Decimal(0)
            if not state.ranges[level].contains(share):
                raise refused(
                    errors.FACT_RANGE,
                    "score",
                    f"评定为“{LEVELS[level]}”，评分 {fmt_number(score)} "
                    f"不在该档 {state.ranges[level].describe('得分率')} 内",
                    score,
                )
            return score, share, level
        if "target" not in row or "actual" not in row:
            raise refused(errors.FACT_MISSING, "target", "是定量指标，须填写数值的“年度指标值”和“实际完成值”")
        ratio = completion(NATURES[row["nature"]], row["actual"], row["target"], row["name"])
        return mul(min(ratio, Decimal(1)), row["points"]), ratio, ""


def _level(state: TargetListState, row: dict, refused) -> str:
    """A qualitative row's level: as written, or read from its 实际完成值 text through the pack's ``text_levels``
    — never guessed, and a text and a level that disagree are refused."""
    written, text = row.get("level"), row.get("actual_text")
    from_text = state.text_levels.get(text) if text else None
    if text and from_text is None and written is None:
        known = "、".join(state.text_levels) or "（本评分体系未规定）"
        raise refused(
            errors.FACT_CHOICE,
            "actual_text",
            f"实际完成值“{text}”不是评分体系规定的文字（可用：{known}）；请改写或填写“定性评价档次”",
            text,
        )
    if written is not None and from_text is not None and written != from_text:
        raise refused(
            errors.FACT_CONFLICT,
            "level",
            f"定性评价档次“{LEVELS[written]}”与实际完成值“{text}”（评分体系定为“{LEVELS[from_text]}”）不一致",
            written,
        )
    level = written or from_text
    if level is None:
        raise refused(errors.FACT_MISSING, "level", "是定性指标，须填写“定性评价档次”或规定文字的“实际完成值”")
    return level


def _as_written(row: dict) -> str:
    return f"实际完成值“{row['actual_text']}”，" if row.get("actual_text") else ""


@dataclass(slots=True)
class RowScore:
    got: Number
    ratio: Number  # completion ratio, or a qualitative row's share of its points
    level: str  # a qualitative row's level, "" for a quantitative one


@dataclass(slots=True, kw_only=True)
class TargetListComputed(Computed):
    points_total: Number
    scored: list[RowScore | None]  # per row, None where the row does not apply


@dataclass(frozen=True, slots=True)
class TargetListState:
    fact: FactSpec  # the table of rows
    ranges: dict[str, Interval]  # qualitative level → the share of a row's points its score must fall in
    text_levels: dict[str, str]  # a 实际完成值 text → the level it means ("达成预期指标" → met)
    level_scores: dict[str, Decimal]  # level → the share of points it scores when the row gives no score

"""人均培训学时：区里自定的新指标，达到目标学时得满分，不足按比例计分。

A plain module with ``@hookimpl`` functions; the pack beside it names this file under
``plugins:`` and its leaf says ``use: training-hours``. Its arithmetic goes through
``jixiao.numbers`` so the quotient is exact (30/40, not a rounded decimal).
"""

from jixiao import Configured, Deduction, FactSpec, InputValue, Intermediate, Outcome, hookimpl
from jixiao.numbers import div, fmt_number, fmt_percent, fmt_points, mul, sub, to_decimal

HOURS = FactSpec("training_hours", "number", "人均培训学时", "学时")


@hookimpl
def jixiao_indicator_configure(leaf):
    target = to_decimal(leaf.params.get("target", 40))
    return Configured(
        facts={HOURS.name: HOURS},
        formula=f"得分=min(人均培训学时÷{fmt_number(target)}, 1)×{fmt_number(leaf.weight)}分",
        state=target,
    )


@hookimpl
def jixiao_indicator_evaluate(leaf, configured, ctx):
    target, hours = configured.state, ctx.facts[HOURS.name]
    ratio = min(div(hours, target), 1)
    out = Outcome(
        mul(ratio, leaf.weight),
        [InputValue(HOURS.name, HOURS.label, hours, HOURS.show(hours))],
        [Intermediate("完成比例", ratio, fmt_percent(ratio))],
    )
    if ratio < 1:
        lost = sub(leaf.weight, out.score)
        out.deductions.append(
            Deduction(
                lost,
                f"人均培训{fmt_number(hours)}学时，未达到{fmt_number(target)}学时",
                f"人均培训学时为{fmt_number(hours)}学时，未达到{fmt_number(target)}学时的目标，扣{fmt_points(lost)}分",
            )
        )
    return out

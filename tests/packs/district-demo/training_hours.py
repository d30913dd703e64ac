"""人均培训学时：区里自定的新指标，达到目标学时得满分，不足按比例计分。

A plain module with ``@hookimpl`` functions; the pack beside it names this file under
``plugins:`` and its leaf says ``use: training-hours``.
"""
from decimal import Decimal

from jixiao import Configured, Deduction, FactSpec, InputValue, Intermediate, Outcome, hookimpl

HOURS = FactSpec("training_hours", "number", "人均培训学时", "学时")


@hookimpl
def jixiao_indicator_configure(leaf):
    target = Decimal(str(leaf.params.get("target", 40)))
    return Configured(facts={HOURS.name: HOURS}, formula=f"得分=min(人均培训学时÷{target}, 1)×{leaf.weight}分", state=target)


@hookimpl
def jixiao_indicator_evaluate(leaf, configured, ctx):
    target, hours = configured.state, ctx.facts[HOURS.name]
    ratio = min(hours / target, Decimal(1))
    out = Outcome(ratio * leaf.weight, [InputValue(HOURS.name, HOURS.label, hours, HOURS.show(hours))],
                  [Intermediate("完成比例", ratio, f"{ratio:.4f}")])
    if ratio < 1:
        lost = leaf.weight - out.score
        out.deductions.append(Deduction(lost, f"人均培训{hours}学时，未达到{target}学时",
                                        f"人均培训学时为{hours}学时，未达到{target}学时的目标，扣{lost:.2f}分"))
    return out



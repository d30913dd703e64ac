"""Seeded synthetic 盐田 departments, and finders of facts whose exact score sits on a 0.01 edge.

Why: exactness fails only at particular values — an exact score that is a multiple of 0.01
reached through a quotient with no finite decimal expansion (2/15 × 6 = 0.80) — and random
draws rarely hit them. So besides plausible departments drawn around the reference facts,
this module *solves* for facts that put a leaf's exact score on a multiple of 0.01, and
offers the values one cent either side.

Only ``random.Random`` integers are drawn; amounts are integer cents scaled with Decimal,
never floats. Generated departments are plausible (the engine may one day refuse the
impossible): cumulative quarterly spending non-decreasing and ≤ the annual budget,
completed ≤ planned, in use ≤ total, counts ≥ 0, rates within [0, 1]. Overspending that
the rubric itself scores (采购 above plan, 三公 above budget, 在编 above 编制) does occur.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction as F

CHECK_ITEMS = (
    "budget_fits_duties",
    "budget_allocated_by_priority",
    "special_funds_detailed",
    "classification_accurate",
    "allocation_not_rigid",
    "indicators_decompose_tasks",
    "indicators_include_benefits",
    "indicators_clear_values",
    "indicators_quantified",
    "target_values_justified",
    "procurement_policy_met",
    "spending_compliant",
    "accounting_compliant",
    "project_approval_compliant",
    "project_execution_compliant",
    "monitoring_mechanism_effective",
    "supervision_effective",
    "assets_secure",
    "asset_disposal_compliant",
    "systems_established",
    "systems_enforced",
    "performance_system_established",
    "petition_channel_established",
    "petitions_all_replied",
    "petitions_replied_on_time",
)
DISCLOSURE = {
    "compliant": "按规定内容、时限、范围公开",
    "partial": "已公开但存在不符合时限、内容、范围等要求",
    "none": "未公开",
}
REASONS = (
    "履职目标基本实现，社会效益明显。",
    "部分绩效目标未完全实现，酌情扣分。",
    "重点民生项目成效显著，群众获得感增强。",
)


def money(cents: int, rng: random.Random | None = None):
    """Integer cents as the YAML reader gives an amount: a Decimal, or an int when whole (sometimes)."""
    if cents % 100 == 0 and rng is not None and rng.random() < 0.5:
        return cents // 100
    return Decimal(cents).scaleb(-2)


def cents(amount) -> int:
    c = F(amount) * 100
    assert c.denominator == 1, amount
    return int(c)


def percent_text(per_mille: int) -> str:
    """A rate as an evaluator types it: 934 → "93.4%"."""
    return f"{per_mille // 10}.{per_mille % 10}%"


# --- exact-edge finders -------------------------------------------------------------------


def on_edge(x: F) -> bool:
    return (x * 100).denominator == 1


def terminates(x: F) -> bool:
    """Whether x has a finite decimal expansion (its denominator has no prime but 2 and 5)."""
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def solve_cents(score: Callable[[int], F | None], start: int, lo: int, hi: int) -> int | None:
    """An integer ``c`` in [lo, hi], near ``start``, at which ``score(c)`` is a multiple of 0.01.

    ``score`` is assumed affine in ``c`` near ``start`` (true inside one band of a cap or a
    floor); the answer is verified exactly, so a wrong assumption only returns None.
    """
    if not lo <= start < hi:
        return None
    t0, t1 = score(start), score(start + 1)
    if t0 is None or t1 is None:
        return None
    a, m = 100 * t0, 100 * (t1 - t0)
    if m == 0:
        return start if a.denominator == 1 else None
    period_base = math.lcm(a.denominator, m.denominator)
    n0, mm = int(a * period_base), int(m * period_base)
    g = math.gcd(mm, period_base)
    if n0 % g:
        return None
    period = period_base // g
    d = 0 if period == 1 else (-(n0 // g) * pow(mm // g, -1, period)) % period
    for c in (start + d, start + d - period, start + d + period):
        if lo <= c <= hi:
            t = score(c)
            if t is not None and on_edge(t):
                return c
    return None


# --- a plausible department ---------------------------------------------------------------


def department(rng: random.Random) -> dict:
    """One department's facts, drawn around the reference department (盐田区委办 2023)."""
    f: dict = {}
    for name in CHECK_ITEMS:
        f[name] = rng.random() < 0.88
    f["irregular_spending"] = rng.random() < 0.03
    f["classified_unit"] = rng.random() < 0.05
    f["budget_noncompliance_count"] = 0 if rng.random() < 0.7 else rng.randint(1, 7)
    f["target_noncompliance_count"] = 0 if rng.random() < 0.7 else rng.randint(1, 7)

    # 政府采购: plan 50–2,000 万元, execution mostly 85–100 %, sometimes exact, sometimes above plan
    plan = rng.randint(50_00, 2000_00)
    mode = rng.random()
    if mode < 0.55:
        actual = plan * rng.randint(8500, 10000) // 10000
    elif mode < 0.7:
        plan = rng.randint(50, 2000) * 100
        actual = plan * rng.randint(80, 100) // 100
    elif mode < 0.8:
        actual = plan
    elif mode < 0.95:
        actual = solve_cents(lambda c: F(c, plan), plan * rng.randint(85, 99) // 100, 0, plan) or plan
        actual += rng.choice((-1, 0, 1)) if actual < plan else 0
    else:
        actual = plan + rng.randint(1, plan // 20 + 1)
    f["procurement_plan"], f["procurement_actual"] = money(plan, rng), money(actual, rng)

    # 财务合规性: 年初预算 1,000–6,000 万元, adjustments 0–20 %, some exactly on a 0.01 score
    initial = rng.randint(1000_00, 6000_00)
    adjust = initial * rng.randint(0, 20000) // 100000
    if rng.random() < 0.15:
        adjust = (
            solve_cents(
                lambda c: 4 - 10 * F(c, initial), initial * rng.randint(101, 199) // 1000, initial // 10, initial // 5
            )
            or adjust
        )
        adjust += rng.choice((-1, 0, 0, 1))
    f["initial_budget"], f["budget_adjustment"] = money(initial, rng), money(adjust, rng)

    disclosure = ("compliant",) * 16 + ("partial",) * 3 + ("none",)
    for name in ("budget_disclosure", "final_accounts_disclosure"):
        key = rng.choice(disclosure)
        f[name] = DISCLOSURE[key] if rng.random() < 0.05 else key

    # 固定资产: 200–3,000 万元; utilisation 50–100 %, sometimes exactly on 60/75/90 % (± 1 cent)
    total = rng.randint(200_00, 3000_00)
    if rng.random() < 0.2:
        total = rng.randint(20_00, 300_00) * 10
        in_use = total * rng.choice((60, 75, 90, 100)) // 100 + rng.choice((-1, 0, 0, 1))
        in_use = min(max(in_use, 0), total)
    else:
        in_use = total * rng.randint(5000, 10000) // 10000
    f["fixed_assets_total"], f["fixed_assets_in_use"] = money(total, rng), money(in_use, rng)

    # 人员: 编制 10–120, 在编 75–105 % of it, 编外 0–30 (sometimes exactly 5 % or 10 % of the total)
    posts = rng.randint(10, 120)
    staffed = max(0, posts * rng.randint(75, 105) // 100)
    if rng.random() < 0.1:
        staffed = posts + rng.choice((0, 0, 1))
    outsourced = rng.randint(0, 30)
    if rng.random() < 0.15:
        k = rng.randint(1, 4)
        staffed, outsourced = rng.choice((19 * k, 9 * k, 19 * k + 1, 19 * k - 1, 9 * k + 1, 9 * k - 1)), k
        posts = max(posts, staffed - rng.choice((0, 0, 0, 1)))
    f["authorized_posts"], f["staffed_headcount"], f["outsourced_staff"] = posts, staffed, outsourced

    # 公用经费: 三公 5–100 万元, 日常公用 30–400 万元; control rates 60–105 %, some exactly 90 % / 100 %
    for budget_name, actual_name, lo, hi in (
        ("three_public_budget", "three_public_actual", 5_00, 100_00),
        ("office_expense_budget", "office_expense_actual", 30_00, 400_00),
    ):
        b = rng.randint(lo, hi)
        if rng.random() < 0.2:
            b = rng.randint(lo // 10, hi // 10) * 10
            a = b * rng.choice((90, 100)) // 100 + rng.choice((-1, 0, 0, 1))
        else:
            a = b * rng.randint(6000, 10500) // 10000
        f[budget_name], f[actual_name] = money(b, rng), money(a, rng)

    # 预算执行率: 全年预算 1,000–8,000 万元; cumulative progress realistic; some totals solved onto an edge
    budget = rng.randint(1000_00, 8000_00) if rng.random() < 0.6 else rng.randint(1000, 8000) * 100
    q1 = budget * rng.randint(1000, 3500) // 10000
    q2 = max(q1, budget * rng.randint(3500, 6000) // 10000)
    q3 = max(q2, budget * rng.randint(6000, 8500) // 10000)
    q4 = max(q3, budget * rng.randint(8500, 10000) // 10000)
    mode = rng.random()
    if mode < 0.2:

        def total_at(c4, q1=q1, q2=q2, q3=q3):
            return execution_score(budget, (q1, q2, q3, c4))

        q4 = solve_cents(total_at, q4, q3, budget) or q4
        q4 = min(budget, max(q3, q4 + rng.choice((-1, 0, 0, 1))))
    elif mode < 0.3:
        q1, q2, q3, q4 = (budget * k // 4 for k in (1, 2, 3, 4))  # exactly on the 序时进度
    f["annual_budget"] = money(budget, rng)
    for name, c in zip(("spent_q1", "spent_q2", "spent_q3", "spent_q4"), (q1, q2, q3, q4)):
        f[name] = money(c, rng)

    f["key_tasks_planned"] = rng.randint(0, 12)
    f["key_tasks_completed"] = f["key_tasks_planned"] if rng.random() < 0.7 else rng.randint(0, f["key_tasks_planned"])
    f["projects_planned"] = 0 if rng.random() < 0.05 else rng.randint(1, 40)
    f["projects_on_time"] = f["projects_planned"] if rng.random() < 0.4 else rng.randint(0, f["projects_planned"])

    f["effectiveness_score"] = Decimal(rng.randint(1800, 2500)).scaleb(-2)
    f["effectiveness_reason"] = rng.choice(REASONS)
    f["petitions_received"] = 0 if rng.random() < 0.4 else rng.randint(1, 50)

    mode = rng.random()
    if mode < 0.2:
        per_mille = rng.choice((950, 949, 900, 899, 800, 799, 1000))
    else:
        per_mille = rng.randint(700, 1000)
    f["satisfaction_rate"] = percent_text(per_mille) if rng.random() < 0.7 else Decimal(per_mille).scaleb(-3)
    return f


def execution_score(budget_cents: int, spent_cents: tuple[int, ...]) -> F:
    """The exact 预算执行率 raw score, for the edge finder (the oracle's own reading)."""
    ratios = [F(s, budget_cents) / sch for s, sch in zip(spent_cents, (F(1, 4), F(1, 2), F(3, 4), F(1)))]
    return sum((min(r, F(1)) for r in ratios), F(0)) + min(sum(ratios, F(0)) / 2, F(2))


def departments(seed: int, n: int):
    rng = random.Random(seed)
    for i in range(n):
        yield {"department": {"id": f"synth-{seed}-{i}", "name": f"合成部门{i}"}, "facts": department(rng)}


# --- departments built on purpose at 0.01 edges -------------------------------------------


def _amount(c: int):
    return Decimal(c).scaleb(-2)


def _variants(tag: str, leaf: str, build: Callable[[int], dict | None], c: int, lo: int, hi: int):
    """The exact edge ``c`` and one cent either side, as (id, leaf, fact overrides)."""
    out = []
    for delta, name in ((0, "on"), (-1, "below"), (1, "above")):
        if lo <= c + delta <= hi:
            facts = build(c + delta)
            if facts is not None:
                out.append((f"{tag}-{name}", leaf, facts))
    return out


def execution_edges(seed: int = 3664, n: int = 24) -> list[tuple[str, str, dict]]:
    """预算执行率: budgets with factors 3, 7, 229 …, the last cumulative amount solved so the
    exact total is a multiple of 0.01 — through quarters under schedule, a capped first
    quarter, and an average above 1 (the average item capped at 2)."""
    rng = random.Random(seed)
    out: list[tuple[str, str, dict]] = []
    regimes = ("under", "q1_capped", "average_capped")
    attempts = 0
    while len(out) < 3 * n and attempts < 10000:
        attempts += 1
        regime = regimes[len(out) // 3 % 3]
        budget = rng.randint(1000, 8000) * 100 if rng.random() < 0.5 else rng.randint(1000_00, 8000_00)
        if regime == "under":
            q = [
                budget * rng.randint(lo, hi) // 10000
                for lo, hi in ((1500, 2450), (2600, 4900), (5000, 7400), (7500, 9800))
            ]
            free, lo, hi = 3, None, budget
        elif regime == "q1_capped":
            q = [
                budget * rng.randint(lo, hi) // 10000
                for lo, hi in ((2550, 3300), (3400, 4900), (5000, 7400), (7500, 9800))
            ]
            free, lo, hi = 3, None, budget
        else:
            q = [
                budget * rng.randint(lo, hi) // 10000
                for lo, hi in ((3200, 4000), (6200, 7000), (7100, 7450), (9900, 10000))
            ]
            free, lo, hi = 2, None, None
        q = [max(x, y) for x, y in zip(q, [0] + q[:-1])]
        lo = q[free - 1] if lo is None else lo
        hi = q[free + 1] if hi is None else hi

        def total_at(c, q=tuple(q), free=free, budget=budget):
            spent = list(q)
            spent[free] = c
            return execution_score(budget, tuple(spent))

        c = solve_cents(total_at, q[free], lo, hi)
        if c is None or (F(c, budget) * 100).denominator == 1:
            continue
        spent = list(q)
        spent[free] = c
        if all(terminates(F(s, budget)) for s in spent):
            continue  # want a total reached through quotients with no finite decimal expansion

        def build(x, q=tuple(q), free=free, budget=budget):
            spent = list(q)
            spent[free] = x
            if any(b < a for a, b in zip(spent, spent[1:])) or spent[-1] > budget:
                return None
            return {"annual_budget": _amount(budget), **{f"spent_q{i + 1}": _amount(s) for i, s in enumerate(spent)}}

        out += _variants(f"budget{budget}-{regime}-q{free + 1}", "预算执行率", build, c, lo, hi)
    return out


def procurement_edges(seed: int = 31163) -> list[tuple[str, str, dict]]:
    """政府采购执行情况: execution rates exactly k/100 (score 1 + k/100 or k/100), at and just
    above 100 % (the 执行率 item zeroed), and one cent either side."""
    rng = random.Random(seed)
    out = []
    for i in range(12):
        plan = rng.randint(50_00, 2000_00) if i % 2 else rng.randint(50, 2000) * 300
        c = solve_cents(lambda a, plan=plan: F(a, plan), plan * rng.randint(80, 99) // 100, 0, plan)
        if c is None:
            continue
        out += _variants(
            f"plan{plan}-k",
            "政府采购执行情况",
            lambda a, plan=plan: {"procurement_plan": _amount(plan), "procurement_actual": _amount(a)},
            c,
            0,
            plan + 1,
        )
        out += _variants(
            f"plan{plan}-full",
            "政府采购执行情况",
            lambda a, plan=plan: {"procurement_plan": _amount(plan), "procurement_actual": _amount(a)},
            plan,
            0,
            plan + 1,
        )
    return out


def compliance_edges(seed: int = 299116) -> list[tuple[str, str, dict]]:
    """财务合规性: adjustment rates exactly 10 %, 10 % + j‰ (score 3 − j/100), 20 % (item 0) and
    beyond (floor 0), with initial budgets that have factors 3 and 7; one cent either side."""
    rng = random.Random(seed)
    out = []
    for i in range(14):
        initial = rng.randint(1000_00, 6000_00) if i % 2 else rng.randint(100, 600) * 3000
        j = rng.choice((0, 100, 150)) if i < 3 else rng.randint(1, 99)
        c = solve_cents(lambda a, initial=initial: 4 - 10 * F(a, initial), initial * (100 + j) // 1000, 0, initial)
        if c is None:
            continue
        out += _variants(
            f"initial{initial}-j{j}",
            "财务合规性",
            lambda a, initial=initial: {"initial_budget": _amount(initial), "budget_adjustment": _amount(a)},
            c,
            0,
            initial,
        )
    return out


def band_edges() -> list[tuple[str, str, dict]]:
    """Bands reached through a division: values exactly on each edge and one unit either side."""
    out = []
    for total in (3333_40, 1200_00, 2070_00, 999_80):
        for pct in (60, 75, 90, 100):
            c = total * pct // 100
            out += _variants(
                f"assets{total}-{pct}pct",
                "固定资产利用率",
                lambda a, total=total: (
                    {"fixed_assets_total": _amount(total), "fixed_assets_in_use": _amount(a)} if a <= total else None
                ),
                c,
                0,
                total,
            )
    for posts in (1, 37, 44, 120):
        for staffed in (posts - 1, posts, posts + 1):
            if staffed >= 0:
                out.append(
                    (
                        f"posts{posts}-staffed{staffed}",
                        "财政供养人员控制率",
                        {"authorized_posts": posts, "staffed_headcount": staffed, "outsourced_staff": 0},
                    )
                )
    for k in (1, 2, 3, 7):
        for staffed in (19 * k - 1, 19 * k, 19 * k + 1, 9 * k - 1, 9 * k, 9 * k + 1):
            out.append(
                (
                    f"outsourced{k}-staffed{staffed}",
                    "编外人员控制率",
                    {"authorized_posts": max(staffed, 1), "staffed_headcount": staffed, "outsourced_staff": k},
                )
            )
    for budget in (24_80, 115_10, 3_00, 33_30, 70_00):
        for pct in (90, 100):
            c = budget * pct // 100
            out += _variants(
                f"sangong{budget}-{pct}pct",
                "公用经费控制率",
                lambda a, budget=budget: {"three_public_budget": _amount(budget), "three_public_actual": _amount(a)},
                c,
                0,
                10**9,
            )
            out += _variants(
                f"office{budget}-{pct}pct",
                "公用经费控制率",
                lambda a, budget=budget: {
                    "office_expense_budget": _amount(budget),
                    "office_expense_actual": _amount(a),
                },
                c,
                0,
                10**9,
            )
    for text in ("95%", "94.9%", "94.99%", "90%", "89.9%", "80%", "79.9%", "100%", "0%"):
        out.append((f"satisfaction{text}", "公众或服务对象满意度", {"satisfaction_rate": text}))
    for number in ("0.95", "0.9499", "0.9", "0.8", "0.7999"):
        out.append((f"satisfaction{number}", "公众或服务对象满意度", {"satisfaction_rate": Decimal(number)}))
    return out

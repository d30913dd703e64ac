"""Seeded synthetic departments for the 盐田 2023 reference pack.

Why synthetic: the benchmark needs thousands of departments that look like real ones
(so every band, threshold, veto and exemption is exercised at realistic frequencies),
and the only real case we may ship is the reference 区委办 facts. Each department is a
perturbed copy of examples/yantian-2023/facts.yaml:

- money ±30% around the reference figure (two decimals, 万元);
- derived amounts (actual vs plan, in use vs total, adjustment vs initial budget) drawn
  as a realistic ratio of their base, so the rates land around the band edges;
- headcounts varied; quarterly cumulative spending monotonic;
- checklist booleans flipped with ~10% probability, gates (veto/exempt) more rarely;
- the evaluator's judgement 18–25 points with a written reason; satisfaction 70–100%;
- ~15% of departments get one or two values set *exactly* on a band edge (90%, 10%,
  5%, 100%, …), where an off-by-one-comparison bug would show.

Numbers are Decimal, counts are int and percentages are strings like "93.4%" — the
same types the YAML reader produces for a facts file. Never float: randomness is drawn
as integers and scaled with Decimal, so a value is exactly what the generator meant.

``invalid_share`` (default 0) turns that share of departments into bad input ("abc"
for a money fact, a negative headcount, satisfaction 120%, a missing fact): the engine
must report those leaves as not evaluable, not crash, and not slow down.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

REFERENCE = Path(__file__).resolve().parent.parent / "examples" / "yantian-2023" / "facts.yaml"
CENT = Decimal("0.01")

CHECKLIST_FACTS = (
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
DEPARTMENTS = (
    "区发展和改革局",
    "区教育局",
    "区科技创新局",
    "区民政局",
    "区司法局",
    "区财政局",
    "区人力资源局",
    "区住房和建设局",
    "区水务局",
    "区卫生健康局",
    "区应急管理局",
    "区文化广电旅游体育局",
    "区城市管理和综合执法局",
    "区退役军人事务局",
    "区统计局",
    "区政务服务数据管理局",
    "区机关事务管理局",
    "沙头角街道办事处",
    "海山街道办事处",
    "梅沙街道办事处",
    "盐田街道办事处",
    "区委组织部",
    "区委宣传部",
)
REASONS = {
    25: "年度绩效目标全面实现，重点民生项目按期交付，社会效益、经济效益和可持续影响均达到预期。",
    23: "主要绩效目标基本实现，个别指标完成值略低于目标值，对辖区发展的带动作用较好。",
    21: "部分绩效目标未完成，个性化指标设置不够充分，效益分析缺少数据支撑，酌情扣分。",
    18: "多项绩效目标未达到目标值，部分项目效果不明显，群众获得感有待提升，酌情扣分。",
}


def load_reference() -> dict[str, Any]:
    """The reference facts as the engine's own reader sees them (floats → Decimal)."""
    from jixiao.yamlio import load_path

    return load_path(REFERENCE)


def _share(rng: random.Random, lo: int, hi: int) -> Decimal:
    """A uniform fraction lo‰..hi‰ as an exact Decimal (no float on the way)."""
    return Decimal(rng.randint(lo, hi)) / 1000


def _money(rng: random.Random, ref: Decimal, spread: int = 300) -> Decimal:
    """Reference amount ±spread‰, in cents."""
    return (ref * _share(rng, 1000 - spread, 1000 + spread)).quantize(CENT)


def _of(base: Decimal, share: Decimal) -> Decimal:
    return (base * share).quantize(CENT)


def _percent(permille: int) -> str:
    """937 → "93.7%", 1000 → "100%": how a survey report writes a rate."""
    whole, tenth = divmod(permille, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"


def _department(rng: random.Random, ref: dict[str, Any]) -> dict[str, Any]:
    f = dict(ref)  # values are immutable (Decimal, int, bool, str)
    for name in CHECKLIST_FACTS:  # the reference has no petitions, so no petition items: they start true
        met = f.get(name, True)
        f[name] = not met if rng.randrange(10) == 0 else met
    f["irregular_spending"] = rng.randrange(40) == 0
    f["classified_unit"] = rng.randrange(30) == 0
    f["budget_noncompliance_count"] = rng.choice((0,) * 14 + (1, 1, 2, 3))
    f["target_noncompliance_count"] = rng.choice((0,) * 14 + (1, 1, 2, 6))
    f["budget_disclosure"], f["final_accounts_disclosure"] = (
        rng.choice(("compliant",) * 17 + ("partial", "partial", "none")) for _ in range(2)
    )

    f["procurement_plan"] = plan = _money(rng, ref["procurement_plan"])
    f["procurement_actual"] = _of(plan, _share(rng, 850, 1030))
    f["initial_budget"] = initial = _money(rng, ref["initial_budget"])
    f["budget_adjustment"] = _of(initial, _share(rng, 0, 180))
    f["fixed_assets_total"] = assets = _money(rng, ref["fixed_assets_total"])
    f["fixed_assets_in_use"] = _of(
        assets, max(_share(rng, 550, 1000), _share(rng, 550, 1000))
    )  # most assets are in use

    posts = rng.randint(15, 120)
    f["authorized_posts"] = posts
    f["staffed_headcount"] = staffed = max(1, posts * rng.randint(80, 104) // 100)
    f["outsourced_staff"] = staffed * rng.randint(0, 45) // 100

    f["three_public_budget"] = tp = _money(rng, ref["three_public_budget"])
    f["three_public_actual"] = _of(tp, _share(rng, 650, 1050))
    f["office_expense_budget"] = ob = _money(rng, ref["office_expense_budget"])
    f["office_expense_actual"] = _of(ob, _share(rng, 780, 1030))

    f["annual_budget"] = annual = _money(rng, ref["annual_budget"])
    cumulative = sorted(rng.randint(lo, hi) for lo, hi in ((180, 300), (420, 560), (660, 800), (900, 1000)))
    for q, permille in zip(("spent_q1", "spent_q2", "spent_q3", "spent_q4"), cumulative):
        f[q] = _of(annual, Decimal(permille) / 1000)

    f["key_tasks_planned"] = planned = rng.randint(3, 12)
    f["key_tasks_completed"] = planned - rng.choice((0,) * 8 + (1, 2))
    f["projects_planned"] = projects = rng.choice((0,) + tuple(range(1, 41)))
    f["projects_on_time"] = max(0, projects - rng.choice((0,) * 6 + (1, 1, 2, 4)))
    f["effectiveness_score"] = score = Decimal(rng.randint(36, 50)) / 2
    f["effectiveness_reason"] = REASONS[max(k for k in REASONS if k <= score)]
    f["petitions_received"] = rng.choice((0, 0, 0) + tuple(range(1, 60)))
    sat = max(rng.randint(700, 1000), rng.randint(700, 1000))  # surveys skew high
    f["satisfaction_rate"] = _percent(sat) if rng.randrange(2) else Decimal(sat) / 1000

    if rng.randrange(100) < 15:
        for edge in rng.sample(EDGES, rng.randint(1, 2)):
            edge(rng, f)
    return f


def _tenth(rng: random.Random, ref: Decimal) -> Decimal:
    """An amount in 0.1 万元 so that × 90%, × 10% … is still whole cents."""
    return (ref * _share(rng, 700, 1300)).quantize(Decimal("0.1"))


def _edge_ratio(base: str, part: str, share: str) -> Callable[[random.Random, dict], None]:
    def set_edge(rng: random.Random, f: dict) -> None:
        f[base] = _tenth(rng, f[base])
        f[part] = f[base] * Decimal(share)

    set_edge.__name__ = f"{part}_at_{share}"
    return set_edge


def _outsourced_at(percent: int) -> Callable[[random.Random, dict], None]:
    def set_edge(rng: random.Random, f: dict) -> None:
        k = rng.randint(1, 5)
        f["outsourced_staff"], f["staffed_headcount"] = k, k * (100 // percent - 1)  # k of 20k is 5%
        f["authorized_posts"] = max(f["authorized_posts"], f["staffed_headcount"])

    return set_edge


def _satisfaction_at(text: str) -> Callable[[random.Random, dict], None]:
    def set_edge(rng: random.Random, f: dict) -> None:
        f["satisfaction_rate"] = text

    return set_edge


def _staff_full(rng: random.Random, f: dict) -> None:
    f["staffed_headcount"] = f["authorized_posts"]


def _staff_one_over(rng: random.Random, f: dict) -> None:
    f["staffed_headcount"] = f["authorized_posts"] + 1


def _spent_on_schedule(rng: random.Random, f: dict) -> None:
    f["annual_budget"] = (f["annual_budget"] * _share(rng, 900, 1100)).quantize(Decimal(1))  # × 25% stays in cents
    for q, share in (("spent_q1", "0.25"), ("spent_q2", "0.5"), ("spent_q3", "0.75"), ("spent_q4", "1")):
        f[q] = f["annual_budget"] * Decimal(share)


def _three_public_cent_over(rng: random.Random, f: dict) -> None:
    f["three_public_actual"] = f["three_public_budget"] + CENT


def _no_projects(rng: random.Random, f: dict) -> None:
    f["projects_planned"] = f["projects_on_time"] = 0


def _all_deducted(rng: random.Random, f: dict) -> None:
    f["budget_noncompliance_count"] = 7  # 5 points, 1 each: floor at 0
    f["key_tasks_completed"] = f["key_tasks_planned"] - 2  # 8 points, 4 each


EDGES = (
    _edge_ratio("procurement_plan", "procurement_actual", "1"),
    _edge_ratio("initial_budget", "budget_adjustment", "0.1"),
    _edge_ratio("fixed_assets_total", "fixed_assets_in_use", "0.9"),
    _edge_ratio("fixed_assets_total", "fixed_assets_in_use", "0.75"),
    _edge_ratio("fixed_assets_total", "fixed_assets_in_use", "0.6"),
    _edge_ratio("three_public_budget", "three_public_actual", "0.9"),
    _edge_ratio("three_public_budget", "three_public_actual", "1"),
    _edge_ratio("office_expense_budget", "office_expense_actual", "0.9"),
    _edge_ratio("office_expense_budget", "office_expense_actual", "1"),
    _outsourced_at(5),
    _outsourced_at(10),
    _satisfaction_at("95%"),
    _satisfaction_at("90%"),
    _satisfaction_at("80%"),
    _satisfaction_at("100%"),
    _staff_full,
    _staff_one_over,
    _spent_on_schedule,
    _three_public_cent_over,
    _no_projects,
    _all_deducted,
)


def _spoil(rng: random.Random, f: dict) -> None:
    """Make one fact unusable, the way a hand-filled spreadsheet does."""
    kind = rng.randrange(5)
    if kind == 0:
        f[rng.choice(("procurement_plan", "initial_budget", "annual_budget", "three_public_actual"))] = "abc"
    elif kind == 1:
        f["outsourced_staff"] = -3
    elif kind == 2:
        f["satisfaction_rate"] = "120%"
    elif kind == 3:
        f["key_tasks_completed"] = "6.5"
    else:
        del f["fixed_assets_total"]


def generate(n: int, seed: int = 1, invalid_share: Decimal | str | int = 0) -> Iterator[dict[str, Any]]:
    """Yield ``n`` facts documents {"department": {"id", "name"}, "facts": {...}}, reproducibly for ``seed``.

    ``invalid_share`` is a fraction ("0.01" for ~1%); it is compared in per-million
    units so no float is involved.
    """
    rng = random.Random(seed)
    ref = load_reference()["facts"]
    invalid_ppm = int(Decimal(str(invalid_share)) * 1_000_000)
    for i in range(n):
        facts = _department(rng, ref)
        spoiled = bool(invalid_ppm and rng.randrange(1_000_000) < invalid_ppm)
        if spoiled:
            _spoil(rng, facts)
        name = f"{DEPARTMENTS[i % len(DEPARTMENTS)]}（合成样本 {seed}-{i:05d}）"
        department = {"id": f"synth-{seed}-{i:05d}", "name": name}
        if spoiled:
            department["spoiled"] = True  # ground truth for tests: this record must be reported invalid
        yield {"department": department, "facts": facts}


def main() -> None:
    """Print a few departments as YAML, to eyeball what the benchmark feeds the engine."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--invalid-share", default="0")
    a = ap.parse_args()
    yaml.SafeDumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))
    for doc in generate(a.n, a.seed, a.invalid_share):
        print(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), end="---\n")


if __name__ == "__main__":
    main()

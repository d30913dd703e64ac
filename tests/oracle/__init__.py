"""An exact rational oracle for jixiao's scores, written without reading the engine.

Why it exists: the engine promises exact scores — every rate, ratio, pro-rata deduction
and score exact, rounded only where the rubric pack says. The only way to check that
promise is against something that cannot be inexact: ``fractions.Fraction`` arithmetic,
rounded once, with integers, at the place the pack declares.

The semantics come only from the documents a pack author reads (``docs/rubric-packs.md``,
``README.md``, the pack YAML files and their cases, the golden scores and the reference
notes in ``/work/shared/reference/``), never from ``core/``:

- ``rounding``  — exact rounding of a Fraction to N places (truncate, half_up, half_even);
- ``values``    — fact and parameter values (Decimal, int, "93.4%", 是/否) as Fractions;
- ``intervals`` — the pack's interval notation ("[90%, ∞)") as exact predicates;
- ``formula``   — the pack's formula language (+ - * / **, min/max/abs) over Fractions;
- ``yantian``   — the 盐田 2023 reference rubric, all 21 leaves written out by hand;
- ``shapes``    — a generic oracle: one small function per shape, driven by a pack's params;
- ``synth``     — a seeded generator of plausible 盐田 departments, and exact edge finders.
"""

"""Byte-for-byte pin of what the engine says, written before the performance work.

Speed-ups of the per-department path (precomputed texts, cached rounding units, fast
conversion paths, slots) must not change a single score, sentence or number format.
``tests/golden/explanations-reference.json`` holds what the code produced before any
of them: the full ``to_dict()`` of the reference case, and SHA-256 hashes of the
``to_dict()`` JSON of 300 synthetic departments (seed 3, 1 % deliberately broken) on
both backends, of the other shipped packs' examples, of every malformed facts file,
and of ``FactSpec.convert`` on a grid of awkward raw values (what it returns, or its
error code and message) — the conversion fast paths are checked against that grid.

The scorecard carries the pack's digest and the engine version: editing a shipped
pack or bumping the version changes them, and this test then says so first. Only
then regenerate, after checking that nothing else differs:
``.venv/bin/python tests/test_explanation_snapshot.py --write``.

The second half checks the rewritten helpers against the code they replaced, kept here
as oracles: number formatting, ``FactSpec.convert``'s fast paths, the Python rules
backend's compiled conditions, durable's integer encoding, and libyaml against the
pure-Python YAML loader (same data, same line numbers, same errors). Last,
``Engine.evaluate_many``.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import random
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import patched
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import Engine, JixiaoError, errors, numbers, yamlio
from jixiao.facts import _CONVERTERS, FactSpec, _CellError, read_facts_file
from jixiao.number_text import NumberRefused
from jixiao.rules.durable_backend import available as durable_available
from jixiao.rules.durable_backend import encode
from jixiao.rules.python_backend import PythonBackend

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "golden" / "explanations-reference.json"
REFERENCE = ROOT / "examples" / "yantian-2023" / "facts.yaml"
PACK = "shenzhen-yantian-2023"
SYNTH = {"seed": 3, "n": 300, "invalid_share": "0.01"}
OTHER_CASES = {  # pack → facts file, for shapes the reference pack does not use
    "mof-project-2020": ROOT / "examples" / "mof-project" / "facts.yaml",
    "example-district-2023": REFERENCE,
}
sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

AWKWARD = [
    True,
    False,
    0,
    1,
    -1,
    7,
    10**13,
    Decimal("0"),
    Decimal("-0"),
    Decimal("1.5"),
    Decimal("-0.01"),
    Decimal("1E+2"),
    Decimal("0.981"),
    Decimal("2.00"),
    Decimal("NaN"),
    Decimal("Infinity"),
    1.5,
    0.0,
    "12",
    " 12 ",
    "98.1%",
    "1,599.06",
    "120%",
    "-3",
    "abc",
    "",
    "  ",
    "是",
    "否",
    "true",
    "FALSE",
    "yes",
    "1",
    "0",
    "maybe",
    "compliant",
    "按规定公开",
    None,
    [],
    [{}],
    {"a": 1},
    dt.date(2023, 5, 1),
    "2023-05-01",
]


def _digest(chunks: Iterable[str]) -> str:
    """Hash of the outputs, with the checkout's own path taken out: a fresh clone elsewhere hashes the same."""
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk.replace(str(ROOT), "<ROOT>").encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _card_json(card) -> str:
    return json.dumps(card.to_dict(), ensure_ascii=False)


def _engine(pack: str, rules: str) -> Engine:
    return Engine.from_rubric(pack, rules=rules)


def reference_card(engine: Engine) -> dict[str, Any]:
    return engine.evaluate(REFERENCE).to_dict()


def synthetic_hash(engine: Engine) -> str:
    return _digest(
        _card_json(engine.evaluate(doc)) for doc in synth.generate(SYNTH["n"], SYNTH["seed"], SYNTH["invalid_share"])
    )


def other_packs_hash() -> str:
    return _digest(
        f"{pack}\t{_card_json(_engine(pack, 'python').evaluate(facts))}" for pack, facts in OTHER_CASES.items()
    )


def bad_facts_hash(engine: Engine) -> str:
    def one(path: Path) -> str:
        try:
            return _card_json(engine.evaluate(read_facts_file(path)))
        except JixiaoError as exc:
            return "refused\t" + json.dumps([p.to_dict() for p in exc.problems], ensure_ascii=False)

    folder = patched.bad_facts()
    lines = (
        f"{p.name}\t{one(p)}".replace(str(folder), str(ROOT / "tests" / "bad_facts"))
        for p in sorted(folder.glob("*.yaml"))
    )
    return _digest(lines)


def conversions_hash(engine: Engine) -> str:
    def one(spec, raw) -> str:
        try:
            value = spec.convert(raw)
        except Exception as exc:  # PydanticCustomError: its type is the code
            return f"error\t{type(exc).__name__}\t{getattr(exc, 'type', '')}\t{exc}"
        return f"ok\t{type(value).__name__}\t{value!r}"

    specs = sorted(engine.fact_model.specs.values(), key=lambda s: s.name)
    return _digest(f"{s.name}\t{raw!r}\t{one(s, raw)}" for s in specs for raw in AWKWARD)


def build() -> dict[str, Any]:
    py, durable = _engine(PACK, "python"), _engine(PACK, "durable")
    return {
        "about": "Written by tests/test_explanation_snapshot.py --write; see its docstring.",
        "pack": PACK,
        "reference": {"facts": str(REFERENCE.relative_to(ROOT)), "rules": "python", "scorecard": reference_card(py)},
        "synthetic": {**SYNTH, "sha256": {"python": synthetic_hash(py), "durable": synthetic_hash(durable)}},
        "other_packs": {
            "cases": {k: str(v.relative_to(ROOT)) for k, v in OTHER_CASES.items()},
            "sha256": other_packs_hash(),
        },
        "bad_facts": {"sha256": bad_facts_hash(py)},
        "conversions": {"values": [repr(v) for v in AWKWARD], "sha256": conversions_hash(py)},
    }


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def py_engine_fresh() -> Engine:
    return _engine(PACK, "python")


def test_pack_and_version_unchanged(snapshot, py_engine_fresh):
    """A changed digest or version is a pack edit or a release, not a regression: regenerate (see the docstring)."""
    card = snapshot["reference"]["scorecard"]
    assert (card["rubric"]["digest"], card["engine_version"]) == (
        py_engine_fresh.pack.digest,
        reference_card(py_engine_fresh)["engine_version"],
    )


def test_reference_scorecard_identical(snapshot, py_engine_fresh):
    assert reference_card(py_engine_fresh) == snapshot["reference"]["scorecard"]
    assert _card_json(py_engine_fresh.evaluate(REFERENCE)) == json.dumps(
        snapshot["reference"]["scorecard"], ensure_ascii=False
    )


@pytest.mark.parametrize(
    "rules",
    [
        "python",
        pytest.param(
            "durable", marks=pytest.mark.skipif(not durable_available(), reason="durable-rules not importable")
        ),
    ],
)
def test_synthetic_departments_identical(snapshot, rules):
    assert synthetic_hash(_engine(PACK, rules)) == snapshot["synthetic"]["sha256"][rules]


def test_other_packs_identical(snapshot):
    assert other_packs_hash() == snapshot["other_packs"]["sha256"]


def test_bad_facts_identical(snapshot, py_engine_fresh):
    assert bad_facts_hash(py_engine_fresh) == snapshot["bad_facts"]["sha256"]


def test_conversions_identical(snapshot, py_engine_fresh):
    assert conversions_hash(py_engine_fresh) == snapshot["conversions"]["sha256"]


# ---- the replaced code, as oracles -------------------------------------------------------------


def old_quantize(value, places, mode):
    return value.quantize(Decimal(1).scaleb(-places), rounding=numbers.ROUNDING_MODES[mode])


def old_fmt_number(value):
    if value is None:
        return "—"
    d = Decimal(value)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def old_fmt_percent(rate, places=1):
    return f"{old_fmt_number(old_quantize(rate * Decimal(100), places, 'half_up'))}%"


def old_fmt_points(value):
    return old_fmt_number(old_quantize(Decimal(value), 2, "half_up"))


def old_fmt_detail(value):
    d = Decimal(value)
    return old_fmt_number(old_quantize(d, 6, "half_even")) if d.as_tuple().exponent < -6 else old_fmt_number(d)


def old_encode(v):
    sign, digits, exp = v.as_tuple()
    mantissa = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    shift = exp + 6
    if shift >= 0:
        return mantissa * 10**shift, 1
    if -shift > len(digits):
        return (0 if mantissa >= 0 else -1), int(mantissa == 0)
    f, rest = divmod(mantissa, 10**-shift)
    return f, int(rest == 0)


def old_convert(spec, raw):
    """The converter table alone (no fast path), with the range check ``convert`` adds."""
    try:
        value = _CONVERTERS[spec.kind](spec, raw)
    except (_CellError, NumberRefused) as refused:
        return ("error", refused.code)
    except (ValueError, TypeError, ArithmeticError):
        return ("error", errors.FACT_CHOICE if spec.kind == "choice" else errors.FACT_TYPE)
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        low = Decimal(0) if spec.kind in ("money", "count") and spec.minimum is None else spec.minimum
        if (low is not None and value < low) or (spec.maximum is not None and value > spec.maximum):
            return ("error", errors.FACT_RANGE)
    return ("ok", type(value), str(value))


def old_decide(tables, values):
    out = {}
    for table in tables:
        out[table.id] = None
        for rule in table.rules:
            if all(c.key in values and c.holds(values[c.key]) for c in rule.conditions):
                out[table.id] = rule.id
                break
    return out


def _same(old, new, *args):
    """Wherever the old code gave an answer, the new one gives the same (same type, same digits: ``str`` of a
    Decimal keeps its exponent). The old code raised on values beyond 28 digits (10**27 quantized to 0.01, say)
    and on infinities, and rounded inputs of more than 28 digits before printing them; the new one rounds and
    prints those exactly, so there only the new answer stands."""
    outcomes = []
    for fn in (old, new):
        try:
            result = fn(*args)
            outcomes.append(("ok", type(result), str(result)))
        except Exception as exc:
            outcomes.append(("raised", type(exc)))
    long_input = any(
        isinstance(a, Decimal) and a.is_finite() and len(a.as_tuple().digits) > 28 for a in args
    )  # old: rounded to 28 digits
    if outcomes[0][0] == "ok" and not long_input:
        assert outcomes[0] == outcomes[1], args


def _new_convert(spec, raw):
    try:
        value = spec.convert(raw)
    except Exception as exc:
        return ("error", getattr(exc, "type", type(exc)))
    return ("ok", type(value), str(value))


exact = st.builds(lambda n, e: Decimal(f"{n}E{e}"), st.integers(-(10**32), 10**32), st.integers(-40, 30))
decimals = st.one_of(
    exact,
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("-0"), Decimal("0E-9"), Decimal("1.0000000"), Decimal("-0.0000005"), Decimal("1E+30")]),
)


@settings(max_examples=600, deadline=None)
@given(decimals, st.integers(0, 8))
def test_number_formatting_unchanged(d, places):
    _same(old_fmt_number, numbers.fmt_number, d)
    _same(old_fmt_percent, numbers.fmt_percent, d, places)
    _same(old_fmt_points, numbers.fmt_points, d)
    _same(old_fmt_detail, numbers.fmt_detail, d)
    for mode in numbers.ROUNDING_MODES:
        _same(old_quantize, numbers.quantize, d, places, mode)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(-(10**30), 10**30), st.booleans()))
def test_number_formatting_of_ints_unchanged(value):
    _same(old_fmt_number, numbers.fmt_number, value)
    if value is not None:
        _same(old_fmt_points, numbers.fmt_points, value)
        _same(old_fmt_detail, numbers.fmt_detail, value)


@settings(max_examples=600, deadline=None)
@given(exact)
def test_encode_unchanged(v):
    assert encode(v) == old_encode(v)


@pytest.mark.parametrize("v", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_encode_refuses_non_finite_as_before(v):
    for fn in (old_encode, encode):
        with pytest.raises(TypeError):
            fn(v)


SPECS = [
    FactSpec("m", "money", "金额"),
    FactSpec("c", "count", "人数"),
    FactSpec("r", "rate", "比率", minimum=Decimal(0), maximum=Decimal(1)),
    FactSpec("s", "score", "评分", minimum=Decimal(0), maximum=Decimal(25)),
    FactSpec("n", "number", "数值"),
    FactSpec("b", "bool", "是否"),
    FactSpec("x", "choice", "选项", choices={"a": "甲", "b": "乙"}),
    FactSpec("t", "text", "文字"),
]
raws = st.one_of(
    st.booleans(),
    st.integers(-(10**15), 10**15),
    decimals,
    st.floats(allow_nan=True),
    st.none(),
    st.sampled_from(["12", "98.1%", "-3", "abc", "", "是", "否", "true", "a", "甲", " x ", "1,599.06"]),
)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(SPECS), raws)
def test_convert_fast_paths_unchanged(spec, raw):
    assert _new_convert(spec, raw) == old_convert(spec, raw)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_python_backend_unchanged(py_engine_fresh, data):
    tables = py_engine_fresh.tables
    keys = sorted({c.key for t in tables for r in t.rules for c in r.conditions})
    values = {
        k: data.draw(decimals.filter(lambda d: d.is_finite()), label=k)
        for k in keys
        if data.draw(st.booleans(), label=f"has {k}")
    }
    assert PythonBackend(tables).decide(values) == old_decide(tables, values)


def test_converters_alone_give_the_models_values(py_engine_fresh):
    """``FactModel._convert_all`` answers only where the pydantic model would accept every fact, and
    then with its values."""
    model = py_engine_fresh.fact_model
    docs = list(synth.generate(400, 9, "0.05"))
    assert any(model._convert_all(d["facts"]) is None for d in docs)
    for doc in docs:
        fast = model._convert_all(doc["facts"])
        if fast is None:
            continue
        parsed = model.model.model_validate({k: v for k, v in doc["facts"].items() if v is not None}).model_dump()
        slow = {k: v for k, v in parsed.items() if v is not None}
        assert list(fast.items()) == list(slow.items())
        assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]
        assert [str(v) for v in fast.values()] == [str(v) for v in slow.values()]


def _yaml_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.y*ml") if ".venv" not in p.parts)


def _loaded(text: str, loaders) -> tuple:
    try:
        return ("ok", yamlio.parse_yaml(text, loaders, with_lines=True))
    except Exception as exc:
        return ("error", type(exc), str(exc))


@pytest.mark.skipif(len(yamlio.LOADERS) < 2, reason="PyYAML without libyaml: only the pure-Python loader is used")
def test_libyaml_reads_every_shipped_file_as_pyyaml_does():
    for path in _yaml_files():
        text = path.read_text(encoding="utf-8")
        assert _loaded(text, None) == _loaded(text, yamlio.LOADERS[-1:]), path


@pytest.mark.skipif(len(yamlio.LOADERS) < 2, reason="PyYAML without libyaml: only the pure-Python loader is used")
def test_libyaml_gives_pyyaml_answers_on_broken_text():
    """Seeded edits of the shipped files: the data, lines and error messages stay PyYAML's."""
    rng, texts = random.Random(7), [p.read_text(encoding="utf-8") for p in _yaml_files()]
    marks = [
        ":",
        "- ",
        "\t",
        "\n  ",
        "'",
        '"',
        "{",
        "}",
        "[",
        "]",
        "&a",
        "*a",
        "<<: *a",
        "?",
        "#",
        ">#",
        "|",
        "\ufeff",
        "\x07",
        "!!float",
        ".inf",
    ]
    for _ in range(400):
        text = rng.choice(texts)
        start = rng.randrange(max(1, len(text) - 1500))
        text = text[start : start + 1500]
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(marks) + text[i + rng.choice((0, 0, 1, 3)) :]
        assert _loaded(text, None) == _loaded(text, yamlio.LOADERS[-1:]), text


def test_evaluate_many_pauses_the_collector_and_restores_it(py_engine_fresh):
    docs = list(synth.generate(20, 5, "0.1"))
    assert [c.to_dict() for c in py_engine_fresh.evaluate_many(docs)] == [
        py_engine_fresh.evaluate(d).to_dict() for d in docs
    ]
    seen = []
    real = py_engine_fresh.evaluate
    py_engine_fresh.evaluate = lambda doc: seen.append(gc.isenabled()) or real(doc)
    try:
        gc.enable()
        py_engine_fresh.evaluate_many(docs[:2])
        assert seen == [False, False] and gc.isenabled()
        with pytest.raises(JixiaoError):
            py_engine_fresh.evaluate_many([docs[0], {"facts": {}}])
        assert gc.isenabled()
        gc.disable()
        py_engine_fresh.evaluate_many(docs[:1])
        assert not gc.isenabled()
    finally:
        gc.enable()
        del py_engine_fresh.evaluate


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: test_explanation_snapshot.py --write   (regenerates the snapshot from the current code)")
    SNAPSHOT.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}")

"""Plain YAML data built in one walk is what PyYAML's constructors build — the same values of the same
types, the same lines, the same errors — on every shipped file, on seeded edits of them and on the
documents that are not plain (anchors, merge keys, dates, tags), which PyYAML builds itself."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao import yamlio
from jixiao.limits import LIMITS
from jixiao.yaml_plain import Bounds, plain

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in ROOT.rglob("*.y*ml") if ".venv" not in p.parts and "build" not in p.parts)
MARKS = [":", "- ", "\n  ", "'", '"', "{", "}", "[", "]", "&a ", "*a", "<<: *a", "#", "|", "!!str ", ".inf", "0x1"]


def typed(value: Any) -> Any:
    """``value`` with the type of everything in it: 1, Decimal("1") and True compare equal, these do not."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, repr(value))


def by_pyyaml(text: str) -> tuple:
    """What reading ``text`` gave before the one-walk path: PyYAML's constructors, lines from the node tree."""
    loader = yamlio.LOADERS[-1](text)
    try:
        node = loader.get_single_node()
        if node is None:
            return ("ok", None, None)
        yamlio.check_tree(node)
        lines = yamlio._lines(node)
        return ("ok", typed(loader.construct_document(node)), lines)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))
    finally:
        loader.dispose()


def by_jixiao(text: str) -> tuple:
    try:
        data, lines = yamlio.parse_yaml(text, yamlio.LOADERS[-1:], with_lines=True)
        return ("ok", None, None) if lines is None else ("ok", typed(data), lines)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def walked(text: str) -> bool:
    """Whether ``text`` is plain data, built in one walk."""
    loader = yamlio.LOADERS[-1](text)
    try:
        node = loader.get_single_node()
        bounds = Bounds(LIMITS.depth, LIMITS.yaml_nodes, LIMITS.record_bytes)
        return plain(loader, node, True, yamlio._int, yamlio._decimal, bounds) is not None
    finally:
        loader.dispose()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_reads_as_pyyaml_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert by_jixiao(text) == by_pyyaml(text)


def test_the_shipped_packs_are_plain_data():
    packs = [p for p in FILES if p.name == "pack.yaml" and "rubrics" in p.parts]
    assert packs and all(walked(p.read_text(encoding="utf-8")) for p in packs)


def test_seeded_edits_read_as_pyyaml_reads_them():
    rng, texts = random.Random(11), [p.read_text(encoding="utf-8") for p in FILES]
    for _ in range(400):
        text = rng.choice(texts)
        at = rng.randrange(len(text) + 1)
        edited = text[:at] + rng.choice(MARKS) + text[at:]
        assert by_jixiao(edited) == by_pyyaml(edited), edited[max(0, at - 60) : at + 60]


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {a: 1}\nother: *b\n",  # an alias to a collection: PyYAML shares the object
        "base: &b {a: 1}\nother: {<<: *b, c: 2}\n",
        "? [a, b]\n: 1\n",
        "x: .inf\n",
        "s: !!set {a, b}\n",
        "t: !custom 1\n",
    ],
)
def test_what_is_not_plain_is_built_by_pyyaml(text):
    assert not walked(text)
    assert by_jixiao(text) == by_pyyaml(text)


@pytest.mark.parametrize("text", ["n: !!str 12\n", "x: 1:30\n", "k: 0o17\n", "y: 1e3\n", "- [1, {a: [b]}]\n"])
def test_plain_oddities_are_walked_to_what_pyyaml_builds(text):
    assert walked(text)
    assert by_jixiao(text) == by_pyyaml(text)


def test_plain_scalars_keep_their_types():
    text = "a: 1\nb: 1.50\nc: yes\nd: ~\ne: '1'\nf: 010\ng: -0\nh: 1_000\n1: x\n2.5: y\nfalse: z\ni: 2024-01-31\n"
    assert walked(text)
    data, lines = yamlio.parse_yaml(text, with_lines=True)
    assert typed(data) == typed(
        {"a": 1, "b": Decimal("1.50"), "c": True, "d": None, "e": "1", "f": "010", "g": 0, "h": 1000}
        | {1: "x", Decimal("2.5"): "y", False: "z", "i": datetime.date(2024, 1, 31)}
    )
    assert lines is not None and lines[("b",)] == 2 and lines[("1",)] == 9


def nested(depth: int) -> str:
    """A document whose deepest scalar is ``depth`` levels below the root (mappings and sequences alternating)."""
    text = "x"
    for level in range(depth):
        text = f"{{k: {text}}}" if level % 2 else f"[{text}]"
    return text + "\n"


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        (nested(4), {"depth": 4}),  # at the limit: walked
        (nested(5), {"depth": 4}),  # one deeper: check_tree refuses it
        ("a: {b: {}}\n", {"depth": 2}),  # an empty collection at the limit has no children to nest
        ("a: {b: {c: 1}}\n", {"depth": 2}),
        ("- [a, b]\n- 1\n", {"yaml_nodes": 5}),
        ("- [a, b]\n- 1\n", {"yaml_nodes": 4}),
        ("a: b\nc: d\n", {"yaml_nodes": 5}),
        ("a: b\nc: d\n", {"yaml_nodes": 4}),
        ("k: &s " + "x" * 40 + "\nl: [*s, *s, *s]\n", {"record_mb": Decimal(160) / 1024 / 1024}),
        ("k: &s " + "x" * 40 + "\nl: [*s, *s, *s]\n", {"record_mb": Decimal(161) / 1024 / 1024}),
        ("a: 1\nb: 2\na: 3\n", {}),  # written twice: refused with both lines
        ("1: x\n01: y\n", {}),  # two texts, one key once built: PyYAML keeps the second value
        ("yes: x\nYes: y\n", {}),
        ("1: x\n1.0: y\n", {}),  # an int and a Decimal that compare equal
        ("a: [{b: 1, b: 2}]\n", {}),
        ("x" * 50 + "\n", {"record_mb": Decimal(10) / 1024 / 1024}),  # a lone scalar: check_tree measures no children
    ],
)
def test_at_and_over_the_limits_the_walk_answers_as_check_tree_and_pyyaml(text, limits, monkeypatch):
    for name, value in limits.items():
        monkeypatch.setattr(LIMITS, name, value)
    assert by_jixiao(text) == by_pyyaml(text)


def test_within_the_limits_the_walk_builds_what_check_tree_accepts(monkeypatch):
    monkeypatch.setattr(LIMITS, "depth", 4)
    assert walked(nested(4)) and not walked(nested(5))
    monkeypatch.setattr(LIMITS, "yaml_nodes", 5)
    assert walked("a: b\nc: d\n") and not walked("a: b\nc: d\ne: f\n")


def test_seeded_documents_near_the_limits_read_as_pyyaml_reads_them(monkeypatch):
    rng = random.Random(5)
    for _ in range(300):
        monkeypatch.setattr(LIMITS, "depth", rng.randrange(1, 6))
        monkeypatch.setattr(LIMITS, "yaml_nodes", rng.randrange(1, 30))
        monkeypatch.setattr(LIMITS, "record_mb", Decimal(rng.randrange(1, 80)) / 1024 / 1024)
        text = _random_document(rng, 0)
        assert by_jixiao(text) == by_pyyaml(text), (text, LIMITS)


def _random_document(rng: random.Random, depth: int) -> str:
    """Flow YAML of small mappings, sequences, repeated keys and scalars, some of them aliases."""
    roll = rng.random()
    if depth > 5 or roll < 0.35:
        return rng.choice(["a", "1", "01", "yes", "Yes", "'1'", "1.0", "xxxxxxxxxx", "~", "2024-01-31"])
    if roll < 0.65:
        return "[" + ", ".join(_random_document(rng, depth + 1) for _ in range(rng.randrange(4))) + "]"
    keys = [rng.choice(["a", "b", "1", "01", "yes", "Yes", "1.0"]) for _ in range(rng.randrange(4))]
    return "{" + ", ".join(f"{k}: {_random_document(rng, depth + 1)}" for k in keys) + "}"

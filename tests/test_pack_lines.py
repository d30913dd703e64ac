"""A leaf's lines (where each of its parameters is written) are made when first read, and are then what
a scan of its file's lines gives: on every shipped pack, for parts, after pickling; a mistake in a part
of a leaf is still pointed at its line."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from jixiao import Engine, JixiaoError, tree, yamlio
from jixiao.pack import load_pack
from jixiao.pack.lines import LinesWhenRead
from jixiao.pack.model import LeafSpec
from jixiao.plugins.shapes.parts import sub_leaf

ROOT = Path(__file__).resolve().parent.parent
PACKS = sorted((ROOT / "rubrics").glob("*/pack.yaml"))


def scanned(file: str, at: tuple) -> dict[str, int]:
    """Every line of ``file`` below ``at``, by a scan of them all."""
    _, lines = yamlio.load_with_lines(Path(file))
    return {".".join(map(str, k[len(at) :])): v for k, v in lines.items() if k[: len(at)] == at}


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.parent.name)
def test_every_leafs_lines_are_the_scan_of_its_file(path):
    for leaf in tree.leaves(load_pack(path).roots, LeafSpec):
        assert isinstance(leaf.lines, LinesWhenRead)
        assert dict(leaf.lines) == scanned(leaf.file, leaf.node), leaf.code


def test_loading_a_pack_makes_no_leafs_lines():
    engine = Engine.from_rubric(ROOT / "rubrics" / "shenzhen-yantian-2023")  # its parts leaves are configured too
    leaves = list(engine.pack.leaves())
    assert leaves and all(leaf.lines._made is None for leaf in leaves)  # type: ignore[attr-defined]
    leaves[0].lines.get("params")
    assert leaves[0].lines._made is not None  # type: ignore[attr-defined]


def test_a_parts_lines_are_its_own_and_pickle():
    pack = load_pack(ROOT / "rubrics" / "shenzhen-yantian-2023")
    leaf = next(leaf for leaf in pack.leaves() if "parts" in leaf.params)  # 政府采购执行率: a built-in parts leaf
    eager = LeafSpec(**{**leaf.__dict__, "lines": dict(leaf.lines)})
    for i, p in enumerate(leaf.params["parts"]):
        lazy, plain = sub_leaf(leaf, ("parts", i), "x", p), sub_leaf(eager, ("parts", i), "x", p)
        own = scanned(leaf.file, leaf.node + ("params", "parts", i))
        assert dict(lazy.lines) == dict(plain.lines) == {("params." + k if k else ""): v for k, v in own.items()}
        assert dict(pickle.loads(pickle.dumps(lazy)).lines) == dict(lazy.lines)
    assert pickle.loads(pickle.dumps(leaf)).lines == leaf.lines


def test_a_part_without_lines_of_its_own_has_its_leafs():
    leaf = LeafSpec("1", "甲", 10, "parts", {"parts": []}, {}, lines={"": 3, "params": 4})
    assert dict(sub_leaf(leaf, ("parts", 0), "1.1", {"shape": "checklist", "points": 10}).lines) == {"": 3, "params": 4}


def test_a_mistake_in_a_part_names_its_line(tmp_path):
    text = (ROOT / "rubrics" / "shenzhen-yantian-2023" / "pack.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "parts:" in line)
    step = next(i for i in range(at, len(lines)) if "step:" in lines[i])
    lines[step] = lines[step].split("step:")[0] + "step: 不是数"
    (tmp_path / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        Engine.from_rubric(tmp_path)
    assert f"pack.yaml:{step + 1}" in str(err.value), str(err.value)

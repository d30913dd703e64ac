"""A code names one indicator: a leaf and a group sharing one are refused, whichever comes first (the order once
decided between an internal error and a silent load), as are two groups sharing one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao import Engine, JixiaoError

DEMO = Path(__file__).parent / "packs" / "district-demo"
LEAF = """\
  - code: "1"
    name: 人均培训学时
    weight: 40
    use: training_hours
    params: {target: 40}
"""
GROUP = """\
  - code: "1"
    name: 队伍建设
    weight: 60
    children:
      - code: "1.1"
        name: 持证上岗率
        weight: 60
        use: bands
        facts:
          staff_total: {kind: count, label: 在岗人数, unit: 人}
          staff_certified: {kind: count, label: 持证人数, unit: 人}
        params:
          value: {ratio: {numerator: staff_certified, denominator: staff_total}, label: 持证上岗率}
          domain: "[0, 100%]"
          bands:
            - {range: "[95%, 100%]", points: 60}
            - {range: "[80%, 95%)", points: 40}
            - {range: "[0, 80%)", points: 0}
"""


@pytest.mark.parametrize("order", ["leaf first", "group first"])
def test_a_leaf_and_a_group_sharing_a_code_are_refused_in_either_order(tmp_path, order):
    nodes = LEAF + GROUP if order == "leaf first" else GROUP + LEAF
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(_pack(tmp_path, nodes), rules="python")
    [problem] = refused.value.problems
    assert problem.code == "PACK_INVALID" and "编码 1" in problem.message and "重复" in problem.message


def test_two_groups_sharing_a_code_are_refused(tmp_path):
    second = GROUP.replace("队伍建设", "制度建设").replace('"1.1"', '"1.2"').replace("持证上岗率", "持证上岗率2")
    nodes = GROUP.replace("weight: 60\n    children", "weight: 30\n    children").replace("points: 60", "points: 30")
    nodes = nodes.replace("        weight: 60\n", "        weight: 30\n")
    second = second.replace("weight: 60\n    children", "weight: 70\n    children")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(_pack(tmp_path, nodes + second), rules="python")
    assert any("分组“制度建设”的编码 1" in p.message for p in refused.value.problems)


def _pack(tmp_path: Path, nodes: str) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(DEMO, pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text[: text.index("indicators:\n")] + "indicators:\n" + nodes, encoding="utf-8")
    return pack

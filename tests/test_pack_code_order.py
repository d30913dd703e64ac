"""A leaf may share its code with a group beside it; the order of the two does not decide whether the pack loads."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import Engine

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
def test_a_leaf_and_a_group_sharing_a_code(tmp_path, order):
    pack = tmp_path / "pack"
    shutil.copytree(DEMO, pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    nodes = LEAF + GROUP if order == "leaf first" else GROUP + LEAF
    (pack / "pack.yaml").write_text(text[: text.index("indicators:\n")] + "indicators:\n" + nodes, encoding="utf-8")
    card = Engine.from_rubric(pack, rules="python").evaluate(
        {
            "department": {"id": "d1", "name": "示例单位"},
            "facts": {"staff_total": 50, "staff_certified": 40, "training_hours": 30},
        }
    )
    assert card["持证上岗率"].path == ("队伍建设",) and card["人均培训学时"].path == ()
    assert card.total == Decimal(70)

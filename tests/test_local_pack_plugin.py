"""A pack may name a local plugin file beside it; a YAML-only indicator uses a shape by its own name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jixiao import Engine

PACK = Path(__file__).parent / "packs" / "district-demo"


def doc(certified: int, hours: str) -> dict:
    return {
        "department": {"id": "d1", "name": "示例单位"},
        "facts": {"staff_total": 50, "staff_certified": certified, "training_hours": hours},
    }


def test_local_plugin_scores_its_leaf():
    engine = Engine.from_rubric(PACK, rules="python")
    card = engine.evaluate(doc(48, "30"))
    assert card["持证上岗率"].score == Decimal(60)  # 96%
    assert card["人均培训学时"].score == Decimal(30)  # 30/40 × 40
    assert card.total == Decimal(90) and card.grade == "优"
    assert "未达到40学时" in card["人均培训学时"].deductions[0].problem
    assert engine.registry.info["training_hours"].origin.startswith("文件 ")


def test_pack_digest_covers_the_local_plugin(tmp_path):
    import shutil

    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    before = Engine.from_rubric(copy, rules="python").pack.digest
    (copy / "training_hours.py").write_text(
        (copy / "training_hours.py").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
    )
    assert Engine.from_rubric(copy, rules="python").pack.digest != before

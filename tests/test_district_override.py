"""A district replaces one indicator and blocks another with no change to core/."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao import Engine, JixiaoError
from jixiao.cli import main

HERE = Path(__file__).parent
STRICT = HERE / "district" / "strict_outsourced.py"
ROOT = HERE.parent


def with_staff(doc: dict, staffed: int, outsourced: int) -> dict:
    out = copy.deepcopy(doc)
    out["facts"]["staffed_headcount"] = staffed
    out["facts"]["outsourced_staff"] = outsourced
    return out


@pytest.fixture(scope="module")
def district():
    return Engine.from_rubric("shenzhen-yantian-2023", plugins=[STRICT], block=["petition-handling"], rules="python")


@pytest.mark.parametrize(
    "staffed,outsourced,reference,strict",
    [
        (37, 1, "1", "1"),  # 2.6%
        (97, 4, "1", "0.5"),  # 3.96%: full marks in 盐田, half under the district rule
        (37, 2, "0.5", "0.5"),  # 5.1%
        (37, 3, "0.5", "0"),  # 7.5%
        (37, 16, "0", "0"),  # 30.2%, the reference case
    ],
)
def test_override_changes_only_the_outsourced_rate(
    district, py_engine, reference_doc, staffed, outsourced, reference, strict
):
    doc = with_staff(reference_doc, staffed, outsourced)
    ref_card, dist_card = py_engine.evaluate(doc), district.evaluate(doc)
    assert ref_card["编外人员控制率"].score == Decimal(reference)
    assert dist_card["编外人员控制率"].score == Decimal(strict)
    for leaf in ref_card.leaves():
        if leaf.name not in ("编外人员控制率", "群众信访办理情况"):
            assert dist_card[leaf.code].score == leaf.score, leaf.name


def test_blocked_plugin_is_reported_not_zeroed(district, reference_doc):
    card = district.evaluate(reference_doc)
    leaf = card["群众信访办理情况"]
    assert leaf.status == "not_evaluable" and leaf.score is None
    assert leaf.problems[0].code == "PLUGIN_BLOCKED"
    assert card.total == Decimal("91.91") and not card.complete and card.grade is None


def test_replacing_without_declaring_is_an_error(tmp_path):
    undeclared = tmp_path / "undeclared_override.py"
    undeclared.write_text(
        STRICT.read_text(encoding="utf-8").replace("    jixiao_replaces = True\n", ""), encoding="utf-8"
    )
    with pytest.raises(JixiaoError) as err:
        Engine.from_rubric("shenzhen-yantian-2023", plugins=[undeclared], rules="python")
    assert err.value.code == "PLUGIN_CONFLICT"
    assert "outsourced-staff-rate" in str(err.value) and "jixiao_replaces" in str(err.value)


def test_plugins_command_shows_replacement_and_block():
    out = CliRunner().invoke(main, ["plugins", "--plugin", str(STRICT), "--block", "petition-handling"]).output
    line = next(line for line in out.splitlines() if line.startswith("outsourced-staff-rate\t"))
    assert "strict_outsourced.py" in line and "替换了" in line
    assert "petition-handling\t（已停用" in out


def test_core_names_no_indicator():
    """core/ is the engine: no indicator name or implementation name of the shipped packs appears in it."""
    engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "core").rglob("*.py"))
    for leaf in engine.pack.leaves():
        assert leaf.name not in source, leaf.name
        assert leaf.use not in source, leaf.use
    for node in engine.pack.nodes():
        assert node.name not in source, node.name

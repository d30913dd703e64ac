"""Malformed rubric packs are refused with a JixiaoError whose problems carry a stable code and
whose messages name the pack file and the node path of the mistake.

Each bad pack is ``tests/bad_packs/good_pack.yaml`` with one thing broken (``patches.yaml``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import patched
import pytest

from jixiao import Engine, JixiaoError

HERE = Path(__file__).parent
BAD = patched.bad_packs()
CJK = re.compile(r"[\u4e00-\u9fff]")

GOOD_PACK = patched.good_pack()

GOOD_FACTS = {
    "department": {"id": "demo", "name": "示例部门"},
    "facts": {
        "rules_made": True,
        "rules_enforced": False,
        "staff_total": 20,
        "staff_certified": 17,
        "work_score": 35,
        "work_reason": "年度目标基本完成",
    },
}

LEAF_11 = "indicators[0]（队伍管理）.children[0]（制度建设）"
LEAF_12 = "indicators[0]（队伍管理）.children[1]（持证上岗率）"


@dataclass(frozen=True)
class Case:
    name: str  # folder under tests/bad_packs
    code: str  # the stable code of the (single) problem
    node: str | None  # the node path the message must name (None: a syntax error has none)
    mentions: tuple[str, ...] = ()  # further text the message must contain

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("child_weights", "PACK_WEIGHTS", "indicators[0]（队伍管理）", ("60", "65")),
    Case("top_weights", "PACK_WEIGHTS", "indicators", ("90", "100")),
    Case("band_gap", "PACK_BANDS", f"{LEAF_12}.params.bands", ("缺口", "[70%, 80%)")),
    Case("band_overlap", "PACK_BANDS", f"{LEAF_12}.params.bands", ("重叠", "95%")),
    Case("band_points_over_weight", "PACK_PARAMS", LEAF_12, ("bands[0].points", "45", "40")),
    Case("unknown_use", "PLUGIN_UNKNOWN", LEAF_12, ("bandz",)),
    Case("unknown_key", "PACK_INVALID", f"{LEAF_11}.parms", ("未知",)),
    Case("unknown_param", "PACK_PARAMS", LEAF_12, ("domian",)),
    Case("checklist_points", "PACK_PARAMS", LEAF_11, ("items", "15", "20")),
    Case("undeclared_fact", "PACK_PARAMS", LEAF_12, ("staff_qualified", "value.ratio.numerator")),
    Case("judgement_param_typo", "PACK_PARAMS", "indicators[1]（工作成效）", ("reason",)),
    Case("veto_undeclared_fact", "PACK_INVALID", f"{LEAF_12}.veto[0]", ("fake_certificates",)),
    Case("duplicate_code", "PACK_INVALID", LEAF_12, ("1.1", "重复")),
    Case("leaf_without_use", "PACK_INVALID", LEAF_11, ("use",)),
    Case("grades_gap", "PACK_BANDS", "grades", ("缺口", "[75, 80)")),
    Case("grades_bad_range", "PACK_BANDS", "grades[0]", ("[90, 100",)),
    Case("invalid_yaml", "PACK_FILE", None, ("YAML",)),
]
BY_NAME = {c.name: c for c in CASES}


def refuse(pack_dir: Path) -> JixiaoError:
    with pytest.raises(JixiaoError) as info:
        Engine.from_rubric(pack_dir, rules="python")
    return info.value


def test_every_bad_pack_is_in_the_table():
    on_disk = {p.parent.name for p in BAD.glob("*/pack.yaml")}
    assert on_disk == set(BY_NAME)
    assert len(on_disk) >= 7


def test_good_pack_loads_and_scores(tmp_path):
    """The base every bad pack is broken from is itself valid: each refusal below has one cause."""
    (tmp_path / "pack.yaml").write_text(GOOD_PACK, encoding="utf-8")
    engine = Engine.from_rubric(tmp_path, rules="python")
    card = engine.evaluate(GOOD_FACTS)
    assert [(leaf.code, leaf.score) for leaf in card.leaves()] == [
        ("1.1", Decimal(10)),
        ("1.2", Decimal(30)),
        ("2", Decimal(35)),
    ]
    assert card.total == Decimal(75) and card.grade == "中" and card.complete


def _meaningful(text: str) -> list[str]:
    """Lines of a pack without comments, id and title: what scoring depends on."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"\s+# .*$", "", line)
        if line.strip() and not line.lstrip().startswith("#") and not line.startswith(("id:", "title:")):
            out.append(line)
    return out


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_pack_breaks_one_thing(case):
    bad = _meaningful((BAD / case.name / "pack.yaml").read_text(encoding="utf-8"))
    changed = [d for d in difflib.ndiff(_meaningful(GOOD_PACK), bad) if d[:2] in ("+ ", "- ")]
    assert 1 <= len(changed) <= 4, changed


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_pack_is_refused_with_code_and_node(case):
    err = refuse(BAD / case.name)
    assert [p.code for p in err.problems] == [case.code], [p.message for p in err.problems]
    assert err.code == case.code and f"[{case.code}]" in str(err)
    problem = err.problems[0]
    message = problem.message
    assert CJK.search(message), message
    if case.node is not None:
        assert case.node in message, f"message does not name the node {case.node}: {message}"
    assert problem.location, "a pack problem carries a location"
    for text in case.mentions:
        assert text in message, f"message does not mention {text!r}: {message}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_pack_message_names_the_file(case):
    pack_file = BAD / case.name / "pack.yaml"
    err = refuse(BAD / case.name)
    for problem in err.problems:
        assert str(pack_file) in problem.message, f"message does not name the file {pack_file}: {problem.message}"


def test_invalid_yaml_names_the_line():
    message = refuse(BAD / "invalid_yaml").problems[0].message
    assert re.search(r"line 43\b|第 ?43 ?行", message), message


def test_refused_by_path_to_the_file_as_well():
    err = refuse(BAD / "grades_gap" / "pack.yaml")
    assert err.code == "PACK_BANDS" and str(BAD / "grades_gap" / "pack.yaml") in err.problems[0].message


def test_unknown_rubric_id():
    err = refuse(Path("no-such-rubric-2099"))
    assert err.code == "PACK_NOT_FOUND"
    assert "no-such-rubric-2099" in err.problems[0].message and "shenzhen-yantian-2023" in err.problems[0].message


@pytest.mark.parametrize(
    "edit",
    [
        {"at": "weight: 99", "to": "weight: 1"},  # no such line: the base moved under the patch
        {"at": "weight: 40", "to": "weight: 1"},  # two such lines: which one is meant is not guessed
        {"at": "use: bands"},  # says neither what the line becomes nor what follows it
    ],
)
def test_a_patch_that_does_not_fit_its_base_fails(edit):
    with pytest.raises(patched.PatchError):
        patched.apply_edits(GOOD_PACK, [edit], "test")


def test_a_patch_keeps_indentation_and_can_add_lines():
    text = patched.apply_edits(GOOD_PACK, [{"at": "use: bands", "then": ["veto: []"]}], "test")
    assert "        use: bands\n        veto: []\n" in text


def test_a_mapping_mixing_number_and_text_keys_is_told_as_any_other_mistake(tmp_path):
    """A key YAML reads as a number beside text keys: the pack's digest sorts keys, and used to fail
    on these with an internal error."""
    text = GOOD_PACK.replace(
        "params: {score: work_score, reason: work_reason}",
        "params: {score: work_score, reason: work_reason, extra: {7: a, b: c}}",
    )
    assert text != GOOD_PACK
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        Engine.from_rubric(tmp_path, rules="python")
    assert err.value.code == "PACK_PARAMS" and "pack.yaml" in str(err.value) and "extra" in str(err.value)

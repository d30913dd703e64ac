"""A number in a leaf's parameters that is not an admitted number ("一", "二十五%") is refused as a parameter
(PACK_PARAMS) at its own line, with the reason, whichever shape reads it: a checklist item's points, a
level's score, a period's schedule or points, a part's points. So is a deduction step or a cap that is not
positive: a step of −5 would add points, a cap of −5 score every ratio 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao import Engine, JixiaoError
from jixiao.errors import Problem

PACK = Path(__file__).resolve().parent.parent / "rubrics" / "shenzhen-yantian-2023" / "pack.yaml"


def refusal(folder: Path, line: int, old: str, new: str) -> Problem:
    """The one problem loading the reference pack gives with ``old`` made ``new`` on ``line``."""
    lines = PACK.read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    (folder / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        Engine.from_rubric(folder)
    [problem] = err.value.problems
    return problem


@pytest.mark.parametrize(
    ("line", "old", "new", "param"),
    [
        (62, "points: 1}", "points: 一}", "items[2].points"),
        (218, "partial: 1,", "partial: 一,", "scores.partial"),
        (422, "schedule: 25%", "schedule: 二十五%", "periods[0].schedule"),
        (423, "points: 1}", "points: 壹}", "periods[1].points"),
        (144, "points: 1", "points: 一", "parts[0].points"),
    ],
)
def test_a_refused_number_in_params_names_its_line_and_why(tmp_path, line, old, new, param):
    problem = refusal(tmp_path, line, old, new)
    assert problem.code == "PACK_PARAMS", problem.message
    assert f"pack.yaml:{line}" in problem.message and param in problem.message
    assert "中文数字" in problem.message


@pytest.mark.parametrize(
    ("line", "old", "new", "param"),
    [
        (78, "step: 1", "step: -5", "step"),  # a deduction per occurrence that adds points
        (182, "step: 0.1", "step: 0", "step"),  # an excess that never deducts
        (426, "cap: 1", "cap: -5", "cap"),  # a progress ratio capped below zero
    ],
)
def test_a_step_or_cap_that_is_not_positive_is_refused_at_its_line(tmp_path, line, old, new, param):
    problem = refusal(tmp_path, line, old, new)
    assert problem.code == "PACK_PARAMS" and f"pack.yaml:{line}" in problem.message
    assert f"参数 {param}：" in problem.message and "应大于 0" in problem.message

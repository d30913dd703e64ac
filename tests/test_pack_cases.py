"""A pack's YAML cases are strict: a misspelled key or a case that expects nothing fails, saying why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
PACK = Path(__file__).parent / "packs" / "district-demo"
GOOD = """\
cases:
  - name: 达标
    facts: {staff_total: 50, staff_certified: 48, training_hours: 40}
    expect: {scores: {持证上岗率: 60, "1.2": 40}, total: 100, grade: 优, complete: true}
"""


def run_cases(pytester, text: str):
    folder = pytester.path / "pack"
    shutil.copytree(PACK, folder)
    (folder / "cases").mkdir()
    (folder / "cases" / "c.yaml").write_text(text, encoding="utf-8")
    return pytester.runpytest("-p", "no:cacheprovider", str(folder))


def test_a_good_case_passes(pytester):
    run_cases(pytester, GOOD).assert_outcomes(passed=2)  # on both rules backends


@pytest.mark.parametrize(
    "edit,says",
    [
        (("scores:", "score:"), "expect.score：未知的键"),
        (("expect:", "expected:"), "expected：未知的键"),
        (("facts:", "fact:"), "fact：未知的键"),
        (
            ('expect: {scores: {持证上岗率: 60, "1.2": 40}, total: 100, grade: 优, complete: true}', "expect: {}"),
            "没有写任何期望",
        ),
        (("持证上岗率: 60", "持证率: 60"), "持证率 不在评分体系中"),
        (("total: 100", "total: 99"), "总分：期望 99，实际 100"),
    ],
)
def test_a_bad_case_fails_with_a_clear_message(pytester, edit, says):
    result = run_cases(pytester, GOOD.replace(*edit))
    result.assert_outcomes(failed=2)
    assert says in result.stdout.str()

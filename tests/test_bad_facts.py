"""Malformed facts: every mistake has a stable code, a Chinese message naming the field and the
value, and marks only the indicators that need the fact as not evaluable — never a silent 0.

One table drives every bad facts document (``tests/bad_facts/``: whole documents, and one-line
patches of the reference facts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import patched
import pytest

from jixiao import JixiaoError
from jixiao.errors import FactError
from jixiao.yamlio import load_path

HERE = Path(__file__).parent
BAD = patched.bad_facts()
GOLDEN = load_path(HERE / "golden" / "yantian-2023.yaml")
GOLDEN_SCORES = {name: Decimal(v) for name, v in GOLDEN["scores"].items()}
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Case:
    file: str
    code: str  # the stable code of the problem
    field: str  # Problem.field: the fact name (or the document part)
    indicators: tuple[str, ...]  # names of the leaves that must be not_evaluable; () when the document is refused
    value: str | None = None  # the offending value as the message must show it
    mentions: tuple[str, ...] = ()  # further text the message must contain
    field_in_message: bool = True  # False where the field is a CLI argument name, not something the user wrote

    @property
    def refused(self) -> bool:
        return not self.indicators

    def __str__(self) -> str:
        return self.file


CASES = [
    # one fact wrong: its indicators are not evaluable, the rest are scored
    Case(
        "missing_fact.yaml",
        "FACT_MISSING",
        "satisfaction_rate",
        ("公众或服务对象满意度",),
        mentions=("公众或服务对象满意度", "缺少"),
    ),
    Case(
        "money_not_numeric.yaml",
        "FACT_TYPE",
        "procurement_actual",
        ("政府采购执行情况",),
        "abc",
        ("实际采购金额", "金额"),
    ),
    Case(
        "money_negative.yaml",
        "FACT_RANGE",
        "fixed_assets_in_use",
        ("固定资产利用率",),
        "-1599.06",
        ("实际在用固定资产总额", "负"),
    ),
    Case(
        "money_garbage.yaml",
        "FACT_TYPE",
        "office_expense_actual",
        ("公用经费控制率",),
        "12..3",
        ("日常公用经费决算数",),
    ),
    Case("bool_maybe.yaml", "FACT_TYPE", "systems_enforced", ("管理制度健全性",), "maybe", ("是/否",)),
    Case(
        "choice_unknown.yaml",
        "FACT_CHOICE",
        "budget_disclosure",
        ("预决算信息公开",),
        "published",
        ("compliant", "partial", "none"),
    ),
    Case(
        "count_not_integer.yaml",
        "FACT_TYPE",
        "staffed_headcount",
        ("财政供养人员控制率", "编外人员控制率"),
        "37.5",
        ("整数",),
    ),
    Case("rate_out_of_range.yaml", "FACT_RANGE", "satisfaction_rate", ("公众或服务对象满意度",), "120%", ("满意度",)),
    Case(
        "judgement_over_weight.yaml",
        "FACT_RANGE",
        "effectiveness_score",
        ("社会效益、经济效益、生态效益及可持续影响等",),
        "30",
        ("25",),
    ),
    Case(
        "judgement_reason_missing.yaml",
        "FACT_REASON_REQUIRED",
        "effectiveness_reason",
        ("社会效益、经济效益、生态效益及可持续影响等",),
        mentions=("理由",),
    ),
    Case("fact_name_typo.yaml", "FACT_MISSING", "outsourced_staff", ("编外人员控制率",), mentions=("编外人员数",)),
    Case(
        "zero_denominator.yaml",
        "FACT_ZERO_DIVISOR",
        "procurement_plan",
        ("政府采购执行情况",),
        mentions=("为 0", "采购计划金额"),
    ),
    Case("zero_budget.yaml", "FACT_ZERO_DIVISOR", "annual_budget", ("预算执行率",), mentions=("为 0", "全年预算数")),
    Case("veto_fact_invalid.yaml", "FACT_TYPE", "irregular_spending", ("财务合规性",), "maybe", ("是/否",)),
    Case(
        "exempt_fact_invalid.yaml", "FACT_TYPE", "petitions_received", ("群众信访办理情况",), "several", ("信访件数",)
    ),
    Case(
        "gate_fact_missing.yaml",
        "FACT_MISSING",
        "projects_planned",
        ("项目完成及时性",),
        mentions=("计划完成项目总数",),
    ),
    # the document itself is wrong: refused as a whole with a JixiaoError
    Case("no_facts_mapping.yaml", "FACTS_FORMAT", "facts", (), mentions=("facts", "映射")),
    Case("facts_is_list.yaml", "FACTS_FORMAT", "facts", (), mentions=("facts", "映射")),
    Case("missing_department_id.yaml", "FACTS_FORMAT", "department.id", (), mentions=("department.id", "部门编号")),
    Case("yaml_syntax_error.yaml", "FACTS_FORMAT", str(BAD / "yaml_syntax_error.yaml"), (), mentions=("无法解析",)),
    Case(
        "does_not_exist.yaml",
        "FACTS_FILE",
        "FACTS",
        (),
        str(BAD / "does_not_exist.yaml"),
        ("找不到", "事实文件"),
        field_in_message=False,
    ),
]
SCORED_CASES = [c for c in CASES if not c.refused]
REFUSED_CASES = [c for c in CASES if c.refused]


def test_every_bad_facts_file_is_in_the_table():
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    in_table = {c.file for c in CASES if c.code != "FACTS_FILE"}
    assert on_disk == in_table
    assert len(on_disk) >= 12
    assert not (BAD / "does_not_exist.yaml").exists()


def assert_chinese_and_names(message: str, case: Case) -> None:
    assert CJK.search(message), f"message is not in Chinese: {message}"
    if case.field_in_message:
        assert case.field in message, f"message does not name the field {case.field}: {message}"
    if case.value is not None:
        assert case.value in message, f"message does not show the value {case.value}: {message}"
    for text in case.mentions:
        assert text in message, f"message does not mention {text!r}: {message}"


@pytest.mark.parametrize("case", SCORED_CASES, ids=str)
def test_bad_fact_marks_only_its_indicators(py_engine, case):
    card = py_engine.evaluate(BAD / case.file)
    for name in case.indicators:
        leaf = card[name]
        assert leaf.status == "not_evaluable", name
        assert leaf.score is None, f"{name}: a bad fact must not score (silent {leaf.score})"
        assert leaf.raw_score is None and not leaf.deductions
        hits = [p for p in leaf.problems if p.field == case.field]
        assert hits, f"{name}: no problem on field {case.field}: {[p.to_dict() for p in leaf.problems]}"
        assert [p.code for p in hits] == [case.code], [p.to_dict() for p in hits]
        assert_chinese_and_names(hits[0].message, case)
    # every other indicator is scored exactly as in the published case
    others = {leaf.name: leaf for leaf in card.leaves() if leaf.name not in case.indicators}
    assert len(others) == 21 - len(case.indicators)
    for name, leaf in others.items():
        assert leaf.status == "scored" and leaf.score == GOLDEN_SCORES[name], name
    # the total counts only what was scored, and says it is incomplete
    assert card.complete is False
    assert card.grade is None
    assert card.total == sum((GOLDEN_SCORES[n] for n in others), Decimal(0))
    assert card.to_dict()["complete"] is False


@pytest.mark.parametrize("case", REFUSED_CASES, ids=str)
def test_bad_document_is_refused(py_engine, case):
    with pytest.raises(JixiaoError) as info:
        py_engine.evaluate(BAD / case.file)
    err = info.value
    assert not isinstance(err, FactError)
    assert [p.code for p in err.problems] == [case.code]
    assert err.code == case.code
    problem = err.problems[0]
    assert problem.field == case.field
    assert_chinese_and_names(problem.message, case)
    if case.code != "FACTS_FILE":
        assert str(BAD / case.file) in problem.message, "the message names the file"


def test_yaml_syntax_error_names_the_line(py_engine):
    with pytest.raises(JixiaoError) as info:
        py_engine.evaluate(BAD / "yaml_syntax_error.yaml")
    assert re.search(r"line 9\b|第 ?9 ?行", info.value.problems[0].message), info.value.problems[0].message


def test_missing_fact_in_detail(py_engine):
    card = py_engine.evaluate(BAD / "missing_fact.yaml")
    leaf = card["3.4.2"]
    assert (leaf.status, leaf.score) == ("not_evaluable", None)
    assert [p.code for p in leaf.problems] == ["FACT_MISSING"]
    assert card.total == Decimal("88.91")  # 94.91 less the 6 points of 满意度: not scored, not 0
    assert card.grade is None and card.complete is False
    assert [n.score for n in card.roots] == [Decimal("18"), Decimal("18.93"), Decimal("51.98")]
    assert card.fact_problems == []
    as_json = card.to_dict()
    row = next(i for i in as_json["indicators"] if i["code"] == "3.4.2")
    assert row["score"] is None and row["status"] == "not_evaluable"
    assert row["problems"][0]["code"] == "FACT_MISSING" and row["problems"][0]["field"] == "satisfaction_rate"


def test_fact_name_typo_is_listed_and_the_intended_fact_is_missing(py_engine):
    card = py_engine.evaluate(BAD / "fact_name_typo.yaml")
    assert [(p.code, p.field) for p in card.fact_problems] == [("FACT_UNKNOWN", "outsorced_staff")]
    unknown = card.fact_problems[0]
    assert CJK.search(unknown.message) and "outsorced_staff" in unknown.message
    leaf = card["编外人员控制率"]
    assert leaf.score is None and leaf.status == "not_evaluable"
    assert [(p.code, p.field) for p in leaf.problems] == [("FACT_MISSING", "outsourced_staff")]
    assert card["财政供养人员控制率"].score == Decimal("1")  # staffed_headcount is still there
    assert [p["code"] for p in card.to_dict()["fact_problems"]] == ["FACT_UNKNOWN"]


def test_refused_document_given_as_dict(py_engine, reference_doc):
    """The same checks hold for a dict passed from Python, not only for files."""
    flat = dict(reference_doc["facts"], department=reference_doc["department"])
    with pytest.raises(JixiaoError) as info:
        py_engine.evaluate(flat)
    assert info.value.code == "FACTS_FORMAT" and info.value.problems[0].field == "facts"
    no_id = {"department": {"name": "某部门"}, "facts": dict(reference_doc["facts"])}
    with pytest.raises(JixiaoError) as info:
        py_engine.evaluate(no_id)
    assert info.value.code == "FACTS_FORMAT" and info.value.problems[0].field == "department.id"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "", "1e", "12,34,5x", True])
def test_money_that_is_not_a_finite_number(py_engine, reference_doc, value):
    doc = {"department": reference_doc["department"], "facts": dict(reference_doc["facts"], procurement_actual=value)}
    card = py_engine.evaluate(doc)
    leaf = card["政府采购执行情况"]
    assert leaf.score is None and leaf.status == "not_evaluable"
    assert [p.code for p in leaf.problems] == ["FACT_TYPE"]
    assert "procurement_actual" in leaf.problems[0].message


def test_a_huge_value_is_named_by_its_start_and_length(py_engine, reference_doc):
    """A 900,000-character value made a 900,000-character message, printed, written to the result line and
    into a spreadsheet cell (which holds 32,767)."""
    doc = {**reference_doc, "facts": {**reference_doc["facts"], "procurement_plan": "abc" * 300_000}}
    card = py_engine.evaluate(doc)
    [problem] = [p for leaf in card.leaves() for p in leaf.problems]
    assert problem.code == "FACT_TYPE" and len(problem.message) < 400
    assert "'abcabc" in problem.message and "共 900,002 个字符" in problem.message

"""Reading a filled-in 项目支出绩效自评表 back as a facts document.

The form jixiao writes carries, in a hidden column, what each row holds by machine name
(``department.id``, ``funds:budget_initial,…``, ``row:outputs:quantity``), so reading it
needs no pack and guesses at nothing: a row the department inserted inside a group takes
the table and category of the row above it, and a value is read only as the form writes
it — ``≥12000人次`` is 指标性质 ≥, 指标值 12000, 单位 人次; words are words
(``效果明显``), their meaning the pack's ``text_levels``; a number in a cell is exact, a
number written as text is parsed without guessing (``number_text``). The form's 得分 column and
总分 are what the department claims: they become the document's ``claimed:`` (each 三级指标
row's under ``rows``, and summed per
indicator), so ``jixiao audit`` checks a filled form as it stands. Each fact remembers
its cell, so a mistake is reported as ``项目支出绩效自评表!E12``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .. import errors
from ..errors import JixiaoError, Problem
from ..fact_model import LocatedFacts
from ..number_text import NumberRefused, parse_number
from .project_form import KEY_COLUMN, SHEET

VALUE = re.compile(r"^(?P<nature>≥|≤|=|>=|<=)?\s*(?P<number>[+-]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>\D.*)?$")
NATURES = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", "=": "="}
LEVELS = {"达成": "met", "部分达成": "partly", "未达成": "unmet"}
NOT_APPLICABLE = "不适用"


def _fail(message: str, where: str, field: str | None = None, value: Any = None) -> JixiaoError:
    return JixiaoError(Problem(errors.FACTS_FORMAT, f"{where}：{message}", field=field, value=value, location=where))


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, str):
        return value.strip() or None
    return value


def _number(value: Any, where: str) -> Decimal:
    try:
        return parse_number(value, percent=False)
    except NumberRefused as refused:
        raise _fail(f"“{value}”不是可用的数值：{refused.reason}", where, value=value) from None


def split_value(text: str, where: str) -> dict[str, Any]:
    """A 指标值 or 完成值 as the form prints it: ``≥12000人次`` → nature, number, unit; anything else stays words."""
    m = VALUE.match(text)
    if m is None:
        return {"text": text}
    out: dict[str, Any] = {"number": _number(m["number"], where), "unit": (m["unit"] or "").strip()}
    if m["nature"]:
        out["nature"] = NATURES[m["nature"]]
    return out


def read_project_form(wb: Any, source: str) -> dict[str, Any]:
    """The facts document {rubric, department, facts} of a form written by jixiao and filled in."""
    ws = wb[SHEET]
    facts: dict[str, Any] = {}
    locations: dict[str, str] = {}
    meta: dict[str, Any] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    claims: dict[str, Decimal] = {}  # the form's own 得分, by indicator: what the department claims
    row_claims: dict[str, list[dict[str, Any]]] = {}  # and by 三级指标 row, under its indicator
    claimed_total: Decimal | None = None
    last_row_key: str | None = None

    def claim(code: str, row: int, col: int) -> None:
        value, where = at(row, col)
        if value is None or value in ("—", NOT_APPLICABLE):
            return
        claims[code] = claims.get(code, Decimal(0)) + _number(value, where)

    def at(row: int, col: int) -> tuple[Any, str]:
        cell = ws.cell(row=row, column=col)
        return _plain(cell.value), f"{SHEET}!{cell.coordinate}"

    def put(name: str, row: int, col: int) -> None:
        if not name:
            return
        value, where = at(row, col)
        locations[name] = where
        if value is not None and value != "—":
            facts[name] = value

    for r in range(1, ws.max_row + 1):
        key = _plain(ws.cell(row=r, column=KEY_COLUMN).value)
        if key is None and last_row_key is not None and _plain(ws.cell(row=r, column=4).value) is not None:
            key = last_row_key  # a row inserted inside a group: the group's table and category
        if not isinstance(key, str):
            continue
        kind, _, rest = key.partition(":")
        if key in ("department.name", "department.id", "rubric"):
            meta[key] = at(r, 2)
        elif kind == "funds":
            names, _, code = rest.partition(":")
            for col, name in zip((4, 5, 6), names.split(","), strict=False):
                put(name, r, col)
            if code:
                claim(code, r, 9)
        elif kind == "goals":
            for col, name in zip((2, 6), rest.split(","), strict=False):
                put(name, r, col)
        elif kind == "row":
            last_row_key = key
            if all(at(r, col)[0] is None for col in range(4, 10)):
                continue  # a 二级指标 row of the blank form left unused
            fact, category, code = (rest.split(":") + ["", ""])[:3]
            tables.setdefault(fact, []).append(_indicator_row(at, r, category))
            locations.setdefault(fact, f"{SHEET}!D{r}")
            if code:
                claim(code, r, 8)
                value, where = at(r, 8)
                name = at(r, 4)[0]
                if value not in (None, "—", NOT_APPLICABLE) and name is not None:
                    row_claims.setdefault(code, []).append({"name": str(name), "score": _number(value, where)})
        elif key == "total":
            value, where = at(r, 8)
            claimed_total = None if value is None else _number(value, where)
        elif kind == "leaf":
            last_row_key = None
    facts.update(tables)
    dept_id, where = meta.get("department.id", (None, f"{SHEET}!B3"))
    if not dept_id:
        raise _fail("缺少项目编号（不能为空）", where, field="department.id")
    rubric = meta.get("rubric", (None, ""))[0]
    doc: dict[str, Any] = {
        "rubric": str(rubric) if rubric else None,
        "department": {"id": str(dept_id), "name": str(meta.get("department.name", ("", ""))[0] or "")},
        "facts": LocatedFacts(facts, locations),
    }
    if claims or claimed_total is not None:  # the form's 得分 column: jixiao audit checks them
        doc["claimed"] = {
            "scores": claims,
            **({"total": claimed_total} if claimed_total is not None else {}),
            **({"rows": row_claims} if row_claims else {}),
        }
    return doc


def _indicator_row(at: Any, r: int, category: str) -> dict[str, Any]:
    """One 三级指标 row: name, target and actual as written, points, the score of a qualitative row, deviation."""
    name, name_at = at(r, 4)
    target, target_at = at(r, 5)
    actual, actual_at = at(r, 6)
    points, points_at = at(r, 7)
    score, score_at = at(r, 8)
    deviation, _ = at(r, 9)
    if name is None:
        raise _fail("三级指标名称不能为空", name_at)
    row: dict[str, Any] = {"category": category, "name": str(name), "points": _number(points, points_at)}
    target_value = split_value(str(target), target_at) if target is not None else {}
    if isinstance(target, Decimal):
        target_value = {"number": target, "unit": ""}
    actual_value = split_value(str(actual), actual_at) if actual is not None else {}
    if isinstance(actual, Decimal):
        actual_value = {"number": actual, "unit": ""}
    if "number" in target_value:  # quantitative: ≥/≤/= a number
        if "nature" not in target_value:
            raise _fail(f"年度指标值“{target}”应写明指标性质（≥、≤ 或 =），如 ≥{target}", target_at, value=target)
        row.update(nature=target_value["nature"], target=target_value["number"], unit=target_value["unit"])
        if "number" in actual_value:
            if actual_value["unit"] not in ("", target_value["unit"]):
                raise _fail(
                    f"实际完成值“{actual}”的单位与年度指标值“{target}”的单位“{target_value['unit']}”不同",
                    actual_at,
                    value=actual,
                )
            row["actual"] = actual_value["number"]
        elif actual_value:
            raise _fail(f"定量指标的实际完成值“{actual}”应为数值（可带单位）", actual_at, value=actual)
    else:
        row["nature"] = "qualitative"
        if target_value:
            row["target_text"] = target_value.get("text", str(target))
        text = actual_value.get("text") if actual_value else None
        if text in LEVELS:
            row["level"] = LEVELS[text]
        elif text:
            row["actual_text"] = text
        if score is not None and score != NOT_APPLICABLE:
            row["score"] = _number(score, score_at)
    if score == NOT_APPLICABLE:
        row["applicable"] = False
    if deviation:
        row["deviation"] = str(deviation)
    return row

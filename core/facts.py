"""Facts: what a department feeds in, declared by the indicators that need them.

Each indicator declares ``FactSpec``s; the engine merges them into one pydantic model
per pack, so a new indicator can ask for a new fact without touching the core. Every
conversion error carries a stable code and a Chinese message naming the field, the
value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, create_model
from pydantic_core import PydanticCustomError

from . import errors
from .errors import JixiaoError, Problem, fact_problem
from .limits import LIMITS, raise_hint
from .number_text import INT_LIMIT, NumberRefused, parse_number
from .numbers import fmt_number, fmt_percent
from .yamlio import load_path

KINDS = ("money", "number", "count", "rate", "bool", "choice", "score", "text", "date", "table")
KIND_TEXT = {
    "money": "非负金额",
    "number": "数值",
    "count": "非负整数",
    "rate": "比率（如 98.1% 或 0.981）",
    "bool": "是/否（true/false）",
    "choice": "选项之一",
    "score": "分数",
    "text": "非空文字",
    "date": "日期（YYYY-MM-DD）",
    "table": "表格（每行一个映射）",
}
_DECIMAL_KINDS = frozenset({"money", "number", "rate", "score"})  # converted by parse_number
_ZERO = Decimal(0)
_TRUE = {True, "true", "是", "yes", "y", "1", "已", "符合"}
_FALSE = {False, "false", "否", "no", "n", "0", "未", "不符合"}


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: str
    label: str
    unit: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)  # key → Chinese label
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    note: str = ""
    missing_code: str = "FACT_MISSING"  # the code when the fact is absent (a judgement's reason: FACT_REASON_REQUIRED)
    columns: tuple[FactSpec, ...] = ()  # a table fact: one spec per column
    optional: bool = False  # a column that may be left empty

    def expected(self) -> str:
        text = KIND_TEXT[self.kind]
        if self.kind == "choice":
            text += "：" + "、".join(f"{k}（{v}）" for k, v in self.choices.items())
        if self.minimum is not None and self.maximum is not None:
            show = (lambda v: fmt_percent(v, 2)) if self.kind == "rate" else fmt_number
            text += f"，取值 {show(self.minimum)}～{show(self.maximum)}"
        return text

    def show(self, value: Any) -> str:
        """A value as a report prints it: 305.63万元, 30.2%, 是."""
        if value is None:
            return "—"
        kind = self.kind
        if kind == "bool":
            return "是" if value else "否"
        if kind == "money":
            return f"{format(value if value.__class__ is Decimal else Decimal(value), ',f')}{self.unit}"
        if kind == "rate":
            return fmt_percent(value)
        if kind == "table":
            return f"{len(value)} 行"
        if kind == "choice":
            return self.choices.get(value, str(value))
        if isinstance(value, (Decimal, int)):
            return f"{fmt_number(value)}{self.unit}"
        return f"{value}{self.unit}"

    def convert(self, raw: Any) -> Any:
        """Raw YAML/JSON/Excel value → typed value, or PydanticCustomError with a stable code.

        Values that already have the fact's type (exactly ``bool``, a finite ``Decimal``,
        an ``int``; never a subclass such as ``bool`` for a number) skip the converter
        table and get straight to the range check: they are what the YAML reader and
        most callers hand in, and the converters would return them unchanged (an int
        for a decimal kind becomes ``Decimal(int)``, as ``to_decimal`` makes it).
        """
        kind, cls = self.kind, type(raw)
        if cls is bool and kind == "bool":
            return raw
        if cls is int and -INT_LIMIT < raw < INT_LIMIT and (kind == "count" or kind in _DECIMAL_KINDS):
            value = raw if kind == "count" else Decimal(raw)
        else:
            try:
                value = _CONVERTERS[kind](self, raw)
            except _CellError as cell:
                raise PydanticCustomError(cell.code, f"事实“{self.label}”（{self.name}）{cell.message}") from None
            except NumberRefused as refused:
                p = fact_problem(refused.code, self.name, self.label, raw, self.expected(), refused.reason)
                raise PydanticCustomError(refused.code, p.message, {"reason": refused.reason}) from None
            except (ValueError, TypeError, ArithmeticError):
                raise self._error(
                    errors.FACT_CHOICE if kind == "choice" else errors.FACT_TYPE, raw, self.expected()
                ) from None
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            low = _ZERO if kind in ("money", "count") and self.minimum is None else self.minimum
            if (low is not None and value < low) or (self.maximum is not None and value > self.maximum):
                raise self._error(
                    errors.FACT_RANGE,
                    raw,
                    self.expected() + ("，不能为负" if low == 0 and self.maximum is None else ""),
                )
        return value

    def _error(self, code: str, raw: Any, expected: str) -> PydanticCustomError:
        p = fact_problem(code, self.name, self.label, raw, expected)
        return PydanticCustomError(code, p.message)


def _bool(spec: FactSpec, raw: Any) -> bool:
    key = raw.strip().lower() if isinstance(raw, str) else raw
    if isinstance(key, (bool, str)) and key in _TRUE:
        return True
    if isinstance(key, (bool, str)) and key in _FALSE:
        return False
    raise ValueError


def _count(spec: FactSpec, raw: Any) -> int:
    d = parse_number(raw, percent=False)
    if d != d.to_integral_value():
        raise NumberRefused(errors.FACT_TYPE, f"{raw} 不是整数")
    return int(d)


def _choice(spec: FactSpec, raw: Any) -> str:
    if raw in spec.choices:
        return raw
    for key, label in spec.choices.items():
        if raw == label:
            return key
    raise ValueError


def _text(spec: FactSpec, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError
    return raw.strip()


def _date(spec: FactSpec, raw: Any) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


class _CellError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _table(spec: FactSpec, raw: Any) -> tuple[dict, ...]:
    """A list of rows, each converted column by column; errors name the row and the column."""
    if not isinstance(raw, list) or not raw:
        raise ValueError
    names = {c.name: c for c in spec.columns}
    rows = []
    for i, row in enumerate(raw, 1):
        if not isinstance(row, dict):
            raise _CellError(errors.FACT_TYPE, f"第 {i} 行应为映射（列名: 值），实际为 {row!r}")
        extra = [k for k in row if k not in names]
        if extra:
            raise _CellError(
                errors.FACT_UNKNOWN,
                f"第 {i} 行有未知的列 {'、'.join(map(str, extra))}；可用的列：{'、'.join(f'{c.name}（{c.label}）' for c in spec.columns)}",
            )
        out = {}
        for col in spec.columns:
            value = row.get(col.name)
            if value is None or value == "":
                if not col.optional:
                    raise _CellError(
                        errors.FACT_MISSING, f"第 {i} 行缺少“{col.label}”（{col.name}），应为{col.expected()}"
                    )
                continue
            try:
                out[col.name] = col.convert(value)
            except PydanticCustomError as exc:
                reason = (exc.context or {}).get("reason")
                why = f"{reason}（应为{col.expected()}）" if reason else f"应为{col.expected()}"
                raise _CellError(exc.type, f"第 {i} 行“{col.label}”（{col.name}）的值 {value!r} 无效：{why}") from None
        rows.append(out)
    return tuple(rows)


_CONVERTERS: dict[str, Callable[[FactSpec, Any], Any]] = {
    "money": lambda s, r: parse_number(
        r, percent=False
    ),  # "98.1%" stands for 0.981 only where a rate or a ratio-like number is meant
    "number": lambda s, r: parse_number(r, percent=True),
    "rate": lambda s, r: parse_number(r, percent=True),
    "score": lambda s, r: parse_number(r, percent=False),
    "count": _count,
    "bool": _bool,
    "choice": _choice,
    "text": _text,
    "date": _date,
    "table": _table,
}


class LocatedFacts(dict):
    """A facts mapping that remembers where each value was read ({name: "事实!D7"}).

    A workbook's user fixes a cell, not a field: FactModel.validate names the cell in
    its messages. It is a plain dict otherwise, so every path that takes facts takes it.
    """

    def __init__(self, values: Mapping[str, Any], locations: Mapping[str, str]):
        super().__init__(values)
        self.locations = dict(locations)


def cell_text(location: str) -> str:
    """ "事实!D7" → 工作表“事实”单元格 D7 (anything else is returned as is)."""
    sheet, _, cell = location.rpartition("!")
    return f"工作表“{sheet}”单元格 {cell}" if sheet else location


@dataclass
class DepartmentFacts:
    """One department's facts after validation: values by name plus the problems found."""

    department_id: str
    department_name: str
    values: dict[str, Any]
    problems: dict[str, Problem]  # fact name → why it is unusable
    unknown: list[Problem]
    source: str = ""
    locations: Mapping[str, str] = field(default_factory=dict)  # fact name → "sheet!cell" when read from a workbook

    def where(self, name: str) -> str:
        """ "工作表“事实”单元格 D7：" for a fact read from a workbook, else nothing."""
        return f"{cell_text(self.locations[name])}：" if name in self.locations else ""


class FactModel:
    """The validation model of a pack's facts, built once per pack."""

    def __init__(self, specs: Mapping[str, FactSpec]):
        self.specs = dict(specs)
        fields: dict[str, Any] = {
            name: (Annotated[Any, BeforeValidator(spec.convert)] | None, None) for name, spec in self.specs.items()
        }
        self.model: type[BaseModel] = create_model(
            "DepartmentFactsModel", __config__=ConfigDict(extra="forbid"), **fields
        )
        self._names = frozenset(self.specs)
        self._converters = tuple((name, spec.convert) for name, spec in self.specs.items())

    def _convert_all(self, raw: Mapping[str, Any]) -> dict[str, Any] | None:
        """Every fact converted, in the model's order, or None at the first problem.

        Most departments' facts are all known and all valid: the converters alone then
        give what the pydantic model would. Anything else (an unknown name, a value a
        converter refuses) returns None, and ``validate`` lets the model find and word
        every problem.
        """
        if not raw.keys() <= self._names:
            return None
        values = {}
        try:
            for name, convert in self._converters:
                value = raw.get(name)
                if value is not None:
                    values[name] = convert(value)
        except Exception:
            return None
        return values

    def validate(
        self,
        raw: Mapping[str, Any],
        department_id: str,
        department_name: str = "",
        source: str = "",
        locations: Mapping[str, str] | None = None,
    ) -> DepartmentFacts:
        locations = getattr(raw, "locations", {}) if locations is None else locations
        if len(raw) > LIMITS.facts:
            raise JixiaoError(
                Problem(
                    errors.INPUT_LIMIT,
                    f"{source or '事实'}：有 {len(raw):,} 项事实，超过上限 {LIMITS.facts:,} 项（本评分体系只声明了 {len(self.specs)} 项）{raise_hint('facts')}",
                    field="facts",
                    value=len(raw),
                )
            )
        values = self._convert_all(raw)
        if values is not None:
            return DepartmentFacts(department_id, department_name, values, {}, [], source, dict(locations))
        at = lambda name: f"{cell_text(locations[name])}：" if name in locations else ""
        problems: dict[str, Problem] = {}
        unknown = [
            Problem(
                errors.FACT_UNKNOWN,
                f"事实名应为文字，{k!r}（{type(k).__name__}）不是：请写评分体系声明的事实名",
                field=str(k),
                value=v,
            )
            for k, v in raw.items()
            if not isinstance(k, str)
        ]
        data = {k: v for k, v in raw.items() if v is not None and isinstance(k, str)}
        suggestions = LIMITS.suggestions
        while True:
            try:
                parsed = self.model.model_validate(data)
                break
            except ValidationError as exc:
                for err in exc.errors():
                    name = str(err["loc"][0])
                    data.pop(name, None)
                    if err["type"] == "extra_forbidden":
                        close = difflib.get_close_matches(name, self.specs, n=1) if suggestions > 0 else []
                        suggestions -= 1
                        hint = f"是否应为“{close[0]}”（{self.specs[close[0]].label}）？" if close else "是否拼写有误？"
                        unknown.append(
                            Problem(
                                errors.FACT_UNKNOWN,
                                f"{at(name)}未知的事实“{name}”：本评分体系没有这一项（{hint}）",
                                field=name,
                                value=err.get("input"),
                                location=locations.get(name),
                            )
                        )
                    else:
                        spec = self.specs[name]
                        problems[name] = Problem(
                            err["type"],
                            at(name) + err["msg"],
                            field=name,
                            value=err.get("input"),
                            expected=spec.expected(),
                            location=locations.get(name),
                        )
        values = {k: v for k, v in parsed.model_dump().items() if v is not None}
        return DepartmentFacts(department_id, department_name, values, problems, unknown, source, dict(locations))


def read_facts_file(path: str | Path) -> dict[str, Any]:
    """Read a facts file into {"department": {...}, "facts": {...}}; errors are FACTS_FILE / FACTS_FORMAT."""
    p = Path(path)
    if not p.is_file():
        raise JixiaoError(
            Problem(
                errors.FACTS_FILE,
                f"找不到事实文件：{p}",
                field="FACTS",
                value=str(p),
                expected="存在的 YAML 或 JSON 文件",
            )
        )
    if p.suffix.lower() == ".xlsx":  # a filled-in template (jixiao template)
        from .office.facts_workbook import read_facts_workbook

        return normalise_document(read_facts_workbook(p), str(p))
    try:
        data = load_path(p)
    except UnicodeDecodeError as exc:
        raise JixiaoError(
            Problem(
                errors.FACTS_ENCODING,
                f"事实文件 {p} 不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节无法解码）{gbk_hint(p.read_bytes())}：请另存为 UTF-8 后再计分",
                field=str(p),
            )
        ) from None
    except Exception as exc:  # yaml/json parser errors carry their own position
        code = getattr(exc, "code", None) or errors.FACTS_FORMAT
        raise JixiaoError(Problem(code, f"事实文件 {p} 无法解析：{exc}", field=str(p))) from None
    return normalise_document(data, str(p))


def gbk_hint(raw: bytes) -> str:
    """ "（看起来是 GBK/GB18030 编码）" when bytes that are not UTF-8 read as GBK: the usual export of Chinese Excel."""
    try:
        raw[:65536].decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "（看起来是 GBK/GB18030 编码）"


def normalise_document(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        raise JixiaoError(
            Problem(
                errors.FACTS_FORMAT,
                f"{source}：应包含 facts: 映射（事实名: 值），以及 department: {{id, name}}",
                field="facts",
                expected="映射",
            )
        )
    dept = data.get("department") or {}
    if not isinstance(dept, dict) or not dept.get("id"):
        raise JixiaoError(
            Problem(
                errors.FACTS_FORMAT,
                f"{source}：缺少 department.id（部门编号）",
                field="department.id",
                expected="非空字符串",
            )
        )
    for key, value in (("id", dept["id"]), ("name", dept.get("name", ""))):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise JixiaoError(
                Problem(
                    errors.FACTS_FORMAT,
                    f"{source}：department.{key} 应为文字，实际为 {value!r}",
                    field=f"department.{key}",
                    value=value,
                    expected="文字",
                )
            )
    rubric = data.get("rubric")
    if rubric is not None and not isinstance(rubric, str):
        raise JixiaoError(
            Problem(
                errors.FACTS_FORMAT,
                f"{source}：rubric 应为评分体系编号（文字），实际为 {rubric!r}",
                field="rubric",
                value=rubric,
                expected="文字",
            )
        )
    return {
        "department": {"id": str(dept["id"]), "name": str(dept.get("name", ""))},
        "facts": data["facts"],
        "rubric": rubric,
        "source": source,
    }

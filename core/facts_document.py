"""Reading a facts document: a YAML, JSON or Excel file, or a dict, into one checked shape.

Every way facts come in (``evaluate FACTS``, ``Engine.evaluate``, a batch folder or
stream) ends in ``{"department": {"id", "name"}, "facts": {...}, "rubric", "source"}``;
this module reads the file and refuses, with FACTS_FILE / FACTS_ENCODING /
FACTS_FORMAT, whatever does not have that shape. The facts themselves are validated
later, by the pack's ``FactModel``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import errors
from .controls import first_control
from .errors import JixiaoError, Problem
from .yamlio import load_path


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
                f"事实文件 {p} 不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节无法解码）"
                f"{gbk_hint(p.read_bytes())}：请另存为 UTF-8 后再计分",
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


DOCUMENT_KEYS = ("rubric", "department", "facts", "claimed", "source")


def normalise_document(data: Any, source: str) -> dict[str, Any]:
    """The document's parts, checked; a top-level key it does not know is refused, not ignored.

    A misspelt ``claimd:`` would otherwise leave an audit with nothing to check and say nothing.
    """
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
        control = first_control(str(value))
        if control is not None:
            raise JixiaoError(
                Problem(
                    errors.FACTS_FORMAT,
                    f"{source}：department.{key} 的第 {control.start() + 1} 个字符是控制字符 {control.group()!r}："
                    "部门编号和名称应为一行文字，不含换行、制表符或终端控制符",
                    field=f"department.{key}",
                    value=str(value),
                    expected="一行文字，不含控制字符",
                )
            )
    unknown = [key for key in data if key not in DOCUMENT_KEYS]
    if unknown:
        shown = "、".join(str(k) for k in unknown)
        raise JixiaoError(
            Problem(
                errors.FACTS_FORMAT,
                f"{source}：不认识的顶层键 {shown}（可用：rubric、department、facts、claimed）",
                field=str(unknown[0]),
                value=unknown[0],
                expected="rubric、department、facts、claimed",
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
        "claimed": data.get("claimed"),
    }

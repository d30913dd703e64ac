"""Errors a user can cause, each with a stable machine-readable code and a Chinese message.

A user mistake never surfaces as a traceback: the CLI prints ``JixiaoError`` as
``错误 [CODE] message`` and exits non-zero; the engine turns fact errors into a
"not evaluable" indicator instead of a silent 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Stable codes. Renaming one breaks users' scripts: add, never rename.
FACT_MISSING = "FACT_MISSING"
FACT_TYPE = "FACT_TYPE"
FACT_RANGE = "FACT_RANGE"
FACT_CHOICE = "FACT_CHOICE"
FACT_UNKNOWN = "FACT_UNKNOWN"
FACT_REASON_REQUIRED = "FACT_REASON_REQUIRED"
FACT_ZERO_DIVISOR = "FACT_ZERO_DIVISOR"
FACT_CONFLICT = "FACT_CONFLICT"
FACTS_FILE = "FACTS_FILE"
FACTS_FORMAT = "FACTS_FORMAT"
PACK_NOT_FOUND = "PACK_NOT_FOUND"
PACK_FILE = "PACK_FILE"
PACK_INVALID = "PACK_INVALID"
PACK_WEIGHTS = "PACK_WEIGHTS"
PACK_BANDS = "PACK_BANDS"
PACK_PARAMS = "PACK_PARAMS"
PLUGIN_UNKNOWN = "PLUGIN_UNKNOWN"
PLUGIN_CONFLICT = "PLUGIN_CONFLICT"
PLUGIN_BLOCKED = "PLUGIN_BLOCKED"
PLUGIN_LOAD = "PLUGIN_LOAD"
PLUGIN_FAILED = "PLUGIN_FAILED"
INDICATOR_UNKNOWN = "INDICATOR_UNKNOWN"
RULES_ENGINE = "RULES_ENGINE"
OUTPUT_REQUIRED = "OUTPUT_REQUIRED"
OUTPUT_FORMAT = "OUTPUT_FORMAT"
DUPLICATE_ID = "DUPLICATE_ID"
PACK_OVERRIDE = "PACK_OVERRIDE"
PACK_FORMULA = "PACK_FORMULA"
FACT_FORMAT = "FACT_FORMAT"  # a number written ambiguously ("305,63", "12%" for an amount, "１２", "三百")
FACT_LIMIT = "FACT_LIMIT"  # a number beyond what jixiao computes with exactly (|x| ≥ 10^15, > 20 decimals)
FACT_INCONSISTENT = "FACT_INCONSISTENT"  # facts that contradict a consistency check the pack declares
DUPLICATE_KEY = "DUPLICATE_KEY"  # a key written twice in one YAML or JSON mapping
OUTPUT_WRITE = (
    "OUTPUT_WRITE"  # an output file or folder that cannot be written (missing folder, below a file, read-only, full)
)
PLUGIN_UNTRUSTED = "PLUGIN_UNTRUSTED"  # a pack chosen by a data file would run plugin code nobody chose
OPTION_INVALID = (
    "OPTION_INVALID"  # a command-line option whose value cannot be used (--jobs -1, --timeout 0, --limit x)
)
INPUT_LIMIT = (
    "INPUT_LIMIT"  # input beyond a documented limit (aliases expanded, nesting, facts, record or xlsx size, rows)
)


@dataclass
class Problem:
    """One thing wrong, addressable by field (a fact name or a pack node path).

    A problem in a file also carries where, as data: ``file``, ``line`` and ``node``
    (the path of the YAML node, ``("indicators", 1, "children", 0, "params", "bands")``),
    and ``detail``, its message without the location in front. Tools that point the
    author at another line (``rubric check``) read these, never the message text.
    """

    code: str
    message: str
    field: str | None = None
    value: Any = None
    expected: str | None = None
    location: str | None = None  # "file:line" (or a workbook's "sheet!cell")
    file: str | None = None
    line: int | None = None
    node: tuple[str | int, ...] | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        for key in ("field", "expected", "location", "file", "line"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.node is not None:
            out["node"] = list(self.node)
        if self.value is not None:
            out["value"] = str(self.value)
        return out


@dataclass(frozen=True)
class Place:
    """Where in a file something was written, as data and as people read it
    ("file:line：indicators[1]（一级名称）.params")."""

    file: str
    line: int | None = None
    node: tuple = ()  # the YAML node path within ``file``
    text: str = ""  # the node path as people read it, naming indicators

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}：{self.text}" if self.text else where

    def problem(self, code: str, detail: str, **extra: Any) -> Problem:
        return located(code, detail, self.file, self.line, self.node, self.text, **extra)


def located(
    code: str, detail: str, file: str | Any, line: int | None, node: tuple = (), node_text: str = "", **extra: Any
) -> Problem:
    """A problem at a place in a file: the message reads "file:line：node text：detail", the place is kept as data."""
    where = f"{file}:{line}" if line else str(file)
    head = f"{where}：{node_text}：" if node_text else f"{where}："
    return Problem(
        code, head + detail, location=where, file=str(file), line=line, node=tuple(node), detail=detail, **extra
    )


class JixiaoError(Exception):
    """A user-facing error: one or more problems with the same cause."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.render())

    @property
    def code(self) -> str:
        return self.problems[0].code

    def render(self) -> str:
        return "\n".join(f"[{p.code}] {p.message}" for p in self.problems)


class FactError(JixiaoError):
    """Raised while reading one fact; becomes a Problem on the indicators that need it."""

    def __init__(self, problem: Problem):
        super().__init__(problem)
        self.problem = problem


def shortened(text: str, limit: int = 120) -> str:
    """``text`` for a message: whole when short, else its start and its length (a value from a file can be
    megabytes long, and a message is printed, written to every result line and into a spreadsheet cell)."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text):,} 个字符）"


def fact_problem(code: str, name: str, label: str, value: Any, expected: str, reason: str = "") -> Problem:
    """A fact's value refused: the message names the fact, the value, why (``reason``) and what was expected."""
    shown = "（空）" if value is None else shortened(repr(value) if isinstance(value, str) else str(value))
    return Problem(
        code=code,
        message=f"事实“{label}”（{name}）的值 {shown} 无效：{reason}（应为{expected}）"
        if reason
        else f"事实“{label}”（{name}）的值 {shown} 无效：应为{expected}",
        field=name,
        value=value,
        expected=expected,
    )


# batch and office
FACTS_ENCODING = "FACTS_ENCODING"  # bytes that are not UTF-8 (a GBK file, one bad byte in a line)
BATCH_EMPTY_INPUT = "BATCH_EMPTY_INPUT"  # the input holds no record at all
BATCH_PROVENANCE = "BATCH_PROVENANCE"  # results.jsonl was made by another pack, plugins, engine or options
BATCH_INPUT_CHANGED = "BATCH_INPUT_CHANGED"  # results.jsonl was made from other input records
BATCH_RESULTS_DAMAGED = "BATCH_RESULTS_DAMAGED"  # a torn or corrupt results.jsonl line (reported; the rest is rescored)
BATCH_TIMEOUT = "BATCH_TIMEOUT"  # one department took longer than --timeout
BATCH_WORKER_DIED = "BATCH_WORKER_DIED"  # the worker process died while scoring a department
BATCH_PLUGIN_EXIT = "BATCH_PLUGIN_EXIT"  # a plugin raised SystemExit / KeyboardInterrupt while scoring
BATCH_WORKER_START = "BATCH_WORKER_START"  # no worker process could be started

# 复核 (audit)
CLAIM_FORMAT = "CLAIM_FORMAT"  # a claimed score, total or grade that cannot be read as written
CLAIM_AMBIGUOUS = "CLAIM_AMBIGUOUS"  # a claimed indicator named by a name two indicators share
CLAIM_DUPLICATE = "CLAIM_DUPLICATE"  # one indicator claimed twice (by code and by name)
CLAIM_MISSING = "CLAIM_MISSING"  # jixiao audit on a document that claims nothing

# jixiao serve (the web API), each answered with its HTTP status (docs/web.md)
REQUEST_INVALID = "REQUEST_INVALID"  # a query parameter or form field missing or malformed (400)
REQUEST_MEDIA = "REQUEST_MEDIA"  # a body or upload that is no facts document or pack (415)
NOT_FOUND = "NOT_FOUND"  # no page or API at that address (404)
HOST_REFUSED = "HOST_REFUSED"  # a Host header the server does not answer to (400)
CROSS_SITE = "CROSS_SITE"  # a POST from another site (403)
AUTH_REQUIRED = "AUTH_REQUIRED"  # a token is set and the request has none (401)

"""The rules backends by name: the choice ``--rules`` / ``Engine(rules=...)`` makes.

The engine decides every declarative table through one backend; this module maps the
name a user gives to the backend object, and refuses an unknown name or a durable-rules
that is not installed with RULES_ENGINE. durable-rules is imported only when chosen.
"""

from __future__ import annotations

from .. import errors
from ..errors import JixiaoError, Problem
from .python_backend import PythonBackend

RULES = ("python", "durable")  # "auto", kept for old scripts, is "python"


def make_backend(kind: str, tables):
    """The rules backend: the Python evaluator by default, durable-rules when asked for (``jixiao[durable]``).

    Both decide every table identically (the tests compare them at every band edge);
    the Python one needs no compiler, handles any number of tables, and is faster.
    """
    if kind in ("python", "auto"):
        return PythonBackend(tables)
    if kind != "durable":
        raise JixiaoError(
            Problem(errors.RULES_ENGINE, f"未知的规则引擎 {kind!r}：可用 {'、'.join(RULES)}", field="rules", value=kind)
        )
    from . import durable_backend

    if not durable_backend.available():
        raise JixiaoError(
            Problem(
                errors.RULES_ENGINE,
                "durable-rules 没有安装或无法导入："
                "请 pip install 'jixiao[durable]'（需要 C 编译器），或用 --rules python",
                field="rules",
                value=kind,
            )
        )
    return durable_backend.DurableBackend(tables)

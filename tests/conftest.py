"""Shared fixtures: engines are built once per session (pack load is the expensive part)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from jixiao import Engine
from jixiao.yamlio import load_path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FACTS = ROOT / "examples" / "yantian-2023" / "facts.yaml"


def with_facts(doc: dict, **facts) -> dict:
    """A copy of a facts document with some facts set."""
    out = copy.deepcopy(doc)
    out["facts"].update(facts)
    return out


@pytest.fixture(scope="session")
def reference_doc() -> dict:
    return load_path(REFERENCE_FACTS)


@pytest.fixture(scope="session", params=["python", "durable"])
def engine(request) -> Engine:
    return Engine.from_rubric("shenzhen-yantian-2023", rules=request.param)


@pytest.fixture(scope="session")
def py_engine() -> Engine:
    return Engine.from_rubric("shenzhen-yantian-2023", rules="python")


@pytest.fixture(autouse=True)
def default_limits():
    """A test that raises a limit (``--limit`` in process, ``set_limit``) leaves the next one the defaults."""
    from jixiao.limits import reset

    yield
    reset()


@pytest.fixture(autouse=True)
def restore_logging():
    """The CLI points the ``jixiao`` logger at the runner's stderr; put it back for the next test."""
    import logging

    logger = logging.getLogger("jixiao")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]


def run_cli(*args):
    """Run ``jixiao`` in process with stdout and stderr apart; a user mistake never shows a traceback."""
    from click.testing import CliRunner

    from jixiao.cli import main

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    result = runner.invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.fixture(scope="module")
def client():
    """``jixiao serve``'s app under starlette's test client (whose requests say ``Host: testserver``)."""
    pytest.importorskip("fastapi", reason="jixiao[web] 未安装")
    from fastapi.testclient import TestClient

    from jixiao.web.app import ServeSettings, create_app

    return TestClient(create_app(ServeSettings(allowed_hosts=("testserver",))))

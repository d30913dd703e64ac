"""Shared fixtures: engines are built once per session (pack load is the expensive part)."""
from __future__ import annotations

from pathlib import Path

import pytest

from jixiao import Engine
from jixiao.yamlio import load_path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FACTS = ROOT / "examples" / "yantian-2023" / "facts.yaml"


@pytest.fixture(scope="session")
def reference_doc() -> dict:
    return load_path(REFERENCE_FACTS)


@pytest.fixture(scope="session", params=["python", "durable"])
def engine(request) -> Engine:
    return Engine.from_rubric("shenzhen-yantian-2023", rules=request.param)


@pytest.fixture(scope="session")
def py_engine() -> Engine:
    return Engine.from_rubric("shenzhen-yantian-2023", rules="python")

"""A plugin file that Python cannot import as a module (not a .py file) is a load error, not an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from jixiao import JixiaoError
from jixiao.registry import Registry

FACTS = Path(__file__).resolve().parent.parent / "examples" / "yantian-2023" / "facts.yaml"


@pytest.mark.parametrize("name", ["district_cap.txt", "district_cap"])
def test_a_plugin_file_that_is_not_python_is_refused_naming_it(tmp_path, name):
    path = tmp_path / name
    path.write_text("from jixiao import hookimpl\n", encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        Registry().load_file(path)
    assert err.value.code == "PLUGIN_LOAD" and str(path) in str(err.value) and ".py" in str(err.value)


def test_a_plugin_file_that_is_not_python_on_the_command_line(tmp_path):
    path = tmp_path / "district_cap.txt"
    path.write_text("from jixiao import hookimpl\n", encoding="utf-8")
    result = run_cli("evaluate", FACTS, "--plugin", path)
    assert result.exit_code == 2 and "错误 [PLUGIN_LOAD]" in result.stderr and "内部错误" not in result.stderr

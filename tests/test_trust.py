"""Files from other people: no code runs that the user did not choose, and small files stay cheap.

A facts file (or a workbook's rubric cell) may name a pack; that pack's plugin files
are Python. jixiao loads a pack named by data only if it runs no code of its own; a
folder beside the data named like an installed pack does not replace it; and the
documented limits turn huge or deep documents into coded refusals.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from jixiao import Engine

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "examples" / "yantian-2023" / "facts.yaml"
INSTALLED = ROOT / "rubrics" / "shenzhen-yantian-2023"
PY = ("--rules", "python")


def pack_with_code(folder: Path, marker: Path) -> Path:
    """A copy of the reference pack whose local plugin, when imported, leaves ``marker`` behind."""
    shutil.copytree(INSTALLED, folder)
    (folder / "spy.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n", encoding="utf-8"
    )
    text = (
        (folder / "pack.yaml")
        .read_text(encoding="utf-8")
        .replace("\nindicators:\n", "\nplugins: [spy.py]\nindicators:\n", 1)
    )
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    return folder


def facts_naming(tmp_path: Path, rubric: str) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(
        FACTS.read_text(encoding="utf-8").replace("rubric: shenzhen-yantian-2023", f"rubric: {rubric}"),
        encoding="utf-8",
    )
    return path


def test_a_facts_file_cannot_make_jixiao_run_a_packs_code(tmp_path):
    marker = tmp_path / "ran.txt"
    pack = pack_with_code(tmp_path / "elsewhere", marker)
    facts = facts_naming(tmp_path, str(pack))
    refused = run_cli("evaluate", facts, *PY)
    assert refused.exit_code == 2 and "PLUGIN_UNTRUSTED" in refused.stderr and "--rubric" in refused.stderr
    assert not marker.exists()
    chosen = run_cli("evaluate", facts, "--rubric", pack, *PY)  # the user's own choice
    assert chosen.exit_code == 0 and marker.exists()


def test_a_workbook_rubric_cell_is_data_too(tmp_path):
    from openpyxl import load_workbook

    marker = tmp_path / "ran.txt"
    pack = pack_with_code(tmp_path / "elsewhere", marker)
    book = tmp_path / "facts.xlsx"
    assert run_cli("template", "--rubric", "shenzhen-yantian-2023", "--facts", FACTS, "-o", book).exit_code == 0
    wb = load_workbook(book)
    ws = wb["事实"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "shenzhen-yantian-2023")
    cell.value = str(pack)
    wb.save(book)
    refused = run_cli("evaluate", book, *PY)
    assert refused.exit_code == 2 and "PLUGIN_UNTRUSTED" in refused.stderr and not marker.exists()


def test_a_pack_named_by_data_may_bring_yaml(tmp_path):
    shutil.copytree(INSTALLED, tmp_path / "plain")
    result = run_cli("evaluate", facts_naming(tmp_path, str(tmp_path / "plain")), *PY)
    assert result.exit_code == 0 and "94.91" in result.stdout


def test_a_folder_named_like_an_installed_pack_does_not_replace_it(tmp_path, monkeypatch):
    marker = tmp_path / "ran.txt"
    shadow = pack_with_code(tmp_path / "shenzhen-yantian-2023", marker)
    (shadow / "pack.yaml").write_text(
        (shadow / "pack.yaml").read_text(encoding="utf-8").replace("weight: 25", "weight: 24", 1), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli("evaluate", FACTS, *PY)
    assert result.exit_code == 0 and "94.91" in result.stdout and not marker.exists()
    assert "同名" in result.stderr and "./shenzhen-yantian-2023" in result.stderr
    assert Engine.from_rubric("shenzhen-yantian-2023", rules="python").pack.directory == INSTALLED
    explicit = run_cli("rubric", "check", "./shenzhen-yantian-2023")
    assert explicit.exit_code == 2  # the folder, chosen as a path: its changed weight no longer adds up


def with_facts(lines: str) -> str:
    """The reference facts document with ``lines`` added at the top of its ``facts:`` mapping."""
    text = FACTS.read_text(encoding="utf-8")
    assert text.count("\nfacts:\n") == 1
    return text.replace("\nfacts:\n", "\nfacts:\n" + lines, 1)


def test_huge_facts_mappings_are_refused_and_the_limit_can_be_raised(tmp_path):
    text = with_facts("".join(f"  typo_{i}: 1\n" for i in range(11_000)))
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    refused = run_cli("evaluate", path, *PY)
    assert refused.exit_code == 2 and "INPUT_LIMIT" in refused.stderr and "--limit facts=" in refused.stderr
    raised = run_cli("--limit", "facts=20000", "evaluate", path, *PY)
    assert raised.exit_code == 1 and raised.stdout.count("FACT_UNKNOWN") == 11_000
    assert raised.stdout.count("是否应为") <= 20  # spelling suggestions have a budget


@pytest.mark.parametrize("text", ["facts=-1", "bogus=3", "facts", "facts=abc"])
def test_a_bad_limit_is_a_usage_error(text):
    result = run_cli("--limit", text, "rubrics")
    assert result.exit_code == 2 and "OPTION_INVALID" in result.stderr and "yaml-nodes" in result.stderr


@pytest.mark.parametrize(
    "suffix,body",
    [
        (".yaml", "department: {id: d}\nfacts:\n  spent_q1: " + "[" * 990 + "]" * 990 + "\n"),
        (".json", '{"department": {"id": "d"}, "facts": {"spent_q1": ' + "[" * 990 + "]" * 990 + "}}"),
    ],
)
def test_a_990_deep_value_is_refused_as_input(tmp_path, suffix, body):
    path = tmp_path / f"facts{suffix}"
    path.write_text(body, encoding="utf-8")
    result = run_cli("evaluate", path, "--rubric", "shenzhen-yantian-2023", *PY)
    assert result.exit_code == 2 and "INPUT_LIMIT" in result.stderr and "嵌套" in result.stderr


@pytest.mark.parametrize("key", ["1", "null", "[a, b]"])
def test_fact_names_that_are_not_text(tmp_path, key):
    path = tmp_path / "facts.yaml"
    path.write_text(with_facts(f"  {key}: 2\n"), encoding="utf-8")
    result = run_cli("evaluate", path, *PY)
    if key.startswith("["):  # a list as a key is not a mapping key YAML can build
        assert result.exit_code == 2 and "FACTS_FORMAT" in result.stderr
    else:
        assert result.exit_code == 1 and "FACT_UNKNOWN" in result.stdout and "事实名应为文字" in result.stdout


@pytest.mark.parametrize("dept", ["{id: [1, 2]}", "{id: d, name: {a: 1}}", "{id: true}"])
def test_a_department_that_is_not_text(tmp_path, dept):
    path = tmp_path / "facts.yaml"
    path.write_text(
        FACTS.read_text(encoding="utf-8").split("department:")[0] + f"department: {dept}\nfacts: {{}}\n",
        encoding="utf-8",
    )
    result = run_cli("evaluate", path, *PY)
    assert result.exit_code == 2 and "FACTS_FORMAT" in result.stderr and "department" in result.stderr


def test_a_pack_that_is_an_alias_bomb_is_refused(tmp_path):
    lines = ["id: bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    (tmp_path / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("rubric", "check", tmp_path)
    assert result.exit_code == 2 and "INPUT_LIMIT" in result.stderr + result.stdout


def test_a_plugin_that_exits_is_an_error_not_a_silent_success(tmp_path):
    plugin = tmp_path / "quitter.py"
    plugin.write_text(
        "import sys\nfrom jixiao.plugins.shapes import Bands\n\n\nclass Quitter(Bands):\n    jixiao_replaces = True\n\n"
        "    def evaluate(self, leaf, configured, ctx):\n        sys.exit(0)\n\n\n"
        "JIXIAO_PLUGINS = {'satisfaction': Quitter('satisfaction')}\n",
        encoding="utf-8",
    )
    result = run_cli("evaluate", FACTS, "--plugin", plugin, *PY)
    assert result.exit_code == 1 and "PLUGIN_FAILED" in result.stdout and "SystemExit" in result.stdout
    assert "总计得分" in result.stdout

"""Packs of 2 to 5 levels render whole in every format: no level vanishes, the xlsx and Word tables merge each
group over its leaves, and a leaf that sits higher than the deepest one is drawn in the leaf columns."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from jixiao import Engine
from jixiao.tree import LEVEL_NAMES

CHINESE = "一二三四五"


def group(level: int, levels: int, code: str, weight: int) -> dict:
    """A group at ``level`` with two children down to ``levels``; at the first level one child is a leaf right away."""
    name = f"第{CHINESE[level - 1]}级{code}"
    if level == levels:
        return {
            "code": code,
            "name": f"指标{code}",
            "weight": weight,
            "use": "checklist",
            "params": {"items": [{"fact": f"f{code.replace('.', '_')}", "label": f"事项{code}", "points": weight}]},
        }
    half = weight // 2
    if level == 1 and levels > 2:  # a shallow leaf beside a deep branch
        kids = [group(levels, levels, f"{code}.1", half), group(level + 1, levels, f"{code}.2", weight - half)]
    else:
        kids = [group(level + 1, levels, f"{code}.{i}", w) for i, w in ((1, half), (2, weight - half))]
    return {"code": code, "name": name, "weight": weight, "children": kids}


def pack_dir(tmp_path: Path, levels: int) -> Path:
    pack = {
        "id": f"depth-{levels}",
        "title": f"{levels} 级指标体系",
        "region": "测试",
        "year": 2024,
        "version": "1",
        "source": "测试",
        "rounding": {"score": {"places": 2, "mode": "half_up"}},
        "grades": [{"grade": "合格", "range": "[0, 100]"}],
        "indicators": [group(1, levels, "1", 64), group(1, levels, "2", 36)],
    }
    folder = tmp_path / f"depth{levels}"
    folder.mkdir()
    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(params=[2, 3, 4, 5])
def case(request, tmp_path):
    levels = request.param
    folder = pack_dir(tmp_path, levels)
    engine = Engine.from_rubric(folder)
    facts = {name: True for name in engine.fact_model.specs}
    path = tmp_path / "facts.yaml"
    path.write_text(
        yaml.safe_dump({"department": {"id": "d", "name": "部门"}, "facts": facts}, allow_unicode=True),
        encoding="utf-8",
    )
    return levels, folder, engine, path


def names(engine) -> list[str]:
    return [n.name for n in engine.pack.nodes()] + [leaf.name for leaf in engine.pack.leaves()]


def test_check_and_every_text_format_show_every_level(case):
    levels, folder, engine, facts = case
    assert run_cli("rubric", "check", folder).exit_code == 0
    for fmt in ("table", "markdown", "html"):
        out = run_cli("evaluate", facts, "--rubric", folder, "--format", fmt)
        assert out.exit_code == 0, out.stderr
        for name in names(engine):
            assert name in out.stdout, (fmt, name)
        for level in LEVEL_NAMES[:levels]:
            assert level in out.stdout, (fmt, level)
        assert LEVEL_NAMES[levels] not in out.stdout
        assert "100" in out.stdout


def test_xlsx_merges_each_group_over_its_leaves(case, tmp_path):
    from openpyxl import load_workbook

    levels, folder, engine, facts = case
    book = tmp_path / "card.xlsx"
    out = run_cli("evaluate", facts, "--rubric", folder, "--format", "xlsx", "-o", book)
    assert out.exit_code == 0, out.stderr
    ws = load_workbook(book).worksheets[0]
    merged = {(r.min_row, r.min_col): (r.max_row - r.min_row + 1) for r in ws.merged_cells.ranges}
    cells = {str(c.value): (c.row, c.column) for row in ws.iter_rows() for c in row if c.value is not None}
    for node in engine.pack.nodes():
        leaves = sum(1 for _ in _leaves(node))
        row, col = cells[node.printed_name]
        assert merged.get((row, col), 1) == leaves, (node.name, leaves)
    leaf_cols = {cells[leaf.name][1] for leaf in engine.pack.leaves()}
    assert leaf_cols == {2 * levels - 1}  # every leaf in the last level's name column (1-based)


def test_word_table_has_a_column_pair_per_level(case, tmp_path):
    from docx import Document

    levels, folder, engine, facts = case
    doc_path = tmp_path / "report.docx"
    out = run_cli("evaluate", facts, "--rubric", folder, "--format", "docx", "-o", doc_path)
    assert out.exit_code == 0, out.stderr
    table = Document(doc_path).tables[0]
    assert len(table.columns) == 2 * levels + 3
    text = "\n".join(c.text for row in table.rows for c in row.cells)
    for name in names(engine):
        assert name in text


def _leaves(node):
    for child in node.children:
        if hasattr(child, "children"):
            yield from _leaves(child)
        else:
            yield child

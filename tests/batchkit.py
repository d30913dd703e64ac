"""Helpers shared by the batch robustness tests: synthetic input lines, hostile plugins, result files."""

from __future__ import annotations

import json
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

PACK = "shenzhen-yantian-2023"
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_ROW = (
    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>d%d</t></is></c>'
    + b'<c t="inlineStr"><is><t>yyyyyyyyyyyyyyyyyyyy</t></is></c>' * 20
    + b"</row>"
)
MAGIC = 777  # outsourced_staff of a department the hostile plugin misbehaves on


def _plain(o):
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(type(o))


def docs(n: int, seed: int = 1, invalid: str = "0") -> list[dict]:
    return list(synth.generate(n, seed, invalid))


def line(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, default=_plain).encode("utf-8")


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(x + b"\n" for x in lines))
    return path


def write_jsonl(path: Path, documents: list[dict]) -> Path:
    return write_lines(path, [line(d) for d in documents])


def results(outdir: Path) -> list[dict]:
    return [json.loads(x) for x in (outdir / "results.jsonl").read_bytes().splitlines()]


def by_key(outdir: Path) -> dict[str, dict]:
    return {r["key"]: r for r in results(outdir)}


def hostile_plugin(folder: Path, action: str, name: str = "hostile.py", at_import: str = "") -> Path:
    """A replacement of the outsourced-staff-rate plugin that runs ``action`` for departments with
    outsourced_staff == MAGIC."""
    path = folder / name
    path.write_text(
        f"""
import os, signal, sys, time
from pathlib import Path
from jixiao.plugins.department import outsourced_staff_rate as _base
{at_import}

class Hostile(type(_base)):
    jixiao_replaces = True

    def evaluate(self, leaf, configured, ctx):
        if ctx.facts.get("outsourced_staff") == {MAGIC}:
            {action}
        return super().evaluate(leaf, configured, ctx)


JIXIAO_PLUGINS = {{"outsourced-staff-rate": Hostile("outsourced-staff-rate", "hostile")}}
""",
        encoding="utf-8",
    )
    return path


def with_magic(documents: list[dict], positions) -> list[dict]:
    for i in positions:
        documents[i]["facts"]["outsourced_staff"] = MAGIC
    return documents


def jixiao_exe() -> str:
    return str(Path(sys.executable).parent / "jixiao")


def inflate_xlsx(path: Path, unpacked: int, sheet: str = "xl/worksheets/sheet1.xml") -> Path:
    """Replace one sheet by repetitive rows that unpack to ``unpacked`` bytes (the zip stays small)."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            if name != sheet:
                zf.writestr(name, data)
        with zf.open(sheet, "w", force_zip64=True) as fh:
            fh.write(_SHEET_START + _ROW.replace(b"d%d", b"department_id") % (1, 1))
            block = b"".join(_ROW % (i, i, i) for i in range(2, 1002))
            written = 0
            while written < unpacked:
                fh.write(block)
                written += len(block)
            fh.write(b"</sheetData></worksheet>")
    return path

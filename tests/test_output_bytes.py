"""Every format's output, byte for byte: the reference case, the MOF project example and the Chizhou
published form, evaluated, compared, audited and explained, in every format each command offers.

``tests/golden/outputs/`` was written by the code as it was before texts were made on demand
(commit ed1417c) and the outputs are still identical; the two-step shapes, the lazy results and the
faster arithmetic must keep them so. Office files are compared part by part, without
``docProps/core.xml`` (the time the file was written). After an intended change of output,
check the difference, then regenerate: ``.venv/bin/python tests/test_output_bytes.py --write``.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "outputs"
REF, MOF = "examples/yantian-2023/facts.yaml", "examples/mof-project/facts.yaml"
PUB = "tests/published/chizhou-2022-commission.yaml"
EXT = {"table": "txt", "markdown": "md"}


def _outputs() -> dict[str, tuple[tuple[str, ...], bool]]:
    """name → (the command's arguments, whether it writes a file with ``-o``; otherwise stdout is the output)."""
    out: dict[str, tuple[tuple[str, ...], bool]] = {}
    for fmt in ("table", "json", "markdown", "html", "xlsx", "docx"):
        for case, facts in (("reference", REF), ("mof", MOF)):
            out[f"evaluate-{case}.{EXT.get(fmt, fmt)}"] = (("evaluate", facts, "--format", fmt), True)
    for fmt in ("table", "json"):
        out[f"compare-reference.{EXT.get(fmt, fmt)}"] = (
            ("evaluate", REF, "--compare", "example-district-2023", "--format", fmt),
            False,
        )
    for fmt in ("table", "json", "markdown", "xlsx", "docx"):
        for case, facts in (("reference", REF), ("chizhou", PUB)):
            out[f"audit-{case}.{EXT.get(fmt, fmt)}"] = (("audit", facts, "--format", fmt), True)
    for code in ("1.1.1", "2.1.1", "2.1.2", "2.4.2", "3.2.1", "3.2.3"):
        for fmt in ("text", "json"):
            out[f"explain-reference-{code}.{fmt}"] = (("explain", REF, "-i", code, "--format", fmt), False)
    out["explain-mof-2.1.text"] = (("explain", MOF, "-i", "2.1", "--format", "text"), False)
    return out


OUTPUTS = _outputs()


def produced(name: str, folder: Path) -> bytes:
    args, to_file = OUTPUTS[name]
    if to_file:
        target = folder / name
        run_cli(*args, "-o", target)
        return target.read_bytes()
    return run_cli(*args).stdout.encode("utf-8")


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in sorted(z.namelist()) if n != "docProps/core.xml"}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_output_is_unchanged(name, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the paths in the outputs are the ones written here, relative to the project
    now, then = produced(name, tmp_path), (GOLDEN / name).read_bytes()
    if name.endswith((".xlsx", ".docx")):
        assert parts(now) == parts(then)
    else:
        assert now.decode("utf-8") == then.decode("utf-8")


def test_every_golden_output_is_checked():
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(OUTPUTS)


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import os
    import tempfile

    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        for output in OUTPUTS:
            (GOLDEN / output).write_bytes(produced(output, Path(tmp)))
    print(f"wrote {len(OUTPUTS)} outputs to {GOLDEN}")

"""Test inputs written as one good base plus a small patch each.

A bad fixture is a good document with one thing broken. Copying the whole document for each
mistake hides that one line among eighty; here ``patches.yaml`` names the base once and, per
fixture, what is broken, what is expected and the edited lines. The fixtures are written into a
temporary folder the first time a test asks for them, so every test (and every message that names
a file) still sees ordinary files.

An edit finds its line by its text (``at``, compared without indentation) and must find exactly
one, or names a unique anchor line (``after``) and takes the first match below it, so a base that changes under a patch
fails loudly instead of patching the wrong line. The edited lines keep the indentation of the line
they replace.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).parent
ROOT = HERE.parent


class PatchError(AssertionError):
    """A patch that no longer fits its base."""


def _find(lines: list[str], text: str, after: str | None, name: str) -> int:
    """The index of the one line reading ``text``, or of the first such line after ``after``."""
    start = 0
    if after is not None:
        start = _find(lines, after, None, name) + 1
    hits = [i for i in range(start, len(lines)) if lines[i].strip() == text]
    if after is not None:
        hits = hits[:1]
    if len(hits) != 1:
        where = f"（在 {after!r} 之后）" if after else ""
        raise PatchError(f"{name}：基础文件中{where}应恰有一行为 {text!r}，实有 {len(hits)} 行")
    return hits[0]


def apply_edits(base: str, edits: list[dict], name: str) -> str:
    """The base text with each edit applied; an edit is ``{at, after?, to?, then?}``.

    ``to`` replaces the line (a string, or a list of lines; an empty list deletes it); ``then``
    adds lines after it. New lines are indented like the line at ``at``.
    """
    lines = base.splitlines()
    for edit in edits:
        unknown = set(edit) - {"at", "after", "to", "then"}
        if unknown or "at" not in edit or not ({"to", "then"} & set(edit)):
            raise PatchError(f"{name}：编辑应写 at 以及 to 或 then，实为 {sorted(edit)}")
        i = _find(lines, edit["at"], edit.get("after"), name)
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        to = edit.get("to", edit["at"])
        replaced = [to] if isinstance(to, str) else list(to)
        lines[i : i + 1] = [indent + line for line in replaced + list(edit.get("then", []))]
    return "\n".join(lines) + "\n"


def render(spec: dict, name: str, base: str) -> str:
    """One fixture's text: the header saying what is broken, then the patched base."""
    header = [f"# {spec['header']}：{spec['broken']}", f"# 期望：{spec['expect']}", f"# {spec['rest']}"]
    return "\n".join(header) + "\n" + apply_edits(base, spec.get("edits", []), name)


def _materialize(patches: Path, folder_per_fixture: bool) -> Path:
    doc = yaml.safe_load(patches.read_text(encoding="utf-8"))
    base = (patches.parent / doc["base"]).read_text(encoding="utf-8")
    out = Path(tempfile.mkdtemp(prefix=f"jixiao-{patches.parent.name}-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    for kept in sorted(patches.parent.iterdir()):
        if kept.name not in (patches.name, Path(doc["base"]).name):
            (shutil.copytree if kept.is_dir() else shutil.copy2)(kept, out / kept.name)
    for name, spec in doc["fixtures"].items():
        fields = {"header": doc["header"], "rest": doc["rest"], **spec}
        extra = [{**edit, "to": edit["to"].format(name=name, **fields)} for edit in doc.get("rename", [])]
        text = render(fields, name, base)
        text = apply_edits(text, extra, name) if extra else text
        target = out / name / "pack.yaml" if folder_per_fixture else out / f"{name}.yaml"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return out


@functools.cache
def bad_facts() -> Path:
    """The folder of bad facts documents: the short ones as written, the rest from their patches."""
    return _materialize(HERE / "bad_facts" / "patches.yaml", folder_per_fixture=False)


@functools.cache
def bad_packs() -> Path:
    """The folder of bad packs, one folder each with its ``pack.yaml``."""
    return _materialize(HERE / "bad_packs" / "patches.yaml", folder_per_fixture=True)


def good_pack() -> str:
    """The valid pack every bad pack is broken from."""
    return (HERE / "bad_packs" / "good_pack.yaml").read_text(encoding="utf-8")

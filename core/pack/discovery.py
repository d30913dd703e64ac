"""Where rubric packs are: the installed ones, and the ``pack.yaml`` a reference names.

A pack is named by an installed id (shipped in ``jixiao.rubrics`` or added by a
package's ``jixiao.rubrics`` entry point) or by a path. ``locate`` decides which, the
same way for the command line, ``Engine.from_rubric``, a pack's ``extend`` and the
rubric tools, so a bare installed id always means the installed pack.
"""

from __future__ import annotations

import logging
from importlib import metadata, resources
from pathlib import Path

from .. import errors
from ..errors import JixiaoError, Problem, shortened

PACK_FILE = "pack.yaml"
ENTRY_POINT_GROUP = "jixiao.rubrics"


def pack_roots() -> list[Path]:
    """Folders holding pack folders: the built-in ones, then any package's ``jixiao.rubrics`` entry point."""
    roots = [Path(str(resources.files("jixiao.rubrics")))]
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            roots.append(Path(str(resources.files(ep.value))))
        except Exception:
            continue
    return roots


def available_packs() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in pack_roots():
        for pack_file in sorted(root.glob(f"*/{PACK_FILE}")):
            found.setdefault(pack_file.parent.name, pack_file)
    return found


def _written_as_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.startswith(".") or text.endswith((".yaml", ".yml"))


def installed(path: Path) -> bool:
    """Whether ``path`` lies in an installed pack folder (shipped with jixiao or a package's ``jixiao.rubrics``)."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in pack_roots())


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the system cannot even look up (too long, say) is none."""
    try:
        return path.is_file()
    except OSError:
        return False


def locate(ref: str | Path, relative_to: Path | None = None) -> Path:
    """The ``pack.yaml`` that ``ref`` names: an installed pack's id, or a path.

    A bare name that is an installed pack's id always means that pack, even when the
    working directory (or ``relative_to``) holds a folder of the same name: a folder
    beside the data must not replace an installed rubric by accident. Such a folder is
    named in a warning; ``./name`` (any path with a separator) chooses it.
    """
    text = str(ref)
    packs = available_packs()
    if isinstance(ref, str) and text in packs and not _written_as_path(text):
        for folder in [Path(text)] + ([relative_to / text] if relative_to else []):
            if (folder / PACK_FILE).is_file() and folder.resolve() != packs[text].parent.resolve():
                logging.getLogger("jixiao").warning(
                    f"提示：文件夹 {folder} 与已安装的评分体系“{text}”同名；"
                    f"使用已安装的 {packs[text].parent}。如要使用该文件夹，请写成路径：./{text}"
                )
        return packs[text]
    candidates = [Path(ref)] + ([relative_to / text] if relative_to else [])
    for p in candidates:
        if is_file(p / PACK_FILE):
            return p / PACK_FILE
        if is_file(p):
            return p
    known = "、".join(packs) or "（无）"
    raise JixiaoError(
        Problem(
            errors.PACK_NOT_FOUND,
            f"找不到评分体系“{shortened(text)}”：既不是已安装的体系（{known}），也不是存在的文件或目录",
            field="rubric",
            value=str(ref),
            expected="已安装体系的编号或 pack.yaml 的路径",
        )
    )

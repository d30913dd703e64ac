"""Writing an output file where the user asked, or saying in Chinese why it cannot be written.

``jixiao template -o`` and ``jixiao evaluate -o`` into a folder that does not exist, below
a file or onto a read-only disk used to end in "内部错误：FileNotFoundError" (exit 3). A
missing folder is created, as ``jixiao batch -o`` creates its output folder; anything
else is an OUTPUT_PATH user mistake (exit 2) that names the path and the reason. The
file is written under a temporary name and renamed, so a failed write never leaves half
a workbook where the old one was.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from .. import errors
from ..errors import JixiaoError, Problem


def os_reason(exc: OSError) -> str:
    """Why the system refused, in the user's words."""
    if exc.errno == errno.EROFS:
        return "磁盘是只读的"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间已满"
    if exc.errno == errno.EDQUOT:
        return "超出磁盘配额"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "路径中有一级是文件而不是目录"
    if exc.errno == errno.EISDIR:
        return "这是一个目录"
    return exc.strerror or str(exc)


def write_output(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path``, creating missing folders; OUTPUT_PATH when it cannot be written."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        if p.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(p))
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, p)
    except OSError as exc:
        blocker = next((a for a in p.parents if a.exists() and not a.is_dir()), None)
        why = f"上级路径 {blocker} 是一个文件" if blocker is not None else os_reason(exc)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise JixiaoError(Problem(errors.OUTPUT_PATH, f"无法写入 {p}：{why}；请用 -o 指定一个可写的路径", field="--output", value=str(p))) from None
    return p

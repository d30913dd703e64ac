"""Writing a result file: a path that cannot be written is the user's mistake, told plainly.

``-o`` into a folder that does not exist, below a file, onto a read-only disk or a full
one is refused with ``OUTPUT_WRITE`` (exit 2) naming the path and the reason, not an
internal error. The file is written to a temporary name beside the target and renamed,
so a failure never leaves half a report under the name a user will open.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from . import errors
from .errors import JixiaoError, Problem

_REASONS = {
    errno.ENOENT: "所在文件夹不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.EISDIR: "这是一个文件夹",
}


def write_output(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole, or raise ``OUTPUT_WRITE``."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's owner-only mode
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        raise JixiaoError(Problem(errors.OUTPUT_WRITE, f"无法写入输出文件 {target}：{reason}；请换一个可写的路径", field="--output",
                                  value=str(target), expected="可写入的文件路径")) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass

"""Writing a result file or folder: a path that cannot be written is the user's mistake, told plainly.

``-o`` into a folder that does not exist, below a file, onto a read-only or full disk is
refused with ``OUTPUT_WRITE`` (exit 2), naming the path and the reason, never an internal
error. A missing folder is not created: a typo in ``-o`` would otherwise leave a stray
folder and a report nobody finds (``batch -o`` creates its own output folder, which is
the command's output). A file is written under a temporary name beside the target and
renamed, so a failure never leaves half a report under the name a user will open.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from . import errors
from .controls import harmless, harmless_json
from .errors import JixiaoError, Problem

_REASONS = {
    errno.ENOENT: "所在文件夹不存在",
    errno.ENOTDIR: "路径中有一级是文件而不是文件夹",
    errno.EEXIST: "路径中有一级是文件而不是文件夹",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EISDIR: "这是一个文件夹",
}


def os_reason(exc: OSError, path: Path | None = None) -> str:
    """Why the system refused, in the user's words (naming the file that stands where a folder should)."""
    if path is not None and exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.ENOENT):
        blocker = next((a for a in path.parents if a.exists() and not a.is_dir()), None)
        if blocker is not None:
            return f"上级路径 {blocker} 是一个文件"
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def write_output(path: str | Path, data: str | bytes) -> Path:
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
        raise JixiaoError(
            Problem(
                errors.OUTPUT_WRITE,
                f"无法写入输出文件 {target}：{os_reason(exc, target)}；请用 -o 指定一个可写的路径",
                field="--output",
                value=str(target),
                expected="可写入的文件路径",
            )
        ) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return target


def emit(out: str | bytes, fmt: str, output: str | None) -> None:
    """A command's result: to ``output`` when given (whole, or not at all), else to stdout; a binary
    format needs a file (``OUTPUT_REQUIRED``). Text carries no control character a terminal would
    act on, in a file as on the screen (``controls``)."""
    if isinstance(out, bytes):
        if not output:
            raise JixiaoError(Problem(errors.OUTPUT_REQUIRED, f"格式 {fmt} 是二进制文件，请用 -o 指定输出文件"))
        write_output(output, out)
        return
    out = harmless_json(out) if fmt == "json" else harmless(out)
    if output:
        write_output(output, out + ("" if out.endswith("\n") else "\n"))
    else:
        import click

        click.echo(out)

"""A worker process: scores the records it is sent, one result line back per department.

Workers are forked from the process that loaded the pack and the plugins, so they score
with exactly the code whose hashes the results record, and a restart costs a fork, not a
pack load. Each result is sent as soon as it is made: when a worker dies (a plugin calls
``os._exit``, the OOM killer, ``kill -9``) or is stopped for taking too long, the
supervisor knows which department it was on, records an error for that one and hands the
rest to a new worker. A plugin that raises ``SystemExit`` or ``KeyboardInterrupt`` does
not end the worker: its department gets an error line, as for any other exception.

Messages on the socket are frames: a 4-byte big-endian length, then the payload. The
supervisor sends a pickled list of records; the worker answers each with one status
byte (``s`` scored, ``i`` incomplete, ``e`` error) followed by the UTF-8 result line.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import socket
import sys
import sysconfig
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import collector, errors
from ..audit import audit_card
from ..errors import JixiaoError
from ..numbers import fmt_number
from .provenance import RunProvenance, input_digest
from .readers import Record

STATUS_BYTE = {"scored": b"s", "incomplete": b"i", "error": b"e"}
BYTE_STATUS = {v[0]: k for k, v in STATUS_BYTE.items()}
_HEADER = 4
_NOT_PLUGINS = (
    str(Path(__file__).resolve().parent.parent),
    sysconfig.get_paths()["stdlib"],
)  # jixiao's engine, the standard library


def compact(card) -> dict[str, Any]:
    """A department's result line without the explanations: scores, points lost, problems (one pass over the leaves)."""
    scores: dict[str, str | None] = {}
    lost: dict[str, str] = {}
    problems: list[dict[str, Any]] = []
    for leaf in card.leaves():
        code, score = leaf.code, leaf.score
        if score is None:
            scores[code] = None
        else:
            scores[code] = fmt_number(score)
            if score != leaf.weight:
                lost[code] = fmt_number(leaf.weight - score)
        for p in leaf.problems:
            problems.append({"indicator": code, **p.to_dict()})
    problems += [p.to_dict() for p in card.fact_problems]
    return {
        "total": fmt_number(card.total),
        "grade": card.grade,
        "complete": card.complete,
        "scores": scores,
        "lost": lost,
        "problems": problems,
        "warnings": [p.to_dict() for p in card.warnings],
    }


def compact_audit(audit) -> dict[str, Any]:
    """A department's 复核 on its result line: whether its claims agree, and each finding in short."""
    claimed = audit.claims.total
    computed = audit.card.total if audit.card.complete else None
    return {
        "agrees": audit.agrees,
        "claimed_total": None if claimed is None else fmt_number(claimed),
        "computed_total": None if computed is None else fmt_number(computed),
        "difference": None if claimed is None or computed is None else fmt_number(claimed - computed),
        "findings": [f.to_dict() for f in audit.findings],
        "problems": [p.to_dict() for p in audit.problems],
    }


def refused_claim(line: dict[str, Any]) -> dict[str, Any] | None:
    """The first claim a result line's audit could not read, if any."""
    audit = line.get("audit")
    problems = audit.get("problems") if isinstance(audit, dict) else None
    return problems[0] if isinstance(problems, list) and problems and isinstance(problems[0], dict) else None


def failure_line(rec: Record, problem: dict[str, Any], run: RunProvenance) -> bytes:
    """The error line of a department whose worker was lost (built by the supervisor, as the worker would have)."""
    out = {"key": rec.key, "status": "error", "problems": [problem], "provenance": run.stamp(input_digest(rec))}
    return _encode(out)


def _encode(out: dict[str, Any]) -> bytes:
    text = json.dumps(out, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate the readers let through: the line stays valid UTF-8
        return text.encode("utf-8", "replace")


@dataclass(frozen=True)
class Engines:
    """The engines a worker scores with: the pack's, and the --compare pack's if any."""

    main: Any
    compare: Any = None


@dataclass(frozen=True)
class Scored:
    status: str  # "scored", "incomplete" or "error"
    line: bytes  # the result line, UTF-8, without its newline


@dataclass(frozen=True)
class Started:
    pid: int
    sock: socket.socket  # the supervisor's end, non-blocking


def score_record(engines: Engines, rec: Record, run: RunProvenance, explain: bool = False) -> Scored:
    """One department's result line. Never raises: a failure is recorded with its code."""
    out: dict[str, Any] = {"key": rec.key}
    try:
        if rec.error is not None:
            raise JixiaoError(rec.error)
        card = engines.main.evaluate(rec.doc)
        out["department"] = {"id": card.department_id, "name": card.department_name}
        out["status"] = "scored" if card.complete else "incomplete"
        out.update(compact(card))
        claimed = rec.doc.get("claimed") if rec.doc else None
        if claimed:
            out["audit"] = compact_audit(audit_card(engines.main, card, claimed))
        if explain:
            out["scorecard"] = card.to_dict()
        if engines.compare is not None:
            other = engines.compare.evaluate(rec.doc)
            out["compare"] = {"rubric": other.rubric["id"], **compact(other)}
    except JixiaoError as exc:
        out = {"key": rec.key, "status": "error", "problems": [p.to_dict() for p in exc.problems]}
    except Exception as exc:  # a faulty plugin or a bug: recorded, the batch goes on
        out = {
            "key": rec.key,
            "status": "error",
            "problems": [{"code": errors.PLUGIN_FAILED, "message": f"{type(exc).__name__}: {exc}{_where(exc)}"}],
        }
    except (SystemExit, KeyboardInterrupt, GeneratorExit) as exc:
        what = f"sys.exit({exc.code!r})" if isinstance(exc, SystemExit) else type(exc).__name__
        out = {
            "key": rec.key,
            "status": "error",
            "problems": [
                {
                    "code": errors.BATCH_PLUGIN_EXIT,
                    "message": f"计分时有插件引发了 {what}{_where(exc)}，该部门未计分；插件不应退出进程，请修正插件",
                }
            ],
        }
    out["provenance"] = run.stamp(input_digest(rec))
    return Scored(out["status"], _encode(out))


def _where(exc: BaseException) -> str:
    """ "（/x/plugin.py 第 12 行）": the innermost frame outside jixiao's engine and Python's standard
    library, if any."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not frame.filename.startswith(_NOT_PLUGINS):
            return f"（{frame.filename} 第 {frame.lineno} 行）"
    return ""


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(len(payload).to_bytes(_HEADER, "big") + payload)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def frames(inbox: bytearray) -> list[bytes]:
    """Complete frames at the start of ``inbox``, removed from it."""
    out, at = [], 0
    while len(inbox) - at >= _HEADER:
        n = int.from_bytes(inbox[at : at + _HEADER], "big")
        if len(inbox) - at - _HEADER < n:
            break
        out.append(bytes(inbox[at + _HEADER : at + _HEADER + n]))
        at += _HEADER + n
    if at:
        del inbox[:at]
    return out


def frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(_HEADER, "big") + payload


def serve(sock: socket.socket, engines: Engines, run: RunProvenance, explain: bool) -> None:
    """Score every record sent until the supervisor closes the socket."""
    while True:
        head = _recv_exact(sock, _HEADER)
        if head is None:
            return
        body = _recv_exact(sock, int.from_bytes(head, "big"))
        if body is None:
            return
        records = pickle.loads(body)
        with collector.paused():  # results hold no cycles; the collector's passes cost ≈ 8 µs a department
            for rec in records:
                result = score_record(engines, rec, run, explain)
                send_frame(sock, STATUS_BYTE[result.status] + result.line)


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the batch process dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def start(engines: Engines, run: RunProvenance, explain: bool, close: list[socket.socket]) -> Started:
    """Fork one worker (``close``: the supervisor's sockets of the other workers, which it must not hold)."""
    ours, theirs = socket.socketpair()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        theirs.close()
        ours.setblocking(False)
        return Started(pid, ours)
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the supervisor decides
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _die_with_parent()
        if os.getppid() != parent:
            os._exit(1)
        ours.close()
        for s in close:
            s.close()
        serve(theirs, engines, run, explain)
        code = 0
    except (ConnectionError, EOFError):  # the supervisor is gone: nobody is left to tell
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    raise AssertionError("unreachable")

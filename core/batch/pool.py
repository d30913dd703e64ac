"""The supervisor of the worker processes: hands out chunks, collects results, survives its workers.

``multiprocessing.Pool`` hangs when a worker dies (its task is never answered), cannot
stop one stuck task, and respawns workers under Ctrl-C. Here every worker is a forked
process with a socket of its own, and the supervisor never blocks on any of them: it
waits in one ``select`` with a short timeout, writes tasks as the sockets take them, and
reads each result as it comes. So it always knows which department a worker is on:

- a worker that dies (exit, signal, ``os._exit`` in a plugin) costs an error line for
  that department (BATCH_WORKER_DIED); the rest of its work goes to a new worker;
- a department that takes longer than ``timeout`` seconds gets an error line
  (BATCH_TIMEOUT), its worker is killed and replaced;
- ``close()`` ends every worker at once, whatever it is doing.

Each worker holds at most two chunks, so the next one is already there when it finishes
one, and the memory in flight stays bounded.
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..errors import JixiaoError, Problem
from .provenance import RunProvenance
from .readers import Record
from .worker import BYTE_STATUS, Engines, Scored, failure_line, frame, frames, start

PER_WORKER = 2  # chunks a worker holds: the one it scores and the next
PACE = 0.003  # seconds between rounds while workers are busy: results are read a dozen at a time, not one wake-up each
MAX_IDLE_DEATHS = 20  # workers that die before taking any work: something is wrong with starting them


@dataclass(eq=False)
class Task:
    """One chunk of records, in input order, and the result of each as it arrives."""

    records: list[Record]
    results: list[Scored | None] = field(init=False)
    missing: int = field(init=False)

    def __post_init__(self) -> None:
        self.results = [None] * len(self.records)
        self.missing = len(self.records)

    def put(self, i: int, result: Scored) -> None:
        if self.results[i] is None:
            self.missing -= 1
        self.results[i] = result

    @property
    def done(self) -> bool:
        return self.missing == 0

    def first(self, n: int) -> list[Scored]:
        """The first ``n`` results, every one of them in (``n`` is at most ``ready_prefix()``)."""
        out: list[Scored] = []
        for result in self.results[:n]:
            assert result is not None
            out.append(result)
        return out

    def ready_prefix(self) -> int:
        """How many results from the start are in: what may be written when the batch stops."""
        n = 0
        while n < len(self.results) and self.results[n] is not None:
            n += 1
        return n


@dataclass(eq=False)
class Assignment:
    task: Task
    indices: list[int]  # positions in the task, scored in this order
    done: int = 0

    @property
    def current(self) -> int:
        return self.indices[self.done]


@dataclass(eq=False)
class Worker:
    pid: int
    sock: Any
    assigned: deque[Assignment] = field(default_factory=deque)
    inbox: bytearray = field(default_factory=bytearray)
    outbox: bytearray = field(default_factory=bytearray)
    since: float = 0.0  # when the department it is on was started
    exit_status: int | None = None


class Pool:
    def __init__(self, size: int, engines: Engines, run: RunProvenance, *, explain: bool, timeout: float):
        self.size, self.engines, self.run, self.explain, self.timeout = size, engines, run, explain, timeout
        self.queue: deque[Assignment] = deque()
        self.workers: list[Worker] = []
        self.selector = selectors.DefaultSelector()
        self.idle_deaths = 0

    def submit(self, task: Task) -> None:
        self.queue.append(Assignment(task, list(range(len(task.records)))))
        self._dispatch()

    def pump(self, wait: float = 0.2) -> None:
        """One round: send what the sockets take, read every result in, deal with dead and stuck workers."""
        if any(w.assigned for w in self.workers):
            time.sleep(PACE)
        for key, events in self.selector.select(wait if self.workers else 0):
            w: Worker = key.data
            if w not in self.workers:
                continue
            if events & selectors.EVENT_WRITE:
                self._send(w)
            if events & selectors.EVENT_READ:
                self._receive(w)
        for w in list(self.workers):
            if _exited(w) or self._overdue(w):
                self._receive(w)  # results that came in after the select are not the lost department's
                if _exited(w):
                    self._lost(w, self._death_problem(w))
                elif self._overdue(w):
                    rec = _record(w)
                    assert rec is not None  # overdue: it is on a department
                    self._lost(
                        w,
                        {
                            "code": errors.BATCH_TIMEOUT,
                            "message": f"部门“{rec.key}”（{rec.where or rec.key}）"
                            f"计分超过 {self.timeout:g} 秒仍未完成，"
                            "已中止：可能有插件陷入死循环或在等待；可用 --timeout 调整时限",
                        },
                    )
        self._dispatch()

    def _overdue(self, w: Worker) -> bool:
        return bool(w.assigned) and time.monotonic() - w.since > self.timeout

    def close(self) -> None:
        """End every worker now; results not yet read are dropped (their departments are scored on the next run)."""
        for w in self.workers:
            _kill(w)
        for w in self.workers:
            _reap(w)
            self._forget(w)
        self.workers.clear()
        self.selector.close()

    # ---- internals ----------------------------------------------------------------------

    def _spawn(self) -> Worker:
        try:
            started = start(self.engines, self.run, self.explain, [w.sock for w in self.workers])
        except OSError as exc:
            raise JixiaoError(
                Problem(
                    errors.BATCH_WORKER_START,
                    f"无法创建工作进程：{exc.strerror or exc}；"
                    "可减少 --jobs 后重新运行同一命令（已计分的部门不会重算）",
                )
            ) from None
        w = Worker(started.pid, started.sock)
        self.workers.append(w)
        self.selector.register(w.sock, selectors.EVENT_READ, w)
        return w

    def _dispatch(self) -> None:
        while self.queue:
            free = [w for w in self.workers if len(w.assigned) < PER_WORKER]
            idle = [w for w in free if not w.assigned]
            if idle:
                w = idle[0]
            elif len(self.workers) < self.size:
                w = self._spawn()
            elif free:
                w = min(free, key=lambda x: len(x.assigned))
            else:
                return
            a = self.queue.popleft()
            if not w.assigned:
                w.since = time.monotonic()
            w.assigned.append(a)
            w.outbox += frame(pickle.dumps([a.task.records[i] for i in a.indices], pickle.HIGHEST_PROTOCOL))
            self._send(w)

    def _send(self, w: Worker) -> None:
        try:
            while w.outbox:
                n = w.sock.send(w.outbox)
                del w.outbox[:n]
        except BlockingIOError:
            pass
        except OSError:  # the worker is gone; the next pump finds out how
            w.outbox.clear()
        self.selector.modify(w.sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if w.outbox else 0), w)

    def _receive(self, w: Worker) -> None:
        while True:
            try:
                chunk = w.sock.recv(1 << 20)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                chunk = b""
            if not chunk:
                if w.exit_status is None:
                    _kill(w)  # a closed socket is a lost worker, dead or not
                    _reap(w)
                break
            w.inbox += chunk
        for payload in frames(w.inbox):
            self._result(w, payload)

    def _result(self, w: Worker, payload: bytes) -> None:
        status = BYTE_STATUS.get(payload[0]) if payload and w.assigned else None
        if status is None:  # not a result line: something in the worker wrote to its socket
            _kill(w)
            return
        a: Assignment = w.assigned[0]
        a.task.put(a.current, Scored(status, payload[1:]))
        a.done += 1
        w.since = time.monotonic()
        if a.done == len(a.indices):
            w.assigned.popleft()

    def _lost(self, w: Worker, problem: dict[str, str]) -> None:
        _kill(w)
        _reap(w)
        self._forget(w)
        self.workers.remove(w)
        if not w.assigned:
            self.idle_deaths += 1
            if self.idle_deaths > MAX_IDLE_DEATHS:
                raise JixiaoError(
                    Problem(
                        errors.BATCH_WORKER_START,
                        f"工作进程连续 {self.idle_deaths} 次在开始计分前退出（{problem['message']}）",
                    )
                )
            return
        a: Assignment = w.assigned.popleft()
        rec = a.task.records[a.current]
        a.task.put(a.current, Scored("error", failure_line(rec, problem, self.run)))
        rest = [Assignment(a.task, a.indices[a.done + 1 :])] if a.done + 1 < len(a.indices) else []
        for later in reversed(rest + list(w.assigned)):
            self.queue.appendleft(Assignment(later.task, later.indices[later.done :]))

    def _death_problem(self, w: Worker) -> dict[str, str]:
        rec = _record(w)
        status = w.exit_status or 0
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            how = f"被信号 {_signal_name(sig)} 终止"
        else:
            how = f"以退出码 {os.WEXITSTATUS(status)} 退出"
        who = f"部门“{rec.key}”（{rec.where or rec.key}）" if rec is not None else "一个部门"
        return {
            "code": errors.BATCH_WORKER_DIED,
            "message": f"计分{who}时工作进程{how}（插件调用了 os._exit、进程被杀或内存不足？），该部门未计分",
        }

    def _forget(self, w: Worker) -> None:
        try:
            self.selector.unregister(w.sock)
        except (KeyError, ValueError):
            pass
        w.sock.close()


def _record(w: Worker) -> Record | None:
    if not w.assigned:
        return None
    a: Assignment = w.assigned[0]
    return a.task.records[a.current]


def _exited(w: Worker) -> bool:
    if w.exit_status is not None:
        return True
    try:
        pid, status = os.waitpid(w.pid, os.WNOHANG)
    except ChildProcessError:
        w.exit_status = 0
        return True
    if pid:
        w.exit_status = status
        return True
    return False


def _kill(w: Worker) -> None:
    if w.exit_status is None:
        try:
            os.kill(w.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _reap(w: Worker) -> None:
    if w.exit_status is not None:
        return
    deadline = time.monotonic() + 5
    while not _exited(w) and time.monotonic() < deadline:
        time.sleep(0.005)


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return str(sig)

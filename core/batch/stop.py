"""Ctrl-C and SIGTERM during a batch: stop soon, keep everything scored, say how to resume.

While departments are being scored a signal only raises a flag: the supervisor looks at
it at least five times a second, writes every result that is in (in input order), ends
the workers and raises ``BatchInterrupted``; pressing Ctrl-C again changes nothing, so a
result line is never cut by the second press. Before scoring starts (loading the pack
and plugins) and while the summary is written, there is nothing half-written to protect
(the summary files are replaced atomically), so the signal raises at once.

The exit status is the shell's convention for a process ended by a signal: 128 + the
signal number, 130 for Ctrl-C (SIGINT) and 143 for SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
NAMES: dict[int, str] = {signal.SIGINT: "Ctrl-C（SIGINT）", signal.SIGTERM: "SIGTERM"}


class BatchInterrupted(BaseException):
    """The batch was stopped by a signal; ``report`` holds what was written.

    A ``BaseException``, as ``KeyboardInterrupt`` is: code that catches ``Exception``
    (a plugin loader, a plugin) must not turn the user's Ctrl-C into an error message.
    """

    def __init__(self, signum: int, report: Any = None):
        super().__init__(f"interrupted by signal {signum}")
        self.signum, self.report = signum, report

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def signal_name(self) -> str:
        return NAMES.get(self.signum, f"信号 {self.signum}")


class StopSignals:
    """Installs the handlers for the life of a batch (only in the main thread) and restores the old ones."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.urgent = True  # raise at once (nothing half-written); False while results are being written
        self._saved: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, old in self._saved.items():
            signal.signal(sig, old)

    def _handle(self, signum: int, frame: Any) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
        if self.urgent and first:  # raised once: a second press must not replace the exception on its way out
            raise BatchInterrupted(signum)

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def check(self) -> None:
        if self.signum is not None:
            raise BatchInterrupted(self.signum)


class LateSignals:
    """Around a whole command: a second Ctrl-C that arrives after the batch stopped, while the
    command prints its last message and exits, changes nothing (no traceback, no other status).

    Once the batch was interrupted (``keep``), the handlers are not restored: the process is
    on its way out with 130 or 143, and a signal during interpreter shutdown would turn that
    into a death by signal. A command that ends otherwise restores the caller's handlers.
    """

    def __init__(self) -> None:
        self._saved: dict[int, Any] = {}
        self.kept = False

    def keep(self) -> None:
        self.kept = True

    def __enter__(self) -> LateSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._saved[sig] = signal.signal(sig, signal.SIG_IGN)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.kept:
            return
        for sig, old in self._saved.items():
            signal.signal(sig, old)

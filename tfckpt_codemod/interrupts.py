"""SIGINT, SIGTERM and SIGHUP end a run the same way: cleanly, with one line and exit status 128 + the signal.

By default SIGTERM and SIGHUP kill Python on the spot: no `finally` runs, so a temp file being written stays behind
and the worker processes, which nobody told, keep running (and keep the terminal's stderr open). Inside
`interrupts_handled` each of the three raises `Interrupted` in the main thread instead, like Ctrl-C raises
KeyboardInterrupt: the write in progress removes its temp file, the runner terminates its workers, and the command
line prints `tfckpt-migrate: error: interrupted by SIGTERM; ...` and exits with 143 (130 for Ctrl-C, 129 for
SIGHUP), the status a shell reports for a process the signal killed. A second signal during that cleanup is ignored.

Inside `deferred()` (creating a temp file and recording it) the handler only notes the signal, and `Interrupted` is
raised when the block ends: an interruption can never come between a file being created and being recorded for
cleanup. Blocking the signal with `pthread_sigmask` would not do: it blocks it for one thread only, the kernel then
delivers it to another thread of the process (a pool's feeder thread, the deep-stack thread), and Python runs the
handler in the main thread all the same.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(BaseException):
    """A signal asked the run to stop. BaseException, like KeyboardInterrupt, so no `except Exception` eats it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_state = {"deferring": 0, "pending": 0}


@contextmanager
def deferred() -> Iterator[None]:
    """A signal that arrives inside the block is raised as Interrupted when the block ends."""
    _state["deferring"] += 1
    try:
        yield
    finally:
        _state["deferring"] -= 1
    if not _state["deferring"] and _state["pending"]:
        signum, _state["pending"] = _state["pending"], 0
        raise Interrupted(signum)


@contextmanager
def interrupts_handled() -> Iterator[None]:
    """Within the block, SIGINT/SIGTERM/SIGHUP raise Interrupted (once); the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a caller embedding us keeps its own
        return
    fired = False

    def handler(signum: int, frame: object) -> None:
        nonlocal fired
        if fired:
            return
        fired = True
        if _state["deferring"]:
            _state["pending"] = signum
            return
        raise Interrupted(signum)

    previous = {}
    for signum in SIGNALS:
        try:
            previous[signum] = signal.signal(signum, handler)
        except (OSError, ValueError):
            pass
    try:
        yield
    finally:
        _state["pending"] = 0
        for signum, old in previous.items():
            try:
                signal.signal(signum, old)
            except (OSError, ValueError, TypeError):
                pass

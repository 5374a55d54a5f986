"""Output streams that a closed pipe cannot turn into a stopped run.

`tfckpt-migrate --write --diff src | head -1`: `head` exits after one line, the next write to stdout fails with
EPIPE, and without care that exception ends the run after the second file, silently, with the rest unwritten.
Whether files get written must not depend on whether someone reads the diffs. So stdout and stderr are wrapped:
after the first EPIPE the stream drops what it is given (its descriptor is pointed at /dev/null so that Python's
final flush cannot complain either), the run goes on, every file is still written, and the exit status is the one
the run would have had otherwise. One note on stderr (when stderr is still open) says that output was cut short.
"""

from __future__ import annotations

import errno
import os
from typing import IO, Any, Protocol


class TextOut(Protocol):
    """What the reporter writes to: a text stream, a PipeSafe around one, or the --report file."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class PipeSafe:
    """A text stream that stops writing, quietly, once its reader has gone away."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if self.broken:
            return len(text)
        try:
            return self._stream.write(text)
        except OSError as error:
            self._broke(error)
            return len(text)

    def flush(self) -> None:
        if self.broken:
            return
        try:
            self._stream.flush()
        except OSError as error:
            self._broke(error)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def isatty(self) -> bool:
        try:
            return self._stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, buffer, ... as the real stream has them
        return getattr(self._stream, name)

    def _broke(self, error: OSError) -> None:
        if error.errno not in (errno.EPIPE, errno.EINVAL) and not isinstance(error, BrokenPipeError):
            raise error
        self.broken = True
        try:  # what is still buffered would fail again at exit; from now on the descriptor leads nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass


BROKEN_NOTE = ("tfckpt-migrate: note: the output pipe was closed before the output ended (broken pipe); the rest "
               "of the output was dropped, every file was still processed")

"""`--report FILE`, written so that it can never cost the user a file or the run.

The report is written to a temp file beside FILE during the run and moved over FILE (`os.replace`) at the end, so
FILE is either its old self or the whole report, never truncated halfway. A FILE that is one of the run's inputs
(`--report train.py .`) is refused before anything is read or written. A write error (a full disk) is remembered,
not raised: the run goes on, and at the end the command line prints one `FILE: error: ...` line and exits with 2.
A FILE that exists and is not a regular file (`/dev/stdout`, a FIFO) is written to directly: there is nothing there
to replace, and replacing a device node would be wrong.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterable
from pathlib import Path


class ReportError(Exception):
    """A one-line reason the report cannot be written; the message is complete."""


class ReportFile:
    """A text stream the Reporter writes to; `commit()` puts it in place."""

    def __init__(self, path: Path) -> None:
        from tfckpt_codemod.fileio import LIVE_TEMP_FILES
        from tfckpt_codemod.interrupts import deferred
        from tfckpt_codemod.quoting import display_path

        self.path = path
        self.shown = display_path(str(path))
        self.error: str | None = None
        self._tmp: str | None = None
        self._target = Path(os.path.realpath(path))
        try:
            info = os.stat(self._target)
        except FileNotFoundError:
            info = None
        except OSError as error:
            raise ReportError(f"cannot write the report {self.shown}: {error.strerror or error}") from None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise ReportError(f"cannot write the report {self.shown}: it is a directory")
        self._mode = stat.S_IMODE(info.st_mode) if info is not None else _default_mode()
        try:
            if info is not None and not stat.S_ISREG(info.st_mode):  # /dev/stdout, a FIFO with a reader
                fd = os.open(self._target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
                os.set_blocking(fd, True)
            else:
                import tempfile

                with deferred():
                    fd, self._tmp = tempfile.mkstemp(prefix=f".{self._target.name}.tfckpt-", suffix=".tmp",
                                                     dir=self._target.parent)
                    LIVE_TEMP_FILES.add(self._tmp)
        except OSError as error:
            raise ReportError(f"cannot write the report {self.shown}: {error.strerror or error}") from None
        self._stream = io.TextIOWrapper(io.FileIO(fd, "w"), encoding="utf-8", newline="\n")

    # -- what the Reporter calls ----------------------------------------------------------------------------------
    def write(self, text: str) -> int:
        if self.error is None:
            try:
                self._stream.write(text)
            except OSError as error:
                self.error = error.strerror or str(error)
        return len(text)

    def flush(self) -> None:
        if self.error is None:
            try:
                self._stream.flush()
            except OSError as error:
                self.error = error.strerror or str(error)

    # -- end of run -----------------------------------------------------------------------------------------------
    def refuse_inputs(self, given: Iterable[str], files: Iterable[str]) -> None:
        """ReportError if the report would replace a path given on the command line or a file the run reads."""
        target = str(self._target)
        for path in given:
            if os.path.realpath(path) == target:
                self.discard()
                raise ReportError(f"the report {self.shown} is one of the paths to migrate; "
                                  "choose another file for --report")
        name = self._target.name
        for path in files:
            if os.path.basename(path) == name and os.path.realpath(path) == target:
                self.discard()
                raise ReportError(f"the report {self.shown} is a file this run migrates; "
                                  "choose another file for --report")

    def commit(self) -> str | None:
        """Put the report in place; a one-line error (the report path is then untouched) or None."""
        from tfckpt_codemod.fileio import LIVE_TEMP_FILES, remove_temp_file

        try:
            if self.error is None:
                self._stream.flush()
                if self._tmp is not None:
                    os.fsync(self._stream.fileno())
                    os.fchmod(self._stream.fileno(), self._mode)
            self._stream.close()
        except OSError as error:
            self.error = self.error or error.strerror or str(error)
            try:
                self._stream.close()
            except OSError:
                pass
        if self._tmp is not None:
            if self.error is None:
                try:
                    os.replace(self._tmp, self._target)
                except OSError as error:
                    self.error = error.strerror or str(error)
                else:
                    LIVE_TEMP_FILES.discard(self._tmp)
            if self.error is not None:
                remove_temp_file(self._tmp)
        if self.error is not None:
            return f"{self.shown}: error: cannot write the report: {self.error}" + (
                "; the file is unchanged" if self._tmp is not None else "")
        return None

    def discard(self) -> None:
        from tfckpt_codemod.fileio import remove_temp_file

        try:
            self._stream.close()
        except OSError:
            pass
        if self._tmp is not None:
            remove_temp_file(self._tmp)


def _default_mode() -> int:
    """What `open(path, "w")` would give a new file: 0666 less the umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask

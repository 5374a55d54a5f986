"""Reading and writing user files without ever losing a byte.

Writes go to a temp file in the same directory, are fsynced, and replace the original with `os.replace`, so a crash,
Ctrl-C or full disk leaves either the old file or the new one, never a mix. A file whose bytes on disk are no longer
those the engine read is not overwritten: someone (an editor, another tool) changed it during the run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class FileChangedError(OSError):
    """The file on disk is not what the engine read; writing would lose someone else's edit."""


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class NeedleReader:
    """Reads file after file through one reusable buffer and keeps a file's bytes only if they contain `needle`.

    On a tree that needs nothing, almost every file is read only to be dropped; allocating its bytes was a third of
    the time such a run takes.
    """

    def __init__(self, needle: bytes) -> None:
        self._needle = needle
        self._buffer = bytearray(1 << 16)

    def read(self, path: str | os.PathLike[str]) -> bytes | None:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            size = 0
            while True:
                if size == len(self._buffer):
                    self._buffer.extend(bytes(len(self._buffer)))
                with memoryview(self._buffer) as view:
                    count = os.readv(fd, [view[size:]])
                if not count:
                    break
                size += count
        finally:
            os.close(fd)
        if self._buffer.find(self._needle, 0, size) < 0:
            return None
        return bytes(self._buffer[:size])


def write_if_unchanged(path: str | os.PathLike[str], old: bytes, new: bytes) -> None:
    """Atomically replace `path` with `new`, provided it still holds `old`; keep its permission bits."""
    target = Path(path)
    # A symlink is written through to the file it names, so the link itself survives.
    target = Path(os.path.realpath(target))
    if read_bytes(target) != old:
        raise FileChangedError(f"{path} changed on disk during the run; not overwritten")
    import tempfile  # only runs that write need it

    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tfckpt-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        # Checked again as late as possible: the window for a lost concurrent edit is only this replace.
        if read_bytes(target) != old:
            raise FileChangedError(f"{path} changed on disk during the run; not overwritten")
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise

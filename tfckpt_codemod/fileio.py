"""Reading and writing user files without ever losing a byte, an owner or an attribute.

Only regular files are read: a FIFO would block the run forever, a device could be endless. Files found by walking a
directory are known to be regular from the directory listing; a path named on the command line is checked with a
`stat` before it is opened, and every open is non-blocking, so even a file swapped for a FIFO meanwhile cannot hang
the run.

Writes go to a temp file in the same directory, are fsynced, and replace the original with `os.replace`, so a crash,
Ctrl-C or full disk leaves either the old file or the new one, never a mix. The temp file gets the original's owner,
group, permission bits and extended attributes before it replaces it; when one of them cannot be kept (a file owned
by someone else, an attribute the filesystem refuses) the file is not written and the run says why. A file the user
may not write (`os.access(path, os.W_OK)`, which for root, like `open(path, "r+")`, ignores a read-only mode) and a
file with more than one hard link (the replace would split the links) are refused too. A file whose bytes on disk
are no longer those the engine read is not overwritten: someone (an editor, another tool) changed it during the run.
Every temp file is recorded in LIVE_TEMP_FILES as it is created (an interruption waits for that: see
`interrupts.deferred`), so an interrupted run can remove it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | \
    getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)

# Temp files this process has created and not yet renamed or removed: what an interrupted run cleans up.
LIVE_TEMP_FILES: set[str] = set()


class FileChangedError(OSError):
    """The file on disk is not what the engine read; writing would lose someone else's edit."""


class NotRegularFileError(OSError):
    """A FIFO, socket, device or directory where a source file was expected; the message is the reason."""


class RefusedWriteError(OSError):
    """Writing would lose something the file has (its owner, an attribute, a hard link) or the user may not write
    it; the message is the one-line reason, the file is unchanged."""


def special_kind(mode: int) -> str | None:
    """What a non-regular file is, in words ("a FIFO"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "not a regular file"


def not_regular(kind: str) -> NotRegularFileError:
    return NotRegularFileError(f"not a regular file ({kind}); not read")


def check_regular(path: str | os.PathLike[str]) -> None:
    """Raises NotRegularFileError (or what `stat` raises) unless `path` names a regular file; never opens it."""
    kind = special_kind(os.stat(path).st_mode)
    if kind is not None:
        raise not_regular(kind)


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """A regular file's bytes (at most `limit` + 1 of them), opened without blocking; NotRegularFileError for
    anything else. For the small files the tool reads besides sources: pyproject.toml, .gitignore, .git."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        kind = special_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise not_regular(kind)
        chunks = []
        size = 0
        while limit is None or size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    return read_regular(path)


class NeedleReader:
    """Reads file after file through one reusable buffer and keeps a file's bytes only if they contain `needle`.

    On a tree that needs nothing, almost every file is read only to be dropped; allocating its bytes was a third of
    the time such a run takes. Files are opened without blocking and checked with `fstat` only once they outgrow
    the first buffer, so the common small file costs open, read and close, and a file that turned into a FIFO or a
    device since the directory was listed cannot hang or flood the run. `wide` tells, after a miss, whether the
    file names the needle in UTF-16 or UTF-32 (which the byte search cannot see).
    """

    def __init__(self, needle: bytes) -> None:
        self._needle = needle
        self._buffer = bytearray(1 << 16)
        self.wide: str | None = None

    def read(self, path: str | os.PathLike[str]) -> bytes | None:
        self.wide = None
        fd = os.open(path, _OPEN_FLAGS)
        try:
            size = 0
            checked = False
            while True:
                if size == len(self._buffer):
                    if not checked:
                        info = os.fstat(fd)
                        kind = special_kind(info.st_mode)
                        if kind is not None:
                            raise not_regular(kind)
                        checked = True
                        grow = max(len(self._buffer), info.st_size + 1 - len(self._buffer))
                    else:
                        grow = len(self._buffer)
                    self._buffer.extend(bytes(grow))
                with memoryview(self._buffer) as view, view[size:] as rest:
                    count = _read_into(fd, rest)
                if count is None:  # a FIFO after all (it replaced the file after the listing)
                    raise not_regular("a FIFO")
                if not count:
                    break
                size += count
        finally:
            os.close(fd)
        if self._buffer.find(self._needle, 0, size) < 0:
            if size > 1 and (not self._buffer[0] or not self._buffer[1] or self._buffer[0] in (0xFF, 0xFE)):
                from tfckpt_codemod.encoding import wide_tensorflow

                self.wide = wide_tensorflow(bytes(self._buffer[:size]))
            return None
        return bytes(self._buffer[:size])


def _readv_into(fd: int, view: memoryview) -> int | None:
    """One read straight into the buffer; None when a non-blocking descriptor has nothing yet (a FIFO)."""
    try:
        return os.readv(fd, [view])
    except BlockingIOError:
        return None


def _file_into(fd: int, view: memoryview) -> int | None:
    """The same through a raw file object, where the platform has no `readv` (Windows): it answers None itself."""
    with open(fd, "rb", buffering=0, closefd=False) as raw:
        return raw.readinto(view)


# `readv` saves creating a file object (and its `fstat`) per file, which a tree with no contrib is mostly made of.
_read_into = _readv_into if hasattr(os, "readv") else _file_into


def write_reason(path: str | os.PathLike[str], old: bytes, new: bytes) -> str | None:
    """`write_if_unchanged`, with its failure as the one line the user reads (None: written)."""
    try:
        write_if_unchanged(path, old, new)
    except FileChangedError:
        return "changed on disk during the run; not overwritten"
    except RefusedWriteError as error:
        return str(error)
    except OSError as error:
        return f"cannot write: {error.strerror or error}; the file is unchanged"
    return None


def write_if_unchanged(path: str | os.PathLike[str], old: bytes, new: bytes) -> None:
    """Atomically replace `path` with `new`, provided it still holds `old`; keep its owner, group, permission bits
    and extended attributes, or raise RefusedWriteError and leave it alone."""
    target = Path(path)
    # A symlink is written through to the file it names, so the link itself survives.
    target = Path(os.path.realpath(target))
    info = os.stat(target)
    kind = special_kind(info.st_mode)
    if kind is not None:
        raise RefusedWriteError(f"{kind}, not a regular file; not overwritten")
    _check_writable(target, info)
    if read_bytes(target) != old:
        raise FileChangedError(f"{path} changed on disk during the run; not overwritten")
    import tempfile  # only runs that write need it

    from tfckpt_codemod.interrupts import deferred

    tmp: str | None = None
    handle = None
    try:
        # An interruption waits until the temp file exists, is recorded and is owned by `handle`; it then unwinds
        # through the cleanup below. (Outside such a block it could fall between two of these steps.)
        with deferred():
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tfckpt-", suffix=".tmp", dir=target.parent)
            LIVE_TEMP_FILES.add(tmp)
            handle = os.fdopen(fd, "wb")
        with handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
            _keep_metadata(handle.fileno(), tmp, target, info)
        # Checked again as late as possible: the window for a lost concurrent edit is only this replace.
        if read_bytes(target) != old:
            raise FileChangedError(f"{path} changed on disk during the run; not overwritten")
        os.replace(tmp, target)
        LIVE_TEMP_FILES.discard(tmp)
    except BaseException:
        # The cleanup must not replace the exception that brought us here (an interruption above all).
        if handle is not None:
            try:
                handle.close()
            except OSError:
                pass
        if tmp is not None:
            try:
                remove_temp_file(tmp)
            except OSError:
                pass
        raise


def remove_temp_file(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    LIVE_TEMP_FILES.discard(tmp)


def remove_live_temp_files() -> None:
    """What an interrupted run calls last: no temp file of this process stays behind."""
    for tmp in list(LIVE_TEMP_FILES):
        try:
            remove_temp_file(tmp)
        except OSError:
            pass


def _check_writable(target: Path, info: os.stat_result) -> None:
    effective = os.access in getattr(os, "supports_effective_ids", ())
    if not os.access(target, os.W_OK, effective_ids=effective):
        raise RefusedWriteError(f"the file is not writable by this user (mode {stat.S_IMODE(info.st_mode):04o}); "
                                "not overwritten")
    if info.st_nlink > 1:
        raise RefusedWriteError(f"the file has {info.st_nlink} hard links and replacing it would separate them; "
                                "not overwritten")


def _keep_metadata(fd: int, tmp: str, target: Path, info: os.stat_result) -> None:
    """Owner and group first (chown clears set-id bits), then extended attributes, then the permission bits."""
    mine = os.fstat(fd)
    if hasattr(os, "fchown") and (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.fchown(fd, info.st_uid, info.st_gid)
        except OSError as error:
            raise RefusedWriteError(
                f"cannot keep the file's owner and group ({_owner(info)}): {error.strerror or error}; "
                "not overwritten") from None
    _copy_xattrs(fd, target)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(info.st_mode))
    else:  # Windows: only the read-only bit, by name
        os.chmod(tmp, stat.S_IMODE(info.st_mode))


def _copy_xattrs(fd: int, target: Path) -> None:
    if not hasattr(os, "listxattr"):
        return  # the platform has no extended attributes through os
    import errno

    try:
        names = os.listxattr(target)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP), errno.ENODATA):
            return
        raise RefusedWriteError(f"cannot read the file's extended attributes: {error.strerror or error}; "
                                "not overwritten") from None
    for name in names:
        try:
            value = os.getxattr(target, name)
        except OSError as error:
            raise RefusedWriteError(f"cannot read the extended attribute {name}: {error.strerror or error}; "
                                    "not overwritten") from None
        try:
            if os.getxattr(fd, name) == value:
                continue  # the new file has it already (a security label the system gives every file, say)
        except OSError:
            pass
        try:
            os.setxattr(fd, name, value)
        except OSError as error:
            raise RefusedWriteError(f"cannot keep the extended attribute {name}: {error.strerror or error}; "
                                    "not overwritten") from None


def _owner(info: os.stat_result) -> str:
    """`user:group` of a file, by name where the system knows them."""
    try:
        import grp
        import pwd
    except ImportError:  # not POSIX
        return f"{info.st_uid}:{info.st_gid}"
    try:
        user = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        user = str(info.st_uid)
    try:
        group = grp.getgrgid(info.st_gid).gr_name
    except KeyError:
        group = str(info.st_gid)
    return f"{user}:{group}"

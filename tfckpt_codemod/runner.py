"""Many files: read and prefilter in this process, migrate candidates in a process pool, write, stream results.

Results reach the caller in sorted path order whatever `-j` is, so output is byte-identical for every job count.
Only a bounded window of results is in flight, so memory does not grow with the size of the tree. Files are read
once, here: the prefilter needs the bytes anyway, and the worker migrates exactly the bytes the write check compares.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from pathlib import Path

from tfckpt_codemod.discovery import Discovered
from tfckpt_codemod.engine import could_apply, migrate_source
from tfckpt_codemod.fileio import FileChangedError, read_bytes, write_if_unchanged
from tfckpt_codemod.types import FileResult

# Below this many candidate files a pool costs more (fork, imports, pickling) than it saves.
POOL_THRESHOLD = 24


@dataclass(frozen=True)
class RunOptions:
    codes: tuple[str, ...]  # selected rule codes
    write: bool = False
    jobs: int = 1


@dataclass
class RunStats:
    seen: int = 0
    parsed: int = 0
    changed: int = 0
    written: int = 0
    errors: int = 0
    findings: int = 0
    fact_files: list[str] = field(default_factory=list)  # files whose checkpoints informed other files


def _rules(codes: Sequence[str]) -> tuple[type, ...]:
    from tfckpt_codemod.transforms import RULES

    wanted = set(codes)
    return tuple(rule for rule in RULES if rule.CODE in wanted)


def _migrate(path: str, data: bytes, codes: tuple[str, ...], project: object | None) -> FileResult:
    try:
        return migrate_source(data, path, rules=_rules(codes), project=project)
    except RecursionError:
        return FileResult(path=path, old=data, error="too deeply nested for the parser; not migrated")
    except Exception as error:  # a bug of ours must not cost the user the rest of the run
        return FileResult(path=path, old=data, error=f"internal error ({type(error).__name__}: {error}); "
                          "not migrated, please report it")


def _facts(path: str, data: bytes) -> tuple:
    from tfckpt_codemod.transforms import collect_facts

    try:
        return collect_facts(data, path)
    except Exception:  # a file the fact pass cannot read simply contributes nothing
        return ()


def _read(item: Discovered) -> tuple[bytes | None, str | None]:
    path = item.path
    if path.is_dir():
        return None, "is a directory"
    if path.is_symlink() and not item.explicit:
        target = os.path.realpath(path)
        if not os.path.exists(target):
            return None, "broken symbolic link"
    try:
        return read_bytes(path), None
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"


def _make_pool(jobs: int) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform.startswith("linux") else None
    # Import the heavy modules before forking so every worker inherits them instead of importing again.
    import libcst  # noqa: F401

    import tfckpt_codemod.transforms  # noqa: F401

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


def run(files: Sequence[Discovered], options: RunOptions,
        on_progress: Callable[[int], None] | None = None) -> Iterator[FileResult]:
    """Yields one FileResult per file, in the order of `files` (discovery sorts them)."""
    rules = _rules(options.codes)
    triggers = tuple(t for rule in rules for t in rule.TRIGGERS)
    fact_rule = any(getattr(rule, "CROSS_FILE", False) for rule in rules)

    candidates = 0
    reads: list[tuple[Discovered, bytes | None, str | None]] = []
    # First pass: read and prefilter. Only paths and the candidates' bytes are kept, never the whole tree's text.
    for item in files:
        data, error = _read(item)
        if data is not None and could_apply(data, triggers):
            candidates += 1
            reads.append((item, data, None))
        else:
            reads.append((item, None, error))
    pool = _make_pool(options.jobs) if options.jobs > 1 and candidates >= POOL_THRESHOLD else None
    try:
        project = _project_facts(reads, pool) if fact_rule and candidates > 1 else None
        yield from _migrate_all(reads, options, project, pool, on_progress)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _project_facts(reads: list[tuple[Discovered, bytes | None, str | None]], pool: Executor | None) -> object:
    from tfckpt_codemod.transforms._base import ProjectFacts

    todo = [(str(item.path), data) for item, data, _ in reads if data is not None and b"Checkpoint" in data]
    if pool is not None:
        results = list(pool.map(_facts, [p for p, _ in todo], [d for _, d in todo], chunksize=16))
    else:
        results = [_facts(path, data) for path, data in todo]
    saved = []
    for (path, _), facts in zip(todo, results):
        for fact in facts:
            if fact.saves:
                saved.append((path, fact.line, fact.keywords))
    return ProjectFacts(saved=tuple(saved))


def _migrate_all(reads: list[tuple[Discovered, bytes | None, str | None]], options: RunOptions, project: object,
                 pool: Executor | None, on_progress: Callable[[int], None] | None) -> Iterator[FileResult]:
    window: deque[tuple[Discovered, Future[FileResult] | FileResult]] = deque()
    limit = max(1, options.jobs) * 8
    done = 0
    for index in range(len(reads)):
        item, data, error = reads[index]
        reads[index] = (item, None, None)  # drop the bytes as soon as they are handed on
        path = str(item.path)
        if data is None:
            window.append((item, FileResult(path=path, error=error)))
        elif pool is not None:
            window.append((item, pool.submit(_migrate, path, data, options.codes, project)))
        else:
            window.append((item, _migrate(path, data, options.codes, project)))
        while len(window) > limit or (window and not isinstance(window[0][1], Future)):
            done += 1
            yield _finish(*window.popleft(), options)
            if on_progress is not None:
                on_progress(done)
    while window:
        done += 1
        yield _finish(*window.popleft(), options)
        if on_progress is not None:
            on_progress(done)


def _finish(item: Discovered, pending: Future[FileResult] | FileResult, options: RunOptions) -> FileResult:
    result = pending.result() if isinstance(pending, Future) else pending
    if not options.write or not result.changed or result.error is not None:
        return result
    assert result.old is not None and result.new is not None
    try:
        write_if_unchanged(Path(result.path), result.old, result.new)
    except FileChangedError:
        return replace(result, error="changed on disk during the run; not overwritten")
    except OSError as error:
        return replace(result, error=f"cannot write: {error.strerror or error}; the file is unchanged")
    return replace(result, written=True)

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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tfckpt_codemod.discovery import Discovered
from tfckpt_codemod.engine import REQUIRED_TEXT, could_apply, migrate_source, reaches_tensorflow
from tfckpt_codemod.fileio import FileChangedError, NeedleReader, write_if_unchanged
from tfckpt_codemod.types import FileResult

if TYPE_CHECKING:  # the pool's modules load only when a run uses a pool
    from concurrent.futures import Executor, Future

    from tfckpt_codemod.transforms._base import ProjectFacts

# Below this many candidate files a pool costs more (fork, imports, pickling) than it saves.
POOL_THRESHOLD = 24
BATCH = 8  # files a pool task carries


@dataclass(frozen=True)
class RunOptions:
    codes: tuple[str, ...]  # selected rule codes
    write: bool = False
    jobs: int = 1


def _migrate(path: str, data: bytes, codes: tuple[str, ...], project: object | None) -> FileResult:
    from tfckpt_codemod.transforms import load_rules

    try:
        return migrate_source(data, path, rules=load_rules(codes), project=project)
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


def _read(item: Discovered, reader: NeedleReader) -> tuple[bytes | None, str | None]:
    """The file's bytes if it names tensorflow (else None, and no error). Open first and ask questions only when
    that fails: a stat per file is a third of a no-contrib run."""
    try:
        return reader.read(item.path), None
    except IsADirectoryError:
        return None, "is a directory"
    except OSError as error:
        if isinstance(error, FileNotFoundError) and not item.explicit and os.path.islink(item.path):
            return None, "broken symbolic link"
        return None, f"cannot read: {error.strerror or error}"


def _make_pool(jobs: int, codes: tuple[str, ...]) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from tfckpt_codemod.transforms import load_rules

    # Load the parser and the rules before forking, so every worker inherits them instead of importing again.
    load_rules(codes)
    method = "fork" if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


def _migrate_batch(batch: list[tuple[str, bytes]], codes: tuple[str, ...], project: object | None
                   ) -> list[FileResult]:
    """Several files a task: one pickle round trip per batch instead of one per file. The original bytes are not
    sent back: the parent still has them."""
    return [replace(_migrate(path, data, codes, project), old=None) for path, data in batch]


def run(files: Sequence[Discovered], options: RunOptions, on_progress: Callable[[int], None] | None = None,
        contributors: list[str] | None = None) -> Iterator[FileResult]:
    """Yields one FileResult per file, in the order of `files` (discovery sorts them).

    `contributors`, when given, receives the files whose saved checkpoints the others' restores are compared with.
    """
    from tfckpt_codemod.transforms import CROSS_FILE_CODES, triggers as rule_triggers

    triggers = rule_triggers(options.codes)
    fact_rule = bool(CROSS_FILE_CODES.intersection(options.codes))

    candidates = 0
    reads: list[tuple[Discovered, bytes | None, str | None]] = []
    savers: list[tuple[str, bytes]] = []  # files that may save a checkpoint, for the run-wide fact pass
    # First pass: read and prefilter. Only paths and the candidates' bytes are kept, never the whole tree's text.
    reader = NeedleReader(REQUIRED_TEXT)
    for item in files:
        data, error = _read(item, reader)
        if data is None:  # most files of most trees stop at this one search, and are never copied
            reads.append((item, None, error))
            continue
        if fact_rule and _may_save_checkpoint(data):
            savers.append((item.path, data))
        if could_apply(data, triggers):
            candidates += 1
            reads.append((item, data, None))
        else:
            reads.append((item, None, error))
    # A pool sized to the work: none for a handful of files, and no more workers than there are batches to give.
    workers = min(options.jobs, (candidates + BATCH - 1) // BATCH)
    pool = _make_pool(workers, options.codes) if workers > 1 and candidates >= POOL_THRESHOLD else None
    try:
        project = _project_facts(savers, pool) if savers and candidates else None
        savers = []
        if project is not None:
            if contributors is not None:
                contributors.extend(dict.fromkeys(path for path, _, _ in project.saved))
            project = project.compact()
        yield from _migrate_all(reads, options, project, pool, on_progress)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _may_save_checkpoint(data: bytes) -> bool:
    """Only saving files contribute facts: a fact is "this file saves a checkpoint of these objects"."""
    return b"Checkpoint" in data and (b".save(" in data or b".write(" in data) and reaches_tensorflow(data)


def _project_facts(todo: list[tuple[str, bytes]], pool: Executor | None) -> ProjectFacts:
    if pool is not None:
        results = list(pool.map(_facts, [p for p, _ in todo], [d for _, d in todo], chunksize=16))
    else:
        results = [_facts(path, data) for path, data in todo]
    from tfckpt_codemod.transforms._base import ProjectFacts

    saved = []
    for (path, _), facts in zip(todo, results):
        for fact in facts:
            if fact.saves:
                saved.append((path, fact.line, fact.keywords))
    return ProjectFacts(saved=tuple(saved))


class _Slot:
    """A file's place in the output order: its result, or the batch that will hold it."""

    __slots__ = ("item", "result", "future", "index", "data")

    def __init__(self, item: Discovered, result: FileResult | None = None, data: bytes | None = None) -> None:
        self.item = item
        self.result = result
        self.future: Future[list[FileResult]] | None = None
        self.index = 0
        self.data = data  # the bytes a worker migrates, until its result comes back


def _migrate_all(reads: list[tuple[Discovered, bytes | None, str | None]], options: RunOptions, project: object,
                 pool: Executor | None, on_progress: Callable[[int], None] | None) -> Iterator[FileResult]:
    window: deque[_Slot] = deque()
    batch: list[tuple[str, bytes]] = []
    waiting: list[_Slot] = []  # slots of the batch being filled
    limit = max(1, options.jobs) * BATCH * 4
    done = 0

    def submit() -> None:
        if not batch:
            return
        assert pool is not None
        from concurrent.futures.process import BrokenProcessPool

        try:
            future = pool.submit(_migrate_batch, list(batch), options.codes, project)
        except BrokenProcessPool:
            for slot in waiting:
                slot.result = FileResult(path=slot.item.path, error=CRASHED)
        else:
            for index, slot in enumerate(waiting):
                slot.future, slot.index = future, index
        batch.clear()
        waiting.clear()

    for index in range(len(reads)):
        item, data, error = reads[index]
        reads[index] = (item, None, None)  # drop the bytes as soon as they are handed on
        path = item.path
        if data is None:
            slot = _Slot(item, FileResult(path=path, error=error))
        elif pool is None:
            slot = _Slot(item, _migrate(path, data, options.codes, project))
        else:
            slot = _Slot(item, data=data)
            batch.append((path, data))
            waiting.append(slot)
            if len(batch) >= BATCH:
                submit()
        window.append(slot)
        while window and (len(window) > limit or window[0].result is not None):
            if window[0].future is None and window[0].result is None:
                submit()
            done += 1
            yield _finish(window.popleft(), options)
            if on_progress is not None:
                on_progress(done)
    submit()
    while window:
        done += 1
        yield _finish(window.popleft(), options)
        if on_progress is not None:
            on_progress(done)


CRASHED = "not migrated: a worker process crashed during the run (the file may be pathological); please report it"


def _finish(slot: _Slot, options: RunOptions) -> FileResult:
    result = slot.result
    if result is None:
        assert slot.future is not None
        from concurrent.futures.process import BrokenProcessPool

        try:
            result = replace(slot.future.result()[slot.index], old=slot.data)
        except BrokenProcessPool:
            result = FileResult(path=slot.item.path, error=CRASHED)
    if not options.write or not result.changed or result.error is not None:
        return result
    assert result.old is not None and result.new is not None
    try:
        write_if_unchanged(result.path, result.old, result.new)
    except FileChangedError:
        return replace(result, error="changed on disk during the run; not overwritten")
    except OSError as error:
        return replace(result, error=f"cannot write: {error.strerror or error}; the file is unchanged")
    return replace(result, written=True)

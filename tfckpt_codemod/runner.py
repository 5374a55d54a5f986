"""Many files: read and prefilter in this process, migrate candidates in a process pool, write, stream results.

Results reach the caller in sorted path order whatever `-j` is, so output is byte-identical for every job count.
Only a bounded window of results is in flight, so memory does not grow with the size of the tree. Files are read
once, here: the prefilter needs the bytes anyway, and the worker migrates exactly the bytes the write check compares.

A worker that dies (a crash in native code) breaks the whole pool, and every file in flight with it. Those files are
migrated again one at a time in a separate worker, so only the file that kills it again is reported, and the pool is
started afresh for the rest of the run. Interrupted runs (Ctrl-C, SIGTERM, SIGHUP) terminate the workers instead of
waiting for them; workers ignore Ctrl-C themselves and die with their parent.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tfckpt_codemod.collection import freeze_loaded, resume
from tfckpt_codemod.discovery import Discovered
from tfckpt_codemod.engine import REQUIRED_TEXT, could_apply, migrate_source
from tfckpt_codemod.facts import collect_facts, combine_facts, for_file
from tfckpt_codemod.fileio import NeedleReader, NotRegularFileError, check_regular, write_reason
from tfckpt_codemod.limits import DEFAULT_MAX_FILE_SIZE, size_error
from tfckpt_codemod.types import FileResult

if TYPE_CHECKING:  # the pool's modules load only when a run uses a pool
    import multiprocessing
    from concurrent.futures import Executor, Future

    from tfckpt_codemod.evidence import CheckpointEvidence
    from tfckpt_codemod.ignores import PerFileIgnores

# Below this many candidate files a pool costs more (fork, imports, pickling) than it saves.
POOL_THRESHOLD = 24
BATCH = 8  # files a pool task carries


@dataclass(frozen=True)
class RunOptions:
    codes: tuple[str, ...]  # selected rule codes
    write: bool = False
    jobs: int = 1
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; candidates above it are reported, not parsed
    checkpoints: tuple[CheckpointEvidence, ...] = ()  # the user's checkpoints (`--checkpoint`), read already
    per_file_ignores: PerFileIgnores | None = None  # codes each file's path turns off (matched here, not in workers)

    def ignored(self, path: str) -> tuple[str, ...]:
        return self.per_file_ignores.codes_for(path) if self.per_file_ignores is not None else ()


# The user's checkpoints, in a worker: sent once, when the worker starts, instead of with every batch.
_WORKER_CHECKPOINTS: tuple[CheckpointEvidence, ...] = ()


def _migrate(path: str, data: bytes, codes: tuple[str, ...], project: Mapping[str, object] | None,
             checkpoints: tuple[CheckpointEvidence, ...] | None = None, ignore: tuple[str, ...] = ()) -> FileResult:
    from tfckpt_codemod.transforms import load_rules

    try:
        result = migrate_source(data, path, rules=load_rules(codes), project=project,
                                checkpoints=_WORKER_CHECKPOINTS if checkpoints is None else checkpoints, ignore=ignore)
    except RecursionError:
        return FileResult(path=path, old=data, error="too deeply nested for the parser; not migrated")
    except MemoryError:
        return FileResult(path=path, old=data, error="ran out of memory while migrating it; not migrated")
    except Exception as error:  # a bug of ours must not cost the user the rest of the run
        return FileResult(path=path, old=data, error=f"internal error ({type(error).__name__}: {error}); "
                          "not migrated, please report it")
    if result.parsed and "libcst" in sys.modules:
        freeze_loaded()
    return result


def _read(item: Discovered, reader: NeedleReader) -> tuple[bytes | None, str | None]:
    """The file's bytes if it names tensorflow (else None, and no error). Open first and ask questions only when
    that fails: a stat per file is a third of a no-contrib run."""
    try:
        if item.explicit:  # named on the command line: it may be a FIFO or a device, so look before opening
            check_regular(item.path)
        data = reader.read(item.path)
    except IsADirectoryError:
        return None, "is a directory"
    except NotRegularFileError as error:
        return None, str(error)
    except OSError as error:
        if isinstance(error, FileNotFoundError) and not item.explicit and os.path.islink(item.path):
            return None, "broken symbolic link"
        return None, f"cannot read: {error.strerror or error}"
    if data is None and reader.wide is not None:
        from tfckpt_codemod.encoding import wide_error

        return None, wide_error(reader.wide)
    return data, None


def _make_pool(jobs: int, codes: tuple[str, ...], checkpoints: tuple[CheckpointEvidence, ...] = ()) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from tfckpt_codemod.transforms import load_rules

    # Load the parser and the rules before forking, so every worker inherits them instead of importing again.
    load_rules(codes)
    method = "fork" if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_worker_init, initargs=(checkpoints,))


def _worker_init(checkpoints: tuple[CheckpointEvidence, ...] = ()) -> None:
    """Ctrl-C reaches every process of the terminal's group: the parent decides what happens, the workers only
    stop when it tells them (or dies). A forked worker inherits the parent's SIGTERM/SIGHUP handlers; they mean
    "die" here."""
    import signal

    global _WORKER_CHECKPOINTS
    _WORKER_CHECKPOINTS = checkpoints

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if sys.platform.startswith("linux"):  # a parent killed with SIGKILL must not leave workers holding its stderr
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # the parent died before prctl took effect
                os._exit(1)
        except (OSError, AttributeError):
            pass


class _Pool:
    """The worker pool, started again after a crash, and a one-worker pool that retries the files a crash took
    down, one at a time, so that only the file that crashes it on its own is reported."""

    def __init__(self, jobs: int, codes: tuple[str, ...], checkpoints: tuple[CheckpointEvidence, ...] = ()) -> None:
        self.jobs, self.codes, self.checkpoints = jobs, codes, checkpoints
        self.executor: Executor | None = _make_pool(jobs, codes, checkpoints)
        self._single: Executor | None = None

    def submit(self, *args: object) -> Future[list[FileResult]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            assert self.executor is not None
            return self.executor.submit(*args)  # type: ignore[arg-type]
        except BrokenProcessPool:
            if self.executor is not None:
                self._discard(self.executor)
            self.executor = _make_pool(self.jobs, self.codes, self.checkpoints)
            return self.executor.submit(*args)  # type: ignore[arg-type]

    def map(self, *args: object, chunksize: int = 1) -> list[object]:
        assert self.executor is not None
        return list(self.executor.map(*args, chunksize=chunksize))  # type: ignore[arg-type]

    def alone(self, path: str, data: bytes, project: Mapping[str, object] | None,
              ignore: tuple[str, ...] = ()) -> FileResult:
        """`path` migrated in a worker of its own: its result, or the crash it causes there."""
        from concurrent.futures.process import BrokenProcessPool

        if self._single is None:
            self._single = _make_pool(1, self.codes, self.checkpoints)
        future = self._single.submit(_migrate_batch, [(path, data, project, ignore)], self.codes)
        workers = list((getattr(self._single, "_processes", None) or {}).values())  # started by submit
        try:
            return future.result()[0]
        except BrokenProcessPool:
            for worker in workers:
                worker.join(5)
            self._discard(self._single)
            self._single = None
            return FileResult(path=path, error=CRASHED.format(how=_exit_description(workers)))

    def terminate(self) -> None:
        global _ABANDONED
        for executor in (self.executor, self._single):
            if executor is not None:
                _ABANDONED = True
                self._discard(executor)
        self.executor = self._single = None

    def shutdown(self) -> None:
        for executor in (self.executor, self._single):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _discard(executor: Executor) -> None:
        """Stop an executor now: its workers are terminated, not waited for."""
        processes = list(getattr(executor, "_processes", None) or {})
        workers = [executor._processes[pid] for pid in processes]  # type: ignore[attr-defined]
        manager = getattr(executor, "_executor_manager_thread", None)  # shutdown() forgets it
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.join(5)
            if worker.is_alive():
                worker.kill()
                worker.join(1)
        # The pool's manager thread closes its wake-up pipe as it ends; at exit, concurrent.futures writes to every
        # such pipe without the pool's lock (CPython 3.11), and a close racing that write prints a traceback
        # ("Bad file descriptor") after our last line. With the workers gone the thread usually ends at once: wait
        # for it. It does not when a worker died halfway through sending a result: it waits for the rest forever,
        # and so would the interpreter's exit (see `pool_abandoned`).
        if manager is not None:
            manager.join(5)


_ABANDONED = False


def pool_abandoned() -> bool:
    """Whether an interrupted run terminated worker processes. Its exit must then skip the interpreter's own
    shutdown (`os._exit`, after flushing): concurrent.futures joins every pool's manager thread at exit, and one
    whose worker was killed while writing a result waits forever for the rest of it."""
    return _ABANDONED


def _exit_description(workers: list[multiprocessing.Process]) -> str:
    import signal

    for worker in workers:
        code = worker.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        if code:
            return f"exit status {code}"
    return "it died"


_Task = tuple[str, bytes, "Mapping[str, object] | None", tuple[str, ...]]  # path, bytes, facts, ignored codes


def _migrate_batch(batch: list[_Task], codes: tuple[str, ...]) -> list[FileResult]:
    """Several files a task: one pickle round trip per batch instead of one per file. The original bytes are not
    sent back: the parent still has them."""
    return [replace(_migrate(path, data, codes, project, ignore=ignore), old=None)
            for path, data, project, ignore in batch]


def _each_file_once(paths: Sequence[str]) -> list[str]:
    """The project lists its files relative to the working directory, the command line may name them absolutely:
    each file is read for facts once, under its first spelling."""
    from tfckpt_codemod.project import file_key

    seen: dict[str, str] = {}
    for path in paths:
        seen.setdefault(file_key(path), path)
    return list(seen.values())


def run(files: Sequence[Discovered], options: RunOptions, on_progress: Callable[[int], None] | None = None,
        contributors: list[tuple[str, str]] | None = None,
        project_files: Callable[[], Sequence[str]] | None = None,
        on_workers: Callable[[int, int], None] | None = None) -> Generator[FileResult, None, None]:
    """Yields one FileResult per file, in the order of `files` (discovery sorts them).

    Rules that compare files with the rest of the project get their facts from `project_files()` (default:
    `files`), so the answer for a file does not depend on which other files were passed; it is called only when a
    rule needs facts and some file is a candidate. `contributors`, when given, receives the files that contributed
    facts; `on_workers` is told once how many worker processes the run uses and for how many files to parse.
    """
    from tfckpt_codemod.transforms import load_rules, triggers as rule_triggers

    resume()  # the console script paused the garbage collector for start-up (collection.py)
    triggers = rule_triggers(options.codes)

    candidates = 0
    limit = options.max_file_size
    reads: list[tuple[Discovered, bytes | None, str | None]] = []
    # First pass: read and prefilter. Only paths and the candidates' bytes are kept, never the whole tree's text.
    reader = NeedleReader(REQUIRED_TEXT)
    for item in files:
        data, error = _read(item, reader)
        if data is not None and could_apply(data, triggers):
            if len(data) > limit:  # refused before it costs minutes and gigabytes (limits.py)
                reads.append((item, None, size_error(len(data), limit)))
                continue
            candidates += 1
            reads.append((item, data, None))
        else:  # most files of most trees stop at one search, and are never copied
            reads.append((item, None, error))
    # A pool sized to the work: none for a handful of files, and no more workers than there are batches to give.
    workers = min(options.jobs, (candidates + BATCH - 1) // BATCH)
    pool = _Pool(workers, options.codes, options.checkpoints) if workers > 1 and candidates >= POOL_THRESHOLD else None
    if on_workers is not None:
        on_workers(workers if pool is not None else 1, candidates)
    try:
        project = None
        # Rules load only once some file is a candidate: most runs over a tree parse nothing.
        collecting = [rule for rule in load_rules(options.codes) if rule.FACTS is not None] if candidates else []
        if collecting:
            given = [item.path for item in files]
            paths = _each_file_once([*project_files(), *given]) if project_files is not None else given
            collected = collect_facts(paths, options.codes, pool, limit)
            if contributors is not None:
                contributors.extend(collected.contributors(collecting))
            project = combine_facts(collected, collecting)
            del collected  # every file's facts: only their combination is needed from here on
        yield from _migrate_all(reads, options, lambda path: for_file(project, collecting, path), pool,
                                on_progress)
    except BaseException:  # interrupted (or the caller stopped reading): stop the workers now
        if pool is not None:
            pool.terminate()
        raise
    finally:
        if pool is not None:
            pool.shutdown()


class _Slot:
    """A file's place in the output order: its result, or the batch that will hold it."""

    __slots__ = ("item", "result", "future", "index", "data")

    def __init__(self, item: Discovered, result: FileResult | None = None, data: bytes | None = None) -> None:
        self.item = item
        self.result = result
        self.future: Future[list[FileResult]] | None = None
        self.index = 0
        self.data = data  # the bytes a worker migrates, until its result comes back


def _migrate_all(reads: list[tuple[Discovered, bytes | None, str | None]], options: RunOptions,
                 project: Callable[[str], Mapping[str, object] | None], pool: _Pool | None,
                 on_progress: Callable[[int], None] | None) -> Iterator[FileResult]:
    window: deque[_Slot] = deque()
    batch: list[_Task] = []
    waiting: list[_Slot] = []  # slots of the batch being filled
    limit = max(1, options.jobs) * BATCH * 4
    done = 0

    def submit() -> None:
        if not batch:
            return
        assert pool is not None
        future = pool.submit(_migrate_batch, list(batch), options.codes)
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
            slot = _Slot(item, _migrate(path, data, options.codes, project(path), options.checkpoints,
                                        options.ignored(path)))
        else:
            slot = _Slot(item, data=data)
            batch.append((path, data, project(path), options.ignored(path)))
            waiting.append(slot)
            if len(batch) >= BATCH:
                submit()
        window.append(slot)
        while window and (len(window) > limit or window[0].result is not None):
            if window[0].future is None and window[0].result is None:
                submit()
            done += 1
            yield _finish(window.popleft(), options, pool, project)
            if on_progress is not None:
                on_progress(done)
    submit()
    while window:
        done += 1
        yield _finish(window.popleft(), options, pool, project)
        if on_progress is not None:
            on_progress(done)


CRASHED = "not migrated: the worker process migrating this file crashed ({how}); please report it"


def _finish(slot: _Slot, options: RunOptions, pool: _Pool | None = None,
            project: Callable[[str], Mapping[str, object] | None] | None = None) -> FileResult:
    result = slot.result
    if result is None:
        assert slot.future is not None and pool is not None and slot.data is not None
        from concurrent.futures.process import BrokenProcessPool

        try:
            result = slot.future.result()[slot.index]
        except BrokenProcessPool:  # some file of some batch in flight crashed a worker: find out if it was this one
            result = pool.alone(slot.item.path, slot.data, None if project is None else project(slot.item.path),
                                options.ignored(slot.item.path))
        result = replace(result, old=slot.data)
        slot.data = None
    if not options.write or not result.changed or result.error is not None:
        return result
    assert result.old is not None and result.new is not None
    error = write_reason(result.path, result.old, result.new)
    return replace(result, written=True) if error is None else replace(result, error=error)

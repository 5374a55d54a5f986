"""The run-wide fact pass: what each rule that compares files learns from every file of the project.

Rules declare what they collect (`Rule.FACTS`); this module only runs them: over every project file that holds one
of a collector's trigger words, in the worker pool when there is one, each file read and parsed at most once
whatever the number of collectors. It knows no rule by name.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tfckpt_codemod.limits import DEFAULT_MAX_FILE_SIZE

if TYPE_CHECKING:
    from tfckpt_codemod.transforms._analysis import ModuleAnalysis
    from tfckpt_codemod.transforms._rule import Rule


class _FactSource:
    """One project file as a collector sees it; parsed on first use of `analysis`, once for every collector."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data

    @functools.cached_property
    def analysis(self) -> ModuleAnalysis | None:
        from tfckpt_codemod.engine import decode_error, parse, source_encoding
        from tfckpt_codemod.transforms._analysis import analyze

        if b"\x00" in self.data or decode_error(self.data) is not None or self.path.endswith(".ipynb"):
            return None
        try:
            self.data.decode(source_encoding(self.data))
        except (SyntaxError, LookupError, UnicodeDecodeError):
            return None
        tree, _ = parse(self.data, self.path)
        return analyze(tree) if tree is not None else None


def _read_regular(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes, else None. Opened without blocking, so a FIFO among the
    project's files never hangs the run."""
    import os
    import stat

    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _collect_file(path: str, codes: tuple[str, ...], limit: int = DEFAULT_MAX_FILE_SIZE) -> dict[str, Any]:
    """What every collecting rule among `codes` learns from one file ({} for a file none of them wants)."""
    from tfckpt_codemod.transforms import load_rules

    data = _read_regular(path, limit)
    if data is None or len(data) > limit:
        return {}  # the migration reports the files it was asked about; facts simply lack this one
    source = _FactSource(path, data)
    found: dict[str, Any] = {}
    for rule in load_rules(codes):
        facts = rule.FACTS
        if facts is None or not any(all(word in data for word in group) for group in facts.TRIGGERS):
            continue
        try:
            value = facts.collect(source)
        except (RecursionError, MemoryError, SyntaxError, ValueError):
            continue
        if value:
            found[rule.CODE] = value
    return found


@dataclass
class Collected:
    """For each rule code, (path, collected value) for every file that contributed, in path order."""

    by_code: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)

    def contributors(self, rules: Iterable[type[Rule]]) -> list[tuple[str, str]]:
        """(path, what it contributed) for the collectors that say what their contributions mean."""
        found: list[tuple[str, str]] = []
        for rule in rules:
            facts = rule.FACTS
            if facts is not None and facts.DESCRIBE:
                found.extend((path, facts.DESCRIBE) for path, _ in self.by_code.get(rule.CODE, ()))
        return found


class _Mapper(Protocol):
    def map(self, *args: Any, chunksize: int = 1) -> Iterable[Any]: ...


def collect_facts(paths: Sequence[str], codes: tuple[str, ...], pool: _Mapper | None,
                  limit: int = DEFAULT_MAX_FILE_SIZE) -> Collected:
    """Files above `limit` (the size the migration refuses) contribute nothing."""
    results: Iterable[dict[str, Any]] | None = None
    if pool is not None:
        from concurrent.futures.process import BrokenProcessPool  # a -j 1 run never loads the pool's modules

        try:
            results = list(pool.map(_collect_file, paths, [codes] * len(paths), [limit] * len(paths), chunksize=16))
        except BrokenProcessPool:  # CPython's ast does not crash a worker; whatever did, the facts come from here
            results = None
    if results is None:
        results = (_collect_file(path, codes, limit) for path in paths)
    collected = Collected()
    for path, found in zip(paths, results):
        for code, value in found.items():
            collected.by_code.setdefault(code, []).append((path, value))
    return collected


def combine_facts(collected: Collected, rules: Iterable[type[Rule]]) -> dict[str, Any]:
    return {rule.CODE: rule.FACTS.combine(collected.by_code.get(rule.CODE, []))
            for rule in rules if rule.FACTS is not None}


def for_file(combined: Mapping[str, Any] | None, rules: Iterable[type[Rule]], path: str) -> dict[str, Any] | None:
    """The part of each rule's combined facts that the migration of `path` needs."""
    if combined is None:
        return None
    return {rule.CODE: rule.FACTS.for_file(combined[rule.CODE], path)
            for rule in rules if rule.FACTS is not None and rule.CODE in combined}

"""Paths on the command line -> the files to process, sorted."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EXCLUDES = (".git", ".hg", ".svn", ".venv", "venv", "build", "dist", "__pycache__", ".tox", ".nox",
                    "node_modules", "site-packages", ".mypy_cache", ".pytest_cache", ".eggs")


class MissingPathError(Exception):
    pass


@dataclass(frozen=True)
class Discovered:
    path: Path
    explicit: bool


def discover(paths: Sequence[Path], *, exclude: Sequence[str] | None = None, extend_exclude: Sequence[str] = (),
             respect_gitignore: bool = True, include_notebooks: bool = True) -> list[Discovered]:
    excluded = set(DEFAULT_EXCLUDES if exclude is None else exclude) | set(extend_exclude)
    found: dict[Path, Discovered] = {}
    for path in paths:
        if not os.path.lexists(path):
            raise MissingPathError(f"{path}: no such file or directory")
        if not path.is_dir():
            found[path] = Discovered(path, True)
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in excluded)
            for name in files:
                if name.endswith(".py"):
                    child = Path(root) / name
                    found.setdefault(child, Discovered(child, False))
    return [found[p] for p in sorted(found)]

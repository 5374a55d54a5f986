"""Which files make up the project a run belongs to: where rules that compare files get their facts from.

pre-commit passes only the changed files and CI passes `.`; if the facts came from the files passed, the two would
disagree about the same restore and fight. So they come from the project: the directory of the pyproject.toml that
configures the run, else the git root, else only the paths given; with the run's own excludes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from typing import TYPE_CHECKING

from tfckpt_codemod.discovery import Pattern, discover, find_git_root

if TYPE_CHECKING:
    from tfckpt_codemod.options import Invocation


def file_key(path: str) -> str:
    """Paths of one file compare equal however they were spelled (`src/a.py`, `./src/a.py`, `/abs/src/a.py`): the
    project's listing and the command line meet here, and rules compare the paths in facts with it."""
    return os.path.normcase(os.path.abspath(path))


def project_root(config: Path | None, paths: Sequence[Path]) -> Path | None:
    if config is not None:
        return config.parent
    if not paths:
        return None
    directories = [Path(os.path.abspath(p)) for p in paths]
    common = Path(os.path.commonpath([str(d if d.is_dir() else d.parent) for d in directories]))
    return find_git_root(common)


def project_files(root: Path, *, exclude: Sequence[Pattern] | None, extend_exclude: Sequence[Pattern],
                  respect_gitignore: bool) -> list[str]:
    """Every file of the project, spelled relative to the working directory when the project is below it."""
    relative = os.path.relpath(root)
    spelled = Path(root if relative.startswith("..") else relative)
    return [item.path for item in discover([spelled], exclude=exclude, extend_exclude=extend_exclude,
                                           respect_gitignore=respect_gitignore)]


class ProjectFacts:
    """The project's files for a run, listed only if a rule asks for run-wide facts (`files` is what the runner
    calls); `root` is then reported by --verbose."""

    def __init__(self, run: Invocation, paths: Sequence[Path]) -> None:
        self._run = run
        self._root = project_root(run.config, paths)
        self.root: str | None = None

    def files(self) -> list[str]:
        if self._root is None:
            return []
        self.root = str(self._root)
        run = self._run
        return project_files(self._root, exclude=run.exclude, extend_exclude=run.extend_exclude,
                             respect_gitignore=run.respect_gitignore)

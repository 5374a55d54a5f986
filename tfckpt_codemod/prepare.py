"""What a run over paths settles before its first file, the same for diffs, `--check`, `--write` and the `-i` review:
which files (discovery), that the `--report` file is none of them, the runner's options, and the project the run-wide
facts come from. Kept apart so that the two ways of showing results cannot drift in what they run on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfckpt_codemod.discovery import Discovered
    from tfckpt_codemod.options import Invocation
    from tfckpt_codemod.project import ProjectFacts
    from tfckpt_codemod.reportfile import ReportFile
    from tfckpt_codemod.runner import RunOptions


class UsageError(Exception):
    """The run cannot start; the message is the one line the user reads (a bad exclude pattern, say)."""


@dataclass(frozen=True)
class Prepared:
    files: list[Discovered]
    missing: list[Path]  # paths given on the command line that do not exist: reported, not fatal
    options: RunOptions
    project: ProjectFacts


def prepare(paths: Sequence[Path], run: Invocation, report: ReportFile | None, *, write: bool) -> Prepared:
    from tfckpt_codemod.discovery import PatternError, discover
    from tfckpt_codemod.project import ProjectFacts
    from tfckpt_codemod.reportfile import ReportError
    from tfckpt_codemod.runner import RunOptions

    missing: list[Path] = []
    try:
        files = discover(paths, exclude=run.exclude, extend_exclude=run.extend_exclude,
                         respect_gitignore=run.respect_gitignore, force_exclude=run.force_exclude, missing=missing)
    except PatternError as error:
        raise UsageError(str(error)) from None
    if report is not None:
        try:
            report.refuse_inputs([str(p) for p in paths], [item.path for item in files])
        except ReportError as error:
            raise UsageError(str(error)) from None
    options = RunOptions(codes=run.codes, write=write, jobs=run.jobs, max_file_size=run.max_file_size,
                         checkpoints=run.checkpoints, per_file_ignores=run.per_file_ignores)
    return Prepared(files, missing, options, ProjectFacts(run, paths))

"""What one run was asked to do, once the command line and the config are merged: a frozen value the runner and the
reporter read, so neither grows a parameter per flag."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfckpt_codemod.discovery import Pattern
    from tfckpt_codemod.evidence import CheckpointEvidence
    from tfckpt_codemod.ignores import PerFileIgnores


# The exit codes, as ruff's: nothing to do, something to do (only `--check` says so), an error.
EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class Mode(str, Enum):
    """A str so that reports and json compare and print it as the word."""

    diff = "diff"  # the dry run: diffs on stdout, nothing written
    check = "check"  # CI: `Would migrate: path` (and diffs with --diff), exit 1 if there is anything to do
    write = "write"  # apply in place


@dataclass(frozen=True)
class Invocation:
    mode: Mode
    codes: tuple[str, ...]
    output_format: str = "text"
    color: str = "auto"
    show_diff: bool = False  # diffs besides --check's or --write's own output
    verbose: bool = False
    quiet: bool = False
    exit_zero: bool = False
    statistics: bool = False
    show_fixes: bool = False
    exclude: tuple[Pattern, ...] | None = None
    extend_exclude: tuple[Pattern, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    max_file_size: int = 1_000_000
    checkpoints: tuple[CheckpointEvidence, ...] = ()
    per_file_ignores: PerFileIgnores | None = None
    config: Path | None = None  # the pyproject.toml the settings came from
    jobs: int = 1  # workers to use: the cores, or fewer when fewer were asked for
    cores: int = 1
    jobs_requested: int = 1
    jobs_explicit: bool = False

    def jobs_note(self, workers: int, candidates: int) -> str | None:
        """--verbose: the one line that says how many workers a run uses when that is fewer than asked for."""
        if not self.verbose or workers >= self.jobs_requested:
            return None
        cores = self.cores
        why = [f"{cores} core{'s' if cores != 1 else ''} available"]
        if workers < self.jobs:
            why.append(f"{candidates} file{'s' if candidates != 1 else ''} to parse")
        asked = f" for -j {self.jobs_requested}" if self.jobs_explicit else ""
        return (f"tfckpt-migrate: using {workers} worker process{'es' if workers != 1 else ''}{asked} "
                f"({', '.join(why)})")

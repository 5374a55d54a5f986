"""Frozen value types that cross process boundaries: they must stay small and picklable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """Something a person must look at; positions are 1-based lines and 1-based columns, like ruff."""

    code: str
    message: str
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    # "manual": a person must act. "note": the tool made a rewrite the user should look at (shown by default).
    # "info": why the tool made a rewrite (shown with --verbose).
    kind: str = "manual"
    cell: int | None = None  # in a notebook: the cell (1-based, counting every cell, as Jupyter shows them)

    @property
    def fixed(self) -> bool:
        """The tool already rewrote it: the finding is a note about the rewrite, not work left to do."""
        return self.kind != "manual"

    def render(self, path: str) -> str:
        where = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{path}:{where}{self.line}:{self.column}: {self.code} {self.message}"


@dataclass(frozen=True)
class Edit:
    """A rule's rewrite, by the lines of the original it touches (1-based, inclusive). An added line is an edit of
    the line it goes before."""

    code: str
    line: int
    end_line: int


@dataclass(frozen=True)
class FileResult:
    """What the engine learned about one file. `new` is None when the file is unchanged (or failed)."""

    path: str
    old: bytes | None = None
    new: bytes | None = None
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    parsed: bool = False
    reasons: tuple[str, ...] = ()  # why each partial restore got .expect_partial(), for --verbose and json
    written: bool = False
    view: tuple[str, str] | None = None  # what a diff shows when the bytes are not the code (notebook cells)
    cell_errors: tuple[tuple[int, str], ...] = ()  # notebook cells that could not be read: (1-based cell, reason)
    edits: tuple[Edit, ...] = ()  # which rule rewrote which lines (the reason of each hunk in --interactive)
    error_line: int | None = None  # where `error` is, when it is a syntax error (1-based)
    error_column: int | None = None

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.old


@dataclass(frozen=True)
class Rule:
    """The public face of a transform: what `--list-rules` prints and `--select/--ignore` match."""

    code: str
    name: str
    summary: str
    autofix: bool

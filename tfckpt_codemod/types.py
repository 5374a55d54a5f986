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
    fixed: bool = False  # True: the tool already rewrote it and this is a note about the rewrite

    def render(self, path: str) -> str:
        return f"{path}:{self.line}:{self.column}: {self.code} {self.message}"


@dataclass(frozen=True)
class Fact:
    """A checkpoint a file builds, reported so that other files of the run can compare against it.

    `keywords` is the set of keyword names passed to the constructor; `saves` is true when the file calls
    `save`/`write` on it. The restore rule (TFC301) uses facts from every file of a run.
    """

    keywords: frozenset[str]
    line: int
    saves: bool
    restores: bool


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

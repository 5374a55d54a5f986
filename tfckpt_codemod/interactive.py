"""`--interactive` / `-i`: review the migration hunk by hunk, as `git add -p` does, and write what was accepted.

Each file's change is split into the hunks of its unified diff (difflib's grouped opcodes, 3 lines of context, the
hunks a dry run prints). Each hunk is shown with the rules that produced it (the engine records which rule made
which edit: `FileResult.edits`) and the notes about it, and the user answers y, n, a, q or ?. The accepted hunks
are applied to the original bytes line by line (lines outside them stay byte-identical), and the file is written
atomically, only if it still holds the bytes the run read (`fileio.write_if_unchanged`).

Hunks can depend on each other: the removal of `import tensorflow.contrib.checkpoint as checkpoint` and the rewrite
of `checkpoint.Checkpoint(...)` further down are two hunks, and either one alone leaves a broken file. So a file
whose accepted hunks are only some of its hunks is checked first: it must parse, and it must not leave unbound a
name that neither the original nor the full migration leaves unbound. Otherwise it is not written at all, and a
note says which name (or which syntax error) stopped it. A notebook is reviewed as one change (its hunks are
cells' code, not the file's JSON): all of it or none of it.
"""

from __future__ import annotations

import ast
import difflib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from tfckpt_codemod.options import EXIT_ERROR, EXIT_OK, Mode
from tfckpt_codemod.types import Edit, FileResult, Finding

if TYPE_CHECKING:
    from rich.console import Console

    from tfckpt_codemod.options import Invocation
    from tfckpt_codemod.reportfile import ReportFile
    from tfckpt_codemod.streams import PipeSafe

CONTEXT = 3  # lines of context around a hunk, as in the dry run's diffs

Opcode = tuple[str, int, int, int, int]  # difflib: (tag, i1, i2, j1, j2), 0-based, ends excluded

HELP = """\
y - apply this hunk
n - do not apply this hunk
a - apply this hunk and all later hunks in the file
q - quit; do not apply this hunk or any later one (the hunks already accepted are written)
? - print help
Hunks can depend on each other (an import removal and the rewrite of the code that used the import): if the
accepted hunks of a file would not parse, or would leave a name unbound, the file is left unchanged and a note
says why.
"""

NOTEBOOK_HELP = """\
y - apply the changes to this notebook
n - do not apply them
q - quit; do not apply them, nor any later change
? - print help
A notebook's changes are applied all together or not at all.
"""


def usage_problem(*, write: bool, check: bool, stdin: bool, output_format: str,
                  stdin_is_tty: bool | None = None) -> str | None:
    """Why `--interactive` cannot run with these options (or without a terminal on stdin), or None."""
    if stdin_is_tty is None:
        try:
            stdin_is_tty = sys.stdin is not None and sys.stdin.isatty()
        except ValueError:  # closed
            stdin_is_tty = False
    if write:
        return "--interactive cannot be used with --write (it writes the hunks you accept)"
    if check:
        return "--interactive cannot be used with --check"
    if stdin:
        return "--interactive cannot read the source from stdin ('-'): stdin carries the answers"
    if output_format != "text":
        return "--interactive only goes with --output-format text"
    if not stdin_is_tty:
        return "--interactive needs a terminal on stdin to read the answers"
    return None


# -- hunks ------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hunk:
    """One hunk of the unified diff: its opcodes, the context lines at both ends included."""

    opcodes: tuple[Opcode, ...]

    @property
    def changes(self) -> tuple[Opcode, ...]:
        return tuple(op for op in self.opcodes if op[0] != "equal")

    def header(self) -> str:
        first, last = self.opcodes[0], self.opcodes[-1]
        return f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"

    def touched(self) -> list[tuple[int, int]]:
        """The original's lines each change rewrites (1-based, inclusive); an insertion touches the lines around
        the place it goes."""
        return [(i1 + 1, i2) if i2 > i1 else (i1, i1 + 1) for _, i1, i2, _, _ in self.changes]

    def reasons(self, edits: Iterable[Edit], findings: Iterable[Finding]) -> tuple[list[str], list[Finding]]:
        """The rule codes whose edits fall in this hunk, and the notes (not manual findings) about its lines."""
        spans = self.touched()

        def inside(line: int, end: int) -> bool:
            return any(line <= stop and start <= end for start, stop in spans)

        codes = list(dict.fromkeys(edit.code for edit in edits if inside(edit.line, edit.end_line)))
        notes = [f for f in findings if f.fixed and f.cell is None and inside(f.line, f.end_line or f.line)]
        return codes, notes


def _range(start: int, stop: int) -> str:
    """difflib's unified range: `start,length` (1-based start; an empty range names the line before it)."""
    length = stop - start
    begin = start + 1 if length else start
    return str(begin) if length == 1 else f"{begin},{length}"


def split_hunks(old: Sequence[bytes], new: Sequence[bytes], context: int = CONTEXT) -> list[Hunk]:
    """The hunks `difflib.unified_diff(old, new, n=context)` prints, in order."""
    matcher = difflib.SequenceMatcher(None, old, new)
    return [Hunk(tuple(group)) for group in matcher.get_grouped_opcodes(context)]


def apply_hunks(old: Sequence[bytes], new: Sequence[bytes], hunks: Sequence[Hunk], accepted: Iterable[int]) -> bytes:
    """The original lines with the changes of the accepted hunks (indices into `hunks`) made, and nothing else."""
    changes = sorted((op for index in set(accepted) for op in hunks[index].changes), key=lambda op: (op[1], op[2]))
    out: list[bytes] = []
    position = 0
    for _, i1, i2, j1, j2 in changes:
        out.extend(old[position:i1])
        out.extend(new[j1:j2])
        position = i2
    out.extend(old[position:])
    return b"".join(out)


def lines(data: bytes) -> list[bytes]:
    """A file's lines with their line endings (only \\n, \\r\\n and \\r end a line, as for Python's tokenizer)."""
    return data.splitlines(keepends=True)


# -- is a partial application a file that works? ----------------------------------------------------------------------

def partial_problem(old: bytes, new: bytes, partial: bytes, path: str) -> str | None:
    """Why the file with only some hunks applied must not be written (a syntax error, a name left unbound), or None.

    A name is unbound when code reads it as a global and nothing in the module binds it (nor the builtins). Names the
    original or the full migration leave unbound already (a `model` defined elsewhere) are not the partial
    application's doing and are not counted."""
    from tfckpt_codemod.report import decode

    text = decode(partial)
    try:
        ast.parse(text, path)
    except (SyntaxError, ValueError) as error:
        where = f" (line {error.lineno})" if isinstance(error, SyntaxError) and error.lineno else ""
        return f"the accepted hunks do not make a file that parses: {getattr(error, 'msg', error)}{where}"
    missing = unbound_names(text, path)
    if not missing:
        return None
    missing -= unbound_names(decode(old), path) | unbound_names(decode(new), path)
    if not missing:
        return None
    names = ", ".join(f"`{name}`" for name in sorted(missing))
    return (f"the accepted hunks leave {names} unbound: they depend on a hunk you did not accept (an import and the "
            "code that uses it go together)")


def unbound_names(text: str, path: str = "<string>") -> set[str]:
    """Names read as globals anywhere in the module that nothing binds at module level (or in a function that
    declares them `global`), builtins aside. Empty when it cannot tell (a star import, a file that does not parse)."""
    import builtins
    import symtable

    try:
        tree = ast.parse(text, path)
        top = symtable.symtable(text, path, "exec")
    except (SyntaxError, ValueError):
        return set()
    if any(isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
           for node in ast.walk(tree)):
        return set()
    bound = set(dir(builtins)) | {"__file__", "__builtins__", "__path__", "__cached__", "__annotations__"}
    read: set[str] = set()
    tables = [top]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in table.get_symbols():
            name = symbol.get_name()
            if table is top:
                if symbol.is_assigned() or symbol.is_imported():
                    bound.add(name)
            elif symbol.is_declared_global() and (symbol.is_assigned() or symbol.is_imported()):
                bound.add(name)
            if symbol.is_referenced() and (table is top or symbol.is_global()):
                read.add(name)
    return read - bound


# -- the conversation -------------------------------------------------------------------------------------------------

Ask = Callable[[str], str]


def ask_terminal(out: IO[str]) -> Ask:
    """Prompts on `out`, answers read a line at a time from stdin; end of input means q."""

    def ask(prompt: str) -> str:
        out.write(prompt)
        out.flush()
        line = sys.stdin.readline()
        if not line:
            out.write("\n")
            return "q"
        return line.strip().lower()[:1]

    return ask


class Review:
    """The hunk-by-hunk review of a run's changed files; `quit` once the user answered q."""

    def __init__(self, out: IO[str], err: IO[str], color: str, ask: Ask) -> None:
        from tfckpt_codemod.report import make_console

        self.out, self.err, self.ask = out, err, ask
        self.console: Console = make_console(out, color)
        self.quit = False
        self.hunks = self.applied = 0
        self._rules: dict[str, str] | None = None

    def file(self, result: FileResult) -> FileResult:
        """Asks about each hunk of a changed file, writes what was accepted; returns the result as it now is:
        `new` what was written (None when nothing was), `written`, or `error` when the write failed."""
        if self.quit or not result.changed or result.error is not None or result.old is None or result.new is None:
            return result
        if result.view is not None:
            return self._notebook(result)
        old, new = lines(result.old), lines(result.new)
        hunks = split_hunks(old, new)
        self._file_header(result.path)
        accepted: list[int] = []
        index = 0
        while index < len(hunks):
            hunk = hunks[index]
            self._show(hunk, old, new, result)
            answer = self._answer(f"({index + 1}/{len(hunks)}) Apply this hunk [y,n,a,q,?]? ", "ynaq", HELP)
            if answer == "y":
                accepted.append(index)
            elif answer == "a":
                accepted.extend(range(index, len(hunks)))
                break
            elif answer == "q":
                self.quit = True
                break
            index += 1
        self.hunks += len(hunks)
        if not accepted:
            return _skipped(result, hunks, [])
        if len(accepted) == len(hunks):
            data = result.new
        else:
            data = apply_hunks(old, new, hunks, accepted)
            problem = partial_problem(result.old, result.new, data, result.path)
            if problem is not None:
                self._note(result.path, f"{problem}; the file is left unchanged")
                return _skipped(result, hunks, [])
            result = _skipped(result, hunks, accepted)
        written = _write(result, data)
        if written.written:
            self.applied += len(accepted)
        return written

    def _notebook(self, result: FileResult) -> FileResult:
        from tfckpt_codemod.report import unified_diff

        self._print_diff(unified_diff(result))
        answer = self._answer("Apply the changes to this notebook [y,n,q,?]? ", "ynq", NOTEBOOK_HELP)
        self.hunks += 1
        if answer != "y":
            self.quit = answer == "q"
            return replace(result, new=None)
        assert result.new is not None
        written = _write(result, result.new)
        self.applied += written.written
        return written

    def _answer(self, prompt: str, choices: str, help_text: str) -> str:
        while True:
            answer = self.ask(prompt)
            if answer and answer in choices:
                return answer
            if answer:  # ?, and anything it does not know; an empty answer only asks again
                self.out.write(help_text)

    def _file_header(self, path: str) -> None:
        from tfckpt_codemod.quoting import display_path

        path = path.replace(os.sep, "/")
        self._print_diff(f"--- {display_path(f'a/{path}')}\n+++ {display_path(f'b/{path}')}\n")

    def _show(self, hunk: Hunk, old: Sequence[bytes], new: Sequence[bytes], result: FileResult) -> None:
        encoding = _encoding(result.old or b"")
        body = [hunk.header()]
        for tag, i1, i2, j1, j2 in hunk.opcodes:
            if tag == "equal":
                body += [" " + _text(line, encoding) for line in old[i1:i2]]
                continue
            body += ["-" + _text(line, encoding) for line in old[i1:i2]]
            body += ["+" + _text(line, encoding) for line in new[j1:j2]]
        self._print_diff("".join(body))
        codes, notes = hunk.reasons(result.edits, result.findings)
        for code in codes:
            self._print_reason(f"{code} {self._rule_summary(code)}")
        for note in notes:
            self._print_reason(f"{note.code} {note.message}")

    def _print_diff(self, diff: str) -> None:
        from tfckpt_codemod.report import print_diff

        print_diff(diff, self.out, self.console)

    def _print_reason(self, text: str) -> None:
        if not self.console.is_terminal or self.console.no_color:
            self.out.write(f"# {text}\n")
            return
        from rich.text import Text

        self.console.print(Text(f"# {text}", style="yellow"))

    def _note(self, path: str, message: str) -> None:
        from tfckpt_codemod.quoting import display_path

        self.err.write(f"{display_path(path)}: note: {message}\n")
        self.err.flush()

    def _rule_summary(self, code: str) -> str:
        if self._rules is None:
            from tfckpt_codemod.transforms import known_codes

            self._rules = {c: rule.summary for c, rule in known_codes().items()}
        return self._rules.get(code, "")


def _skipped(result: FileResult, hunks: Sequence[Hunk], accepted: Sequence[int]) -> FileResult:
    """The result without the notes about hunks that were not applied (manual findings all stay); unchanged (`new`
    None) when no hunk was."""
    dropped = {id(note) for index, hunk in enumerate(hunks) if index not in accepted
               for note in hunk.reasons((), result.findings)[1]}
    findings = tuple(f for f in result.findings if id(f) not in dropped)
    return replace(result, findings=findings, new=result.new if accepted else None)


def _encoding(data: bytes) -> str:
    from tfckpt_codemod.encoding import source_encoding

    try:
        return source_encoding(data)
    except SyntaxError:
        return "utf-8"


def _text(line: bytes, encoding: str) -> str:
    """A line as the diff shows it; a last line without a line break gets difflib's marker."""
    try:
        text = line.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = line.decode("utf-8", errors="replace")
    if not text.endswith(("\n", "\r")):
        text += "\n\\ No newline at end of file\n"
    return text


def _write(result: FileResult, data: bytes) -> FileResult:
    """Atomically, and only if the file still holds what the run read; errors as the runner words them."""
    from tfckpt_codemod.fileio import write_reason

    assert result.old is not None
    error = write_reason(result.path, result.old, data)
    return replace(result, new=data, written=True) if error is None else replace(result, new=None, error=error)


# -- the run ----------------------------------------------------------------------------------------------------------

def run_interactive(paths: list[Path], run: Invocation, report: ReportFile | None, out: IO[str] | PipeSafe,
                    err: IO[str] | PipeSafe, ask: Ask | None = None) -> int:
    """What the command line runs for `-i`: discovery and project facts as for a dry run, then the review of each
    changed file as its result arrives (the workers go on meanwhile). Exit status 2 if a file could not be read,
    parsed or written, else 0 (skipped hunks are the user's choice, not a failure)."""
    import contextlib

    from tfckpt_codemod.prepare import UsageError, prepare
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.runner import run as run_files

    out, err = cast("IO[str]", out), cast("IO[str]", err)
    try:
        prepared = prepare(paths, run, report, write=False)  # the review writes what the user accepts
    except UsageError as error:
        err.write(f"tfckpt-migrate: error: {error}\n")
        return EXIT_ERROR
    project = prepared.project
    reporter = Reporter(out, err, Mode.write, "text", run.color, verbose=run.verbose, quiet=run.quiet, report=report)
    for path in prepared.missing:
        reporter.missing(str(path))
    review = Review(out, err, run.color, ask or ask_terminal(out))
    contributors: list[tuple[str, str]] = []
    with contextlib.closing(run_files(prepared.files, prepared.options, contributors=contributors,
                                      project_files=project.files)) as results:
        for result in results:
            reporter.file(review.file(result))
            if review.quit:
                break
    if not run.quiet:
        err.write(f"{review.applied} of {review.hunks} hunk{'s' if review.hunks != 1 else ''} applied"
                  f"{' (quit early)' if review.quit else ''}\n")
    reporter.finish(contributors, project.root)
    return EXIT_ERROR if reporter.errors else EXIT_OK

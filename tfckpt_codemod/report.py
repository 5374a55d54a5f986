"""The only module that prints. Data (diffs, findings, json) goes to stdout; errors and the summary to stderr.

Color follows ruff and black: on when the stream is a terminal, off when it is not or NO_COLOR is set, forced by
`--color always`. Diffs are standard unified diffs (`--- a/path`, `+++ b/path`, 3 lines of context) so they can be
piped to `patch -p1` or `git apply`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, cast

from tfckpt_codemod.encoding import source_encoding
from tfckpt_codemod.options import Mode
from tfckpt_codemod.quoting import display_path
from tfckpt_codemod.streams import TextOut
from tfckpt_codemod.types import FileResult, Finding

if TYPE_CHECKING:
    from rich.console import Console

    from tfckpt_codemod.checkpoint_graph import CheckpointInspection



def decode(data: bytes) -> str:
    try:
        return data.decode(source_encoding(data))
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def unified_diff(result: FileResult) -> str:
    if result.view is not None:  # a notebook: show its code cells, not its JSON
        old, new = (text.splitlines(keepends=True) for text in result.view)
    else:
        old = decode(result.old or b"").splitlines(keepends=True)
        new = decode(result.new or b"").splitlines(keepends=True)
    import difflib

    path = result.path.replace(os.sep, "/")
    # git's convention: a name that needs quoting is quoted with its a/ or b/ prefix ("a/odd\nname.py").
    before, after = display_path(f"a/{path}"), display_path(f"b/{path}")
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=before, tofile=after, n=3):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def make_console(stream: TextOut, color: str) -> Console:
    from rich.console import Console

    no_color = color == "never" or (color == "auto" and bool(os.environ.get("NO_COLOR")))
    return Console(file=cast("IO[str]", stream), force_terminal=True if color == "always" else None, no_color=no_color,
                   color_system=None if no_color else "auto", highlight=False, markup=False, soft_wrap=True,
                   emoji=False)


_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def print_diff(diff: str, out: TextOut, console: Console | None) -> None:
    """A unified diff, each line colored by its kind when `console` is a terminal that wants color, else as is."""
    if console is None or not console.is_terminal or console.no_color:
        out.write(diff)
        return
    from rich.text import Text

    for line in diff.splitlines(keepends=True):
        style = next((s for prefix, s in _STYLES if line.startswith(prefix)), "")
        console.print(Text(line, style=style), end="")


@dataclass
class Reporter:
    """Turns the stream of FileResults into output; keeps counts, never the files' contents."""

    out: TextOut
    err: TextOut
    mode: Mode
    output_format: str = "text"
    color: str = "auto"
    show_diff: bool = False  # with --write: also print the diffs
    verbose: bool = False
    quiet: bool = False
    report: TextOut | None = None  # --report FILE: the full text goes here, the terminal keeps only the summary
    statistics: bool = False  # --statistics: counts per rule code instead of one line per finding
    show_fixes: bool = False  # --show-fixes: what was changed, per file and rule code
    json_files: list[dict[str, object]] = field(default_factory=list)
    changed: int = 0
    findings: int = 0
    errors: int = 0
    manual_findings: int = 0
    seen: int = 0
    parsed: int = 0
    written: int = 0

    def __post_init__(self) -> None:
        self._out_console: Console | None = None
        self._codes_seen: set[str] = set()
        self._counts: dict[tuple[str, bool], int] = {}  # (code, fixed) -> findings, for --statistics
        self._fixes: list[tuple[str, dict[str, int]]] = []  # (path, code -> fixes), for --show-fixes
        self._errors: list[dict[str, object]] = []  # json: paths that could not be processed at all
        if self.report is not None:
            self._report_header()

    # -- per file -------------------------------------------------------------------------------------------------
    def file(self, result: FileResult) -> None:
        self.seen += 1
        self.parsed += result.parsed
        if result.new is None and not result.findings and result.error is None and not result.cell_errors:
            return  # nothing to count or show: most files of most trees (5% of a run over the stdlib's 1,791)
        self.errors += len(error_lines(result))
        if result.changed:
            self.changed += 1
        if result.written:
            self.written += 1
        self.findings += len(result.findings)
        self.manual_findings += sum(not f.fixed for f in result.findings)
        for finding in result.findings:
            key = (finding.code, finding.fixed)
            self._counts[key] = self._counts.get(key, 0) + 1
        if result.changed and (self.show_fixes or self.statistics):
            fixes: dict[str, int] = {}
            for edit in result.edits:
                fixes[edit.code] = fixes.get(edit.code, 0) + 1
            self._fixes.append((result.path, fixes))
        if self.report is not None:
            self._report_file(result)
            self._codes_seen.update(f.code for f in result.findings)
            if self.output_format == "text":  # the terminal shows errors and the summary only
                for line in error_lines(result):
                    self.err.write(line + "\n")
                return
        if self.output_format == "json":
            self._json(result)
        elif self.output_format == "github":
            self._github(result)
        else:
            self._text(result)

    def missing(self, path: str) -> None:
        """A path given on the command line that does not exist: reported, and the others processed (exit 2)."""
        self.errors += 1
        message = "No such file or directory"
        if self.output_format == "json":
            self._errors.append({"path": path, "error": message})
        elif self.output_format == "github":
            self.out.write(f"::error file={_github_file(path)}::{_escape(message)}\n")
        else:
            self.err.write(f"{display_path(path)}: error: {message}\n")

    def _text(self, result: FileResult) -> None:
        path = display_path(result.path)
        for line in error_lines(result):
            self.err.write(line + "\n")
        if result.changed:
            if self.mode is Mode.check:
                self._styled([("Would migrate: ", "bold yellow"), (path, "bold")])
            if self.mode is Mode.diff or self.show_diff:
                self._print_diff(unified_diff(result))
        if result.written and not self.quiet:
            self.err.write(f"Migrated: {path}\n")  # as black's "reformatted" and pyupgrade's "Rewriting"
        if self.statistics:
            return
        for finding in result.findings:
            if finding.kind == "info" and not self.verbose:
                continue
            where = f"{path}:{f'cell {finding.cell}:' if finding.cell is not None else ''}"
            self._styled([(f"{where}{finding.line}:{finding.column}:", "bold"), (" ", ""),
                          (finding.code, "cyan" if finding.fixed else "bold red"), (f" {finding.message}", "")])

    def _styled(self, pieces: list[tuple[str, str]]) -> None:
        """One line on stdout, colored (like the diffs) only on a terminal that wants color."""
        console = self._console() if self._may_color() else None
        if console is None or not console.is_terminal or console.no_color:
            self.out.write("".join(text for text, _ in pieces) + "\n")
            return
        from rich.text import Text

        line = Text()
        for text, style in pieces:
            line.append(text, style=style or None)
        console.print(line)

    def _may_color(self) -> bool:
        """False when the output is certainly plain (a pipe or a file, nothing forcing color), so that rich, 17 ms
        to import, is not loaded to find that out; else rich's Console decides."""
        if self.color != "auto":
            return self.color == "always"
        if os.environ.get("NO_COLOR"):
            return False
        if any(os.environ.get(name) for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")):
            return True
        try:
            return bool(self.out.isatty())  # type: ignore[attr-defined]
        except (AttributeError, OSError, ValueError):
            return True

    def _console(self) -> Console:
        if self._out_console is None:
            self._out_console = make_console(self.out, self.color)
        return self._out_console

    # -- --report FILE --------------------------------------------------------------------------------------------
    # Modelled on the report.txt of TensorFlow's tf_upgrade_v2: one plain-text record a reviewer can read or attach
    # to a pull request, with every change, every finding, every error and why each happened. Never colored.
    def _report_header(self) -> None:
        from tfckpt_codemod import __version__

        assert self.report is not None
        mode = {Mode.diff: "dry run (nothing written)", Mode.check: "check (nothing written)",
                Mode.write: "write (changes applied in place)"}[self.mode]
        self.report.write(f"tfckpt-migrate {__version__} report\n{'=' * 78}\nMode: {mode}\n\n")

    def _report_file(self, result: FileResult) -> None:
        assert self.report is not None
        if not (result.changed or result.findings or error_lines(result)):
            return
        write = self.report.write
        status = ("error" if error_lines(result) else
                  "migrated" if result.written else
                  ("changed on disk, not written" if self.mode is Mode.write else "would be migrated")
                  if result.changed else "findings only")
        path = display_path(result.path)
        write(f"{'-' * 78}\nFile: {path}\nStatus: {status}\n")
        for line in error_lines(result):
            write(line + "\n")
        for finding in result.findings:
            write(finding.render(path) + (" (fixed)" if finding.fixed else "") + "\n")
        for reason in result.reasons:
            write(f"{path}: {reason}\n")
        if result.changed:
            write("\n" + unified_diff(result))
        write("\n")

    def _report_footer(self) -> None:
        assert self.report is not None
        write = self.report.write
        write(f"{'=' * 78}\nSummary: {self.summary_line()}\n")
        from tfckpt_codemod.transforms import rule_table

        write("\nRules (* = reported in this run):\n")
        for rule in rule_table():
            mark = "*" if rule.code in self._codes_seen else " "
            kind = "autofix" if rule.autofix else "finding"
            write(f"{mark} {rule.code}  {rule.name} ({kind}): {rule.summary}\n")
        self.report.flush()

    def _print_diff(self, diff: str) -> None:
        print_diff(diff, self.out, self._console() if self._may_color() else None)

    def _github(self, result: FileResult) -> None:
        path = _github_file(result.path.replace(os.sep, "/"))
        if result.error is not None:
            at = f",line={result.error_line}" if result.error_line is not None else ""
            at += f",col={result.error_column}" if result.error_line is not None and result.error_column else ""
            self.out.write(f"::error file={path}{at},title=tfckpt-migrate::{_escape(result.error)}\n")
        lines = _notebook_lines(result)
        for cell, reason in result.cell_errors:
            self.out.write(f"::error file={path},line={lines(cell, 1)},title=cell {cell}::{_escape(reason)}\n")
        if result.changed and not result.written:
            self.out.write(f"::warning file={path},title=tfckpt-migrate::would be migrated by tfckpt-migrate\n")
        for f in result.findings:
            if f.cell is not None:  # the notebook's own lines: the one holding that line of that cell
                line = lines(f.cell, f.line)
                self.out.write(f"::warning file={path},line={line},title={f.code} (cell {f.cell})::"
                               f"{_escape(f.message)}\n")
                continue
            self.out.write(f"::warning file={path},line={f.line},col={f.column},endLine={f.end_line},"
                           f"endColumn={f.end_column},title={_property(f.code)}::{_escape(f.message)}\n")

    def _json(self, result: FileResult) -> None:
        if not (result.changed or result.findings or result.error or result.cell_errors):
            return
        self.json_files.append({
            "path": result.path,
            "changed": result.changed,
            "written": result.written,
            "diff": unified_diff(result) if result.changed else None,
            "error": result.error,
            "error_line": result.error_line,
            "error_column": result.error_column,
            "cell_errors": [{"cell": cell, "message": reason} for cell, reason in result.cell_errors],
            "reasons": list(result.reasons),
            "findings": [_finding_json(f, result.path) for f in result.findings],
            "fixes": [{"code": edit.code, "line": edit.line, "end_line": edit.end_line} for edit in result.edits],
        })

    # -- end of run -----------------------------------------------------------------------------------------------
    def finish(self, contributors: Iterable[tuple[str, str]] = (), project: str | None = None) -> None:
        if self.report is not None:
            self._report_footer()
        if self.output_format == "json":
            import json

            document: dict[str, object] = {
                "version": 1,
                "files": self.json_files,
                "errors": self._errors,
                "summary": self._summary_dict(),
            }
            if self.statistics:
                document["statistics"] = self._statistics_rows()
            json.dump(document, self.out, indent=2)
            self.out.write("\n")
        elif self.output_format == "text":
            if self.show_fixes:
                self._print_fixes()
            if self.statistics:
                self._print_statistics()
        if self.verbose:
            if project is not None:
                self.err.write(f"run-wide facts come from the project at {display_path(project)}\n")
            for path, what in contributors:
                self.err.write(f"{display_path(path)}: {what}\n")
            self.err.write(f"parsed {self.parsed} of {self.seen} files\n")
        if not self.quiet:
            self.err.write(self.summary_line() + "\n")

    def _summary_dict(self) -> dict[str, int]:
        """`findings` counts what the text summary calls "findings to review"; `notes` the rest (rewrites made)."""
        return {"files": self.seen, "parsed": self.parsed, "changed": self.changed, "written": self.written,
                "findings": self.manual_findings, "notes": self.findings - self.manual_findings,
                "errors": self.errors}

    def _statistics_rows(self) -> list[dict[str, object]]:
        """Findings per code (`fixed`: notes on rewrites made) and rewrites per code, most frequent first."""
        counts = {(code, "finding" if not fixed else "note"): n for (code, fixed), n in self._counts.items()}
        for _path, fixes in self._fixes:
            for code, n in fixes.items():
                counts[(code, "fix")] = counts.get((code, "fix"), 0) + n
        from tfckpt_codemod.transforms import known_codes

        names = known_codes()
        return [{"code": code, "name": names[code].name if code in names else "", "kind": kind, "count": n}
                for (code, kind), n in sorted(counts.items(), key=lambda item: (-item[1], *item[0]))]

    def _print_statistics(self) -> None:
        for row in self._statistics_rows():
            mark = {"fix": "[*]", "note": "[.]", "finding": "[ ]"}[str(row["kind"])]
            self.out.write(f"{row['count']:>5}  {row['code']:<7} {mark} {row['name']}\n")

    def _print_fixes(self) -> None:
        """ruff's --show-fixes: each changed file with how many rewrites each rule made in it."""
        if not self._fixes:
            return
        verb = "Fixed" if self.mode is Mode.write else "Would fix"
        total = sum(sum(fixes.values()) for _path, fixes in self._fixes)
        self.out.write(f"{verb} {total} issue{'s' if total != 1 else ''}:\n")
        from tfckpt_codemod.transforms import known_codes

        names = known_codes()
        for path, fixes in self._fixes:
            self.out.write(f"- {display_path(path)}:\n")
            for code, n in sorted(fixes.items()):
                name = names[code].name if code in names else ""
                self.out.write(f"    {n} \u00d7 {code} ({name})\n")

    def summary_line(self) -> str:
        verb = {Mode.write: "migrated", Mode.check: "would be migrated", Mode.diff: "would be migrated"}[self.mode]
        count = self.written if self.mode is Mode.write else self.changed
        parts = [f"{count} file{'s' if count != 1 else ''} {verb}",
                 f"{self.manual_findings} finding{'s' if self.manual_findings != 1 else ''} to review",
                 f"{self.seen} scanned"]
        if self.errors:
            parts.append(f"{self.errors} error{'s' if self.errors != 1 else ''}")
        return ", ".join(parts)


def error_document(message: str) -> dict[str, object]:
    """The json document of a run that stopped before any file (a usage error, a bad config)."""
    return {"version": 1, "error": message, "files": [], "errors": [],
            "summary": {"files": 0, "parsed": 0, "changed": 0, "written": 0, "findings": 0, "notes": 0,
                        "errors": 1}}


def _finding_json(finding: Finding, path: str) -> dict[str, object]:
    return {"code": finding.code, "message": finding.message, "path": path, "cell": finding.cell,
            "line": finding.line, "column": finding.column, "end_line": finding.end_line,
            "end_column": finding.end_column, "fixed": finding.fixed, "kind": finding.kind}


def error_lines(result: FileResult) -> list[str]:
    """The file's errors as printed: `path: error: reason`, and `path:cell N: error: reason` for notebook cells."""
    path = display_path(result.path)
    lines = [f"{path}: error: {result.error}"] if result.error is not None else []
    lines += [f"{path}:cell {cell}: error: {reason}" for cell, reason in result.cell_errors]
    return lines


def _notebook_lines(result: FileResult):  # type: ignore[no-untyped-def]
    """(cell, line in the cell) -> the line of the notebook file that holds it (where the cell's source starts when
    its source is one string)."""
    from tfckpt_codemod.notebook import NotebookError, source_lines

    try:
        where = source_lines(result.old) if result.old is not None and result.path.endswith(".ipynb") else {}
    except NotebookError:
        where = {}

    def line(cell: int, in_cell: int) -> int:
        start, listed = where.get(cell - 1, (1, False))
        return start + in_cell if listed else start

    return line


def _escape(text: str) -> str:
    """A workflow command's message: GitHub decodes %25, %0D and %0A."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_file(path: str) -> str:
    """A workflow command's `file=` property: GitHub decodes %25, %0D, %0A, %3A and %2C there, so a name with a
    newline, a colon or a comma still points at its file. A name with other control characters (a terminal escape)
    is shown quoted instead: raw, it would act on the log viewer; GitHub cannot decode it anyway."""
    if not path.replace("\r", "").replace("\n", "").isprintable():
        path = display_path(path)
    return _property(path)


def _property(value: str) -> str:
    """A workflow command's property value (`file=`, `title=`): `:` and `,` end it unless escaped."""
    return _escape(value).replace(":", "%3A").replace(",", "%2C")


# -- --inspect-checkpoint ---------------------------------------------------------------------------------------------

def inspection_document(inspection: CheckpointInspection) -> dict[str, object]:
    """The json form of `--inspect-checkpoint` (README: "Checkpoints as evidence")."""
    return {
        "version": 1,
        "checkpoint": inspection.prefix,
        "kind": inspection.kind,
        "source": inspection.source,
        "note": inspection.note or None,
        "objects": [{"name": row.name, "values": row.variables, "kind": row.kind, "shared": row.shared}
                    for row in inspection.rows],
    }


def print_inspection(inspection: CheckpointInspection, out: TextOut, output_format: str, color: str) -> None:
    """What a checkpoint holds, a row per top-level object (name scope for a name-based checkpoint)."""
    if output_format == "json":
        import json

        json.dump(inspection_document(inspection), out, indent=2)
        out.write("\n")
        return
    from rich import box
    from rich.table import Table

    console = make_console(out, color)
    where = {"object-graph": "its object graph", "keys": "its index's keys", "names": "its variable names"}
    held = list(inspection.held.values())  # a value two objects reach (a Keras 3 model's, via its optimizer) once
    total = len(frozenset().union(*held)) if held else sum(row.variables for row in inspection.rows)
    heading = (f"{display_path(inspection.prefix)}: {inspection.kind} checkpoint, {len(inspection.rows)} "
               f"top-level {'name scopes' if inspection.kind == 'name-based' else 'objects'}, {total} values "
               f"(from {where[inspection.source]})")
    console.print(heading, style="bold")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("name", no_wrap=True)
    table.add_column("values", justify="right")
    table.add_column("kind")
    shared = any(row.shared for row in inspection.rows)
    if shared:
        table.add_column("shared with another object", justify="right")
    for row in inspection.rows:
        cells = [row.name, str(row.variables), row.kind]
        table.add_row(*cells, *([str(row.shared) if row.shared else ""] if shared else []))
    console.print(table)
    if inspection.note:
        console.print(f"note: {inspection.note}")
    if inspection.kind == "name-based":
        console.print("note: a tf.compat.v1.train.Saver wrote it; tf.train.Checkpoint.restore matches its values by "
                      "variable name (TFC305)")

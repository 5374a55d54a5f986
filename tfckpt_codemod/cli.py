"""`tfckpt-migrate`: parse options, run, pick the exit code. Heavy imports wait until a run needs them."""

from __future__ import annotations

import contextlib
import sys
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from tfckpt_codemod import __version__
from tfckpt_codemod.interrupts import Interrupted, interrupts_handled
from tfckpt_codemod.streams import BROKEN_NOTE, PipeSafe

if TYPE_CHECKING:
    from tfckpt_codemod.evidence import CheckpointEvidence
    from tfckpt_codemod.ignores import PerFileIgnores
    from tfckpt_codemod.reportfile import ReportFile

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


app = typer.Typer(add_completion=False, context_settings={"help_option_names": ["-h", "--help"]},
                  rich_markup_mode=None, pretty_exceptions_enable=False)


def _codes(values: list[str] | None) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values or () for code in value.split(",") if code.strip())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tfckpt-migrate {__version__}")
        raise typer.Exit(EXIT_OK)


def _list_rules(value: bool) -> None:
    if value:
        from tfckpt_codemod.transforms import rule_table

        for rule in rule_table():
            kind = "autofix" if rule.autofix else "finding"
            typer.echo(f"{rule.code}  {rule.name:<34} {kind:<8} {rule.summary}")
        raise typer.Exit(EXIT_OK)


@app.command()
def migrate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or directories to migrate (default: the current directory); '-' reads stdin.",
        show_default=False)] = None,
    write: Annotated[bool, typer.Option("--write", "-w", help="Apply the changes in place (atomic writes).")] = False,
    check: Annotated[bool, typer.Option("--check", help="List files that would change and findings; write nothing; "
                                        "exit 1 if there is anything to do.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="With --write: also print the diffs.")] = False,
    select: Annotated[list[str] | None, typer.Option(
        "--select", help="Rule codes or prefixes to run (comma-separated), e.g. TFC1,TFC301.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="Rule codes or prefixes to skip (comma-separated).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Glob patterns to exclude, replacing the defaults (.git, venv, build, ...).")] = None,
    extend_exclude: Annotated[list[str] | None, typer.Option(
        "--extend-exclude", help="Glob patterns to exclude on top of the defaults.")] = None,
    respect_gitignore: Annotated[bool | None, typer.Option(
        "--respect-gitignore/--no-respect-gitignore", help="Skip files ignored by .gitignore.",
        show_default=False)] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: cores).",
                                                show_default=False)] = None,
    output_format: Annotated[OutputFormat, typer.Option("--output-format", help="text, json or github.")
                             ] = OutputFormat.text,
    stdin_filename: Annotated[str | None, typer.Option(
        "--stdin-filename", help="The name of the file read from stdin (with PATH '-').")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write a full plain-text report (diffs, findings, errors, reasons, summary) to this file; "
        "the terminal then shows only the summary and errors.", show_default=False, dir_okay=False)] = None,
    max_file_size: Annotated[str | None, typer.Option(
        "--max-file-size", help="Files to migrate larger than this are reported, not parsed: a size like 2MB or "
        "500KB, or a number of bytes (default: 1MB).", show_default=False)] = None,
    checkpoint: Annotated[list[str] | None, typer.Option(
        "--checkpoint", metavar="[NAME=]PATH", help="A checkpoint the code restores (a prefix, its .index, or a "
        "directory whose `checkpoint` file names the latest), as evidence for TFC301/TFC304/TFC305; repeatable, "
        "NAME matched against each restore's path expression or file.", show_default=False)] = None,
    inspect_checkpoint: Annotated[str | None, typer.Option(
        "--inspect-checkpoint", metavar="PATH", help="Print what a checkpoint holds (top-level objects, value "
        "counts, name- or object-based) and exit; reads it without TensorFlow.", show_default=False)] = None,
    color: Annotated[Color, typer.Option("--color", help="auto, always or never (NO_COLOR is respected).")
                     ] = Color.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Reasons, notes on rewrites, parse counts.")
                       ] = False,
    version: Annotated[bool | None, typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
    list_rules: Annotated[bool | None, typer.Option("--list-rules", callback=_list_rules, is_eager=True,
                                                       help="List every rule code and exit.")] = None,
) -> None:
    """Migrate TensorFlow 1.x contrib checkpoint code to TensorFlow 2.x.

    Dry run by default: prints unified diffs and findings, writes nothing. Exit codes: 0 nothing to do or all
    applied; 1 --check found changes or findings; 2 usage error or a file that could not be read, parsed or written.
    """
    if inspect_checkpoint is not None:
        raise typer.Exit(_inspect(inspect_checkpoint, output_format.value, color.value))
    if check and write:
        _usage("--check and --write cannot be used together")
    if diff and not write:
        _usage("--diff only goes with --write (a dry run already prints diffs)")
    from tfckpt_codemod.config import ConfigError, find_pyproject, load_settings, merge
    from tfckpt_codemod.limits import (
        DEFAULT_MAX_FILE_SIZE,
        LimitError,
        available_cores,
        parse_size,
    )
    from tfckpt_codemod.transforms import select_codes

    targets = list(paths or [Path(".")])
    try:
        size_limit = parse_size(max_file_size, what="--max-file-size") if max_file_size is not None else None
    except LimitError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits
    try:
        settings = merge(load_settings(find_pyproject([p for p in targets if str(p) != "-"] or [Path(".")])),
                         select=_codes(select) or None, ignore=_codes(ignore) or None, exclude=exclude,
                         extend_exclude=extend_exclude, jobs=jobs, respect_gitignore=respect_gitignore,
                         max_file_size=size_limit, checkpoints=checkpoint)
    except ConfigError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits
    codes = select_codes(settings.select, settings.ignore)
    evidence = _evidence(settings.checkpoints)
    mode = "write" if write else "check" if check else "diff"
    stdin = any(str(p) == "-" for p in targets)
    if stdin and len(targets) > 1:
        _usage("'-' (stdin) cannot be mixed with other paths")
    limit = settings.max_file_size or DEFAULT_MAX_FILE_SIZE
    report_file = _open_report(report)
    out, err = PipeSafe(sys.stdout), PipeSafe(sys.stderr)
    try:
        with interrupts_handled():
            if stdin:
                if report_file is not None and stdin_filename is not None:
                    _refuse_report_inputs(report_file, [stdin_filename], ())
                code = _run_stdin(stdin_filename or "-", codes, mode, color.value, output_format.value, quiet,
                                  report_file, limit, err, evidence, settings.per_file_ignores)
            else:
                cores = available_cores()
                requested = settings.jobs or cores
                code = _run_paths(targets, codes, mode, min(requested, cores), output_format.value, color.value,
                                  diff, verbose, quiet, settings.exclude, settings.extend_exclude,
                                  settings.respect_gitignore, report_file, limit, out, err,
                                  _JobsNote(requested, cores, settings.jobs is not None) if verbose else None,
                                  settings.source, evidence, settings.per_file_ignores)
    except Interrupted as stop:
        from tfckpt_codemod.fileio import remove_live_temp_files

        remove_live_temp_files()
        if report_file is not None:
            report_file.discard()
        done = "" if stdin else "; files already written are complete, the others are unchanged"
        err.write(f"tfckpt-migrate: error: interrupted by {stop.name}{done}\n")
        err.flush()
        raise typer.Exit(stop.exit_code) from None
    except BaseException:  # a usage error found late (a bad pattern, the report among the inputs), or a bug
        if report_file is not None:
            report_file.discard()
        raise
    if report_file is not None:
        problem = report_file.commit()
        if problem is not None:
            err.write(problem + "\n")
            code = EXIT_ERROR
    if out.broken or err.broken:
        err.write(BROKEN_NOTE + "\n")  # dropped too when stderr is the closed pipe
    err.flush()
    raise typer.Exit(code)


class _JobsNote:
    """--verbose: the one line that says how many workers a run uses when that is fewer than asked for."""

    def __init__(self, requested: int, cores: int, explicit: bool) -> None:
        self.requested, self.cores, self.explicit = requested, cores, explicit

    def line(self, workers: int, candidates: int) -> str | None:
        if workers >= self.requested:
            return None
        why = [f"{self.cores} core{'s' if self.cores != 1 else ''} available"]
        if workers < min(self.requested, self.cores):
            why.append(f"{candidates} file{'s' if candidates != 1 else ''} to parse")
        asked = f" for -j {self.requested}" if self.explicit else ""
        return (f"tfckpt-migrate: using {workers} worker process{'es' if workers != 1 else ''}{asked} "
                f"({', '.join(why)})")


def _inspect(path: str, output_format: str, color: str) -> int:
    from tfckpt_codemod.checkpoint_graph import inspect_checkpoint
    from tfckpt_codemod.checkpoint_index import CheckpointError
    from tfckpt_codemod.report import print_inspection

    try:
        inspection = inspect_checkpoint(path)
    except CheckpointError as error:
        if output_format == "json":
            import json

            json.dump({"version": 1, "checkpoint": path, "error": str(error)}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        typer.echo(f"tfckpt-migrate: error: {error}", err=True)
        return EXIT_ERROR
    print_inspection(inspection, PipeSafe(sys.stdout), output_format, color)
    return EXIT_OK


def _evidence(specs: tuple[str, ...]) -> tuple[CheckpointEvidence, ...]:
    """The user's checkpoints, read before any file: one that cannot be read fails the run (exit 2)."""
    if not specs:
        return ()
    from tfckpt_codemod.evidence import EvidenceError, read_evidence

    try:
        return read_evidence(specs)
    except EvidenceError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits


def _open_report(path: Path | None) -> ReportFile | None:
    """Opened (as a temp file beside it) before the run so that an unwritable report path fails fast, before any
    file is rewritten; the report path itself is replaced only at the end."""
    if path is None:
        return None
    from tfckpt_codemod.reportfile import ReportError, ReportFile

    try:
        return ReportFile(path)
    except ReportError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits


def _refuse_report_inputs(report: ReportFile, given: list[str], files: tuple[str, ...] | list[str]) -> None:
    from tfckpt_codemod.reportfile import ReportError

    try:
        report.refuse_inputs(given, files)
    except ReportError as error:
        _usage(str(error))


def _usage(message: str) -> None:
    typer.echo(f"tfckpt-migrate: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _run_paths(paths: list[Path], codes: tuple[str, ...], mode: str, jobs: int, output_format: str, color: str,
               show_diff: bool, verbose: bool, quiet: bool, exclude: tuple[str, ...] | None,
               extend_exclude: tuple[str, ...], respect_gitignore: bool, report: ReportFile | None = None,
               max_file_size: int | None = None, out: IO[str] | None = None, err: IO[str] | None = None,
               jobs_note: _JobsNote | None = None, config: Path | None = None,
               checkpoints: tuple[CheckpointEvidence, ...] = (), per_file_ignores: PerFileIgnores | None = None) -> int:
    from tfckpt_codemod.discovery import MissingPathError, PatternError, discover
    from tfckpt_codemod.limits import DEFAULT_MAX_FILE_SIZE
    from tfckpt_codemod.project import project_files, project_root
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.runner import RunOptions, run

    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        files = discover(paths, exclude=exclude, extend_exclude=extend_exclude,
                         respect_gitignore=respect_gitignore)
    except MissingPathError as error:
        err.write(f"{error}\n")  # already `path: error: reason`
        return EXIT_ERROR
    except PatternError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits
    if report is not None:
        _refuse_report_inputs(report, [str(p) for p in paths], [item.path for item in files])
    reporter = Reporter(out, err, mode, output_format, color, show_diff, verbose, quiet, report)
    options = RunOptions(codes=codes, write=mode == "write", jobs=jobs,
                         max_file_size=max_file_size or DEFAULT_MAX_FILE_SIZE, checkpoints=checkpoints,
                         per_file_ignores=per_file_ignores)

    def on_workers(workers: int, candidates: int) -> None:
        line = jobs_note.line(workers, candidates) if jobs_note is not None else None
        if line is not None:
            err.write(line + "\n")

    root = project_root(config, paths)
    facts_from: list[str] = []

    def whole_project() -> list[str]:
        if root is None:
            return []
        facts_from.append(str(root))
        return project_files(root, exclude=exclude, extend_exclude=extend_exclude,
                             respect_gitignore=respect_gitignore)

    with _progress(len(files), quiet or output_format != "text") as advance:
        contributors: list[tuple[str, str]] = []
        with contextlib.closing(run(files, options, on_progress=advance, contributors=contributors,
                                    on_workers=on_workers, project_files=whole_project)) as results:
            for result in results:
                reporter.file(result)
    reporter.finish(contributors, facts_from[0] if facts_from else None)
    if reporter.errors:
        return EXIT_ERROR
    if mode == "check" and (reporter.changed or reporter.manual_findings):
        return EXIT_FOUND
    return EXIT_OK


def _run_stdin(name: str, codes: tuple[str, ...], mode: str, color: str, output_format: str, quiet: bool,
               report: ReportFile | None = None, max_file_size: int | None = None,
               err: IO[str] | None = None, checkpoints: tuple[CheckpointEvidence, ...] = (),
               per_file_ignores: PerFileIgnores | None = None) -> int:
    """With --write, stdout is the file: it gets the new source, or the input unchanged when anything fails."""
    from tfckpt_codemod.engine import could_apply, migrate_source
    from tfckpt_codemod.limits import DEFAULT_MAX_FILE_SIZE, size_error
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.transforms import load_rules, triggers
    from tfckpt_codemod.types import FileResult

    err = err if err is not None else sys.stderr
    if _STDIN_ECHO is not None:
        _STDIN_ECHO.reading = True  # from here on, an interrupted read is not retried by the fallback
    data = sys.stdin.buffer.read()
    if _STDIN_ECHO is not None:
        _STDIN_ECHO.data = data
    limit = max_file_size or DEFAULT_MAX_FILE_SIZE
    try:
        if len(data) > limit and could_apply(data, triggers(codes)):
            result = FileResult(path=name, old=data, error=size_error(len(data), limit))
        else:
            result = migrate_source(data, name, rules=load_rules(codes), checkpoints=checkpoints,
                                    ignore=per_file_ignores.codes_for(name) if per_file_ignores and name != "-" else ())
    except RecursionError:
        result = FileResult(path=name, old=data, error="too deeply nested for the parser; not migrated")
    except Exception as error:  # a bug of ours: the editor that pipes its buffer through us must get it back
        result = FileResult(path=name, old=data, error=f"internal error ({type(error).__name__}: {error}); "
                            "not migrated, please report it")
    if mode == "write":
        _emit_stdout(result.new if result.changed and result.new is not None and result.error is None else data)
        reporter = Reporter(err, err, "write", "text", color, quiet=True, report=report)
        reporter.file(result)  # findings and errors go to stderr: stdout is the file
        if report is not None:
            reporter.finish()
    else:
        reporter = Reporter(PipeSafe(sys.stdout), err, mode, output_format, color, quiet=quiet, report=report)
        reporter.file(result)
        reporter.finish()
    if result.error is not None:
        return EXIT_ERROR
    if mode == "check" and (result.changed or any(not f.fixed for f in result.findings)):
        return EXIT_FOUND
    return EXIT_OK


def _emit_stdout(payload: bytes) -> None:
    if _STDIN_ECHO is not None:
        _STDIN_ECHO.emit(payload)
        return
    try:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    except BrokenPipeError:
        pass


class _StdinEcho:
    """`--write -` promises that stdout is the file: the new source, or, when anything goes wrong (a usage error,
    a bad config, an interruption, a bug of ours), the input bytes unchanged. An editor that replaces its buffer
    with our stdout must never get an empty buffer back."""

    def __init__(self) -> None:
        self.data: bytes | None = None
        self.reading = False
        self.emitted = False

    def emit(self, payload: bytes) -> None:
        self.emitted = True
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        except (BrokenPipeError, ValueError):
            pass
        except OSError:
            pass

    def fallback(self) -> None:
        """Nothing was written yet: give the input back (read it first if nobody did, unless it is a terminal).
        A read that a signal interrupted is not started again: the writer may never close the pipe."""
        if self.emitted:
            return
        if self.data is None:
            if self.reading:
                return
            try:
                if sys.stdin is None or sys.stdin.isatty():
                    return
                self.data = sys.stdin.buffer.read()
            except (OSError, ValueError):
                return
        self.emit(self.data)


_STDIN_ECHO: _StdinEcho | None = None

# Options that take a value: the word after them is not a path.
_VALUE_OPTIONS = frozenset({"--select", "--ignore", "--exclude", "--extend-exclude", "-j", "--jobs",
                            "--output-format", "--stdin-filename", "--report", "--color", "--max-file-size"})


def _stdin_write_requested(argv: list[str]) -> bool:
    """Whether the command line asks for `--write -`, read before typer parses it (a usage error comes from the
    parser itself, and stdout must carry the input then too)."""
    write = stdin = False
    words = iter(argv)
    for word in words:
        if word == "--":
            stdin = stdin or "-" in list(words)
            break
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif word == "-":
            stdin = True
        elif word == "--write" or (word.startswith("-") and not word.startswith("--") and "w" in word[1:]
                                   and not word.startswith("-j")):
            write = True
    return write and stdin


class _NoProgress:
    def __enter__(self):  # type: ignore[no-untyped-def]
        return lambda done: None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(total: int, disabled: bool):  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr, only for long runs on a terminal."""
    if disabled or total < 200 or not sys.stderr.isatty():
        return _NoProgress()
    from contextlib import contextmanager

    from rich.progress import Progress

    @contextmanager
    def bar():  # type: ignore[no-untyped-def]
        from tfckpt_codemod.report import make_console

        with Progress(console=make_console(sys.stderr, "auto"), transient=True) as progress:
            task = progress.add_task("migrating", total=total)
            yield lambda done: progress.update(task, completed=done)

    return bar()


def main() -> None:
    """The console script. Whatever happens, the exit status is 0, 1, 2 or 128 + a signal, errors are one line,
    and with `--write -` stdout carries the input when there is no output."""
    global _STDIN_ECHO
    _STDIN_ECHO = _StdinEcho() if _stdin_write_requested(sys.argv[1:]) else None
    try:
        app()
    except SystemExit as exit:
        if _STDIN_ECHO is not None and exit.code not in (0, None):
            _STDIN_ECHO.fallback()
        raise
    except KeyboardInterrupt:  # before or after the run: nothing was being written
        if _STDIN_ECHO is not None:
            _STDIN_ECHO.fallback()
        _stderr_line("tfckpt-migrate: error: interrupted by SIGINT")
        sys.exit(130)
    except Exception as error:  # a bug of ours: one line, not a traceback, and never exit 1 (--check's "found")
        if _STDIN_ECHO is not None:
            _STDIN_ECHO.fallback()
        _stderr_line(f"tfckpt-migrate: error: internal error ({type(error).__name__}: "
                     f"{' '.join(str(error).split())}); please report it")
        sys.exit(EXIT_ERROR)


def _stderr_line(text: str) -> None:
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()

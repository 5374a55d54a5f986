"""`tfckpt-migrate`: parse options, run, pick the exit code. Heavy imports wait until a run needs them.

No `from __future__ import annotations` here: typer reads the command's signature on every start, and string
annotations make it evaluate each `Annotated[..., typer.Option(...)]` again (a tenth of an empty run's
instructions). Annotations that name a module imported only for type checking are quoted instead.
"""

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tfckpt_codemod import __version__
from tfckpt_codemod.interrupts import Interrupted, interrupts_handled
from tfckpt_codemod.options import EXIT_ERROR, EXIT_FOUND, EXIT_OK, Invocation, Mode
from tfckpt_codemod.streams import BROKEN_NOTE, PipeSafe, TextOut

if TYPE_CHECKING:
    from tfckpt_codemod.evidence import CheckpointEvidence
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.reportfile import ReportFile

class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


app = typer.Typer(add_completion=False, context_settings={"help_option_names": ["-h", "--help"]},
                  rich_markup_mode="markdown", pretty_exceptions_enable=False)

_MODE, _SELECT, _FILES, _OUTPUT, _CHECKPOINTS, _INFO = (
    "Mode", "Rule selection", "File selection", "Output", "Checkpoints as evidence", "Information")

# click's ClickException, whose UsageError typer's public BadParameter derives from: typer 0.12 re-exports click's,
# later releases vendor their own copy of click, and this finds it in both.
_CLICK_ERROR: type[typer.BadParameter] = typer.BadParameter.__mro__[2]

# The format a usage error is written in: a json consumer gets one json document whatever went wrong.
_OUTPUT_FORMAT = "text"


def _codes(values: list[str] | None) -> tuple[str, ...] | None:
    """`--select A,B --select C` as codes; None when not given. An empty or unknown selector is a usage error
    (ruff: "Unknown rule selector"): a typo must fail CI, not make it pass while checking nothing."""
    if values is None:
        return None
    from tfckpt_codemod.transforms import unknown_selectors

    codes = tuple(code.strip().upper() for value in values for code in value.split(","))
    unknown = unknown_selectors(codes)
    if unknown:
        _usage(f"unknown rule selector {unknown[0]!r} (see --list-rules)")
    return codes


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
        show_default=False, metavar="[PATH]...")] = None,
    write: Annotated[bool, typer.Option("--write", "-w", help="Apply the changes in place (atomic writes).",
                                        rich_help_panel=_MODE)] = False,
    check: Annotated[bool, typer.Option("--check", help="List files that would change and findings; write nothing; "
                                        "exit 1 if there is anything to do.", rich_help_panel=_MODE)] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the diffs: with --check (CI) or --write; alone it is "
                                       "the dry run, the default.", rich_help_panel=_MODE)] = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when --check finds something to do "
                                            "(errors still exit 2).", rich_help_panel=_MODE)] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Review each hunk (y, n, a, q, ?) as "
                                              "`git add -p` does and write the ones you accept; needs a terminal.",
                                              rich_help_panel=_MODE)
                           ] = False,
    select: Annotated[list[str] | None, typer.Option(
        "--select", metavar="CODES", help="Rule codes or prefixes to run (comma-separated), e.g. TFC1,TFC301.",
        rich_help_panel=_SELECT, show_default=False)] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", metavar="CODES", help="Rule codes or prefixes to skip (comma-separated).",
        rich_help_panel=_SELECT, show_default=False)] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="PYPROJECT", help="Read [tool.tfckpt-migrate] from this file instead of the nearest "
        "pyproject.toml that has the table.", rich_help_panel=_SELECT, show_default=False, dir_okay=False)] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", metavar="GLOBS", help="Patterns to exclude (comma-separated; relative to the working directory), "
        "replacing the defaults (.git, venv, build, ...) and the config's.", rich_help_panel=_FILES,
        show_default=False)] = None,
    extend_exclude: Annotated[list[str] | None, typer.Option(
        "--extend-exclude", metavar="GLOBS", help="Patterns to exclude on top of the defaults and the config's "
        "(comma-separated).", rich_help_panel=_FILES, show_default=False)] = None,
    force_exclude: Annotated[bool, typer.Option(
        "--force-exclude", help="Apply the excludes to files named on the command line too (for pre-commit).",
        rich_help_panel=_FILES)] = False,
    respect_gitignore: Annotated[bool, typer.Option(
        "--respect-gitignore", help="Skip files ignored by .gitignore (the default).", rich_help_panel=_FILES)
    ] = False,
    no_respect_gitignore: Annotated[bool, typer.Option(
        "--no-respect-gitignore", help="Also migrate files that .gitignore ignores.", rich_help_panel=_FILES)
    ] = False,
    stdin_filename: Annotated[str | None, typer.Option(
        "--stdin-filename", metavar="NAME", help="Read the source from stdin and name it NAME in the output.",
        rich_help_panel=_FILES, show_default=False)] = None,
    max_file_size: Annotated[str | None, typer.Option(
        "--max-file-size", metavar="SIZE", help="Files larger than this are reported, not parsed: 2MB, 500KB or a "
        "number of bytes [default: 1MB].", show_default=False, rich_help_panel=_FILES)] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, metavar="N", rich_help_panel=_FILES,
                                                help="Worker processes [default: the cores].", show_default=False)
                    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--output-format", help="text, json or github.",
                                                        rich_help_panel=_OUTPUT)] = OutputFormat.text,
    statistics: Annotated[bool, typer.Option("--statistics", help="Count findings and fixes per rule code.",
                                             rich_help_panel=_OUTPUT)] = False,
    show_fixes: Annotated[bool, typer.Option("--show-fixes", help="List what was (or would be) changed, per file "
                                             "and rule code.", rich_help_panel=_OUTPUT)] = False,
    report: Annotated[Path | None, typer.Option(
        "--report", metavar="FILE", help="Write a full plain-text report (diffs, findings, errors, reasons, "
        "summary) to FILE; the terminal then shows only the summary and errors.", show_default=False,
        dir_okay=False, rich_help_panel=_OUTPUT)] = None,
    color: Annotated[Color, typer.Option("--color", help="auto, always or never (NO_COLOR is respected).",
                                         rich_help_panel=_OUTPUT)] = Color.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary, no `Migrated:` lines.",
                                        rich_help_panel=_OUTPUT)] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Reasons (each .expect_partial() added and why), "
                                          "notes on rewrites, parse counts.", rich_help_panel=_OUTPUT)] = False,
    checkpoint: Annotated[list[str] | None, typer.Option(
        "--checkpoint", metavar="[NAME=]PATH", help="A checkpoint the code restores (a prefix, its .index, or a "
        "directory whose `checkpoint` file names the latest), as evidence for TFC301/TFC304/TFC305; repeatable, "
        "NAME matched against each restore's path expression or file.", show_default=False,
        rich_help_panel=_CHECKPOINTS)] = None,
    inspect_checkpoint: Annotated[str | None, typer.Option(
        "--inspect-checkpoint", metavar="PATH", help="Print what a checkpoint holds (top-level objects, value "
        "counts, name- or object-based) and exit; reads it without TensorFlow.", show_default=False,
        rich_help_panel=_CHECKPOINTS)] = None,
    version: Annotated[bool | None, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                                    help="Show the version and exit.", rich_help_panel=_INFO)] = None,
    list_rules: Annotated[bool | None, typer.Option("--list-rules", callback=_list_rules, is_eager=True,
                                                       help="List every rule code and exit.", rich_help_panel=_INFO)
                          ] = None,
) -> None:
    """Migrate TensorFlow 1.x contrib checkpoint code to TensorFlow 2.x.

    Dry run by default: prints unified diffs and findings, writes nothing. Exit codes: 0 nothing to do or all
    applied; 1 --check found changes or findings; 2 usage error or a file that could not be read, parsed or written.
    """
    global _OUTPUT_FORMAT
    _OUTPUT_FORMAT = output_format.value
    if inspect_checkpoint is not None:
        raise typer.Exit(_inspect(inspect_checkpoint, output_format.value, color.value))
    if check and write:
        _usage("--check and --write cannot be used together")
    if respect_gitignore and no_respect_gitignore:
        _usage("--respect-gitignore and --no-respect-gitignore cannot be used together")
    if interactive:
        from tfckpt_codemod.interactive import usage_problem

        problem = usage_problem(write=write, check=check, stdin=stdin_filename is not None or any(
            str(p) == "-" for p in paths or ()), output_format=output_format.value)
        if problem is not None:
            _usage(problem)
    from tfckpt_codemod.config import ConfigError, explicit_pyproject, find_pyproject, load_settings, merge
    from tfckpt_codemod.limits import (
        DEFAULT_MAX_FILE_SIZE,
        LimitError,
        available_cores,
        parse_size,
    )
    from tfckpt_codemod.transforms import select_codes

    targets = list(paths or ([Path("-")] if stdin_filename is not None else [Path(".")]))
    stdin = any(str(p) == "-" for p in targets)
    if stdin and len(targets) > 1:
        _usage("'-' (stdin) cannot be mixed with other paths")
    try:
        size_limit = parse_size(max_file_size, what="--max-file-size") if max_file_size is not None else None
    except LimitError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits
    selected, ignored = _codes(select), _codes(ignore)
    try:
        if config is not None:
            pyproject: Path | None = explicit_pyproject(config)
        else:
            located = [Path(stdin_filename)] if stdin and stdin_filename else [p for p in targets if str(p) != "-"]
            pyproject = find_pyproject(located or [Path(".")])
        settings = merge(load_settings(pyproject), select=selected, ignore=ignored, exclude=exclude,
                         extend_exclude=extend_exclude, jobs=jobs,
                         respect_gitignore=False if no_respect_gitignore else True if respect_gitignore else None,
                         max_file_size=size_limit, checkpoints=checkpoint)
    except ConfigError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits
    cores = available_cores()
    requested = settings.jobs or cores
    invocation = Invocation(
        mode=Mode.write if write else Mode.check if check else Mode.diff,
        codes=select_codes(settings.select, settings.ignore), output_format=output_format.value,
        color=color.value, show_diff=diff, verbose=verbose, quiet=quiet, exit_zero=exit_zero,
        statistics=statistics, show_fixes=show_fixes, exclude=settings.exclude,
        extend_exclude=settings.extend_exclude, respect_gitignore=settings.respect_gitignore,
        force_exclude=force_exclude, max_file_size=settings.max_file_size or DEFAULT_MAX_FILE_SIZE,
        checkpoints=_evidence(settings.checkpoints), per_file_ignores=settings.per_file_ignores,
        config=settings.source, jobs=min(requested, cores),
        cores=cores, jobs_requested=requested, jobs_explicit=settings.jobs is not None)
    report_file = _open_report(report)
    out, err = PipeSafe(sys.stdout), PipeSafe(sys.stderr)
    try:
        with interrupts_handled():
            if stdin:
                if report_file is not None and stdin_filename is not None:
                    _refuse_report_inputs(report_file, [stdin_filename], ())
                code = _run_stdin(stdin_filename or "-", invocation, report_file, err)
            elif interactive:
                from tfckpt_codemod.interactive import run_interactive

                code = run_interactive(targets, invocation, report_file, out, err)
            else:
                code = _run_paths(targets, invocation, report_file, out, err)
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


def _inspect(path: str, output_format: str, color: str) -> int:
    from tfckpt_codemod.checkpoint_graph import inspect_checkpoint
    from tfckpt_codemod.checkpoint_index import CheckpointError
    from tfckpt_codemod.report import print_inspection

    try:
        inspection = inspect_checkpoint(path)
    except CheckpointError as error:
        if output_format == "json":
            _write_json({"version": 1, "checkpoint": path, "error": str(error)})
        typer.echo(f"tfckpt-migrate: error: {error}", err=True)
        return EXIT_ERROR
    print_inspection(inspection, PipeSafe(sys.stdout), output_format, color)
    return EXIT_OK


def _evidence(specs: tuple[str, ...]) -> "tuple[CheckpointEvidence, ...]":
    """The user's checkpoints, read before any file: one that cannot be read fails the run (exit 2)."""
    if not specs:
        return ()
    from tfckpt_codemod.evidence import EvidenceError, read_evidence

    try:
        return read_evidence(specs)
    except EvidenceError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits


def _open_report(path: Path | None) -> "ReportFile | None":
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


def _refuse_report_inputs(report: "ReportFile", given: list[str], files: tuple[str, ...] | list[str]) -> None:
    from tfckpt_codemod.reportfile import ReportError

    try:
        report.refuse_inputs(given, files)
    except ReportError as error:
        _usage(str(error))


def _usage(message: str) -> None:
    typer.echo(f"tfckpt-migrate: error: {message}", err=True)
    if _OUTPUT_FORMAT == "json":
        _json_error(message)
    raise typer.Exit(EXIT_ERROR)


def _json_error(message: str) -> None:
    """A json consumer reads one document from stdout, whatever went wrong (docs/output.schema.json)."""
    from tfckpt_codemod.report import error_document

    _write_json(error_document(message))


def _write_json(document: object) -> None:
    import json

    try:
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass


def _run_paths(paths: list[Path], run: Invocation, report: "ReportFile | None", out: TextOut, err: TextOut) -> int:
    from tfckpt_codemod.prepare import UsageError, prepare
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.runner import run as run_files

    try:
        prepared = prepare(paths, run, report, write=run.mode is Mode.write)
    except UsageError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits
    reporter = Reporter(out, err, run.mode, run.output_format, run.color, run.show_diff, run.verbose, run.quiet,
                        report, statistics=run.statistics, show_fixes=run.show_fixes)
    for path in prepared.missing:
        reporter.missing(str(path))

    def on_workers(workers: int, candidates: int) -> None:
        line = run.jobs_note(workers, candidates)
        if line is not None:
            reporter.err.write(line + "\n")  # above the progress bar, if one shows

    project = prepared.project
    with _progress(len(prepared.files), run.quiet or run.output_format != "text", reporter) as advance:
        contributors: list[tuple[str, str]] = []
        results = run_files(prepared.files, prepared.options, on_progress=advance, contributors=contributors,
                            on_workers=on_workers, project_files=project.files)
        try:
            for result in results:
                reporter.file(result)
        finally:
            results.close()  # a generator: stops the workers at once when the loop ends early
    reporter.finish(contributors, project.root)
    return _exit_code(run, reporter.errors, reporter.changed or reporter.manual_findings)


def _exit_code(run: Invocation, errors: int, work_left: int) -> int:
    if errors:
        return EXIT_ERROR
    if run.mode is Mode.check and work_left and not run.exit_zero:
        return EXIT_FOUND
    return EXIT_OK


def _run_stdin(name: str, run: Invocation, report: "ReportFile | None", err: TextOut) -> int:
    """With --write, stdout is the file: it gets the new source, or the input unchanged when anything fails."""
    from tfckpt_codemod.collection import resume
    from tfckpt_codemod.engine import could_apply, migrate_source
    from tfckpt_codemod.limits import size_error
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.transforms import load_rules, triggers
    from tfckpt_codemod.types import FileResult

    resume()  # start-up is over: the file is migrated with the garbage collector on, as the runner's files are
    if _STDIN_ECHO is not None:
        _STDIN_ECHO.reading = True  # from here on, an interrupted read is not retried by the fallback
    data = sys.stdin.buffer.read()
    if _STDIN_ECHO is not None:
        _STDIN_ECHO.data = data
    limit = run.max_file_size
    try:
        if len(data) > limit and could_apply(data, triggers(run.codes)):
            result = FileResult(path=name, old=data, error=size_error(len(data), limit))
        else:
            ignore = run.per_file_ignores.codes_for(name) if run.per_file_ignores and name != "-" else ()
            result = migrate_source(data, name, rules=load_rules(run.codes), checkpoints=run.checkpoints,
                                    ignore=ignore)
    except RecursionError:
        result = FileResult(path=name, old=data, error="too deeply nested for the parser; not migrated")
    except Exception as error:  # a bug of ours: the editor that pipes its buffer through us must get it back
        result = FileResult(path=name, old=data, error=f"internal error ({type(error).__name__}: {error}); "
                            "not migrated, please report it")
    if run.mode is Mode.write:
        _emit_stdout(result.new if result.changed and result.new is not None and result.error is None else data)
        reporter = Reporter(err, err, Mode.write, "text", run.color, quiet=True, report=report)
        reporter.file(result)  # findings and errors go to stderr: stdout is the file
        if report is not None:
            reporter.finish()
    else:
        reporter = Reporter(PipeSafe(sys.stdout), err, run.mode, run.output_format, run.color,
                            show_diff=run.show_diff, quiet=run.quiet, report=report, statistics=run.statistics,
                            show_fixes=run.show_fixes)
        reporter.file(result)
        reporter.finish()
    return _exit_code(run, int(result.error is not None), int(result.changed) + sum(not f.fixed
                                                                                      for f in result.findings))


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
                            "--output-format", "--stdin-filename", "--report", "--color", "--max-file-size",
                            "--config", "--checkpoint", "--inspect-checkpoint"})


def _command_line(argv: list[str]) -> tuple[bool, str]:
    """Read before typer parses the command line (a usage error comes from the parser itself): whether it asks
    for `--write` on stdin (`-`, or `--stdin-filename` with no path), whose stdout must then carry the input
    whatever happens, and the output format a usage error is written in."""
    write = dash = named = False
    positional = 0
    output_format = "text"
    words = iter(argv)
    for word in words:
        if word == "--":
            rest = list(words)
            dash = dash or "-" in rest
            positional += len(rest)
            break
        option, equals, value = word.partition("=")
        if option == "--output-format":
            output_format = value if equals else next(words, "text")
        elif option == "--stdin-filename":
            named = True
            if not equals:
                next(words, None)
        elif word in _VALUE_OPTIONS:
            next(words, None)
        elif word == "-":
            dash = True
        elif word == "--write" or (word.startswith("-") and not word.startswith("--") and "w" in word[1:]
                                   and not word.startswith("-j")):
            write = True
        elif not word.startswith("-"):
            positional += 1
    return write and (dash or (named and not positional)), output_format


class _NoProgress:
    def __enter__(self):  # type: ignore[no-untyped-def]
        return lambda done: None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(total: int, disabled: bool, reporter: "Reporter | None" = None):  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr, only for long runs on a terminal; the reporter's output goes above it."""
    if disabled or total < 200 or not sys.stderr.isatty():
        return _NoProgress()
    from tfckpt_codemod.progress import progress_bar

    return progress_bar(total, sys.stderr, reporter)


def main() -> None:
    """The console script. Whatever happens, the exit status is 0, 1, 2 or 128 + a signal, errors are one line,
    with `--write -` stdout carries the input when there is no output, and with `--output-format json` stdout is
    one json document, even for a usage error."""
    global _STDIN_ECHO
    echo, output_format = _command_line(sys.argv[1:])
    _STDIN_ECHO = _StdinEcho() if echo else None
    try:
        code = app(prog_name="tfckpt-migrate", standalone_mode=False)  # also under `python -m tfckpt_codemod`
    except _CLICK_ERROR as error:  # the parser's own: no such option, a bad value
        if _STDIN_ECHO is not None:
            _STDIN_ECHO.fallback()
        if output_format == "json":
            _json_error(error.format_message())
        error.show()
        sys.exit(EXIT_ERROR)
    except typer.Abort:  # click's name for a KeyboardInterrupt outside our own handler
        if _STDIN_ECHO is not None:
            _STDIN_ECHO.fallback()
        _stderr_line("tfckpt-migrate: error: interrupted by SIGINT")
        sys.exit(130)
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
    code = code if isinstance(code, int) else EXIT_OK
    if _STDIN_ECHO is not None and code not in (0, None):
        _STDIN_ECHO.fallback()
    runner = sys.modules.get("tfckpt_codemod.runner")
    if code >= 128 and runner is not None and runner.pool_abandoned():  # interrupted, workers terminated
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


def _stderr_line(text: str) -> None:
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()

"""`tfckpt-migrate`: parse options, run, pick the exit code. Heavy imports wait until a run needs them."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import IO, Annotated, Optional

import typer

from tfckpt_codemod import __version__

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
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Files or directories to migrate (default: the current directory); '-' reads stdin.",
        show_default=False)] = None,
    write: Annotated[bool, typer.Option("--write", "-w", help="Apply the changes in place (atomic writes).")] = False,
    check: Annotated[bool, typer.Option("--check", help="List files that would change and findings; write nothing; "
                                        "exit 1 if there is anything to do.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="With --write: also print the diffs.")] = False,
    select: Annotated[Optional[list[str]], typer.Option(
        "--select", help="Rule codes or prefixes to run (comma-separated), e.g. TFC1,TFC301.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(
        "--ignore", help="Rule codes or prefixes to skip (comma-separated).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(
        "--exclude", help="Glob patterns to exclude, replacing the defaults (.git, venv, build, ...).")] = None,
    extend_exclude: Annotated[Optional[list[str]], typer.Option(
        "--extend-exclude", help="Glob patterns to exclude on top of the defaults.")] = None,
    respect_gitignore: Annotated[Optional[bool], typer.Option(
        "--respect-gitignore/--no-respect-gitignore", help="Skip files ignored by .gitignore.",
        show_default=False)] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (default: cores).",
                                                show_default=False)] = None,
    output_format: Annotated[OutputFormat, typer.Option("--output-format", help="text, json or github.")
                             ] = OutputFormat.text,
    stdin_filename: Annotated[Optional[str], typer.Option(
        "--stdin-filename", help="The name of the file read from stdin (with PATH '-').")] = None,
    report: Annotated[Optional[Path], typer.Option(
        "--report", help="Write a full plain-text report (diffs, findings, errors, reasons, summary) to this file; "
        "the terminal then shows only the summary and errors.", show_default=False, dir_okay=False)] = None,
    color: Annotated[Color, typer.Option("--color", help="auto, always or never (NO_COLOR is respected).")
                     ] = Color.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Reasons, notes on rewrites, parse counts.")
                       ] = False,
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
    list_rules: Annotated[Optional[bool], typer.Option("--list-rules", callback=_list_rules, is_eager=True,
                                                       help="List every rule code and exit.")] = None,
) -> None:
    """Migrate TensorFlow 1.x contrib checkpoint code to TensorFlow 2.x.

    Dry run by default: prints unified diffs and findings, writes nothing. Exit codes: 0 nothing to do or all
    applied; 1 --check found changes or findings; 2 usage error or a file that could not be read, parsed or written.
    """
    if check and write:
        _usage("--check and --write cannot be used together")
    if diff and not write:
        _usage("--diff only goes with --write (a dry run already prints diffs)")
    from tfckpt_codemod.config import ConfigError, find_pyproject, load_settings, merge
    from tfckpt_codemod.transforms import select_codes

    targets = list(paths or [Path(".")])
    try:
        settings = merge(load_settings(find_pyproject([p for p in targets if str(p) != "-"] or [Path(".")])),
                         select=_codes(select) or None, ignore=_codes(ignore) or None, exclude=exclude,
                         extend_exclude=extend_exclude, jobs=jobs, respect_gitignore=respect_gitignore)
    except ConfigError as error:
        _usage(str(error))
        raise  # unreachable: _usage exits
    codes = select_codes(settings.select, settings.ignore)
    mode = "write" if write else "check" if check else "diff"
    stdin = any(str(p) == "-" for p in targets)
    if stdin and len(targets) > 1:
        _usage("'-' (stdin) cannot be mixed with other paths")
    with _open_report(report) as report_stream:
        if stdin:
            code = _run_stdin(stdin_filename or "-", codes, mode, color.value, output_format.value, quiet,
                              report_stream)
        else:
            code = _run_paths(targets, codes, mode, settings.jobs or os.cpu_count() or 1, output_format.value,
                              color.value, diff, verbose, quiet, settings.exclude, settings.extend_exclude,
                              settings.respect_gitignore, report_stream)
    raise typer.Exit(code)


@contextlib.contextmanager
def _open_report(path: Path | None) -> Iterator[IO[str] | None]:
    """Opened before the run so that an unwritable report path fails fast, before any file is rewritten."""
    if path is None:
        yield None
        return
    try:
        stream = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as error:
        _usage(f"cannot write the report {path}: {error.strerror or error}")
        raise  # unreachable: _usage exits
    with stream:
        yield stream


def _usage(message: str) -> None:
    typer.echo(f"tfckpt-migrate: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _run_paths(paths: list[Path], codes: tuple[str, ...], mode: str, jobs: int, output_format: str, color: str,
               show_diff: bool, verbose: bool, quiet: bool, exclude: tuple[str, ...] | None,
               extend_exclude: tuple[str, ...], respect_gitignore: bool, report: IO[str] | None = None) -> int:
    from tfckpt_codemod.discovery import MissingPathError, discover
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.runner import RunOptions, run

    try:
        files = discover(paths, exclude=exclude, extend_exclude=extend_exclude,
                         respect_gitignore=respect_gitignore)
    except MissingPathError as error:
        typer.echo(str(error), err=True)  # already `path: error: reason`
        return EXIT_ERROR
    reporter = Reporter(sys.stdout, sys.stderr, mode, output_format, color, show_diff, verbose, quiet, report)
    options = RunOptions(codes=codes, write=mode == "write", jobs=jobs)
    with _progress(len(files), quiet or output_format != "text") as advance:
        contributors: list[str] = []
        for result in run(files, options, on_progress=advance, contributors=contributors):
            reporter.file(result)
    reporter.finish(contributors)
    if reporter.errors:
        return EXIT_ERROR
    if mode == "check" and (reporter.changed or reporter.manual_findings):
        return EXIT_FOUND
    return EXIT_OK


def _run_stdin(name: str, codes: tuple[str, ...], mode: str, color: str, output_format: str, quiet: bool,
               report: IO[str] | None = None) -> int:
    from tfckpt_codemod.engine import migrate_source
    from tfckpt_codemod.report import Reporter
    from tfckpt_codemod.transforms import load_rules

    data = sys.stdin.buffer.read()
    result = migrate_source(data, name, rules=load_rules(codes))
    if mode == "write":
        sys.stdout.buffer.write(result.new if result.changed and result.new is not None else data)
        sys.stdout.flush()
        reporter = Reporter(sys.stderr, sys.stderr, "write", "text", color, quiet=True, report=report)
        reporter.file(result)  # findings and errors go to stderr: stdout is the file
        if report is not None:
            reporter.finish()
    else:
        reporter = Reporter(sys.stdout, sys.stderr, mode, output_format, color, quiet=quiet, report=report)
        reporter.file(result)
        reporter.finish()
    if result.error is not None:
        return EXIT_ERROR
    if mode == "check" and (result.changed or any(not f.fixed for f in result.findings)):
        return EXIT_FOUND
    return EXIT_OK


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
    app()


if __name__ == "__main__":
    main()

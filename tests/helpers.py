"""Test helpers: run the engine on a source string, and the CLI as a user would."""

from __future__ import annotations

import gc
import io
import os
import signal
import subprocess as _subprocess
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from subprocess import CompletedProcess

import libcst as cst
from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.types import FileResult


def migrate(source: str, *, rules: tuple[type, ...] | None = None, **kwargs: object) -> FileResult:
    return migrate_source(source.encode(), "example.py", rules=rules, **kwargs)  # type: ignore[arg-type]


def assert_migrates(before: str, after: str, *, rules: tuple[type, ...] | None = None) -> FileResult:
    """The before/after unit: exact output, output parses, and a second run changes nothing."""
    result = migrate(before, rules=rules)
    assert result.error is None, result.error
    output = result.new.decode() if result.new is not None else before
    assert output == after
    cst.parse_module(output)
    compile(output, "after.py", "exec")
    again = migrate(output, rules=rules)
    assert again.new is None, "second run changed the output again"
    return result


# The environment of every CLI run, in-process or not: nothing of the developer's shell (FORCE_COLOR, COLUMNS,
# GIT_DIR, LIBCST_PARSER_TYPE, ...) reaches the tool unless a test passes it in `env`.
CLI_ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(Path.home())}

# What a fresh interpreter runs: the console script's entry point, under the console script's name.
BOOT = "import sys; sys.argv[0] = 'tfckpt-migrate'; from tfckpt_codemod.entry import main; main()"


def run_cli(*args: str | Path, cwd: Path | str | None = None, stdin: bytes | None = None,
            env: Mapping[str, str] | None = None, text: bool = True, subprocess: bool = False, prelude: str = "",
            timeout: float = 120) -> CompletedProcess:  # type: ignore[type-arg]
    """`tfckpt-migrate ARGS` run as a user runs it; returns what `subprocess.run(..., capture_output=True)` would.

    In this process by default: the console script's entry point (`tfckpt_codemod.entry.main`, which hands
    everything but `--version` to `tfckpt_codemod.cli.main`, so its stdin echo and its internal-error line are
    exercised) with sys.argv, sys.stdin, sys.stdout, sys.stderr, os.environ and the working directory replaced for
    the call and put back after, and SystemExit turned into the return code. Decoding follows `subprocess.run(...,
    text=True)` (UTF-8, universal newlines), so a test reads the same strings either way.

    `subprocess=True` (implied by `prelude`, Python run before the CLI starts) runs a fresh interpreter instead: for
    what only a process of its own shows (signals, pipes closed under it, a terminal, interpreter flags, fault
    injection that must not leak into the test process, input that might crash or hang the interpreter). `timeout`
    bounds such a run only: an in-process run that hangs hangs the test.
    """
    if subprocess or prelude:
        return run_cli_subprocess(*args, cwd=cwd, stdin=stdin, env=env, text=text, prelude=prelude, timeout=timeout)
    return _run_in_process([str(arg) for arg in args], cwd, stdin, CLI_ENV if env is None else env, text)


def run_cli_subprocess(*args: str | Path, cwd: Path | str | None = None, stdin: bytes | None = None,
                       env: Mapping[str, str] | None = None, text: bool = True, prelude: str = "",
                       timeout: float = 120) -> CompletedProcess:  # type: ignore[type-arg]
    """The installed `tfckpt-migrate ARGS` (with `prelude`: `python -c 'PRELUDE; <the console script>' ARGS`)."""
    command = [sys.executable, "-c", f"{prelude}\n{BOOT}"] if prelude else console_script()
    feed = {"input": stdin} if stdin is not None else {"stdin": _subprocess.DEVNULL}  # as in-process: never a tty
    done = _subprocess.run([*command, *map(str, args)], cwd=cwd, capture_output=True, timeout=timeout,
                           env=dict(CLI_ENV if env is None else env), **feed)
    if text:
        done.stdout, done.stderr = _decoded(done.stdout), _decoded(done.stderr)
    return done


def console_script() -> list[str]:
    """The installed `tfckpt-migrate` next to this interpreter, what users run. A checkout that is not installed
    has none and gets `python -m tfckpt_codemod`; an installed distribution without its script is a packaging bug."""
    script = Path(sys.executable).with_name("tfckpt-migrate")
    if script.exists():
        return [str(script)]
    from importlib import metadata

    try:
        metadata.distribution("tfckpt-migrate")
    except metadata.PackageNotFoundError:
        return [sys.executable, "-m", "tfckpt_codemod"]
    raise AssertionError(f"tfckpt-migrate is installed for {sys.executable} but its console script {script} is not")


_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE") if hasattr(signal, name))


def _run_in_process(argv: list[str], cwd: Path | str | None, stdin: bytes | None, env: Mapping[str, str],
                    text: bool) -> CompletedProcess:  # type: ignore[type-arg]
    from tfckpt_codemod import cli, collection, entry

    out, err = io.BytesIO(), io.BytesIO()
    # As a child with pipes has them (CLI_ENV has no locale: UTF-8 mode): stdout block-buffered, stderr by line.
    fake_in = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8", errors="surrogateescape")
    fake_out = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape")
    fake_err = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", line_buffering=True)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_argv, saved_env, saved_cwd = sys.argv, dict(os.environ), os.getcwd()
    saved_main = sys.modules.get("__main__")
    saved_handlers = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    saved_limit = sys.getrecursionlimit()
    saved_collecting = gc.isenabled()
    code = 0
    try:
        os.environ.clear()
        os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        sys.argv = ["tfckpt-migrate", *argv]
        # click names the program after __main__'s package: a console script's __main__ has none.
        sys.modules["__main__"] = types.ModuleType("__main__")
        sys.stdin, sys.stdout, sys.stderr = fake_in, fake_out, fake_err
        try:
            entry.main()
        except SystemExit as exit:  # what the interpreter does with it at the end of a process
            if exit.code is None:
                code = 0
            elif isinstance(exit.code, int):
                code = exit.code
            else:
                print(exit.code, file=fake_err)
                code = 1
        for stream in (fake_out, fake_err):  # the interpreter's final flush; a closed stream is the tool's doing
            try:
                stream.flush()
            except ValueError:
                pass
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for signum, handler in saved_handlers.items():
            if handler is not None:
                signal.signal(signum, handler)
        sys.setrecursionlimit(saved_limit)
        cli._STDIN_ECHO = None
        # The entry point pauses the garbage collector for start-up and freezes what start-up made
        # (collection.py); a process of its own ends after one run, this one goes on to the next test.
        collection.resume()
        gc.unfreeze()
        if not saved_collecting:
            gc.disable()
    stdout, stderr = out.getvalue(), err.getvalue()
    if text:
        return CompletedProcess(["tfckpt-migrate", *argv], code, _decoded(stdout), _decoded(stderr))
    return CompletedProcess(["tfckpt-migrate", *argv], code, stdout, stderr)


def _decoded(data: bytes) -> str:
    """As subprocess.run(..., text=True) reads a pipe: strict UTF-8 (the locale here), universal newlines."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")

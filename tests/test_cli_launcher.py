"""`helpers.run_cli` runs the CLI in this process: it must answer exactly as the installed console script does, and
leave the test process as it found it. The same few runs, in-process and as a fresh `tfckpt-migrate`, also keep the
real console script covered end to end (a dry run, a --write, --check's exit code, stdin, a usage error)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from helpers import run_cli

CONTRIB = "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(model=model)\n"
MIGRATED = "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=model)\n"
FINDING = "import tensorflow as tf\n\nsaver = tf.contrib.eager.restore_variables_on_create(path)\n"

CASES = {
    "dry-run": (["src"], None),
    "write": (["--write", "--diff", "src"], None),
    "check": (["--check", "--verbose", "src"], None),
    "json": (["--output-format", "json", "src"], None),
    "stdin-write": (["--write", "-", "--stdin-filename", "src/a.py"], CONTRIB.encode()),
    "stdin-write-usage-error": (["--write", "-", "--no-such-option"], CONTRIB.encode()),
    "missing-path": (["--check", "nope.py"], None),
    "help": (["--help"], None),
    "version": (["--version"], None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_in_process_runs_answer_as_the_console_script(tree, case: str) -> None:  # type: ignore[no-untyped-def]
    args, stdin = CASES[case]
    files = {"src/a.py": CONTRIB, "src/b.py": FINDING, "src/clean.py": MIGRATED}
    root = tree(files)
    inside = run_cli(*args, cwd=root, stdin=stdin)
    inside_tree = {name: (root / name).read_text() for name in files}
    tree(files)  # as it was before the first run
    fresh = run_cli(*args, cwd=root, stdin=stdin, subprocess=True)
    assert (inside.returncode, inside.stdout, inside.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert inside_tree == {name: (root / name).read_text() for name in files}
    assert inside.returncode == {"check": 1, "missing-path": 2, "stdin-write-usage-error": 2}.get(case, 0)
    if case == "write":
        assert inside_tree["src/a.py"] == MIGRATED
    if case.startswith("stdin-write"):
        assert inside.stdout == (MIGRATED if case == "stdin-write" else CONTRIB)  # stdout is the file


def test_bytes_in_and_out(tmp_path: Path) -> None:
    latin1 = ("# -*- coding: latin-1 -*-\n# caf\u00e9\r\n" + CONTRIB).encode("latin-1")
    result = run_cli("--write", "-", cwd=tmp_path, stdin=latin1, text=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == latin1.replace(b"import tensorflow.contrib.eager as tfe\n\n", b"\n").replace(
        b"tfe.Checkpoint", b"tf.train.Checkpoint")


def _process_state() -> dict[str, object]:
    from tfckpt_codemod import cli

    return {"cwd": os.getcwd(), "environ": dict(os.environ), "argv": list(sys.argv),
            "streams": (sys.stdin, sys.stdout, sys.stderr), "main": sys.modules.get("__main__"),
            "handlers": {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)},
            "recursion limit": sys.getrecursionlimit(), "stdin echo": cli._STDIN_ECHO}


def test_the_test_process_is_put_back(tree) -> None:  # type: ignore[no-untyped-def]
    """Working directory, environment, argv, streams, signal handlers, the recursion limit the engine raises for
    deep files, and the CLI's stdin echo: after any run, as they were."""
    files = {f"src/m{i:02}.py": CONTRIB for i in range(30)}  # enough for a pool at -j 2
    chain = " and ".join(["a"] * 500)  # in the statement the migration edits: LibCST parses it on the deep thread
    files["deep/a.py"] = CONTRIB.replace("model=model", f"model=model, flag={chain}")
    root = tree(files)
    before = _process_state()
    assert run_cli("--write", "-j", "2", "src", cwd=root).returncode == 0
    assert run_cli("--write", "-j", "1", "deep", cwd=root).returncode == 0
    assert (root / "deep/a.py").read_text() == MIGRATED.replace("model=model", f"model=model, flag={chain}")
    assert run_cli("--check", "src", cwd=root, env={**os.environ, "TFCKPT_PROBE": "1"}).returncode == 0
    assert run_cli("--write", "-", "--bad", cwd=root, stdin=CONTRIB.encode()).returncode == 2
    assert run_cli("--write", "-", cwd=root, stdin=CONTRIB.encode()).stdout == MIGRATED  # leaves cli._STDIN_ECHO set
    assert _process_state() == before


def test_an_internal_error_is_one_line_and_exit_2(tree, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """cli.main's last resort runs in-process too: a bug of ours is one line, never a traceback or exit 1."""
    from tfckpt_codemod import report

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(report.Reporter, "finish", broken)
    result = run_cli("--check", "a.py", cwd=tree({"a.py": CONTRIB}))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("tfckpt-migrate: error: internal error (RuntimeError: a bug over two "
                                              "lines); please report it")
    assert "Traceback" not in result.stderr

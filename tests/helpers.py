"""Test helpers: run the engine on a source string, and the CLI as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def run_cli(*args: str | Path, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tfckpt_codemod", *map(str, args)], cwd=cwd, input=stdin.decode()
                          if stdin is not None else None, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(Path.home())})

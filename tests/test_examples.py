"""The examples are the product's promise in executable form: each `before/` tree, migrated by the
command line tool, must come out as its `expected/` tree byte for byte.

These tests need no TensorFlow; `test_examples_tf.py` runs the same programs under TensorFlow 2.
An example whose `expected/` equals its `before/` is one the tool must refuse to rewrite; its
`findings.txt` lists the findings `--check` has to report for it.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import helpers

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = sorted(p for p in EXAMPLES_DIR.iterdir() if (p / "before").is_dir())
FINDING_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>TFC\d+)\b")
CLI_TIMEOUT_S = 120


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line, in this process (helpers.run_cli); `test_the_console_script_migrates_an_example` runs the
    installed script."""
    return helpers.run_cli("--color", "never", *args, cwd=cwd)


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def tree_mismatch(actual_root: Path, expected_root: Path) -> str:
    """A readable account of how two trees differ ('' when they are identical), so a failing
    example shows the diff instead of two opaque byte strings."""
    actual, expected = read_tree(actual_root), read_tree(expected_root)
    problems: list[str] = []
    for name in sorted(actual.keys() - expected.keys()):
        problems.append(f"unexpected file after migration: {name}")
    for name in sorted(expected.keys() - actual.keys()):
        problems.append(f"file missing after migration: {name}")
    for name in sorted(actual.keys() & expected.keys()):
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode("utf-8", "replace").splitlines(keepends=True),
                actual[name].decode("utf-8", "replace").splitlines(keepends=True),
                f"expected/{name}",
                f"migrated/{name}",
            )
            problems.append("".join(diff) or f"{name}: bytes differ (line endings?)")
    return "\n".join(problems)


def is_refused(example: Path) -> bool:
    return read_tree(example / "before") == read_tree(example / "expected")


def expected_findings(example: Path) -> set[tuple[str, int, int, str]]:
    """findings.txt holds `relpath:line:col: CODE` lines (relpath from before/); '#' starts a comment."""
    found: set[tuple[str, int, int, str]] = set()
    for raw in (example / "findings.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = FINDING_RE.match(raw.strip())
        assert m, f"malformed line in {example.name}/findings.txt: {raw!r}"
        found.add((m["path"], int(m["line"]), int(m["col"]), m["code"]))
    return found


def reported_findings(stdout: str, cwd: Path, root: Path) -> set[tuple[str, int, int, str]]:
    found: set[tuple[str, int, int, str]] = set()
    for raw in stdout.splitlines():
        m = FINDING_RE.match(raw)
        if m:
            rel = (cwd / m["path"]).resolve().relative_to(root.resolve()).as_posix()
            found.add((rel, int(m["line"]), int(m["col"]), m["code"]))
    return found


def would_migrate(stdout: str, cwd: Path) -> set[Path]:
    prefix = "Would migrate: "
    return {(cwd / line[len(prefix):].strip()).resolve() for line in stdout.splitlines() if line.startswith(prefix)}


def by_name(examples: list[Path]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("example", examples, ids=[p.name for p in examples])


REWRITTEN = [p for p in EXAMPLES if not is_refused(p)]
WITH_FINDINGS = [p for p in EXAMPLES if (p / "findings.txt").exists()]


@pytest.fixture(params=EXAMPLES, ids=[p.name for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_examples_are_present() -> None:
    # The parametrized tests below silently vanish if discovery finds nothing.
    assert len(EXAMPLES) >= 9
    assert REWRITTEN and WITH_FINDINGS
    for ex in EXAMPLES:
        assert (ex / "expected").is_dir(), f"{ex.name} has before/ but no expected/"


def test_write_produces_expected(example: Path, tmp_path: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(example / "before", work)

    result = run_cli("--write", "src", cwd=tmp_path)

    assert result.returncode != 2, result.stderr
    if not is_refused(example):
        assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    mismatch = tree_mismatch(work, example / "expected")
    assert not mismatch, mismatch


def test_check_lists_exactly_the_changed_files(example: Path, tmp_path: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(example / "before", work)
    before, expected = read_tree(example / "before"), read_tree(example / "expected")
    changing = {(work / name).resolve() for name in before if before[name] != expected.get(name)}

    result = run_cli("--check", "src", cwd=tmp_path)

    assert result.returncode == 1, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert would_migrate(result.stdout, tmp_path) == changing, result.stdout
    assert "+++ " not in result.stdout, "--check must not print diffs"
    assert read_tree(work) == before, "--check must not write"


def test_the_console_script_migrates_an_example(tmp_path: Path) -> None:
    """The installed `tfckpt-migrate`, in a process of its own, on an example of several files: --check says what
    would change (exit 1), --write makes `expected/`."""
    example = EXAMPLES_DIR / "06_train_then_inference"
    work = tmp_path / "src"
    shutil.copytree(example / "before", work)
    check = subprocess.run([*helpers.console_script(), "--color", "never", "--check", "src"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
    assert check.returncode == 1, check.stderr
    assert would_migrate(check.stdout, tmp_path), check.stdout
    write = subprocess.run([*helpers.console_script(), "--color", "never", "--write", "src"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
    assert write.returncode == 0, write.stderr
    mismatch = tree_mismatch(work, example / "expected")
    assert not mismatch, mismatch


@by_name(REWRITTEN)
def test_dry_run_shows_diff_and_writes_nothing(example: Path, tmp_path: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(example / "before", work)

    result = run_cli("src", cwd=tmp_path)

    assert result.returncode != 2, result.stderr
    assert read_tree(work) == read_tree(example / "before"), "a dry run must not write"
    before, expected = read_tree(example / "before"), read_tree(example / "expected")
    for name in before:
        if before[name] != expected[name]:
            assert re.search(rf"^\+\+\+ b/(?:\S*/)?{re.escape(name)}$", result.stdout, re.M), result.stdout
            # every line the migration adds must show up as an added line of the diff
            added = set(expected[name].decode().splitlines()) - set(before[name].decode().splitlines())
            for line in added:
                assert "+" + line in result.stdout.splitlines(), f"missing added line {line!r}"


@by_name(REWRITTEN)
def test_expected_is_a_fixed_point(example: Path, tmp_path: Path) -> None:
    # Migrating already-migrated code must change nothing (idempotency on real programs). A refused
    # example is excluded: it still reports its findings by design.
    work = tmp_path / "src"
    shutil.copytree(example / "expected", work)

    result = run_cli("--check", "src", cwd=tmp_path)

    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert not would_migrate(result.stdout, tmp_path), result.stdout


@by_name(WITH_FINDINGS)
def test_refused_example_reports_its_findings(example: Path, tmp_path: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(example / "before", work)

    result = run_cli("--check", "src", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert reported_findings(result.stdout, tmp_path, work) == expected_findings(example), result.stdout
    assert read_tree(work) == read_tree(example / "before")

"""Proof under a real TensorFlow 2 that the migrations are right, not just textually expected.

For every example: the TF 1.x program dies on `tf.contrib`; the tool's output equals `expected/`;
the migrated program saves, restores into fresh objects and prints OK; and it restores without
the "unrestored values" warning. Where the tool added `.expect_partial()`, the same program
without it does print that warning, which shows the rule is needed and not decoration.

The programs take seconds each (TensorFlow import dominates), so all of them run once, in
parallel subprocesses, in a module-scoped fixture; the tests then only read the results.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

tf = pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")
if int(tf.__version__.split(".")[0]) < 2:
    pytest.skip(f"needs TensorFlow 2.x, found {tf.__version__}", allow_module_level=True)

pytestmark = pytest.mark.tf

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = sorted(p for p in EXAMPLES_DIR.iterdir() if (p / "before").is_dir())
PROGRAM_TIMEOUT_S = 240
CONTRIB_FAILURE = re.compile(r"^(ModuleNotFoundError|AttributeError): .*contrib", re.M)
UNRESTORED_WARNING = re.compile(r"could not be found|Unresolved object")
EXPECT_PARTIAL = ".expect_partial()"


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr[-4000:]}"


@dataclass(frozen=True)
class ExampleRuns:
    migrated_dir: Path
    cli: Run
    before: Run
    migrated: Run
    without_expect_partial: Run | None  # None: the migration added no .expect_partial()


def cli_command() -> list[str]:
    """The console script installed next to this interpreter is what users run; the module form
    covers an uninstalled checkout."""
    script = shutil.which("tfckpt-migrate", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "tfckpt_codemod.cli"]


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def entry_point(program_dir: Path) -> Path:
    """`run.py` drives multi-file examples; a single-file example is its own entry point."""
    if (program_dir / "run.py").exists():
        return program_dir / "run.py"
    scripts = sorted(program_dir.glob("*.py"))
    assert len(scripts) == 1, f"{program_dir}: several scripts and no run.py"
    return scripts[0]


def run_program(program_dir: Path) -> Run:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    # Silence TensorFlow's C++ start-up chatter only; the Python-level checkpoint warnings this
    # module inspects go through the `tensorflow` logger and are not affected.
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [sys.executable, entry_point(program_dir).name],
        cwd=program_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROGRAM_TIMEOUT_S,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def adds_expect_partial(example: Path) -> bool:
    before, expected = read_tree(example / "before"), read_tree(example / "expected")
    return any(
        data.count(EXPECT_PARTIAL.encode()) > before.get(name, b"").count(EXPECT_PARTIAL.encode())
        for name, data in expected.items()
    )


def strip_expect_partial(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst)
    for script in dst.rglob("*.py"):
        script.write_text(script.read_text(encoding="utf-8").replace(EXPECT_PARTIAL, ""), encoding="utf-8")


def migrate_and_run(root: Path) -> tuple[Run, Run]:
    """Migrate `root/migrated` in place with the CLI, then run the result; one task so that the
    migration of one example overlaps with the programs of the others."""
    proc = subprocess.run(
        [*cli_command(), "--write", "--color", "never", "migrated"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=PROGRAM_TIMEOUT_S,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr), run_program(root / "migrated")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ExampleRuns]:
    roots: dict[str, Path] = {}
    for example in EXAMPLES:
        root = roots[example.name] = tmp_path_factory.mktemp(example.name)
        shutil.copytree(example / "before", root / "before")
        shutil.copytree(example / "before", root / "migrated")
        if adds_expect_partial(example):
            strip_expect_partial(example / "expected", root / "stripped")

    # TensorFlow start-up is CPU-bound; one worker more than cores keeps the cores busy while a
    # process waits on disk.
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) as pool:
        migrations = {name: pool.submit(migrate_and_run, root) for name, root in roots.items()}
        befores = {name: pool.submit(run_program, root / "before") for name, root in roots.items()}
        controls = {
            name: pool.submit(run_program, root / "stripped")
            for name, root in roots.items()
            if (root / "stripped").is_dir()
        }
        results: dict[str, ExampleRuns] = {}
        for name, root in roots.items():
            cli, migrated = migrations[name].result()
            results[name] = ExampleRuns(
                migrated_dir=root / "migrated",
                cli=cli,
                before=befores[name].result(),
                migrated=migrated,
                without_expect_partial=controls[name].result() if name in controls else None,
            )
    return results


@pytest.fixture(params=EXAMPLES, ids=[p.name for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_before_fails_on_contrib(example: Path, runs: dict[str, ExampleRuns]) -> None:
    run = runs[example.name].before
    assert run.returncode != 0, run.describe()
    assert CONTRIB_FAILURE.search(run.stderr), run.describe()


def test_cli_output_equals_expected(example: Path, runs: dict[str, ExampleRuns]) -> None:
    result = runs[example.name]
    assert result.cli.returncode != 2, result.cli.describe()
    migrated, expected = read_tree(result.migrated_dir), read_tree(example / "expected")
    assert migrated.keys() == expected.keys()
    diffs = [
        "".join(difflib.unified_diff(
            expected[name].decode("utf-8", "replace").splitlines(keepends=True),
            migrated[name].decode("utf-8", "replace").splitlines(keepends=True),
            f"expected/{name}",
            f"migrated/{name}",
        )) or f"{name}: bytes differ"
        for name in sorted(expected)
        if migrated[name] != expected[name]
    ]
    assert not diffs, "\n".join(diffs)


def test_migrated_program_restores_saved_values(example: Path, runs: dict[str, ExampleRuns]) -> None:
    run = runs[example.name].migrated
    if read_tree(example / "before") == read_tree(example / "expected"):
        # The tool refused this one; it still needs a person, so it must still fail the same way.
        assert run.returncode != 0 and CONTRIB_FAILURE.search(run.stderr), run.describe()
        return
    assert run.returncode == 0, run.describe()
    assert "OK" in run.stdout.splitlines(), run.describe()
    assert not UNRESTORED_WARNING.search(run.stderr), run.describe()


@pytest.mark.parametrize(
    "example", [p for p in EXAMPLES if adds_expect_partial(p)], ids=lambda p: p.name
)
def test_expect_partial_is_needed(example: Path, runs: dict[str, ExampleRuns]) -> None:
    control = runs[example.name].without_expect_partial
    assert control is not None
    assert control.returncode == 0, control.describe()
    assert "OK" in control.stdout.splitlines(), control.describe()
    assert UNRESTORED_WARNING.search(control.stderr), control.describe()

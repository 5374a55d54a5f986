"""This tool and TensorFlow's own tf_upgrade_v2, run one after the other in either order on every example: every file
still parses, no contrib checkpoint code is left, and the checkpoint lines come out the same."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")
pytestmark = pytest.mark.tf

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CHECKPOINT_WORDS = ("Checkpoint", ".restore(", ".save(", "Saver", "list_variables", "load_variable",
                    "load_checkpoint", "checkpoints_iterator", "PythonState")


def _ours(tree: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tfckpt_codemod", "--write", "-j", "1", str(tree)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr


def _theirs(tree: Path, out: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "tensorflow.tools.compatibility.tf_upgrade_v2_main", "--intree",
                           str(tree), "--outtree", str(out), "--reportfile", str(out.parent / f"{out.name}.txt")],
                          capture_output=True, text=True, timeout=600, cwd=out.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def _contrib_in_code(text: str) -> list[str]:
    """Contrib that the code (not its docstrings or comments) still names: attribute chains and imports."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Attribute) and node.attr == "contrib":
            found.append(ast.unparse(node))
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if ".contrib" in a.name]
        elif isinstance(node, ast.ImportFrom) and node.module and "contrib" in node.module:
            found.append(node.module)
    return found


def _files(tree: Path) -> dict[str, str]:
    return {p.relative_to(tree).as_posix(): p.read_text() for p in sorted(tree.rglob("*.py"))}


@pytest.fixture(scope="module")
def both_orders(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    base = tmp_path_factory.mktemp("orders")
    source = base / "source"
    for example in sorted(EXAMPLES.iterdir()):
        if (example / "before").is_dir():
            shutil.copytree(example / "before", source / example.name)
    ours_first = base / "ours_first"
    shutil.copytree(source, ours_first)
    _ours(ours_first)
    ours_first = _theirs(ours_first, base / "ours_then_theirs")
    theirs_first = _theirs(source, base / "theirs_first")
    _ours(theirs_first)
    return _files(ours_first), _files(theirs_first)


def test_every_output_parses(both_orders: tuple[dict[str, str], dict[str, str]]) -> None:
    for files in both_orders:
        for name, text in files.items():
            ast.parse(text, name)


def test_no_contrib_checkpoint_code_is_left_in_migrated_examples(
        both_orders: tuple[dict[str, str], dict[str, str]]) -> None:
    for files in both_orders:
        for name, text in files.items():
            if name.startswith("09_"):  # the example the tool refuses on purpose
                continue
            assert not _contrib_in_code(text), name


def test_the_checkpoint_lines_are_the_same_in_both_orders(
        both_orders: tuple[dict[str, str], dict[str, str]]) -> None:
    ours_first, theirs_first = both_orders
    assert ours_first.keys() == theirs_first.keys()
    for name in ours_first:
        def lines(text: str) -> list[str]:
            return [line.strip() for line in text.splitlines() if any(w in line for w in CHECKPOINT_WORDS)]
        assert lines(ours_first[name]) == lines(theirs_first[name]), name

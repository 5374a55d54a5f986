"""The benchmark corpus must be what its figures claim: N parseable contrib scripts.

If the generator drifted (a syntax error, a lost import form, files without
contrib), the benchmark would silently time a different workload, so these
properties are pinned here rather than trusted.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

_CORPUS_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus.py"


def _load_corpus_module() -> ModuleType:
    """Load benchmarks/corpus.py by path: benchmarks/ is not an installed package."""
    spec = importlib.util.spec_from_file_location("tfckpt_bench_corpus", _CORPUS_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus_module()

_CONTRIB_CHECKPOINT_MARKERS = (
    "tensorflow.contrib.eager",
    "tf.contrib.eager",
    "tensorflow.contrib import checkpoint",
    "tensorflow.contrib.checkpoint",
    "tensorflow.contrib.framework",
    "tf.contrib.framework.",
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return corpus.generate_corpus(tmp_path_factory.mktemp("corpus"), 96)


def test_generates_exactly_n_python_files(generated: list[Path]) -> None:
    root = generated[0].parent.parent
    on_disk = sorted(root.rglob("*.py"))
    assert len(generated) == 96
    assert on_disk == sorted(generated)


def test_every_file_parses_with_ast(generated: list[Path]) -> None:
    for path in generated:
        ast.parse(path.read_bytes(), filename=str(path))


def test_every_file_uses_contrib_checkpoint_api(generated: list[Path]) -> None:
    for path in generated:
        text = path.read_text(encoding="utf-8")
        assert any(marker in text for marker in _CONTRIB_CHECKPOINT_MARKERS), path


def test_every_import_form_occurs(generated: list[Path]) -> None:
    texts = [path.read_text(encoding="utf-8") for path in generated]
    for form, marker in corpus.IMPORT_FORMS.items():
        count = sum(marker in text for text in texts)
        assert count >= 96 // len(corpus.IMPORT_FORMS), (form, count)


def test_import_forms_are_real_statements_not_comments(generated: list[Path]) -> None:
    """The marker strings must be code the tools see, checked through the AST."""
    seen_modules: set[str] = set()
    for path in generated:
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Import):
                seen_modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                seen_modules.add(node.module)
    assert {
        "tensorflow.contrib.eager",
        "tensorflow.contrib.eager.python",
        "tensorflow.contrib",
        "tensorflow.contrib.checkpoint",
        "tensorflow.contrib.framework",
    } <= seen_modules


def test_partial_restores_are_present(generated: list[Path]) -> None:
    restores = 0
    for path in generated:
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "restore":
                restores += 1
    assert restores >= len(generated) // 2


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = corpus.generate_corpus(tmp_path / "a", 24)
    second = corpus.generate_corpus(tmp_path / "b", 24)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    other = corpus.generate_corpus(tmp_path / "c", 24, seed=corpus.DEFAULT_SEED + 1)
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_average_size_is_that_of_small_scripts(generated: list[Path]) -> None:
    sizes = [path.stat().st_size for path in generated]
    assert 450 <= sum(sizes) / len(sizes) <= 900


def test_no_syntax_newer_than_tf_upgrade_v2_accepts(generated: list[Path]) -> None:
    for path in generated:
        tree = ast.parse(path.read_bytes())
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.NamedExpr, ast.JoinedStr, ast.Match)), path

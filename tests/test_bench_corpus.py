"""The benchmark corpora must be what their figures claim.

`corpus.py`: N small parseable contrib scripts. `corpus_real.py`: modules and
notebooks shaped like real TF 1.x checkpoint code, with the sizes and the shares
of `global`, `del`, star imports, missing `import tensorflow as tf` and
notebooks that benchmarks/README.md states. If a generator drifted (a syntax
error, a lost import form, files without contrib), the benchmark would silently
time a different workload, so these properties are pinned here rather than
trusted.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from helpers import run_cli

_BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load_corpus_module(name: str = "corpus") -> ModuleType:
    """Load benchmarks/<name>.py by path: benchmarks/ is not an installed package."""
    spec = importlib.util.spec_from_file_location("tfckpt_bench_" + name, _BENCHMARKS / (name + ".py"))
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


# -- the real-shaped corpus ---------------------------------------------------------------------------------------

corpus_real = _load_corpus_module("corpus_real")

REAL_N = 200  # two blocks of 100: every share is exact


@pytest.fixture(scope="module")
def real_files() -> list:
    return list(corpus_real.iter_corpus(REAL_N))


@pytest.fixture(scope="module")
def real_trees(real_files: list) -> list[ast.Module]:
    return [ast.parse(_python_of(item)) for item in real_files]


def _python_of(item) -> str:  # type: ignore[no-untyped-def]
    if item.relative.endswith(".ipynb"):
        return corpus_real.notebook_python(item.data)
    return item.data.decode("utf-8")


_DIGEST = """
import hashlib, importlib.util, sys
spec = importlib.util.spec_from_file_location("corpus_real", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
digest = hashlib.sha256()
for item in module.iter_corpus(int(sys.argv[2])):
    digest.update(item.relative.encode() + b"\\0" + item.data + b"\\0")
print(digest.hexdigest())
"""


def _digest(files: list) -> str:
    digest = hashlib.sha256()
    for item in files:
        digest.update(item.relative.encode() + b"\0" + item.data + b"\0")
    return digest.hexdigest()


def test_real_corpus_is_deterministic_and_prefix_stable(tmp_path: Path, real_files: list) -> None:
    # Generated again in another interpreter, with another string hash seed: a generator that iterated a set or
    # hashed a name would give other bytes there (in this process it would give the same bytes again).
    again = subprocess.run([sys.executable, "-c", _DIGEST, str(_BENCHMARKS / "corpus_real.py"), str(REAL_N)],
                           capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == _digest(real_files)
    # File i does not depend on how many files are generated: a small run times the first files of a large one.
    assert [f.data for f in corpus_real.iter_corpus(130)] == [f.data for f in real_files[:130]]
    other = list(corpus_real.iter_corpus(20, seed=corpus_real.DEFAULT_SEED + 1))
    assert [f.data for f in other] != [f.data for f in real_files[:20]]
    written = corpus_real.generate_corpus(tmp_path / "real", 20)
    assert [p.read_bytes() for p in written] == [f.data for f in real_files[:20]]
    assert sorted(p for p in (tmp_path / "real").rglob("*") if p.is_file()) == sorted(written)


def test_real_corpus_sizes(real_files: list) -> None:
    sizes = [len(f.data) for f in real_files]
    assert all(corpus_real.MIN_BYTES <= size <= corpus_real.MAX_BYTES for size in sizes)
    mean = sum(sizes) / len(sizes)
    assert 10_500 <= mean <= 15_000, mean  # real modules with checkpoint code are ~12 KB
    # The default benchmark size is at least 1,000 files and 10 MB.
    assert corpus_real.DEFAULT_FILES >= 1000
    assert mean * corpus_real.DEFAULT_FILES >= 10_000_000
    # Not all alike: a real spread, from small utilities to long modules.
    assert min(sizes) < 6_000 and max(sizes) > 20_000


def test_every_real_file_compiles_with_cpython(real_files: list) -> None:
    """A full compile, not only the parser: `from __future__` placement and the like are checked too."""
    for item in real_files:
        compile(_python_of(item), item.relative, "exec", dont_inherit=True)


def test_real_corpus_syntax_is_old_enough_for_tf_upgrade_v2(real_trees: list[ast.Module]) -> None:
    for tree in real_trees:
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.NamedExpr, ast.Match, ast.JoinedStr))


def _bindings(tree: ast.Module) -> dict[str, str]:
    """Local name -> the dotted module path it was bound to by an import or a `x = tf.contrib...` alias."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = node.module + "." + alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            dotted = _dotted(node.value, names)
            if dotted and dotted.startswith("tensorflow.contrib"):
                names[node.targets[0].id] = dotted
    return names


def _dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in names:
        return None
    return ".".join([names[node.id], *reversed(parts)])


_CONTRIB_CHECKPOINT = re.compile(
    r"^tensorflow\.contrib\.(eager(\.python\.tfe)?\.Checkpoint|checkpoint\.\w+|"
    r"(framework|slim)\.(list_variables|load_variable|load_checkpoint|init_from_checkpoint|"
    r"get_variables_to_restore|assign_from_checkpoint_fn)|training\.checkpoints_iterator)$")


def test_every_real_file_holds_contrib_checkpoint_code(real_trees: list[ast.Module]) -> None:
    """Resolved through the file's own imports and aliases: a contrib checkpoint symbol is used, not just named."""
    for index, tree in enumerate(real_trees):
        names = _bindings(tree)
        used = {_dotted(node, names) for node in ast.walk(tree) if isinstance(node, (ast.Attribute, ast.Name))}
        assert any(name and _CONTRIB_CHECKPOINT.match(name) for name in used), index


def test_every_real_scenario_occurs(real_files: list) -> None:
    for scenario, marker in corpus_real.SCENARIOS.items():
        holding = [f for f in real_files if f.scenario == scenario]
        assert len(holding) >= 5, scenario
        assert all(marker in _python_of(f) for f in holding), scenario


def _features(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.add("global")
        elif isinstance(node, ast.Delete):
            found.add("del")
        elif isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            assert (node.module or "").startswith("tensorflow.contrib")  # what sends the tool to ScopeProvider
            found.add("star_import")
    imports_tf = any(isinstance(node, ast.Import)
                     and any(a.name == "tensorflow" and a.asname == "tf" for a in node.names)
                     for node in ast.walk(tree))
    if not imports_tf:
        assert not any(isinstance(node, ast.Name) and node.id == "tf" for node in ast.walk(tree))
        found.add("no_tf_import")
    return found


def test_real_corpus_shares_are_the_documented_ones(real_files: list, real_trees: list[ast.Module]) -> None:
    """Exactly SHARES_PER_100 per block of 100 (benchmarks/README.md states them), read back from the code itself."""
    counts = dict.fromkeys(corpus_real.SHARES_PER_100, 0)
    for item, tree in zip(real_files, real_trees):
        found = _features(tree)
        if item.relative.endswith(".ipynb"):
            found = {"notebook"}  # a notebook's traits are its own; its code always imports tf
        assert found == set(item.traits), (item.relative, found, item.traits)
        for trait in found:
            counts[trait] += 1
    assert counts == {trait: share * REAL_N // 100 for trait, share in corpus_real.SHARES_PER_100.items()}
    assert corpus_real.SHARES_PER_100 == {"notebook": 5, "no_tf_import": 10, "global": 6, "del": 5, "star_import": 3}


def test_real_notebooks_are_valid_nbformat_4(real_files: list) -> None:
    notebooks = [f for f in real_files if f.relative.endswith(".ipynb")]
    assert notebooks
    for item in notebooks:
        document = json.loads(item.data)
        assert document["nbformat"] == 4
        nbformat.validate(nbformat.reads(item.data.decode("utf-8"), as_version=nbformat.NO_CONVERT))
        sources = ["".join(c["source"]) for c in document["cells"] if c["cell_type"] == "code"]
        assert any(line.startswith(("%", "!")) for src in sources for line in src.splitlines())  # magics
        assert any(src.startswith("%%") for src in sources) or "!" in "".join(sources)


def _one_of_every_kind(root: Path, every: list) -> list:
    """Writes the first file of every scenario and of every trait under root (about 15 files) and returns them."""
    picked = {}
    for key in [*corpus_real.SCENARIOS, *corpus_real.SHARES_PER_100]:
        first = next(f for f in every if key == f.scenario or key in f.traits)
        picked[first.relative] = first
    for item in picked.values():
        (root / item.relative).parent.mkdir(parents=True, exist_ok=True)
        (root / item.relative).write_bytes(item.data)
    return list(picked.values())


def test_real_corpus_reaches_the_tool(tmp_path: Path, real_files: list) -> None:
    """Every file is parsed and is migrated or reported; files without `import tensorflow as tf` get it.

    On one file of every kind here; the whole corpus is checked the same way when the generator changes
    (benchmarks/README.md)."""
    files = _one_of_every_kind(tmp_path, real_files)
    proc = run_cli("--check", "-j", "1", "--output-format", "json", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["files"] == report["summary"]["parsed"] == len(files)
    assert report["summary"]["errors"] == 0
    by_path = {Path(f["path"]).as_posix(): f for f in report["files"]}
    for item in files:
        result = by_path[item.relative]
        assert result["changed"] or result["findings"], item.relative
        if "no_tf_import" in item.traits:
            assert "+import tensorflow as tf" in result["diff"], item.relative


@pytest.mark.tf
def test_tf_upgrade_v2_converts_every_real_python_file(tmp_path: Path, real_files: list) -> None:
    """The comparison is only fair if tf_upgrade_v2 really converts each file (pasta stops a whole run on a walrus)."""
    pytest.importorskip("tensorflow", reason="TensorFlow is not installed (pip install '.[tf]')")
    files = _one_of_every_kind(tmp_path / "in", real_files)
    proc = subprocess.run([sys.executable, "-m", "tensorflow.tools.compatibility.tf_upgrade_v2_main",
                           "--intree", str(tmp_path / "in"), "--outtree", str(tmp_path / "out"),
                           "--reportfile", str(tmp_path / "report.txt")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = (tmp_path / "report.txt").read_text()
    python_files = sum(not f.relative.endswith(".ipynb") for f in files)
    assert f"Converted {python_files} files" in proc.stdout + report
    assert "Failed to parse" not in report


def test_a_kept_corpus_is_its_own_project(tmp_path: Path) -> None:
    """A corpus kept in benchmarks/.corpus/ sits in this checkout's git repository: without a project of its own,
    every timed run would also read the checkout's files for run-wide facts."""
    bench = _load_corpus_module("bench")
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "test_saver.py").write_text(
        "import tensorflow as tf\nckpt = tf.train.Checkpoint(v=v)\nckpt.save('/tmp/c')\n", encoding="utf-8")
    corpus_dir = checkout / "benchmarks" / ".corpus" / "n4"
    paths = corpus.generate_corpus(corpus_dir, 4)
    bench.make_own_project(corpus_dir)
    proc = run_cli("--check", "--verbose", "-j", "1", str(paths[0]), cwd=checkout)
    assert proc.returncode == 1, proc.stderr
    output = proc.stdout + proc.stderr
    assert "test_saver.py" not in output
    assert str(paths[0]) in output or paths[0].name in output


def test_paired_measures_alternate_round_by_round() -> None:
    """Both sides of a ratio are timed in the same round, seconds apart, and each round's ratio counts once."""
    bench = _load_corpus_module("bench")
    calls: list[str] = []

    def measure(name: str, seconds: list[float]):  # type: ignore[no-untyped-def]
        def one() -> object:
            calls.append(name)
            return bench.Timing([seconds.pop(0)], 0, cpu_seconds=[0.0])
        return one

    timed = bench.interleaved({"tool": measure("tool", [5.0, 2.0, 9.0]), "floor": measure("floor", [1.0, 1.0, 3.0])}, 3)
    assert calls == ["tool", "floor"] * 3
    assert timed["tool"].seconds == [5.0, 2.0, 9.0] and timed["floor"].seconds == [1.0, 1.0, 3.0]
    # Round ratios 5, 2 and 3: their median, where the ratio of the medians (5 / 1) reads the slow rounds.
    assert bench.paired_ratio(timed["tool"].seconds, timed["floor"].seconds) == 3.0


def test_the_one_file_project_holds_the_first_file_only(tmp_path: Path) -> None:
    """The start-up run the per-file cost is taken from pays what a corpus run pays once: a file to parse and edit."""
    bench = _load_corpus_module("bench")
    paths = corpus.generate_corpus(tmp_path / "corpus", 150)
    one = bench.one_file_project(tmp_path / "corpus", paths[0], tmp_path / "one")
    files = sorted(p.relative_to(one) for p in one.rglob("*.py"))
    assert files == [paths[0].relative_to(tmp_path / "corpus")]
    assert (one / files[0]).read_bytes() == paths[0].read_bytes()
    assert (one / "pyproject.toml").read_text(encoding="utf-8") == bench.PROJECT_FILE
    proc = run_cli("--check", "-j", "1", str(one))
    assert proc.returncode == 1, proc.stderr  # it has work to do, as every file of the corpus has

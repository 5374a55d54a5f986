"""TFC201: contrib imports nothing reads any more go, in the same run; public module-level names stay, reported."""

from __future__ import annotations

import pytest

from tfckpt_codemod.facts import _FactSource
from tfckpt_codemod.transforms.contrib_imports import ImportedNames, module_basename

from helpers import assert_migrates, migrate, run_cli


def test_a_function_local_alias_goes_with_the_import_in_one_run() -> None:
    before = ("from tensorflow.contrib import checkpoint as contrib_checkpoint\n\n\n"
              "def export(model, path):\n    state = contrib_checkpoint.PythonStateWrapper\n"
              "    ckpt = contrib_checkpoint.Checkpoint(model=model)\n    return state, ckpt\n")
    after = ("import tensorflow as tf\n\n\n"
             "def export(model, path):\n    state = tf.train.experimental.PythonState\n"
             "    ckpt = tf.train.Checkpoint(model=model)\n    return state, ckpt\n")
    assert_migrates(before, after)


def test_module_level_names_bound_to_symbols_keep_working() -> None:
    before = ("import tensorflow as tf\nCheckpoint = tf.contrib.eager.Checkpoint\n"
              "CheckpointManager = tf.contrib.checkpoint.CheckpointManager\n")
    assert_migrates(before, "import tensorflow as tf\nCheckpoint = tf.train.Checkpoint\n"
                            "CheckpointManager = tf.train.CheckpointManager\n")


def test_a_module_alias_in_all_is_kept_and_reported() -> None:
    before = ("import tensorflow as tf\n__all__ = ['tfe', 'make']\ntfe = tf.contrib.eager\n\n\n"
              "def make(m):\n    return tfe.Checkpoint(model=m)\n")
    result = migrate(before)
    assert result.new == before.replace("tfe.Checkpoint", "tf.train.Checkpoint").encode()
    [finding] = result.findings
    assert (finding.code, finding.line, finding.fixed) == ("TFC903", 3, False)
    assert "`__all__` exports it" in finding.message


def test_a_module_alias_another_project_file_imports_is_kept(tree) -> None:  # type: ignore[no-untyped-def]
    common = "import tensorflow as tf\ntfe = tf.contrib.eager\nckpt = tfe.Checkpoint(model=m)\n"
    root = tree({".git/HEAD": "ref: refs/heads/main\n", "pkg/common.py": common,
                 "pkg/train.py": "from pkg.common import tfe\n\nsaver = tfe.Saver(v)\n"})
    result = run_cli("--check", "pkg/common.py", cwd=root)
    assert result.returncode == 1
    assert "pkg/common.py:2:1: TFC903 `tfe` (tf.contrib.eager) is unused here but other modules import it or " \
           "this module (pkg/train.py:1)" in result.stdout
    written = run_cli("--write", "pkg/common.py", cwd=root)
    assert (root / "pkg/common.py").read_text() == common.replace("tfe.Checkpoint", "tf.train.Checkpoint")
    assert written.returncode == 0


def test_a_module_alias_nothing_imports_goes(tree) -> None:  # type: ignore[no-untyped-def]
    common = "import tensorflow as tf\ntfe = tf.contrib.eager\nckpt = tfe.Checkpoint(model=m)\n"
    root = tree({".git/HEAD": "ref: refs/heads/main\n", "pkg/common.py": common,
                 "pkg/train.py": "from pkg.helpers import tfe\nimport os\n"})
    run_cli("--write", "pkg", cwd=root)
    assert (root / "pkg/common.py").read_text() == "import tensorflow as tf\nckpt = tf.train.Checkpoint(model=m)\n"


@pytest.mark.parametrize(("source", "found"), [
    (b"from pkg.common import tfe, other as o\n", {("common", "tfe"), ("common", "other"), ("tfe", "*"),
                                                   ("other", "*")}),
    (b"from . import common\n", {("common", "*")}),
    (b"import pkg.common as c, os\n", {("common", "*"), ("os", "*")}),
    (b"from pkg.common import (\n    tfe,\n)\n", {("common", "*")}),
    (b"from pkg.common import *\n", {("common", "*")}),
])
def test_imported_names_are_read_from_the_bytes(source: bytes, found: set[tuple[str, str]]) -> None:
    collected = ImportedNames.collect(_FactSource("x.py", source))
    assert {(module, name) for module, name, _ in collected} == found


def test_a_package_is_imported_by_its_directory_name() -> None:
    assert module_basename("src/pkg/__init__.py") == "pkg"
    assert module_basename("src/pkg/common.py") == "common"

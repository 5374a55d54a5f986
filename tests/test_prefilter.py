"""Files that cannot hold what the selected rules look for are read but never decoded or parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run_cli
from tfckpt_codemod import engine
from tfckpt_codemod.discovery import discover
from tfckpt_codemod.runner import RunOptions, run
from tfckpt_codemod.transforms import select_codes

CONTRIB = "import tensorflow.contrib.eager as tfe\nckpt = tfe.Checkpoint(model=m)\n"
FILES = {
    "a_contrib.py": CONTRIB,
    "b_no_tensorflow.py": "import os\nprint(os.getcwd())  # contrib, Checkpoint\n",
    "c_tensorflow_only.py": "import tensorflow as tf\nx = tf.constant(1)\n",
    "d_checkpoint_no_contrib.py": "import tensorflow as tf\nckpt = tf.train.Checkpoint(model=m)\nckpt.restore(p)\n",
    "e_checkpoint_never_restored.py": "import tensorflow as tf\nckpt = tf.train.Checkpoint(model=m)\n",
    "f_python2_without_tf.py": 'print "not python 3, but never parsed"\n',
}


def _parsed_paths(root: Path, codes: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = engine.parse

    def spy(data: bytes, path: str):  # type: ignore[no-untyped-def]
        parsed.append(data.splitlines()[0].decode())
        return real(data, path)

    monkeypatch.setattr(engine, "parse", spy)
    results = list(run(discover([root]), RunOptions(codes=codes, jobs=1)))
    assert [r.error for r in results] == [None] * len(FILES)
    assert sum(r.parsed for r in results) == len(parsed)
    return parsed


def test_only_files_with_contrib_text_reach_the_parser(tree, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = tree(FILES)
    codes = tuple(c for c in select_codes() if c != "TFC301")
    assert _parsed_paths(root, codes, monkeypatch) == [CONTRIB.splitlines()[0]]


def test_the_restore_rule_also_reads_checkpoint_code_without_contrib(tree, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = tree(FILES)
    parsed = _parsed_paths(root, select_codes(), monkeypatch)
    assert parsed == [CONTRIB.splitlines()[0], "import tensorflow as tf"]


def test_verbose_says_how_many_files_were_parsed(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({k: v for k, v in FILES.items() if k not in ("a_contrib.py", "d_checkpoint_no_contrib.py")})
    result = run_cli("--check", "--verbose", ".", cwd=root)
    assert result.returncode == 0, result.stderr
    assert f"parsed 0 of {len(FILES) - 2} files" in result.stderr


def _import_form_inputs() -> list[str]:
    from test_import_forms import FORMS

    from tf1_code import TF_IMPORTS

    sources = [before for _, before, _ in FORMS]
    sources += ["\n".join(lines) + "\nckpt = tf.contrib.eager.Checkpoint(model=m)\n"
                for _, lines in TF_IMPORTS.values()]
    return sources


@pytest.mark.parametrize("source", _import_form_inputs())
def test_every_import_form_the_analysis_resolves_passes_the_prefilter(source: str) -> None:
    from tfckpt_codemod.engine import reaches_tensorflow

    assert reaches_tensorflow(source.encode()), source


@pytest.mark.parametrize("source", [
    "from tensorflow.compat import v1 as tf\n",
    "import tensorflow \\\n    as tf\n",
    "import os, tensorflow as tf\n",
    "import os; import tensorflow.contrib.eager as tfe\n",
    "def f():\n    import tensorflow as tf\n",
    "from tensorflow.contrib.training.python.training import evaluation\n",
    "from \\\n    tensorflow.contrib.eager.python import tfe\n",
])
def test_import_spellings_that_reach_tensorflow(source: str) -> None:
    from tfckpt_codemod.engine import reaches_tensorflow

    assert reaches_tensorflow(source.encode())


@pytest.mark.parametrize("source", [
    "from tensorflow.python.ops import array_ops  # TensorFlow's own modules\n",
    "# import tensorflow as tf\n",
    "text = 'import tensorflow'\n",
    "import tensorflow_hub as hub\n",
])
def test_text_that_cannot_bind_tensorflow(source: str) -> None:
    from tfckpt_codemod.engine import reaches_tensorflow

    assert not reaches_tensorflow(source.encode())

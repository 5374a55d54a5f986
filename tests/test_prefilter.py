"""Files that cannot hold what the selected rules look for are read but never decoded or parsed."""

from __future__ import annotations

from pathlib import Path

import libcst
import pytest

from helpers import run_cli
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
    real = libcst.parse_module

    def spy(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(source.splitlines()[0].decode() if isinstance(source, bytes) else source.splitlines()[0])
        return real(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", spy)
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

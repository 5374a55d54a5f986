"""Suppression (issue #18): `# noqa` comments leave their line as it is and silence its findings, as in ruff;
`per-file-ignores` turns codes off for files by path. Every before/after pair is also checked for exact output,
reparse and a second run that changes nothing (helpers.assert_migrates)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from helpers import assert_migrates, migrate, run_cli
from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.ignores import PerFileIgnores
from tfckpt_codemod.transforms._noqa import directive

TF = "import tensorflow as tf\n"
TFE = "import tensorflow.contrib.eager as tfe\n"
HEAD = TF + TFE + "\n"


def manual(result: object) -> list[str]:
    return [f"{f.line}:{f.code}" for f in result.findings if not f.fixed]  # type: ignore[attr-defined]


# -- reading the comments ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("comment", "expected"), [
    ("# noqa", (True, None)),
    ("# NOQA", (True, None)),
    ("#noqa", (True, None)),
    ("# noqa: TFC101", (True, frozenset({"TFC101"}))),
    ("# noqa:TFC101", (True, frozenset({"TFC101"}))),
    ("# noqa: TFC101, TFC301", (True, frozenset({"TFC101", "TFC301"}))),
    ("# noqa: TFC101 TFC301", (True, frozenset({"TFC101", "TFC301"}))),
    ("# noqa: TFC101 kept on purpose", (True, frozenset({"TFC101"}))),
    ("# type: ignore  # noqa: TFC105", (True, frozenset({"TFC105"}))),
    ("# noqa: TFC-101", (False, None)),  # unreadable codes: not a bare noqa in disguise
    ("# noqa:", (False, None)),
    ("# noqaz", (False, None)),
    ("# a comment", (False, None)),
])
def test_directive(comment: str, expected: tuple[bool, object]) -> None:
    assert directive(comment) == expected


# -- rewrites ---------------------------------------------------------------------------------------------------------
PAIRS = [
    ("bare",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa\nb = tfe.Checkpoint(m=m)\n",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa\nb = tf.train.Checkpoint(m=m)\n"),
    ("upper-case-and-no-space",
     HEAD + "a = tfe.Checkpoint(m=m)  # NOQA\nb = tfe.Checkpoint(m=m)  #noqa\n",
     None),
    ("matching-code",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa: TFC101\nb = tfe.Checkpoint(m=m)\n",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa: TFC101\nb = tf.train.Checkpoint(m=m)\n"),
    ("matching-code-without-a-space",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa:TFC301,TFC101\n",
     None),
    ("other-code",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa: TFC301\n",
     TF + "\na = tf.train.Checkpoint(m=m)  # noqa: TFC301\n"),
    ("a-prefix-is-not-a-code",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa: TFC1\n",
     TF + "\na = tf.train.Checkpoint(m=m)  # noqa: TFC1\n"),
    ("unreadable-codes-suppress-nothing",
     HEAD + "a = tfe.Checkpoint(m=m)  # noqa: TFC-101\n",
     TF + "\na = tf.train.Checkpoint(m=m)  # noqa: TFC-101\n"),
    ("in-a-string-it-is-no-comment",
     HEAD + "a = tfe.Checkpoint(m='# noqa')\n",
     TF + "\na = tf.train.Checkpoint(m='# noqa')\n"),
    ("one-line-of-a-statement",
     HEAD + "pair = (\n    tfe.Checkpoint(m=m),  # noqa\n    tfe.Checkpoint(n=n),\n)\n",
     HEAD + "pair = (\n    tfe.Checkpoint(m=m),  # noqa\n    tf.train.Checkpoint(n=n),\n)\n"),
    ("last-line-covers-the-statement",
     HEAD + "pair = (\n    tfe.Checkpoint(m=m),\n    tfe.Checkpoint(n=n),\n)  # noqa\n",
     None),
    ("first-line-covers-the-statement",
     HEAD + "pair = (  # noqa: TFC101\n    tfe.Checkpoint(m=m),\n    tfe.Checkpoint(n=n),\n)\n",
     None),
    ("a-noqa-on-the-name-keeps-its-keywords",
     TF + "\nreader = tf.contrib.framework.load_checkpoint(  # noqa: TFC103\n    filepattern=path)\n",
     None),
    ("a-body-line-does-not-cover-the-header",
     HEAD + "with tfe.GradientTape() as tape:\n    loss = f()  # noqa\n",
     TF + "\nwith tf.GradientTape() as tape:\n    loss = f()  # noqa\n"),
    ("a-header-does-not-cover-the-body",
     HEAD + "with tfe.GradientTape() as tape:  # noqa\n    w = tfe.Variable(1.0)\n",
     HEAD + "with tfe.GradientTape() as tape:  # noqa\n    w = tf.Variable(1.0)\n"),
    ("restore-kept-without-expect-partial",
     TF + "\nckpt = tf.train.Checkpoint(model=m)\nckpt.restore(p).assert_existing_objects_matched()  # noqa: TFC301\n",
     None),
    ("unused-import-kept",
     TF + "import tensorflow.contrib.eager as tfe  # noqa: TFC201\n",
     None),
]


@pytest.mark.parametrize(("before", "after"), [pytest.param(b, a, id=i) for i, b, a in PAIRS])
def test_noqa_pairs(before: str, after: str | None) -> None:
    assert_migrates(before, before if after is None else after)


def test_the_same_sources_without_noqa_are_migrated() -> None:
    """The pairs above that stay unchanged do so because of their noqa, not because the rules ignore them."""
    for name, before, after in PAIRS:
        if after is not None:
            continue
        bare = "\n".join(line.split("  #")[0] for line in before.split("\n"))
        assert migrate(bare).new is not None, name


def test_an_import_a_kept_use_needs_stays() -> None:
    """The import cleanup pass counts a line a noqa keeps as a use: `tfe` stays, `tf` is added for the rewrite."""
    before = TFE + "\nckpt = tfe.Checkpoint(m=m)\nold = tfe.Checkpoint(m=m)  # noqa: TFC101\n"
    after = TFE + TF + "\nckpt = tf.train.Checkpoint(m=m)\nold = tfe.Checkpoint(m=m)  # noqa: TFC101\n"
    result = assert_migrates(before, after)
    # Without the noqa the import goes: the test above fails if suppression stopped counting as a use.
    assert b"contrib" not in (migrate(before.replace("  # noqa: TFC101", "")).new or b"")
    # What kept it is said at the import, for --verbose, and not as work left to do.
    kept = [f for f in result.findings if f.code == "TFC900"]
    assert len(kept) == 1 and kept[0].kind == "info" and kept[0].line == 1 and "line 4" in kept[0].message
    assert manual(result) == []


def test_an_import_with_one_name_kept() -> None:
    before = (TF + "from tensorflow.contrib.checkpoint import (\n    CheckpointManager,  # noqa: TFC201\n"
              "    NoDependency,\n)\n")
    result = assert_migrates(before, TF + "from tensorflow.contrib.checkpoint import (\n"
                             "    CheckpointManager,  # noqa: TFC201\n    )\n")
    assert manual(result) == []


# -- edits that stand or fall together --------------------------------------------------------------------------------
def test_a_saver_kept_by_noqa_keeps_its_calls() -> None:
    before = HEAD + "s = tfe.Saver([w])  # noqa: TFC105\ns.save(p)\ns.restore(p)\n"
    result = assert_migrates(before, before)
    assert manual(result) == []


def test_a_noqa_on_a_call_keeps_the_saver_and_says_so() -> None:
    before = HEAD + "s = tfe.Saver([w])\ns.save(p)  # noqa: TFC105\n"
    result = assert_migrates(before, before)
    kept = [f for f in result.findings if f.code == "TFC105"]
    assert len(kept) == 1 and kept[0].line == 4 and "line 5" in kept[0].message


def test_a_session_argument_kept_by_noqa_keeps_its_checkpoint() -> None:
    before = HEAD + "ckpt = tfe.Checkpoint(m=m)\nckpt.save(p, session=None)  # noqa: TFC101\n"
    result = assert_migrates(before, before)
    assert "4:TFC101" in manual(result)
    # Without the noqa both change together.
    assert_migrates(before.replace("  # noqa: TFC101", ""), TF + "\nckpt = tf.train.Checkpoint(m=m)\nckpt.save(p)\n")


def test_a_manager_save_kept_by_noqa_keeps_the_manager() -> None:
    before = (TF + "\nsess = tf.Session()\nmanager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, max_to_keep=3)\n"
              "manager.save(sess)  # noqa: TFC102\n")
    result = assert_migrates(before, before)
    assert "4:TFC102" in manual(result)


def test_a_python_state_method_kept_by_noqa_keeps_the_class() -> None:
    before = (TF + "\nclass State(tf.contrib.checkpoint.PythonStateWrapper):\n"
              "    def _serialize(self):  # noqa: TFC104\n        return '1'\n\n"
              "    def _deserialize(self, s):\n        pass\n")
    result = assert_migrates(before, before)
    assert "3:TFC104" in manual(result)


# -- findings ---------------------------------------------------------------------------------------------------------
UNSUPPORTED = HEAD + "x = tfe.restore_variables_on_create(p)"


@pytest.mark.parametrize(("comment", "expected"), [
    ("", ["2:TFC900", "4:TFC901"]),
    ("  # noqa: TFC901", []),
    ("  # noqa", []),
    ("  # noqa: TFC900", ["4:TFC901"]),  # the import's TFC900 follows its use's: silenced with it
    ("  # noqa: TFC105", ["2:TFC900", "4:TFC901"]),
])
def test_findings_on_a_noqa_line(comment: str, expected: list[str]) -> None:
    result = migrate(UNSUPPORTED + comment + "\n")
    assert result.new is None
    assert manual(result) == expected


def test_a_noqa_on_another_line_silences_nothing() -> None:
    result = migrate(UNSUPPORTED + "\ny = 1  # noqa\n")
    assert manual(result) == ["2:TFC900", "4:TFC901"]


def test_notebook_cells() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(TF + TFE.rstrip("\n")),
                      nbformat.v4.new_code_cell("%time x = 1  # noqa\nold = tfe.Checkpoint(m=m)  # noqa: TFC101\n"
                                                "new = tfe.Checkpoint(m=m)\n!ls  # noqa")]
    result = migrate_source(nbformat.writes(notebook).encode(), "train.ipynb")
    assert result.error is None and result.new is not None
    cells = json.loads(result.new)["cells"]
    assert "".join(cells[0]["source"]) == TF + TFE.rstrip("\n")
    assert "".join(cells[1]["source"]) == ("%time x = 1  # noqa\nold = tfe.Checkpoint(m=m)  # noqa: TFC101\n"
                                           "new = tf.train.Checkpoint(m=m)\n!ls  # noqa")
    assert manual(result) == []


# -- the command line -------------------------------------------------------------------------------------------------
KEPT_SAVER = HEAD + "saver = tfe.Saver(model.trainable_variables)  # noqa: TFC105\nsaver.save(prefix)\n"


def test_check_passes_with_a_deliberately_kept_saver(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(KEPT_SAVER)
    kept = run_cli("--check", "train.py", cwd=tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "TFC" not in kept.stdout
    (tmp_path / "train.py").write_text(KEPT_SAVER.replace("  # noqa: TFC105", ""))
    reported = run_cli("--check", "train.py", cwd=tmp_path)
    assert reported.returncode == 1 and "TFC105" in reported.stdout


LEGACY = HEAD + "x = tfe.restore_variables_on_create(p)\nckpt = tfe.Checkpoint(m=m)\n"


def project(root: Path, table: str) -> None:
    (root / "pyproject.toml").write_text("[tool.tfckpt-migrate.per-file-ignores]\n" + table)
    for name in ("legacy/old.py", "legacy/deeper/older.py", "src/train.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(LEGACY)


def test_per_file_ignores_patterns(tmp_path: Path) -> None:
    ignores = PerFileIgnores(str(tmp_path), (("legacy/*.py", ("TFC9",)), ("*_tf1.py", ("TFC301",)),
                                             ("!src/**", ("TFC105",)), ("legacy/", ("TFC9", "TFC201"))))
    assert ignores.codes_for(str(tmp_path / "legacy/a.py")) == ("TFC9", "TFC105", "TFC201")
    assert ignores.codes_for(str(tmp_path / "legacy/deeper/a.py")) == ("TFC105", "TFC9", "TFC201")
    assert ignores.codes_for(str(tmp_path / "src/deep/train_tf1.py")) == ("TFC301",)
    assert ignores.codes_for(str(tmp_path / "src/train.py")) == ()
    assert ignores.codes_for(str(tmp_path.parent / "legacy/a.py")) == ()  # outside the config's directory


def test_per_file_ignores_silence_findings_by_path(tmp_path: Path) -> None:
    project(tmp_path, '"legacy/*.py" = ["TFC9"]\n')
    result = run_cli("--check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "src/train.py:4:5: TFC901" in result.stdout
    assert "legacy/old.py:4" not in result.stdout and "legacy/old.py:2" not in result.stdout
    # gitignore patterns: `*` stops at a slash.
    assert "legacy/deeper/older.py:4:5: TFC901" in result.stdout
    # The file still gets its rewrites: only TFC9xx are off there.
    assert "Would migrate: legacy/old.py" in result.stdout


def test_per_file_ignores_turn_rules_off_and_are_relative_to_the_config(tmp_path: Path) -> None:
    project(tmp_path, '"legacy/**" = ["TFC101", "TFC201", "TFC9"]\n')
    written = run_cli("--write", ".", cwd=tmp_path / "legacy")  # run from below the config: same patterns
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "legacy/old.py").read_text() == LEGACY
    assert (tmp_path / "legacy/deeper/older.py").read_text() == LEGACY
    assert run_cli("--write", "src", cwd=tmp_path).returncode == 0
    assert "tf.train.Checkpoint" in (tmp_path / "src/train.py").read_text()


def test_per_file_ignores_apply_to_the_stdin_filename(tmp_path: Path) -> None:
    project(tmp_path, '"legacy/*.py" = ["TFC9"]\n')
    result = run_cli("--check", "--stdin-filename", "legacy/old.py", "-", cwd=tmp_path,
                     stdin=(HEAD + "x = tfe.restore_variables_on_create(p)\n").encode())
    assert result.returncode == 0, result.stdout + result.stderr
    other = run_cli("--check", "--stdin-filename", "src/train.py", "-", cwd=tmp_path,
                    stdin=(HEAD + "x = tfe.restore_variables_on_create(p)\n").encode())
    assert other.returncode == 1 and "TFC901" in other.stdout


@pytest.mark.parametrize(("table", "fragment"), [
    ('"legacy/*.py" = ["TFC999"]\n', "'per-file-ignores.\"legacy/*.py\"' in [tool.tfckpt-migrate] has 'TFC999'"),
    ('"legacy/*.py" = ["E501"]\n', "'per-file-ignores.\"legacy/*.py\"' in [tool.tfckpt-migrate] has 'E501'"),
    ('"legacy/*.py" = "TFC9"\n', "must be a list of strings"),
])
def test_per_file_ignores_with_a_bad_code_is_a_usage_error(tmp_path: Path, table: str, fragment: str) -> None:
    project(tmp_path, table)
    result = run_cli("--check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert fragment in result.stderr and "pyproject.toml" in result.stderr


def test_per_file_ignores_must_be_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.tfckpt-migrate]\nper-file-ignores = ["legacy/*.py"]\n')
    result = run_cli("--check", ".", cwd=tmp_path)
    assert result.returncode == 2 and "'per-file-ignores'" in result.stderr


def test_per_file_ignores_reach_worker_processes(tmp_path: Path) -> None:
    """Enough files for a process pool (runner.POOL_THRESHOLD): each worker is sent its file's ignored codes."""
    (tmp_path / "pyproject.toml").write_text('[tool.tfckpt-migrate.per-file-ignores]\n"legacy/" = ["TFC9"]\n')
    (tmp_path / "legacy").mkdir()
    for index in range(40):
        (tmp_path / f"legacy/m{index:02}.py").write_text(HEAD + "x = tfe.restore_variables_on_create(p)\n")
    (tmp_path / "train.py").write_text(HEAD + "x = tfe.restore_variables_on_create(p)\n")
    result = run_cli("--check", "-j", "2", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines() if "TFC9" in line] == ["train.py"] * 2

"""The CLI on temp trees, run as a user runs it (in this process: helpers.run_cli; test_cli_launcher.py holds that to
the installed console script)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run_cli
from tfckpt_codemod.limits import available_cores
from tfckpt_codemod.runner import POOL_THRESHOLD

SEED = (
    "import tensorflow as tf\n"
    "import tensorflow.contrib.checkpoint as checkpoint\n"
    "\n"
    "saver = checkpoint.Checkpoint(model=model)\n"
    "saver.save(save_path)\n"
    "saver.restore(restore_path)\n"
)
SEED_AFTER = SEED.replace("import tensorflow.contrib.checkpoint as checkpoint\n", "").replace(
    "checkpoint.Checkpoint", "tf.train.Checkpoint")
TFE = "import tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(model=model)\n"
TFE_AFTER = "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=model)\n"


def test_dry_run_prints_a_unified_diff_and_writes_nothing(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/train.py": SEED})
    result = run_cli("src", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "--- a/src/train.py\n+++ b/src/train.py\n" in result.stdout
    assert "-saver = checkpoint.Checkpoint(model=model)\n+saver = tf.train.Checkpoint(model=model)\n" in result.stdout
    assert "-import tensorflow.contrib.checkpoint as checkpoint\n" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: plain text
    assert (root / "src/train.py").read_text() == SEED
    assert "1 file would be migrated" in result.stderr


def test_write_applies_and_a_second_run_has_nothing_to_do(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/train.py": SEED, "src/eager.py": TFE})
    result = run_cli("--write", "src", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "src/train.py").read_text() == SEED_AFTER
    assert (root / "src/eager.py").read_text() == TFE_AFTER
    assert result.stdout == ""  # --write without --diff prints no diffs
    again = run_cli("--check", "src", cwd=root)
    assert again.returncode == 0 and again.stdout == ""


def test_write_with_diff_prints_the_diff(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"train.py": SEED})
    result = run_cli("--write", "--diff", "train.py", cwd=root)
    assert result.returncode == 0
    assert "+saver = tf.train.Checkpoint(model=model)" in result.stdout


def test_check_lists_files_writes_nothing_and_exits_1(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/train.py": SEED, "src/clean.py": "import tensorflow as tf\n"})
    result = run_cli("--check", "src", cwd=root)
    assert result.returncode == 1
    assert result.stdout == "Would migrate: src/train.py\n"
    assert (root / "src/train.py").read_text() == SEED


def test_python2_file_is_reported_and_the_good_file_still_migrated(tree) -> None:  # type: ignore[no-untyped-def]
    py2 = 'import tensorflow.contrib.eager as tfe\nprint "hello"\n'
    root = tree({"a_py2.py": py2, "b_good.py": SEED})
    result = run_cli("--write", ".", cwd=root)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [errors[0]] and errors[0].startswith("a_py2.py: error: cannot parse")
    assert "Traceback" not in result.stderr
    assert (root / "a_py2.py").read_text() == py2
    assert (root / "b_good.py").read_text() == SEED_AFTER


def test_encodings_and_newlines_round_trip(tree) -> None:  # type: ignore[no-untyped-def]
    crlf = SEED.replace("\n", "\r\n").encode()
    bom = b"\xef\xbb\xbf# -*- coding: utf-8 -*-\n" + SEED.encode() + "# caf\u00e9\n".encode()
    latin1 = ("# -*- coding: latin-1 -*-\n" + SEED + "# caf\u00e9\n").encode("latin-1")
    root = tree({"crlf.py": crlf, "bom.py": bom, "latin1.py": latin1})
    result = run_cli("--write", ".", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "crlf.py").read_bytes() == SEED_AFTER.replace("\n", "\r\n").encode()
    assert (root / "bom.py").read_bytes() == (b"\xef\xbb\xbf# -*- coding: utf-8 -*-\n" + SEED_AFTER.encode()
                                              + "# caf\u00e9\n".encode())
    assert (root / "latin1.py").read_bytes() == ("# -*- coding: latin-1 -*-\n" + SEED_AFTER
                                                 + "# caf\u00e9\n").encode("latin-1")


def test_undecodable_file_is_reported_and_left_alone(tree) -> None:  # type: ignore[no-untyped-def]
    bad = b"import tensorflow.contrib.eager as tfe\nx = '\xff\xfe'\n"
    root = tree({"bad.py": bad})
    result = run_cli("--write", "bad.py", cwd=root)
    assert result.returncode == 2
    assert result.stderr.startswith("bad.py: error: cannot decode as utf-8")
    assert (root / "bad.py").read_bytes() == bad


def test_a_file_mentioning_checkpoint_without_contrib_is_not_touched(tree) -> None:  # type: ignore[no-untyped-def]
    source = ("import tensorflow as tf\n\n\ndef load(checkpoint):\n"
              "    return checkpoint.Checkpoint(model=model)  # tf.contrib.checkpoint in a comment\n")
    root = tree({"a.py": source})
    result = run_cli("--check", "a.py", cwd=root)
    assert result.returncode == 0, result.stdout
    assert (root / "a.py").read_text() == source


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("--check", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert "nope" in result.stderr and "Traceback" not in result.stderr


def test_findings_are_printed_with_positions_and_fail_check(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"s.py": "import tensorflow.contrib.eager as tfe\n\nsaver = tfe.restore_variables_on_create(p)\n"})
    result = run_cli("--check", "s.py", cwd=root)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1].startswith("s.py:3:9: TFC901 restore_variables_on_create has no TF 2")
    assert result.stdout.startswith("s.py:1:1: TFC900 `tfe` (tf.contrib.eager) is still imported")


def test_select_and_ignore_choose_rules(tree) -> None:  # type: ignore[no-untyped-def]
    source = ("import tensorflow as tf\n\nckpt = tf.contrib.eager.Checkpoint(m=m)\n"
              "names = tf.contrib.framework.list_variables(d)\n")
    root = tree({"a.py": source})
    only_101 = run_cli("--select", "TFC101", "a.py", cwd=root)
    assert "+ckpt = tf.train.Checkpoint(m=m)" in only_101.stdout
    assert "+names = tf.train.list_variables(d)" not in only_101.stdout
    no_tfc1 = run_cli("--ignore", "TFC1", "--check", "a.py", cwd=root)
    assert "Would migrate" not in no_tfc1.stdout
    most_specific_wins = run_cli("--ignore", "TFC1", "--select", "TFC103", "a.py", cwd=root)
    assert "+names = tf.train.list_variables(d)" in most_specific_wins.stdout
    assert "+ckpt" not in most_specific_wins.stdout


def test_list_rules_and_version() -> None:
    rules = run_cli("--list-rules")
    assert rules.returncode == 0
    for code in ("TFC101", "TFC102", "TFC103", "TFC104", "TFC201", "TFC900", "TFC901", "TFC902"):
        assert code in rules.stdout
    assert run_cli("--version").stdout.startswith("tfckpt-migrate ")


def test_output_is_identical_for_every_job_count(tree) -> None:  # type: ignore[no-untyped-def]
    """A mixed tree: contrib files, files with no tensorflow at all, TF 2 code, a file that does not parse."""
    files = {f"pkg/m{i:03}.py": (SEED if i % 3 else TFE) + f"# file {i}\n" for i in range(60)}
    files.update({f"pkg/plain{i:02}.py": f"import os\nprint(os.sep, {i})\n" for i in range(20)})
    files.update({f"pkg/tf2_{i:02}.py": "import tensorflow as tf\nckpt = tf.train.Checkpoint(m=m)\nckpt.restore(p)\n"
                  for i in range(10)})
    files["pkg/broken.py"] = 'import tensorflow.contrib.eager as tfe\nprint "x"\n'
    root = tree(files)
    one = run_cli("-j", "1", "--verbose", "pkg", cwd=root)
    two = run_cli("-j", "2", "--verbose", "pkg", cwd=root)
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and one.stderr == two.stderr
    assert one.stdout.count("+++ b/pkg/") == 60
    assert "parsed 70 of 91 files" in one.stderr  # the one that does not parse is not counted


def test_warnings_about_the_users_code_are_not_ours_to_print(tree) -> None:  # type: ignore[no-untyped-def]
    """An invalid escape sequence warns when Python compiles it; checking the syntax must not print that."""
    root = tree({"a.py": 'import tensorflow.contrib.eager as tfe\npattern = "\\d+"\nckpt = tfe.Checkpoint(m=m)\n'})
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-W", "error", "-m", "tfckpt_codemod", "--check", "a.py"], cwd=root,
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "Warning" not in result.stderr and "Would migrate: a.py" in result.stdout


TRAIN = ("import tensorflow as tf\n\n"
         "ckpt = tf.train.Checkpoint(optimizer=opt, model=model, optimizer_step=step)\n"
         "ckpt.save(prefix)\n")
INFERENCE = ("import tensorflow as tf\n\n"
             "ckpt = tf.train.Checkpoint(model=model, optimizer_step=step)\n"
             "ckpt.restore(tf.train.latest_checkpoint(directory))\n")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_restore_is_compared_with_what_another_file_of_the_run_saves(tree, jobs: str) -> None:  # type: ignore[no-untyped-def]
    # Other contrib files, so that -j 2 starts worker processes (below POOL_THRESHOLD candidates it does not).
    others = {f"src/other{i:02}.py": TFE for i in range(POOL_THRESHOLD)}
    root = tree({"src/train.py": TRAIN, "src/inference.py": INFERENCE, **others})
    result = run_cli("--write", "--verbose", "-j", jobs, "src", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "worker process" not in result.stderr or available_cores() < int(jobs)  # as many workers as asked
    assert all((root / name).read_text() == TFE_AFTER for name in others)
    assert (root / "src/train.py").read_text() == TRAIN  # a file that only saves is never touched
    assert (root / "src/inference.py").read_text() == INFERENCE.replace(
        "ckpt.restore(tf.train.latest_checkpoint(directory))",
        "ckpt.restore(tf.train.latest_checkpoint(directory)).expect_partial()")
    assert ("src/inference.py:4:6: TFC301 added .expect_partial(): restores model, optimizer_step; the checkpoint "
            "saved at src/train.py:3 also holds optimizer\n" in result.stdout)
    assert result.stdout.count("added .expect_partial()") == 1  # each reason once
    assert "src/train.py: saves checkpoints that the restores of other files were compared with" in result.stderr


def test_a_project_file_named_absolutely_is_read_for_facts_once(tree) -> None:  # type: ignore[no-untyped-def]
    """The project lists `src/train.py`, the command line says `/abs/src/train.py`: one file, one contribution."""
    root = tree({"pyproject.toml": "[tool.tfckpt-migrate]\n", "src/train.py": TRAIN, "src/inference.py": INFERENCE})
    result = run_cli("--check", "--verbose", root / "src", cwd=root)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("saves checkpoints that the restores of other files were compared with") == 1, \
        result.stderr


@pytest.mark.parametrize("marker", ["git", "pyproject"])
def test_one_file_and_the_whole_tree_get_the_same_answer(tree, marker: str) -> None:  # type: ignore[no-untyped-def]
    """pre-commit passes the changed files, CI passes `.`: the facts come from the project either way."""
    files = {"src/train.py": TRAIN, "src/inference.py": INFERENCE}
    if marker == "git":
        files[".git/HEAD"] = "ref: refs/heads/main\n"
    else:
        files["pyproject.toml"] = "[tool.tfckpt-migrate]\nselect = ['TFC']\n"
    root = tree(files)
    alone = run_cli("--check", "src/inference.py", cwd=root)
    whole = run_cli("--check", ".", cwd=root)
    assert alone.returncode == whole.returncode == 1, (alone.stderr, whole.stderr)
    assert alone.stdout == whole.stdout == "Would migrate: src/inference.py\n"
    verbose = run_cli("--check", "--verbose", "src/inference.py", cwd=root)
    assert f"run-wide facts come from the project at {root}" in verbose.stderr

def test_unrelated_checkpoints_in_two_files_get_nothing(tree) -> None:  # type: ignore[no-untyped-def]
    unrelated = INFERENCE.replace("model=model, optimizer_step=step", "encoder=encoder")
    root = tree({"src/train.py": TRAIN, "src/inference.py": unrelated})
    result = run_cli("--check", "src", cwd=root)
    assert result.returncode == 0, result.stdout
    assert (root / "src/inference.py").read_text() == unrelated


def test_the_inference_file_alone_gets_no_cross_file_detection(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/train.py": TRAIN, "src/inference.py": INFERENCE})
    result = run_cli("--check", "src/inference.py", cwd=root)
    assert result.returncode == 0, result.stdout

"""How the CLI fits a project's tooling: pyproject config, gitignore, notebooks, stdin, machine output, reports,
pre-commit, and the terminal. Every test runs the command on a temporary tree: in this process (helpers.run_cli),
or as the installed console script where only a process of its own shows it (pre-commit's entry, a terminal)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import console_script, run_cli

CONTRIB = (
    "import tensorflow as tf\n"
    "import tensorflow.contrib.checkpoint as checkpoint\n"
    "\n"
    "saver = checkpoint.Checkpoint(model=model)\n"
    "saver.save(save_path)\n"
)
CONTRIB_AFTER = (
    "import tensorflow as tf\n"
    "\n"
    "saver = tf.train.Checkpoint(model=model)\n"
    "saver.save(save_path)\n"
)
# TFC101 (constructor), TFC103 (utility), TFC900 and TFC901 (findings) in one file, so rule selection is visible.
MIXED = (
    "import tensorflow as tf\n"
    "\n"
    "ckpt = tf.contrib.eager.Checkpoint(model=model)\n"
    "names = tf.contrib.framework.list_variables(ckpt_dir)\n"
    "layer = tf.contrib.layers.fully_connected(x, 3)\n"
    "saver = tf.contrib.eager.restore_variables_on_create(path)\n"
)
CLEAN = "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=model)\n"


def _changed(root: Path, name: str, original: str) -> bool:
    return (root / name).read_text() != original


def _pyproject(body: str) -> str:
    return "[project]\nname = 'demo'\n\n[tool.tfckpt-migrate]\n" + body


# -- [tool.tfckpt-migrate] ----------------------------------------------------------------------------------------

def test_pyproject_select_limits_the_rules(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('select = ["TFC103"]\n'), "src/train.py": MIXED})
    result = run_cli("--write", "src", cwd=root)
    assert result.returncode == 0, result.stderr
    text = (root / "src/train.py").read_text()
    assert "tf.train.list_variables(ckpt_dir)" in text
    assert "tf.contrib.eager.Checkpoint(model=model)" in text  # TFC101 was not selected
    assert "TFC90" not in result.stdout


def test_pyproject_ignore_skips_a_rule(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('ignore = ["TFC101"]\n'), "src/train.py": MIXED})
    result = run_cli("--write", "src", cwd=root)
    assert result.returncode == 0, result.stderr
    text = (root / "src/train.py").read_text()
    assert "tf.contrib.eager.Checkpoint(model=model)" in text
    assert "tf.train.list_variables(ckpt_dir)" in text


def test_cli_select_overrides_pyproject(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('select = ["TFC103"]\n'), "src/train.py": MIXED})
    result = run_cli("--write", "--select", "TFC101", "src", cwd=root)
    assert result.returncode == 0, result.stderr
    text = (root / "src/train.py").read_text()
    assert "tf.train.Checkpoint(model=model)" in text
    assert "tf.contrib.framework.list_variables(ckpt_dir)" in text


def test_pyproject_exclude_replaces_defaults_and_extend_exclude_adds(tree) -> None:  # type: ignore[no-untyped-def]
    files = {"src/keep.py": CONTRIB, "src/generated/gen.py": CONTRIB, "build/out.py": CONTRIB}
    root = tree({"pyproject.toml": _pyproject('exclude = ["generated"]\n'), **files})
    result = run_cli("--check", ".", cwd=root)
    # "build" is a default exclude; `exclude` replaced the defaults, so it is scanned now.
    assert set(result.stdout.splitlines()) == {"Would migrate: src/keep.py", "Would migrate: build/out.py"}
    (root / "pyproject.toml").write_text(_pyproject('extend-exclude = ["generated"]\n'))
    result = run_cli("--check", ".", cwd=root)
    assert result.stdout.splitlines() == ["Would migrate: src/keep.py"]


def test_cli_exclude_overrides_pyproject_exclude(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('exclude = ["legacy"]\n'), "legacy/a.py": CONTRIB, "new/b.py": CONTRIB})
    result = run_cli("--check", "--exclude", "new", ".", cwd=root)
    assert result.stdout.splitlines() == ["Would migrate: legacy/a.py"]


def test_pyproject_jobs_is_used_and_output_matches_one_job(tree) -> None:  # type: ignore[no-untyped-def]
    files = {f"src/m{i:02}.py": CONTRIB for i in range(30)}  # enough candidates for worker processes
    root = tree({"pyproject.toml": _pyproject("jobs = 2\n"), **files})
    parallel = run_cli("src", cwd=root)
    serial = run_cli("-j", "1", "src", cwd=root)
    assert parallel.returncode == serial.returncode == 0
    assert parallel.stdout == serial.stdout and parallel.stdout.count("+++ b/src/m") == 30
    (root / "pyproject.toml").write_text(_pyproject("jobs = 100000\n"))
    capped = run_cli("--check", "--verbose", "src", cwd=root)  # the configured number is what the note reports
    assert "worker processes for -j 100000" in capped.stderr or "worker process for -j 100000" in capped.stderr
    (root / "pyproject.toml").write_text(_pyproject("jobs = 0\n"))
    bad = run_cli("src", cwd=root)  # proves the key is read: an invalid value is rejected
    assert bad.returncode == 2 and "jobs" in bad.stderr


def test_pyproject_respect_gitignore_false_and_cli_flag_overrides(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({".gitignore": "scratch/\n", "scratch/old.py": CONTRIB, "src/a.py": CONTRIB,
                 "pyproject.toml": _pyproject("respect-gitignore = false\n")})
    (root / ".git").mkdir()
    result = run_cli("--check", ".", cwd=root)
    assert set(result.stdout.splitlines()) == {"Would migrate: scratch/old.py", "Would migrate: src/a.py"}
    result = run_cli("--check", "--respect-gitignore", ".", cwd=root)
    assert result.stdout.splitlines() == ["Would migrate: src/a.py"]


def test_unknown_pyproject_key_is_a_one_line_error(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('selekt = ["TFC1"]\n'), "src/a.py": CONTRIB})
    result = run_cli("--write", "src", cwd=root)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "selekt" in lines[0] and "pyproject.toml" in lines[0]
    assert (root / "src/a.py").read_text() == CONTRIB


def test_nearest_pyproject_is_found_from_the_given_paths(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"proj/pyproject.toml": _pyproject('select = ["TFC103"]\n'), "proj/src/train.py": MIXED})
    result = run_cli("--write", "proj/src", cwd=root)  # run from above the project
    assert result.returncode == 0, result.stderr
    assert "tf.contrib.eager.Checkpoint" in (root / "proj/src/train.py").read_text()


# -- --select / --ignore ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("flags", "constructor", "utility", "finding"), [
    (("--select", "TFC1"), True, True, False),
    (("--select", "TFC101"), True, False, False),
    (("--select", "TFC9"), False, False, True),
    (("--ignore", "TFC1"), False, False, True),
    (("--ignore", "TFC103,TFC901"), True, False, False),
    (("--select", "tfc1", "--ignore", "TFC101"), False, True, False),
])
def test_select_and_ignore_codes_and_prefixes(tree, flags: tuple[str, ...], constructor: bool, utility: bool,
                                              finding: bool) -> None:  # type: ignore[no-untyped-def]
    root = tree({"train.py": MIXED})
    result = run_cli(*flags, "train.py", cwd=root)
    assert result.returncode == 0, result.stderr
    assert ("+ckpt = tf.train.Checkpoint(model=model)" in result.stdout) is constructor
    assert ("+names = tf.train.list_variables(ckpt_dir)" in result.stdout) is utility
    assert ("train.py:6:9: TFC901 restore_variables_on_create" in result.stdout) is finding


def test_select_restore_rule_alone(tree) -> None:  # type: ignore[no-untyped-def]
    source = ("import tensorflow as tf\n\n"
              "ckpt = tf.train.Checkpoint(model=model, optimizer=opt)\nckpt.save(path)\n"
              "partial = tf.train.Checkpoint(model=model)\npartial.restore(path)\n")
    root = tree({"train.py": source.replace("tf.train.Checkpoint", "tf.contrib.eager.Checkpoint")})
    result = run_cli("--select", "TFC301", "train.py", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "+partial.restore(path).expect_partial()" in result.stdout
    assert "+ckpt = tf.train.Checkpoint" not in result.stdout
    assert run_cli("--ignore", "TFC301", "train.py", cwd=root).stdout.count("expect_partial") == 0


# -- .gitignore and excludes ---------------------------------------------------------------------------------------

def test_gitignore_respected_by_default_and_switchable(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({".gitignore": "*_old.py\nscratch/\n", "src/a.py": CONTRIB, "src/b_old.py": CONTRIB,
                 "scratch/c.py": CONTRIB})
    (root / ".git").mkdir()
    assert run_cli("--check", ".", cwd=root).stdout.splitlines() == ["Would migrate: src/a.py"]
    everything = run_cli("--check", "--no-respect-gitignore", ".", cwd=root)
    assert set(everything.stdout.splitlines()) == {"Would migrate: src/a.py", "Would migrate: src/b_old.py",
                                                   "Would migrate: scratch/c.py"}


def test_explicitly_named_ignored_file_is_processed(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({".gitignore": "*_old.py\n", "src/b_old.py": CONTRIB,
                 "pyproject.toml": _pyproject('extend-exclude = ["src/b_old.py"]\n')})
    (root / ".git").mkdir()
    result = run_cli("--write", "src/b_old.py", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "src/b_old.py").read_text() == CONTRIB_AFTER


def test_exclude_and_extend_exclude_globs_on_the_command_line(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/a.py": CONTRIB, "src/gen/x_pb2.py": CONTRIB, "tests/test_a.py": CONTRIB,
                 "venv/lib/site.py": CONTRIB})
    result = run_cli("--check", "--extend-exclude", "*_pb2.py", "--extend-exclude", "tests/", ".", cwd=root)
    assert result.stdout.splitlines() == ["Would migrate: src/a.py"]  # venv/ is a default exclude
    result = run_cli("--check", "--exclude", "src/gen", ".", cwd=root)  # replaces defaults: venv is scanned
    assert set(result.stdout.splitlines()) == {"Would migrate: src/a.py", "Would migrate: tests/test_a.py",
                                               "Would migrate: venv/lib/site.py"}


# -- notebooks -----------------------------------------------------------------------------------------------------

def _notebook() -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Restore the model\nThe contrib checkpoint API."),
        nbformat.v4.new_code_cell("%matplotlib inline\n!pip install -q tensorflow\n"
                                  "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe"),
        nbformat.v4.new_code_cell("ckpt = tfe.Checkpoint(model=model)\nckpt.save(prefix)",
                                  execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="saved\n")]),
        nbformat.v4.new_code_cell("opt = tf.contrib.opt.LazyAdamOptimizer(0.1)"),
    ]
    nb.cells[2].metadata["tags"] = ["keep-me"]
    return nbformat.writes(nb).encode()


def test_notebook_dry_run_diff_shows_cells_with_magics(tree) -> None:  # type: ignore[no-untyped-def]
    data = _notebook()
    root = tree({"nb/train.ipynb": data})
    result = run_cli("nb", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "--- a/nb/train.ipynb\n+++ b/nb/train.ipynb\n" in result.stdout
    assert "-ckpt = tfe.Checkpoint(model=model)\n+ckpt = tf.train.Checkpoint(model=model)\n" in result.stdout
    assert "-import tensorflow.contrib.eager as tfe\n" in result.stdout
    assert "%matplotlib inline" in result.stdout and "!pip install -q tensorflow" in result.stdout
    assert "__tfckpt_magic" not in result.stdout and "tfckpt-migrate cell" not in result.stdout
    assert '"cell_type"' not in result.stdout  # code, not JSON
    assert "# In[3]:" in result.stdout  # cells are numbered as Jupyter counts them (markdown included)
    assert re.search(r"^nb/train\.ipynb:cell 4:1:7: TFC900 ", result.stdout, re.MULTILINE), result.stdout
    assert (root / "nb/train.ipynb").read_bytes() == data


def test_notebook_write_keeps_metadata_outputs_and_magics(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"train.ipynb": _notebook()})
    result = run_cli("--write", "train.ipynb", cwd=root)
    assert result.returncode == 0, result.stderr
    before = nbformat.reads(_notebook().decode(), as_version=4)
    after = nbformat.reads((root / "train.ipynb").read_text(), as_version=4)
    nbformat.validate(after)
    assert after.metadata == before.metadata
    assert [c.cell_type for c in after.cells] == [c.cell_type for c in before.cells]
    assert after.cells[0].source == before.cells[0].source
    assert after.cells[1].source.startswith("%matplotlib inline\n!pip install -q tensorflow\n")
    assert "contrib.eager" not in after.cells[1].source
    assert after.cells[2].source == "ckpt = tf.train.Checkpoint(model=model)\nckpt.save(prefix)"
    assert after.cells[2].outputs == before.cells[2].outputs and after.cells[2].execution_count == 2
    assert after.cells[2].metadata == before.cells[2].metadata
    assert after.cells[3].source == before.cells[3].source


def test_unchanged_notebook_round_trips_byte_identically(tree) -> None:  # type: ignore[no-untyped-def]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%time x = 1\nimport tensorflow as tf\nckpt = tf.train.Checkpoint()"),
                nbformat.v4.new_markdown_cell("tf.contrib is mentioned only in prose")]
    data = nbformat.writes(nb).encode()
    root = tree({"clean.ipynb": data})
    result = run_cli("--write", "clean.ipynb", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "clean.ipynb").read_bytes() == data
    assert run_cli("--check", "clean.ipynb", cwd=root).returncode == 0


# -- stdin ----------------------------------------------------------------------------------------------------------

def test_stdin_dry_run_uses_the_given_name(tmp_path: Path) -> None:
    result = run_cli("-", "--stdin-filename", "src/train.py", cwd=tmp_path, stdin=CONTRIB.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- a/src/train.py\n+++ b/src/train.py\n")
    assert "+saver = tf.train.Checkpoint(model=model)\n" in result.stdout


def test_stdin_write_prints_the_rewritten_source(tmp_path: Path) -> None:
    result = run_cli("--write", "-", "--stdin-filename", "src/train.py", cwd=tmp_path, stdin=CONTRIB.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout == CONTRIB_AFTER
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


@pytest.mark.parametrize("mode", [(), ("--write",)])
def test_stdin_unchanged_input_is_echoed_or_silent(tmp_path: Path, mode: tuple[str, ...]) -> None:
    result = run_cli(*mode, "-", cwd=tmp_path, stdin=CLEAN.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout == (CLEAN if mode else "")


def test_stdin_parse_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = "import tensorflow.contrib.eager as tfe\nprint 'hello'\n"
    for mode in ((), ("--write",)):
        result = run_cli(*mode, "-", "--stdin-filename", "old.py", cwd=tmp_path, stdin=broken.encode())
        assert result.returncode == 2
        errors = [line for line in result.stderr.splitlines() if ": error: " in line]
        assert len(errors) == 1 and errors[0].startswith("old.py: error: "), result.stderr
        assert "Traceback" not in result.stderr
        if mode:
            assert result.stdout == broken  # the file's content is not lost in a pipeline


# -- machine-readable output -----------------------------------------------------------------------------------------

def test_json_output_is_one_document_with_changes_findings_and_errors(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/train.py": MIXED, "src/py2.py": "import tensorflow.contrib\nprint 'x'\n",
                 "src/clean.py": CLEAN})
    result = run_cli("--output-format", "json", "src", cwd=root)
    assert result.returncode == 2  # py2.py cannot be parsed
    document = json.loads(result.stdout)
    files = {entry["path"]: entry for entry in document["files"]}
    assert set(files) == {"src/train.py", "src/py2.py"}
    train = files["src/train.py"]
    assert train["changed"] is True and train["written"] is False and train["error"] is None
    assert "+ckpt = tf.train.Checkpoint(model=model)" in train["diff"]
    [finding] = [f for f in train["findings"] if f["code"] == "TFC900"]
    assert finding["path"] == "src/train.py" and not finding["fixed"]
    assert (finding["line"], finding["column"]) == (5, 9)
    assert finding["end_line"] == 5 and finding["end_column"] > finding["column"]
    assert "tf.contrib.layers.fully_connected" in finding["message"]
    assert files["src/py2.py"]["error"] and files["src/py2.py"]["changed"] is False
    assert document["summary"]["files"] == 3 and document["summary"]["errors"] == 1
    assert document["summary"]["changed"] == 1


def test_github_output_annotates_findings_and_changed_files(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/train.py": MIXED, "src/clean.py": CLEAN})
    result = run_cli("--check", "--output-format", "github", "src", cwd=root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("::warning file=src/train.py,title=tfckpt-migrate::") for line in lines)
    assert any(line.startswith("::warning file=src/train.py,line=5,col=9,") and "title=TFC900::" in line
               for line in lines), lines
    assert not any("clean.py" in line for line in lines)


# -- --report FILE ----------------------------------------------------------------------------------------------------

def test_report_file_has_everything_and_terminal_only_the_summary(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"src/train.py": MIXED, "src/py2.py": "import tensorflow.contrib\nprint 'x'\n",
                 "src/clean.py": CLEAN})
    result = run_cli("--report", "report.txt", "src", cwd=root)
    assert result.returncode == 2
    assert result.stdout == ""
    stderr = result.stderr.splitlines()
    assert [line for line in stderr if ": error: " in line] == [line for line in stderr if line.startswith(
        "src/py2.py: error: cannot parse")] and len(stderr) == 2
    assert stderr[-1] == "1 file would be migrated, 2 findings to review, 3 scanned, 1 error"
    report = (root / "report.txt").read_text()
    assert "--- a/src/train.py\n+++ b/src/train.py\n" in report
    assert "+ckpt = tf.train.Checkpoint(model=model)\n" in report
    assert "src/train.py:5:9: TFC900 " in report
    assert "src/py2.py: error: cannot parse" in report
    assert "clean.py" not in report
    assert "Summary: 1 file would be migrated" in report
    assert re.search(r"^\* TFC900 +contrib-use-remains \(finding\): ", report, re.MULTILINE)
    assert re.search(r"^\* TFC901 +no-tf2-equivalent \(finding\): ", report, re.MULTILINE)
    assert "src/train.py:6:9: TFC901 restore_variables_on_create" in report
    assert re.search(r"^  TFC101 +contrib-checkpoint-constructor \(autofix\): ", report, re.MULTILINE)
    assert "\x1b[" not in report
    assert (root / "src/train.py").read_text() == MIXED


def test_report_with_check_and_write(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    check = run_cli("--check", "--report", "check.txt", "a.py", cwd=root)
    assert check.returncode == 1 and check.stdout == ""
    assert "Status: would be migrated" in (root / "check.txt").read_text()
    assert "Mode: check" in (root / "check.txt").read_text()
    write = run_cli("--write", "--report", "write.txt", "a.py", cwd=root)
    assert write.returncode == 0 and write.stdout == ""
    assert (root / "a.py").read_text() == CONTRIB_AFTER
    report = (root / "write.txt").read_text()
    assert "Status: migrated" in report and "+saver = tf.train.Checkpoint(model=model)\n" in report
    assert "Summary: 1 file migrated" in report


def test_report_records_why_a_restore_became_partial(tree) -> None:  # type: ignore[no-untyped-def]
    source = ("import tensorflow as tf\n\n"
              "ckpt = tf.contrib.eager.Checkpoint(model=model, optimizer=opt)\nckpt.save(path)\n"
              "partial = tf.contrib.eager.Checkpoint(model=model)\npartial.restore(path)\n")
    root = tree({"train.py": source})
    result = run_cli("--report", "r.txt", "train.py", cwd=root)
    assert result.returncode == 0, result.stderr
    report = (root / "r.txt").read_text()
    assert "+partial.restore(path).expect_partial()" in report
    reasons = [line for line in report.splitlines() if line.startswith("train.py: ")]
    assert reasons and any("optimizer" in line for line in reasons), report


def test_report_to_an_unwritable_place_is_a_usage_error(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    result = run_cli("--write", "--report", "missing/dir/r.txt", "a.py", cwd=root)
    assert result.returncode == 2 and "report" in result.stderr
    assert (root / "a.py").read_text() == CONTRIB  # failed before touching anything


# -- pre-commit --------------------------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def _hook() -> dict[str, object]:
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    try:
        import yaml
    except ImportError:  # a tiny reader for the flat list pre-commit hook files use
        hook: dict[str, object] = {}
        for line in text.splitlines():
            key, _, value = line.lstrip("- ").partition(":")
            hook[key.strip()] = value.strip().strip('"')
        return hook
    [hook] = yaml.safe_load(text)
    return hook


def _run_entry(entry: str, files: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the hook's entry as pre-commit does: the installed program, the entry's words, then the staged files."""
    program, *args = entry.split()
    assert program == "tfckpt-migrate"
    return run_cli(*args, *files, cwd=cwd, subprocess=True)


def test_pre_commit_hook_definition() -> None:
    hook = _hook()
    assert hook["id"] == "tfckpt-migrate"
    assert hook["entry"] == "tfckpt-migrate --write --force-exclude"  # pre-commit names excluded files too
    # One process: run-wide facts see every staged file, and the tool runs its own workers.
    assert str(hook["require_serial"]).lower() == "true"
    assert hook["language"] == "python"


def test_pre_commit_entry_honours_the_config_excludes(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('extend-exclude = ["third_party/"]\n'),
                 "third_party/vendored.py": CONTRIB, "src/train.py": CONTRIB})
    result = _run_entry(str(_hook()["entry"]), ["third_party/vendored.py", "src/train.py"], root)
    assert result.returncode == 0, result.stderr
    assert (root / "third_party/vendored.py").read_text() == CONTRIB
    assert (root / "src/train.py").read_text() == CONTRIB_AFTER


def test_pre_commit_entry_rewrites_contrib_files_and_leaves_clean_ones(tree) -> None:  # type: ignore[no-untyped-def]
    entry = str(_hook()["entry"])
    root = tree({"src/train.py": CONTRIB, "src/clean.py": CLEAN})
    result = _run_entry(entry, ["src/train.py", "src/clean.py"], root)
    # Exit 0 with a modified file: pre-commit itself fails the hook because files changed.
    assert result.returncode == 0, result.stderr
    assert (root / "src/train.py").read_text() == CONTRIB_AFTER
    assert (root / "src/clean.py").read_text() == CLEAN
    before = {p: p.read_bytes() for p in root.rglob("*.py")}
    again = _run_entry(entry, ["src/train.py", "src/clean.py"], root)
    assert again.returncode == 0
    assert {p: p.read_bytes() for p in root.rglob("*.py")} == before


# -- rules, version, help --------------------------------------------------------------------------------------------

def test_list_rules_lists_every_rule() -> None:
    from tfckpt_codemod.transforms import rule_table

    result = run_cli("--list-rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    rules = rule_table()
    assert len(lines) == len(rules)
    for line, rule in zip(lines, rules, strict=True):
        assert line.split()[:3] == [rule.code, rule.name, "autofix" if rule.autofix else "finding"]
        assert line.endswith(rule.summary)


def test_version_and_help() -> None:
    from tfckpt_codemod import __version__

    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"tfckpt-migrate {__version__}"
    help_text = run_cli("--help").stdout
    for option in ("--write", "--check", "--diff", "--select", "--ignore", "--exclude", "--extend-exclude",
                   "--respect-gitignore", "--no-respect-gitignore", "--jobs", "--output-format", "--stdin-filename",
                   "--report", "--color", "--quiet", "--verbose", "--version", "--list-rules", "--help"):
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text), option


def test_console_script_matches_module(tmp_path: Path) -> None:
    script = console_script()
    if script[0] == sys.executable:
        pytest.skip("tfckpt-migrate is not installed (a checkout on sys.path): there is no console script")
    for args in (["--version"], ["--help"], ["--check", "nope.py"]):
        by_script = subprocess.run([*script, *args], capture_output=True, text=True, timeout=60, cwd=tmp_path)
        by_module = subprocess.run([sys.executable, "-m", "tfckpt_codemod", *args], capture_output=True, text=True,
                                   timeout=60, cwd=tmp_path)
        assert by_script.returncode == by_module.returncode, args
        assert by_script.stdout == by_module.stdout, args  # the program is tfckpt-migrate however it was started
        assert by_script.stderr == by_module.stderr, args


# -- color -------------------------------------------------------------------------------------------------------------

def _run_colored(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Rich and the reporter read NO_COLOR, FORCE_COLOR and TERM when a run starts, so in-process runs show them."""
    return run_cli(*args, cwd=cwd, env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **env})


def test_color_always_emits_ansi_in_the_diff(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    result = _run_colored(["--color", "always", "a.py"], root, {})
    assert result.returncode == 0
    assert "\x1b[" in result.stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert "+saver = tf.train.Checkpoint(model=model)\n" in plain


def test_no_color_and_non_tty_emit_no_ansi(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    for env in ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, {}, {"TERM": "xterm-256color"}):
        result = _run_colored(["--color", "auto", "a.py"], root, env)
        assert result.returncode == 0 and "+saver = tf.train.Checkpoint" in result.stdout
        assert "\x1b[" not in result.stdout, env
    never = _run_colored(["--color", "never", "a.py"], root, {"FORCE_COLOR": "1"})
    assert "\x1b[" not in never.stdout


def test_no_color_with_auto_on_a_terminal_emits_none(tree) -> None:  # type: ignore[no-untyped-def]
    pty = pytest.importorskip("pty")
    root = tree({"a.py": CONTRIB})

    def run_on_pty(env: dict[str, str]) -> bytes:
        main, secondary = pty.openpty()
        process = subprocess.Popen([sys.executable, "-m", "tfckpt_codemod", "a.py"], cwd=root, stdout=secondary,
                                   stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color",
                                                                   "HOME": str(Path.home()), **env})
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
        os.close(main)
        return b"".join(chunks)

    colored = run_on_pty({})
    assert b"\x1b[" in colored  # auto on a terminal: colored
    plain = run_on_pty({"NO_COLOR": "1"})
    assert b"tf.train.Checkpoint" in plain and b"\x1b[" not in plain

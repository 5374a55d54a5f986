"""The review and CI workflow, as users of ruff, black and pyupgrade expect it: `--check --diff`, rule selectors that
fail loudly, anchored excludes, the config lookup, pre-commit, exit codes, what `--write` says, machine output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]

CONTRIB = (
    "import tensorflow as tf\n"
    "import tensorflow.contrib.checkpoint as checkpoint\n"
    "\n"
    "saver = checkpoint.Checkpoint(model=model)\n"
    "saver.save(save_path)\n"
)
CONTRIB_AFTER = "import tensorflow as tf\n\nsaver = tf.train.Checkpoint(model=model)\nsaver.save(save_path)\n"
# A rewrite (TFC101) and a finding that stays (TFC900: contrib is still used outside checkpoint code).
MIXED = (
    "import tensorflow as tf\n"
    "\n"
    "ckpt = tf.contrib.eager.Checkpoint(model=model)\n"
    "layer = tf.contrib.layers.fully_connected(x, 3)\n"
)


def _pyproject(body: str) -> str:
    return "[project]\nname = 'demo'\n\n[tool.tfckpt-migrate]\n" + body


# -- CI forms -----------------------------------------------------------------------------------------------------

def test_check_diff_prints_the_diffs_and_exits_1(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    result = run_cli("--check", "--diff", "a.py", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "--- a/a.py\n+++ b/a.py\n" in result.stdout
    assert "+saver = tf.train.Checkpoint(model=model)\n" in result.stdout
    assert (root / "a.py").read_text() == CONTRIB
    clean = tree({"b.py": CONTRIB_AFTER})
    assert run_cli("--check", "--diff", "b.py", cwd=clean).returncode == 0


def test_diff_alone_is_the_dry_run(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    plain, with_flag = run_cli("a.py", cwd=root), run_cli("--diff", "a.py", cwd=root)
    assert with_flag.returncode == plain.returncode == 0, with_flag.stderr
    assert with_flag.stdout == plain.stdout and "+saver = tf.train.Checkpoint" in plain.stdout
    assert (root / "a.py").read_text() == CONTRIB


@pytest.mark.parametrize("selector", ["TFC9O1", "FOO", "", "TFC999", "TFC7"])
@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_selector_is_a_usage_error(tree, option: str, selector: str) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    result = run_cli("--check", option, f"TFC1,{selector}", "a.py", cwd=root)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert f"unknown rule selector {selector.upper()!r}" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("selector", ["TFC9O1", "FOO", "", "TFC999"])
def test_unknown_rule_selector_in_config_is_a_usage_error(tree, selector: str) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject(f'ignore = ["{selector}"]\n'), "a.py": CONTRIB})
    result = run_cli("--check", "a.py", cwd=root)
    assert result.returncode == 2 and "pyproject.toml" in result.stderr and repr(selector) in result.stderr


def test_exit_zero_keeps_check_green_but_not_errors(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB, "bad.py": "import tensorflow.contrib.checkpoint as c\nprint 'x'\n"})
    assert run_cli("--check", "--exit-zero", "a.py", cwd=root).returncode == 0
    assert run_cli("--check", "a.py", cwd=root).returncode == 1
    assert run_cli("--check", "--exit-zero", "a.py", "bad.py", cwd=root).returncode == 2


def test_missing_path_among_several_is_reported_and_the_others_checked(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    result = run_cli("--check", "nope.py", "a.py", cwd=root)
    assert result.returncode == 2
    assert "nope.py: error: No such file or directory" in result.stderr
    assert result.stdout.splitlines() == ["Would migrate: a.py"]


def test_stdin_filename_alone_reads_stdin(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"other.py": CONTRIB})  # must not be scanned
    result = run_cli("--write", "--stdin-filename", "src/train.py", cwd=root, stdin=CONTRIB.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout == CONTRIB_AFTER
    assert (root / "other.py").read_text() == CONTRIB
    dry = run_cli("--stdin-filename", "src/train.py", cwd=root, stdin=CONTRIB.encode())
    assert "--- a/src/train.py" in dry.stdout


# -- excludes and the config lookup -------------------------------------------------------------------------------

def test_config_excludes_are_anchored_at_the_config_whatever_path_is_passed(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('extend-exclude = ["src/pkg/eval.py"]\n'),
                 "src/pkg/eval.py": CONTRIB, "src/pkg/train.py": CONTRIB, "src/pkg/src/pkg/eval.py": CONTRIB})
    expected = {root / "src/pkg/train.py", root / "src/pkg/src/pkg/eval.py"}  # the nested one is another path
    for target, cwd in (("src/pkg", root), (".", root), (".", root / "src/pkg"), ("pkg", root / "src")):
        result = run_cli("--check", target, cwd=cwd)
        found = {(cwd / line.removeprefix("Would migrate: ")).resolve() for line in result.stdout.splitlines()}
        assert found == expected, (target, cwd, result.stdout)


def test_a_sub_package_pyproject_without_the_table_does_not_hide_the_root(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('extend-exclude = ["legacy.py"]\n'),
                 "sub/pyproject.toml": "[project]\nname = 'sub'\n", "sub/legacy.py": CONTRIB, "sub/new.py": CONTRIB})
    result = run_cli("--check", "sub", cwd=root)
    assert result.stdout.splitlines() == ["Would migrate: sub/new.py"]


def test_config_option_reads_that_file(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"ci/tfckpt.toml": _pyproject('extend-exclude = ["gen"]\n'), "gen/a.py": CONTRIB, "b.py": CONTRIB})
    result = run_cli("--check", "--config", "ci/tfckpt.toml", ".", cwd=root)
    assert result.stdout.splitlines() == ["Would migrate: b.py"]
    missing = run_cli("--check", "--config", "nope.toml", ".", cwd=root)
    assert missing.returncode == 2 and "nope.toml" in missing.stderr


def test_command_line_extend_exclude_adds_to_the_config_and_takes_commas(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('extend-exclude = ["a.py"]\n'), "a.py": CONTRIB, "b.py": CONTRIB,
                 "c.py": CONTRIB, "d.py": CONTRIB})
    result = run_cli("--check", "--extend-exclude", "b.py,c.py", ".", cwd=root)
    assert result.stdout.splitlines() == ["Would migrate: d.py"]


def test_force_exclude_applies_excludes_to_files_named_on_the_command_line(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"pyproject.toml": _pyproject('extend-exclude = ["legacy/"]\n'), "legacy/old.py": CONTRIB,
                 "venv/lib/x.py": CONTRIB, "new.py": CONTRIB})
    named = ("legacy/old.py", "venv/lib/x.py", "new.py")
    assert len(run_cli("--check", *named, cwd=root).stdout.splitlines()) == 3  # named files win, as in ruff
    forced = run_cli("--check", "--force-exclude", *named, cwd=root)
    assert forced.stdout.splitlines() == ["Would migrate: new.py"]


def test_readme_pre_commit_snippet_pins_a_commit_of_this_repository_with_the_hook() -> None:
    import subprocess

    readme = (ROOT / "README.md").read_text()
    snippet = re.search(r"```yaml\nrepos:\n(.*?)```", readme, re.S)
    assert snippet is not None
    rev = re.search(r"rev: ([0-9a-f]{40})\b", snippet.group(1))
    assert rev is not None, "the snippet's rev must be a full commit hash"
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an sdist): the commit cannot be looked up")
    shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev.group(1)}:.pre-commit-hooks.yaml"],
                           capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert "--force-exclude" in shown.stdout and "require_serial: true" in shown.stdout


# -- what the reviewer sees -----------------------------------------------------------------------------------------

def test_write_says_what_it_wrote(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB, "b.py": CONTRIB_AFTER})
    result = run_cli("--write", ".", cwd=root)
    assert "Migrated: a.py\n" in result.stderr and "b.py" not in result.stderr
    again = run_cli("--write", "-q", ".", cwd=tree({"c.py": CONTRIB}))
    assert "Migrated" not in again.stderr


def test_statistics_counts_per_rule_code(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB, "b.py": MIXED})
    result = run_cli("--check", "--statistics", ".", cwd=root)
    rows = [line.split() for line in result.stdout.splitlines() if not line.startswith("Would migrate")]
    assert ["2", "TFC101", "[*]", "contrib-checkpoint-constructor"] in rows
    assert ["1", "TFC201", "[*]", "unused-contrib-imports"] in rows
    assert re.search(r"^ +1  TFC900  \[ \] contrib-use-remains$", result.stdout, re.M), result.stdout
    assert not any(":" in line for line in result.stdout.splitlines()[2:]), "no per-finding lines"


def test_show_fixes_lists_changes_per_file(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB, "b.py": CONTRIB_AFTER})
    result = run_cli("--write", "--show-fixes", ".", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Fixed 2 issues:\n- a.py:\n    1 \u00d7 TFC101 (contrib-checkpoint-constructor)\n" \
           "    1 \u00d7 TFC201 (unused-contrib-imports)\n" in result.stdout
    assert "b.py" not in result.stdout


def test_verbose_prints_each_expect_partial_reason_once(tree) -> None:  # type: ignore[no-untyped-def]
    source = (
        "import tensorflow as tf\n"
        "ckpt = tf.contrib.eager.Checkpoint(model=model, optimizer=opt, step=step)\n"
        "ckpt.save(prefix)\n"
        "tf.contrib.eager.Checkpoint(model=model).restore(path)\n"
    )
    root = tree({"train.py": source})
    result = run_cli("-v", "train.py", cwd=root)
    lines = [line for line in result.stdout.splitlines() if "expect_partial" in line and "TFC301" in line]
    assert len(lines) == 1, result.stdout
    assert re.search(r"added \.expect_partial\(\): restores model; the checkpoint saved at line 2 also holds "
                     r"optimizer, step", lines[0]), lines[0]


def test_findings_and_would_migrate_are_colored_like_the_diff(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"b.py": MIXED})
    colored = run_cli("--check", "--color", "always", ".", cwd=root).stdout
    plain = run_cli("--check", "--color", "never", ".", cwd=root).stdout
    assert "\x1b[" in colored and "\x1b[" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain
    assert re.search(r"\x1b\[[0-9;]*mWould migrate: ", colored)
    assert re.search(r"\x1b\[[0-9;]*mTFC900", colored)


def test_version_short_flag_and_grouped_help() -> None:
    from tfckpt_codemod import __version__

    assert run_cli("-V").stdout.strip() == f"tfckpt-migrate {__version__}"
    help_text = run_cli("--help").stdout
    for panel in ("Mode", "Rule selection", "File selection", "Output", "Checkpoints as evidence"):
        assert re.search(rf"─ {panel} ─", help_text), panel
    assert "[default: text]" in help_text and "[NAME=]PATH" in help_text


# -- machine output ---------------------------------------------------------------------------------------------------

def _schema_check(document: object) -> None:
    import jsonschema  # in the test extra: a missing one is a broken environment, not a skip
    schema = json.loads((ROOT / "docs/output.schema.json").read_text())
    jsonschema.validate(document, schema)


@pytest.mark.parametrize("args", [["--select", "FOO", "."], ["--foo", "."], ["--jobs", "x", "."],
                                  ["--config", "nope.toml", "."]])
def test_json_usage_error_is_still_one_json_document(tree, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB})
    result = run_cli("--output-format", "json", *args, cwd=root)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    _schema_check(document)
    assert document["error"] and document["files"] == []


def test_json_run_matches_the_schema_and_the_text_summary(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": CONTRIB, "b.py": MIXED, "bad.py": "import tensorflow.contrib.checkpoint as c\nprint 'x'\n"})
    result = run_cli("--output-format", "json", "--statistics", "nope.py", ".", cwd=root)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    _schema_check(document)
    assert document["errors"] == [{"path": "nope.py", "error": "No such file or directory"}]
    [bad] = [f for f in document["files"] if f["path"] == "bad.py"]
    assert (bad["error_line"], bad["error_column"]) == (2, 1)
    text = run_cli(".", cwd=root).stderr.splitlines()[-1]
    to_review = int(re.search(r"(\d+) findings? to review", text).group(1))  # type: ignore[union-attr]
    assert document["summary"]["findings"] == to_review
    assert to_review == sum(not f["fixed"] for file in document["files"] for f in file["findings"])


def test_github_annotations_escape_properties_and_point_at_parse_errors(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a,b:c.py": MIXED, "bad.py": "import tensorflow.contrib.checkpoint as c\nprint 'x'\n"})
    result = run_cli("--output-format", "github", ".", cwd=root)
    lines = result.stdout.splitlines()
    assert any(line.startswith("::warning file=a%2Cb%3Ac.py,line=") for line in lines), lines
    assert any(line.startswith("::error file=bad.py,line=2,col=1,") for line in lines), lines
    for line in lines:
        properties = line.split("::")[1].split(" ", 1)[1]
        assert all(re.fullmatch(r"[a-zA-Z]+=[^,:]*", item) for item in properties.split(",")), line

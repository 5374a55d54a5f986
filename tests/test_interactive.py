"""`--interactive`: hunk splitting and partial application, the dependency check, the rules behind each hunk, the
usage errors, and the review itself driven through a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import difflib
import io
import itertools
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import run_cli
from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.interactive import (
    Review,
    apply_hunks,
    lines,
    partial_problem,
    split_hunks,
    unbound_names,
)
from tfckpt_codemod.types import FileResult

# Two hunks that depend on each other: the import removal (TFC201) and the rewrite of its one use (TFC101).
DEPENDENT = (
    "import tensorflow as tf\n"
    "import tensorflow.contrib.checkpoint as checkpoint\n"
    "\n"
    "x = 1\n"
    "y = 2\n"
    "z = 3\n"
    "w = 4\n"
    "v = 5\n"
    "u = 6\n"
    "\n"
    "saver = checkpoint.Checkpoint(model=model)\n"
    "saver.save(save_path)\n"
)
DEPENDENT_NEW = DEPENDENT.replace("import tensorflow.contrib.checkpoint as checkpoint\n", "").replace(
    "checkpoint.Checkpoint", "tf.train.Checkpoint")

# Two independent hunks (TFC101, TFC103), CRLF line endings and no line break at the end of the file.
INDEPENDENT = (
    "import tensorflow as tf\r\n"
    "\r\n"
    "ckpt = tf.contrib.eager.Checkpoint(model=model)\r\n"
    "a = 1\r\n"
    "b = 2\r\n"
    "c = 3\r\n"
    "d = 4\r\n"
    "e = 5\r\n"
    "f = 6\r\n"
    "g = 7\r\n"
    "names = tf.contrib.framework.list_variables(path)"
)
FIRST_ONLY = INDEPENDENT.replace("tf.contrib.eager.Checkpoint", "tf.train.Checkpoint")
SECOND_ONLY = INDEPENDENT.replace("tf.contrib.framework.list_variables", "tf.train.list_variables")
BOTH = FIRST_ONLY.replace("tf.contrib.framework.list_variables", "tf.train.list_variables")


# -- hunks ------------------------------------------------------------------------------------------------------------

def test_every_subset_of_hunks_applies_exactly_its_changes() -> None:
    old, new = lines(INDEPENDENT.encode()), lines(BOTH.encode())
    hunks = split_hunks(old, new)
    assert len(hunks) == 2
    assert apply_hunks(old, new, hunks, []) == INDEPENDENT.encode()
    assert apply_hunks(old, new, hunks, [0]) == FIRST_ONLY.encode()
    assert apply_hunks(old, new, hunks, [1]) == SECOND_ONLY.encode()
    assert apply_hunks(old, new, hunks, [1, 0]) == BOTH.encode()


def test_hunk_headers_are_those_of_the_dry_run_diff() -> None:
    old, new = DEPENDENT.splitlines(keepends=True), DEPENDENT_NEW.splitlines(keepends=True)
    expected = [line for line in difflib.unified_diff(old, new, n=3) if line.startswith("@@")]
    hunks = split_hunks([line.encode() for line in old], [line.encode() for line in new])
    assert [hunk.header() for hunk in hunks] == expected == ["@@ -1,5 +1,4 @@\n", "@@ -8,5 +7,5 @@\n"]


@st.composite
def _files(draw: st.DrawFn) -> list[bytes]:
    body = draw(st.lists(st.sampled_from([b"a\n", b"b\n", b"c\r\n", b"\n", b"e\n", b"f\n"]), max_size=30))
    if body and draw(st.booleans()):
        body[-1] = body[-1].rstrip(b"\r\n") or b"x"  # no line break at the end
    return body


@settings(max_examples=200, deadline=None)
@given(_files(), _files())
def test_hunk_subsets_on_random_files(old: list[bytes], new: list[bytes]) -> None:
    hunks = split_hunks(old, new)
    expected = [line for line in difflib.diff_bytes(difflib.unified_diff, old, new, n=3) if line.startswith(b"@@")]
    assert [hunk.header().encode() for hunk in hunks] == expected
    assert apply_hunks(old, new, hunks, range(len(hunks))) == b"".join(new)
    assert apply_hunks(old, new, hunks, []) == b"".join(old)
    owner = {op: index for index, hunk in enumerate(hunks) for op in hunk.changes}
    opcodes = difflib.SequenceMatcher(None, old, new).get_opcodes()
    assert sorted(owner) == sorted(op for op in opcodes if op[0] != "equal")  # each change in exactly one hunk
    for size in range(1, len(hunks)):
        for chosen in itertools.combinations(range(len(hunks)), size):
            # The oracle: the whole diff, each change taken from `new` if its hunk was chosen, else from `old`.
            oracle = b"".join(b"".join(new[j1:j2] if tag != "equal" and owner[(tag, i1, i2, j1, j2)] in chosen
                                       else old[i1:i2]) for tag, i1, i2, j1, j2 in opcodes)
            assert apply_hunks(old, new, hunks, chosen) == oracle


# -- which partial applications are refused ---------------------------------------------------------------------------

def test_an_import_removal_without_the_rewrite_of_its_use_is_refused() -> None:
    old, new = DEPENDENT.encode(), DEPENDENT_NEW.encode()
    hunks = split_hunks(lines(old), lines(new))
    alone = apply_hunks(lines(old), lines(new), hunks, [0])
    problem = partial_problem(old, new, alone, "a.py")
    assert problem is not None and "`checkpoint` unbound" in problem
    # The rewrite alone keeps a working file here (`import tensorflow as tf` is already there): allowed.
    assert partial_problem(old, new, apply_hunks(lines(old), lines(new), hunks, [1]), "a.py") is None


def test_a_rewrite_without_the_import_it_needs_is_refused() -> None:
    source = ("import tensorflow.contrib.eager as tfe\n" + "".join(f"n{i} = {i}\n" for i in range(8)) +
              "ckpt = tfe.Checkpoint(model=model)\n")
    result = migrate_source(source.encode(), "m.py")
    assert result.new is not None and b"import tensorflow as tf\n" in result.new
    old, new = lines(source.encode()), lines(result.new)
    hunks = split_hunks(old, new)
    assert len(hunks) == 2
    problem = partial_problem(source.encode(), result.new, apply_hunks(old, new, hunks, [1]), "m.py")
    assert problem is not None and "`tf`" in problem and "`tfe`" not in problem


def test_names_the_original_leaves_unbound_do_not_count_and_syntax_errors_do() -> None:
    assert unbound_names("import os\ndef f(a):\n    global g\n    g = 1\n    return a, os, h, len\n") == {"h"}
    assert unbound_names("from os import *\nprint(path)\n") == set()
    assert unbound_names("class K:\n    y = 1\n    z = y + q\n") == {"q"}
    assert partial_problem(b"x = model\n", b"x = model\n", b"x = model\n", "a.py") is None
    problem = partial_problem(b"if x:\n    pass\n", b"if x:\n    y()\n", b"if x:\n", "a.py")
    assert problem is not None and "parses" in problem


# -- the rule behind each hunk ----------------------------------------------------------------------------------------

def test_each_hunk_names_the_rules_that_made_it() -> None:
    result = migrate_source(DEPENDENT.encode(), "a.py")
    assert result.new == DEPENDENT_NEW.encode()
    hunks = split_hunks(lines(DEPENDENT.encode()), lines(result.new))
    assert [hunk.reasons(result.edits, result.findings)[0] for hunk in hunks] == [["TFC201"], ["TFC101"]]
    added = migrate_source(b"import tensorflow.contrib.eager as tfe\nckpt = tfe.Checkpoint(model=m)\n", "b.py")
    (hunk,) = split_hunks(lines(added.old or b""), lines(added.new or b""))
    assert hunk.reasons(added.edits, added.findings)[0] == ["TFC101", "TFC201"]


# -- the review, without a terminal -----------------------------------------------------------------------------------

def _review(answers: list[str], color: str = "never") -> tuple[Review, list[str], io.StringIO]:
    asked: list[str] = []
    feed = iter(answers)

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(feed)

    out = io.StringIO()
    return Review(out, out, color, ask), asked, out


def test_a_file_changed_on_disk_while_the_user_answers_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(INDEPENDENT.encode())
    result = migrate_source(INDEPENDENT.encode(), str(path))
    review, _, _ = _review([])

    def ask(prompt: str) -> str:
        path.write_bytes(b"# edited meanwhile\n")
        return "a"

    review.ask = ask
    after = review.file(result)
    assert after.error == "changed on disk during the run; not overwritten" and not after.written
    assert path.read_bytes() == b"# edited meanwhile\n"


def test_unknown_answers_print_the_help_and_ask_again(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(INDEPENDENT.encode())
    review, asked, out = _review(["", "x", "?", "n", "y"])
    after = review.file(migrate_source(INDEPENDENT.encode(), str(path)))
    assert asked == ["(1/2) Apply this hunk [y,n,a,q,?]? "] * 4 + ["(2/2) Apply this hunk [y,n,a,q,?]? "]
    assert after.written and path.read_bytes() == SECOND_ONLY.encode()
    assert (review.applied, review.hunks) == (1, 2)
    assert out.getvalue().count("y - apply this hunk") == 2  # for "x" and "?"; "" only asks again


def test_a_notebook_is_reviewed_as_one_change(tmp_path: Path) -> None:
    import nbformat  # in the test extra: a missing one is a broken environment, not a skip
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = nbformat.writes(new_notebook(cells=[
        new_code_cell("import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(model=m)"),
        new_code_cell("\n".join(f"x{i} = {i}" for i in range(9)) + "\nv = tf.contrib.framework.list_variables(p)"),
    ])).encode()
    path = tmp_path / "n.ipynb"
    path.write_bytes(notebook)
    result = migrate_source(notebook, str(path))
    assert result.changed
    review, asked, _ = _review(["n"])
    assert review.file(result).new is None and path.read_bytes() == notebook
    review, asked, _ = _review(["y"])
    assert review.file(result).written and path.read_bytes() == result.new
    assert asked == ["Apply the changes to this notebook [y,n,q,?]? "]


def test_notes_about_skipped_hunks_are_dropped_and_manual_findings_kept(tmp_path: Path) -> None:
    from dataclasses import replace

    from tfckpt_codemod.types import Finding

    path = tmp_path / "a.py"
    path.write_bytes(INDEPENDENT.encode())
    findings = (Finding("TFC101", "about hunk 1", 3, 1, 3, 5, kind="note"), Finding("TFC901", "by hand", 5, 1),
                Finding("TFC103", "about hunk 2", 11, 1, 11, 5, kind="info"))
    result = replace(migrate_source(INDEPENDENT.encode(), str(path)), findings=findings)
    review, _, out = _review(["y", "n"])
    after = review.file(result)
    assert after.written and after.findings == findings[:2]
    assert "# TFC101 about hunk 1" in out.getvalue() and "# TFC103 about hunk 2" in out.getvalue()
    path.write_bytes(INDEPENDENT.encode())
    review, _, _ = _review(["n", "n"])
    assert review.file(result).findings == findings[1:2]


def test_an_unchanged_or_failed_file_is_not_asked_about(tmp_path: Path) -> None:
    review, asked, _ = _review([])
    for result in (FileResult(path="a.py", old=b"x = 1\n"), FileResult(path="b.py", old=b"(", error="cannot parse")):
        assert review.file(result) is result
    assert asked == []


# -- usage errors -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["-i", "--write", "."], "--interactive cannot be used with --write"),
    (["-i", "--check", "."], "--interactive cannot be used with --check"),
    (["-i", "-", "--stdin-filename", "a.py"], "--interactive cannot read the source from stdin"),
    (["-i", "--output-format", "json", "."], "--interactive only goes with --output-format text"),
    (["-i", "--output-format", "github", "."], "--interactive only goes with --output-format text"),
    (["--interactive", "."], "--interactive needs a terminal on stdin"),
])
def test_usage_errors(tree, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    root = tree({"a.py": DEPENDENT})
    result = run_cli(*args, cwd=root, stdin=b"")
    assert result.returncode == 2 and f"tfckpt-migrate: error: {message}" in result.stderr
    assert (root / "a.py").read_text() == DEPENDENT
    if "json" in args:  # a json consumer still gets its one document
        import json

        assert json.loads(result.stdout)["error"] == message
    else:
        assert result.stdout == ""


# -- the review, on a real terminal -----------------------------------------------------------------------------------

pexpect_required = pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pty")
PROMPT = r"Apply this hunk \[y,n,a,q,\?\]\? "


def _spawn(root: Path, *args: str, color: bool = False):  # type: ignore[no-untyped-def]
    pexpect = pytest.importorskip("pexpect")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(Path.home()), "TERM": "xterm-256color"}
    if not color:
        env["NO_COLOR"] = "1"
    return pexpect.spawn(sys.executable, ["-m", "tfckpt_codemod", "-i", *args], cwd=str(root), env=env,
                         encoding="utf-8", codec_errors="replace", timeout=60, dimensions=(40, 160))


def _converse(child, answers: list[tuple[str, str]]) -> str:  # type: ignore[no-untyped-def]
    """Each (text the screen must show before the prompt, answer); returns the rest of the output."""
    import pexpect

    for expected, answer in answers:
        child.expect(PROMPT)
        assert expected in child.before, child.before
        child.sendline(answer)
    child.expect(pexpect.EOF)
    rest = child.before
    child.close()
    return rest  # type: ignore[no-any-return]


def _two_files(tree) -> Path:  # type: ignore[no-untyped-def]
    return tree({"a.py": INDEPENDENT.encode(), "b.py": DEPENDENT.encode()})  # type: ignore[no-any-return]


@pexpect_required
def test_y_and_n_apply_exactly_the_accepted_hunks(tree) -> None:  # type: ignore[no-untyped-def]
    root = _two_files(tree)
    child = _spawn(root, ".")
    rest = _converse(child, [
        ("--- a/a.py\n".replace("\n", "\r\n"), "n"),  # a pty turns \n into \r\n
        ("tf.contrib.framework.list_variables", "y"),
        ("# TFC201 ", "n"),
        ("# TFC101 ", "n"),
    ])
    assert child.exitstatus == 0, rest
    assert (root / "a.py").read_bytes() == SECOND_ONLY.encode()  # CRLF and the missing final newline kept
    assert (root / "b.py").read_bytes() == DEPENDENT.encode()
    assert "1 of 4 hunks applied" in rest and "1 file migrated" in rest


@pexpect_required
def test_a_applies_the_rest_of_the_file_and_q_stops_the_run(tree) -> None:  # type: ignore[no-untyped-def]
    root = _two_files(tree)
    before = (root / "b.py").stat()
    child = _spawn(root, ".", color=True)
    rest = _converse(child, [("(1/2)", "a"), ("(1/2)", "q")])
    assert child.exitstatus == 0, rest
    assert (root / "a.py").read_bytes() == BOTH.encode()
    assert (root / "b.py").read_bytes() == DEPENDENT.encode()
    assert (root / "b.py").stat().st_mtime_ns == before.st_mtime_ns
    assert "2 of 4 hunks applied (quit early)" in rest


@pexpect_required
def test_q_writes_the_hunks_accepted_before_it(tree) -> None:  # type: ignore[no-untyped-def]
    root = _two_files(tree)
    child = _spawn(root, "a.py", "b.py")
    rest = _converse(child, [("(1/2)", "y"), ("(2/2)", "q")])
    assert child.exitstatus == 0, rest
    assert (root / "a.py").read_bytes() == FIRST_ONLY.encode()
    assert (root / "b.py").read_bytes() == DEPENDENT.encode()  # never asked about


@pexpect_required
def test_dependent_hunks_taken_apart_leave_the_file_unchanged(tree) -> None:  # type: ignore[no-untyped-def]
    root = _two_files(tree)
    child = _spawn(root, ".")
    rest = _converse(child, [("--- a/a.py", "y"), ("(2/2)", "y"), ("import tensorflow.contrib.checkpoint", "y"),
                             ("(2/2)", "n")])
    assert child.exitstatus == 0, rest
    assert "b.py: note: the accepted hunks leave `checkpoint` unbound" in rest
    assert (root / "b.py").read_bytes() == DEPENDENT.encode()
    assert (root / "a.py").read_bytes() == BOTH.encode()


@pexpect_required
def test_end_of_input_is_quit(tree) -> None:  # type: ignore[no-untyped-def]
    import pexpect

    root = _two_files(tree)
    child = _spawn(root, ".")
    child.expect(PROMPT)
    child.sendline("y")
    child.expect(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (root / "a.py").read_bytes() == FIRST_ONLY.encode()
    assert (root / "b.py").read_bytes() == DEPENDENT.encode()


@pexpect_required
def test_ctrl_c_at_a_prompt_keeps_the_files_already_written(tree) -> None:  # type: ignore[no-untyped-def]
    import pexpect

    root = _two_files(tree)
    child = _spawn(root, ".")
    child.expect(PROMPT)
    child.sendline("a")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "interrupted by SIGINT; files already written are complete" in child.before
    assert (root / "a.py").read_bytes() == BOTH.encode()
    assert (root / "b.py").read_bytes() == DEPENDENT.encode()
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "b.py"]  # no temp file left behind

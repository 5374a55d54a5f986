"""What the CLI does when the files it is given are broken, odd, or change under it.

A migration tool runs on whole repositories, so one bad file must never cost the user the
rest of the run or a byte of the bad file. Every test here builds a tree with one fault next
to a good TF 1.x file and checks the contract: the good file is migrated, the bad file is
byte-identical, stderr names the bad file on exactly one `path: error: reason` line, and the
exit code is 2. Most runs are in this process (helpers.run_cli). Tests that need fault
injection run the tool with ``-j 1`` in a child interpreter whose ``os`` functions are patched
first, so the patch cannot leak into the test process; input that could crash or hang an
interpreter if the tool regressed (LibCST's deep recursion, FIFOs, devices), signals and closed
pipes get a process of their own too.
"""

from __future__ import annotations

import errno
import hashlib
import os
import platform
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from helpers import BOOT, run_cli
from tfckpt_codemod import fileio

GOOD_SOURCE = b"""import tensorflow as tf


def build(model):
    # keep this comment
    ckpt = tf.contrib.eager.Checkpoint(model=model)
    return ckpt
"""
GOOD_MIGRATED = GOOD_SOURCE.replace(b"tf.contrib.eager.Checkpoint", b"tf.train.Checkpoint")

# Bad files carry the tensorflow import and contrib text so that the byte prefilter cannot
# skip them: the engine has to actually decode and parse them to decide anything.
CONTRIB_LINE = b"import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(model=model)\n"

TEMP_NAME = re.compile(r"\.tfckpt-.*\.tmp$|\.tfckpt-tmp")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return env


def run_tool(args: Sequence[str], cwd: Path, prelude: str = "", timeout: float = 300, *, fresh: bool = False,
             stdin: bytes | None = None, text: bool = True) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run the CLI: in this process, or in a fresh interpreter when `fresh` or given a `prelude` (Python executed
    before the CLI starts)."""
    return run_cli(*args, cwd=cwd, stdin=stdin, env=_env(), text=text, subprocess=fresh, prelude=prelude,
                   timeout=timeout)


def error_lines_for(stderr: str, target: Path, cwd: Path) -> list[str]:
    """The stderr lines of the form `path: error: reason` whose path is `target`."""
    found: list[str] = []
    for line in stderr.splitlines():
        match = re.match(r"^(?P<path>.+?): error: (?P<reason>\S.*)$", line)
        if not match:
            continue
        raw = Path(match["path"])
        resolved = raw if raw.is_absolute() else cwd / raw
        if os.path.normpath(os.path.abspath(resolved)) == os.path.normpath(os.path.abspath(target)):
            found.append(line)
    return found


def assert_one_error(proc: subprocess.CompletedProcess[str], target: Path, cwd: Path) -> None:
    """Exit 2, no traceback, and exactly one error line naming `target`."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = error_lines_for(proc.stderr, target, cwd)
    assert len(lines) == 1, f"expected one error line for {target}, stderr was:\n{proc.stderr}"
    assert proc.returncode == 2, (proc.returncode, proc.stderr)


def make_project(root: Path) -> Path:
    """A project dir holding one good contrib file; returns the good file."""
    root.mkdir(parents=True, exist_ok=True)
    good = root / "good.py"
    good.write_bytes(GOOD_SOURCE)
    return good


def assert_good_migrated(good: Path) -> None:
    assert good.read_bytes() == GOOD_MIGRATED


def leftover_temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if TEMP_NAME.search(p.name)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- decode / parse


BAD_FILES: dict[str, bytes] = {
    "binary": bytes(range(256)) * 4 + b"\n" + CONTRIB_LINE + bytes(range(255, -1, -1)),
    "invalid_utf8": b"import tensorflow as tf\nname = '\xff\xfe\xfa'\n" + CONTRIB_LINE,
    "unknown_codec": b"# coding: foobar\nimport tensorflow as tf\n" + CONTRIB_LINE,
    "python2": b'import tensorflow as tf\nprint "saving"\n' + CONTRIB_LINE,
    "nul_byte": b"import tensorflow as tf\n" + CONTRIB_LINE + b"x = 1\x00\n",
    "syntax_error": b"import tensorflow as tf\ndef f(:\n    " + CONTRIB_LINE,
    "utf16_without_bom_or_cookie": "import os\n".encode("utf-16-le") + CONTRIB_LINE,
    # Only UTF-16: the ASCII prefilter sees no `tensorflow` in it.
    "utf16_with_bom": CONTRIB_LINE.decode().encode("utf-16"),
    "utf16_be_without_bom": CONTRIB_LINE.decode().encode("utf-16-be"),
    "utf32_with_bom": CONTRIB_LINE.decode().encode("utf-32"),
    # Codecs CPython reads but that cannot carry a rewrite byte for byte.
    "undefined_codec": b"# coding: undefined\n" + CONTRIB_LINE,
    "unicode_escape": b"# -*- coding: unicode_escape -*-\n" + CONTRIB_LINE + b"path = 'C:\\\\tmp'\n",
    "utf7": b"# -*- coding: utf-7 -*-\n# a ~ b \\ c\n" + CONTRIB_LINE,
    "iso2022_jp_with_kana": b"# coding: iso2022_jp\n" + "name = '\u3042'\n".encode("iso2022_jp") + CONTRIB_LINE,
    "hz": b"# coding: hz\n# a ~~ b\n" + CONTRIB_LINE,
    "cp037_ebcdic": b"# coding: cp037\n" + CONTRIB_LINE,
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("write", [False, True], ids=["dry-run", "write"])
def test_undecodable_or_unparsable_file_is_reported_and_left_alone(tmp_path: Path, kind: str, write: bool) -> None:
    good = make_project(tmp_path / "proj")
    bad = tmp_path / "proj" / "bad.py"
    bad.write_bytes(BAD_FILES[kind])
    before = bad.read_bytes()

    proc = run_tool(["--write", "proj"] if write else ["proj"], cwd=tmp_path)

    assert_one_error(proc, bad, tmp_path)
    assert "internal error" not in proc.stderr, proc.stderr  # each of these has a reason of its own
    assert bad.read_bytes() == before
    if write:
        assert_good_migrated(good)
    else:
        assert good.read_bytes() == GOOD_SOURCE
        assert "+    ckpt = tf.train.Checkpoint(model=model)" in proc.stdout
    assert not leftover_temp_files(tmp_path)


def test_empty_file_is_fine(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    empty = tmp_path / "proj" / "empty.py"
    empty.write_bytes(b"")

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert empty.read_bytes() == b""
    assert not error_lines_for(proc.stderr, empty, tmp_path)
    assert_good_migrated(good)


def test_missing_path_among_several_is_reported_and_the_others_migrated(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    missing = tmp_path / "nope.py"

    proc = run_tool(["--write", "proj", "nope.py"], cwd=tmp_path)

    assert_one_error(proc, missing, tmp_path)  # exit 2, one line naming it
    assert not missing.exists()
    # ruff and black: a mistyped path does not stop the paths that exist.
    assert_good_migrated(good)


# --------------------------------------------------------------------------- permissions


def test_unreadable_file(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    bad = tmp_path / "proj" / "secret.py"
    bad.write_bytes(b"import tensorflow as tf\n" + CONTRIB_LINE)
    bad.chmod(0)
    try:
        if os.access(bad, os.R_OK):
            pytest.skip("running with CAP_DAC_OVERRIDE (root): chmod 000 does not stop reads here")
        proc = run_tool(["--write", "proj"], cwd=tmp_path)
        assert_one_error(proc, bad, tmp_path)
        assert stat.S_IMODE(bad.stat().st_mode) == 0
        assert_good_migrated(good)
    finally:
        bad.chmod(0o644)


def test_read_only_file_with_write(tmp_path: Path) -> None:
    """ruff's rule: a file the user may write is rewritten and keeps its mode; otherwise refused.

    ruff writes in place, so a 0444 file is refused for a normal user and rewritten for root,
    and the mode bits never change. An atomic os.replace would silently ignore the file's
    own read-only bit (only the directory's matters), so the tool has to decide explicitly.
    """
    make_project(tmp_path / "proj")
    target = tmp_path / "proj" / "readonly.py"
    target.write_bytes(GOOD_SOURCE)
    target.chmod(0o444)
    try:
        proc = run_tool(["--write", "proj"], cwd=tmp_path)
        assert stat.S_IMODE(target.stat().st_mode) == 0o444
        if os.access(target, os.W_OK):  # root: writing is allowed, as it is for ruff
            assert proc.returncode == 0, proc.stderr
            assert target.read_bytes() == GOOD_MIGRATED
        else:
            assert_one_error(proc, target, tmp_path)
            assert target.read_bytes() == GOOD_SOURCE
        assert_good_migrated(tmp_path / "proj" / "good.py")
        assert not leftover_temp_files(tmp_path)
    finally:
        target.chmod(0o644)


def _chattr(flag: str, path: Path) -> bool:
    tool = shutil.which("chattr")
    if tool is None:
        return False
    return subprocess.run([tool, flag, str(path)], capture_output=True).returncode == 0


def test_read_only_directory_with_write(tmp_path: Path) -> None:
    """The temp file cannot be created next to the original: report, keep the original."""
    good = make_project(tmp_path / "proj")
    locked_dir = tmp_path / "proj" / "locked"
    locked_dir.mkdir()
    bad = locked_dir / "model.py"
    bad.write_bytes(GOOD_SOURCE)
    if os.geteuid() == 0:
        if not _chattr("+i", locked_dir):
            pytest.skip("root ignores directory permissions and chattr +i is unavailable on this filesystem")
    else:
        locked_dir.chmod(0o555)
    try:
        probe = locked_dir / "probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("could not make the directory read-only for this user")
        proc = run_tool(["--write", "proj"], cwd=tmp_path)
        assert_one_error(proc, bad, tmp_path)
        assert bad.read_bytes() == GOOD_SOURCE
        assert sorted(p.name for p in locked_dir.iterdir()) == ["model.py"]
        assert_good_migrated(good)
    finally:
        if os.geteuid() == 0:
            _chattr("-i", locked_dir)
        locked_dir.chmod(0o755)


# --------------------------------------------------------------------------- odd file types


def test_directory_named_like_a_python_file_is_walked_not_read(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    fake = tmp_path / "proj" / "pkg.py"
    fake.mkdir()
    inner = fake / "inner.py"
    inner.write_bytes(GOOD_SOURCE)

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert_good_migrated(good)
    assert inner.read_bytes() == GOOD_MIGRATED


def test_broken_symlink_in_tree(tmp_path: Path) -> None:
    """A dangling link found by walking must not stop the run or crash it.

    Skipping it silently and reporting it once are both reasonable; a traceback, a second
    report, or creating the missing target are not.
    """
    good = make_project(tmp_path / "proj")
    link = tmp_path / "proj" / "dangling.py"
    link.symlink_to(tmp_path / "does-not-exist.py")

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert "Traceback" not in proc.stderr
    assert_good_migrated(good)
    assert link.is_symlink() and not link.exists()
    lines = error_lines_for(proc.stderr, link, tmp_path)
    assert (proc.returncode, len(lines)) in {(0, 0), (2, 1)}, proc.stderr


def test_broken_symlink_given_explicitly(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    link = tmp_path / "proj" / "dangling.py"
    link.symlink_to(tmp_path / "does-not-exist.py")

    proc = run_tool(["--write", "proj/good.py", "proj/dangling.py"], cwd=tmp_path)

    assert_one_error(proc, link, tmp_path)
    assert_good_migrated(good)
    assert link.is_symlink() and not link.exists()


def _outside_link(tmp_path: Path) -> tuple[Path, Path, Path]:
    good = make_project(tmp_path / "proj")
    outside = tmp_path / "elsewhere" / "shared.py"
    outside.parent.mkdir()
    outside.write_bytes(GOOD_SOURCE)
    link = tmp_path / "proj" / "shared.py"
    link.symlink_to(outside)
    return good, outside, link


def test_symlink_to_file_outside_the_paths_is_not_written_through(tmp_path: Path) -> None:
    good, outside, link = _outside_link(tmp_path)

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert proc.returncode in (0, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    assert outside.read_bytes() == GOOD_SOURCE, "wrote through a symlink into a tree it was not given"
    assert link.is_symlink(), "replaced the user's symlink with a regular file"
    assert os.readlink(link) == str(outside)
    assert_good_migrated(good)


def test_symlink_given_explicitly_is_written_through(tmp_path: Path) -> None:
    good, outside, link = _outside_link(tmp_path)

    proc = run_tool(["--write", "proj/good.py", "proj/shared.py"], cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert outside.read_bytes() == GOOD_MIGRATED
    assert link.is_symlink(), "replaced the user's symlink with a regular file"
    assert_good_migrated(good)
    assert not leftover_temp_files(tmp_path)


@pytest.mark.parametrize("spelling", ["symlink-in-tree", "symlinked-dir-given-twice"])
def test_one_file_reached_by_two_paths_is_migrated_once_without_error(tmp_path: Path, spelling: str) -> None:
    good = make_project(tmp_path / "proj")
    if spelling == "symlink-in-tree":
        (tmp_path / "proj" / "alias.py").symlink_to("good.py")
        args = ["--write", "proj"]
    else:
        (tmp_path / "proj-link").symlink_to("proj")
        args = ["--write", "proj/good.py", "proj-link/good.py"]

    proc = run_tool(args, cwd=tmp_path)

    assert_good_migrated(good)
    assert proc.returncode == 0, proc.stderr
    assert ": error:" not in proc.stderr


def test_fifo_named_like_python_does_not_hang_the_run(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer appears; a walk must not open it."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    good = make_project(tmp_path / "proj")
    fifo = tmp_path / "proj" / "pipe.py"
    os.mkfifo(fifo)

    try:
        proc = run_tool(["--write", "proj"], cwd=tmp_path, timeout=60, fresh=True)
    except subprocess.TimeoutExpired:
        pytest.fail("the run blocked on a FIFO named pipe.py")

    assert "Traceback" not in proc.stderr
    assert_good_migrated(good)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    lines = error_lines_for(proc.stderr, fifo, tmp_path)
    assert (proc.returncode, len(lines)) in {(0, 0), (2, 1)}, proc.stderr


# --------------------------------------------------------------------------- size


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pathologically_nested_file_is_reported_and_the_run_goes_on(tmp_path: Path, jobs: str) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    # Sorted first, so a run that dies on it has migrated nothing else yet.
    deep = proj / "a_deep.py"
    deep.write_bytes(b"import tensorflow as tf\n" + CONTRIB_LINE + b"x = " + b"[" * 5000 + b"1" + b"]" * 5000 + b"\n")
    # Enough candidates for the runner to start a process pool with -j 2.
    goods = []
    for i in range(30):
        path = proj / f"good{i:02d}.py"
        path.write_bytes(GOOD_SOURCE)
        goods.append(path)

    proc = run_tool(["--write", "-j", jobs, "proj"], cwd=tmp_path)

    assert_one_error(proc, deep, tmp_path)
    for path in goods:
        assert_good_migrated(path)


def _big_module(functions: int) -> tuple[bytes, bytes]:
    """A large TF 1.x module and the migration the contract prescribes for it."""
    header = b"import tensorflow as tf\n"
    block = textwrap.dedent(
        """

        def build_{i}(model, optimizer, directory):
            # checkpoint number {i}; the comment must survive
            ckpt = tf.contrib.eager.Checkpoint(model=model, optimizer=optimizer, step=tf.Variable({i}))
            values = [{values}]
            return ckpt, values
        """
    )
    values = ", ".join(str(n) for n in range(40))
    old = header + b"".join(block.format(i=i, values=values).encode() for i in range(functions))
    new = old.replace(b"tf.contrib.eager.Checkpoint", b"tf.train.Checkpoint")
    return old, new


@pytest.mark.slow
def test_five_megabyte_file_migrates_correctly(tmp_path: Path) -> None:
    old, new = _big_module(functions=16_000)
    assert len(old) > 5_000_000
    proj = tmp_path / "proj"
    proj.mkdir()
    big = proj / "big.py"
    big.write_bytes(old)

    # Above the default max-file-size (the fast suite checks that it is refused); raised, it must migrate exactly.
    proc = run_tool(["--write", "-j", "1", "--max-file-size", "10MB", "proj"], cwd=tmp_path, timeout=900, fresh=True)

    assert proc.returncode == 0, proc.stderr[-2000:]
    assert big.read_bytes() == new


# --------------------------------------------------------------------------- concurrent edits, failing writes


def test_write_if_unchanged_refuses_when_disk_changed(tmp_path: Path) -> None:
    FileChangedError, write_if_unchanged = fileio.FileChangedError, fileio.write_if_unchanged

    target = tmp_path / "model.py"
    target.write_bytes(GOOD_SOURCE)
    target.chmod(0o640)
    edited = GOOD_SOURCE + b"# saved by an editor meanwhile\n"
    target.write_bytes(edited)

    with pytest.raises(FileChangedError):
        write_if_unchanged(target, GOOD_SOURCE, GOOD_MIGRATED)

    assert target.read_bytes() == edited
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not leftover_temp_files(tmp_path)


def test_write_if_unchanged_writes_and_keeps_mode(tmp_path: Path) -> None:
    write_if_unchanged = fileio.write_if_unchanged

    target = tmp_path / "model.py"
    target.write_bytes(GOOD_SOURCE)
    target.chmod(0o750)

    write_if_unchanged(target, GOOD_SOURCE, GOOD_MIGRATED)

    assert target.read_bytes() == GOOD_MIGRATED
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert not leftover_temp_files(tmp_path)


# Wraps every reference to the engine's per-file entry point so that, the first time it
# handles edited.py, an "editor" rewrites that file on disk after the engine has read it.
_EDIT_DURING_RUN = """
import sys, pathlib, tfckpt_codemod.cli, tfckpt_codemod.runner, tfckpt_codemod.engine as _engine
_marker = pathlib.Path({marker!r})
_target = pathlib.Path({target!r}).resolve()
def _wrap(original):
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        if not _marker.exists():
            _target.write_bytes(_target.read_bytes() + b"# edited meanwhile\\n")
            _marker.write_text("fired")
        return result
    return wrapper
_orig = _engine.migrate_source
_wrapped = _wrap(_orig)
for _mod in list(sys.modules.values()):
    if getattr(_mod, "__name__", "").startswith("tfckpt_codemod"):
        for _name, _value in list(vars(_mod).items()):
            if _value is _orig:
                setattr(_mod, _name, _wrapped)
"""


def test_file_edited_during_the_run_is_not_overwritten(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    edited = proj / "edited.py"
    edited.write_bytes(GOOD_SOURCE)
    marker = tmp_path / "marker"

    prelude = _EDIT_DURING_RUN.format(marker=str(marker), target=str(edited))
    proc = run_tool(["--write", "-j", "1", "proj/edited.py"], cwd=tmp_path, prelude=prelude)

    assert marker.exists(), "the editor never ran: the runner no longer calls engine.migrate_source (fix the prelude)"
    assert edited.read_bytes() == GOOD_SOURCE + b"# edited meanwhile\n"
    assert_one_error(proc, edited, tmp_path)
    assert not leftover_temp_files(tmp_path)


_ENOSPC = """
import errno, os
def _full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
os.fsync = _full
"""


def test_disk_full_during_write_keeps_original_and_leaves_no_temp_file(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    target = proj / "model.py"
    target.write_bytes(GOOD_SOURCE)

    proc = run_tool(["--write", "-j", "1", "proj"], cwd=tmp_path, prelude=_ENOSPC)

    assert_one_error(proc, target, tmp_path)
    assert os.strerror(errno.ENOSPC) in error_lines_for(proc.stderr, target, tmp_path)[0]
    assert target.read_bytes() == GOOD_SOURCE
    assert sorted(p.name for p in proj.iterdir()) == ["model.py"]


def test_write_if_unchanged_on_disk_full_removes_its_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.py"
    target.write_bytes(GOOD_SOURCE)

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as excinfo:
        fileio.write_if_unchanged(target, GOOD_SOURCE, GOOD_MIGRATED)
    monkeypatch.undo()

    assert excinfo.value.errno == errno.ENOSPC
    assert target.read_bytes() == GOOD_SOURCE
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]


# --------------------------------------------------------------------------- Ctrl-C


def _interrupt_tree(root: Path, files: int) -> tuple[bytes, bytes]:
    old, new = _big_module(functions=60)
    for i in range(files):
        sub = root / f"pkg{i % 20}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"mod{i}.py").write_bytes(old)
    return old, new


def _changed_count(paths: Sequence[Path], old_digest: str) -> int:
    count = 0
    for path in paths:
        try:
            if digest(path) != old_digest:
                count += 1
        except FileNotFoundError:
            count += 1  # mid-replace or lost: either way the write phase has started
    return count


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_ctrl_c_during_write_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    root = tmp_path / "big"
    old, new = _interrupt_tree(root, files=600)
    paths = sorted(root.rglob("*.py"))
    old_digest = digest(paths[0])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen(
        [sys.executable, "-c", BOOT, "--write", "-j", "2", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        env=env,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if _changed_count(paths, old_digest) > 0:
                break
            time.sleep(0.005)
        if proc.poll() is not None:
            pytest.skip("the run finished before it could be interrupted")
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: every process in the group
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("the run did not stop within 60 s of Ctrl-C")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    contents = {path: path.read_bytes() for path in paths}
    partial = [p for p, data in contents.items() if data not in (old, new)]
    assert not partial, f"{len(partial)} files are neither old nor new, e.g. {partial[0]}"
    assert not leftover_temp_files(tmp_path), leftover_temp_files(tmp_path)[:5]
    migrated = sum(1 for data in contents.values() if data == new)
    if migrated == len(paths):
        pytest.skip("every file was already written when Ctrl-C arrived; nothing was interrupted")
    assert proc.returncode != 0
    assert "Traceback" not in stderr.decode("utf-8", "replace")


# --------------------------------------------------------------------------- encodings that can carry a rewrite


@pytest.mark.parametrize("encoding, text", [
    ("latin-1", "# caf\u00e9 ~ \\\\ \u00a7\n"),
    ("cp1252", "# \u20ac \u2019quoted\u2019 ~\n"),
    ("shift_jis", "# \u3042\u3044\u3046 ~ \\\\\n"),  # kana: no ASCII trail bytes
    ("euc_jp", "# \u65e5\u672c\u8a9e ~\n"),
])
def test_ascii_compatible_codec_keeps_every_untouched_byte(tmp_path: Path, encoding: str, text: str) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    target = proj / "model.py"
    head = f"# -*- coding: {encoding} -*-\n{text}".encode(encoding)
    tail = ("label = '" + text.strip("# ~\\\n") + "'\n").encode(encoding)
    target.write_bytes(head + GOOD_SOURCE + tail)

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == head + GOOD_MIGRATED + tail


def test_splice_copies_unchanged_lines_and_encodes_only_changed_ones() -> None:
    from tfckpt_codemod.encoding import EncodingError, splice

    old = "# -*- coding: latin-1 -*-\r\n# caf\u00e9\r\nx = tfe.Checkpoint()\r\ny = 1\r\n".encode("latin-1")
    new = old.replace(b"tfe.Checkpoint", b"tf.train.Checkpoint")
    assert splice(old, new, "latin-1") == new
    bom = b"\xef\xbb\xbfx = tfe.Checkpoint()\ny = 1\n"
    assert splice(bom, bom.replace(b"tfe", b"tf.train"), "utf-8-sig") == bom.replace(b"tfe", b"tf.train")
    # A renderer that re-encoded an untouched line differently (as utf-7 does with "~"): the original bytes win.
    old7 = b"# a +AH4- b\nx = tfe\n"
    new7 = "# a ~ b\nx = tf.train\n".encode("utf-7")
    assert splice(old7, new7, "utf-7") == b"# a +AH4- b\nx = tf.train\n"
    with pytest.raises(EncodingError):
        splice(b"x = 1\n", b"x = \xff\n", "utf-8")


# --------------------------------------------------------------------------- --report FILE


@pytest.mark.parametrize("how", ["explicit-input", "inside-input-directory"])
@pytest.mark.parametrize("write", [False, True], ids=["dry-run", "write"])
def test_report_path_that_the_run_reads_is_refused(tmp_path: Path, how: str, write: bool) -> None:
    good = make_project(tmp_path / "proj")
    args = ["--report", "proj/good.py"] + (["proj/good.py"] if how == "explicit-input" else ["proj"])

    proc = run_tool((["--write"] if write else []) + args, cwd=tmp_path)

    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "--report" in proc.stderr
    assert good.read_bytes() == GOOD_SOURCE  # neither truncated into a report nor migrated
    assert not leftover_temp_files(tmp_path)


def test_report_beside_the_sources_is_fine(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    proc = run_tool(["--report", "proj/report.txt", "--write", "proj"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_good_migrated(good)
    assert "Status: migrated" in (tmp_path / "proj" / "report.txt").read_text()


def test_report_that_cannot_be_completed_keeps_the_old_one_and_the_run_goes_on(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    report = tmp_path / "report.txt"
    report.write_text("the previous report\n")

    proc = run_tool(["--report", "report.txt", "proj"], cwd=tmp_path, prelude=_ENOSPC)  # the report's fsync fails

    assert_one_error(proc, report, tmp_path)
    assert os.strerror(errno.ENOSPC) in error_lines_for(proc.stderr, report, tmp_path)[0]
    assert report.read_text() == "the previous report\n"
    assert "1 file would be migrated" in proc.stderr  # the run itself finished
    assert good.read_bytes() == GOOD_SOURCE
    assert not leftover_temp_files(tmp_path)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_report_to_a_full_device_is_one_error_line(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    proc = run_tool(["--write", "--report", "/dev/full", "proj"], cwd=tmp_path)
    assert_one_error(proc, Path("/dev/full"), tmp_path)
    assert_good_migrated(good)  # a report that cannot be written does not stop the migration
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# --------------------------------------------------------------------------- owner, group, mode, attributes


def _can_run_as_nobody() -> bool:
    """Whether this machine can run the tool as `nobody`. Only the machine decides: if the tool cannot even be
    imported as this user, the test runs (and fails) instead of being skipped."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    probe = [sys.executable, "-c", "import tfckpt_codemod.cli"]
    if subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", *probe],
                      capture_output=True, timeout=60).returncode == 0:
        return True
    return subprocess.run(probe, capture_output=True, timeout=60).returncode != 0


@pytest.fixture
def shared_dir() -> object:
    """A directory outside pytest's root-only tmp tree that the user `nobody` can enter."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="tfckpt-faults-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_as_nobody(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env.update(NO_COLOR="1", HOME=str(cwd))
    return subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", sys.executable,
                           "-c", BOOT, *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_write_as_root_keeps_owner_group_mode_and_extended_attributes(tmp_path: Path) -> None:
    import pwd

    nobody = pwd.getpwnam("nobody")
    proj = tmp_path / "proj"
    proj.mkdir()
    target = proj / "model.py"
    target.write_bytes(GOOD_SOURCE)
    os.chown(target, nobody.pw_uid, nobody.pw_gid)
    target.chmod(0o640)
    try:
        os.setxattr(target, "user.origin", b"hand-written")
        xattrs = True
    except (OSError, AttributeError):
        xattrs = False

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == GOOD_MIGRATED
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (nobody.pw_uid, nobody.pw_gid, 0o640)
    if xattrs:
        assert os.getxattr(target, "user.origin") == b"hand-written"
    assert not leftover_temp_files(tmp_path)


@pytest.mark.skipif(not _can_run_as_nobody(), reason="needs root, setpriv and a user nobody")
def test_write_as_another_user_refuses_what_it_cannot_keep(shared_dir: Path) -> None:
    """As `nobody`: a read-only file of its own, and a group-writable file owned by root (a replace would hand it
    to nobody), are both refused with one line each and left as they were, a file it cannot read is reported; its
    own writable file is migrated."""
    import grp
    import pwd

    nobody, nogroup = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    proj = shared_dir / "proj"
    proj.mkdir()
    os.chown(proj, nobody, nogroup)
    files = {name: proj / f"{name}.py" for name in ("own", "readonly", "roots", "secret")}
    for path in files.values():
        path.write_bytes(GOOD_SOURCE)
    os.chown(files["own"], nobody, nogroup)
    os.chown(files["readonly"], nobody, nogroup)
    files["readonly"].chmod(0o444)
    os.chown(files["roots"], 0, nogroup)
    files["roots"].chmod(0o664)
    files["secret"].chmod(0o600)  # root's, unreadable for nobody

    proc = run_as_nobody(["--write", "proj"], cwd=shared_dir)

    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert files["own"].read_bytes() == GOOD_MIGRATED
    for name in ("readonly", "roots", "secret"):
        assert len(error_lines_for(proc.stderr, files[name], shared_dir)) == 1, proc.stderr
        assert files[name].read_bytes() == GOOD_SOURCE
    assert "Permission denied" in error_lines_for(proc.stderr, files["secret"], shared_dir)[0]
    assert "not writable" in error_lines_for(proc.stderr, files["readonly"], shared_dir)[0]
    assert "owner" in error_lines_for(proc.stderr, files["roots"], shared_dir)[0]
    assert files["roots"].stat().st_uid == 0 and stat.S_IMODE(files["readonly"].stat().st_mode) == 0o444
    assert not leftover_temp_files(shared_dir)


def test_write_if_unchanged_refuses_an_attribute_it_cannot_keep(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.py"
    target.write_bytes(GOOD_SOURCE)
    try:
        os.setxattr(target, "user.origin", b"hand-written")
    except (OSError, AttributeError):
        pytest.skip("no user extended attributes on this filesystem")

    def refuse(*_: object) -> None:
        raise OSError(errno.ENOTSUP, os.strerror(errno.ENOTSUP))

    monkeypatch.setattr(os, "setxattr", refuse)
    with pytest.raises(fileio.RefusedWriteError, match="user.origin"):
        fileio.write_if_unchanged(target, GOOD_SOURCE, GOOD_MIGRATED)
    monkeypatch.undo()

    assert target.read_bytes() == GOOD_SOURCE
    assert os.getxattr(target, "user.origin") == b"hand-written"
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]


def test_file_with_two_hard_links_is_not_split(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    target = tmp_path / "proj" / "model.py"
    target.write_bytes(GOOD_SOURCE)
    twin = tmp_path / "twin.py"
    os.link(target, twin)

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert_one_error(proc, target, tmp_path)
    assert "hard links" in proc.stderr
    assert target.read_bytes() == twin.read_bytes() == GOOD_SOURCE
    assert os.path.samefile(target, twin)
    assert_good_migrated(good)


# --------------------------------------------------------------------------- stdin with --write


CONTRIB_STDIN = b"import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\nckpt = tfe.Checkpoint(model=model)\n"

_ENGINE_BUG = """
import tfckpt_codemod.engine as _engine
def _broken(*args, **kwargs):
    raise RuntimeError("a bug in the engine")
_engine.migrate_source = _broken
"""


@pytest.mark.parametrize("case", ["undefined-codec", "utf16", "engine-bug", "usage-error", "bad-config",
                                  "check-and-write", "above-size-limit"])
def test_stdin_write_gives_the_input_back_on_every_error(tmp_path: Path, case: str) -> None:
    data = CONTRIB_STDIN
    args = ["--write", "-", "--stdin-filename", "train.py"]
    prelude = ""
    if case == "undefined-codec":
        data = b"# coding: undefined\n" + CONTRIB_STDIN
    elif case == "utf16":
        data = CONTRIB_STDIN.decode().encode("utf-16")
    elif case == "engine-bug":
        prelude = _ENGINE_BUG
    elif case == "usage-error":
        args.append("--no-such-option")
    elif case == "bad-config":
        (tmp_path / "pyproject.toml").write_bytes(b"[tool.tfckpt-migrate]\nselect = \xff\n")
    elif case == "check-and-write":
        args.append("--check")
    elif case == "above-size-limit":
        args += ["--max-file-size", "50"]

    proc = run_tool(args, cwd=tmp_path, stdin=data, prelude=prelude, text=False)

    assert proc.stdout == data
    assert proc.returncode == 2, proc.stderr
    stderr = proc.stderr.decode()
    assert "Traceback" not in stderr, stderr
    assert "error" in stderr.lower()


def test_stdin_write_still_prints_the_migration(tmp_path: Path) -> None:
    proc = run_tool(["--write", "-"], cwd=tmp_path, stdin=CONTRIB_STDIN, text=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b"import tensorflow as tf\nckpt = tf.train.Checkpoint(model=model)\n"


# --------------------------------------------------------------------------- nesting that LibCST cannot take


def _chain(operator: str, operands: int) -> bytes:
    return b"import tensorflow as tf\n" + CONTRIB_LINE + b"flag = " + f" {operator} ".join(
        ["a"] * operands).encode() + b"\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_long_and_or_chains_are_migrated_not_crashed_on(tmp_path: Path, jobs: str) -> None:
    """CPython parses them (it keeps the chain flat); LibCST nests one level an operand, which overflowed the
    default stack (a segfault at 10,000 operands) and the default recursion limit (refused at 1,000)."""
    proj = tmp_path / "proj"
    proj.mkdir()
    chains = {}
    for operator, operands in (("and", 1_000), ("or", 5_000), ("and", 10_000)):
        path = proj / f"a_{operator}{operands}.py"  # sorted first: a crash would take the others with it
        path.write_bytes(_chain(operator, operands))
        chains[path] = _chain(operator, operands).replace(b"tf.contrib.eager.Checkpoint", b"tf.train.Checkpoint")
    goods = []
    for i in range(30):
        path = proj / f"good{i:02d}.py"
        path.write_bytes(GOOD_SOURCE)
        goods.append(path)

    proc = run_tool(["--write", "-j", jobs, "proj"], cwd=tmp_path, fresh=True)  # a regression would be a segfault

    assert proc.returncode == 0, proc.stderr
    for path, expected in chains.items():
        assert path.read_bytes() == expected
    for path in goods:
        assert_good_migrated(path)


def test_long_implicit_string_concatenation_is_migrated(tmp_path: Path) -> None:
    """CPython joins `"a" "b" ...` into one constant, so its ast cannot show the depth LibCST gives it (a level a
    piece, past the calling thread's recursion limit at about 1,000): the engine retries on the deep thread."""
    proj = tmp_path / "proj"
    proj.mkdir()
    target = proj / "strings.py"
    source = b"import tensorflow as tf\n" + CONTRIB_LINE + b"text = " + b" ".join([b'"a"'] * 3_000) + b"\n"
    target.write_bytes(source)

    proc = run_tool(["--write", "-j", "1", "proj"], cwd=tmp_path, fresh=True)

    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == source.replace(b"tf.contrib.eager.Checkpoint", b"tf.train.Checkpoint")


def _chain(operator: str, operands: int) -> bytes:
    return f" {operator} ".join(["a"] * operands).encode()


def _edited_chain(operator: str, operands: int) -> bytes:
    """The chain inside the call the migration edits (its `session=` goes): LibCST has to parse it."""
    return CONTRIB_LINE + b"ckpt.save(" + _chain(operator, operands) + b", session=None)\n"


@pytest.mark.parametrize("source", [
    pytest.param(_edited_chain("+", 2_000), id="expression-2000-deep"),
    pytest.param(_edited_chain("and", 110_000), id="and-chain-110000"),
])
def test_nesting_beyond_the_measured_limits_is_one_error(tmp_path: Path, source: bytes) -> None:
    good = make_project(tmp_path / "proj")
    deep = tmp_path / "proj" / "a_deep.py"
    deep.write_bytes(source)

    proc = run_tool(["--write", "proj"], cwd=tmp_path, fresh=True)

    assert_one_error(proc, deep, tmp_path)
    assert "nested" in error_lines_for(proc.stderr, deep, tmp_path)[0]
    assert deep.read_bytes() == source
    assert_good_migrated(good)


@pytest.mark.parametrize("operator, operands", [("+", 2_000), ("and", 110_000)])
def test_nesting_beside_the_edited_expression_does_not_reach_libcst(tmp_path: Path, operator: str,
                                                                    operands: int) -> None:
    """Only the edited expression (here `tf.contrib.eager.Checkpoint`) is parsed by LibCST, so a chain deeper than
    LibCST can take, in the same statement, does not stop the migration."""
    source = b"import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(model=model, flag=" + _chain(
        operator, operands) + b")\n"
    target = tmp_path / "deep.py"
    target.write_bytes(source)

    proc = run_tool(["--write", "deep.py"], cwd=tmp_path, fresh=True)

    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == source.replace(b"tf.contrib.eager.Checkpoint", b"tf.train.Checkpoint")


@pytest.mark.parametrize("source", [
    pytest.param(_chain("+", 2_000), id="expression-2000-deep"),
    pytest.param(_chain("and", 110_000), id="and-chain-110000"),
])
def test_nesting_outside_the_edited_statements_does_not_stop_the_migration(tmp_path: Path, source: bytes) -> None:
    """Only the statements a migration edits reach LibCST: a deep statement elsewhere costs CPython's parse and
    the analysis (on the deep thread), not a refusal."""
    deep = tmp_path / "proj" / "a_deep.py"
    deep.parent.mkdir()
    deep.write_bytes(source)

    proc = run_tool(["--write", "proj"], cwd=tmp_path, fresh=True)

    assert proc.returncode == 0, proc.stderr
    assert deep.read_bytes() == source.replace(b"tf.contrib.eager.Checkpoint", b"tf.train.Checkpoint")


_SEGFAULT_ON = """
import os, signal, tfckpt_codemod.runner as _runner
_original = _runner.migrate_source
def _crashing(data, path="<string>", **kwargs):
    if path.endswith({name!r}):
        os.kill(os.getpid(), signal.SIGSEGV)
    return _original(data, path, **kwargs)
_runner.migrate_source = _crashing
"""


def test_a_crashing_worker_costs_only_its_own_file(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    goods = []
    for i in range(40):
        path = proj / f"mod{i:02d}.py"
        path.write_bytes(GOOD_SOURCE)
        goods.append(path)
    culprit = proj / "mod07.py"

    proc = run_tool(["--write", "-j", "2", "proj"], cwd=tmp_path, prelude=_SEGFAULT_ON.format(name="mod07.py"))

    assert_one_error(proc, culprit, tmp_path)
    assert "SIGSEGV" in error_lines_for(proc.stderr, culprit, tmp_path)[0]
    assert len([line for line in proc.stderr.splitlines() if ": error: " in line]) == 1, proc.stderr
    assert culprit.read_bytes() == GOOD_SOURCE
    for path in goods:
        if path != culprit:
            assert_good_migrated(path)


# --------------------------------------------------------------------------- what is not a regular file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_named_on_the_command_line_is_reported_not_opened(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    fifo = tmp_path / "proj" / "pipe.py"
    os.mkfifo(fifo)

    try:
        proc = run_tool(["--write", "proj/good.py", "proj/pipe.py"], cwd=tmp_path, timeout=60, fresh=True)
    except subprocess.TimeoutExpired:
        pytest.fail("the run blocked on a FIFO given on the command line")

    assert_one_error(proc, fifo, tmp_path)
    assert "FIFO" in error_lines_for(proc.stderr, fifo, tmp_path)[0]
    assert_good_migrated(good)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_device_named_on_the_command_line_is_reported_not_read(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    try:
        proc = run_tool(["--write", "proj/good.py", "/dev/zero"], cwd=tmp_path, timeout=60, fresh=True)
    except subprocess.TimeoutExpired:
        pytest.fail("the run read /dev/zero")
    assert_one_error(proc, Path("/dev/zero"), tmp_path)
    assert_good_migrated(good)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_in_place_of_a_gitignore_does_not_hang_the_walk(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    os.mkfifo(tmp_path / "proj" / ".gitignore")
    try:
        proc = run_tool(["--write", "proj"], cwd=tmp_path, timeout=60, fresh=True)
    except subprocess.TimeoutExpired:
        pytest.fail("the walk blocked on a FIFO named .gitignore")
    assert proc.returncode == 0, proc.stderr
    assert_good_migrated(good)


# --------------------------------------------------------------------------- ignore files and configuration


def test_gitignore_lines_git_accepts_are_never_fatal(tmp_path: Path) -> None:
    """Git accepts `!`, a trailing backslash and an empty range and they match nothing; the other lines apply."""
    good = make_project(tmp_path / "proj")
    (tmp_path / "proj" / ".git").mkdir()
    (tmp_path / "proj" / ".gitignore").write_text("!\nfoo\\\n[z-a].py\nskipped.py\n")
    skipped = tmp_path / "proj" / "skipped.py"
    skipped.write_bytes(GOOD_SOURCE)

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert_good_migrated(good)
    assert skipped.read_bytes() == GOOD_SOURCE


@pytest.mark.parametrize("case", ["cli-pattern", "config-pattern", "non-utf8-pyproject", "deep-array",
                                  "bad-max-file-size", "bad-cli-max-file-size"])
def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    good = make_project(tmp_path / "proj")
    args = ["--write", "proj"]
    pyproject = tmp_path / "pyproject.toml"
    if case == "cli-pattern":
        args += ["--extend-exclude", "[z-a].py"]
    elif case == "config-pattern":
        pyproject.write_text('[tool.tfckpt-migrate]\nextend-exclude = ["foo\\\\"]\n')
    elif case == "non-utf8-pyproject":
        pyproject.write_bytes(b"[tool.tfckpt-migrate]\n# caf\xe9\n")
    elif case == "deep-array":
        pyproject.write_text("[tool.tfckpt-migrate]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    elif case == "bad-max-file-size":
        pyproject.write_text('[tool.tfckpt-migrate]\nmax-file-size = "2 parsecs"\n')
    elif case == "bad-cli-max-file-size":
        args += ["--max-file-size", "0"]

    proc = run_tool(args, cwd=tmp_path)

    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert good.read_bytes() == GOOD_SOURCE


# --------------------------------------------------------------------------- signals


def _signal_tree(root: Path, files: int) -> tuple[list[Path], bytes, bytes]:
    old, new = _big_module(functions=30)
    paths = []
    for i in range(files):
        path = root / f"pkg{i % 10}" / f"mod{i:03d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(old)
        paths.append(path)
    return paths, old, new


# Every process of the run (the workers are forked) prints its threads' stacks on SIGUSR1: a hang can be read.
_DUMPS_STACKS = "import faulthandler, signal; faulthandler.register(signal.SIGUSR1, all_threads=True)\n"


def _hung_group(proc: subprocess.Popen) -> str:  # type: ignore[type-arg]
    """What is still alive in the run's process group, and where each of its threads is."""
    who = "the run itself" if proc.poll() is None else f"not the run (exit {proc.returncode}) but one of its group"
    try:  # the run is the leader of its own session
        listing = subprocess.run(["ps", "-o", "pid,ppid,stat,wchan:24,args", "-g", str(proc.pid)],
                                 capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as error:
        listing = f"(no ps: {error})"
    try:
        os.killpg(proc.pid, signal.SIGUSR1)
    except ProcessLookupError:
        pass
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGKILL)
    _, stderr = proc.communicate()
    return f"still running: {who}\n{listing}\nstderr and stacks:\n{stderr.decode('utf-8', 'replace')[-8000:]}"


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX signals and process groups")
@pytest.mark.parametrize("signum", [signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM), signal.SIGINT],
                         ids=["SIGTERM", "SIGHUP", "SIGINT-to-the-parent-only"])
def test_signal_during_write_removes_temp_files_and_stops_the_workers(tmp_path: Path, signum: int) -> None:
    root = tmp_path / "tree"
    paths, old, new = _signal_tree(root, files=240)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([sys.executable, "-c", _DUMPS_STACKS + BOOT, "--write", "-j", "2", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if any(path.read_bytes() != old for path in paths[:40]):
                break
            time.sleep(0.01)
        if proc.poll() is not None:
            pytest.skip("the run finished before the signal could be sent")
        os.kill(proc.pid, signum)  # the parent only, as `kill PID` or a closing terminal does
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the run did not stop within 60 s of the signal\n{_hung_group(proc)}")
        orphans = True  # workers get SIGTERM from the parent (or its death): give a loaded machine time
        stop = time.monotonic() + 10
        while orphans and time.monotonic() < stop:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                orphans = False
            else:
                time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    text = stderr.decode("utf-8", "replace")
    assert not orphans, "worker processes outlived the run"
    assert proc.returncode == 128 + signum, (proc.returncode, text)
    assert "Traceback" not in text, text
    assert signal.Signals(signum).name in text
    assert not leftover_temp_files(tmp_path), leftover_temp_files(tmp_path)[:5]
    contents = [path.read_bytes() for path in paths]
    assert all(data in (old, new) for data in contents)


_READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())


def _wait_until_blocked_reading_stdin(pid: int, limit: float = 60) -> None:
    """Until the process sleeps in a read of its stdin (where Linux's /proc shows it), else a pause that covers its
    start. A signal that came before that read would not interrupt it, and the test would prove nothing."""
    deadline = time.monotonic() + limit
    while _READ_SYSCALL is not None and time.monotonic() < deadline:
        try:
            syscall = Path(f"/proc/{pid}/syscall").read_text().split()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            break
        if syscall[:2] == [_READ_SYSCALL, "0x0"] and state == "S":
            return
        time.sleep(0.01)
    time.sleep(1.5)


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs POSIX signals")
def test_signal_while_reading_stdin_ends_the_run_without_hanging(tmp_path: Path) -> None:
    """The writer of stdin (an editor) may never close it: an interrupted read is not started again."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([sys.executable, "-c", BOOT, "--write", "-"], cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert proc.stdin is not None
        proc.stdin.write(CONTRIB_LINE)  # part of a buffer; the pipe stays open
        proc.stdin.flush()
        _wait_until_blocked_reading_stdin(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)  # stdin still open: a second read would block here
        except subprocess.TimeoutExpired:
            pytest.fail("the run hung after SIGTERM while reading stdin")
        assert proc.stdout is not None and proc.stderr is not None
        stdout, stderr = proc.stdout.read(), proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert b"Traceback" not in stderr and b"SIGTERM" in stderr
    assert stdout == b""


# --------------------------------------------------------------------------- a closed stdout


def test_write_goes_on_when_the_diff_reader_goes_away(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    paths = []
    for i in range(30):
        path = proj / f"mod{i:02d}.py"
        path.write_bytes(GOOD_SOURCE)
        paths.append(path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NO_COLOR"] = "1"
    proc = subprocess.Popen([sys.executable, "-c", BOOT, "--write", "--diff", "-j", "1", "proj"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before the first diff
    _, stderr = proc.communicate(timeout=300)

    text = stderr.decode()
    assert proc.returncode == 0, text
    assert "Traceback" not in text and "Exception ignored" not in text, text
    assert "broken pipe" in text
    for path in paths:
        assert_good_migrated(path)


# --------------------------------------------------------------------------- -j


def test_jobs_are_capped_at_the_cores_and_the_work(tmp_path: Path) -> None:
    make_project(tmp_path / "proj")
    proc = run_tool(["--check", "--verbose", "-j", "100000", "proj"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if "worker process" in line]
    assert notes == ["tfckpt-migrate: using 1 worker process for -j 100000 "
                     f"({_cores()} core{'s' if _cores() != 1 else ''} available, 1 file to parse)"], proc.stderr


def _cores() -> int:
    from tfckpt_codemod.limits import available_cores

    return available_cores()


def test_pool_never_has_more_workers_than_cores(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    for i in range(60):
        (proj / f"mod{i:02d}.py").write_bytes(GOOD_SOURCE)
    probe = """
import concurrent.futures, json, os
_Original = concurrent.futures.ProcessPoolExecutor
class _Counting(_Original):
    def __init__(self, max_workers=None, **kwargs):
        with open(os.environ["WORKERS_LOG"], "a") as log:
            log.write(json.dumps(max_workers) + "\\n")
        super().__init__(max_workers=max_workers, **kwargs)
concurrent.futures.ProcessPoolExecutor = _Counting
"""
    log = tmp_path / "workers.log"
    os.environ["WORKERS_LOG"] = str(log)
    try:
        proc = run_tool(["--check", "-j", "100000", "proj"], cwd=tmp_path, prelude=probe)
    finally:
        del os.environ["WORKERS_LOG"]
    assert proc.returncode == 1, proc.stderr
    sizes = [int(line) for line in log.read_text().split()] if log.exists() else []
    assert sizes and max(sizes) <= _cores(), sizes


# --------------------------------------------------------------------------- size limit


def test_file_above_the_size_limit_is_reported_not_parsed(tmp_path: Path) -> None:
    from tfckpt_codemod.limits import DEFAULT_MAX_FILE_SIZE, size_error

    good = make_project(tmp_path / "proj")
    big = tmp_path / "proj" / "big.py"
    per_function = len(_big_module(functions=2)[0]) - len(_big_module(functions=1)[0])
    old, _ = _big_module(functions=DEFAULT_MAX_FILE_SIZE // per_function + 1)
    assert DEFAULT_MAX_FILE_SIZE < len(old) < DEFAULT_MAX_FILE_SIZE * 1.2
    big.write_bytes(old)
    # Not a candidate (no reaching import): never an error, however big.
    data = tmp_path / "proj" / "generated.py"
    data.write_bytes(b"# tensorflow\n" + b"x = 1\n" * (DEFAULT_MAX_FILE_SIZE // 6 + 10))

    started = time.monotonic()
    proc = run_tool(["--write", "proj"], cwd=tmp_path)
    elapsed = time.monotonic() - started

    assert_one_error(proc, big, tmp_path)
    line = error_lines_for(proc.stderr, big, tmp_path)[0]
    assert line == f"proj/big.py: error: {size_error(len(old), DEFAULT_MAX_FILE_SIZE)}"
    assert re.fullmatch(r"proj/big\.py: error: file is [\d.]+ MB, above the [\d.]+ MB limit \(max-file-size\); "
                        r"not migrated", line), line
    assert big.read_bytes() == old
    assert not error_lines_for(proc.stderr, data, tmp_path)
    assert_good_migrated(good)
    assert elapsed < 60  # refused before parsing, not after minutes of it


@pytest.mark.parametrize("where", ["cli", "config"])
def test_size_limit_is_configurable(tmp_path: Path, where: str) -> None:
    good = make_project(tmp_path / "proj")
    medium = tmp_path / "proj" / "medium.py"
    old, new = _big_module(functions=10)  # about 3 KB
    medium.write_bytes(old)
    args = ["--write", "proj"]
    if where == "cli":
        args += ["--max-file-size", "2KB"]
    else:
        (tmp_path / "pyproject.toml").write_text('[tool.tfckpt-migrate]\nmax-file-size = "2KB"\n')

    proc = run_tool(args, cwd=tmp_path)

    assert_one_error(proc, medium, tmp_path)
    assert "above the 2 KB limit (max-file-size)" in proc.stderr
    assert medium.read_bytes() == old
    assert_good_migrated(good)

    raised = run_tool(["--write", "--max-file-size", "1MB", "proj"], cwd=tmp_path)  # the command line wins
    assert raised.returncode == 0, raised.stderr
    assert medium.read_bytes() == new


def test_size_values() -> None:
    from tfckpt_codemod.limits import LimitError, format_size, parse_size, size_error

    assert parse_size("2MB") == parse_size("2 mb") == parse_size(2_000_000) == parse_size("2000000") == 2_000_000
    assert parse_size("1.5MB") == 1_500_000 and parse_size("500KB") == 500_000 and parse_size("1GB") == 10 ** 9
    for bad in ("0", 0, -1, "2 parsecs", "MB", "", True, 2.5, "1..5MB", None):
        with pytest.raises(LimitError):
            parse_size(bad)
    assert format_size(10_200_000) == "10.2 MB" and format_size(2_000_000) == "2 MB"
    assert size_error(10_200_000, 2_000_000) == "file is 10.2 MB, above the 2 MB limit (max-file-size); not migrated"
    assert size_error(2_044_698, 2_000_000).startswith("file is 2.04 MB, above the 2 MB limit")
    assert "2,000,001 bytes" in size_error(2_000_001, 2_000_000)


# --------------------------------------------------------------------------- file names that are not printable


@pytest.mark.parametrize("name, escaped", [
    ("new\nline.py", "new\\nline.py"),
    ("esc\x1b[31mred.py", "esc\\x1b[31mred.py"),
    ("tab\there.py", "tab\\there.py"),
])
def test_unprintable_file_names_are_quoted_in_every_output(tmp_path: Path, name: str, escaped: str) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / name).write_bytes(GOOD_SOURCE.replace(b"    return ckpt", b"    tf.contrib.eager.Saver()\n    return ckpt"))
    bad = proj / ("bad" + name)
    bad.write_bytes(BAD_FILES["python2"])
    raw = [name, "bad" + name]

    text = run_tool(["--check", "proj"], cwd=tmp_path)
    github = run_tool(["--check", "--output-format", "github", "proj"], cwd=tmp_path)
    diff = run_tool(["proj"], cwd=tmp_path)
    report = run_tool(["--report", "report.txt", "proj"], cwd=tmp_path)
    as_json = run_tool(["--output-format", "json", "proj"], cwd=tmp_path)

    for proc in (text, github, diff, report):
        for stream in (proc.stdout, proc.stderr):
            assert not any(part in stream for part in raw), stream
    assert f'Would migrate: "proj/{escaped}"\n' in text.stdout
    assert f'"proj/{escaped}":7:5: TFC105 ' in text.stdout
    assert f'"proj/bad{escaped}": error: cannot parse' in text.stderr
    assert f'--- "a/proj/{escaped}"\n+++ "b/proj/{escaped}"\n' in diff.stdout
    report_text = (tmp_path / "report.txt").read_text()
    assert not any(part in report_text for part in raw)
    assert f'File: "proj/{escaped}"' in report_text and f'"proj/bad{escaped}": error:' in report.stderr
    # One workflow command a line; a newline in a name is %0A there, which GitHub decodes.
    assert all(line.startswith("::") for line in github.stdout.splitlines()), github.stdout
    assert "\x1b" not in github.stdout
    if "\n" in name:
        assert "file=proj/new%0Aline.py" in github.stdout
    import json

    document = json.loads(as_json.stdout)
    assert {entry["path"] for entry in document["files"]} == {f"proj/{part}" for part in raw}


def test_display_path_leaves_printable_names_alone() -> None:
    from tfckpt_codemod.quoting import display_path

    assert display_path("src/café model.py") == "src/café model.py"
    assert display_path("a\nb.py") == '"a\\nb.py"'
    assert display_path("a\udcffb.py") == '"a\\xffb.py"'  # a byte that is not UTF-8, via surrogateescape
    assert display_path('q"\x07.py') == '"q\\"\\x07.py"'


# --------------------------------------------------------------------------- notebooks


def test_notebook_with_a_lone_surrogate_is_one_proper_error(tmp_path: Path) -> None:
    import json

    good = make_project(tmp_path / "proj")
    notebook = tmp_path / "proj" / "nb.ipynb"
    source = "import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(model=model)\nname = '\ud800'\n"
    document = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                           "execution_count": None}]}
    notebook.write_text(json.dumps(document))  # json writes the surrogate as \ud800
    before = notebook.read_bytes()

    proc = run_tool(["--write", "proj"], cwd=tmp_path)

    assert_one_error(proc, notebook, tmp_path)
    line = error_lines_for(proc.stderr, notebook, tmp_path)[0]
    assert "surrogate" in line and "internal error" not in line
    assert notebook.read_bytes() == before
    assert_good_migrated(good)


CONTRIB_SCRIPT = "import tensorflow as tf\nckpt = tf.contrib.checkpoint.Checkpoint(model=model)\n"


def test_a_migration_that_cpythons_compiler_would_refuse_is_not_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last check compiles the new file to bytecode: `return` outside a function parses, and fails there."""
    from tfckpt_codemod.engine import migrate_source
    from tfckpt_codemod.transforms._pipeline import Migration

    broken = CONTRIB_SCRIPT.replace("ckpt = ", "return ").encode()
    monkeypatch.setattr(Migration, "bytes", lambda self, encoding: broken)
    result = migrate_source(CONTRIB_SCRIPT.encode(), "train.py")
    assert result.new is None
    assert result.error is not None and "'return' outside function" in result.error


def test_a_file_the_compiler_refused_already_is_still_migrated() -> None:
    """A notebook cell's top-level `await` (IPython runs it) or a snippet: the migration did not break it."""
    from tfckpt_codemod.engine import migrate_source

    source = CONTRIB_SCRIPT + "await ckpt.save_async(prefix)\n"
    result = migrate_source(source.encode(), "snippet.py")
    assert result.error is None, result.error
    assert result.new is not None and b"tf.train.Checkpoint(model=model)" in result.new

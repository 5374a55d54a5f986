"""What the CLI does when the files it is given are broken, odd, or change under it.

A migration tool runs on whole repositories, so one bad file must never cost the user the
rest of the run or a byte of the bad file. Every test here builds a tree with one fault next
to a good TF 1.x file and checks the contract: the good file is migrated, the bad file is
byte-identical, stderr names the bad file on exactly one `path: error: reason` line, and the
exit code is 2. Tests that need in-process fault injection run the tool with ``-j 1`` in a
child interpreter whose ``os`` functions are patched first, so the patch cannot leak into
the test process.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import os
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

HAVE_CLI = importlib.util.find_spec("tfckpt_codemod.cli") is not None

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

_BOOT = "import sys; sys.argv[0] = 'tfckpt-migrate'; from tfckpt_codemod.cli import main; main()"

TEMP_NAME = re.compile(r"\.tfckpt-.*\.tmp$|\.tfckpt-tmp")


def run_tool(args: Sequence[str], cwd: Path, prelude: str = "", timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter; `prelude` is Python executed before the CLI starts."""
    if not HAVE_CLI:
        pytest.skip("tfckpt_codemod.cli is not importable (engine not installed)")
    code = f"{prelude}\n{_BOOT}" if prelude else _BOOT
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


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


def test_missing_path_is_a_usage_error_and_nothing_is_written(tmp_path: Path) -> None:
    good = make_project(tmp_path / "proj")
    missing = tmp_path / "nope.py"

    proc = run_tool(["--write", "proj", "nope.py"], cwd=tmp_path)

    assert_one_error(proc, missing, tmp_path)
    assert not missing.exists()
    # A mistyped path is a usage error: nothing is migrated rather than half of what was asked.
    assert good.read_bytes() == GOOD_SOURCE


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
        proc = run_tool(["--write", "proj"], cwd=tmp_path, timeout=60)
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

    proc = run_tool(["--write", "-j", "1", "proj"], cwd=tmp_path, timeout=900)

    assert proc.returncode == 0, proc.stderr[-2000:]
    assert big.read_bytes() == new


# --------------------------------------------------------------------------- concurrent edits, failing writes


def test_write_if_unchanged_refuses_when_disk_changed(tmp_path: Path) -> None:
    fileio = pytest.importorskip("tfckpt_codemod.fileio")
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
    write_if_unchanged = pytest.importorskip("tfckpt_codemod.fileio").write_if_unchanged

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

    if not marker.exists():
        pytest.skip("the runner does not go through tfckpt_codemod.engine.migrate_source; no seam to edit mid-run")
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
    fileio = pytest.importorskip("tfckpt_codemod.fileio")
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
    if not HAVE_CLI:
        pytest.skip("tfckpt_codemod.cli is not importable (engine not installed)")
    paths = sorted(root.rglob("*.py"))
    old_digest = digest(paths[0])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _BOOT, "--write", "-j", "2", str(root)],
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

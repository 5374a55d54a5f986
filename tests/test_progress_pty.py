"""The progress bar and the diffs on one real terminal (issue #18): a bar frame is never left glued to a diff line.

The CLI runs in a pseudo-terminal (pexpect) and its whole output is played through a terminal emulator (pyte), so
carriage returns, line erases and cursor moves count as a terminal counts them. Only what the screen finally shows
is checked: every diff header starts at column 0, and no frame of the (transient) bar is left on screen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

FILES = 250  # the bar shows from 200 files on
COLUMNS = 160
CONTRIB = ("import tensorflow as tf\n"
           "import tensorflow.contrib.checkpoint as checkpoint\n"
           "\n"
           "saver = checkpoint.Checkpoint(model=model)\n")


def _project(root: Path) -> Path:
    src = root / "src"
    src.mkdir()
    for index in range(FILES):
        (src / f"m{index:03d}.py").write_text(CONTRIB)
    (src / "m100_broken.py").write_text(CONTRIB + "(\n")  # an error line on stderr in the middle of the run
    return src


def _env(**extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(Path.home()), "TERM": "xterm-256color",
           "COLUMNS": str(COLUMNS), "LINES": "24"}
    env.update(extra)
    return env


ERROR = "src/m100_broken.py: error: "


def _spawn(command: str, args: list[str], cwd: Path, env: dict[str, str]) -> bytes:
    child = pexpect.spawn(command, args, cwd=str(cwd), env=env, dimensions=(24, COLUMNS), timeout=180)
    chunks = []
    while True:
        try:
            chunks.append(child.read_nonblocking(65536, timeout=180))
        except pexpect.EOF:
            break
    child.close()
    assert child.exitstatus == 2, b"".join(chunks).decode("utf-8", "replace")[-2000:]
    return b"".join(chunks)


def _screen(output: bytes) -> list[str]:
    """What a terminal shows after `output`, top to bottom (a screen tall enough that nothing scrolls away)."""
    screen = pyte.Screen(COLUMNS, 20 * FILES)
    stream = pyte.ByteStream(screen)
    stream.feed(output)
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _assert_clean(lines: list[str]) -> None:
    headers = [line for line in lines if "--- a/" in line or "+++ b/" in line]
    assert len(headers) == 2 * FILES
    glued = [line for line in lines if ("--- a/" in line and not line.startswith("--- a/"))
             or ("+++ b/" in line and not line.startswith("+++ b/"))
             or ("@@ " in line and not line.startswith("@@ "))]
    assert not glued, glued[:5]
    assert not [line for line in lines if "migrating" in line or "━" in line], "a bar frame was left on screen"
    assert [line for line in lines if "error:" in line][0].startswith(ERROR)


@pytest.mark.parametrize(("color", "options"), [({}, []), ({"NO_COLOR": "1"}, []),
                                                ({"NO_COLOR": "1"}, ["--verbose", "-j", "999"])],
                         ids=["color", "no-color", "verbose"])
def test_diffs_on_the_terminal_of_the_bar_start_at_column_zero(tmp_path: Path, color: dict[str, str],
                                                                options: list[str]) -> None:
    src = _project(tmp_path)
    output = _spawn(sys.executable, ["-m", "tfckpt_codemod", *options, str(src.name)], tmp_path, _env(**color))
    assert "━".encode() in output, "no progress bar was drawn: the test shows nothing"
    lines = _screen(output)
    _assert_clean(lines)
    assert lines[-1].startswith(f"{FILES} files would be migrated")
    if options:  # the note on workers is written while the bar shows
        assert [line for line in lines if "worker process" in line][0].startswith("tfckpt-migrate: using ")


def test_with_stdout_to_a_file_the_bar_stays_on_the_terminal_and_out_of_the_file(tmp_path: Path) -> None:
    src = _project(tmp_path)
    output = _spawn("/bin/sh", ["-c", f'"{sys.executable}" -m tfckpt_codemod {src.name} > out.diff'], tmp_path,
                    _env())
    assert "━".encode() in output  # the bar still shows on the terminal (stderr)
    diff = (tmp_path / "out.diff").read_text()
    assert "\x1b" not in diff and "\r" not in diff
    assert diff.count("--- a/") == FILES
    expected = subprocess.run([sys.executable, "-m", "tfckpt_codemod", src.name], cwd=tmp_path, capture_output=True,
                              text=True, env=_env(), timeout=180)
    assert diff == expected.stdout and ERROR in expected.stderr
    lines = _screen(output)
    assert lines[-1].startswith(f"{FILES} files would be migrated")
    assert [line for line in lines if "error:" in line][0].startswith(ERROR)

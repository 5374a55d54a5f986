"""The tool reads user code; it must never run it.

Migration runs over whole repositories, including setup.py files, package __init__ files
and scripts with side effects at import time. If any of them were imported (say, to
resolve a name, or by a worker process started with the wrong sys.path), a dry run would
already delete files or launch jobs. Each module here leaves evidence when executed: a
marker file, a shell command, a SystemExit; the tests check the evidence never appears
while the contrib code in the same files is still migrated.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tfckpt_codemod.limits import available_cores
from tfckpt_codemod.runner import POOL_THRESHOLD

CONTRIB_BODY = """import tensorflow as tf

ckpt = tf.contrib.eager.Checkpoint(model=None)
"""


def hostile(marker: Path, tag: str) -> str:
    """A module whose execution writes `marker`.<tag>.* and then refuses to continue."""
    return f"""import os
import pathlib
import subprocess

pathlib.Path({str(marker) + '.' + tag + '.write'!r}).write_text("executed")
os.system("touch " + {str(marker) + '.' + tag + '.system'!r})
print("SIDE" + " EFFECT {tag}")
{CONTRIB_BODY}
raise SystemExit(97)
"""


def make_tree(root: Path, marker: Path) -> dict[Path, str]:
    """Files a real repository has that are most tempting to import."""
    files = {
        root / "setup.py": hostile(marker, "setup"),
        root / "train.py": hostile(marker, "script"),
        root / "pkg" / "__init__.py": hostile(marker, "init"),
        root / "pkg" / "model.py": "from . import helpers\nfrom pkg import sibling\n" + hostile(marker, "model"),
        root / "pkg" / "helpers.py": hostile(marker, "helpers"),
        root / "pkg" / "sibling.py": hostile(marker, "sibling"),
        # A name the tool's own dependencies might import, sitting in the user's tree.
        root / "tensorflow.py": hostile(marker, "shadow_tf"),
        root / "conftest.py": hostile(marker, "conftest"),
    }
    # Enough candidates for `-j 2` to start worker processes (a worker with the wrong sys.path could import them).
    for i in range(POOL_THRESHOLD):
        files[root / "jobs" / f"job{i:02}.py"] = hostile(marker, f"job{i:02}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return files


def tool_command() -> list[str]:
    script = Path(sys.executable).with_name("tfckpt-migrate")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from tfckpt_codemod.cli import main; main()"]


def evidence(marker: Path) -> list[str]:
    return sorted(p.name for p in marker.parent.glob(marker.name + ".*"))


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("mode", [[], ["--write"], ["--check"]], ids=["dry-run", "write", "check"])
def test_no_user_module_is_executed(tmp_path: Path, jobs: str, mode: list[str]) -> None:
    marker = tmp_path / "evidence" / "ran"
    marker.parent.mkdir()
    tree = tmp_path / "repo"
    files = make_tree(tree, marker)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NO_COLOR"] = "1"

    # cwd is the user's repository, as when someone runs `tfckpt-migrate .` there.
    proc = subprocess.run(
        [*tool_command(), *mode, "--verbose", "-j", jobs, "."], cwd=tree, capture_output=True, text=True,
        timeout=300, env=env,
    )

    assert evidence(marker) == []
    assert "SIDE EFFECT" not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == (1 if mode == ["--check"] else 0), proc.stderr
    if jobs == "2" and available_cores() >= 2:  # two workers ran: --verbose says when a run uses fewer than asked
        assert "worker process" not in proc.stderr, proc.stderr
    for path, text in files.items():
        if mode == ["--write"]:
            assert path.read_text() == text.replace("tf.contrib.eager.Checkpoint", "tf.train.Checkpoint")
        else:
            assert path.read_text() == text


def test_engine_does_not_execute_source(tmp_path: Path) -> None:
    from tfckpt_codemod.engine import migrate_source

    marker = tmp_path / "ran"
    source = hostile(marker, "engine").encode()

    result = migrate_source(source, str(tmp_path / "hostile.py"))

    assert result.error is None
    assert result.new == source.replace(b"tf.contrib.eager.Checkpoint", b"tf.train.Checkpoint")
    assert evidence(marker) == []

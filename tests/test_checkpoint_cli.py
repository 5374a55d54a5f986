"""`--checkpoint`, `checkpoints = [...]` and `--inspect-checkpoint` from the command line, on checked-in checkpoints
TensorFlow 2.21 wrote (tests/fixtures/checkpoints/)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checkpoints"

SERVE = (
    "import tensorflow as tf\n"
    "import tensorflow.contrib.eager as tfe\n"
    "\n"
    "ckpt = tfe.Checkpoint(model=model)\n"
    "ckpt.restore(tf.train.latest_checkpoint(ckpt_dir))\n"
)


def _project(tmp_path: Path, files: dict[str, str], pyproject: str | None = None) -> Path:
    shutil.copytree(FIXTURES / "full", tmp_path / "runs" / "train")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    return tmp_path


def test_the_given_checkpoint_decides_the_restore(tmp_path: Path) -> None:
    root = _project(tmp_path, {"serve.py": SERVE})
    alone = run_cli("--check", "serve.py", cwd=root)
    assert alone.returncode == 1
    with_evidence = run_cli("--write", "--verbose", "--checkpoint", "runs/train", "serve.py", cwd=root)
    assert with_evidence.returncode == 0, with_evidence.stderr
    assert (root / "serve.py").read_text().endswith(
        "ckpt.restore(tf.train.latest_checkpoint(ckpt_dir)).expect_partial()\n")
    assert "also holds optimizer, step" in with_evidence.stdout


def test_checkpoints_in_the_config_are_anchored_at_its_directory(tmp_path: Path) -> None:
    root = _project(tmp_path, {"src/pkg/serve.py": SERVE.replace("model=model", "model=m, head=h")},
                    '[tool.tfckpt-migrate]\ncheckpoints = ["runs/train"]\n')
    result = run_cli("--check", "pkg/serve.py", cwd=root / "src")
    assert result.returncode == 1
    assert "TFC304" in result.stdout and "head" in result.stdout  # the checkpoint holds nothing for `head`


def test_the_command_line_replaces_the_configs_checkpoints(tmp_path: Path) -> None:
    root = _project(tmp_path, {"serve.py": SERVE}, '[tool.tfckpt-migrate]\ncheckpoints = ["missing/ckpt"]\n')
    bad = run_cli("--check", "serve.py", cwd=root)
    assert bad.returncode == 2 and "missing/ckpt" in bad.stderr and len(bad.stderr.splitlines()) == 1
    good = run_cli("--check", "--checkpoint", "runs/train", "serve.py", cwd=root)
    assert good.returncode == 1 and "Would migrate: serve.py" in good.stdout


def test_evidence_reaches_the_worker_processes(tmp_path: Path) -> None:
    files = {f"pkg/serve_{n:02}.py": SERVE.replace("model=model", "model=m, head=h") for n in range(40)}
    root = _project(tmp_path, files)
    result = run_cli("--check", "-j", "2", "--checkpoint", "runs/train", "pkg", cwd=root)
    assert result.stdout.count("TFC304") == 40, result.stdout + result.stderr


def test_inspect_checkpoint_prints_a_table_of_top_level_objects(tmp_path: Path) -> None:
    result = run_cli("--inspect-checkpoint", str(FIXTURES / "full"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # ckpt-2 is the latest the directory's `checkpoint` file names; 16 keys: 4 weights, 8 Adam slots, 2 of the
    # optimizer's own, save_counter and step.
    assert lines[0].endswith("full/ckpt-2: object-based checkpoint, 4 top-level objects, 16 values (from its object "
                             "graph)")
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:] if line.strip()}
    assert rows == {"model": ["4", "object"], "optimizer": ["10", "object"], "save_counter": ["1", "variable"],
                    "step": ["1", "variable"]}


def test_inspect_checkpoint_as_json(tmp_path: Path) -> None:
    result = run_cli("--inspect-checkpoint", str(FIXTURES / "name_based"), "--output-format", "json", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert document["kind"] == "name-based" and document["source"] == "names"
    assert {row["name"] for row in document["objects"]} == {"emb", "global_step", "policy"}


def test_inspect_checkpoint_of_a_foreign_or_missing_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "junk.index").write_bytes(b"not a table" * 10)
    for target in ("junk", "nothing-here"):
        result = run_cli("--inspect-checkpoint", target, cwd=tmp_path)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and target in result.stderr, result.stderr

"""The console script pauses the garbage collector for start-up and resumes it when the runner starts on the files
(collection.py): start-up is faster, and no file is ever migrated with the collector off."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from helpers import run_cli
from tfckpt_codemod import collection, discovery, engine, runner

CONTRIB = "import tensorflow as tf\nckpt = tf.contrib.checkpoint.Checkpoint(model=model)\n"


def test_start_up_runs_without_the_collector_and_files_with_it(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "train.py").write_text(CONTRIB, encoding="utf-8")
    seen: dict[str, bool] = {}
    discover, migrate_source = discovery.discover, runner.migrate_source

    def spy_discover(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["discovery"] = gc.isenabled()
        return discover(*args, **kwargs)

    def spy_migrate(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["migration"] = gc.isenabled()
        return migrate_source(*args, **kwargs)

    monkeypatch.setattr(discovery, "discover", spy_discover)
    monkeypatch.setattr(runner, "migrate_source", spy_migrate)
    proc = run_cli("--check", "-j", "1", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert seen == {"discovery": False, "migration": True}
    assert gc.isenabled()  # and the test process collects again after the run


def test_a_file_read_from_stdin_is_migrated_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    migrate_source = engine.migrate_source

    def spy_migrate(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return migrate_source(*args, **kwargs)

    monkeypatch.setattr(engine, "migrate_source", spy_migrate)
    proc = run_cli("--diff", "-", stdin=CONTRIB.encode())
    assert "tf.train.Checkpoint" in proc.stdout, proc.stderr
    assert seen == [True]


def test_a_collector_its_caller_turned_off_stays_off() -> None:
    gc.disable()
    try:
        collection.pause_for_start_up()
        collection.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_resume_freezes_what_start_up_made_once() -> None:
    assert gc.isenabled()
    collection.pause_for_start_up()
    assert not gc.isenabled()
    try:
        collection.resume()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        frozen = gc.get_freeze_count()
        collection.resume()  # a second runner in the same process: nothing more to freeze
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
        gc.enable()

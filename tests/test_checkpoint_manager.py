"""TFC102: a manager.save argument is dropped only where it is provably a session; a checkpoint number stays."""

from __future__ import annotations

import pytest

from helpers import assert_migrates, migrate, run_cli

TF = "import tensorflow as tf\n"
NEW = "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, max_to_keep=3)\n"
OLD = "manager = tf.train.CheckpointManager(ckpt, d, max_to_keep=3)\n"

CASES = [
    ("checkpoint-number-in-a-file-that-runs-sessions",
     TF + "sess = tf.compat.v1.Session()\n" + NEW + "manager.save(global_step)\n",
     TF + "sess = tf.compat.v1.Session()\n" + OLD + "manager.save(global_step)\n", []),
    ("a-session-bound-by-construction",
     TF + "sess = tf.compat.v1.Session()\n" + NEW + "manager.save(sess)\n",
     TF + "sess = tf.compat.v1.Session()\n" + OLD + "manager.save()\n", [("TFC102", "note")]),
    ("a-session-of-a-with-statement",
     TF + "with tf.compat.v1.Session() as sess:\n    " + NEW + "    manager.save(sess, checkpoint_number=step)\n",
     TF + "with tf.compat.v1.Session() as sess:\n    " + OLD + "    manager.save(checkpoint_number=step)\n",
     [("TFC102", "note")]),
    ("a-monitored-session",
     TF + "sess = tf.compat.v1.train.MonitoredSession()\n" + NEW + "manager.save(sess)\n",
     TF + "sess = tf.compat.v1.train.MonitoredSession()\n" + OLD + "manager.save()\n", [("TFC102", "note")]),
    ("the-session-keyword",
     TF + NEW + "manager.save(session=sess)\n", TF + OLD + "manager.save()\n", [("TFC102", "note")]),
    ("a-name-that-may-be-a-session-is-kept-and-reported",
     TF + NEW + "manager.save(self.sess)\n", TF + OLD + "manager.save(self.sess)\n", [("TFC102", "manual")]),
    ("a-name-bound-twice-is-not-provably-a-session",
     TF + "sess = tf.compat.v1.Session()\nif eager:\n    sess = 30\n" + NEW + "manager.save(sess)\n",
     TF + "sess = tf.compat.v1.Session()\nif eager:\n    sess = 30\n" + OLD + "manager.save(sess)\n",
     [("TFC102", "manual")]),
]


@pytest.mark.parametrize(("before", "after", "findings"), [pytest.param(b, a, f, id=i) for i, b, a, f in CASES])
def test_manager_save(before: str, after: str, findings: list[tuple[str, str]]) -> None:
    result = assert_migrates(before, after)
    assert [(f.code, f.kind) for f in result.findings] == findings


def test_the_dropped_session_is_shown_by_default(tree) -> None:  # type: ignore[no-untyped-def]
    root = tree({"train.py": TF + "sess = tf.compat.v1.Session()\n" + NEW + "manager.save(sess)\n"})
    result = run_cli("train.py", cwd=root)
    assert "train.py:4:1: TFC102 dropped the session argument of CheckpointManager.save" in result.stdout


def test_a_session_note_is_not_work_left_to_do() -> None:
    result = migrate(TF + "sess = tf.compat.v1.Session()\n" + NEW + "manager.save(sess)\n")
    assert all(f.fixed for f in result.findings)

"""TFC106: contrib's List / Mapping go only where TF 2 tracks a plain list / dict the same way."""

from __future__ import annotations

import pytest

from helpers import migrate

TF = "import tensorflow as tf\n\n"

REPORTED = [
    ("on-a-keras-model", TF + "class M(tf.keras.Model):\n    def __init__(self):\n        super().__init__()\n"
     "        self.parts = tf.contrib.checkpoint.List()\n", "Keras 3 layers and models"),
    ("on-an-unknown-class", TF + "class M(Base):\n    def __init__(self):\n"
     "        self.parts = tf.contrib.checkpoint.List()\n", "not known to be a tf.Module"),
    ("in-a-local", TF + "xs = tf.contrib.checkpoint.List()\n", "not held by"),
    ("to-an-unknown-callee", TF + "register(xs=tf.contrib.checkpoint.Mapping())\n", "not know to be a checkpoint"),
    ("where-list-is-something-else", TF + "list = 3\nc = tf.train.Checkpoint(a=tf.contrib.checkpoint.List())\n",
     "bound to something else"),
]


@pytest.mark.parametrize(("before", "fragment"), [pytest.param(b, f, id=i) for i, b, f in REPORTED])
def test_a_container_tf2_may_not_track_the_same_way_is_kept_and_reported(before: str, fragment: str) -> None:
    result = migrate(before)
    assert result.new is None
    assert [f.code for f in result.findings] == ["TFC106"]
    assert fragment in result.findings[0].message


def test_subclasses_of_tf1_checkpointable_track_the_same_way() -> None:
    before = (TF + "class M(tf.contrib.checkpoint.Checkpointable):\n    def __init__(self):\n"
              "        self.parts = tf.contrib.checkpoint.List()\n")
    result = migrate(before)
    assert result.new == before.replace("tf.contrib.checkpoint.List()", "list()").encode()
    assert [f.code for f in result.findings] == ["TFC901"]  # the base still needs a person

"""TFC303: reported only where the model is certainly fresh: constructed in the restore's scope, not read before it."""

from __future__ import annotations

import pytest

from helpers import migrate

HEAD = ("import tensorflow as tf\n\n\nclass Net(tf.keras.Model):\n    def call(self, x):\n        return x\n\n\n"
        "class Deeper(Net):\n    pass\n\n\n")


def _codes(body: str) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in migrate(HEAD + body).findings if f.code == "TFC303"]


def test_a_fresh_subclassed_model_is_reported_at_its_restore() -> None:
    assert _codes("def f(p):\n    model = Net()\n    tf.train.Checkpoint(model=model).restore(p)\n") == [("TFC303", 15)]
    assert _codes("def f(p):\n    model = Deeper()\n    c = tf.train.Checkpoint(model=model)\n    c.restore(p)\n") == [
        ("TFC303", 16)]


@pytest.mark.parametrize("body", [
    "def f(p, x):\n    model = Net()\n    model(x)\n    tf.train.Checkpoint(model=model).restore(p)\n",
    "def f(p):\n    model = Net()\n    model.build((None, 4))\n    tf.train.Checkpoint(model=model).restore(p)\n",
    "def f(p):\n    model = Net()\n    warm_up(model)\n    tf.train.Checkpoint(model=model).restore(p)\n",
    "def f(p):\n    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])\n"
    "    tf.train.Checkpoint(model=model).restore(p)\n",
    "def f(p, model):\n    tf.train.Checkpoint(model=model).restore(p)\n",
])
def test_a_model_that_may_be_built_is_not_reported(body: str) -> None:
    assert _codes(body) == []

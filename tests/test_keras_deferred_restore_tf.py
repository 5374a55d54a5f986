"""Under TF 2.21 with Keras 3, restoring into a subclassed model before its first call silently loses weights, and
building it first (what TFC303 says to do) restores them."""

from __future__ import annotations

import os

import pytest

tf = pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")
pytestmark = pytest.mark.tf

import numpy as np  # noqa: E402  (comes with TensorFlow; not a test dependency of its own)


class Net(tf.keras.Model):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = tf.keras.layers.Dense(3)
        self.out = tf.keras.layers.Dense(1)

    def call(self, x):  # type: ignore[no-untyped-def]
        return self.out(self.hidden(x))


def _saved(tmp_path) -> tuple[str, list[np.ndarray], tf.Tensor]:  # type: ignore[no-untyped-def]
    x = tf.random.normal([2, 4])
    model = Net()
    model(x)
    for weight in model.weights:
        weight.assign(tf.random.normal(weight.shape))
    path = tf.train.Checkpoint(model=model).save(os.path.join(tmp_path, "ckpt"))
    return path, [w.numpy() for w in model.weights], x


def test_restoring_before_the_first_call_loses_weights_silently(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, saved, x = _saved(tmp_path)
    fresh = Net()
    status = tf.train.Checkpoint(model=fresh).restore(path)  # no error, no warning
    fresh(x)
    restored = [w.numpy() for w in fresh.weights]
    assert len(restored) != len(saved) or not all(np.allclose(a, b) for a, b in zip(saved, restored))
    with pytest.raises(AssertionError):
        status.assert_consumed()


def test_building_first_restores_every_weight(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, saved, x = _saved(tmp_path)
    fresh = Net()
    fresh(x[:1])  # the advice: call it on one batch before restore()
    tf.train.Checkpoint(model=fresh).restore(path).assert_consumed()
    assert all(np.allclose(a, w.numpy()) for a, w in zip(saved, fresh.weights))

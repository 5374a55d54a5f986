"""A plain list / dict where contrib had List / Mapping gives the same checkpoint keys and restores across forms.

TF 1.15's `tf.contrib.checkpoint.List` and `Mapping` were `tensorflow.python.training.tracking.data_structures.List`
and `.Mapping`; TF 2.21 still has those classes (under `tensorflow.python.trackable`), so the comparison is with the
very classes contrib exported."""

from __future__ import annotations

import os

import pytest

tf = pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")
pytestmark = pytest.mark.tf

import numpy as np  # noqa: E402  (comes with TensorFlow; not a test dependency of its own)

from tensorflow.python.trackable import data_structures  # noqa: E402


def _keys(path: str) -> list[str]:
    return sorted(name for name, _ in tf.train.list_variables(path))


def _module(container):  # type: ignore[no-untyped-def]
    module = tf.Module()
    module.held = container
    return module


@pytest.mark.parametrize(("contrib", "plain"), [
    (lambda vs: data_structures.List(vs), lambda vs: list(vs)),
    (lambda vs: data_structures.Mapping({"a": vs[0], "b": vs[1]}), lambda vs: dict({"a": vs[0], "b": vs[1]})),
])
def test_same_keys_and_values_on_a_module_and_in_a_checkpoint(contrib, plain, tmp_path) -> None:  # type: ignore[no-untyped-def]
    values = [tf.Variable([1.0, 2.0]), tf.Variable([3.0])]
    old = tf.train.Checkpoint(m=_module(contrib(values)), direct=contrib(values)).save(os.path.join(tmp_path, "old"))
    fresh = [tf.Variable([0.0, 0.0]), tf.Variable([0.0])]
    new_checkpoint = tf.train.Checkpoint(m=_module(plain(fresh)), direct=plain(fresh))
    new = new_checkpoint.save(os.path.join(tmp_path, "new"))
    assert _keys(old) == _keys(new)
    new_checkpoint.restore(old).assert_consumed()  # saved with contrib's class, restored with the plain one
    assert all(np.allclose(a.numpy(), b.numpy()) for a, b in zip(values, fresh))

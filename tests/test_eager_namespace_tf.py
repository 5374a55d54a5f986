"""Each `tfe.X` the tool renames is, in TF 2.21, the very object TF 1.15's tfe.py exported: the internal symbol tfe.py
imported (where TF 2.21 still has it under that path) is the public name the rewrite writes."""

from __future__ import annotations

import importlib

import pytest

tf = pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")
pytestmark = pytest.mark.tf

from tfckpt_codemod.transforms._symbols import BY_NAME  # noqa: E402

# member -> the TF 2.21 module and name of what TF 1.15's tfe.py imported for it
INTERNAL = {
    "py_func": ("tensorflow.python.ops.script_ops", "eager_py_func"),
    "function": ("tensorflow.python.eager.def_function", "function"),
    "GradientTape": ("tensorflow.python.eager.backprop", "GradientTape"),
    "enable_eager_execution": ("tensorflow.python.framework.ops", "enable_eager_execution"),
    "custom_gradient": ("tensorflow.python.ops.custom_gradient", "custom_gradient"),
    "executing_eagerly": ("tensorflow.python.eager.context", "executing_eagerly"),
    "in_eager_mode": ("tensorflow.python.eager.context", "executing_eagerly"),
    "async_clear_error": ("tensorflow.python.eager.context", "async_clear_error"),
    "TensorSpec": ("tensorflow.python.framework.tensor_spec", "TensorSpec"),
    "connect_to_remote_host": ("tensorflow.python.eager.remote", "connect_to_remote_host"),
    "Checkpoint": ("tensorflow.python.checkpoint.checkpoint", "CheckpointV1"),
}


def _public(path: str):  # type: ignore[no-untyped-def]
    value = tf
    for part in path.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("member", sorted(INTERNAL))
def test_the_rename_target_is_the_same_object(member: str) -> None:
    module, name = INTERNAL[member]
    target = "compat.v1.train.Checkpoint" if member == "Checkpoint" else BY_NAME[f"contrib.eager.{member}"].tf2
    assert getattr(importlib.import_module(module), name) is _public(target)


def test_every_alias_row_is_checked() -> None:
    aliases = {row.contrib.rsplit(".", 1)[-1] for row in BY_NAME.values()
               if row.code == "TFC107" and row.source.endswith("the same object in TF 2.21")}
    assert aliases <= set(INTERNAL)


def test_the_conditional_rewrites_run() -> None:
    v = tf.Variable(1.0, name="w")  # tfe.Variable(1.0, name="w") with at most two positional arguments
    assert float(v) == 1.0 and isinstance(v, tf.Variable)
    template = tf.compat.v1.make_template("t", lambda x: x * 2)
    assert float(template(tf.constant(3.0))) == 6.0
    optimizer = tf.compat.v1.train.AdamOptimizer()
    w = tf.Variable([1.0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * w)
    optimizer.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    assert optimizer.variables()  # tfe.get_optimizer_variables(optimizer) returned optimizer.variables()

"""The contrib checkpoint surface and its TensorFlow 2 homes: one table, each row citing its source.

Keys are canonical contrib paths (`contrib.eager.Checkpoint`): every import form a file may use is first resolved
to `tensorflow.<...>` and then canonicalized here, so `tfe.Checkpoint`, `tf.contrib.eager.Checkpoint` and
`contrib_eager.Checkpoint` all reach the same row. `tf2` is a path relative to the file's tensorflow module
(`train.Checkpoint` becomes `tf.train.Checkpoint`); `None` means there is no faithful home and the row is reported.

Sources (see ../shared/tf-api-map.md for the quotes):
  CKPT_INIT  tensorflow/contrib/checkpoint/__init__.py (r1.11 and r1.14)
  TFE        tensorflow/contrib/eager/python/tfe.py (r1.12)
  SAVER      tensorflow/contrib/eager/python/saver.py
  CF_INIT    tensorflow/contrib/framework/__init__.py; checkpoint_utils.py
  ARV2       tensorflow/tools/compatibility/all_renames_v2.py
  CKPT_PY    tensorflow/python/checkpoint/checkpoint.py (TF 2.x)
  DOCS       tensorflow/docs site/en/api_docs/python/tf/...
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Symbol:
    contrib: str
    code: str
    tf2: str | None = None
    kwargs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    message: str = ""
    source: str = ""
    kind: str | None = None  # what the checkpoint model makes of a call of it (see CORE_KINDS)
    # Arguments (keyword name, positional index) with which the TF 2 home behaves differently: a call passing one
    # is reported with `unless_message` instead of rewritten.
    unless: tuple[tuple[str, int | None], ...] = ()
    unless_message: str = ""


def _kw(**renames: str) -> Mapping[str, str]:
    return MappingProxyType(renames)


_CKPT_DIR = _kw(checkpoint_dir="ckpt_dir_or_file")

SYMBOLS: tuple[Symbol, ...] = (
    # TFC101: checkpoint construction.
    Symbol("contrib.eager.Checkpoint", "TFC101", "train.Checkpoint", kind="checkpoint",
           source="DOCS tf/train/Checkpoint.md r1.10: 'Aliases: tf.contrib.eager.Checkpoint, tf.train.Checkpoint'; "
                  "CKPT_PY def __init__(self, root=None, **kwargs)"),
    Symbol("contrib.checkpoint.Checkpoint", "TFC101", "train.Checkpoint", kind="checkpoint",
           source="never exported by CKPT_INIT; written by users after a popular migration recipe (its Example 1), "
                  "whose intent is tf.train.Checkpoint"),
    # TFC102: checkpoint rotation.
    Symbol("contrib.checkpoint.CheckpointManager", "TFC102", "train.CheckpointManager", kind="manager",
           source="CKPT_INIT r1.14 'from tensorflow.python.training.checkpoint_management import CheckpointManager'; "
                  "DOCS tf/train/CheckpointManager.md r1.13 aliases"),
    # TFC103: checkpoint reading utilities.
    Symbol("contrib.framework.list_variables", "TFC103", "train.list_variables", _CKPT_DIR,
           source="CF_INIT @@list_variables; DOCS tf/train/list_variables.md (ckpt_dir_or_file)"),
    Symbol("contrib.framework.load_variable", "TFC103", "train.load_variable", _CKPT_DIR,
           source="ARV2 'tf.contrib.framework.load_variable': 'tf.train.load_variable'; tf_upgrade_v2 kwarg rename"),
    Symbol("contrib.framework.load_checkpoint", "TFC103", "train.load_checkpoint",
           _kw(filepattern="ckpt_dir_or_file"),
           source="contrib checkpoint_utils.py 'def load_checkpoint(filepattern)'; DOCS tf/train/load_checkpoint.md"),
    Symbol("contrib.framework.init_from_checkpoint", "TFC103", "compat.v1.train.init_from_checkpoint", _CKPT_DIR,
           message="init_from_checkpoint works only in graph mode (variable scopes, assignment_map); eagerly it "
                   "restores nothing, silently: use tf.compat.v1.train.Saver({name_in_checkpoint: var})"
                   ".restore(None, path) or tf.train.Checkpoint(...).restore(path)",
           source="CF_INIT @@init_from_checkpoint; renames_v2 'tf.train.init_from_checkpoint': "
                  "'tf.compat.v1.train.init_from_checkpoint'"),
    Symbol("contrib.training.checkpoints_iterator", "TFC103", "train.checkpoints_iterator",
           unless=(("timeout_fn", 3),),
           unless_message="with timeout_fn, tf.train.checkpoints_iterator also calls it after every checkpoint it "
                          "yields and stops when it returns true (the contrib one only called it after a timeout); "
                          "rewrite by hand if that matters here",
           source="ARV2 'tf.contrib.training.checkpoints_iterator': 'tf.train.checkpoints_iterator'; contrib "
                  "training/python/training/evaluation.py vs core checkpoint_utils.py r1.15/r2.21 (timeout_fn "
                  "checked after each yield in core only)"),
    Symbol("contrib.training.wait_for_new_checkpoint", "TFC901",
           message="wait_for_new_checkpoint has no public TF 2 name; next(tf.train.checkpoints_iterator(d, "
                   "timeout=t), None) waits the same way when last_checkpoint and seconds_to_sleep are not passed",
           source="contrib training/python/training/evaluation.py 'def wait_for_new_checkpoint'; core "
                  "checkpoint_utils.py has it without tf_export"),
    # TFC104: Python state in checkpoints.
    Symbol("contrib.checkpoint.PythonStateWrapper", "TFC104", "train.experimental.PythonState",
           source="CKPT_INIT r1.14 'PythonState as PythonStateWrapper'; @tf_export('train.experimental.PythonState')"),
    # TFC901: no faithful TF 2 home: report with what to do instead. Every piece of code a message suggests runs on
    # TF 2.21 with Keras 3: tests/test_advice_tf.py runs each one (tests/advice_snippets.py).
    Symbol("contrib.eager.Saver", "TFC105", kind="eager_saver",
           message="tf.contrib.eager.Saver is gone; tf.compat.v1.train.Saver(var_list).save(None, prefix, "
                   "global_step=step, write_meta_graph=False) and .restore(None, path) keep its format (for Keras 3 "
                   "weights pass {v.path: v.value for v in model.variables}), or port to tf.train.Checkpoint",
           source="SAVER class Saver: save() calls self._saver.save(None, file_prefix, write_meta_graph=False, "
                  "global_step=global_step); restore() calls self._saver.restore(None, file_prefix)"),
    Symbol("contrib.eager.restore_variables_on_create", "TFC901",
           message="restore_variables_on_create has no TF 2 equivalent; tf.train.Checkpoint(obj).restore(path) "
                   "restores obj's variables as they are created (build a Keras 3 model, model(x) or "
                   "model.build(shape), before restore())",
           source="SAVER def restore_variables_on_create"),
    Symbol("contrib.eager.save_network_checkpoint", "TFC901",
           message="save_network_checkpoint was removed; use tf.train.Checkpoint(model=model).save(prefix), or "
                   "model.save_weights('name.weights.h5') (Keras 3 requires that suffix: HDF5, not a TF checkpoint)",
           source="DOCS tf/contrib/eager/save_network_checkpoint.md r1.9"),
    Symbol("contrib.eager.restore_network_checkpoint", "TFC901",
           message="restore_network_checkpoint was removed; its name-based checkpoints do not load into Keras 3 "
                   "through load_weights or tf.train.Checkpoint: map the names by hand with "
                   "tf.compat.v1.train.Saver({name_in_checkpoint: v.value, ...}).restore(None, path)",
           source="DOCS tf/contrib/eager/restore_network_checkpoint.md r1.14; contrib/eager/python/network.py"),
    Symbol("contrib.eager.CheckpointableSaver", "TFC901",
           message="CheckpointableSaver has no public TF 2 class; use tf.train.Checkpoint(root=obj) with "
                   ".write(prefix) / .read(path) (not Checkpoint(x=obj), which changes the checkpoint keys)",
           source="DOCS tf/contrib/eager/CheckpointableSaver.md; CKPT_PY Checkpoint.read docstring"),
    Symbol("contrib.eager.Checkpointable", "TFC901",
           message="Checkpointable is gone; subclass tf.Module (and call super().__init__()): the checkpoint keys "
                   "stay the same",
           source="DOCS tf/contrib/checkpoint/Checkpointable.md r1.14 aliases"),
    Symbol("contrib.checkpoint.Checkpointable", "TFC901",
           message="Checkpointable is gone; subclass tf.Module (and call super().__init__()): the checkpoint keys "
                   "stay the same",
           source="CKPT_INIT r1.14 'AutoTrackable as Checkpointable'"),
    Symbol("contrib.checkpoint.CheckpointableBase", "TFC901",
           message="CheckpointableBase has no public TF 2 class; subclass tf.Module (it also tracks every attribute "
                   "automatically)",
           source="CKPT_INIT r1.14 'Trackable as CheckpointableBase'"),
    Symbol("contrib.checkpoint.CheckpointableObjectGraph", "TFC901",
           message="CheckpointableObjectGraph has no public TF 2 API; "
                   "tf.train.load_checkpoint(path).get_tensor('_CHECKPOINTABLE_OBJECT_GRAPH') gives the serialized "
                   "graph, and tf.train.CheckpointView(path) walks it",
           source="CKPT_INIT r1.14 'TrackableObjectGraph as CheckpointableObjectGraph'"),
    Symbol("contrib.checkpoint.NoDependency", "TFC901",
           message="NoDependency has no public TF 2 symbol; keep the value in a holder TF does not track (e.g. "
                   "types.SimpleNamespace(value=x)), or leave it out of the tf.train.Checkpoint you build",
           source="CKPT_INIT @@NoDependency"),
    Symbol("contrib.checkpoint.split_dependency", "TFC901",
           message="split_dependency has no TF 2 equivalent; keep each component in its own tf.Variable (assign "
                   "before save, recombine after restore)",
           source="CKPT_INIT @@split_dependency"),
    Symbol("contrib.checkpoint.List", "TFC106",
           message="tf.contrib.checkpoint.List is gone; a plain list on a tf.Module or tf.train.Checkpoint "
                   "attribute gives the same keys (not on a Keras 3 layer or model, whose lists checkpoints skip)",
           source="CKPT_INIT @@List"),
    Symbol("contrib.checkpoint.Mapping", "TFC106",
           message="tf.contrib.checkpoint.Mapping is gone; a plain dict on a tf.Module or tf.train.Checkpoint "
                   "attribute gives the same keys, and can be changed (not on a Keras 3 layer or model)",
           source="CKPT_INIT @@Mapping"),
    Symbol("contrib.checkpoint.UniqueNameTracker", "TFC901",
           message="UniqueNameTracker has no TF 2 equivalent; keep the objects in a dict attribute under the names "
                   "it would have made (x, x_1, ...): the checkpoint keys match",
           source="CKPT_INIT @@UniqueNameTracker"),
    Symbol("contrib.checkpoint.NumpyState", "TFC901",
           message="NumpyState has no public TF 2 class; subclass tf.train.experimental.PythonState with "
                   "serialize()/deserialize() over numpy.save/numpy.load, one per array, created before restore()",
           source="CKPT_INIT r1.14 @@NumpyState"),
    Symbol("contrib.checkpoint.list_objects", "TFC901",
           message="list_objects has no TF 2 equivalent; tf.train.TrackableView(root).descendants() lists the "
                   "objects reachable from root",
           source="CKPT_INIT r1.14 list_objects; TF 1 util.py 'Traverse the object graph and list all accessible "
                  "objects'"),
    Symbol("contrib.checkpoint.object_metadata", "TFC901",
           message="object_metadata has no TF 2 equivalent; use tf.train.CheckpointView(save_path) "
                   "(it returns a view, not a proto)",
           source="CKPT_INIT object_metadata; tensorflow/python/checkpoint/checkpoint_view.py"),
    Symbol("contrib.checkpoint.capture_dependencies", "TFC901",
           message="capture_dependencies has no TF 2 equivalent; use tf.compat.v1.make_template directly",
           source="CKPT_INIT r1.14 capture_dependencies docstring"),
    Symbol("contrib.checkpoint.dot_graph_from_checkpoint", "TFC901",
           message="dot_graph_from_checkpoint has no TF 2 equivalent; tf.train.CheckpointView(path).children("
                   "node_id) gives the edges to draw",
           source="CKPT_INIT @@dot_graph_from_checkpoint; contrib/checkpoint/python/visualize.py"),
    Symbol("contrib.framework.get_variables_to_restore", "TFC901",
           message="get_variables_to_restore is gone; filter tf.compat.v1.global_variables() (by scope or name) "
                   "and pass the list to tf.compat.v1.train.Saver (tf_slim has it too: pip install tf-slim, "
                   "unmaintained since 2020)",
           source="CF_INIT @@get_variables_to_restore"),
    Symbol("contrib.framework.assign_from_checkpoint", "TFC901",
           message="assign_from_checkpoint is gone; in session code use tf.compat.v1.train.Saver(var_list)"
                   ".restore(sess, path) (var_list a list or {name_in_checkpoint: variable})",
           source="CF_INIT @@assign_from_checkpoint"),
    Symbol("contrib.framework.assign_from_checkpoint_fn", "TFC901",
           message="assign_from_checkpoint_fn is gone; saver = tf.compat.v1.train.Saver(var_list); then "
                   "init_fn = lambda sess: saver.restore(sess, path) does the same (filter var_list by "
                   "tf.train.list_variables(path) for ignore_missing_vars)",
           source="CF_INIT @@assign_from_checkpoint_fn"),
    Symbol("contrib.saved_model.save_keras_model", "TFC901",
           message="save_keras_model is gone; write a SavedModel with model.export(dir) or "
                   "tf.saved_model.save(model, dir) (both return None, not the export path), or use "
                   "model.save('model.keras')",
           source="ARV2 rename target (tf.compat.v1.keras.experimental.export_saved_model) removed from TF 2.21; "
                  "the popular migration recipe's Example 3"),
    Symbol("contrib.saved_model.load_keras_model", "TFC901",
           message="load_keras_model is gone; Keras 3 cannot load a SavedModel as a Model: use "
                   "keras.layers.TFSMLayer(dir, call_endpoint='serving_default') or tf.saved_model.load(dir) for "
                   "inference, and keras.models.load_model only for .keras files",
           source="ARV2 rename target removed from TF 2.21; the popular migration recipe's Example 3"),
    # The rest of tf.contrib.eager (TF 1.12-1.15 tfe.py, each member's TF 2.21 home verified by running it): pure
    # aliases of a core symbol and exact rewrites are TFC107, the rest is reported with what to write instead.
    Symbol("contrib.eager.metrics", "TFC901",
           message="metrics: tfe.metrics has no TF 2 home: use tf.keras.metrics.* (another API: "
                   "update_state()/result(), float32 by default, __call__ returns the result) and keep "
                   "checkpointed counters as tf.Variables, because Keras 3 metrics cannot be put in a "
                   "tf.train.Checkpoint",
           source="TFE r1.15 tfe.py 'from tensorflow.contrib.eager.python import metrics'"),
    Symbol("contrib.eager.list_devices", "TFC901",
           message="list_devices: use [d.name for d in tf.config.list_logical_devices()] (names are "
                   "'/device:CPU:0', not '/job:localhost/replica:0/task:0/device:CPU:0' as list_devices "
                   "returned)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import list_devices'"),
    Symbol("contrib.eager.num_gpus", "TFC901",
           message="num_gpus: use len(tf.config.list_physical_devices('GPU'))",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import num_gpus'"),
    Symbol("contrib.eager.py_func", "TFC107", "py_function",
           source="TFE r1.15 tfe.py 'py_func = script_ops.eager_py_func'; the same object in TF 2.21"),
    Symbol("contrib.eager.defun", "TFC901",
           message="defun: use tf.function(f); unlike defun (which hoisted a tf.Variable created inside f and "
                   "created it once), tf.function raises ValueError when f creates a tf.Variable on each call: "
                   "create it outside f",
           source="TFE r1.15 tfe.py 'defun = _function_lib.defun'"),
    Symbol("contrib.eager.function", "TFC107", "function",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.def_function import function'; the same "
                  "object in TF 2.21"),
    Symbol("contrib.eager.make_template", "TFC107", "compat.v1.make_template",
           source="TFE r1.15 tfe.py 'make_template = template.make_template_internal'"),
    Symbol("contrib.eager.implicit_gradients", "TFC901",
           message="implicit_gradients: use tf.GradientTape: with tf.GradientTape() as t: loss = f(); grads = "
                   "t.gradient(loss, variables) (implicit_gradients returned [(grad, var)] pairs for every "
                   "trainable variable read)",
           source="TFE r1.15 tfe.py 'implicit_gradients = backprop.implicit_grad'"),
    Symbol("contrib.eager.implicit_value_and_gradients", "TFC901",
           message="implicit_value_and_gradients: use tf.GradientTape and return (loss, tape.gradient(loss, "
                   "variables))",
           source="TFE r1.15 tfe.py 'implicit_value_and_gradients = backprop.implicit_val_and_grad'"),
    Symbol("contrib.eager.gradients_function", "TFC901",
           message="gradients_function: use tf.GradientTape with tape.watch(x) on the (tensor) arguments and "
                   "tape.gradient(f(x), x)",
           source="TFE r1.15 tfe.py 'gradients_function = backprop.gradients_function'"),
    Symbol("contrib.eager.value_and_gradients_function", "TFC901",
           message="value_and_gradients_function: use tf.GradientTape with tape.watch(x) and return (y, "
                   "tape.gradient(y, x))",
           source="TFE r1.15 tfe.py 'value_and_gradients_function = backprop.val_and_grad_function'"),
    Symbol("contrib.eager.GradientTape", "TFC107", "GradientTape",
           source="TFE r1.15 tfe.py 'GradientTape = backprop.GradientTape  # pylint: disable=invalid-name'; the"
                  " same object in TF 2.21"),
    Symbol("contrib.eager.run", "TFC107", "compat.v1.app.run",
           source="TFE r1.15 tfe.py 'from tensorflow.python.framework.ops import eager_run as run'"),
    Symbol("contrib.eager.enable_eager_execution", "TFC107", "compat.v1.enable_eager_execution",
           source="TFE r1.15 tfe.py 'from tensorflow.python.framework.ops import enable_eager_execution'; the "
                  "same object in TF 2.21"),
    Symbol("contrib.eager.enable_remote_eager_execution", "TFC901",
           message="enable_remote_eager_execution: eager is on by default; connect to the remote servers with "
                   "tf.config.experimental_connect_to_cluster(cluster_spec_or_resolver) or "
                   "tf.config.experimental_connect_to_host(address)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.framework.ops import "
                  "enable_eager_execution_internal as enable_remote_eager_execution'"),
    Symbol("contrib.eager.custom_gradient", "TFC107", "custom_gradient",
           source="TFE r1.15 tfe.py 'from tensorflow.python.ops.custom_gradient import custom_gradient'; the "
                  "same object in TF 2.21"),
    Symbol("contrib.eager.add_execution_callback", "TFC901",
           message="add_execution_callback: TF 2 has no per-op execution callbacks; to stop on inf/nan call "
                   "tf.debugging.enable_check_numerics() (and tf.debugging.disable_check_numerics() to undo it)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import "
                  "add_execution_callback'"),
    Symbol("contrib.eager.clear_execution_callbacks", "TFC901",
           message="clear_execution_callbacks: call tf.debugging.disable_check_numerics() if "
                   "tf.debugging.enable_check_numerics() replaced the callbacks",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import "
                  "clear_execution_callbacks'"),
    Symbol("contrib.eager.errstate", "TFC901",
           message="errstate: TF 2 has no per-op execution callbacks; to stop on inf/nan call "
                   "tf.debugging.enable_check_numerics() (and tf.debugging.disable_check_numerics() to undo it)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import errstate'"),
    Symbol("contrib.eager.ExecutionCallback", "TFC901",
           message="ExecutionCallback: TF 2 has no per-op execution callbacks; to stop on inf/nan call "
                   "tf.debugging.enable_check_numerics() (and tf.debugging.disable_check_numerics() to undo it)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import ExecutionCallback'"),
    Symbol("contrib.eager.inf_callback", "TFC901",
           message="inf_callback: TF 2 has no per-op execution callbacks; to stop on inf/nan call "
                   "tf.debugging.enable_check_numerics() (and tf.debugging.disable_check_numerics() to undo it)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import inf_callback'"),
    Symbol("contrib.eager.inf_nan_callback", "TFC901",
           message="inf_nan_callback: TF 2 has no per-op execution callbacks; to stop on inf/nan call "
                   "tf.debugging.enable_check_numerics() (and tf.debugging.disable_check_numerics() to undo it)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import inf_nan_callback'"),
    Symbol("contrib.eager.nan_callback", "TFC901",
           message="nan_callback: TF 2 has no per-op execution callbacks; to stop on inf/nan call "
                   "tf.debugging.enable_check_numerics() (and tf.debugging.disable_check_numerics() to undo it)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import nan_callback'"),
    Symbol("contrib.eager.seterr", "TFC901",
           message="seterr: TF 2 has no per-op execution callbacks; to stop on inf/nan call "
                   "tf.debugging.enable_check_numerics() (and tf.debugging.disable_check_numerics() to undo it)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.execution_callbacks import seterr'"),
    Symbol("contrib.eager.Iterator", "TFC901",
           message="Iterator: use iter(dataset) (a checkpointable tf.data iterator; unlike tfe.Iterator it does"
                   " not copy the dataset to the current GPU device, and it is not an instance of a tfe class)",
           source="TFE r1.15 tfe.py 'from tensorflow.contrib.eager.python.datasets import Iterator'"),
    Symbol("contrib.eager.Variable", "TFC107", "Variable",
           source="TFE r1.15 tfe.py 'from tensorflow.python.ops.resource_variable_ops import ResourceVariable "
                  "as Variable'"),
    Symbol("contrib.eager.get_optimizer_variables", "TFC107", "",
           source="TFE r1.15 tfe.py 'from tensorflow.contrib.eager.python.saver import get_optimizer_variables'"),
    Symbol("contrib.eager.EagerVariableStore", "TFC901",
           message="EagerVariableStore: own the variables in a tf.Module (create tf.Variable attributes once, "
                   "read module.variables); tf.compat.v1.keras.utils.track_tf1_style_variables does not exist "
                   "with Keras 3",
           source="TFE r1.15 tfe.py 'from tensorflow.python.ops.variable_scope import EagerVariableStore'"),
    Symbol("contrib.eager.Network", "TFC901",
           message="Network: subclass tf.keras.Model (track_layer(l) becomes plain attribute assignment); its "
                   "variables get other names and checkpoint keys",
           source="TFE r1.15 tfe.py 'from tensorflow.contrib.eager.python.network import Network'"),
    Symbol("contrib.eager.Sequential", "TFC901",
           message="Sequential: use tf.keras.Sequential([layers...]) (tfe.Sequential also accepted plain "
                   "callables; Keras needs Layers, e.g. tf.keras.layers.Lambda(fn))",
           source="TFE r1.15 tfe.py 'from tensorflow.contrib.eager.python.network import Sequential'"),
    Symbol("contrib.eager.executing_eagerly", "TFC107", "executing_eagerly",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import executing_eagerly'; the same "
                  "object in TF 2.21"),
    Symbol("contrib.eager.in_eager_mode", "TFC107", "executing_eagerly",
           source="TFE r1.15 tfe.py 'in_eager_mode = executing_eagerly'; the same object in TF 2.21"),
    Symbol("contrib.eager.set_execution_mode", "TFC901",
           message="set_execution_mode: use tf.config.experimental.set_synchronous_execution(mode == SYNC) "
                   "(process-wide, not per thread)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import set_execution_mode'"),
    Symbol("contrib.eager.execution_mode", "TFC901",
           message="execution_mode: no public scoped form: call "
                   "tf.config.experimental.set_synchronous_execution(...) before and after the block",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import execution_mode'"),
    Symbol("contrib.eager.async_wait", "TFC901",
           message="async_wait: TF 2.21 exports no async_wait; with synchronous execution (the default) drop "
                   "the call; to wait for queued device work use tf.test.experimental.sync_devices()",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import async_wait'"),
    Symbol("contrib.eager.async_clear_error", "TFC107", "experimental.async_clear_error",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import async_clear_error'; the same "
                  "object in TF 2.21"),
    Symbol("contrib.eager.set_server_def", "TFC901",
           message="set_server_def: use tf.config.experimental_connect_to_cluster(tf.train.ClusterSpec(...)) "
                   "instead of building a ServerDef",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import set_server_def'"),
    Symbol("contrib.eager.run_test_in_graph_and_eager_modes", "TFC901",
           message="run_test_in_graph_and_eager_modes: TF 2 tests run eagerly: drop the decorator from "
                   "tf.test.TestCase methods (wrap the body in tf.function to also test graph behaviour)",
           source="TFE r1.15 tfe.py 'from tensorflow.python.framework.test_util import "
                  "run_in_graph_and_eager_modes as run_test_in_graph_and_eager_modes'"),
    Symbol("contrib.eager.run_all_tests_in_graph_and_eager_modes", "TFC901",
           message="run_all_tests_in_graph_and_eager_modes: TF 2 tests run eagerly: drop the class decorator "
                   "from the tf.test.TestCase subclass",
           source="TFE r1.15 tfe.py 'from tensorflow.python.framework.test_util import "
                  "run_all_in_graph_and_eager_modes as run_all_tests_in_graph_and_eager_modes'"),
    Symbol("contrib.eager.TensorSpec", "TFC107", "TensorSpec",
           source="TFE r1.15 tfe.py 'from tensorflow.python.framework.tensor_spec import TensorSpec'; the same "
                  "object in TF 2.21"),
    Symbol("contrib.eager.connect_to_remote_host", "TFC107", "config.experimental_connect_to_host",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.remote import connect_to_remote_host'; the "
                  "same object in TF 2.21"),
    Symbol("contrib.eager.DEVICE_PLACEMENT_EXPLICIT", "TFC901",
           message="DEVICE_PLACEMENT_EXPLICIT: pass the string to "
                   "tf.config.experimental.set_device_policy('explicit') instead of the constant",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import DEVICE_PLACEMENT_EXPLICIT'"),
    Symbol("contrib.eager.DEVICE_PLACEMENT_WARN", "TFC901",
           message="DEVICE_PLACEMENT_WARN: pass the string to tf.config.experimental.set_device_policy('warn') "
                   "instead of the constant",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import DEVICE_PLACEMENT_WARN'"),
    Symbol("contrib.eager.DEVICE_PLACEMENT_SILENT", "TFC901",
           message="DEVICE_PLACEMENT_SILENT: pass the string to "
                   "tf.config.experimental.set_device_policy('silent') instead of the constant",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import DEVICE_PLACEMENT_SILENT'"),
    Symbol("contrib.eager.SYNC", "TFC901",
           message="SYNC: use tf.config.experimental.set_synchronous_execution(True) instead of the mode "
                   "constant",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import SYNC'"),
    Symbol("contrib.eager.ASYNC", "TFC901",
           message="ASYNC: use tf.config.experimental.set_synchronous_execution(False) instead of the mode "
                   "constant",
           source="TFE r1.15 tfe.py 'from tensorflow.python.eager.context import ASYNC'"),
    Symbol("contrib.eager.metrics.Metric", "TFC901",
           message="Metric: subclass tf.keras.metrics.Metric (update_state/result/reset_state instead of "
                   "build/call/result/init_variables/aggregate); Keras 3 metrics are not trackable, so they "
                   "cannot go into a tf.train.Checkpoint",
           source="TFE r1.15 metrics_impl.py 'class Metric(trackable.Trackable):'"),
    Symbol("contrib.eager.metrics.Mean", "TFC901",
           message="Mean: use tf.keras.metrics.Mean(dtype='float64'): m.update_state(values, sample_weight=w); "
                   "m.result() (tfe's result() also wrote a summary); Keras 3 metrics are not trackable, so "
                   "they cannot go into a tf.train.Checkpoint",
           source="TFE r1.15 metrics_impl.py 'class Mean(Metric):'"),
    Symbol("contrib.eager.metrics.Accuracy", "TFC901",
           message="Accuracy: use tf.keras.metrics.Accuracy(dtype='float64'): update_state(labels, predictions,"
                   " sample_weight=w); Keras 3 metrics are not trackable, so they cannot go into a "
                   "tf.train.Checkpoint",
           source="TFE r1.15 metrics_impl.py 'class Accuracy(Mean):'"),
    Symbol("contrib.eager.metrics.CategoricalAccuracy", "TFC901",
           message="CategoricalAccuracy: use tf.keras.metrics.CategoricalAccuracy(dtype='float64'): "
                   "update_state(labels, predictions, sample_weight=w); Keras 3 metrics are not trackable, so "
                   "they cannot go into a tf.train.Checkpoint",
           source="TFE r1.15 metrics_impl.py 'class CategoricalAccuracy(Mean):'"),
    Symbol("contrib.eager.metrics.BinaryAccuracy", "TFC901",
           message="BinaryAccuracy: use tf.keras.metrics.BinaryAccuracy(threshold=t, dtype='float64') "
                   "(threshold is keyword-only there in practice: its positional order is (name, dtype, "
                   "threshold), tfe's was (threshold, name, dtype)); Keras 3 metrics are not trackable, so they"
                   " cannot go into a tf.train.Checkpoint",
           source="TFE r1.15 metrics_impl.py 'class BinaryAccuracy(Mean):'"),
    Symbol("contrib.eager.metrics.SparseAccuracy", "TFC901",
           message="SparseAccuracy: use tf.keras.metrics.SparseCategoricalAccuracy(dtype='float64'); Keras 3 "
                   "metrics are not trackable, so they cannot go into a tf.train.Checkpoint",
           source="TFE r1.15 metrics_impl.py 'class SparseAccuracy(Mean):'"),
)

# Internal module paths of TF 1.x contrib packages, by the public module that re-exports all of their checkpoint
# names under the same names (each checked in the 1.12-1.15 sources: contrib/framework/__init__.py star-imports
# python/framework and python/ops, contrib/training/__init__.py imports evaluation's, tfe.py imports saver's,
# network's, datasets'; contrib/checkpoint/__init__.py imports each submodule's).
INTERNAL_MODULES: Mapping[str, str] = MappingProxyType({
    "contrib.eager.python.tfe": "contrib.eager",
    "contrib.eager.python.saver": "contrib.eager",
    "contrib.eager.python.network": "contrib.eager",
    "contrib.eager.python.datasets": "contrib.eager",
    "contrib.eager.python.metrics_impl": "contrib.eager.metrics",
    "contrib.eager.python.metrics": "contrib.eager.metrics",
    "contrib.checkpoint.python.containers": "contrib.checkpoint",
    "contrib.checkpoint.python.python_state": "contrib.checkpoint",
    "contrib.checkpoint.python.split_dependency": "contrib.checkpoint",
    "contrib.checkpoint.python.visualize": "contrib.checkpoint",
    "contrib.framework.python.framework.checkpoint_utils": "contrib.framework",
    "contrib.framework.python.framework": "contrib.framework",
    "contrib.framework.python.ops.variables": "contrib.framework",
    "contrib.framework.python.ops": "contrib.framework",
    "contrib.training.python.training.evaluation": "contrib.training",
    "contrib.slim.python.slim.evaluation": "contrib.slim.evaluation",
    "contrib.saved_model.python.saved_model.keras_saved_model": "contrib.saved_model",
})
# Public names that are another row's function under another module (contrib/slim/__init__.py star-imports
# framework's python/ops/variables; slim/python/slim/evaluation.py assigns contrib.training's functions). Only the
# lookup goes through this; findings keep the name the user wrote (`tf.contrib.slim...`).
REEXPORTS: Mapping[str, str] = MappingProxyType({
    "contrib.slim.assign_from_checkpoint": "contrib.framework.assign_from_checkpoint",
    "contrib.slim.assign_from_checkpoint_fn": "contrib.framework.assign_from_checkpoint_fn",
    "contrib.slim.get_variables_to_restore": "contrib.framework.get_variables_to_restore",
    "contrib.slim.evaluation.checkpoints_iterator": "contrib.training.checkpoints_iterator",
    "contrib.slim.evaluation.wait_for_new_checkpoint": "contrib.training.wait_for_new_checkpoint",
})

_INTERNAL_LONGEST_FIRST = sorted(INTERNAL_MODULES.items(), key=lambda item: -len(item[0]))

BY_NAME: Mapping[str, Symbol] = MappingProxyType({symbol.contrib: symbol for symbol in SYMBOLS})
# The last part of every row's name: a contrib path ending in one that matches no row is worth a word to the user.
SYMBOL_NAMES = frozenset(symbol.contrib.rsplit(".", 1)[-1] for symbol in SYMBOLS)

# Modules whose import is part of checkpoint code; other contrib modules are only reported (TFC900).
CHECKPOINT_MODULES = frozenset({"contrib.eager", "contrib.checkpoint", "contrib.framework", "contrib.training",
                                "contrib.saved_model", "contrib.slim", "contrib"})


# Core TensorFlow classes whose constructions the checkpoint model follows, by path under `tensorflow.` (and under
# `tensorflow.compat.v1.` / `tensorflow.compat.v2.`): checkpoints, their managers, and the sessions a TF 1 file runs.
CORE_KINDS: Mapping[str, str] = MappingProxyType({
    "train.Checkpoint": "checkpoint",
    "train.CheckpointManager": "manager",
    "Session": "session",
    "InteractiveSession": "session",
    "train.MonitoredSession": "session",
    "train.MonitoredTrainingSession": "session",
    "train.SingularMonitoredSession": "session",
    "train.Saver": "saver",
})


@functools.lru_cache(maxsize=4096)
def kind_of(qualified: str) -> str | None:
    """What a call of `qualified` constructs, for the checkpoint model: one answer for contrib and core names."""
    for prefix in ("tensorflow.compat.v1.", "tensorflow.compat.v2.", "tensorflow."):
        if qualified.startswith(prefix):
            kind = CORE_KINDS.get(qualified[len(prefix):])
            if kind is not None:
                return kind
            break
    symbol = lookup(qualified)
    return symbol.kind if symbol is not None else None


@functools.lru_cache(maxsize=4096)
def canonical(qualified: str) -> str | None:
    """`tensorflow.compat.v1.contrib.eager.python.tfe.Checkpoint` -> `contrib.eager.Checkpoint`; non-contrib -> None.

    Internal module paths become the public module that re-exports them. Remembered: the rules ask it of every
    resolved reference, and a codebase spells the same few dozen names."""
    for prefix in ("tensorflow.compat.v1.", "tensorflow."):
        if qualified.startswith(prefix):
            rest = qualified[len(prefix):]
            break
    else:
        return None
    if rest != "contrib" and not rest.startswith("contrib."):
        return None
    if ".python." in rest or rest.endswith(".python"):
        for internal, public in _INTERNAL_LONGEST_FIRST:  # python.framework.checkpoint_utils before python.framework
            if rest == internal or rest.startswith(internal + "."):
                return public + rest[len(internal):]
    return rest


def public_name(qualified: str) -> str:
    """The name a user can look up (`contrib.slim.learning.create_train_op`, `train.Checkpoint`), without `tf.`."""
    contrib = canonical(qualified)
    if contrib is not None:
        return contrib
    for prefix in ("tensorflow.", "keras."):
        if qualified.startswith(prefix):
            return qualified[len(prefix):] if prefix == "tensorflow." else qualified
    return qualified


@functools.lru_cache(maxsize=4096)
def lookup(qualified: str) -> Symbol | None:
    name = canonical(qualified)
    if name is None:
        return None
    return BY_NAME.get(REEXPORTS.get(name, name))

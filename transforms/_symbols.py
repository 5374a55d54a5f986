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


def _kw(**renames: str) -> Mapping[str, str]:
    return MappingProxyType(renames)


_CKPT_DIR = _kw(checkpoint_dir="ckpt_dir_or_file")

SYMBOLS: tuple[Symbol, ...] = (
    # TFC101: checkpoint construction.
    Symbol("contrib.eager.Checkpoint", "TFC101", "train.Checkpoint",
           source="DOCS tf/train/Checkpoint.md r1.10: 'Aliases: tf.contrib.eager.Checkpoint, tf.train.Checkpoint'; "
                  "CKPT_PY def __init__(self, root=None, **kwargs)"),
    Symbol("contrib.checkpoint.Checkpoint", "TFC101", "train.Checkpoint",
           source="never exported by CKPT_INIT; written by users after a popular migration recipe (its Example 1), "
                  "whose intent is tf.train.Checkpoint"),
    # TFC102: checkpoint rotation.
    Symbol("contrib.checkpoint.CheckpointManager", "TFC102", "train.CheckpointManager",
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
           message="init_from_checkpoint still has TF 1 graph semantics (variable scopes, assignment_map); "
                   "in eager code prefer tf.train.Checkpoint(...).restore(...)",
           source="CF_INIT @@init_from_checkpoint; renames_v2 'tf.train.init_from_checkpoint': "
                  "'tf.compat.v1.train.init_from_checkpoint'"),
    Symbol("contrib.training.checkpoints_iterator", "TFC103", "train.checkpoints_iterator",
           source="ARV2 'tf.contrib.training.checkpoints_iterator': 'tf.train.checkpoints_iterator'"),
    # TFC104: Python state in checkpoints.
    Symbol("contrib.checkpoint.PythonStateWrapper", "TFC104", "train.experimental.PythonState",
           source="CKPT_INIT r1.14 'PythonState as PythonStateWrapper'; @tf_export('train.experimental.PythonState')"),
    # TFC901: no faithful TF 2 home: report with what to do instead.
    Symbol("contrib.eager.Saver", "TFC901",
           message="tf.contrib.eager.Saver has no TF 2 equivalent that keeps its semantics; port to "
                   "tf.train.Checkpoint by hand (it reads name-based checkpoints too)",
           source="SAVER class Saver: 'Please switch to tf.train.Checkpoint or tf.keras.Model.save_weights'"),
    Symbol("contrib.eager.restore_variables_on_create", "TFC901",
           message="restore_variables_on_create has no TF 2 equivalent; tf.train.Checkpoint(...).restore(path) "
                   "restores variables as they are created",
           source="SAVER def restore_variables_on_create"),
    Symbol("contrib.eager.save_network_checkpoint", "TFC901",
           message="save_network_checkpoint was removed; use model.save_weights(path) or "
                   "tf.train.Checkpoint(model=model).save(path)",
           source="DOCS tf/contrib/eager/save_network_checkpoint.md r1.9"),
    Symbol("contrib.eager.restore_network_checkpoint", "TFC901",
           message="restore_network_checkpoint was removed; use model.load_weights(path)",
           source="DOCS tf/contrib/eager/restore_network_checkpoint.md r1.14"),
    Symbol("contrib.eager.CheckpointableSaver", "TFC901",
           message="CheckpointableSaver has no public TF 2 class; use tf.train.Checkpoint(root=obj) with "
                   ".write(prefix) / .read(path) (not Checkpoint(x=obj), which changes the checkpoint keys)",
           source="DOCS tf/contrib/eager/CheckpointableSaver.md; CKPT_PY Checkpoint.read docstring"),
    Symbol("contrib.eager.Checkpointable", "TFC901",
           message="Checkpointable is gone; subclass tf.Module (or tf.train.Checkpoint) instead",
           source="DOCS tf/contrib/checkpoint/Checkpointable.md r1.14 aliases"),
    Symbol("contrib.checkpoint.Checkpointable", "TFC901",
           message="Checkpointable is gone; subclass tf.Module (or tf.train.Checkpoint) instead",
           source="CKPT_INIT r1.14 'AutoTrackable as Checkpointable'"),
    Symbol("contrib.checkpoint.CheckpointableBase", "TFC901",
           message="CheckpointableBase has no public TF 2 class; subclass tf.Module instead",
           source="CKPT_INIT r1.14 'Trackable as CheckpointableBase'"),
    Symbol("contrib.checkpoint.CheckpointableObjectGraph", "TFC901",
           message="CheckpointableObjectGraph has no public TF 2 API; read checkpoints with "
                   "tf.train.load_checkpoint or tf.train.CheckpointView",
           source="CKPT_INIT r1.14 'TrackableObjectGraph as CheckpointableObjectGraph'"),
    Symbol("contrib.checkpoint.NoDependency", "TFC901",
           message="NoDependency has no public TF 2 symbol; keep the value out of tracked attributes by hand",
           source="CKPT_INIT @@NoDependency"),
    Symbol("contrib.checkpoint.split_dependency", "TFC901",
           message="split_dependency has no TF 2 equivalent; restructure the saved state by hand",
           source="CKPT_INIT @@split_dependency"),
    Symbol("contrib.checkpoint.List", "TFC901",
           message="tf.contrib.checkpoint.List is gone; use a plain list assigned to a tf.Module attribute "
                   "(TF 2 tracks it)",
           source="CKPT_INIT @@List"),
    Symbol("contrib.checkpoint.Mapping", "TFC901",
           message="tf.contrib.checkpoint.Mapping is gone; use a plain dict assigned to a tf.Module attribute "
                   "(TF 2 tracks it)",
           source="CKPT_INIT @@Mapping"),
    Symbol("contrib.checkpoint.UniqueNameTracker", "TFC901",
           message="UniqueNameTracker has no TF 2 equivalent; track the objects in a list or dict by hand",
           source="CKPT_INIT @@UniqueNameTracker"),
    Symbol("contrib.checkpoint.NumpyState", "TFC901",
           message="NumpyState has no public TF 2 class; wrap the arrays in tf.train.experimental.PythonState",
           source="CKPT_INIT r1.14 @@NumpyState"),
    Symbol("contrib.checkpoint.list_objects", "TFC901",
           message="list_objects has no public TF 2 equivalent; inspect with tf.train.CheckpointView",
           source="CKPT_INIT r1.14 list_objects"),
    Symbol("contrib.checkpoint.object_metadata", "TFC901",
           message="object_metadata has no TF 2 equivalent; use tf.train.CheckpointView(save_path) "
                   "(it returns a view, not a proto)",
           source="CKPT_INIT object_metadata; tensorflow/python/checkpoint/checkpoint_view.py"),
    Symbol("contrib.checkpoint.capture_dependencies", "TFC901",
           message="capture_dependencies has no TF 2 equivalent; use tf.compat.v1.make_template directly",
           source="CKPT_INIT r1.14 capture_dependencies docstring"),
    Symbol("contrib.checkpoint.dot_graph_from_checkpoint", "TFC901",
           message="dot_graph_from_checkpoint has no TF 2 equivalent; inspect with tf.train.CheckpointView",
           source="CKPT_INIT @@dot_graph_from_checkpoint"),
    Symbol("contrib.framework.get_variables_to_restore", "TFC901",
           message="get_variables_to_restore is gone; use tf_slim.get_variables_to_restore or build a "
                   "tf.train.Checkpoint of the objects to restore",
           source="CF_INIT @@get_variables_to_restore"),
    Symbol("contrib.framework.assign_from_checkpoint", "TFC901",
           message="assign_from_checkpoint is gone; use tf_slim.assign_from_checkpoint or "
                   "tf.train.Checkpoint(...).restore(path)",
           source="CF_INIT @@assign_from_checkpoint"),
    Symbol("contrib.framework.assign_from_checkpoint_fn", "TFC901",
           message="assign_from_checkpoint_fn is gone; use tf_slim.assign_from_checkpoint_fn or "
                   "tf.train.Checkpoint(...).restore(path)",
           source="CF_INIT @@assign_from_checkpoint_fn"),
    Symbol("contrib.saved_model.save_keras_model", "TFC901",
           message="save_keras_model is gone (tf.compat.v1.keras.experimental.export_saved_model too); "
                   "use tf.saved_model.save(model, path) or model.save(path)",
           source="ARV2 rename target removed from TF 2.21; the popular migration recipe's Example 3"),
    Symbol("contrib.saved_model.load_keras_model", "TFC901",
           message="load_keras_model is gone; use tf.saved_model.load(path) or tf.keras.models.load_model(path)",
           source="ARV2 rename target removed from TF 2.21; the popular migration recipe's Example 3"),
)

# Modules that re-export rows above under another name: slim carries the framework checkpoint helpers.
MODULE_ALIASES: Mapping[str, str] = MappingProxyType({
    "contrib.eager.python.tfe": "contrib.eager",
    "contrib.slim": "contrib.framework",
    "contrib.checkpoint.python": "contrib.checkpoint",
})

BY_NAME: Mapping[str, Symbol] = MappingProxyType({symbol.contrib: symbol for symbol in SYMBOLS})

# Modules whose import is part of checkpoint code; other contrib modules are only reported (TFC900).
CHECKPOINT_MODULES = frozenset({"contrib.eager", "contrib.checkpoint", "contrib.framework", "contrib.training",
                                "contrib.saved_model", "contrib.slim", "contrib"})


@functools.lru_cache(maxsize=4096)
def canonical(qualified: str) -> str | None:
    """`tensorflow.compat.v1.contrib.eager.python.tfe.Checkpoint` -> `contrib.eager.Checkpoint`; non-contrib -> None.

    Remembered: the rules ask it of every resolved reference, and a codebase spells the same few dozen names."""
    for prefix in ("tensorflow.compat.v1.", "tensorflow."):
        if qualified.startswith(prefix):
            rest = qualified[len(prefix):]
            break
    else:
        return None
    if rest != "contrib" and not rest.startswith("contrib."):
        return None
    for alias, target in MODULE_ALIASES.items():
        if rest == alias or rest.startswith(alias + "."):
            return target + rest[len(alias):]
    return rest


def lookup(qualified: str) -> Symbol | None:
    name = canonical(qualified)
    return BY_NAME.get(name) if name else None

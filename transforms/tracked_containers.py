"""TFC106: contrib `List(x)` / `Mapping(d)` held by a checkpoint or a `tf.Module` -> `list(x)` / `dict(d)`.

TF 2 tracks a plain `list` or `dict` assigned to a `tf.Module` attribute, or given to a `tf.train.Checkpoint`, just
as contrib's `List` and `Mapping` were tracked, with the same checkpoint keys (`metrics/0/...`, `table/a/...`);
`tests/test_tracked_containers_tf.py` shows it with the very classes contrib exported. So there, and only there,
the wrapper goes. Keras 3 layers and models do not checkpoint their list attributes at all, and a container kept
anywhere else may end up anywhere: those are reported (TFC901), as are `NoDependency`, `UniqueNameTracker` and
`NumpyState`, which have no TF 2 class.
"""

from __future__ import annotations

import ast

from ._analysis import Ref, dotted
from ._context import MigrationContext, display
from ._rule import Rule

_BUILTIN = {"contrib.checkpoint.List": "list", "contrib.checkpoint.Mapping": "dict"}
# Classes whose instances track plain containers in their attributes (TF 2's and TF 1's AutoTrackable family).
_TRACKING_BASES = frozenset({"Module", "train.Checkpoint", "contrib.checkpoint.Checkpointable",
                             "contrib.eager.Checkpointable", "contrib.eager.Checkpoint"})


class TrackedContainers(Rule):
    CODE = "TFC106"
    NAME = "contrib-tracked-containers"
    SUMMARY = "tf.contrib.checkpoint.List / Mapping held by a checkpoint or a tf.Module become plain list / dict"
    VALID = ("import tensorflow as tf\n\nclass M(tf.Module):\n    def __init__(self):\n        self.xs = []\n",)
    INVALID = (
        (
            "import tensorflow as tf\n\nclass Metrics(tf.Module):\n    def __init__(self, values):\n"
            "        super().__init__()\n        self.values = tf.contrib.checkpoint.List(values)\n"
            "        self.table = tf.contrib.checkpoint.Mapping()\n",
            "import tensorflow as tf\n\nclass Metrics(tf.Module):\n    def __init__(self, values):\n"
            "        super().__init__()\n        self.values = list(values)\n        self.table = dict()\n",
        ),
        (
            "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(metrics=tf.contrib.checkpoint.List([a, b]))\n",
            "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(metrics=list([a, b]))\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        for ref in context.analysis.refs:
            builtin = _BUILTIN.get(ref.contrib or "")
            if builtin is None or ref.call is None or ref.binding.guarded:
                continue
            holder = _holder(context, ref)
            if holder is not None:
                context.report(cls.CODE, ref.node, f"{display(ref)} is kept: {holder}; "
                               f"{ref.symbol.message if ref.symbol else ''}".rstrip("; "))
                continue
            if not context.analysis.is_builtin(builtin, ref.scope):
                context.report(cls.CODE, ref.node, f"{display(ref)} would become {builtin}(...), but `{builtin}` is "
                               "bound to something else here; rewrite it by hand")
                continue
            context.replace_with(ref.node, builtin)


def _holder(context: MigrationContext, ref: Ref) -> str | None:
    """Why the container's holder may not track a plain list/dict the same way; None when it certainly does."""
    analysis = context.analysis
    call = ref.call
    assert call is not None
    parent = analysis.parent(call)
    if isinstance(parent, ast.keyword) and parent.arg is not None:
        owner = analysis.parent(parent)
        construction = context.checkpoints.construction(owner) if owner is not None else None
        if construction is not None and construction.kind == "checkpoint":
            return None
        return "it is passed to something the tool does not know to be a checkpoint"
    if isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1:
        target = dotted(parent.targets[0]) or ""
        cls = ref.scope.enclosing_class
        if target.startswith("self.") and target.count(".") == 1 and cls is not None:
            bases = [_base_name(context, base) for base in cls.node.bases]  # type: ignore[attr-defined]
            if any(base in _TRACKING_BASES for base in bases):
                return None
            if any(base is not None and "keras" in base.lower() for base in bases):
                return "Keras 3 layers and models do not save list attributes in checkpoints"
            return "its class is not known to be a tf.Module"
    return "it is not held by a tf.Module attribute or a tf.train.Checkpoint"


def _base_name(context: MigrationContext, base: ast.expr) -> str | None:
    for ref in context.analysis.refs:
        if ref.node is base:
            return ref.contrib or ref.qualified.removeprefix("tensorflow.").removeprefix("compat.v1.")
    return dotted(base)

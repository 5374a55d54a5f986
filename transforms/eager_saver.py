"""TFC105: `tfe.Saver(var_list)` -> `tf.compat.v1.train.Saver(var_list)`, with every call on it made the same call.

`tf.contrib.eager.Saver` was a thin wrapper over TF 1's name-based Saver: `save(file_prefix, global_step=None)`
called `save(None, file_prefix, write_meta_graph=False, global_step=global_step)` and `restore(file_prefix)` called
`restore(None, file_prefix)` (contrib/eager/python/saver.py). TF 2.21 still has that Saver as
`tf.compat.v1.train.Saver`, which works eagerly and reads and writes the same checkpoints (the variables' names are
the keys, `prefix-<step>` the files), so writing the wrapper's calls out is the faithful migration; porting to
`tf.train.Checkpoint` would change the format on disk.

Only when every use of the saver is known: the construction is bound to a name (or `self.x`) whose every read is
the receiver of a `save`/`restore` call, or is itself the receiver of one. And not for a model's own variable
lists (`model.variables`, `.weights`, ...): Keras 3 variables all save under one key there, silently; those are
reported with the form that works.
"""

from __future__ import annotations

import ast

from ._analysis import dotted
from ._checkpoints import Construction
from ._context import MigrationContext, display
from ._rename import names_the_symbol
from ._rule import Rule

_KERAS_VARIABLE_LISTS = frozenset({"variables", "trainable_variables", "non_trainable_variables", "weights",
                                   "trainable_weights", "non_trainable_weights"})
_RENAMES = (("file_prefix", "save_path"),)


class EagerSaver(Rule):
    CODE = "TFC105"
    NAME = "contrib-eager-saver"
    SUMMARY = "tfe.Saver becomes tf.compat.v1.train.Saver, and its save/restore calls the calls it made"
    VALID = ("import tensorflow as tf\nsaver = tf.compat.v1.train.Saver([w])\nsaver.save(None, p)\n",)
    INVALID = (
        (
            "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nsaver = tfe.Saver([w, b])\n"
            "saver.save(prefix, global_step=step)\nsaver.restore(path)\n",
            "import tensorflow as tf\n\nsaver = tf.compat.v1.train.Saver([w, b])\n"
            "saver.save(None, prefix, global_step=step, write_meta_graph=False)\nsaver.restore(None, path)\n",
        ),
        (
            "import tensorflow as tf\n\ntf.contrib.eager.Saver(var_list=variables).save(file_prefix=p)\n",
            "import tensorflow as tf\n\n"
            "tf.compat.v1.train.Saver(var_list=variables).save(None, save_path=p, write_meta_graph=False)\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        model = context.checkpoints
        for saver in model.of_kind("eager_saver"):
            ref = saver.ref
            if ref.binding.guarded or names_the_symbol(ref) or ref.contrib is None:
                continue
            problem = _why_not(context, saver)
            if problem is not None:
                context.report(cls.CODE, ref.node, f"{display(ref)} is kept: {problem}")
                continue
            calls = model.calls_on(saver, "save", "restore")
            # The construction and its calls are one rewrite: a noqa on any of them keeps them all.
            if context.hold_group(ref.node, [m.call for m in calls], display(ref)):
                continue
            if not context.replace_ref(ref, "compat.v1.train.Saver", cls.CODE):
                continue
            for method_call in calls:
                call = method_call.call
                context.rename_keywords(call, dict(_RENAMES))
                context.insert_args(call, 0, ["None"])
                if method_call.method == "save":
                    context.append_args(call, ["write_meta_graph=False"])


def _why_not(context: MigrationContext, saver: Construction) -> str | None:
    """Why the saver cannot be migrated exactly, or None."""
    call = saver.call
    arguments = [*call.args, *call.keywords]
    if len(arguments) != 1 or isinstance(call.args[0] if call.args else None, ast.Starred) or (
            call.keywords and call.keywords[0].arg != "var_list"):
        return "its construction does not pass exactly one var_list"
    value = call.args[0] if call.args else call.keywords[0].value
    name = dotted(value) or ""
    if name.rsplit(".", 1)[-1] in _KERAS_VARIABLE_LISTS and "." in name:
        return (f"if {name} holds Keras 3 variables, a name-based Saver saves them all under one key; use "
                f"tf.compat.v1.train.Saver({{v.path: v.value for v in {name}}}) and its save(None, prefix, "
                "write_meta_graph=False) / restore(None, path), or port to tf.train.Checkpoint")
    uses = _uses(context, saver)
    if uses is None:
        return "it is used where the tool cannot follow it (only save and restore calls on it can be rewritten)"
    for method_call in uses:
        args = method_call.call.args
        if any(isinstance(a, ast.Starred) for a in args) or any(k.arg is None for k in method_call.call.keywords):
            return f"a {method_call.method}() call passes *args or **kwargs"
        allowed = {"save": {"file_prefix", "global_step"}, "restore": {"file_prefix"}}[method_call.method]
        if any(k.arg not in allowed for k in method_call.call.keywords) or len(args) > len(allowed):
            return f"a {method_call.method}() call passes arguments tfe.Saver did not take"
    return None


def _uses(context: MigrationContext, saver: Construction) -> list | None:  # type: ignore[type-arg]
    """The save/restore calls on the saver, if those are all its uses; None when it is used otherwise too."""
    model = context.checkpoints
    analysis = context.analysis
    calls = model.calls_on(saver)
    if any(m.method not in ("save", "restore") for m in calls):
        return None
    receivers = {id(m.receiver) for m in calls}
    parent = analysis.parent(call := saver.call)
    if isinstance(parent, ast.Attribute) and parent.value is call:
        return calls  # `tfe.Saver(v).save(p)`: the construction is the receiver
    if not isinstance(parent, (ast.Assign, ast.AnnAssign)) or getattr(parent, "value", None) is not call:
        return None
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
    if len(targets) != 1:
        return None
    target = targets[0]
    reads: list[ast.expr]
    if isinstance(target, ast.Name):
        owner = analysis.owner(target.id, saver.scope)
        reads = [load.node for load in analysis.loads.get(target.id, ()) if analysis.owner(target.id, load.scope)
                 is owner]
    else:
        key = dotted(target)
        owner_class = saver.scope.enclosing_class
        if key is None or owner_class is None or not key.startswith("self."):
            return None
        reads = [node for node in ast.walk(owner_class.node) if isinstance(node, ast.Attribute)
                 and isinstance(node.ctx, ast.Load) and dotted(node) == key]
    if any(id(read) not in receivers for read in reads):
        return None
    return calls

"""TFC303: a restore into a subclassed Keras model that has not been built yet: reported, since Keras 3 loses it.

TF 1's eager code (TensorFlow's own tfe examples among it) restores a checkpoint into a freshly constructed
subclassed Keras model before its first call, relying on deferred restoration. With TF 2.21 and Keras 3 that
silently restores nothing into the layers built later: the weights stay as initialized, nothing is printed, and only
`assert_consumed()` fails (tests/test_keras_deferred_restore_tf.py shows it, and that building first fixes it).
So where a restore's checkpoint holds a model of a `keras.Model` (or `Layer`) subclass of this file, constructed in
the same scope and not read between its construction and the restore (a call, `build`, `fit` or anything else may
build it), the restore is reported with the fix.
"""

from __future__ import annotations

import ast

from ._analysis import ModuleAnalysis, Scope
from ._checkpoints import Construction
from ._context import MigrationContext, Span
from ._rule import Rule

_KERAS_BASES = ("keras.Model", "keras.models.Model", "keras.layers.Layer", "keras.Layer")


class KerasDeferredRestore(Rule):
    CODE = "TFC303"
    NAME = "restore-into-unbuilt-keras-model"
    SUMMARY = ("a restore into a subclassed Keras model not built yet: Keras 3 does not defer it, so call the "
               "model on one batch first")
    AUTOFIX = False
    TRIGGERS = ((b"keras", b"restore"),)
    VALID = (
        "import tensorflow as tf\n\nclass Net(tf.keras.Model):\n    pass\n\nmodel = Net()\nmodel(x)\n"
        "tf.train.Checkpoint(model=model).restore(path)\n",
    )
    INVALID = (
        ("import tensorflow as tf\n\nclass Net(tf.keras.Model):\n    pass\n\nmodel = Net()\n"
         "tf.train.Checkpoint(model=model).restore(path)\n",
         "import tensorflow as tf\n\nclass Net(tf.keras.Model):\n    pass\n\nmodel = Net()\n"
         "tf.train.Checkpoint(model=model).restore(path)\n"),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        model = context.checkpoints
        keras_classes = _keras_classes(context.analysis)
        if not keras_classes:
            return
        for site in model.of_kind("checkpoint"):
            for restore in model.calls_on(site, "restore"):
                for keyword in site.call.keywords:
                    found = _unbuilt(context, keyword.value, site, restore.call, keras_classes)
                    if found is not None:
                        name, line = found
                        anchor = Span.attribute_name(restore.call.func)  # type: ignore[arg-type]
                        context.report(cls.CODE, anchor, f"restores into `{name}`, a subclassed Keras model "
                                       f"constructed at line {line} and not called yet: Keras 3 does not defer the "
                                       "restore, so its layers keep their initial weights; call it on one batch first "
                                       f"({name}(batch)), then restore")


def _keras_classes(analysis: ModuleAnalysis) -> set[str]:
    """This file's module-level classes that derive (directly, or through each other) from a Keras model or layer."""
    bases_of: dict[str, list[ast.expr]] = {
        node.name: node.bases for node in analysis.tree.body if isinstance(node, ast.ClassDef)}
    keras_refs = {id(ref.node) for ref in analysis.refs
                  if any(ref.qualified.endswith(base) or ref.qualified == base for base in _KERAS_BASES)}
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, bases in bases_of.items():
            if name not in found and any(id(base) in keras_refs or (isinstance(base, ast.Name) and base.id in found)
                                         for base in bases):
                found.add(name)
                changed = True
    return found


def _unbuilt(context: MigrationContext, value: ast.expr, site: Construction, restore: ast.Call,
             classes: set[str]) -> tuple[str, int] | None:
    """(name, line) when `value` is a name certainly bound to a fresh, never-read model of one of `classes`."""
    if not isinstance(value, ast.Name):
        return None
    analysis = context.analysis
    owner = analysis.owner(value.id, site.scope)
    if owner is None or owner is not _scope_of(restore, context):
        return None
    events = owner.events[value.id]
    if len(events) != 1 or events[0].kind != "assign" or not isinstance(events[0].value, ast.Call):
        return None
    made = events[0].value
    if not isinstance(made.func, ast.Name) or made.func.id not in classes \
            or analysis.owner(made.func.id, owner) is not analysis.module_scope:
        return None
    start, end = made.lineno, restore.lineno
    if start >= end:
        return None
    for load in analysis.loads.get(value.id, ()):
        if load.node is value or analysis.owner(value.id, load.scope) is not owner:
            continue
        if start <= load.node.lineno <= end:
            return None  # read in between: it may have been called or built
    return value.id, start


def _scope_of(node: ast.AST, context: MigrationContext) -> Scope:
    return context.analysis.scope_of(node)

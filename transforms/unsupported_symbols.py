"""TFC901: contrib checkpoint symbols with no faithful TF 2 home are reported, never rewritten.

`tfe.Saver`, `CheckpointableSaver`, `Checkpointable`, `NoDependency`, slim's `assign_from_checkpoint_fn`,
`save_keras_model` and the rest each need a person: the message says what to use instead. Rewriting them
mechanically would change what a checkpoint holds (e.g. `Checkpoint(x=root)` adds an `x/` edge to every key).
"""

from __future__ import annotations

from ._base import MigrationContext, MigrationRule


class UnsupportedSymbols(MigrationRule):
    CODE = "TFC901"
    NAME = "no-tf2-equivalent"
    SUMMARY = "contrib checkpoint symbol with no faithful TF 2 equivalent: reported with what to do by hand"
    AUTOFIX = False
    VALID = ("import tensorflow as tf\nsaver = tf.compat.v1.train.Saver()\n",)
    INVALID = (
        ("import tensorflow.contrib.eager as tfe\nsaver = tfe.Saver(model.variables)\n",
         "import tensorflow.contrib.eager as tfe\nsaver = tfe.Saver(model.variables)\n"),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        for ref in context.analysis.refs:
            symbol = ref.symbol
            if symbol is not None and symbol.code == cls.CODE and not ref.binding.guarded:
                context.report(cls.CODE, ref.node, symbol.message)

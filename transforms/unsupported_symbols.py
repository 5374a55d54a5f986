"""TFC901: contrib checkpoint symbols with no faithful TF 2 home are reported, never rewritten.

`CheckpointableSaver`, `Checkpointable`, `NoDependency`, slim's `assign_from_checkpoint_fn`, `save_keras_model` and
the rest each need a person: the message says what to use instead, in code that runs on the TensorFlow the
project pins. Rewriting them mechanically would change what a checkpoint holds (e.g. `Checkpoint(x=root)` adds an
`x/` edge to every key).
"""

from __future__ import annotations

from ._context import MigrationContext
from ._rename import names_the_symbol
from ._rule import Rule


class UnsupportedSymbols(Rule):
    CODE = "TFC901"
    NAME = "no-tf2-equivalent"
    SUMMARY = "contrib checkpoint symbol with no faithful TF 2 equivalent: reported with what to do by hand"
    AUTOFIX = False
    VALID = ("import tensorflow as tf\nsaver = tf.compat.v1.train.Saver()\n",)
    INVALID = (
        ("import tensorflow.contrib.eager as tfe\nx = tfe.restore_variables_on_create(path)\n",
         "import tensorflow.contrib.eager as tfe\nx = tfe.restore_variables_on_create(path)\n"),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        for ref in context.analysis.refs:
            symbol = ref.symbol
            if symbol is not None and symbol.code == cls.CODE and not ref.binding.guarded \
                    and not names_the_symbol(ref):
                context.report(cls.CODE, ref.node, symbol.message)

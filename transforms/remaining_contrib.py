"""TFC900: any other `tf.contrib` use left in a file the tool touched is reported once per symbol.

The checkpoint migration alone does not make such a file run on TF 2; saying so, at the first use of each symbol,
stops a user from committing a half-migrated file believing it done.
"""

from __future__ import annotations

from ._base import MigrationContext, MigrationRule


class RemainingContrib(MigrationRule):
    CODE = "TFC900"
    NAME = "contrib-use-remains"
    SUMMARY = "other tf.contrib use remains in a migrated file: still needs migrating outside checkpoint code"
    AUTOFIX = False
    VALID = ("import tensorflow as tf\nlayer = tf.contrib.layers.fully_connected(x, 3)\n",)
    INVALID = (
        ("import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(m=m)\n"
         "layer = tf.contrib.layers.fully_connected(x, 3)\n",
         "import tensorflow as tf\nckpt = tf.train.Checkpoint(m=m)\n"
         "layer = tf.contrib.layers.fully_connected(x, 3)\n"),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        if not context.edits and not context.findings:
            return  # not a file the tool touched
        seen: set[str] = set()
        for ref in context.analysis.refs:
            contrib = ref.contrib
            if (contrib is None or ref.node in context.consumed or ref.in_alias or ref.binding.guarded
                    or (ref.symbol is not None and ref.symbol.tf2 is None) or contrib in seen):
                continue
            seen.add(contrib)
            context.report(cls.CODE, ref.node, f"tf.{contrib} still needs migrating outside checkpoint code; "
                           "this file will not run on TF 2 until it is")

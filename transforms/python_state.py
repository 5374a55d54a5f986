"""TFC104: `tf.contrib.checkpoint.PythonStateWrapper` -> `tf.train.experimental.PythonState`.

The base class for Python values saved in checkpoints moved under `tf.train.experimental` with the same
`serialize`/`deserialize` contract, so subclasses keep working once the base is renamed.
"""

from __future__ import annotations

from ._base import MigrationContext, MigrationRule
from ._rename import rewrite_rows


class PythonStateRename(MigrationRule):
    CODE = "TFC104"
    NAME = "contrib-python-state"
    SUMMARY = "tf.contrib.checkpoint.PythonStateWrapper becomes tf.train.experimental.PythonState"
    VALID = ("import tensorflow as tf\n\nclass State(tf.train.experimental.PythonState):\n    pass\n",)
    INVALID = (
        (
            "import tensorflow as tf\n\nclass State(tf.contrib.checkpoint.PythonStateWrapper):\n    pass\n",
            "import tensorflow as tf\n\nclass State(tf.train.experimental.PythonState):\n    pass\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        rewrite_rows(context, cls.CODE)

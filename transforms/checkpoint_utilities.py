"""TFC103: contrib checkpoint reading helpers -> their `tf.train` homes, with `checkpoint_dir=` renamed.

`list_variables`, `load_variable`, `load_checkpoint` and `checkpoints_iterator` moved to `tf.train` unchanged except
for the keyword `checkpoint_dir` / `filepattern`, now `ckpt_dir_or_file`. `init_from_checkpoint` only survives as
`tf.compat.v1.train.init_from_checkpoint` with graph semantics, so that rewrite also carries a note.
Reached through `tf.contrib.framework`, `tf.contrib.slim`, or a direct `from ... import`.
"""

from __future__ import annotations

from ._context import MigrationContext
from ._rename import rewrite_rows
from ._rule import Rule


class CheckpointUtilities(Rule):
    CODE = "TFC103"
    NAME = "contrib-checkpoint-utilities"
    SUMMARY = "contrib framework checkpoint helpers become tf.train.* (checkpoint_dir= becomes ckpt_dir_or_file=)"
    VALID = (
        "import tensorflow as tf\nnames = tf.train.list_variables(ckpt)\n",
        "def assign_from_checkpoint_fn(path):\n    return path\n\nassign_from_checkpoint_fn('x')\n",
    )
    INVALID = (
        (
            "import tensorflow as tf\n\nfor name, _ in tf.contrib.framework.list_variables(checkpoint_dir=d):\n"
            "    value = tf.contrib.framework.load_variable(d, name)\n",
            "import tensorflow as tf\n\nfor name, _ in tf.train.list_variables(ckpt_dir_or_file=d):\n"
            "    value = tf.train.load_variable(d, name)\n",
        ),
        (
            "import tensorflow as tf\nfrom tensorflow.contrib.framework import load_checkpoint\n\n"
            "reader = load_checkpoint(filepattern=path)\n",
            "import tensorflow as tf\n\nreader = tf.train.load_checkpoint(ckpt_dir_or_file=path)\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        rewrite_rows(context, cls.CODE)

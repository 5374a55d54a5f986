"""TFC101: `tfe.Checkpoint(...)`, `tf.contrib.eager.Checkpoint(...)`, `checkpoint.Checkpoint(...)` -> `tf.train.Checkpoint`.

`tf.contrib.eager.Checkpoint` was an alias of TF 1's `tf.train.Checkpoint`, whose `save`/`write` took a `session`.
TF 2's class dropped it, so in eager files a `session=None` (or a second positional `None`) is removed. A file that
still runs sessions keeps them, and gets `tf.compat.v1.train.Checkpoint`, the same class it used before.
"""

from __future__ import annotations

import libcst as cst

from ._base import MigrationContext, MigrationRule
from ._checkpoints import CONTRIB_CHECKPOINT_ROWS, checkpoint_sites
from ._rename import rewrite_rows


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class CheckpointConstructor(MigrationRule):
    CODE = "TFC101"
    NAME = "contrib-checkpoint-constructor"
    SUMMARY = "contrib Checkpoint construction becomes tf.train.Checkpoint"
    VALID = (
        "import tensorflow as tf\nckpt = tf.train.Checkpoint(model=model)\n",
        # A local called `checkpoint` is not the contrib module.
        "import tensorflow as tf\n\ndef f(checkpoint):\n    return checkpoint.Checkpoint(model=m)\n",
    )
    INVALID = (
        (
            "import tensorflow as tf\nimport tensorflow.contrib.checkpoint as checkpoint\n\n"
            "saver = checkpoint.Checkpoint(model=model)\nsaver.save(save_path)\nsaver.restore(restore_path)\n",
            "import tensorflow as tf\n\n"
            "saver = tf.train.Checkpoint(model=model)\nsaver.save(save_path)\nsaver.restore(restore_path)\n",
        ),
        (
            "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\n"
            "root = tfe.Checkpoint(optimizer=opt, model=model)\nroot.save(prefix, session=None)\n",
            "import tensorflow as tf\n\n"
            "root = tf.train.Checkpoint(optimizer=opt, model=model)\nroot.save(prefix)\n",
        ),
        (
            "import tensorflow as tf\n\nsess = tf.Session()\nckpt = tf.contrib.eager.Checkpoint(step=step)\n"
            "ckpt.save(prefix, session=sess)\n",
            "import tensorflow as tf\n\nsess = tf.Session()\nckpt = tf.compat.v1.train.Checkpoint(step=step)\n"
            "ckpt.save(prefix, session=sess)\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        session_mode = context.analysis.session_mode or cls._passes_sessions(context)
        target = "compat.v1.train.Checkpoint" if session_mode else "train.Checkpoint"
        rewritten = rewrite_rows(context, cls.CODE, lambda ref, symbol: target)
        if session_mode or not rewritten:
            return
        calls = {ref.call for ref in rewritten}
        for site in checkpoint_sites(context.analysis).sites:
            if site.call not in calls:
                continue
            for method_call in site.calls("save", "write"):
                args = method_call.call.args
                doomed = [a for a in args if a.keyword is not None and a.keyword.value == "session"]
                positional = [a for a in args if a.keyword is None and not a.star]
                if len(positional) >= 2:
                    doomed.append(positional[1])
                context.drop_args(method_call.call, doomed)

    @staticmethod
    def _passes_sessions(context: MigrationContext) -> bool:
        """A save/write on a contrib checkpoint that passes a real session means the file still runs sessions."""
        for site in checkpoint_sites(context.analysis).sites:
            if site.ref.contrib not in CONTRIB_CHECKPOINT_ROWS:
                continue
            for method_call in site.calls("save", "write"):
                positional = [a for a in method_call.call.args if a.keyword is None and not a.star]
                session = [a.value for a in method_call.call.args
                           if a.keyword is not None and a.keyword.value == "session"]
                session += [a.value for a in positional[1:2]]
                if any(not _is_none(value) for value in session):
                    return True
        return False

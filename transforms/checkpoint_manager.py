"""TFC102: `tf.contrib.checkpoint.CheckpointManager` -> `tf.train.CheckpointManager`.

The class moved unchanged, but 1.12-era `manager.save(session)` took a session first; TF 2 would read that argument
as `checkpoint_number`. It is dropped, and the drop is reported so the user can check where the save happens.
"""

from __future__ import annotations


from ._analysis import dotted_name
from ._base import MigrationContext, MigrationRule
from ._rename import rewrite_rows


class CheckpointManagerRename(MigrationRule):
    CODE = "TFC102"
    NAME = "contrib-checkpoint-manager"
    SUMMARY = "tf.contrib.checkpoint.CheckpointManager becomes tf.train.CheckpointManager"
    VALID = ("import tensorflow as tf\nmanager = tf.train.CheckpointManager(ckpt, 'ckpts', max_to_keep=3)\n",)
    INVALID = (
        (
            "import tensorflow as tf\n\nmanager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, max_to_keep=3)\n",
            "import tensorflow as tf\n\nmanager = tf.train.CheckpointManager(ckpt, d, max_to_keep=3)\n",
        ),
        (
            "import tensorflow as tf\nfrom tensorflow.contrib.checkpoint import CheckpointManager\n\n"
            "manager = CheckpointManager(ckpt, d, max_to_keep=3)\nmanager.save(sess)\n",
            "import tensorflow as tf\n\n"
            "manager = tf.train.CheckpointManager(ckpt, d, max_to_keep=3)\nmanager.save()\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        rewritten = rewrite_rows(context, cls.CODE)
        calls = {ref.call for ref in rewritten if ref.call is not None}
        if not calls:
            return
        managers = {(a.target, a.scopes[0]) for a in context.analysis.assignments if a.value in calls}
        for method_call in context.analysis.method_calls:
            if method_call.method != "save":
                continue
            key = dotted_name(method_call.receiver)
            owner = context.analysis.owner_scope(key.split(".")[0], method_call.scopes) if key else None
            if (key, owner) not in managers and not (key and key.startswith("self.")
                                                     and any(k == key for k, _ in managers)):
                continue
            args = method_call.call.args
            doomed = [a for a in args if a.keyword is not None and a.keyword.value == "session"]
            if args and args[0].keyword is None and not args[0].star:
                doomed.append(args[0])
            if doomed:
                context.drop_args(method_call.call, doomed)
                context.report(cls.CODE, method_call.call, "dropped the session argument of CheckpointManager.save: "
                               "TF 2 saves eagerly; check that this save still runs where you expect", fixed=True)



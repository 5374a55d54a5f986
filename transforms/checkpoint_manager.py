"""TFC102: `tf.contrib.checkpoint.CheckpointManager` -> `tf.train.CheckpointManager`.

The class moved unchanged, but 1.12-era `manager.save(session)` took a session first; TF 2 (like 1.13+) reads that
argument as `checkpoint_number`. A `session=` keyword is always dropped. A first positional argument is dropped only
in a file that runs sessions (where it is one); elsewhere it may be a 1.13+ checkpoint number, so it stays and a
finding asks the user to check. Every drop is reported so the user can check where the save happens.
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
            "sess = tf.Session()\nmanager = CheckpointManager(ckpt, d, max_to_keep=3)\nmanager.save(sess)\n",
            "import tensorflow as tf\n\n"
            "sess = tf.Session()\nmanager = tf.train.CheckpointManager(ckpt, d, max_to_keep=3)\nmanager.save()\n",
        ),
        (
            # No sessions in this file: `step` may be a checkpoint number, so it stays (and is reported).
            "import tensorflow as tf\n\nmanager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 3)\n"
            "manager.save(step)\n",
            "import tensorflow as tf\n\nmanager = tf.train.CheckpointManager(ckpt, d, 3)\nmanager.save(step)\n",
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
                if context.analysis.session_mode:
                    doomed.append(args[0])
                else:
                    context.report(cls.CODE, method_call.call, "CheckpointManager.save's first argument is "
                                   "checkpoint_number in TF 2 (it was a session in TF 1.12); check that this one is "
                                   "a number, or drop it")
            if doomed:
                context.drop_args(method_call.call, doomed)
                context.report(cls.CODE, method_call.call, "dropped the session argument of CheckpointManager.save: "
                               "TF 2 saves eagerly; check that this save still runs where you expect", fixed=True)



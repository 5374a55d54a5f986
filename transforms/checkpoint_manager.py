"""TFC102: `tf.contrib.checkpoint.CheckpointManager` -> `tf.train.CheckpointManager`.

The class moved unchanged, but TF 1.12's `manager.save(session=None, checkpoint_number=None)` took a session first,
and TF 1.13 on (TF 2 too) reads that first argument as `checkpoint_number`, "an optional integer, or an
integer-dtype Variable or Tensor". So a first positional argument is dropped only where it is provably a session
(bound to a `Session(...)` construction or a `with ... as sess` of one); anything else may be the checkpoint number,
which names the files (`ckpt-30`), and stays. A `session=` keyword is always dropped (TF 2 rejects it). Every drop
is shown by default, so that the user can check where the save happens.
"""

from __future__ import annotations

import ast

from ._checkpoints import MethodCall
from ._context import MigrationContext
from ._rename import held_constructions, rewrite_rows
from ._rule import Rule


class CheckpointManagerRename(Rule):
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
            # A real session, passed as TF 1.12 did: dropped.
            "import tensorflow as tf\n\nsess = tf.Session()\n"
            "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, max_to_keep=3)\nmanager.save(sess)\n",
            "import tensorflow as tf\n\nsess = tf.Session()\n"
            "manager = tf.train.CheckpointManager(ckpt, d, max_to_keep=3)\nmanager.save()\n",
        ),
        (
            # The checkpoint number, in a file that runs sessions too: kept (it names the files ckpt-30, ckpt-60).
            "import tensorflow as tf\n\nwith tf.compat.v1.Session() as sess:\n"
            "    manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, max_to_keep=3)\n"
            "    manager.save(global_step)\n",
            "import tensorflow as tf\n\nwith tf.compat.v1.Session() as sess:\n"
            "    manager = tf.train.CheckpointManager(ckpt, d, max_to_keep=3)\n"
            "    manager.save(global_step)\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        model = context.checkpoints
        # A manager and the session arguments dropped from its saves are one rewrite: a noqa on either keeps both.
        held = held_constructions(context, cls.CODE, (
            (manager, [m.call for m in model.calls_on(manager, "save") if _doomed(context, m)])
            for manager in model.of_kind("manager")))
        rewritten = rewrite_rows(context, cls.CODE, skip=held)
        if not rewritten:
            return
        calls = {ref.call for ref in rewritten}
        aliases = {context.analysis.statement_of.get(ref.node) for ref in rewritten if ref.in_alias}
        for manager in model.of_kind("manager"):
            if manager.call not in calls and manager.ref.binding.statement not in aliases:
                continue
            for method_call in model.calls_on(manager, "save"):
                call = method_call.call
                doomed = _doomed(context, method_call)
                first = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
                if first is not None and first not in doomed and "sess" in context.source.segment(first).lower():
                    context.report(cls.CODE, first, "CheckpointManager.save's first argument is checkpoint_number "
                                   "in TF 2 (it was a session in TF 1.12); if this is a session, drop it")
                if doomed and context.drop_args(call, doomed):
                    context.report(cls.CODE, call, "dropped the session argument of CheckpointManager.save (TF 2 "
                                   "saves eagerly); check that this save still runs where you expect", "note")


def _doomed(context: MigrationContext, method_call: MethodCall) -> list[ast.AST]:
    """The arguments of a manager's save that are a session: a `session=` keyword, and a first positional argument
    that is provably one."""
    call = method_call.call
    doomed: list[ast.AST] = [k for k in call.keywords if k.arg == "session"]
    first = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
    if first is not None and context.checkpoints.is_session(first, method_call.scope):
        doomed.append(first)
    return doomed

"""TFC101: contrib `Checkpoint(...)` (`tfe.`, `tf.contrib.eager.`, `checkpoint.`) -> `tf.train.Checkpoint`.

`tf.contrib.eager.Checkpoint` was TF 1's `tf.train.Checkpoint` (TF 2.21 still has that very class as
`tf.compat.v1.train.Checkpoint`). TF 2's `tf.train.Checkpoint` writes the same checkpoints, with two differences
that matter to a rewrite: its `save`/`write` take no `session` (a second positional argument is `options`), and
`root=` makes the object the checkpoint's root instead of an attribute called `root` (every key loses its `root/`
prefix). So a construction becomes `tf.train.Checkpoint` when it passes no `root` (nor a `**mapping` that may hold
one) and the file runs no sessions, and its `session=None` (or second positional `None`) is dropped; otherwise it
becomes `tf.compat.v1.train.Checkpoint`, the same class it was.
"""

from __future__ import annotations

import ast

from ._analysis import Ref, Scope
from ._checkpoints import Construction
from ._context import MigrationContext
from ._rename import held_constructions, rewrite_rows
from ._rule import Rule
from ._symbols import Symbol


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _session_arguments(call: ast.Call) -> list[tuple[ast.AST, ast.expr]]:
    """What a TF 1 `save(file_prefix, session=None)` / `write(...)` call passes as its session: (argument, value)."""
    found: list[tuple[ast.AST, ast.expr]] = [(k, k.value) for k in call.keywords if k.arg == "session"]
    if len(call.args) >= 2 and not any(isinstance(a, ast.Starred) for a in call.args[:2]):
        found.append((call.args[1], call.args[1]))
    return found


class CheckpointConstructor(Rule):
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
        (
            # A module-level name other modules may import keeps working: its value is migrated.
            "import tensorflow as tf\nCheckpoint = tf.contrib.eager.Checkpoint\n",
            "import tensorflow as tf\nCheckpoint = tf.train.Checkpoint\n",
        ),
        (
            # `root=` is an attribute named root in TF 1's class, the checkpoint's root in TF 2's: kept TF 1.
            "import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(root=model)\nckpt.save(p, session=None)\n",
            "import tensorflow as tf\nckpt = tf.compat.v1.train.Checkpoint(root=model)\nckpt.save(p, session=None)\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        model = context.checkpoints
        checkpoints = [c for c in model.of_kind("checkpoint") if c.ref.contrib is not None]
        session_mode = model.runs_sessions or any(
            not _is_none(value) for construction in checkpoints
            for method_call in model.calls_on(construction, "save", "write")
            for _, value in _session_arguments(method_call.call))
        # A name bound to the class (`Checkpoint = tfe.Checkpoint`) is as TF 1 as the least TF 2 call made of it.
        v1_statements = {c.ref.binding.statement for c in checkpoints if _needs_v1(context, c)}

        def target(ref: Ref, symbol: Symbol) -> str:
            construction = model.construction(ref.call) if ref.call is not None else None
            v1 = session_mode or (construction is not None and _needs_v1(context, construction)) or (
                ref.in_alias and context.analysis.statement_of.get(ref.node) in v1_statements)
            return "compat.v1.train.Checkpoint" if v1 else "train.Checkpoint"

        # A construction and the session arguments dropped from its saves are one rewrite: a noqa on either
        # keeps both (tf.train.Checkpoint's save takes no session; TF 1's needs the one it is given).
        held = set() if session_mode else held_constructions(context, cls.CODE, (
            (construction, [method_call.call for method_call in model.calls_on(construction, "save", "write")
                            if _session_arguments(method_call.call)])
            for construction in checkpoints
            if construction.ref.binding.statement not in v1_statements and not _needs_v1(context, construction)))
        rewritten = rewrite_rows(context, cls.CODE, target, skip=held)
        if session_mode or not rewritten:
            return
        calls = {ref.call for ref in rewritten}
        aliases = {context.analysis.statement_of.get(ref.node) for ref in rewritten if ref.in_alias}
        for construction in checkpoints:
            if construction.call not in calls and construction.ref.binding.statement not in aliases:
                continue
            if construction.ref.binding.statement in v1_statements or _needs_v1(context, construction):
                continue
            for method_call in model.calls_on(construction, "save", "write"):
                context.drop_args(method_call.call, [argument for argument, _ in _session_arguments(method_call.call)])


def _needs_v1(context: MigrationContext, construction: Construction) -> bool:
    """The construction may pass `root` (TF 2 makes it the checkpoint's root, which changes every key)."""
    for keyword in construction.call.keywords:
        if keyword.arg == "root":
            return True
        if keyword.arg is None and not _mapping_without_root(context, keyword.value, construction):
            return True
    return False


def _mapping_without_root(context: MigrationContext, value: ast.expr, construction: Construction) -> bool:
    """`**objects` where `objects` is a dict display (or `dict(...)` of keywords) bound once, whose keys are known and
    none is "root", and which nothing adds keys to."""
    if isinstance(value, ast.Name):
        owner = context.analysis.owner(value.id, construction.scope)
        events = owner.events[value.id] if owner is not None else []
        if len(events) != 1 or events[0].kind != "assign" or events[0].value is None:
            return False
        keys = _literal_keys(events[0].value) or _returned_keys(context, events[0].value, owner)
        if keys is None or "root" in keys:
            return False
        for method_call in context.checkpoints.method_calls:
            receiver = method_call.receiver
            if (isinstance(receiver, ast.Name) and receiver.id == value.id
                    and context.analysis.owner(value.id, method_call.scope) is owner
                    and method_call.method in ("update", "setdefault", "__setitem__")):
                return False
        for load in context.analysis.loads.get(value.id, ()):
            parent = context.analysis.parent(load.node)
            if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store):
                return False
        return True
    keys = _literal_keys(value)
    return keys is not None and "root" not in keys


def _returned_keys(context: MigrationContext, value: ast.expr, scope: Scope | None) -> set[str] | None:
    """`objects = build_objects()`: the keys every `return` of that function of this file spells out."""
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Name) or scope is None:
        return None
    owner = context.analysis.owner(value.func.id, scope)
    events = owner.events[value.func.id] if owner is not None else []
    if len(events) != 1 or events[0].kind != "def":
        return None
    function = events[0].node
    returns = [node for node in _own_statements(function) if isinstance(node, ast.Return)]
    keys: set[str] = set()
    for node in returns:
        found = _literal_keys(node.value) if node.value is not None else None
        if found is None:
            return None
        keys |= found
    return keys if returns else None


def _own_statements(function: ast.AST) -> list[ast.AST]:
    """The nodes of a function body, not descending into the functions and classes it defines."""
    found: list[ast.AST] = []
    pending = list(getattr(function, "body", ()))
    while pending:
        node = pending.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    return found


def _literal_keys(value: ast.expr | None) -> set[str] | None:
    if isinstance(value, ast.Dict):
        if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys):
            return None
        return {k.value for k in value.keys}  # type: ignore[union-attr]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" \
            and not value.args and all(k.arg is not None for k in value.keywords):
        return {k.arg for k in value.keywords}  # type: ignore[misc]
    return None

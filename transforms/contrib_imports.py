"""TFC201: remove the contrib checkpoint imports (and `tfe = tf.contrib.eager` aliases) that nothing uses any more.

An import of `tensorflow.contrib` fails on TF 2 even when unused, so a contrib checkpoint import that no code uses
after the rewrites goes. "Uses" is counted by name over the whole file, every scope included: a name that is still
read anywhere keeps its import, so a import is never removed from under a use. Version-guarded imports are left
alone (TFC902). `import tensorflow as tf` is added by the rewrite that needs it, so `--ignore TFC201` never leaves
a file with an unbound `tf`.
"""

from __future__ import annotations

from collections import defaultdict

import libcst as cst

from ._analysis import Binding
from ._base import MigrationContext, MigrationRule
from ._symbols import CHECKPOINT_MODULES, canonical, lookup


def _in_scope(qualified: str) -> bool:
    contrib = canonical(qualified)
    if contrib is None:
        return False
    module = ".".join(contrib.split(".")[:2])
    return module in CHECKPOINT_MODULES or lookup(qualified) is not None


class ContribImports(MigrationRule):
    CODE = "TFC201"
    NAME = "unused-contrib-imports"
    SUMMARY = "contrib checkpoint imports and aliases that nothing uses any more are removed"
    VALID = (
        # Still used by code the tool does not rewrite: kept.
        "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nsaver = tfe.Saver(variables)\n",
        "import tensorflow.contrib.layers as layers\n",
    )
    INVALID = (
        (
            "import tensorflow as tf\nfrom tensorflow.contrib.eager.python import tfe\n\nckpt = tfe.Checkpoint(m=m)\n",
            "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(m=m)\n",
        ),
        (
            "import tensorflow as tf\ntfe = tf.contrib.eager\n\nckpt = tfe.Checkpoint(m=m)\n",
            "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(m=m)\n",
        ),
        (
            "from tensorflow.contrib.checkpoint import CheckpointManager, NoDependency\n\n"
            "m = CheckpointManager(c, d, 1)\nx = NoDependency(y)\n",
            "from tensorflow.contrib.checkpoint import NoDependency\nimport tensorflow as tf\n\n"
            "m = tf.train.CheckpointManager(c, d, 1)\nx = NoDependency(y)\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        analysis = context.analysis
        consumed: dict[str, int] = defaultdict(int)
        for ref in analysis.refs:
            if ref.node in context.consumed:
                consumed[ref.root.value] += 1
        doomed: dict[cst.CSTNode, set[cst.ImportAlias]] = defaultdict(set)
        for binding in analysis.bindings:
            if binding.guarded or not _in_scope(binding.submodule or binding.qualified):
                continue
            if binding.submodule is not None:
                cls._plan_bare_submodule(context, binding, consumed)
                continue
            if analysis.name_loads.get(binding.name, 0) > consumed.get(binding.name, 0):
                if binding.is_alias_assignment:
                    context.report("TFC900", binding.statement, f"`{binding.name}` still names tf."
                                   f"{canonical(binding.qualified)}, which TF 2 does not have; migrate its other "
                                   "uses by hand, then delete this alias")
                continue
            if binding.is_alias_assignment:
                context.edit(binding.statement, lambda node: cst.RemoveFromParent())
            elif binding.alias is not None:
                doomed[binding.statement].add(binding.alias)
        for statement, aliases in doomed.items():
            context.edit(statement, _without(statement, aliases))

    @classmethod
    def _plan_bare_submodule(cls, context: MigrationContext, binding: Binding, consumed: dict[str, int]) -> None:
        """`import tensorflow.contrib.eager` binds `tensorflow`: drop the submodule, keep the name if still read."""
        analysis = context.analysis
        submodule = binding.submodule or ""
        through = [r for r in analysis.refs if r.binding is binding and r.qualified.startswith(submodule)]
        if any(r.node not in context.consumed for r in through) or binding.alias is None:
            return
        others_bind_name = any(b is not binding and b.name == binding.name and b.submodule is None
                               for b in analysis.bindings)
        still_read = analysis.name_loads.get(binding.name, 0) > consumed.get(binding.name, 0)
        if still_read and not others_bind_name:
            alias = binding.alias
            context.edit(alias, lambda node: node.with_changes(name=cst.Name(binding.name)))
        else:
            context.edit(binding.statement, _without(binding.statement, {binding.alias}))


def _without(statement: cst.CSTNode, aliases: set[cst.ImportAlias]):  # type: ignore[no-untyped-def]
    assert isinstance(statement, (cst.Import, cst.ImportFrom))
    keep = [index for index, alias in enumerate(statement.names) if alias not in aliases]  # type: ignore[union-attr]

    def remove(updated: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
        assert isinstance(updated, (cst.Import, cst.ImportFrom))
        if not keep:
            return cst.RemoveFromParent()
        names = [updated.names[i] for i in keep]  # type: ignore[index]
        parenthesized = isinstance(updated, cst.ImportFrom) and updated.lpar is not None
        if not parenthesized:
            names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=names)

    return remove

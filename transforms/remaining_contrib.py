"""TFC900: any other `tf.contrib` use left in a file with contrib checkpoint code is reported once per symbol.

The checkpoint migration alone does not make such a file run on TF 2; saying so, at the first use of each symbol,
stops a user from committing a half-migrated file believing it done. It runs after every rule, as a fixed final
pass, and reports what no rule rewrote or reported. Files without contrib checkpoint code are not its business.
"""

from __future__ import annotations

from ._analysis import Ref
from ._context import MigrationContext
from ._rename import names_the_symbol
from ._rule import Rule
from ._symbols import CHECKPOINT_MODULES, SYMBOL_NAMES
from ._upgrade_v2 import ALIAS_SPELLINGS, UPGRADES


class RemainingContrib(Rule):
    CODE = "TFC900"
    NAME = "contrib-use-remains"
    SUMMARY = "other tf.contrib use remains in a migrated file: still needs migrating outside checkpoint code"
    AUTOFIX = False
    VALID = ("import tensorflow as tf\nlayer = tf.contrib.layers.fully_connected(x, 3)\n",)
    INVALID = (
        ("import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(m=m)\n"
         "layer = tf.contrib.layers.fully_connected(x, 3)\n",
         "import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(m=m)\n"
         "layer = tf.contrib.layers.fully_connected(x, 3)\n"),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        refs = context.analysis.refs
        if not any(ref.symbol is not None for ref in refs) and not context.analysis.unresolved_contrib and not any(
                b.contrib in CHECKPOINT_MODULES for b in context.analysis.bindings):
            return  # no contrib checkpoint code here
        reported = {id(finding.node) for finding in context.findings}
        seen: set[tuple[str, int]] = set()  # one finding a symbol a line
        for ref in refs:
            contrib = ref.contrib
            if (contrib is None or (contrib, ref.node.lineno) in seen or ref.binding.guarded
                    or id(ref.node) in reported or context.is_replaced(ref.node) or names_the_symbol(ref)
                    or context.is_held(ref.node)):  # kept by a noqa: what it is kept from says enough
                continue
            symbol = ref.symbol
            if ref.in_alias and (symbol is None or symbol.tf2 is not None):
                continue  # an alias's value: the alias itself is reported (or migrated) by the import pass
            seen.add((contrib, ref.node.lineno))
            name = contrib.rsplit(".", 1)[-1]
            if symbol is None and ".python." in contrib and name in SYMBOL_NAMES:
                context.report(cls.CODE, ref.node, f"tf.{contrib} names `{name}` through an internal contrib module "
                               "the tool does not know, so it was not migrated; import it from its public contrib "
                               "module and run again, or migrate it by hand")
                continue
            if symbol is not None and symbol.message:  # a checkpoint symbol used where its rule cannot follow it
                context.report(cls.CODE, ref.node, f"tf.{contrib} is used here in a form the tool does not rewrite; "
                               f"{symbol.message}")
                continue
            context.report(cls.CODE, ref.node, f"tf.{contrib} still needs migrating outside checkpoint code; "
                           "this file will not run on TF 2 until it is" + _upgrade_hint(context, ref, contrib))
        for node in context.analysis.unresolved_contrib:
            text = context.source.segment(node)
            root = text.split(".", 1)[0]
            context.report(cls.CODE, node, f"`{text}` reads `{root}`, which here is not known to be the tensorflow "
                           "import (a parameter, a local, or a name bound more than once): left alone; migrate it "
                           "by hand")


def _upgrade_hint(context: MigrationContext, ref: Ref, contrib: str) -> str:
    """What TensorFlow's tf_upgrade_v2 will do with it: it matches text, so the spelling decides."""
    upgrade = UPGRADES.get(contrib)
    if upgrade is None:
        return ""
    target, _ = upgrade
    spelled = "".join(context.source.segment(ref.node).split())
    module, _, name = contrib.removeprefix("contrib.").partition(".")
    if spelled == f"tf.{contrib}" or (spelled == f"contrib_{module}.{name}" and contrib in ALIAS_SPELLINGS):
        return f"; tf_upgrade_v2 migrates it{f' (to {target})' if target else ''}: run it after this tool"
    return (f"; tf_upgrade_v2 migrates tf.{contrib} but not written `{spelled}` (it matches text, not imports): "
            f"write it as tf.{contrib} before running it, or migrate it by hand")

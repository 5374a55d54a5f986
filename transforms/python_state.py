"""TFC104: `tf.contrib.checkpoint.PythonStateWrapper` -> `tf.train.experimental.PythonState`.

The base class for Python values saved in checkpoints moved under `tf.train.experimental`, but its contract did
not stay put: up to TF 1.13 a subclass implemented `_serialize` / `_deserialize`, from TF 1.14 on (and in TF 2)
`serialize` / `deserialize`. Renaming only the base of a TF 1.13-style subclass gives a class TF 2 cannot
instantiate ("Can't instantiate abstract class ... with abstract methods deserialize, serialize"), so such a
subclass has its two methods renamed with the base, definitions and calls through `self` or `super()` alike. When
that cannot be done completely (both spellings defined, another class overrides them, other code calls them, or the
class overrides `_gather_saveables_for_checkpoint`, which TF 2 no longer calls), the class is left as it is and
reported: never the base alone.
"""

from __future__ import annotations

import ast

from ._analysis import Ref
from ._context import MigrationContext, display
from ._rename import rows_of
from ._rule import Rule

_OLD_TO_NEW = {"_serialize": "serialize", "_deserialize": "deserialize"}
# TF 1 hooks a subclass could override that TF 2.21's PythonState silently ignores.
_IGNORED_HOOKS = frozenset({"_gather_saveables_for_checkpoint"})


class PythonStateRename(Rule):
    CODE = "TFC104"
    NAME = "contrib-python-state"
    SUMMARY = ("tf.contrib.checkpoint.PythonStateWrapper becomes tf.train.experimental.PythonState "
               "(TF 1.13-style _serialize/_deserialize renamed with it)")
    VALID = ("import tensorflow as tf\n\nclass State(tf.train.experimental.PythonState):\n    pass\n",)
    INVALID = (
        (
            "import tensorflow as tf\n\nclass State(tf.contrib.checkpoint.PythonStateWrapper):\n"
            "    def serialize(self):\n        return '1'\n\n    def deserialize(self, s):\n        pass\n",
            "import tensorflow as tf\n\nclass State(tf.train.experimental.PythonState):\n"
            "    def serialize(self):\n        return '1'\n\n    def deserialize(self, s):\n        pass\n",
        ),
        (
            "import tensorflow as tf\n\nclass State(tf.contrib.checkpoint.PythonStateWrapper):\n"
            "    def _serialize(self):\n        return '1'\n\n    def _deserialize(self, s):\n        pass\n\n"
            "    def copy(self):\n        self._deserialize(self._serialize())\n",
            "import tensorflow as tf\n\nclass State(tf.train.experimental.PythonState):\n"
            "    def serialize(self):\n        return '1'\n\n    def deserialize(self, s):\n        pass\n\n"
            "    def copy(self):\n        self.deserialize(self.serialize())\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        for ref, symbol in rows_of(context, cls.CODE):
            assert symbol.tf2 is not None
            subclass = _subclass_of(context, ref)
            if subclass is not None:
                renames = _method_renames(context, subclass)
                if renames is None:
                    context.report(cls.CODE, ref.node, f"{subclass.name} subclasses {display(ref)} with methods "
                                   "that cannot all be moved to TF 2's serialize/deserialize; left as it is: "
                                   "rename them and the base by hand")
                    continue
            # The base and the methods renamed with it are one rewrite: a noqa on any of them keeps them all.
            parts: list[ast.AST] = []
            if subclass is not None:
                parts = [node for definition, attributes in renames  # type: ignore[union-attr]
                         for node in (definition, *attributes)]
            if context.hold_group(ref.node, parts, display(ref)):
                continue
            if not context.replace_ref(ref, symbol.tf2, cls.CODE):
                continue
            if subclass is not None:
                for definition, attributes in renames:  # type: ignore[union-attr]
                    context.rename_definition(definition, _OLD_TO_NEW[definition.name])
                    for attribute in attributes:
                        context.rename_attribute(attribute, _OLD_TO_NEW[attribute.attr])


def _subclass_of(context: MigrationContext, ref: Ref) -> ast.ClassDef | None:
    parent = context.analysis.parent(ref.node)
    if isinstance(parent, ast.ClassDef) and any(base is ref.node for base in parent.bases):
        return parent
    return None


def _method_renames(context: MigrationContext, cls: ast.ClassDef
                    ) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[ast.Attribute]]] | None:
    """The TF 1.13-style methods of `cls` with the `self.`/`super().` reads that call them; None when renaming them
    would not be complete and safe."""
    methods = {s.name: s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if _IGNORED_HOOKS.intersection(methods):
        return None  # TF 2 no longer calls it: the class would save something else, silently
    old = [name for name in _OLD_TO_NEW if name in methods]
    if not old:
        return []  # TF 1.14+ style (or nothing defined here): the base alone is the whole migration
    if any(_OLD_TO_NEW[name] in methods for name in old) or _has_subclasses(context, cls):
        return None
    inside = {id(node) for node in ast.walk(cls)}
    reads: dict[str, list[ast.Attribute]] = {name: [] for name in old}
    for node in ast.walk(context.analysis.tree):
        if isinstance(node, ast.Attribute) and node.attr in _OLD_TO_NEW:
            if node.attr not in reads or id(node) not in inside or not _through_self(node):
                return None  # called from elsewhere, or on another object: renaming would break that call
            reads[node.attr].append(node)
    return [(methods[name], reads[name]) for name in old]


def _through_self(node: ast.Attribute) -> bool:
    value = node.value
    if isinstance(value, ast.Name):
        return value.id == "self"
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"


def _has_subclasses(context: MigrationContext, cls: ast.ClassDef) -> bool:
    return any(isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id == cls.name
                                                       for b in node.bases)
               for node in ast.walk(context.analysis.tree))

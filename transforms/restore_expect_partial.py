"""TFC301: add `.expect_partial()` to restores that are partial by construction; TFC302 when one is asserted consumed.

TF 2's `Checkpoint.restore(path)` returns a status, and when the checkpoint file holds values the restoring object
graph never asks for, TF prints "Unresolved object in checkpoint" warnings at exit. Users migrating from contrib
see these as new noise (TF 1's contrib code ran the restore ops and never complained). `.expect_partial()` silences
them, so it belongs exactly where the restore cannot be complete, and nowhere else: on a full restore it would
hide a real mismatch. A restore is partial by construction when

1. the checkpoint is built from parts of larger objects (`model.layer1.kernel`, `model.layers[0]`,
   `model.get_layer("x")`): the file it reads was written for the whole object. The rule for "part": any subscript
   or `get_*(...)` accessor call on an object, or an attribute of an object; `self.x` / `cls.x` is the object
   itself (an attribute of `self` is what the instance owns, not a piece of it), so parts of `self` start at
   `self.x.y`. Attributes of imported modules (`tf.Variable`, `config.model`) are never parts;
2. this module saves a checkpoint with a strict superset of its keyword names (and none with exactly its names);
3. its objects come through `**mapping` that was filtered (a comprehension with `if`) or grown/shrunk under a
   condition (`if include_optimizer: objects.update(optimizer=o)`);
4. the author checks the status with `.assert_existing_objects_matched()`, the assertion made for partial restores;
5. another file of the same run saves a checkpoint with a strict superset of its keyword names.

Detections 2 and 5 only consider checkpoints the module restores without saving: one that saves may well restore
its own file. Receivers are checkpoints because of what was bound to them (see `_checkpoints`), so
`Trainer.restore(path)`, `Saver().restore(sess, p)` and Keras models are never touched, and a status is followed
through chained calls and through the name it is assigned to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from ._analysis import MethodCall, ModuleAnalysis, dotted_name
from ._base import MigrationContext, MigrationRule
from ._positions import Positions
from ._checkpoints import CheckpointSite, _owner_key, checkpoint_sites

# Methods of a restore status that return the status itself, so a chain of them is still the status.
STATUS_METHODS = frozenset({"expect_partial", "assert_consumed", "assert_existing_objects_matched",
                            "assert_nontrivial_match", "run_restore_ops", "initialize_or_restore"})
MUTATORS = frozenset({"update", "setdefault", "pop"})
CONSUMED_MESSAGE = "restore is partial but asserted consumed; decide which you mean"


class RestoreExpectPartial(MigrationRule):
    CODE = "TFC301"
    NAME = "restore-expect-partial"
    SUMMARY = "add .expect_partial() to checkpoint restores that are partial by construction"
    VALID = (
        # A full restore: the same object graph that was saved.
        "import tensorflow as tf\n\nsaver = tf.train.Checkpoint(model=model)\nsaver.save(save_path)\n"
        "saver.restore(restore_path)\n",
        # Already silenced, on the status name.
        "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(w=model.layer1.kernel)\n"
        "status = ckpt.restore(p)\nstatus.expect_partial()\n",
        # Not a checkpoint this module built.
        "import tensorflow as tf\n\nsaver = tf.compat.v1.train.Saver()\nsaver.restore(sess, p)\n",
        # `self.model` is the object itself.
        "import tensorflow as tf\n\nclass T:\n    def load(self, p):\n"
        "        tf.train.Checkpoint(model=self.model).restore(p)\n",
    )
    INVALID = (
        (
            "import tensorflow as tf\n\ncheckpoint = tf.train.Checkpoint(layer1_weights=model.layer1.weights, "
            "layer2_bias=model.layer2.bias)\ncheckpoint.save(save_path)\ncheckpoint.restore(restore_path)\n",
            "import tensorflow as tf\n\ncheckpoint = tf.train.Checkpoint(layer1_weights=model.layer1.weights, "
            "layer2_bias=model.layer2.bias)\ncheckpoint.save(save_path)\n"
            "checkpoint.restore(restore_path).expect_partial()\n",
        ),
        (
            "import tensorflow as tf\n\ntrain = tf.train.Checkpoint(model=m, optimizer=o)\ntrain.save(prefix)\n"
            "serve = tf.train.Checkpoint(model=m)\nstatus = serve.restore(path)\n",
            "import tensorflow as tf\n\ntrain = tf.train.Checkpoint(model=m, optimizer=o)\ntrain.save(prefix)\n"
            "serve = tf.train.Checkpoint(model=m)\nstatus = serve.restore(path).expect_partial()\n",
        ),
        (
            "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"
            "ckpt.restore(p).assert_existing_objects_matched()\n",
            "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"
            "ckpt.restore(p).expect_partial().assert_existing_objects_matched()\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        analysis = context.analysis
        sites = checkpoint_sites(analysis)
        planned: list[tuple[MethodCall, _Reason, bool]] = []  # (restore call, reason, asserted consumed)
        for site in sites.sites:
            restores = site.calls("restore")
            if not restores:
                continue
            site_reason: _Reason | None | bool = False  # computed once, only for sites that restore
            for restore in restores:
                if len(sites.owner_of.get(restore, ())) != 1:
                    continue  # the receiver may be one of several checkpoints: no single answer
                methods = _status_methods(analysis, restore)
                if "expect_partial" in methods:
                    continue
                if site_reason is False:
                    site_reason = _partial_reason(context, site, sites.sites)
                reason = site_reason if isinstance(site_reason, _Reason) else None
                if reason is None and "assert_existing_objects_matched" in methods \
                        and "assert_consumed" not in methods:
                    reason = _Reason("status is checked with assert_existing_objects_matched(), "
                                     "which expects a partial restore")
                if reason is not None:
                    planned.append((restore, reason, "assert_consumed" in methods))
        if not planned:
            return
        lines = context.positions
        for restore, reason, consumed in planned:
            text = reason.render(lines)
            anchor = _anchor(restore)
            if consumed:
                context.report("TFC302", anchor, f"{CONSUMED_MESSAGE} ({text})")
                continue
            context.edit(restore.call, _append_expect_partial)
            context.report(cls.CODE, anchor, text, fixed=True)
            context.reasons.append(f"line {lines.line(anchor)}: {text}")


def _append_expect_partial(updated: cst.CSTNode) -> cst.CSTNode:
    assert isinstance(updated, cst.Call)
    return cst.Call(func=cst.Attribute(value=updated, attr=cst.Name("expect_partial")), args=[])


def _anchor(restore: MethodCall) -> cst.CSTNode:
    """Findings point at the word `restore`, which is what a reader looks for on the line."""
    func = restore.call.func
    return func.attr if isinstance(func, cst.Attribute) else restore.call


# -- the status -------------------------------------------------------------------------------------------------------
def _status_methods(analysis: ModuleAnalysis, restore: MethodCall) -> set[str]:
    """Status methods called on this restore's result: chained directly, or on the name it is assigned to."""
    methods: set[str] = set()
    node: cst.CSTNode = restore.call
    while True:
        parent = analysis.parent(node)
        grand = analysis.parent(parent) if parent is not None else None
        if (isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in STATUS_METHODS
                and isinstance(grand, cst.Call) and grand.func is parent):
            methods.add(parent.attr.value)
            node = grand
            continue
        break
    statement = analysis.parent(node)
    if isinstance(statement, cst.Assign) and statement.value is node and len(statement.targets) == 1:
        key = dotted_name(statement.targets[0].target)
        if key is not None:
            owner = _owner_key(key, restore.scopes, analysis, binding=True)
            for other in analysis.method_calls:
                if (other.method in STATUS_METHODS and dotted_name(other.receiver) == key
                        and _owner_key(key, other.scopes, analysis, binding=False) == owner):
                    methods.add(other.method)
    return methods


# -- why a checkpoint restores only part of a file ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Reason:
    """A one-line reason; `at_line_of` is a node whose line ends the message, known once positions are computed."""

    text: str
    at_line_of: cst.CSTNode | None = None

    def render(self, lines: Positions) -> str:
        return self.text if self.at_line_of is None else f"{self.text} at line {lines.line(self.at_line_of)}"


def _partial_reason(context: MigrationContext, site: CheckpointSite, all_sites: list[CheckpointSite]) -> _Reason | None:
    """The first detection that holds (1, 3, 2, 5 in the module docstring's numbering), or None."""
    analysis = context.analysis
    parts = [code for arg in site.call.args if arg.keyword is not None and _is_part(arg.value, analysis)
             for code in [analysis.module.code_for_node(arg.value)]]
    if parts:
        shown = ", ".join(parts[:3]) + (", ..." if len(parts) > 3 else "")
        return _Reason(f"checkpoint is built from parts of larger objects ({shown})")
    filtered = _filtered_mapping(analysis, site)
    if filtered is not None:
        return filtered
    saved = _saved_sites(analysis, all_sites)
    if site.has_star_kwargs or not site.keywords or site in saved:
        return None
    local = [other for other in all_sites if other is not site and other in saved and not other.has_star_kwargs]
    own = os.path.normpath(context.path)
    remote = [(path, line, keywords) for path, line, keywords in context.project.saved
              if os.path.normpath(path) != own]
    if any(other.keywords == site.keywords for other in local) or any(k == site.keywords for _, _, k in remote):
        return None  # a checkpoint with exactly these objects is saved: the restore may be complete
    for other in local:
        if site.keywords < other.keywords:
            return _Reason(f"checkpoint saved with {_names(other.keywords)}", other.call)
    for path, line, keywords in remote:
        if site.keywords < keywords:
            return _Reason(f"checkpoint saved with {_names(keywords)} at {path}:{line}")
    return None


def _saved_sites(analysis: ModuleAnalysis, sites: list[CheckpointSite]) -> set[CheckpointSite]:
    """Checkpoints saved with `save`/`write`, or through a `CheckpointManager` built on them whose `save` is called."""
    cached = analysis.cache.get("saved_checkpoint_sites")
    if isinstance(cached, set):
        return cached
    saved = {site for site in sites if site.saves}
    by_call = {site.call: site for site in sites}
    managers: dict[cst.Call, list[CheckpointSite]] = {}
    for ref in analysis.refs:
        if ref.call is None or not (ref.qualified.endswith("train.CheckpointManager")
                                    or ref.contrib == "contrib.checkpoint.CheckpointManager"):
            continue
        args = ref.call.args
        checkpoint = args[0].value if args and args[0].keyword is None and not args[0].star else next(
            (a.value for a in args if a.keyword is not None and a.keyword.value == "checkpoint"), None)
        if checkpoint is not None:
            managers[ref.call] = [by_call[c] for c in _bound_calls(analysis, checkpoint, ref.scopes, by_call.keys())]
    if managers:
        for method_call in analysis.method_calls:
            if method_call.method == "save":
                for manager in _bound_calls(analysis, method_call.receiver, method_call.scopes, managers.keys()):
                    saved.update(managers[manager])
    analysis.cache["saved_checkpoint_sites"] = saved
    return saved


def _bound_calls(analysis: ModuleAnalysis, expression: cst.BaseExpression, scopes: tuple[cst.CSTNode, ...],
                 calls: Iterable[cst.Call]) -> list[cst.Call]:
    """The calls among `calls` that `expression` is: itself, or every value assigned to its name (else none)."""
    known = set(calls)
    if expression in known:
        return [expression]  # type: ignore[list-item]
    key = dotted_name(expression)
    if key is None:
        return []
    owner = _owner_key(key, scopes, analysis, binding=False)
    values = [a.value for a in analysis.assignments
              if a.target == key and _owner_key(key, a.scopes, analysis, binding=True) == owner]
    if not values or not all(value in known for value in values):
        return []
    return values  # type: ignore[return-value]


def _names(keywords: Iterable[str]) -> str:
    return ", ".join(sorted(keywords))


def _is_part(expression: cst.BaseExpression, analysis: ModuleAnalysis) -> bool:
    """True for an expression that denotes a piece of a larger object (see the module docstring for the rule)."""
    if isinstance(expression, (cst.List, cst.Tuple, cst.Set)):
        return any(_is_part(element.value, analysis) for element in expression.elements
                   if isinstance(element, cst.Element))
    if isinstance(expression, cst.Dict):
        return any(_is_part(element.value, analysis) for element in expression.elements
                   if isinstance(element, cst.DictElement))
    modules = analysis.import_names | {binding.name for binding in analysis.bindings}
    depth = 0
    node: cst.BaseExpression = expression
    while True:
        if isinstance(node, cst.Subscript):
            return _root_name(node) not in modules
        if isinstance(node, cst.Call):
            func = node.func
            return (isinstance(func, cst.Attribute) and func.attr.value.startswith("get_")
                    and _root_name(func.value) not in modules)
        if isinstance(node, cst.Attribute):
            depth += 1
            node = node.value
            continue
        if isinstance(node, cst.Name):
            if node.value in modules:
                return False
            return depth >= (2 if node.value in ("self", "cls") else 1)
        return False


def _root_name(node: cst.BaseExpression) -> str | None:
    while True:
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Name):
            return node.value
        else:
            return None


def _filtered_mapping(analysis: ModuleAnalysis, site: CheckpointSite) -> _Reason | None:
    for arg in site.call.args:
        if arg.star != "**":
            continue
        if _is_filtered(arg.value):
            return _Reason("checkpoint objects come from a filtered comprehension")
        if not isinstance(arg.value, cst.Name):
            continue
        name = arg.value.value
        owner = analysis.owner_scope(name, site.ref.scopes)
        assignments = [a for a in analysis.assignments if a.target == name and a.scopes[0] is owner]
        if len(assignments) != 1:
            continue
        assignment = assignments[0]
        if _is_filtered(assignment.value):
            return _Reason(f"checkpoint objects come from `{name}`, a filtered comprehension")
        enclosing = set(analysis.ancestors(assignment.statement))
        for method_call in analysis.method_calls:
            if (method_call.method in MUTATORS and isinstance(method_call.receiver, cst.Name)
                    and method_call.receiver.value == name
                    and analysis.owner_scope(name, method_call.scopes) is owner
                    and _under_condition(analysis, method_call.call, owner, enclosing)):
                verb = "extended" if method_call.method != "pop" else "narrowed"
                return _Reason(f"checkpoint objects come from `{name}`, {verb} under a condition", method_call.call)
    return None


def _is_filtered(value: cst.BaseExpression) -> bool:
    """A comprehension with an `if`, or `dict(<generator with an if>)`."""
    if isinstance(value, cst.Call) and dotted_name(value.func) == "dict" and len(value.args) == 1:
        value = value.args[0].value
    if isinstance(value, (cst.DictComp, cst.GeneratorExp, cst.ListComp)):
        clause: cst.CompFor | None = value.for_in
        while clause is not None:
            if clause.ifs:
                return True
            clause = clause.inner_for_in
    return False


def _under_condition(analysis: ModuleAnalysis, node: cst.CSTNode, scope: cst.CSTNode | None,
                     enclosing: set[cst.CSTNode]) -> bool:
    for ancestor in analysis.ancestors(node):
        if ancestor is scope:
            return False
        if isinstance(ancestor, (cst.If, cst.IfExp, cst.Else)) and ancestor not in enclosing:
            return True
    return False

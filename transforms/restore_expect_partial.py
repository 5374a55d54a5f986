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
5. another file of the project saves a checkpoint with a strict superset of its keyword names.

Detections 2 and 5 only consider checkpoints the module restores without saving: one that saves may well restore
its own file. A module's own saves decide before other files' do (5 is asked only when the module saves no
checkpoint of these names or more), and "the project" is the whole project, not the files given on the command
line, so that a pre-commit run on one file and a CI run on the tree give the same answer.

Receivers are checkpoints because of what was bound to them (see `_checkpoints`), so `Trainer.restore(path)`,
`Saver().restore(sess, p)` and Keras models are never touched, and a status is followed
through chained calls and through the name it is assigned to.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tfckpt_codemod.project import file_key

from ._analysis import ModuleAnalysis, dotted
from ._checkpoints import CheckpointModel, Construction, SavedCheckpoint
from ._context import MigrationContext, Span
from ._rule import FactInput, Facts, Rule

MUTATORS = frozenset({"update", "setdefault", "pop"})

CONSUMED_MESSAGE = "restore is partial but asserted consumed; decide which you mean"


@dataclass(frozen=True)
class ProjectSaves:
    """Checkpoint object names saved by the files of the project: `(path, line, names)`, in path order."""

    saved: tuple[tuple[str, int, frozenset[str]], ...] = ()

    def outside(self, path: str) -> list[tuple[str, int, frozenset[str]]]:
        own = file_key(path)
        return [entry for entry in self.saved if file_key(entry[0]) != own]


class SavedCheckpoints(Facts):
    """Each project file's saved checkpoints. Only files that save (`.save(`, `.write(`) can contribute."""

    TRIGGERS = ((b"Checkpoint", b".save("), (b"Checkpoint", b".write("))
    DESCRIBE = "saves checkpoints that the restores of other files were compared with"

    @staticmethod
    def collect(source: FactInput) -> tuple[SavedCheckpoint, ...]:
        analysis = source.analysis
        return CheckpointModel(analysis).saved_facts() if analysis is not None else ()

    @staticmethod
    def combine(collected: Sequence[tuple[str, Any]]) -> ProjectSaves:
        """At most two entries per set of names: a restore in file F compares itself with the first save of each
        set made outside F, which is the set's first save or, when F made it, the first save in another file.
        That keeps every comparison (and what a worker process is sent) the size of the distinct sets, not of
        the project."""
        first_path: dict[frozenset[str], str] = {}
        second: set[frozenset[str]] = set()
        kept = []
        for path, facts in collected:
            for fact in facts:
                first = first_path.get(fact.keywords)
                if first is None:
                    first_path[fact.keywords] = file_key(path)
                    kept.append((path, fact.line, fact.keywords))
                elif fact.keywords not in second and file_key(path) != first:
                    second.add(fact.keywords)
                    kept.append((path, fact.line, fact.keywords))
        return ProjectSaves(tuple(kept))


class RestoreExpectPartial(Rule):
    CODE = "TFC301"
    NAME = "restore-expect-partial"
    SUMMARY = "add .expect_partial() to checkpoint restores that are partial by construction"
    TRIGGERS = ((b"Checkpoint", b"restore"),)
    FACTS = SavedCheckpoints
    EMITS = (("TFC302", "restore-asserted-consumed",
              "a restore that is partial by construction is checked with assert_consumed(); decide which you mean"),
             ("TFC304", "restore-missing-objects",
              "the checkpoint given with --checkpoint holds no value for an object this restore asks for"),
             ("TFC305", "restore-name-based-checkpoint",
              "the checkpoint given with --checkpoint is name-based: the object-based restore falls back to names"))
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
        model = context.checkpoints
        project: ProjectSaves = context.project(cls) or ProjectSaves()
        for site in model.of_kind("checkpoint"):
            reason: Reason | None | bool = False  # computed once, only for sites that restore
            for restore in model.calls_on(site, "restore"):
                if len(model.receivers(restore.call)) != 1:
                    continue  # the receiver may be one of several checkpoints: no single answer
                methods = model.status_methods(restore.call, restore.scope)
                evidence = _evidence(context, site, restore.call)
                if evidence is not None:
                    found = _decide_from_checkpoint(context, site, restore.call, evidence)
                    if found is None or "expect_partial" in methods:
                        continue
                else:
                    if "expect_partial" in methods:
                        continue
                    if reason is False:
                        reason = partial_reason(context, site, project)
                    found = reason if isinstance(reason, Reason) else None
                if found is None and "assert_existing_objects_matched" in methods \
                        and "assert_consumed" not in methods:
                    found = Reason("status is checked with assert_existing_objects_matched(), which expects a "
                                   "partial restore")
                if found is None:
                    continue
                anchor = Span.attribute_name(restore.call.func)  # type: ignore[arg-type]
                text = found.render()
                if "assert_consumed" in methods:
                    context.report("TFC302", anchor, f"{CONSUMED_MESSAGE} ({text})")
                    continue
                if not context.append_call(restore.call, "expect_partial"):
                    continue  # a noqa keeps this restore as it is
                context.report(cls.CODE, anchor, f"added .expect_partial(): {text}", "info")
                context.reasons.append(f"line {restore.call.lineno}: added .expect_partial(): {text}")


def _evidence(context: MigrationContext, site: Construction, restore: ast.Call) -> Any | None:
    """The one checkpoint the user gave that this restore reads, if any (and the construction's names are known)."""
    if not context.evidence or site.star_kwargs:
        return None
    expression = context.source.segment(restore.args[0]) if restore.args else ""
    found = [e for e in context.evidence if e.matches(expression, context.path)]
    return found[0] if len(found) == 1 else None


def _decide_from_checkpoint(context: MigrationContext, site: Construction, restore: ast.Call,
                            evidence: Any) -> Reason | None:
    """What the user's checkpoint says about this restore: a reason for .expect_partial(), or None (full or
    reported)."""
    from tfckpt_codemod.checkpoint_graph import decide_restore

    decision = decide_restore(evidence.inspection, site.keywords)
    anchor = Span.attribute_name(restore.func) if isinstance(restore.func, ast.Attribute) else restore
    if decision.kind == "name_based":
        context.report("TFC305", anchor, f"{evidence.path} is a name-based checkpoint: {decision.reason}")
        return None
    if decision.kind == "missing":
        context.report("TFC304", anchor, f"{evidence.path} holds no value for {_names(decision.missing)}: this "
                       "restore would leave them as they are, and nothing would say so; check the checkpoint "
                       "(--inspect-checkpoint) or the names")
    if decision.expect_partial:
        return Reason(f"restores {_names(decision.requested)}; the checkpoint {evidence.path} also holds "
                      f"{_names(decision.unrequested)}")
    if decision.kind == "full":
        context.report(RestoreExpectPartial.CODE, anchor, f"no .expect_partial(): the checkpoint {evidence.path} "
                       f"holds exactly {_names(decision.requested)}", "info")
    return None


@dataclass(frozen=True)
class Reason:
    text: str

    def render(self) -> str:
        return self.text


def partial_reason(context: MigrationContext, site: Construction, project: ProjectSaves) -> Reason | None:
    """The first detection that holds (1, 3, 4 before 2 and 5, in the module docstring's numbering), or None."""
    analysis = context.analysis
    parts = [context.source.segment(k.value) for k in site.call.keywords
             if k.arg is not None and _is_part(k.value, analysis)]
    if parts:
        shown = ", ".join(parts[:3]) + (", ..." if len(parts) > 3 else "")
        return Reason(f"the checkpoint is built from parts of larger objects ({shown})")
    filtered = _filtered_mapping(context, site)
    if filtered is not None:
        return filtered
    model = context.checkpoints
    saved = model.saved
    if site.star_kwargs or not site.keywords or site in saved:
        return None
    names = site.keywords
    local = [other for other in saved if other is not site and not other.star_kwargs]
    if any(other.keywords == names for other in local):
        return None  # this module saves a checkpoint of exactly these objects: the restore may be complete
    for other in sorted(local, key=lambda c: c.line):
        if names < other.keywords:
            return Reason(f"restores {_names(names)}; the checkpoint saved at line {other.line} also holds "
                          f"{_names(other.keywords - names)}")
    remote = project.outside(context.path)
    if any(keywords == names for _, _, keywords in remote):
        return None
    for path, line, keywords in remote:
        if names < keywords:
            return Reason(f"restores {_names(names)}; the checkpoint saved at {path}:{line} also holds "
                          f"{_names(keywords - names)}")
    return None


def _names(keywords: Iterable[str]) -> str:
    return ", ".join(sorted(keywords))


def _is_part(expression: ast.expr, analysis: ModuleAnalysis) -> bool:
    """True for an expression that denotes a piece of a larger object (see the module docstring for the rule)."""
    if isinstance(expression, (ast.List, ast.Tuple, ast.Set)):
        return any(_is_part(element, analysis) for element in expression.elts)
    if isinstance(expression, ast.Dict):
        return any(_is_part(value, analysis) for value in expression.values)
    modules = _module_names(analysis)
    depth = 0
    node: ast.expr = expression
    while True:
        if isinstance(node, ast.Subscript):
            return _root_name(node) not in modules
        if isinstance(node, ast.Call):
            func = node.func
            return (isinstance(func, ast.Attribute) and func.attr.startswith("get_")
                    and _root_name(func.value) not in modules)
        if isinstance(node, ast.Attribute):
            depth += 1
            node = node.value
            continue
        if isinstance(node, ast.Name):
            if node.id in modules:
                return False
            return depth >= (2 if node.id in ("self", "cls") else 1)
        return False


def _module_names(analysis: ModuleAnalysis) -> set[str]:
    """Every name an import binds: attributes of modules (`tf.Variable`, `config.model`) are never parts."""
    names = {b.name for b in analysis.bindings}
    for scope in analysis.scopes.values():
        names.update(name for name, events in scope.events.items() if any(e.kind == "import" for e in events))
    return names


def _root_name(node: ast.expr) -> str | None:
    while True:
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _filtered_mapping(context: MigrationContext, site: Construction) -> Reason | None:
    analysis = context.analysis
    for keyword in site.call.keywords:
        if keyword.arg is not None:
            continue
        value = keyword.value
        if _is_filtered(value):
            return Reason("the checkpoint's objects come from a filtered comprehension")
        if not isinstance(value, ast.Name):
            continue
        name = value.id
        owner = analysis.owner(name, site.scope)
        if owner is None:
            continue
        events = owner.events[name]
        if len(events) != 1 or events[0].kind != "assign" or events[0].value is None:
            continue
        assignment = events[0].node
        if _is_filtered(events[0].value):
            return Reason(f"the checkpoint's objects come from `{name}`, a filtered comprehension")
        enclosing = set(analysis.ancestors(assignment))
        for method_call in context.checkpoints.method_calls:
            receiver = method_call.receiver
            if (method_call.method in MUTATORS and isinstance(receiver, ast.Name) and receiver.id == name
                    and analysis.owner(name, method_call.scope) is owner
                    and _under_condition(analysis, method_call.call, owner.node, enclosing)):
                verb = "extended" if method_call.method != "pop" else "narrowed"
                return Reason(f"the checkpoint's objects come from `{name}`, {verb} under a condition at line "
                              f"{method_call.call.lineno}")
    return None


def _is_filtered(value: ast.expr) -> bool:
    """A comprehension with an `if`, or `dict(<generator with an if>)`."""
    if isinstance(value, ast.Call) and dotted(value.func) == "dict" and len(value.args) == 1:
        value = value.args[0]
    if isinstance(value, (ast.DictComp, ast.GeneratorExp, ast.ListComp)):
        return any(generator.ifs for generator in value.generators)
    return False


def _under_condition(analysis: ModuleAnalysis, node: ast.AST, scope: ast.AST, enclosing: set[ast.AST]) -> bool:
    for ancestor in analysis.ancestors(node):
        if ancestor is scope:
            return False
        if isinstance(ancestor, (ast.If, ast.IfExp)) and ancestor not in enclosing:
            return True
    return False

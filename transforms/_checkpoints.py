"""The checkpoint model: which calls build checkpoints, managers, sessions and savers, what each name is, what is
saved. Every rule and the run-wide fact pass ask it, so there is one answer to "is this a checkpoint".

What a call constructs comes from the symbol table (`kind_of`), for contrib and core names alike. An expression is a
construction because of what was bound to it, never because of its name: `ckpt.restore(p)` counts only when every
binding of `ckpt` in the scope that owns it (as Python resolves the name) is a checkpoint construction; `self.ckpt`
is followed within its class; `with tf.Session() as sess` makes `sess` a session.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from ._analysis import ModuleAnalysis, Ref, Scope, dotted
from ._symbols import kind_of

# Methods of a restore status that return the status itself, so a chain of them is still the status.
STATUS_METHODS = frozenset({"expect_partial", "assert_consumed", "assert_existing_objects_matched",
                            "assert_nontrivial_match", "run_restore_ops", "initialize_or_restore"})


@dataclass(eq=False)
class Construction:
    call: ast.Call
    ref: Ref
    kind: str  # "checkpoint", "manager", "session", "saver", "eager_saver", ...
    scope: Scope

    @functools.cached_property
    def keywords(self) -> frozenset[str]:
        return frozenset(k.arg for k in self.call.keywords if k.arg is not None)

    @property
    def star_kwargs(self) -> bool:
        return any(k.arg is None for k in self.call.keywords)

    @property
    def line(self) -> int:
        return self.call.lineno


@dataclass(frozen=True)
class SavedCheckpoint:
    """A checkpoint a file saves: the object names it holds. Picklable: it travels between processes."""

    line: int
    keywords: frozenset[str]


@dataclass(eq=False)
class MethodCall:
    call: ast.Call
    method: str
    receiver: ast.expr
    scope: Scope


class CheckpointModel:
    def __init__(self, analysis: ModuleAnalysis) -> None:
        self.analysis = analysis
        self.constructions: list[Construction] = []
        self._by_call: dict[ast.AST, Construction] = {}
        for ref in analysis.refs:
            if ref.call is None or ref.in_alias:
                continue
            kind = kind_of(ref.qualified)
            if kind is not None:
                construction = Construction(ref.call, ref, kind, ref.scope)
                self.constructions.append(construction)
                self._by_call[ref.call] = construction
        self.method_calls: list[MethodCall] = [
            MethodCall(call, call.func.attr, call.func.value, scope) for call, scope in analysis.calls
            if isinstance(call.func, ast.Attribute)]
        self._on: dict[Construction, list[MethodCall]] = {}
        self._receivers: dict[ast.Call, list[Construction]] = {}
        for method_call in self.method_calls:
            found = self.values(method_call.receiver, method_call.scope)
            if found:
                self._receivers[method_call.call] = found
                for construction in found:
                    self._on.setdefault(construction, []).append(method_call)

    # -- what an expression is ------------------------------------------------------------------------------------
    def construction(self, call: ast.AST) -> Construction | None:
        return self._by_call.get(call) if isinstance(call, ast.Call) else None

    def values(self, expression: ast.expr, scope: Scope) -> list[Construction] | None:
        """The constructions `expression` certainly is one of (the call itself, or every value bound to its name or
        `self.x` attribute), or None when anything else may be bound to it."""
        if isinstance(expression, ast.Call):
            found = self._by_call.get(expression)
            return [found] if found is not None else None
        analysis = self.analysis
        if isinstance(expression, ast.Name):
            owner = analysis.owner(expression.id, scope)
            if owner is None:
                return None
            events = owner.events[expression.id]
        else:
            key = dotted(expression)
            owner = scope.enclosing_class
            if key is None or owner is None or not key.startswith("self.") or key.count(".") != 1:
                return None
            events = analysis.attribute_events.get((owner, key), [])
        values = []
        for event in events:
            if event.kind not in ("assign", "with") or event.value is None:
                return None
            found = self.construction(event.value)
            if found is None:
                return None
            values.append(found)
        return values or None

    def is_kind(self, expression: ast.expr, scope: Scope, kind: str) -> bool:
        found = self.values(expression, scope)
        return bool(found) and all(c.kind == kind for c in found)  # type: ignore[union-attr]

    def receivers(self, call: ast.Call) -> list[Construction]:
        """The constructions the receiver of `call` (a method call) may be; empty when unknown."""
        return self._receivers.get(call, [])

    def calls_on(self, construction: Construction, *methods: str) -> list[MethodCall]:
        return [m for m in self._on.get(construction, ()) if not methods or m.method in methods]

    def of_kind(self, kind: str) -> list[Construction]:
        return [c for c in self.constructions if c.kind == kind]

    # -- sessions -------------------------------------------------------------------------------------------------
    @functools.cached_property
    def runs_sessions(self) -> bool:
        """The file builds a TF 1 session (so its checkpoints must keep their session arguments)."""
        return any(c.kind == "session" for c in self.constructions)

    def is_session(self, expression: ast.expr, scope: Scope) -> bool:
        return self.is_kind(expression, scope, "session")

    # -- what the file saves --------------------------------------------------------------------------------------
    def checkpoint_of(self, manager: Construction) -> list[Construction]:
        """The checkpoints a `CheckpointManager(checkpoint, ...)` construction certainly manages."""
        call = manager.call
        if call.args and not isinstance(call.args[0], ast.Starred):
            expression: ast.expr | None = call.args[0]
        else:
            expression = next((k.value for k in call.keywords if k.arg == "checkpoint"), None)
        if expression is None:
            return []
        found = self.values(expression, manager.scope)
        return [c for c in found or () if c.kind == "checkpoint"]

    @functools.cached_property
    def saved(self) -> frozenset[Construction]:
        """Checkpoints saved with `save`/`write`, or by a manager built on them whose `save` is called."""
        saved = {c for c in self.of_kind("checkpoint") if self.calls_on(c, "save", "write")}
        for manager in self.of_kind("manager"):
            if self.calls_on(manager, "save"):
                saved.update(self.checkpoint_of(manager))
        return frozenset(saved)

    def saved_facts(self) -> tuple[SavedCheckpoint, ...]:
        """What this file tells the other files of the project: the object names of each checkpoint it saves."""
        return tuple(sorted((SavedCheckpoint(c.line, c.keywords) for c in self.saved if not c.star_kwargs),
                            key=lambda fact: fact.line))

    # -- restore statuses -----------------------------------------------------------------------------------------
    def status_methods(self, restore: ast.Call, scope: Scope) -> set[str]:
        """Status methods called on a restore's result: chained directly, or on the name it is assigned to."""
        analysis = self.analysis
        methods: set[str] = set()
        node: ast.AST = restore
        while True:
            parent = analysis.parent(node)
            grand = analysis.parent(parent) if parent is not None else None
            if (isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in STATUS_METHODS
                    and isinstance(grand, ast.Call) and grand.func is parent):
                methods.add(parent.attr)
                node = grand
                continue
            break
        statement = analysis.parent(node)
        if isinstance(statement, ast.Assign) and statement.value is node and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            name = statement.targets[0].id
            owner = analysis.owner(name, scope)
            for other in self.method_calls:
                if (other.method in STATUS_METHODS and isinstance(other.receiver, ast.Name)
                        and other.receiver.id == name and analysis.owner(name, other.scope) is owner):
                    methods.add(other.method)
        return methods


def model(analysis: ModuleAnalysis) -> CheckpointModel:
    """The file's model, built once however many rules ask."""
    cached = getattr(analysis, "_checkpoint_model", None)
    if cached is None:
        cached = CheckpointModel(analysis)
        analysis._checkpoint_model = cached  # type: ignore[attr-defined]
    return cached

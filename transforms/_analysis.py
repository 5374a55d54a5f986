"""One walk over CPython's ast of a file: its scopes, what each name is bound to, and every resolved TF reference.

Every rule and the run-wide fact pass read this one analysis, so they cannot disagree about what a name means.
It runs on CPython's ast rather than LibCST's tree: the engine has that ast anyway (its syntax check), walking it
costs a few percent of a LibCST parse, and its scoping is exactly Python's. LibCST parses only the statements a
migration rewrites (see `_apply`).

Names resolve as Python resolves them: function, lambda, class and comprehension scopes, class bodies invisible to
the functions inside them, a comprehension's first iterable evaluated outside it, `global` and `nonlocal` moving a
name's bindings to the scope they name, walrus targets binding in the enclosing function. A name resolves to a
tensorflow import (or alias) only when every binding of it in the scope that owns it is that binding; a `del`, a
second assignment, a `for` target or a `global` rebinding elsewhere makes it unknowable, and what is unknowable is
never rewritten.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ._symbols import canonical, kind_of, lookup

ScopeKind = Literal["module", "function", "class", "comprehension"]
_IMPORT_ROOTS = ("tensorflow", "keras")  # the packages whose names the rules resolve


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a pure Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def chain_root(node: ast.AST) -> ast.Name | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node if isinstance(node, ast.Name) else None


@dataclass(eq=False)
class Event:
    """One binding of a name in a scope: what binds it, and the value when that is known."""

    node: ast.AST  # the statement or node that binds (Assign, Import, FunctionDef, arg, For, ...)
    kind: str  # "assign", "with", "import", "def", "class", "param", "del", "other"
    value: ast.expr | None = None


@dataclass(eq=False)
class Scope:
    node: ast.AST
    kind: ScopeKind
    parent: Scope | None
    events: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)

    def chain(self) -> Iterator[Scope]:
        scope: Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent

    @property
    def function(self) -> Scope:
        """The nearest scope that is not a comprehension (where a walrus target binds)."""
        scope = self
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        return scope

    @property
    def enclosing_class(self) -> Scope | None:
        """The class a method body belongs to: the scope `self.x` is followed in."""
        for scope in self.chain():
            if scope.kind == "class":
                return scope
        return None


@dataclass(eq=False)
class Binding:
    """A name bound to a tensorflow (or keras) module or symbol: an import, or an alias (`tfe = tf.contrib.eager`)."""

    name: str
    qualified: str
    statement: ast.stmt  # Import, ImportFrom, Assign or AnnAssign
    alias: ast.alias | None
    scope: Scope
    guarded: bool  # inside a version check or `except ImportError`: both branches are left alone
    submodule: str | None = None  # `import tensorflow.contrib.eager` binds `tensorflow` but loads this module

    @property
    def is_assignment(self) -> bool:
        return isinstance(self.statement, (ast.Assign, ast.AnnAssign))

    @property
    def contrib(self) -> str | None:
        return canonical(self.submodule or self.qualified)


@dataclass(eq=False)
class Ref:
    """A resolved use of a bound name: `tfe.Checkpoint`, `tf.contrib.framework.list_variables`, `Checkpoint`."""

    node: ast.Name | ast.Attribute  # the part of the chain that names `qualified` (a table row, if one matches)
    root: ast.Name
    qualified: str
    binding: Binding
    scope: Scope
    call: ast.Call | None = None  # the call whose callee the reference is
    in_alias: bool = False  # the value of an alias assignment (`tfe = tf.contrib.eager`)

    @property
    def contrib(self) -> str | None:
        return canonical(self.qualified)

    @property
    def symbol(self):  # type: ignore[no-untyped-def]
        return lookup(self.qualified)


@dataclass(eq=False)
class Load:
    node: ast.Name
    scope: Scope


@dataclass(eq=False)
class ModuleAnalysis:
    tree: ast.Module
    module_scope: Scope
    scopes: dict[ast.AST, Scope]
    parents: dict[ast.AST, ast.AST]
    bindings: list[Binding]
    refs: list[Ref]
    loads: dict[str, list[Load]]  # every read of a bare name, by name
    calls: list[tuple[ast.Call, Scope]]
    attribute_events: dict[tuple[Scope, str], list[Event]]  # `self.x = ...` per class, by `self.x`
    all_names: frozenset[str]  # the strings of a module-level `__all__`
    statement_of: dict[ast.AST, ast.stmt]  # innermost statement of every node walked
    # `tf.contrib...` chains whose root could not be tied to a tensorflow import (a parameter named tf, a name bound
    # twice): left alone, and worth saying so.
    unresolved_contrib: list[ast.Attribute] = field(default_factory=list)
    extra_uses: frozenset[str] = frozenset()  # names read where no parser looks (notebook magics, bad cells)

    # -- resolution -----------------------------------------------------------------------------------------------
    def owner(self, name: str, scope: Scope) -> Scope | None:
        """The scope whose binding of `name` a read in `scope` sees, as Python resolves it (None: builtin/unbound)."""
        if name in scope.globals:
            return self.module_scope if name in self.module_scope.events else None
        for candidate in scope.chain():
            if candidate.kind == "class" and candidate is not scope:
                continue  # a class body's names are invisible to the scopes nested in it
            if name in candidate.events:
                return candidate
            if candidate is not scope and name in candidate.globals:
                return self.module_scope if name in self.module_scope.events else None
        return None

    def binding_of(self, name: str, scope: Scope) -> Binding | None:
        """The tensorflow binding a read of `name` in `scope` certainly sees, or None."""
        owner = self.owner(name, scope)
        if owner is None:
            return None
        found = self._bindings_by_scope.get((owner, name))
        if not found:
            return None
        if len(owner.events[name]) != len(found):
            return None
        kinds = {b.qualified for b in found}
        if kinds == {"tensorflow", "tensorflow.compat.v1"}:
            # `try: import tensorflow.compat.v1 as tf / except ImportError: import tensorflow as tf`: TF 1's API
            # either way, so the name reads as tensorflow.compat.v1 (whose train.Checkpoint is TF 1's class).
            found = [b for b in found if b.qualified == "tensorflow.compat.v1"]
        elif len(kinds) != 1:
            return None
        if owner.kind == "class" and scope is owner and self._outer_binding(name, owner) is not None:
            return None  # a class body may read the global before its own binding runs
        # `import tensorflow` next to `import tensorflow.contrib.eager`: both bind the package itself.
        return next((b for b in found if b.submodule is None), found[0])

    def may_read(self, name: str, scope: Scope, node: ast.AST | None = None) -> list[Binding]:
        """The tensorflow bindings a read of `name` (the node `node`) in `scope` may see: the certain one, or
        every candidate."""
        owner = self.owner(name, scope)
        found = list(self._bindings_by_scope.get((owner, name), ())) if owner is not None else []
        if owner is not None and owner.kind == "class" and scope is owner and not self._bound_before(
                name, owner, node):
            outer = self._outer_binding(name, owner)
            if outer is not None:
                found.extend(outer)
        return found

    def _bound_before(self, name: str, owner: Scope, node: ast.AST | None) -> bool:
        """A statement of the class body itself (not a branch) binds `name` above the read: the read sees it."""
        if node is None:
            return False
        line = getattr(node, "lineno", 0)
        return any(self.parents.get(event.node) is owner.node and getattr(event.node, "end_lineno", line) < line
                   for event in owner.events.get(name, ()))

    def _outer_binding(self, name: str, scope: Scope) -> list[Binding] | None:
        parent = scope.parent
        if parent is None:
            return None
        owner = self.owner(name, parent)
        if owner is None:
            return None
        return self._bindings_by_scope.get((owner, name)) or None

    def tensorflow_module_name(self, scope: Scope) -> str | None:
        """A name that certainly means the `tensorflow` package when read in `scope` (`tf`, preferably)."""
        return self._module_name(scope, "tensorflow")

    def tensorflow_v1_name(self, scope: Scope) -> str | None:
        """A name that certainly means `tensorflow.compat.v1` when read in `scope`."""
        return self._module_name(scope, "tensorflow.compat.v1")

    def _module_name(self, scope: Scope, qualified: str) -> str | None:
        names = sorted({b.name for b in self.bindings if b.qualified == qualified},
                       key=lambda name: (name != "tf", name))
        for name in names:
            binding = self.binding_of(name, scope)
            if binding is not None and binding.qualified == qualified:
                return name
        return None

    def can_bind_module_name(self, name: str, scope: Scope) -> bool:
        """A new module-level `import ... as name` would be what `name` means in `scope`, and rebind nothing."""
        return name not in self.module_scope.events and not self._star and self.owner(name, scope) is None

    def is_builtin(self, name: str, scope: Scope) -> bool:
        """True when a read of `name` in `scope` certainly reaches the builtin (nothing in the file binds it)."""
        return self.owner(name, scope) is None and name not in self.module_scope.events and not self._star

    def scope_of(self, node: ast.AST) -> Scope:
        """The scope a node is evaluated in (its nearest enclosing scope node's scope)."""
        for ancestor in self.ancestors(node):
            scope = self._scope_for_child.get(ancestor)
            if scope is not None:
                return scope
        return self.module_scope

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        parents = self.parents
        parent = parents.get(node)
        while parent is not None:
            yield parent
            parent = parents.get(parent)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(node)

    # Filled by the walker.
    _bindings_by_scope: dict[tuple[Scope, str], list[Binding]] = field(default_factory=dict)
    _scope_for_child: dict[ast.AST, Scope] = field(default_factory=dict)
    _star: bool = False


_SCOPE_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    fields = _SCOPE_FIELDS.get(cls)
    if fields is None:
        fields = _SCOPE_FIELDS[cls] = tuple(name for name in cls._fields  # type: ignore[attr-defined]
                                            if name not in ("ctx", "type_comment"))
    return fields


def _is_version_check(test: ast.expr) -> bool:
    """`tf.__version__ < "2"`, `LooseVersion(...)`, `sys.version_info`: any name or string naming a version."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and "version" in node.id.lower():
            return True
        if isinstance(node, ast.Attribute) and "version" in node.attr.lower():
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "version" in node.value.lower():
            return True
    return False


def _catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(kind is not None and dotted(kind) in ("ImportError", "ModuleNotFoundError") for kind in kinds):
            return True
    return False


def _interesting_import(module: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in _IMPORT_ROOTS)


class _Walker:
    """The single walk. Bindings are collected per scope; what depends on every binding of the file (which name
    is a tensorflow import, which reads resolve to it) is settled in `finish`."""

    def __init__(self, tree: ast.Module) -> None:
        module_scope = Scope(tree, "module", None)
        self.tree = tree
        self.module_scope = module_scope
        self.scopes: dict[ast.AST, Scope] = {tree: module_scope}
        self.parents: dict[ast.AST, ast.AST] = {}
        self.statement_of: dict[ast.AST, ast.stmt] = {}
        self.loads: dict[str, list[Load]] = defaultdict(list)
        self.calls: list[tuple[ast.Call, Scope]] = []
        self.chains: list[tuple[ast.Attribute, ast.Name, Scope]] = []
        self.imports: list[tuple[str, str, ast.stmt, ast.alias, Scope, bool, str | None]] = []
        self.assigns: list[tuple[str, ast.expr, ast.stmt, Scope, bool]] = []  # single-name assignments, in order
        self.attribute_events: dict[tuple[Scope, str], list[Event]] = defaultdict(list)
        self.all_names: set[str] = set()
        self.scope_for_child: dict[ast.AST, Scope] = {}
        self.star = False
        self._guards = 0
        self._statement: ast.stmt | None = None
        handlers: dict[type, Callable[[Any, Scope], None]] = {
            ast.FunctionDef: self._function, ast.AsyncFunctionDef: self._function, ast.Lambda: self._lambda,
            ast.ClassDef: self._class, ast.ListComp: self._comprehension, ast.SetComp: self._comprehension,
            ast.GeneratorExp: self._comprehension, ast.DictComp: self._comprehension, ast.Name: self._name,
            ast.Import: self._import, ast.ImportFrom: self._import_from, ast.Global: self._global,
            ast.Nonlocal: self._nonlocal, ast.NamedExpr: self._named_expr, ast.Assign: self._assign,
            ast.AnnAssign: self._ann_assign, ast.AugAssign: self._aug_assign, ast.For: self._for,
            ast.AsyncFor: self._for, ast.With: self._with, ast.AsyncWith: self._with,
            ast.ExceptHandler: self._except_handler, ast.Try: self._try, ast.If: self._if, ast.Call: self._call,
            ast.Attribute: self._attribute, ast.MatchAs: self._match_capture, ast.MatchStar: self._match_capture,
            ast.MatchMapping: self._match_mapping,
        }
        if hasattr(ast, "TryStar"):
            handlers[ast.TryStar] = self._try  # type: ignore[attr-defined]
        self._handlers = handlers

    # -- traversal ------------------------------------------------------------------------------------------------
    def walk(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, ast.stmt):
            outer, self._statement = self._statement, node
        statement = self._statement
        if statement is not None:
            self.statement_of[node] = statement
        handler = self._handlers.get(type(node))
        if handler is not None:
            handler(node, scope)
        else:
            self.children(node, scope)
        if isinstance(node, ast.stmt):
            self._statement = outer

    def children(self, node: ast.AST, scope: Scope, skip: tuple[str, ...] = ()) -> None:
        parents = self.parents
        for name in _fields(type(node)):
            if name in skip:
                continue
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        parents[item] = node
                        self.walk(item, scope)
            elif isinstance(value, ast.AST):
                parents[value] = node
                self.walk(value, scope)

    def child(self, parent: ast.AST, node: ast.AST | None, scope: Scope) -> None:
        if node is not None:
            self.parents[node] = parent
            self.walk(node, scope)

    def each(self, parent: ast.AST, nodes: list, scope: Scope) -> None:  # type: ignore[type-arg]
        for node in nodes:
            if isinstance(node, ast.AST):
                self.child(parent, node, scope)

    def bind(self, scope: Scope, name: str, event: Event) -> None:
        scope.events[name].append(event)

    def new_scope(self, node: ast.AST, kind: ScopeKind, parent: Scope) -> Scope:
        scope = Scope(node, kind, parent)
        self.scopes[node] = scope
        return scope

    # -- scopes ---------------------------------------------------------------------------------------------------
    def _arguments(self, owner: ast.AST, arguments: ast.arguments, outer: Scope, inner: Scope) -> None:
        """Defaults and annotations are evaluated where the function is defined; parameters bind inside it."""
        self.parents[arguments] = owner
        self.each(arguments, arguments.defaults, outer)
        self.each(arguments, arguments.kw_defaults, outer)
        for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                    *((arguments.vararg,) if arguments.vararg else ()),
                    *((arguments.kwarg,) if arguments.kwarg else ())):
            self.parents[arg] = arguments
            if arg.annotation is not None:
                self.child(arg, arg.annotation, outer)
            self.bind(inner, arg.arg, Event(arg, "param"))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        self.each(node, node.decorator_list, scope)
        if node.returns is not None:
            self.child(node, node.returns, scope)
        inner = self.new_scope(node, "function", scope)
        self._arguments(node, node.args, scope, inner)
        self.bind(scope, node.name, Event(node, "def"))
        for statement in node.body:
            self.scope_for_child[statement] = inner
        self.each(node, node.body, inner)

    def _lambda(self, node: ast.Lambda, scope: Scope) -> None:
        inner = self.new_scope(node, "function", scope)
        self._arguments(node, node.args, scope, inner)
        self.scope_for_child[node.body] = inner
        self.child(node, node.body, inner)

    def _class(self, node: ast.ClassDef, scope: Scope) -> None:
        self.each(node, node.decorator_list, scope)
        self.each(node, node.bases, scope)
        self.each(node, node.keywords, scope)
        inner = self.new_scope(node, "class", scope)
        self.bind(scope, node.name, Event(node, "class"))
        for statement in node.body:
            self.scope_for_child[statement] = inner
        self.each(node, node.body, inner)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
                       scope: Scope) -> None:
        inner = self.new_scope(node, "comprehension", scope)
        for index, generator in enumerate(node.generators):
            self.parents[generator] = node
            # The first iterable is evaluated in the enclosing scope, the rest inside the comprehension.
            if index:
                self.scope_for_child[generator.iter] = inner
            self.child(generator, generator.iter, scope if index == 0 else inner)
            self.scope_for_child[generator.target] = inner
            self.child(generator, generator.target, inner)
            for condition in generator.ifs:
                self.scope_for_child[condition] = inner
            self.each(generator, generator.ifs, inner)
        for name in ("elt", "key", "value"):
            value = getattr(node, name, None)
            if value is not None:
                self.scope_for_child[value] = inner
                self.child(node, value, inner)

    def _global(self, node: ast.Global, scope: Scope) -> None:
        scope.globals.update(node.names)

    def _nonlocal(self, node: ast.Nonlocal, scope: Scope) -> None:
        scope.nonlocals.update(node.names)

    # -- names ----------------------------------------------------------------------------------------------------
    def _name(self, node: ast.Name, scope: Scope) -> None:
        if isinstance(node.ctx, ast.Load):
            self.loads[node.id].append(Load(node, scope))
        else:
            self.bind(scope, node.id, Event(node, "del" if isinstance(node.ctx, ast.Del) else "other"))

    def _named_expr(self, node: ast.NamedExpr, scope: Scope) -> None:
        self.child(node, node.value, scope)
        self.parents[node.target] = node
        self.bind(scope.function, node.target.id, Event(node, "other"))

    def _match_capture(self, node: ast.MatchAs | ast.MatchStar, scope: Scope) -> None:
        if node.name is not None:
            self.bind(scope, node.name, Event(node, "other"))
        self.children(node, scope)

    def _match_mapping(self, node: ast.MatchMapping, scope: Scope) -> None:
        if node.rest is not None:
            self.bind(scope, node.rest, Event(node, "other"))
        self.children(node, scope)

    def _except_handler(self, node: ast.ExceptHandler, scope: Scope) -> None:
        if node.name is not None:
            self.bind(scope, node.name, Event(node, "other"))
        self.children(node, scope)

    # -- imports --------------------------------------------------------------------------------------------------
    def _import(self, node: ast.Import, scope: Scope) -> None:
        for alias in node.names:
            self.parents[alias] = node
            if alias.asname:
                bound, qualified, submodule = alias.asname, alias.name, None
            else:
                bound = alias.name.split(".")[0]
                qualified = bound
                submodule = alias.name if alias.name != bound else None
            self.bind(scope, bound, Event(node, "import"))
            if _interesting_import(alias.name):
                self.imports.append((bound, qualified, node, alias, scope, self._guards > 0, submodule))

    def _import_from(self, node: ast.ImportFrom, scope: Scope) -> None:
        module = node.module if not node.level else None
        for alias in node.names:
            self.parents[alias] = node
            if alias.name == "*":
                self.star = True
                continue
            bound = alias.asname or alias.name
            self.bind(scope, bound, Event(node, "import"))
            if module and _interesting_import(module):
                self.imports.append((bound, f"{module}.{alias.name}", node, alias, scope, self._guards > 0, None))

    # -- assignments ----------------------------------------------------------------------------------------------
    def _targets(self, target: ast.expr, statement: ast.stmt, scope: Scope, value: ast.expr | None,
                 kind: str) -> None:
        """Bind what `target` binds; `value` is what it is bound to when that is known (a single plain target)."""
        if isinstance(target, ast.Name):
            self.parents.setdefault(target, statement)
            self.bind(scope, target.id, Event(statement, kind if value is not None else "other", value))
            return
        if isinstance(target, ast.Attribute):
            key = dotted(target)
            owner = scope.enclosing_class
            if key is not None and key.startswith("self.") and key.count(".") == 1 and owner is not None:
                self.attribute_events[(owner, key)].append(Event(statement, kind if value else "other", value))
            self.walk(target, scope)
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.parents[element] = target
                self._targets(element, statement, scope, None, kind)
            return
        if isinstance(target, ast.Starred):
            self.parents[target.value] = target
            self._targets(target.value, statement, scope, None, kind)
            return
        self.walk(target, scope)  # a subscript: its parts are reads

    def _assign(self, node: ast.Assign, scope: Scope) -> None:
        self.child(node, node.value, scope)
        single = len(node.targets) == 1
        for target in node.targets:
            self.parents[target] = node
            self._targets(target, node, scope, node.value, "assign")
        if single and isinstance(node.targets[0], ast.Name):
            self.assigns.append((node.targets[0].id, node.value, node, scope, self._guards > 0))
        if scope.kind == "module" and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            self._all(node.value)

    def _ann_assign(self, node: ast.AnnAssign, scope: Scope) -> None:
        self.child(node, node.annotation, scope)
        if node.value is not None:
            self.child(node, node.value, scope)
        self.parents[node.target] = node
        self._targets(node.target, node, scope, node.value, "assign")
        if node.value is not None and isinstance(node.target, ast.Name):
            self.assigns.append((node.target.id, node.value, node, scope, self._guards > 0))

    def _aug_assign(self, node: ast.AugAssign, scope: Scope) -> None:
        self.child(node, node.value, scope)
        self.parents[node.target] = node
        if isinstance(node.target, ast.Name):
            self.loads[node.target.id].append(Load(node.target, scope))
            if scope.kind == "module" and node.target.id == "__all__":
                self._all(node.value)
        self._targets(node.target, node, scope, None, "other")

    def _all(self, value: ast.expr) -> None:
        if isinstance(value, (ast.List, ast.Tuple)):
            self.all_names.update(e.value for e in value.elts
                                  if isinstance(e, ast.Constant) and isinstance(e.value, str))

    def _for(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        self.child(node, node.iter, scope)
        self.parents[node.target] = node
        self._targets(node.target, node, scope, None, "other")
        self.each(node, node.body, scope)
        self.each(node, node.orelse, scope)

    def _with(self, node: ast.With | ast.AsyncWith, scope: Scope) -> None:
        for item in node.items:
            self.parents[item] = node
            self.child(item, item.context_expr, scope)
            if item.optional_vars is not None:
                self.parents[item.optional_vars] = item
                self._targets(item.optional_vars, node, scope, item.context_expr, "with")
        self.each(node, node.body, scope)

    # -- guards ---------------------------------------------------------------------------------------------------
    def _try(self, node: ast.Try, scope: Scope) -> None:
        guarded = _catches_import_error(node)
        self._guards += guarded
        self.children(node, scope)
        self._guards -= guarded

    def _if(self, node: ast.If, scope: Scope) -> None:
        guarded = _is_version_check(node.test)
        self._guards += guarded
        self.children(node, scope)
        self._guards -= guarded

    # -- reads ----------------------------------------------------------------------------------------------------
    def _call(self, node: ast.Call, scope: Scope) -> None:
        self.calls.append((node, scope))
        self.children(node, scope)

    def _attribute(self, node: ast.Attribute, scope: Scope) -> None:
        root = chain_root(node)
        if root is None:
            self.children(node, scope)
            return
        # A pure chain holds nothing else to walk: record its parts' parents, its root read, and the chain.
        parents = self.parents
        statement = self._statement
        inner: ast.AST = node
        while isinstance(inner, ast.Attribute):
            parents[inner.value] = inner
            if statement is not None:
                self.statement_of[inner.value] = statement
            inner = inner.value
        self.loads[root.id].append(Load(root, scope))
        if isinstance(node.ctx, ast.Load):
            self.chains.append((node, root, scope))

    # -- settling -------------------------------------------------------------------------------------------------
    def finish(self) -> ModuleAnalysis:
        self._apply_declarations()
        analysis = ModuleAnalysis(
            tree=self.tree, module_scope=self.module_scope, scopes=self.scopes, parents=self.parents, bindings=[],
            refs=[], loads=self.loads, calls=self.calls, attribute_events=self.attribute_events,
            all_names=frozenset(self.all_names), statement_of=self.statement_of)
        analysis._scope_for_child = self.scope_for_child
        analysis._star = self.star
        by_scope: dict[tuple[Scope, str], list[Binding]] = defaultdict(list)
        analysis._bindings_by_scope = by_scope
        for name, qualified, statement, alias, scope, guarded, submodule in self.imports:
            # A guard matters for contrib imports (TF 1 and TF 2 branches); `import tensorflow` under a version
            # check or ImportError fallback is still tensorflow.
            guarded = guarded and canonical(submodule or qualified) is not None
            binding = Binding(name, qualified, statement, alias, self._owning(scope, name), guarded, submodule)
            analysis.bindings.append(binding)
            by_scope[(binding.scope, name)].append(binding)
        self._aliases(analysis, by_scope)
        self._resolve(analysis)
        return analysis

    def _owning(self, scope: Scope, name: str) -> Scope:
        if name in scope.globals:
            return self.module_scope
        if name in scope.nonlocals:
            for outer in scope.chain():
                if outer is not scope and outer.kind == "function" and name in outer.events:
                    return outer
        return scope

    def _apply_declarations(self) -> None:
        """`global x` in a function makes its bindings of x the module's; `nonlocal x` the enclosing function's."""
        for scope in list(self.scopes.values()):
            for name in scope.globals:
                events = scope.events.pop(name, None)
                if events:
                    self.module_scope.events[name].extend(events)
            for name in scope.nonlocals:
                events = scope.events.pop(name, None)
                if events:
                    target = self._owning(scope, name)
                    target.events[name].extend(events)

    def _aliases(self, analysis: ModuleAnalysis, by_scope: dict[tuple[Scope, str], list[Binding]]) -> None:
        """`tfe = tf.contrib.eager`, `Checkpoint = tfe.Checkpoint`: the name becomes a binding of what it names.

        Repeated until nothing changes, so an alias of an alias resolves too."""
        pending = [a for a in self.assigns if dotted(a[1]) is not None]
        changed = True
        while pending and changed:
            changed = False
            for item in list(pending):
                name, value, statement, scope, guarded = item
                chain = dotted(value)
                assert chain is not None
                head, _, rest = chain.partition(".")
                source = analysis.binding_of(head, scope)
                if source is None:
                    continue
                qualified = source.qualified + ("." + rest if rest else "")
                if canonical(qualified) is None and kind_of(qualified) is None:
                    pending.remove(item)
                    continue
                owner = self._owning(scope, name)
                binding = Binding(name, qualified, statement, None, owner, guarded or source.guarded)
                analysis.bindings.append(binding)
                by_scope[(owner, name)].append(binding)
                pending.remove(item)
                changed = True

    def _resolve(self, analysis: ModuleAnalysis) -> None:
        names = {b.name for b in analysis.bindings} | {"tf", "tensorflow"}
        calls = {id(call.func): call for call, _ in self.calls}
        alias_values = {id(b.statement.value) for b in analysis.bindings  # type: ignore[attr-defined]
                        if b.is_assignment}
        candidates: list[tuple[ast.Name | ast.Attribute, ast.Name, Scope]] = [
            (node, root, scope) for node, root, scope in self.chains if root.id in names]
        chained_roots = {id(root) for _, root, _ in self.chains}
        for name in names:
            for load in self.loads.get(name, ()):
                if id(load.node) not in chained_roots:
                    candidates.append((load.node, load.node, load.scope))
        for node, root, scope in candidates:
            binding = analysis.binding_of(root.id, scope)
            if binding is None:
                if isinstance(node, ast.Attribute) and ".contrib" in (dotted(node) or ""):
                    analysis.unresolved_contrib.append(node)
                continue
            chain = dotted(node) or root.id
            qualified = binding.qualified + chain[len(root.id):]
            # `tfe.Checkpoint.restore` is a use of the `tfe.Checkpoint` row: point the reference at that prefix.
            target: ast.Name | ast.Attribute = node
            while lookup(qualified) is None and isinstance(target, ast.Attribute) and canonical(qualified):
                prefix = qualified.rsplit(".", 1)[0]
                if lookup(prefix) is None:
                    break
                target, qualified = target.value, prefix  # type: ignore[assignment]
            analysis.refs.append(Ref(target, root, qualified, binding, scope, calls.get(id(target)),
                                     id(target) in alias_values))
        analysis.refs.sort(key=lambda ref: (ref.node.lineno, ref.node.col_offset))


def analyze(tree: ast.Module, extra_uses: frozenset[str] = frozenset()) -> ModuleAnalysis:
    walker = _Walker(tree)
    walker.walk(tree, walker.module_scope)
    analysis = walker.finish()
    analysis.extra_uses = extra_uses
    return analysis

"""One analysis pass over a module, shared by every transform.

Why not LibCST's `QualifiedNameProvider`: on 1,200 TF 1.x files it costs about 8x a parse, and every transform here
only needs to know which names are bound to tensorflow modules or symbols, and which objects are checkpoints. This
pass walks the tree once and keeps a small lexical scope model (function, class, comprehension and lambda scopes, as
Python defines them). A name resolves to a tensorflow binding only when, in the scope that owns it, every binding of
that name is that import. Files whose scoping the model does not cover (`global`, `nonlocal`, star imports, `del` of
a bound tensorflow name) have their references checked again with LibCST's `ScopeProvider`, the only place it runs.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from ._symbols import Symbol, canonical, lookup

ScopeNode = cst.CSTNode

# Method names whose calls the transforms look at; recording only these keeps the pass cheap.
TRACKED_METHODS = frozenset({
    "save", "write", "restore", "read", "expect_partial", "assert_consumed", "assert_existing_objects_matched",
    "assert_nontrivial_match", "restore_or_initialize", "update", "pop", "setdefault",
})
SESSION_NAMES = frozenset({"Session", "InteractiveSession", "MonitoredSession", "MonitoredTrainingSession",
                           "SingularMonitoredSession"})


def dotted_name(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a pure Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _chain_root(node: cst.Attribute) -> cst.Name | None:
    inner: cst.CSTNode = node
    while isinstance(inner, cst.Attribute):
        inner = inner.value
    return inner if isinstance(inner, cst.Name) else None


def _module_name(node: cst.BaseExpression | None) -> str | None:
    return dotted_name(node) if node is not None else None


@dataclass(eq=False)
class Binding:
    """A name bound to a tensorflow module or symbol by an import or an alias assignment (`tfe = tf.contrib.eager`)."""

    name: str
    qualified: str
    statement: cst.CSTNode  # Import, ImportFrom or Assign
    alias: cst.ImportAlias | None
    scope: ScopeNode
    guarded: bool  # inside a version check or `except ImportError`: both branches are left alone
    submodule: str | None = None  # `import tensorflow.contrib.eager` binds `tensorflow` but loads this module

    @property
    def is_alias_assignment(self) -> bool:
        return isinstance(self.statement, cst.Assign)


@dataclass(eq=False)
class Ref:
    """A resolved use of a tensorflow name: `tfe.Checkpoint`, `tf.contrib.framework.list_variables`, `List`."""

    node: cst.Attribute | cst.Name
    root: cst.Name
    qualified: str
    binding: Binding
    scopes: tuple[ScopeNode, ...]
    call: cst.Call | None = None  # set when the reference is the callee of a call
    in_alias: bool = False  # the value of an alias assignment such as `tfe = tf.contrib.eager`

    @property
    def contrib(self) -> str | None:
        return canonical(self.qualified)

    @property
    def symbol(self) -> Symbol | None:
        return lookup(self.qualified)


@dataclass(eq=False)
class MethodCall:
    """`receiver.method(...)` for the methods in TRACKED_METHODS."""

    call: cst.Call
    receiver: cst.BaseExpression
    method: str
    scopes: tuple[ScopeNode, ...]


@dataclass(eq=False)
class Assignment:
    """`target = value` where target is a name or a `self.x` chain (what checkpoint tracking follows)."""

    target: str
    value: cst.BaseExpression
    statement: cst.CSTNode
    scopes: tuple[ScopeNode, ...]


@dataclass(eq=False)
class ModuleAnalysis:
    module: cst.Module
    bindings: list[Binding] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    method_calls: list[MethodCall] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    calls_by_func: dict[cst.CSTNode, cst.Call] = field(default_factory=dict)
    # Keyed by `id(node)`: LibCST nodes hash through a Python method, and this map holds every node of the module.
    # The module keeps every node alive, so an id stays that node's.
    parents: dict[int, cst.CSTNode] = field(default_factory=dict)
    scope_bindings: dict[ScopeNode, set[str]] = field(default_factory=lambda: defaultdict(set))
    session_mode: bool = False
    name_loads: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Loads of a tensorflow-bound name that resolve to another binding (a parameter, local, class attribute):
    # they are not uses of the import, so they must not keep it alive.
    shadowed_loads: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    global_names: set[str] = field(default_factory=set)
    import_names: set[str] = field(default_factory=set)  # every name an import binds: modules are not object parts
    complex_scoping: bool = False
    used_scope_provider: bool = False
    cache: dict[str, object] = field(default_factory=dict)  # derived facts rules share (e.g. checkpoint sites)

    # -- questions transforms ask -------------------------------------------------------------------------------
    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parents = self.parents
        parent = parents.get(id(node))
        while parent is not None:
            yield parent
            parent = parents.get(id(parent))

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(id(node))

    def owner_scope(self, name: str, scopes: Sequence[ScopeNode]) -> ScopeNode | None:
        """The scope whose binding of `name` a use in `scopes` (innermost first) sees, as Python resolves it."""
        for index, scope in enumerate(scopes):
            # A class body's names are invisible to the functions nested in it.
            if index > 0 and isinstance(scope, cst.ClassDef):
                continue
            if name in self.scope_bindings.get(scope, ()):
                return scope
        return None

    def tensorflow_bindings(self) -> list[Binding]:
        """Module-level names bound to the tensorflow package itself (or to tensorflow.compat.v1)."""
        return [b for b in self.bindings if b.qualified in ("tensorflow", "tensorflow.compat.v1")
                and isinstance(b.scope, cst.Module) and not b.guarded and b.alias is not None
                and b.submodule is None]


_NOT_CHILDREN = ("whitespace", "comma", "lpar", "rpar", "semicolon", "colon", "operator", "equal",
                 "leading_lines", "lines_after_decorators", "newline", "header", "footer", "lbracket", "rbracket",
                 "lbrace", "rbrace", "asynchronous")
_NOT_CHILDREN_EXACT = frozenset({"dot", "star", "quote", "prefix", "arrow", "default_indent", "relative"})
_FIELDS: dict[type, tuple[str, ...]] = {}
_HOOKS: dict[tuple[type, type], tuple[object, object]] = {}


_NODE_TYPES: dict[type, bool] = {}


def _is_node(cls: type) -> bool:
    """`issubclass(cls, CSTNode)`, remembered: CSTNode is an ABC, and its isinstance check is a third of a walk."""
    known = _NODE_TYPES.get(cls)
    if known is None:
        known = _NODE_TYPES[cls] = issubclass(cls, cst.CSTNode)
    return known


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = tuple(f.name for f in dataclasses.fields(cls)
                       if f.name not in _NOT_CHILDREN_EXACT and not any(part in f.name for part in _NOT_CHILDREN))
        _FIELDS[cls] = fields
    return fields


# What rules resolve: contrib, checkpoint classes, and session classes (which tell TFC101 a file runs sessions).
_DESTINATIONS = ("tensorflow.contrib", "tensorflow.compat.v1.contrib", "tensorflow.train.Checkpoint",
                 "tensorflow.compat.v1.train.Checkpoint", "tensorflow.compat.v2.train.Checkpoint",
                 "tensorflow.Session", "tensorflow.compat.v1.Session", "tensorflow.InteractiveSession",
                 "tensorflow.compat.v1.InteractiveSession")


def _leads_somewhere(qualified: str) -> bool:
    """True when the name bound to `qualified` can reach something a rule resolves (or is inside contrib)."""
    return any(target == qualified or target.startswith(qualified + ".") or qualified.startswith(target + ".")
               for target in _DESTINATIONS)


class _Walker:
    """A read-only tree walk that, unlike `CSTNode.visit`, never rebuilds nodes and skips whitespace and tokens.

    `CSTVisitor` traversal reconstructs every node it passes (libcst's own TODO), which alone costs about as much as
    the parse. Dispatch mirrors CSTVisitor's: `visit_<Type>` (return False to skip the children) and `leave_<Type>`.
    """

    def walk(self, node: cst.CSTNode, parent: cst.CSTNode | None, parents: dict[int, cst.CSTNode]) -> None:
        cls = type(node)
        hooks = _HOOKS.get((type(self), cls))
        if hooks is None:
            name = cls.__name__
            hooks = (getattr(type(self), "visit_" + name, None), getattr(type(self), "leave_" + name, None))
            _HOOKS[(type(self), cls)] = hooks
        visit, leave = hooks
        if parent is not None:
            parents[id(node)] = parent
        if visit is None or visit(self, node) is not False:  # type: ignore[operator]
            for field_name in _child_fields(cls):
                value = getattr(node, field_name)
                kind = type(value)
                if kind is tuple or kind is list:
                    for item in value:
                        if _is_node(type(item)):
                            self.walk(item, node, parents)
                elif _is_node(kind):
                    self.walk(value, node, parents)
        if leave is not None:
            leave(self, node)  # type: ignore[operator]


class _Collector(_Walker):
    """The single walk. Keeps a scope stack and records what transforms need."""

    def __init__(self, module: cst.Module) -> None:
        self.result = ModuleAnalysis(module=module)
        self._scopes: list[ScopeNode] = [module]
        self._non_refs: set[int] = set()  # ids of Name nodes that are not loads (keywords, attrs, targets)
        self._store_chains: set[int] = set()  # Attribute chains that are assignment targets
        self._roots: dict[str, list[Binding]] = defaultdict(list)
        # (reference, root name, scope chain, inside an alias value, name already bound in the innermost scope)
        self._pending_refs: list[tuple[cst.Attribute | cst.Name, cst.Name, tuple[ScopeNode, ...], bool, bool]] = []
        self._guards = 0
        self._alias_values: set[int] = set()
        self._global_names: set[str] = set()
        self._counts: dict[ScopeNode, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def run(self) -> ModuleAnalysis:
        self.walk(self.result.module, None, self.result.parents)
        return self.finish()

    def _scope_chain(self) -> tuple[ScopeNode, ...]:
        return tuple(reversed(self._scopes))

    def _bind(self, name: str) -> None:
        self.result.scope_bindings[self._scopes[-1]].add(name)
        self._counts[self._scopes[-1]][name] += 1

    def _bind_targets(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self._non_refs.add(id(target))
            self._bind(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_targets(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind_targets(target.value)
        elif isinstance(target, (cst.Attribute, cst.Subscript)):
            self._store_chains.add(id(target))

    # -- scopes -------------------------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._non_refs.add(id(node.name))
        self._bind(node.name.value)
        self._scopes.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._non_refs.add(id(node.name))
        self._bind(node.name.value)
        self._scopes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._scopes.append(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._scopes.pop()

    def _enter_comprehension(self, node: cst.CSTNode) -> None:
        self._scopes.append(node)

    def _leave_comprehension(self, node: cst.CSTNode) -> None:
        self._scopes.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _enter_comprehension
    leave_ListComp = leave_SetComp = leave_DictComp = leave_GeneratorExp = _leave_comprehension

    def visit_Param(self, node: cst.Param) -> None:
        self._non_refs.add(id(node.name))
        self._bind(node.name.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._non_refs.add(id(node.keyword))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_targets(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_targets(node.asname.name)

    def visit_Try(self, node: cst.Try) -> None:
        if self._falls_back_on_import_error(node):
            self._guards += 1

    def leave_Try(self, original_node: cst.Try) -> None:
        if self._falls_back_on_import_error(original_node):
            self._guards -= 1

    @staticmethod
    def _falls_back_on_import_error(node: cst.Try) -> bool:
        for handler in node.handlers:
            kinds = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
            for kind in kinds:
                value = kind.value if isinstance(kind, cst.Element) else kind
                if value is not None and dotted_name(value) in ("ImportError", "ModuleNotFoundError"):
                    return True
        return False

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_targets(node.name.name)

    def visit_If(self, node: cst.If) -> None:
        if self._is_version_check(node.test):
            self._guards += 1

    def leave_If(self, original_node: cst.If) -> None:
        if self._is_version_check(original_node.test):
            self._guards -= 1

    @staticmethod
    def _is_version_check(test: cst.BaseExpression) -> bool:
        """`tf.__version__ < "2"`, `LooseVersion(...)`, `sys.version_info`: any name or string naming a version."""
        pending: list[cst.CSTNode] = [test]
        while pending:
            node = pending.pop()
            if isinstance(node, cst.Name) and "version" in node.value.lower():
                return True
            if isinstance(node, cst.SimpleString) and "version" in node.value.lower():
                return True
            for name in _child_fields(type(node)):
                value = getattr(node, name)
                if isinstance(value, cst.CSTNode):
                    pending.append(value)
                elif isinstance(value, (tuple, list)):
                    pending.extend(v for v in value if isinstance(v, cst.CSTNode))
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_targets(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        self._mark_global(node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self._mark_global(node.names)

    def _mark_global(self, names: Sequence[cst.NameItem]) -> None:
        for item in names:
            self._non_refs.add(id(item.name))
            self._global_names.add(item.name.value)
            self.result.global_names.add(item.name.value)
        self.result.complex_scoping = True

    def visit_Del(self, node: cst.Del) -> None:
        self.result.complex_scoping = True

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        self.result.complex_scoping = True

    # -- imports ------------------------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            module = _module_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound, qualified, submodule = alias.asname.name.value, module, None
            else:
                bound = module.split(".")[0]
                qualified = bound
                submodule = module if module != bound else None
            self._bind(bound)
            self.result.import_names.add(bound)
            if qualified == "tensorflow" or qualified.startswith("tensorflow."):
                self._add_binding(bound, qualified, node, alias, submodule)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = _module_name(node.module) if not node.relative else None
        if isinstance(node.names, cst.ImportStar):
            if module and module.startswith("tensorflow"):
                self.result.complex_scoping = True
            return False
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else (_module_name(alias.name) or "")
            bound = alias.asname.name.value if (alias.asname and isinstance(alias.asname.name, cst.Name)) else name
            self._bind(bound)
            self.result.import_names.add(bound)
            if module and (module == "tensorflow" or module.startswith("tensorflow.")):
                self._add_binding(bound, f"{module}.{name}", node, alias, None)
        return False

    def _add_binding(self, name: str, qualified: str, statement: cst.CSTNode, alias: cst.ImportAlias | None,
                     submodule: str | None) -> None:
        if not _leads_somewhere(submodule or qualified):
            return  # `from tensorflow.python.ops import array_ops`: nothing any rule resolves goes through it
        binding = Binding(name, qualified, statement, alias, self._scopes[-1], self._guards > 0, submodule)
        self.result.bindings.append(binding)
        self._roots[name].append(binding)

    # -- assignments --------------------------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_targets(target.target)
        if len(node.targets) == 1:
            target = node.targets[0].target
            key = dotted_name(target)
            if key is not None:
                self.result.assignments.append(Assignment(key, node.value, node, self._scope_chain()))
            if isinstance(target, cst.Name):
                self._maybe_alias(target.value, node)

    def _maybe_alias(self, name: str, node: cst.Assign) -> None:
        """`tfe = tf.contrib.eager`: the name becomes a binding of the contrib module it names."""
        chain = dotted_name(node.value)
        if chain is None:
            return
        head, _, rest = chain.partition(".")
        for binding in self._roots.get(head, ()):
            qualified = binding.qualified + ("." + rest if rest else "")
            if canonical(qualified) is not None:
                self._alias_values.add(id(node.value))
                self._add_binding(name, qualified, node, None, None)
                return

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_targets(node.target)
        key = dotted_name(node.target)
        if key is not None and node.value is not None:
            self.result.assignments.append(Assignment(key, node.value, node, self._scope_chain()))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_targets(node.target)

    # -- references and calls -----------------------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._non_refs.add(id(node.attr))
        root = _chain_root(node)
        if root is None:
            return True
        # The chain's inner nodes are not walked, but findings may point at them: record their parents here.
        parents = self.result.parents
        inner: cst.CSTNode = node
        while isinstance(inner, cst.Attribute):
            parents[id(inner.attr)] = inner
            parents[id(inner.value)] = inner
            inner = inner.value
        if id(node) in self._store_chains:
            return False
        self.result.name_loads[root.value] += 1
        if root.value in self._candidate_names():
            self._pending_refs.append((node, root, self._scope_chain(), id(node) in self._alias_values,
                                       root.value in self.result.scope_bindings.get(self._scopes[-1], ())))
        # A pure chain holds nothing else worth visiting; skipping it is most of this pass's speed.
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self._non_refs:
            return
        self.result.name_loads[node.value] += 1
        if node.value in SESSION_NAMES:
            self.result.session_mode = True
        if node.value in self._candidate_names():
            self._pending_refs.append((node, node, self._scope_chain(), id(node) in self._alias_values,
                                       node.value in self.result.scope_bindings.get(self._scopes[-1], ())))

    def _candidate_names(self) -> dict[str, list[Binding]]:
        return self._roots

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        self.result.calls_by_func[func] = node
        if isinstance(func, cst.Attribute) and func.attr.value in TRACKED_METHODS:
            self.result.method_calls.append(MethodCall(node, func.value, func.attr.value, self._scope_chain()))

    # -- resolution ---------------------------------------------------------------------------------------------
    def finish(self) -> ModuleAnalysis:
        result = self.result
        for node, root, scopes, in_alias, bound_before in self._pending_refs:
            binding = self._resolve(root.value, scopes)
            if binding is None:
                if self._shadowed(root.value, scopes, bound_before):
                    result.shadowed_loads[root.value] += 1
                continue
            chain = dotted_name(node) or root.value
            qualified = binding.qualified + chain[len(root.value):]
            if qualified.rsplit(".", 1)[-1] in SESSION_NAMES:
                result.session_mode = True
            # `tfe.Checkpoint.restore` is a use of the `tfe.Checkpoint` row: point the reference at that prefix.
            while lookup(qualified) is None and isinstance(node, cst.Attribute) and canonical(qualified) is not None:
                prefix = qualified.rsplit(".", 1)[0]
                if lookup(prefix) is None:
                    break
                node, qualified = node.value, prefix  # type: ignore[assignment]
            result.refs.append(Ref(node, root, qualified, binding, scopes, result.calls_by_func.get(node), in_alias))
        return result

    def _shadowed(self, name: str, scopes: tuple[ScopeNode, ...], bound_before: bool) -> bool:
        """True when the load certainly reads a binding of `name` that no tensorflow import or alias made."""
        if self.result.complex_scoping or name in self._global_names:
            return False
        owner = self.result.owner_scope(name, scopes)
        if owner is None or any(b.scope is owner for b in self._roots[name]):
            return False
        # A class body reads a module-level name until its own assignment has run: only a later read is shadowed.
        return not isinstance(owner, cst.ClassDef) or (owner is scopes[0] and bound_before)

    def _resolve(self, name: str, scopes: tuple[ScopeNode, ...]) -> Binding | None:
        # A name some function declares `global` may be rebound there: such a file has complex scoping, and what
        # resolves here is checked again by ScopeProvider, which sees the module-level rebinding.
        owner = self.result.owner_scope(name, scopes)
        if owner is None:
            return None
        candidates = [b for b in self._roots[name] if b.scope is owner]
        if not candidates or len({b.qualified for b in candidates}) != 1:
            return None
        # Every binding of the name in that scope must be this import (a reassignment makes it unknowable).
        if self._binding_count(name, owner) != len(candidates):
            return None
        return candidates[0]

    def _binding_count(self, name: str, scope: ScopeNode) -> int:
        counts = self._counts.get(scope)
        return counts.get(name, 0) if counts else 0


def analyze(module: cst.Module) -> ModuleAnalysis:
    result = _Collector(module).run()
    if result.complex_scoping and result.refs:
        _recheck_with_scope_provider(result)
    return result


def _recheck_with_scope_provider(result: ModuleAnalysis) -> None:
    """Keep only the references LibCST's scope analysis also resolves to exactly one tensorflow binding."""
    from libcst.metadata import MetadataWrapper, ScopeProvider

    wrapper = MetadataWrapper(result.module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    kept: list[Ref] = []
    for ref in result.refs:
        scope = scopes.get(ref.root)
        if scope is None:
            continue
        assignments = scope[ref.root.value]
        nodes = {getattr(a, "node", None) for a in assignments}
        if assignments and nodes <= {ref.binding.statement, ref.binding.alias} | _assign_targets(ref.binding):
            kept.append(ref)
    result.refs = kept
    result.used_scope_provider = True


def _assign_targets(binding: Binding) -> set[cst.CSTNode]:
    if isinstance(binding.statement, cst.Assign):
        return {t.target for t in binding.statement.targets}
    return set()

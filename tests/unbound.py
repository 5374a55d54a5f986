"""Which binding each name a module reads resolves to, by CPython's own scoping (`symtable`).

A migration must not leave a name that nothing binds (`tfe` after its import went, `tf` where no tensorflow import
was added), and a `tf` it writes must be the module tensorflow where it is written, not a parameter or a local that
happens to share the name. `symtable` says, for each read, whether the name is local to its scope, free (bound by
an enclosing function) or global; the bindings themselves (what was imported under the name, or whether it is a
parameter, an assignment, ...) come from the `ast` of the same source.
"""

from __future__ import annotations

import ast
import builtins
import io
import symtable
import tokenize
from collections import Counter
from dataclasses import dataclass, field

BUILTINS = frozenset(dir(builtins)) | {"__file__", "__builtins__", "__path__", "__annotations__", "__dict__"}
# What `import X as name` must have imported for `name` to be the tensorflow module.
TENSORFLOW_MODULES = frozenset({"tensorflow", "tensorflow.compat.v1", "tensorflow.compat.v2"})


@dataclass(frozen=True)
class Read:
    scope: tuple[str, ...]  # e.g. ("Trainer@0", "load@0"): stable between a file and its migration
    name: str
    line: int
    resolution: str  # "tensorflow", "bound" (to something else), "builtin" or "unbound"


@dataclass
class _Scope:
    table: symtable.SymbolTable
    parent: _Scope | None
    path: tuple[str, ...]
    kind: str  # "module", "function", "class"
    comprehension: bool = False
    bindings: dict[str, list[str]] = field(default_factory=dict)  # name -> kinds ("import tensorflow", "param", ...)
    declared_global: set[str] = field(default_factory=set)
    children: list[symtable.SymbolTable] = field(default_factory=list)
    seen: Counter[str] = field(default_factory=Counter)
    star_import: bool = False

    def bind(self, name: str, kind: str) -> None:
        target = self
        if name in self.declared_global:
            target = self.module
        elif self.comprehension and kind == "walrus":
            while target.comprehension and target.parent is not None:
                target = target.parent
        target.bindings.setdefault(name, []).append(kind)

    @property
    def module(self) -> _Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


_COMPREHENSIONS = {ast.ListComp: "listcomp", ast.SetComp: "setcomp", ast.DictComp: "dictcomp",
                   ast.GeneratorExp: "genexpr"}


class _Walker(ast.NodeVisitor):
    def __init__(self, table: symtable.SymbolTable) -> None:
        self.scope = _Scope(table, None, (), "module", children=list(table.get_children()))
        self.loads: list[tuple[_Scope, str, int]] = []

    # -- entering scopes ----------------------------------------------------------------------------------------
    def _enter(self, name: str, lineno: int, kind: str, comprehension: bool = False) -> _Scope:
        parent = self.scope
        candidates = [t for t in parent.children if t.get_name() == name]
        table = next((t for t in candidates if t.get_lineno() == lineno), candidates[0] if candidates else None)
        if table is None:  # an inlined comprehension, on a Python that does not list it: it reads its parent's names
            return parent
        parent.children.remove(table)
        index = parent.seen[name]
        parent.seen[name] += 1
        scope = _Scope(table, parent, parent.path + (f"{name}@{index}",), kind, comprehension,
                       children=list(table.get_children()))
        return scope

    def _run(self, scope: _Scope, nodes: list[ast.AST]) -> None:
        saved, self.scope = self.scope, scope
        for node in nodes:
            self.visit(node)
        self.scope = saved

    def _arguments(self, args: ast.arguments) -> list[str]:
        every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
        return [a.arg for a in every]

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, name: str) -> None:
        args = node.args
        outer: list[ast.AST] = [*args.defaults, *[d for d in args.kw_defaults if d is not None]]
        if not isinstance(node, ast.Lambda):
            outer += node.decorator_list
            outer += [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs if a.annotation]
            outer += [a.annotation for a in (args.vararg, args.kwarg) if a and a.annotation]
            if node.returns:
                outer.append(node.returns)
            self.scope.bind(node.name, "def")
        for item in outer:
            self.visit(item)
        scope = self._enter(name, node.lineno, "function")
        for arg in self._arguments(args):
            scope.bindings.setdefault(arg, []).append("param")
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        self._run(scope, body)  # type: ignore[arg-type]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node, node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node, node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node, "lambda")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for item in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(item)
        self.scope.bind(node.name, "class")
        self._run(self._enter(node.name, node.lineno, "class"), node.body)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        first, *rest = node.generators
        self.visit(first.iter)
        scope = self._enter(_COMPREHENSIONS[type(node)], node.lineno, "function", comprehension=True)
        inner: list[ast.AST] = [first.target, *first.ifs]
        for generator in rest:
            inner += [generator.iter, generator.target, *generator.ifs]
        inner += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        self._run(scope, inner)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    # -- bindings -----------------------------------------------------------------------------------------------
    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared_global.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.scope.bind(alias.asname, f"import {alias.name}")
            else:
                root = alias.name.split(".")[0]
                self.scope.bind(root, f"import {root}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.scope.module.star_import = True
                continue
            self.scope.bind(alias.asname or alias.name, f"import {module}.{alias.name}")

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.loads.append((self.scope, node.id, node.lineno))
        else:
            self.scope.bind(node.id, "assign")

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        assert isinstance(node.target, ast.Name)
        self.scope.bind(node.target.id, "walrus")

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.scope.bind(node.name, "except")
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.scope.bind(node.name, "match")
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.scope.bind(node.name, "match")

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.scope.bind(node.rest, "match")
        self.generic_visit(node)


def _owner(scope: _Scope, name: str) -> _Scope:
    """The scope whose binding of `name` a read in `scope` sees, by the symbol table's verdict."""
    if scope.parent is None:
        return scope
    try:
        symbol = scope.table.lookup(name)
    except KeyError:
        return scope.module
    if symbol.is_free():
        outer = scope.parent
        while outer is not None and outer.parent is not None:
            if outer.kind != "class":
                try:
                    if outer.table.lookup(name).is_local():
                        return outer
                except KeyError:
                    pass
            outer = outer.parent
        return scope.module
    if symbol.is_declared_global() or not symbol.is_local():
        return scope.module
    return scope


def reads(source: str | bytes) -> list[Read]:
    """Every name the module reads, with what it resolves to."""
    if isinstance(source, bytes):
        source = source.decode(tokenize.detect_encoding(io.BytesIO(source).readline)[0])
    text = source
    tree = ast.parse(text)
    walker = _Walker(symtable.symtable(text, "<module>", "exec"))
    walker.visit(tree)
    result = []
    for scope, name, line in walker.loads:
        owner = _owner(scope, name)
        kinds = owner.bindings.get(name)
        if kinds:
            tensorflow = all(kind.startswith("import ") and kind[len("import "):] in TENSORFLOW_MODULES
                             for kind in kinds)
            resolution = "tensorflow" if tensorflow else "bound"
        elif owner.parent is not None:
            resolution = "bound"  # local by the symbol table (e.g. only deleted): not ours to judge
        elif name in BUILTINS:
            resolution = "builtin"
        else:
            resolution = "bound" if owner.star_import else "unbound"
        result.append(Read(scope.path, name, line, resolution))
    return result


def unbound_names(source: str | bytes) -> set[str]:
    """Names the module reads that nothing binds: not assigned or imported where the read looks, not builtins."""
    return {read.name for read in reads(source) if read.resolution == "unbound"}

"""The run-wide facts for TFC301: which checkpoints a file builds, with which keyword names, and which it saves.

The runner gathers these from every file of a run that saves a checkpoint before it migrates any file, so a restore
in one file can be compared with what another file saves. It runs over files the migration parses again, so it
uses CPython's `ast` (a tenth of a LibCST parse) and a single walk of its own: `ast.NodeVisitor` and `ast.walk` cost
more than the parse itself. It never imports libcst.
"""

from __future__ import annotations

import ast
import warnings
from collections import defaultdict
from collections.abc import Mapping

from tfckpt_codemod.types import Fact

_CONTRIB_CHECKPOINTS = ("tensorflow.contrib.eager.Checkpoint", "tensorflow.contrib.checkpoint.Checkpoint")
_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def collect_facts(data: bytes, path: str) -> tuple[Fact, ...]:
    """Each checkpoint construction's keyword names, line, and whether this file saves or restores it.

    Unparsable files and constructions with `**kwargs` (whose names are unknown) give no facts.
    """
    if b"Checkpoint" not in data or b"tensorflow" not in data:
        return ()
    try:
        with warnings.catch_warnings():  # invalid escape sequences and the like are not ours to report
            warnings.simplefilter("ignore")
            tree = ast.parse(data, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    collector = _Collector()
    try:
        collector.walk(tree, 0)
    except RecursionError:
        return ()
    return collector.facts()


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(name for name in cls._fields if name != "ctx")  # type: ignore[attr-defined]
    return fields


class _Collector:
    """One pre-order walk. What needs the file's tensorflow names (which call is a checkpoint constructor) is kept
    and resolved at the end, when every import and alias of the file is known."""

    def __init__(self) -> None:
        self._scopes: list[_Scope] = []
        self._order = 0
        # Imports and aliases with their (depth, pre-order) place: names are resolved breadth first, so that a
        # module-level binding is seen before one inside a function, whatever the line order.
        self._imports: list[tuple[int, int, str, str]] = []
        self._aliases: list[tuple[int, int, str, str]] = []
        self._calls: list[tuple[str, ast.Call, tuple[_Scope, ...]]] = []  # calls of a dotted name
        self._assigned: dict[tuple[int, str], list[ast.expr | None]] = defaultdict(list)
        self._uses: list[tuple[tuple[_Scope, ...], ast.expr, str]] = []  # save/write/restore calls

    # -- the walk -----------------------------------------------------------------------------------------------
    def walk(self, node: ast.AST, depth: int) -> None:
        self._order += 1
        kind = type(node)
        if kind is ast.Call:
            self._call(node)  # type: ignore[arg-type]
        elif kind is ast.Assign:
            self._assign(node, depth)  # type: ignore[arg-type]
        elif kind is ast.Import or kind is ast.ImportFrom:
            self._import(node, depth)  # type: ignore[arg-type]
        scoped = kind in _SCOPES
        if scoped:
            self._scopes.append(node)  # type: ignore[arg-type]
        for name in _child_fields(kind):
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.walk(item, depth + 1)
            elif isinstance(value, ast.AST):
                self.walk(value, depth + 1)
        if scoped:
            self._scopes.pop()

    def _import(self, node: ast.Import | ast.ImportFrom, depth: int) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "tensorflow" or alias.name.startswith("tensorflow."):
                    bound = (alias.asname, alias.name) if alias.asname else ("tensorflow", "tensorflow")
                    self._imports.append((depth, self._order, *bound))
        elif node.module and not node.level and (node.module == "tensorflow" or node.module.startswith("tensorflow.")):
            for alias in node.names:
                self._imports.append((depth, self._order, alias.asname or alias.name, f"{node.module}.{alias.name}"))

    def _assign(self, node: ast.Assign, depth: int) -> None:
        single = len(node.targets) == 1
        if single and isinstance(node.targets[0], ast.Name):
            chain = _dotted(node.value)
            if chain is not None:  # `tfe = tf.contrib.eager`
                self._aliases.append((depth, self._order, node.targets[0].id, chain))
        for target in node.targets:
            key = _dotted(target)
            if key is not None and key.startswith("self.") and key.count(".") == 1:
                owner = self._enclosing_class()
                if owner is not None:
                    self._assigned[(id(owner), key)].append(node.value if single else None)
            else:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        simple = single and target is name
                        self._assigned[(id(self._scopes[-1]), name.id)].append(node.value if simple else None)

    def _call(self, node: ast.Call) -> None:
        chain = _dotted(node.func)
        if chain is not None:
            self._calls.append((chain, node, tuple(self._scopes)))
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("save", "write", "restore"):
            self._uses.append((tuple(self._scopes), node.func.value, node.func.attr))

    def _enclosing_class(self, scopes: tuple[_Scope, ...] | list[_Scope] | None = None) -> _Scope | None:
        return next((s for s in reversed(self._scopes if scopes is None else scopes) if isinstance(s, ast.ClassDef)),
                    None)

    # -- the facts ----------------------------------------------------------------------------------------------
    def _tensorflow_names(self) -> dict[str, str]:
        """Names bound (anywhere in the file) to tensorflow modules or symbols, with what they stand for."""
        names: dict[str, str] = {}
        for _, _, name, qualified in sorted(self._imports):
            names[name] = qualified
        for _, _, name, chain in sorted(self._aliases):
            head, _, rest = chain.partition(".")
            if head in names:
                names[name] = names[head] + ("." + rest if rest else "")
        return names

    def facts(self) -> tuple[Fact, ...]:
        names = self._tensorflow_names()
        sites: dict[int, ast.Call] = {}
        managers: dict[int, tuple[tuple[_Scope, ...], ast.expr]] = {}  # CheckpointManager call -> its checkpoint
        for chain, call, scopes in self._calls:
            head, _, rest = chain.partition(".")
            if head not in names:
                continue
            qualified = names[head] + ("." + rest if rest else "")
            if qualified.endswith(".train.Checkpoint") or qualified in _CONTRIB_CHECKPOINTS:
                sites[id(call)] = call
            elif qualified.endswith(".CheckpointManager"):
                checkpoint = call.args[0] if call.args else next(
                    (k.value for k in call.keywords if k.arg == "checkpoint"), None)
                if checkpoint is not None:
                    managers[id(call)] = (scopes, checkpoint)
        saves: set[int] = set()
        restores: set[int] = set()
        for scopes, receiver, method in self._uses:
            for site in self._resolve(scopes, receiver, sites):
                (saves if method in ("save", "write") else restores).add(site)
            if method == "save":  # `manager.save()` saves the checkpoint the manager was built with
                for manager in self._resolve(scopes, receiver, managers):
                    saves.update(self._resolve(*managers[manager], sites))
        result = []
        for key, call in sites.items():
            if any(keyword.arg is None for keyword in call.keywords):
                continue
            keywords = frozenset(keyword.arg for keyword in call.keywords if keyword.arg is not None)
            result.append(Fact(keywords, call.lineno, key in saves, key in restores))
        return tuple(sorted(result, key=lambda fact: fact.line))

    def _resolve(self, scopes: tuple[_Scope, ...], receiver: ast.expr, known: Mapping[int, object]) -> list[int]:
        """The ids of the calls in `known` that `receiver` is: the call itself, or every value bound to its name."""
        if isinstance(receiver, ast.Call):
            return [id(receiver)] if id(receiver) in known else []
        key = _dotted(receiver)
        if key is None:
            return []
        if key.startswith("self.") and key.count(".") == 1:
            owner = self._enclosing_class(scopes)
            values = self._assigned.get((id(owner), key), []) if owner is not None else []
        elif "." not in key:
            values = []
            for index, scope in enumerate(reversed(scopes)):
                if index > 0 and isinstance(scope, ast.ClassDef):
                    continue
                if (id(scope), key) in self._assigned:
                    values = self._assigned[(id(scope), key)]
                    break
        else:
            return []
        if not values or not all(v is not None and id(v) in known for v in values):
            return []
        return [id(v) for v in values if v is not None]

"""Runs a set of rules over one parsed module: analyse once, plan, apply, clean imports, locate findings.

Applying the plan is lazy. The engine only needs the new bytes, which `_splice` makes by rendering the few
statements that hold an edit and copying everything else from the original file; the new `Module` (for LibCST's
codemod runner, for adding an import, or when a span cannot be trusted) is built only when it is asked for.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from tfckpt_codemod.types import Finding

from ._analysis import ModuleAnalysis, analyze
from ._base import MigrationContext, MigrationRule, ProjectFacts
from ._imports import add_tensorflow_import
from ._layout import Layout, Span, render


@dataclass(frozen=True)
class Migration:
    context: MigrationContext
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]
    used_scope_provider: bool

    @property
    def original(self) -> cst.Module:
        return self.context.analysis.module

    @property
    def changed(self) -> bool:
        return bool(self.context.edits)

    @functools.cached_property
    def edited(self) -> cst.Module:
        """Every planned edit applied to the whole module; no import added yet."""
        if not self.changed:
            return self.original
        edited = self.original.visit(_ApplyEdits(self.context))
        assert isinstance(edited, cst.Module)
        return edited

    @functools.cached_property
    def module(self) -> cst.Module:
        if self.changed and self.context.needs_tensorflow_import:
            return add_tensorflow_import(self.edited)
        return self.edited

    def render(self, source: bytes) -> bytes | None:
        """The new file (None when nothing was edited). `source` must be the bytes the module was parsed from."""
        if not self.changed:
            return None
        if not self.context.needs_tensorflow_import:
            spliced = _splice(self.context, source)
            if spliced is not None:
                return spliced
        module = self.module
        return render(module, module).encode(module.encoding)


class _ApplyEdits(cst.CSTTransformer):
    """Applies every planned edit, descending only into subtrees that contain one."""

    def __init__(self, context: MigrationContext) -> None:
        super().__init__()
        self._edits = context.edits
        spine: set[cst.CSTNode] = set()
        for node in self._edits:
            spine.add(node)
            spine.update(context.analysis.ancestors(node))
        self._spine = spine

    def on_visit(self, node: cst.CSTNode) -> bool:
        return node in self._spine

    # No per-attribute hooks here: LibCST's defaults look up a `visit_<Type>_<attribute>` method for every field of
    # every node visited, which is most of the cost of applying a plan.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
        result: cst.CSTNode | cst.RemovalSentinel = updated_node
        for change in self._edits.get(original_node, ()):
            if isinstance(result, cst.RemovalSentinel):
                break
            result = change(result)
        return result


def _splice(context: MigrationContext, data: bytes) -> bytes | None:
    """The original bytes with each innermost statement that holds an edit rendered again (or, where its span is not
    known, its top-level statement). None when that cannot be done exactly; the caller renders the whole module."""
    layout = context.layout
    module = context.analysis.module
    encoding = layout.encoding() if layout is not None else None
    if layout is None or encoding is None or not module.has_trailing_newline:
        return None  # Module's own renderer owns the trailing-newline rule
    units: dict[cst.CSTNode, list[cst.CSTNode]] = {}  # statement to render again -> its chain from the top level
    for node in context.edits:
        chain = _statement_chain(context.analysis, node)
        if chain is None:
            return None
        units[chain[-1]] = chain
    done = _apply_to_units(context, layout, data, units)
    if done is None:
        return None
    if sum(len(chain) == 1 and done[unit][1] is None for unit, chain in units.items()) == len(module.body):
        return None  # every statement removed: the empty-module rule is Module's too
    pieces: list[bytes] = []
    position = 0
    for span, new in sorted((done[unit] for unit in units), key=lambda item: item[0].start):
        if span.start < position or not layout.holds(data, span):
            return None
        pieces.append(data[position:span.start])
        if new is not None:
            pieces.append(layout.render(new, span.indents).encode(encoding))
        position = span.end
    pieces.append(data[position:])
    return b"".join(pieces)


def _apply_to_units(context: MigrationContext, layout: Layout, data: bytes,
                    units: dict[cst.CSTNode, list[cst.CSTNode]]) -> dict[cst.CSTNode, tuple[Span, cst.CSTNode | None]] | None:
    """Each unit's span and what it becomes (None: removed). `units` is narrowed in place: a unit whose span is not
    known, or whose removal would empty its block (LibCST then writes `pass`), gives way to its top-level statement,
    and a unit inside another is dropped."""
    transformer = _ApplyEdits(context)
    done: dict[cst.CSTNode, tuple[Span, cst.CSTNode | None]] = {}

    def removed(unit: cst.CSTNode) -> bool:
        return unit in done and done[unit][1] is None

    settled = False
    while not settled:
        settled = True
        for unit, chain in list(units.items()):
            if any(outer in units for outer in chain[:-1]):
                del units[unit]  # an enclosing statement is rendered again anyway
                continue
            if unit in done:
                continue
            span = layout.top_level_span(data, unit) if len(chain) == 1 else layout.nested_span(data, chain)
            if span is None:
                if len(chain) == 1:
                    return None
                units[chain[0]] = [chain[0]]
                settled = False
                continue
            result = unit.visit(transformer)
            if isinstance(result, cst.FlattenSentinel):
                return None
            gone = isinstance(result, cst.RemovalSentinel) or (
                isinstance(result, cst.SimpleStatementLine) and not result.body)
            done[unit] = (span, None if gone else result)  # type: ignore[assignment]
        for unit, chain in list(units.items()):
            if len(chain) > 1 and removed(unit):
                siblings = getattr(context.analysis.parent(unit), "body", ())
                if all(sibling in units and removed(sibling) for sibling in siblings):
                    units[chain[0]] = [chain[0]]
                    settled = False
    return done


def _statement_chain(analysis: ModuleAnalysis, node: cst.CSTNode) -> list[cst.CSTNode] | None:
    """From the top-level statement down to the innermost statement that holds `node`. None if the node's ancestry
    is not known."""
    path = [node, *analysis.ancestors(node)]
    if path[-1] is not analysis.module or len(path) < 2:
        return None
    for index, step in enumerate(path[:-1]):
        if isinstance(step, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return path[index:-1][::-1]
    return [path[-2]]


def _locate(context: MigrationContext) -> list[Finding]:
    findings = []
    for pending in context.findings:
        span = context.positions.span(pending.node)
        start, end = (span.start, span.end) if span is not None else (None, None)
        findings.append(Finding(
            code=pending.code, message=pending.message,
            line=start.line if start else 0, column=start.column + 1 if start else 0,
            end_line=end.line if end else 0, end_column=end.column + 1 if end else 0, fixed=pending.fixed))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


def migrate_module(module: cst.Module, rules: Sequence[type[MigrationRule]], *, path: str = "<string>",
                   project: ProjectFacts | None = None, tree: ast.Module | None = None) -> Migration:
    """`tree`, CPython's ast of the same source, lets findings and the new file skip rendering unchanged code."""
    analysis = analyze(module)
    layout = Layout.of(module, tree) if tree is not None else None
    context = MigrationContext(analysis=analysis, path=path, project=project or ProjectFacts(), layout=layout)
    for rule in rules:
        rule.plan(context)
    return Migration(context, tuple(_locate(context)), tuple(context.reasons), analysis.used_scope_provider)

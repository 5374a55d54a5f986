"""Runs a set of rules over one parsed module: analyse once, plan, apply in one pass, clean imports, locate findings."""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from tfckpt_codemod.types import Finding

from ._analysis import analyze
from ._base import MigrationContext, MigrationRule, ProjectFacts
from ._imports import add_tensorflow_import
from ._layout import Layout


@dataclass(frozen=True)
class Migration:
    """The outcome for one module. The new module and the new bytes are only built when someone asks for them."""

    original: cst.Module
    edited: cst.Module  # every planned edit applied; no import added yet
    replaced: Mapping[int, cst.CSTNode | cst.RemovalSentinel]  # top-level statement index -> what it became
    needs_tensorflow_import: bool
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]
    used_scope_provider: bool
    layout: Layout | None = None

    @functools.cached_property
    def module(self) -> cst.Module:
        if self.edited is not self.original and self.needs_tensorflow_import:
            return add_tensorflow_import(self.edited)
        return self.edited

    def render(self, source: bytes) -> bytes | None:
        """The new file (None when nothing was edited). `source` must be the bytes `original` was parsed from."""
        if self.edited is self.original:
            return None
        if self.layout is not None and not self.needs_tensorflow_import:
            spliced = self.layout.splice(source, self.replaced)
            if spliced is not None:
                return spliced
        return self.module.bytes


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
        self._top_level = frozenset(context.analysis.module.body)
        self.results: dict[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel] = {}  # top-level statement -> result

    def on_visit(self, node: cst.CSTNode) -> bool:
        return node in self._spine

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
        result: cst.CSTNode | cst.RemovalSentinel = updated_node
        for change in self._edits.get(original_node, ()):
            if isinstance(result, cst.RemovalSentinel):
                break
            result = change(result)
        if original_node in self._top_level and original_node in self._spine:
            self.results[original_node] = result
        return result


def _replacements(module: cst.Module, edited: cst.Module, results: Mapping[cst.CSTNode, object]
                  ) -> dict[int, cst.CSTNode | cst.RemovalSentinel] | None:
    """Which top-level statements changed into what, read off the edited module (LibCST drops a line whose
    statements were all removed, and only its own result says so). None if the two bodies do not line up."""
    replaced: dict[int, cst.CSTNode | cst.RemovalSentinel] = {}
    new_body = edited.body
    position = 0
    for index, statement in enumerate(module.body):
        here = new_body[position] if position < len(new_body) else None
        if statement not in results:
            if here is not statement:
                return None
            position += 1
        elif here is not None and here is results[statement]:
            replaced[index] = here
            position += 1
        else:
            replaced[index] = cst.RemoveFromParent()
    return replaced if position == len(new_body) else None


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
    edited = module
    replaced: Mapping[int, cst.CSTNode | cst.RemovalSentinel] = {}
    if context.edits:
        transformer = _ApplyEdits(context)
        edited = module.visit(transformer)
        assert isinstance(edited, cst.Module)
        lined_up = _replacements(module, edited, transformer.results)
        if lined_up is None:
            layout = None  # splicing needs to know exactly which statements changed: render the whole module
        else:
            replaced = lined_up
    return Migration(module, edited, replaced, context.needs_tensorflow_import, tuple(_locate(context)),
                     tuple(context.reasons), analysis.used_scope_provider, layout)

"""Runs a set of rules over one parsed module: analyse once, plan, apply in one pass, clean imports, locate findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from tfckpt_codemod.types import Finding

from ._analysis import analyze
from ._base import MigrationContext, MigrationRule, ProjectFacts
from ._imports import add_tensorflow_import


@dataclass(frozen=True)
class Migration:
    module: cst.Module
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]
    used_scope_provider: bool


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

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
        result: cst.CSTNode | cst.RemovalSentinel = updated_node
        for change in self._edits.get(original_node, ()):
            if isinstance(result, cst.RemovalSentinel):
                break
            result = change(result)
        return result


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
                   project: ProjectFacts | None = None) -> Migration:
    analysis = analyze(module)
    context = MigrationContext(analysis=analysis, path=path, project=project or ProjectFacts())
    for rule in rules:
        rule.plan(context)
    new_module = module
    if context.edits:
        new_module = module.visit(_ApplyEdits(context))
        assert isinstance(new_module, cst.Module)
    if context.needs_tensorflow_import and new_module is not module:
        new_module = add_tensorflow_import(new_module)
    return Migration(new_module, tuple(_locate(context)), tuple(context.reasons),
                     analysis.used_scope_provider)


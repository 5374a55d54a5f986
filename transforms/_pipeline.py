"""One file's migration: analyse once, let every selected rule plan, run the passes, apply, locate findings."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tfckpt_codemod.types import Edit, Finding

from . import is_pass
from ._analysis import analyze
from ._context import MigrationContext
from ._noqa import parse_noqa
from ._rule import Rule
from ._source import Source, first_line

IMPORT_TENSORFLOW = "import tensorflow as tf"


@dataclass(frozen=True)
class Migration:
    context: MigrationContext
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]

    def edits(self) -> tuple[Edit, ...]:
        """Which rule changed which lines of the original (each edit once, in line order)."""
        context = self.context
        found = {Edit(code, *_edited_lines(node, removes)) for node, code, removes in context.edit_codes}
        if context.needs_tensorflow_import and context.import_code is not None:
            line = _import_line(context)  # the new import goes before this line of the original
            found.add(Edit(context.import_code, line, line))
        return tuple(sorted(found, key=lambda edit: (edit.line, edit.end_line, edit.code)))

    @property
    def changed(self) -> bool:
        return bool(self.context.edits) or self.context.needs_tensorflow_import

    def replacements(self):  # type: ignore[no-untyped-def]
        """What changes, line by line (this is where LibCST parses the edited code)."""
        from ._apply import replacements

        context = self.context
        line = _import_line(context) if context.needs_tensorflow_import else None
        return replacements(context, line, IMPORT_TENSORFLOW + _line_break(context.source.text))

    def text(self) -> str | None:
        """The new text of the file, or None when nothing changes."""
        if not self.changed:
            return None
        from ._apply import splice

        return splice(self.context.source, self.replacements())

    def bytes(self, encoding: str) -> bytes | None:
        """The new file: the original bytes with only the rewritten lines encoded anew."""
        if not self.changed:
            return None
        from ._apply import splice_bytes

        return splice_bytes(self.context.source, self.replacements(), encoding)


def migrate(source: Source, rules: Sequence[type[Rule]], *, path: str = "<string>",
            project: Mapping[str, Any] | None = None, extra_uses: frozenset[str] = frozenset(),
            checkpoints: Sequence[Any] = (), ignore: Sequence[str] = ()) -> Migration:
    """`ignore`: codes or prefixes not run nor reported in this file (its per-file-ignores)."""
    analysis = analyze(source.tree, extra_uses)
    ignore = tuple(ignore)
    rules = [rule for rule in rules if not any(rule.CODE.startswith(prefix) for prefix in ignore)]
    context = MigrationContext(source, analysis, path=path, project=project, codes=(r.CODE for r in rules),
                               checkpoints=checkpoints, noqa=parse_noqa(source), ignore=ignore)
    for rule in rules:
        if not is_pass(rule):
            context.rule_code = rule.CODE
            rule.plan(context)
    for rule in rules:
        if is_pass(rule):
            context.rule_code = rule.CODE
            rule.plan(context)
    context.rule_code = ""
    return Migration(context, tuple(_locate(context)), tuple(context.reasons))


def _edited_lines(node: ast.AST, removes: bool) -> tuple[int, int]:
    """The original lines an edit of `node` rewrites: all of it, but only the header of a compound statement that
    stays (a renamed `def` does not touch its body)."""
    if isinstance(node, ast.stmt):
        line, end = first_line(node), node.end_lineno or node.lineno
        body = getattr(node, "body", None)
        if not removes and isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end = max(node.lineno, first_line(body[0]) - 1)
        return line, end
    line = getattr(node, "lineno", 0) or 0
    return line, getattr(node, "end_lineno", None) or line


def _import_line(context: MigrationContext) -> int:
    """Where `import tensorflow as tf` goes: in place of the first top-level import the migration removes, else
    after the leading imports (past a docstring and `__future__` imports), else before the first statement."""
    body = context.analysis.tree.body
    # It must come before the first `tf` it serves that runs when the module is imported (not inside a function).
    limit = min((_top_line(context, node) for node, scope in context.import_uses
                 if all(s.kind in ("module", "class") for s in scope.chain())), default=None)
    line = _preferred_import_line(context, body)
    return line if limit is None else min(line, limit)


def _top_line(context: MigrationContext, node: ast.AST) -> int:
    top = node
    for ancestor in context.analysis.ancestors(node):
        if isinstance(ancestor, ast.Module):
            break
        top = ancestor
    return first_line(top) if isinstance(top, ast.stmt) else getattr(top, "lineno", 1)


def _preferred_import_line(context: MigrationContext, body: list[ast.stmt]) -> int:
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)) and context.is_replaced(statement):
            return statement.lineno
    index, last = 0, None  # type: tuple[int, ast.stmt | None]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        last, index = body[0], 1
    while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
        last, index = body[index], index + 1
    if last is not None:
        return (last.end_lineno or last.lineno) + 1
    return first_line(body[0]) if body else 1


def _line_break(text: str) -> str:
    for newline in ("\r\n", "\n", "\r"):
        if newline in text:
            return newline
    return "\n"


def _locate(context: MigrationContext) -> list[Finding]:
    source = context.source
    findings = []
    for pending in context.findings:
        if pending.suppressed:
            continue
        node = pending.node
        line = getattr(node, "lineno", 0) or 0
        if isinstance(node, ast.stmt):
            line = first_line(node)
        end_line = getattr(node, "end_lineno", None) or line
        column = source.column(line, node.col_offset) if line and hasattr(node, "col_offset") else 0
        if isinstance(node, ast.stmt) and line != node.lineno:
            column = source.column(line, 0)
        end_offset = getattr(node, "end_col_offset", None)
        end_column = source.column(end_line, end_offset) if end_offset is not None else 0
        findings.append(Finding(code=pending.code, message=pending.message, line=line, column=column,
                                end_line=end_line, end_column=end_column, kind=pending.kind))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings

"""Rewriting references to symbol-table rows: shared by the TFC1xx rules, which differ only in their rows."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ._analysis import Ref
from ._context import MigrationContext, display
from ._symbols import Symbol

if TYPE_CHECKING:
    from ._checkpoints import Construction


def names_the_symbol(ref: Ref) -> bool:
    """A read of a name bound to the symbol by an assignment (`Checkpoint = tfe.Checkpoint` ... `Checkpoint(...)`):
    the assignment's value is rewritten instead, so the name keeps working wherever it is read or imported."""
    return ref.node is ref.root and ref.binding.is_assignment


def rows_of(context: MigrationContext, code: str) -> list[tuple[Ref, Symbol]]:
    """The file's references to rows of `code` that have a TF 2 home and may be rewritten."""
    found = []
    for ref in context.analysis.refs:
        symbol = ref.symbol
        if symbol is None or symbol.code != code or symbol.tf2 is None or ref.binding.guarded:
            continue
        if names_the_symbol(ref):
            continue
        found.append((ref, symbol))
    return found


def rewrite_rows(context: MigrationContext, code: str,
                 target: Callable[[Ref, Symbol], str] = lambda ref, symbol: symbol.tf2 or "",
                 only: set[int] | None = None, skip: Iterable[int] = ()) -> list[Ref]:
    """Points every reference to a row of `code` (or, given `only`, those of them; never those in `skip`) at its
    TF 2 home, with the row's keyword renames and note. A noqa on the reference or on a keyword it renames keeps
    both as they are."""
    done: list[Ref] = []
    skipped = set(skip)
    for ref, symbol in rows_of(context, code):
        if (only is not None and id(ref) not in only) or id(ref) in skipped:
            continue
        if ref.call is not None and passes_any(ref.call, symbol.unless):
            context.report(code, ref.node, f"{display(ref)}: {symbol.unless_message}")
            continue
        renamed = [ref.call] if ref.call is not None and any(k.arg in symbol.kwargs for k in ref.call.keywords) \
            else []
        if context.hold_group(ref.node, renamed, display(ref)):
            continue
        if not context.replace_ref(ref, target(ref, symbol), code):
            continue
        if ref.call is not None and symbol.kwargs:
            context.rename_keywords(ref.call, symbol.kwargs)
        if symbol.message:
            context.report(code, ref.node, symbol.message, "note")
        done.append(ref)
    return done


def held_constructions(context: MigrationContext, code: str,
                       groups: Iterable[tuple[Construction, list[ast.Call]]]) -> set[int]:
    """ids of the rows of `code` not to rewrite because a noqa keeps a call their rewrite also edits: each group is
    a construction and the calls on it that change with it (a session argument dropped). The row is the
    construction's own reference, or the alias's value it is made through (`Checkpoint = tfe.Checkpoint`)."""
    rows = [ref for ref, _ in rows_of(context, code)]
    by_id = {id(ref): ref for ref in rows}
    by_alias = {context.analysis.statement_of.get(ref.node): ref for ref in rows if ref.in_alias}
    held: set[int] = set()
    for construction, calls in groups:
        anchor = by_id.get(id(construction.ref)) or by_alias.get(construction.ref.binding.statement)
        if not calls or anchor is None or id(anchor) in held:
            continue
        if context.hold_group(anchor.node, calls, display(anchor)):
            held.add(id(anchor))
    return held


def passes_any(call: ast.Call, arguments: tuple[tuple[str, int | None], ...]) -> bool:
    """The call passes one of these (keyword, positional index) arguments, or may (through `*args`/`**kwargs`)."""
    if not arguments:
        return False
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return True
    keywords = {k.arg for k in call.keywords}
    return any(name in keywords or (index is not None and index < len(call.args)) for name, index in arguments)

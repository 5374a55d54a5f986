"""Rewriting references to symbol-table rows: shared by the TFC1xx rules, which differ only in their rows."""

from __future__ import annotations

from collections.abc import Callable

from ._analysis import Ref
from ._base import MigrationContext
from ._symbols import Symbol


def rewrite_rows(context: MigrationContext, code: str,
                 target: Callable[[Ref, Symbol], str] = lambda ref, symbol: symbol.tf2 or "") -> list[Ref]:
    """Points every resolved reference to a row of `code` at its TF 2 home, with the row's keyword renames."""
    done: list[Ref] = []
    for ref in context.analysis.refs:
        symbol = ref.symbol
        if symbol is None or symbol.code != code or symbol.tf2 is None or ref.in_alias or ref.binding.guarded:
            continue
        if not context.can_write_tensorflow():
            context.report("TFC900", ref.node, f"{_dotted(ref)} needs tf.{symbol.tf2}, but `tf` is bound to something "
                           "else in this file; import tensorflow and rewrite it by hand")
            continue
        context.replace_ref(ref, target(ref, symbol))
        if ref.call is not None and symbol.kwargs:
            context.rename_keywords(ref.call, symbol.kwargs)
        if symbol.message:
            context.report(code, ref.node, symbol.message, fixed=True)
        done.append(ref)
    return done


def _dotted(ref: Ref) -> str:
    return "tf." + (ref.contrib or ref.qualified)

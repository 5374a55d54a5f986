"""Import edits: adding `import tensorflow as tf` and removing contrib imports nothing uses any more."""

from __future__ import annotations

import libcst as cst


def add_tensorflow_import(module: cst.Module) -> cst.Module:
    """Adds `import tensorflow as tf` once, after the module's other imports (LibCST's own placement rules).

    `libcst.codemod` loads all of `libcst.matchers` (a quarter of a second), so only a run that adds an import
    pays for it, and only once.
    """
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, ImportItem

    context = CodemodContext()
    return module.visit(AddImportsVisitor(context, [ImportItem("tensorflow", alias="tf")]))  # type: ignore[return-value]

"""Each rule as a LibCST codemod command, so LibCST's own runner can apply one rule on its own:

    python -m libcst.tool codemod -x --no-format tfckpt_codemod.transforms.commands.CheckpointConstructor src/

Kept apart from the rules because `libcst.codemod` imports all of `libcst.matchers` (about half a second), which
the tool's own runs never need.
"""

from __future__ import annotations

import sys

import libcst as cst
from libcst.codemod import CodemodCommand

from ._base import MigrationRule
from .checkpoint_constructor import CheckpointConstructor as _CheckpointConstructor
from .checkpoint_manager import CheckpointManagerRename as _CheckpointManagerRename
from .checkpoint_utilities import CheckpointUtilities as _CheckpointUtilities
from .contrib_imports import ContribImports as _ContribImports
from .python_state import PythonStateRename as _PythonStateRename
from .remaining_contrib import RemainingContrib as _RemainingContrib
from .restore_expect_partial import RestoreExpectPartial as _RestoreExpectPartial
from .unsupported_symbols import UnsupportedSymbols as _UnsupportedSymbols
from .version_guarded_imports import VersionGuardedImports as _VersionGuardedImports


def _command(rule: type[MigrationRule]) -> type[CodemodCommand]:
    def transform_module_impl(self: CodemodCommand, tree: cst.Module) -> cst.Module:
        from ._pipeline import migrate_module

        filename = self.context.filename or "<stdin>"
        migration = migrate_module(tree, (rule,), path=filename)
        for finding in migration.findings:
            self.warn(finding.render(filename))
        return migration.module

    return type(rule.__name__, (CodemodCommand,), {
        "DESCRIPTION": f"{rule.CODE}: {rule.SUMMARY}",
        "__doc__": sys.modules[rule.__module__].__doc__,
        "__module__": __name__,
        "transform_module_impl": transform_module_impl,
    })


CheckpointConstructor = _command(_CheckpointConstructor)
CheckpointManagerRename = _command(_CheckpointManagerRename)
CheckpointUtilities = _command(_CheckpointUtilities)
PythonStateRename = _command(_PythonStateRename)
RestoreExpectPartial = _command(_RestoreExpectPartial)
UnsupportedSymbols = _command(_UnsupportedSymbols)
VersionGuardedImports = _command(_VersionGuardedImports)
RemainingContrib = _command(_RemainingContrib)
ContribImports = _command(_ContribImports)

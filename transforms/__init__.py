"""The rules, in the order they run. Each is a small module named after what it does (shipped as
`tfckpt_codemod.transforms`); each class is also a LibCST codemod command that runs just that rule."""

from __future__ import annotations

from tfckpt_codemod.types import Rule

from ._base import MigrationRule
from .checkpoint_constructor import CheckpointConstructor
from .checkpoint_manager import CheckpointManagerRename
from .checkpoint_utilities import CheckpointUtilities
from .contrib_imports import ContribImports
from .python_state import PythonStateRename
from .remaining_contrib import RemainingContrib
from .restore_expect_partial import RestoreExpectPartial, collect_facts
from .unsupported_symbols import UnsupportedSymbols
from .version_guarded_imports import VersionGuardedImports

# Order matters: rewrites first, then findings that look at what the rewrites left, imports last.
RULES: tuple[type[MigrationRule], ...] = (
    CheckpointConstructor,
    CheckpointManagerRename,
    CheckpointUtilities,
    PythonStateRename,
    RestoreExpectPartial,
    UnsupportedSymbols,
    VersionGuardedImports,
    RemainingContrib,
    ContribImports,
)

# Codes a rule emits besides its own (TFC201 reports an alias it must keep under TFC900, for instance).
EXTRA_CODES: dict[str, tuple[str, str, bool]] = {
    "TFC302": ("restore-asserted-consumed",
               "a restore that is partial by construction is checked with assert_consumed(); decide which you mean",
               False),
}


def rule_table() -> list[Rule]:
    rows = [Rule(r.CODE, r.NAME, r.SUMMARY, r.AUTOFIX) for r in RULES]
    rows += [Rule(code, name, summary, autofix) for code, (name, summary, autofix) in EXTRA_CODES.items()]
    return sorted(rows, key=lambda rule: rule.code)


def select_rules(select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> tuple[type[MigrationRule], ...]:
    """ruff semantics: codes or prefixes; the longer (more specific) match between select and ignore wins."""

    def match(code: str, patterns: tuple[str, ...]) -> int:
        return max((len(p) for p in patterns if code.startswith(p)), default=-1)

    chosen = []
    for rule in RULES:
        selected = match(rule.CODE, select) if select else 0
        ignored = match(rule.CODE, ignore)
        if selected >= 0 and ignored < selected:
            chosen.append(rule)
    return tuple(chosen)


__all__ = ["RULES", "MigrationRule", "collect_facts", "rule_table", "select_rules"]

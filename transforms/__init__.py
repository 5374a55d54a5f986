"""The rules, in the order they run; each a small module named after what it does.

The registry is plain data so that choosing rules and prefiltering files never imports libcst: on a tree with no
contrib code (most of a monorepo) no file is parsed and the parser is never even loaded. The rule classes, and
`RULES`, load on first use. `tfckpt_codemod.transforms.commands` wraps each rule as a LibCST codemod command.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tfckpt_codemod.types import Rule

if TYPE_CHECKING:
    from ._base import MigrationRule


# (code, module, class, words a file must all contain for the rule to have anything to do).
# Order matters: rewrites first, then findings that look at what the rewrites left, imports last.
_CONTRIB = (b"contrib",)
REGISTRY: tuple[tuple[str, str, str, tuple[bytes, ...]], ...] = (
    ("TFC101", "checkpoint_constructor", "CheckpointConstructor", _CONTRIB),
    ("TFC102", "checkpoint_manager", "CheckpointManagerRename", _CONTRIB),
    ("TFC103", "checkpoint_utilities", "CheckpointUtilities", _CONTRIB),
    ("TFC104", "python_state", "PythonStateRename", _CONTRIB),
    # TFC301 also applies to tf.train.Checkpoint code that never used contrib.
    ("TFC301", "restore_expect_partial", "RestoreExpectPartial", (b"Checkpoint", b"restore")),
    ("TFC901", "unsupported_symbols", "UnsupportedSymbols", _CONTRIB),
    ("TFC902", "version_guarded_imports", "VersionGuardedImports", _CONTRIB),
    ("TFC900", "remaining_contrib", "RemainingContrib", _CONTRIB),
    ("TFC201", "contrib_imports", "ContribImports", _CONTRIB),
)
# Rules that compare a file with the other files of the run (they need the runner's fact pass).
CROSS_FILE_CODES = frozenset({"TFC301"})

# Codes a rule emits besides its own (TFC301 reports TFC302, for instance).
EXTRA_CODES: dict[str, tuple[str, str, bool]] = {
    "TFC302": ("restore-asserted-consumed",
               "a restore that is partial by construction is checked with assert_consumed(); decide which you mean",
               False),
}


def triggers(codes: Iterable[str]) -> tuple[tuple[bytes, ...], ...]:
    """The distinct word groups of the given rules: a file is worth parsing if it holds every word of one group."""
    wanted = set(codes)
    return tuple(dict.fromkeys(words for code, _, _, words in REGISTRY if code in wanted))


def select_codes(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[str, ...]:
    """ruff semantics: codes or prefixes; the more specific match between select and ignore wins, ignore on ties."""
    select, ignore = tuple(select), tuple(ignore)

    def match(code: str, patterns: tuple[str, ...]) -> int:
        return max((len(p) for p in patterns if code.startswith(p)), default=-1)

    chosen = []
    for code, *_ in REGISTRY:
        selected = match(code, select) if select else 0
        if selected >= 0 and match(code, ignore) < selected:
            chosen.append(code)
    return tuple(chosen)


def load_rules(codes: Iterable[str] | None = None) -> tuple[type[MigrationRule], ...]:
    wanted = None if codes is None else set(codes)
    return tuple(getattr(importlib.import_module(f"{__name__}.{module}"), name)
                 for code, module, name, _ in REGISTRY if wanted is None or code in wanted)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[type[MigrationRule], ...]:
    return load_rules(select_codes(select, ignore))


def rule_table() -> list[Rule]:
    rows = [Rule(r.CODE, r.NAME, r.SUMMARY, r.AUTOFIX) for r in load_rules()]
    rows += [Rule(code, name, summary, autofix) for code, (name, summary, autofix) in EXTRA_CODES.items()]
    return sorted(rows, key=lambda rule: rule.code)


def __getattr__(name: str) -> Any:
    """`RULES` and `MigrationRule` load libcst, so they load on first use; `collect_facts` (stdlib `ast` only) too,
    so that choosing rules never imports a parser."""
    if name == "RULES":
        return load_rules()
    if name == "MigrationRule":
        from ._base import MigrationRule

        return MigrationRule
    if name == "collect_facts":
        from ._facts import collect_facts

        return collect_facts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["REGISTRY", "RULES", "MigrationRule", "collect_facts", "load_rules", "rule_table", "select_codes",
           "select_rules", "triggers"]

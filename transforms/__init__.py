"""The rules and the fixed final passes; each a small module named after what it does.

Rules are independent of one another and run in any order; the passes run after every rule, in the order given,
because they look at what the rules left: import cleanup (TFC201), then "contrib still used" (TFC900). Loading a
rule loads CPython's `ast`, not libcst: choosing rules and prefiltering files never loads the parser.
`tfckpt_codemod.transforms.commands` wraps each rule as a LibCST codemod command.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from tfckpt_codemod.types import Rule as RuleInfo

if TYPE_CHECKING:
    from ._rule import Rule

class Entry(NamedTuple):
    """A rule as the registry knows it. Its code, trigger words and the other codes it reports are copied here from
    the rule class, so that choosing rules and prefiltering files never import a rule (that import is a quarter of
    every start, and most runs parse nothing); tests/test_registry.py holds each entry equal to its class."""

    target: str  # "module:Class" under this package
    code: str
    triggers: tuple[tuple[bytes, ...], ...] = ((b"contrib",),)
    emits: tuple[str, ...] = ()


RULES_REGISTRY: tuple[Entry, ...] = (
    Entry("checkpoint_constructor:CheckpointConstructor", "TFC101"),
    Entry("checkpoint_manager:CheckpointManagerRename", "TFC102"),
    Entry("checkpoint_utilities:CheckpointUtilities", "TFC103"),
    Entry("python_state:PythonStateRename", "TFC104"),
    Entry("eager_saver:EagerSaver", "TFC105"),
    Entry("tracked_containers:TrackedContainers", "TFC106"),
    Entry("eager_namespace:EagerNamespace", "TFC107"),
    Entry("restore_expect_partial:RestoreExpectPartial", "TFC301", ((b"Checkpoint", b"restore"),),
          ("TFC302", "TFC304", "TFC305")),
    Entry("keras_deferred_restore:KerasDeferredRestore", "TFC303", ((b"keras", b"restore"),)),
    Entry("unsupported_symbols:UnsupportedSymbols", "TFC901"),
    Entry("version_guarded_imports:VersionGuardedImports", "TFC902"),
)
PASSES_REGISTRY: tuple[Entry, ...] = (
    Entry("contrib_imports:ContribImports", "TFC201", emits=("TFC903",)),
    Entry("remaining_contrib:RemainingContrib", "TFC900"),
)
_ENTRIES = (*RULES_REGISTRY, *PASSES_REGISTRY)
_PASS_CODES = frozenset(entry.code for entry in PASSES_REGISTRY)


@functools.cache
def _load(entry: Entry) -> type[Rule]:
    module, name = entry.target.split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)  # type: ignore[no-any-return]


def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, then every pass, in the order a migration runs them."""
    return tuple(_load(entry) for entry in _ENTRIES)


def is_pass(rule: type[Rule]) -> bool:
    return rule.CODE in _PASS_CODES


def reported_codes() -> tuple[str, ...]:
    """Every code a run can report (rules' own and the codes they also emit), without importing any rule."""
    return tuple(sorted({code for entry in _ENTRIES for code in (entry.code, *entry.emits)}))


def known_codes() -> dict[str, RuleInfo]:
    """Every code a run can report, with what it means (rules' own codes and the codes they also emit)."""
    found: dict[str, RuleInfo] = {}
    for rule in all_rules():
        found[rule.CODE] = RuleInfo(rule.CODE, rule.NAME, rule.SUMMARY, rule.AUTOFIX)
        for code, name, summary in rule.EMITS:
            found.setdefault(code, RuleInfo(code, name, summary, False))
    return dict(sorted(found.items()))


def select_codes(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[str, ...]:
    """ruff semantics: codes or prefixes; the more specific match between select and ignore wins, ignore on ties."""
    select, ignore = tuple(select), tuple(ignore)

    def match(code: str, patterns: tuple[str, ...]) -> int:
        return max((len(p) for p in patterns if code.startswith(p)), default=-1)

    chosen = []
    for entry in _ENTRIES:
        selected = match(entry.code, select) if select else 0
        if selected >= 0 and match(entry.code, ignore) < selected:
            chosen.append(entry.code)
    return tuple(chosen)


def unknown_selectors(selectors: Iterable[str]) -> tuple[str, ...]:
    """The selectors that name no code a run can report (ruff's "Unknown rule selector"): a typo in `--select`
    must fail the run, not make `--check` pass while checking nothing."""
    codes = reported_codes()
    return tuple(s for s in selectors if not s or not any(code.startswith(s) for code in codes))


def load_rules(codes: Iterable[str] | None = None) -> tuple[type[Rule], ...]:
    """The rules (and passes) with these codes, in the order a migration runs them; imported on first use."""
    return _rules_for(None if codes is None else frozenset(codes))


def triggers(codes: Iterable[str]) -> tuple[tuple[bytes, ...], ...]:
    """The distinct word groups of the given rules: a file is worth parsing if it holds every word of one group."""
    return _triggers_for(frozenset(codes))


# Both are asked once per file with the same few code sets: worked out once per set.
@functools.cache
def _rules_for(wanted: frozenset[str] | None) -> tuple[type[Rule], ...]:
    return tuple(_load(entry) for entry in _ENTRIES if wanted is None or entry.code in wanted)


@functools.cache
def _triggers_for(wanted: frozenset[str]) -> tuple[tuple[bytes, ...], ...]:
    return tuple(dict.fromkeys(words for entry in _ENTRIES if entry.code in wanted for words in entry.triggers))


def rule_table() -> list[RuleInfo]:
    return list(known_codes().values())


__all__ = ["PASSES_REGISTRY", "RULES_REGISTRY", "Entry", "all_rules", "is_pass", "known_codes", "load_rules",
           "reported_codes", "rule_table", "select_codes", "triggers", "unknown_selectors"]

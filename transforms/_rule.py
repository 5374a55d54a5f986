"""What a rule is, to the engine: a code, the words a file must contain, optional run-wide facts, and a plan step.

The engine knows nothing else about any rule. A rule that compares a file with the rest of the project declares a
`Facts` class: the runner collects it from every project file that holds its trigger words (in worker processes,
so what it returns must be picklable), combines the results once, and hands the combination to every file's
migration; the rule reads it back with `context.project(rule)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from ._analysis import ModuleAnalysis
    from ._context import MigrationContext


class FactInput(Protocol):
    """One project file, as a fact collector sees it: its bytes, and its analysis, parsed only when asked for."""

    path: str
    data: bytes

    @property
    def analysis(self) -> ModuleAnalysis | None:  # None when the file cannot be read as Python
        ...


class Facts:
    """Per-file facts a rule compares files with. Subclasses implement `collect` and `combine`."""

    # A file contributes only if it holds every word of one of these groups.
    TRIGGERS: ClassVar[tuple[tuple[bytes, ...], ...]] = ()
    DESCRIBE: ClassVar[str] = ""  # what a contributing file did, for --verbose ("" : not worth saying)

    @staticmethod
    def collect(source: FactInput) -> Any:
        raise NotImplementedError

    @staticmethod
    def combine(collected: Sequence[tuple[str, Any]]) -> Any:
        """`collected` holds (path, what `collect` returned) for every contributing file, in path order."""
        raise NotImplementedError

    @staticmethod
    def for_file(combined: Any, path: str) -> Any:
        """The part of the combination the migration of `path` needs (what is sent to its worker process)."""
        return combined


class Rule:
    """A rule: a code, examples, and a `plan` step that adds edits and findings to the file's migration.

    `VALID` holds sources the rule must leave alone and not report; `INVALID` holds `(before, after)` pairs of what
    the rule alone does (with the import passes that always follow every rule). The test suite runs both, as Fixit
    runs its rules' examples. `TRIGGERS`: a file that holds none of these groups of words (each group: all of its
    words) cannot need the rule, and is not parsed for it.
    """

    CODE: ClassVar[str]
    NAME: ClassVar[str]
    SUMMARY: ClassVar[str]
    AUTOFIX: ClassVar[bool] = True
    TRIGGERS: ClassVar[tuple[tuple[bytes, ...], ...]] = ((b"contrib",),)
    FACTS: ClassVar[type[Facts] | None] = None
    # Other codes this rule reports under (a rule may emit a finding in the TFC9xx range for what it cannot fix).
    EMITS: ClassVar[tuple[tuple[str, str, str], ...]] = ()  # (code, name, summary)
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[tuple[str, str], ...]] = ()

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        raise NotImplementedError

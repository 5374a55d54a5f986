"""What every rule shares: the per-file migration context, the plan of edits, and the rule base class.

Rules do not walk the tree. Each one reads the shared analysis (one walk per file) and adds edits and findings to
one plan; the plan is applied in a single pass that only descends into the few subtrees that hold an edit. That is
how several rules cost about one parse, where one LibCST codemod per rule would re-walk and re-copy the tree each.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from ._analysis import ModuleAnalysis, Ref
from ._layout import Layout
from ._positions import Positions

Edit = Callable[[cst.CSTNode], cst.CSTNode | cst.RemovalSentinel]


@dataclass
class PendingFinding:
    code: str
    message: str
    node: cst.CSTNode
    fixed: bool = False


@dataclass(frozen=True)
class ProjectFacts:
    """Checkpoint keyword sets saved by the files of a run, in run order: `(path, line, keywords)`."""

    saved: tuple[tuple[str, int, frozenset[str]], ...] = ()

    def compact(self) -> ProjectFacts:
        """The same answers from at most two entries per keyword set.

        A restore in file F compares itself with the first save of each keyword set made outside F: that is the
        set's first save, or, when F made it, the first save in another file. Keeping only those makes every
        restore's comparison cost the number of distinct sets, not the size of the run (which made the whole run
        quadratic), and keeps what a worker process is sent small.
        """
        first_path: dict[frozenset[str], str] = {}
        second: set[frozenset[str]] = set()
        kept = []
        for entry in self.saved:
            path, _, keywords = entry
            first = first_path.get(keywords)
            if first is None:
                first_path[keywords] = os.path.normpath(path)
                kept.append(entry)
            elif keywords not in second and os.path.normpath(path) != first:
                second.add(keywords)
                kept.append(entry)
        return ProjectFacts(saved=tuple(kept))


@dataclass
class MigrationContext:
    """One file's migration in progress: the analysis every rule reads and the plan every rule adds to."""

    analysis: ModuleAnalysis
    path: str = "<string>"
    project: ProjectFacts = field(default_factory=ProjectFacts)
    edits: dict[cst.CSTNode, list[Edit]] = field(default_factory=lambda: defaultdict(list))
    findings: list[PendingFinding] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    consumed: set[cst.CSTNode] = field(default_factory=set)  # reference nodes a rewrite replaced
    needs_tensorflow_import: bool = False
    layout: Layout | None = None  # where each top-level statement starts, when CPython's ast was at hand
    _tensorflow_name: str | None = None
    _tensorflow_is_v1: bool = False
    _positions: Positions | None = None

    @property
    def positions(self) -> Positions:
        """Positions in the original module, computed only for the statements that are asked about."""
        if self._positions is None:
            self._positions = Positions(self.analysis.module, self.analysis.parents, self.layout)
        return self._positions

    # -- edits ----------------------------------------------------------------------------------------------------
    def edit(self, node: cst.CSTNode, change: Edit) -> None:
        self.edits[node].append(change)

    def report(self, code: str, node: cst.CSTNode, message: str, *, fixed: bool = False) -> None:
        self.findings.append(PendingFinding(code, message, node, fixed))

    def replace_ref(self, ref: Ref, tf2_path: str) -> None:
        """Point a contrib reference at its TF 2 home, keeping the reference's own parentheses."""
        replacement = self.tensorflow(tf2_path)

        def swap(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, (cst.Name, cst.Attribute))
            return replacement.with_changes(lpar=updated.lpar, rpar=updated.rpar)

        self.edit(ref.node, swap)
        self.consumed.add(ref.node)

    def rename_keywords(self, call: cst.Call, renames: Mapping[str, str]) -> None:
        if not any(arg.keyword is not None and arg.keyword.value in renames for arg in call.args):
            return

        def rename(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Call)
            args = [arg.with_changes(keyword=arg.keyword.with_changes(value=renames[arg.keyword.value]))
                    if arg.keyword is not None and arg.keyword.value in renames else arg for arg in updated.args]
            return updated.with_changes(args=args)

        self.edit(call, rename)

    def drop_args(self, call: cst.Call, drop: Iterable[cst.Arg]) -> None:
        doomed = set(drop)
        if not doomed:
            return
        keep_original = [arg for arg in call.args if arg not in doomed]
        positions = [call.args.index(arg) for arg in keep_original]

        def remove(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Call)
            args = [updated.args[i] for i in positions]
            if args:
                # The last argument keeps the original last argument's trailing comma (or lack of one).
                args[-1] = args[-1].with_changes(comma=updated.args[-1].comma)
            return updated.with_changes(args=args)

        self.edit(call, remove)

    # -- the file's tensorflow module -----------------------------------------------------------------------------
    def tensorflow(self, path: str) -> cst.Attribute:
        """`tf.<path>` written with the name this file binds tensorflow to; `import tensorflow as tf` if none."""
        name, is_v1 = self._tensorflow()
        if is_v1 and path.startswith("compat.v1."):
            path = path[len("compat.v1."):]
        return _dotted_expression(f"{name}.{path}")

    @property
    def tensorflow_is_v1(self) -> bool:
        return self._tensorflow()[1]

    def _tensorflow(self) -> tuple[str, bool]:
        if self._tensorflow_name is None:
            bindings = self.analysis.tensorflow_bindings()
            plain = [b for b in bindings if b.qualified == "tensorflow"]
            chosen = next((b for b in plain if b.name == "tf"), None) or (plain[0] if plain else None)
            if chosen is None and bindings:
                chosen = bindings[0]
            if chosen is not None:
                self._tensorflow_name = chosen.name
                self._tensorflow_is_v1 = chosen.qualified == "tensorflow.compat.v1"
            else:
                self._tensorflow_name = "tf"
                self.needs_tensorflow_import = True
        return self._tensorflow_name, self._tensorflow_is_v1

    def can_write_tensorflow(self) -> bool:
        """False when the file has no tensorflow import and the name `tf` already means something else."""
        if self.analysis.tensorflow_bindings():
            return True
        return not any("tf" in names for names in self.analysis.scope_bindings.values())


@functools.lru_cache(maxsize=64)
def _dotted_expression(dotted: str) -> cst.Attribute:
    """Parsed once per name: nodes are immutable, so one `tf.train.Checkpoint` node can serve every rewrite."""
    expression = cst.parse_expression(dotted)
    assert isinstance(expression, cst.Attribute)
    return expression


class MigrationRule:
    """A rule: a code, examples, and a `plan` step. `commands.py` wraps each as a LibCST codemod command.

    Subclasses set the class attributes and implement `plan`. `VALID` holds sources the rule must leave alone,
    `INVALID` holds `(before, after)` pairs; the test suite runs both, as Fixit does with its rules. The rule's
    registry row (in `__init__.py`) says which text a file must contain for the rule to apply.
    """

    CODE: ClassVar[str]
    NAME: ClassVar[str]
    SUMMARY: ClassVar[str]
    AUTOFIX: ClassVar[bool] = True
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[tuple[str, str], ...]] = ()

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        raise NotImplementedError

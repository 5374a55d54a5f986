"""One file's migration in progress: the analysis every rule reads, and the plan every rule adds to.

Rules never touch a syntax tree: they name CPython ast nodes and say what their LibCST twin becomes (a function
from the LibCST node to its replacement). `_apply` parses only the statements that hold an edit with LibCST, finds
each twin, applies the functions and splices the rendered statements into the original bytes.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ._analysis import ModuleAnalysis, Ref, Scope
from ._changes import (
    AppendArguments,
    AppendCall,
    Change,
    InsertArguments,
    KeepArguments,
    KeepImportNames,
    Remove,
    RenameAttribute,
    RenameDefinition,
    RenameKeywords,
    ReplaceWith,
)
from ._checkpoints import CheckpointModel
from ._source import Source

if TYPE_CHECKING:
    from ._rule import Rule

FindingKind = Literal["manual", "note", "info"]


@dataclass(frozen=True)
class Span:
    """A place that is not a whole node: the name of an attribute (`restore` in `ckpt.restore`)."""

    lineno: int
    col_offset: int  # in UTF-8 bytes of the line, as CPython's ast counts
    end_lineno: int
    end_col_offset: int

    @classmethod
    def attribute_name(cls, node: ast.Attribute) -> Span:
        end_line, end = node.end_lineno or node.lineno, node.end_col_offset or 0
        return cls(end_line, end - len(node.attr.encode("utf-8")), end_line, end)


@dataclass(eq=False)
class PendingFinding:
    """`manual`: a person must act (counts for `--check`). `note`: a rewrite was made that the user should look at
    (shown by default). `info`: why a rewrite was made (shown with `--verbose`)."""

    code: str
    message: str
    node: ast.AST | Span
    kind: FindingKind = "manual"


class MigrationContext:
    def __init__(self, source: Source, analysis: ModuleAnalysis, *, path: str = "<string>",
                 project: Mapping[str, Any] | None = None, codes: Iterable[str] = (),
                 checkpoints: Sequence[Any] = ()) -> None:
        self.source = source
        self.analysis = analysis
        self.path = path
        self.codes = frozenset(codes)  # the rules selected for this run
        self._project = project or {}
        # The user's own checkpoints (`--checkpoint [NAME=]PATH`), as tfckpt_codemod.evidence.CheckpointEvidence.
        self.evidence = tuple(checkpoints)
        self.edits: dict[ast.AST, list[Change]] = {}
        self.replaced: set[ast.AST] = set()  # nodes whose whole subtree a rewrite replaces or removes
        self.findings: list[PendingFinding] = []
        self.reasons: list[str] = []
        self.written_names: set[str] = set()  # names the rewrites read (`tf` of `tf.train.Checkpoint`)
        self.needs_tensorflow_import = False
        self.import_uses: list[tuple[ast.AST, Scope]] = []  # where a `tf` that needs the added import is written
        # Which rule made which edit (`--interactive` shows each hunk with its rule): the rule planning now, each
        # edit's (node, code, whether it removes the node), and the rule that first needed the added import.
        self.rule_code: str | None = None
        self.edit_codes: list[tuple[ast.AST, str, bool]] = []
        self.import_code: str | None = None

    @functools.cached_property
    def checkpoints(self) -> CheckpointModel:
        return CheckpointModel(self.analysis)

    def project(self, rule: type[Rule]) -> Any:
        """What the rule's `Facts.combine` made of the project, or None when the run collected none."""
        return self._project.get(rule.CODE)

    # -- findings -------------------------------------------------------------------------------------------------
    def report(self, code: str, node: ast.AST | Span, message: str, kind: FindingKind = "manual") -> None:
        self.findings.append(PendingFinding(code, message, node, kind))

    @property
    def touched(self) -> bool:
        return bool(self.edits) or bool(self.findings)

    # -- edits ----------------------------------------------------------------------------------------------------
    def edit(self, node: ast.AST, change: Change, *, replaces: bool = False) -> None:
        self.edits.setdefault(node, []).append(change)
        if self.rule_code is not None:
            self.edit_codes.append((node, self.rule_code, isinstance(change, Remove)))
        if replaces:
            self.replaced.add(node)

    def is_replaced(self, node: ast.AST) -> bool:
        """The node is inside something a rewrite replaces: it will not be in the new file."""
        replaced = self.replaced
        if not replaced:
            return False
        if node in replaced:
            return True
        return any(ancestor in replaced for ancestor in self.analysis.ancestors(node))

    def replace_with(self, node: ast.expr, text: str) -> None:
        """Replace an expression with `text` (a dotted name or a small expression), keeping its parentheses."""
        self.edit(node, ReplaceWith(text), replaces=True)

    def replace_ref(self, ref: Ref, tf2_path: str, code: str) -> bool:
        """Point a reference at its TF 2 home, spelled with a name that means tensorflow where it is read."""
        spelled = self.tensorflow(tf2_path, ref.scope, ref.node)
        if spelled is None:
            self.report(code, ref.node, f"{display(ref)} becomes tf.{tf2_path}, but no name means tensorflow here "
                        "(`tf` is bound to something else); rewrite it by hand")
            return False
        self.replace_with(ref.node, spelled)
        return True

    def tensorflow(self, path: str, scope: Scope, node: ast.AST | None = None) -> str | None:
        """`<tf>.<path>` with a name that certainly means the tensorflow package in `scope`; when the file has none,
        `tf.<path>` and an `import tensorflow as tf` to add, if `tf` is free there. None when neither holds."""
        analysis = self.analysis
        name = analysis.tensorflow_module_name(scope)
        if name is not None:
            self.written_names.add(name)
            return f"{name}.{path}"
        v1 = analysis.tensorflow_v1_name(scope)
        if v1 is not None:  # `import tensorflow.compat.v1 as tf`: its `train.Checkpoint` is the TF 1 class
            self.written_names.add(v1)
            return f"{v1}.{path.removeprefix('compat.v1.')}"
        if analysis.can_bind_module_name("tf", scope):
            self.needs_tensorflow_import = True
            self.import_code = self.import_code or self.rule_code
            if node is not None:
                self.import_uses.append((node, scope))
            self.written_names.add("tf")
            return f"tf.{path}"
        return None

    def rename_keywords(self, call: ast.Call, renames: Mapping[str, str]) -> None:
        used = tuple((k.arg, renames[k.arg]) for k in call.keywords if k.arg is not None and k.arg in renames)
        if used:
            self.edit(call, RenameKeywords(used))

    def drop_args(self, call: ast.Call, drop: Iterable[ast.AST]) -> None:
        """Remove arguments (positional expressions or `ast.keyword`s) from a call, keeping its commas right."""
        doomed = set(drop)
        if not doomed:
            return
        order = arguments_in_order(call)
        self.replaced.update(doomed)
        self.edit(call, KeepArguments(tuple(i for i, a in enumerate(order) if a not in doomed), len(order)))

    def insert_args(self, call: ast.Call, index: int, texts: Iterable[str]) -> None:
        """Insert arguments (source text such as `None` or `write_meta_graph=False`) before position `index`."""
        self.edit(call, InsertArguments(index, tuple(texts), len(arguments_in_order(call))))

    def append_args(self, call: ast.Call, texts: Iterable[str]) -> None:
        """Add arguments (source text such as `write_meta_graph=False`) after the call's last one."""
        self.edit(call, AppendArguments(tuple(texts)))

    def append_call(self, call: ast.Call, method: str) -> None:
        """`x.restore(p)` -> `x.restore(p).<method>()`."""
        self.edit(call, AppendCall(method))

    def remove_statement(self, statement: ast.stmt) -> None:
        self.edit(statement, Remove(), replaces=True)

    def rename_attribute(self, node: ast.Attribute, name: str) -> None:
        self.edit(node, RenameAttribute(name))

    def rename_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> None:
        self.edit(node, RenameDefinition(name))

    def keep_import_names(self, statement: ast.Import | ast.ImportFrom, keep: Iterable[int],
                          rename: Iterable[tuple[int, str]] = ()) -> None:
        kept = tuple(keep)
        if not kept:
            self.remove_statement(statement)
        else:
            self.edit(statement, KeepImportNames(kept, tuple(rename)))


def arguments_in_order(call: ast.Call) -> list[ast.expr | ast.keyword]:
    """A call's arguments in source order, as LibCST lists them (ast keeps positional and keyword ones apart)."""
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    return sorted(arguments, key=lambda node: (node.lineno, node.col_offset))


def display(ref: Ref) -> str:
    """The reference as the user can look it up: `tf.contrib.slim.assign_from_checkpoint_fn`."""
    from ._symbols import public_name

    return "tf." + public_name(ref.qualified)

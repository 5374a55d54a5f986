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
    from ._noqa import Noqa
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
    suppressed: bool = False  # by a noqa comment or the file's per-file-ignores: not shown, but known to the passes


class MigrationContext:
    """The plan of one file's migration.

    Suppression (`# noqa`, per-file-ignores) is decided here, as rules plan: an edit on a node a noqa of the
    planning rule's code covers is not made (the edit method returns False, and the node is remembered as *held*:
    a use the user keeps on purpose), and a finding of an ignored code, or on a node a noqa of its code covers,
    is marked suppressed. Since an edit that is not made is never in the plan, everything that reads the plan
    afterwards (the import cleanup pass, the added `import tensorflow as tf`) sees the held line as it stays: a
    name it still reads keeps its import. A rule whose edits stand or fall together (a saver and its calls) asks
    `hold_group` before making the first.
    """

    def __init__(self, source: Source, analysis: ModuleAnalysis, *, path: str = "<string>",
                 project: Mapping[str, Any] | None = None, codes: Iterable[str] = (),
                 checkpoints: Sequence[Any] = (), noqa: Noqa | None = None, ignore: Iterable[str] = ()) -> None:
        self.source = source
        self.analysis = analysis
        self.path = path
        self.codes = frozenset(codes)  # the rules selected for this run
        self.noqa = noqa
        self.ignore = tuple(ignore)  # codes and prefixes this file's per-file-ignores turn off
        # The code of the rule planning now (set by the pipeline): noqa asks about it, and each edit is put down to
        # it (`--interactive` shows each hunk with its rule, `--show-fixes` counts them).
        self.rule_code = ""
        self.held: set[ast.AST] = set()  # nodes a noqa kept from being rewritten or reported
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
        # Each edit's (node, code, whether it removes the node), and the rule that first needed the added import.
        self.edit_codes: list[tuple[ast.AST, str, bool]] = []
        self.import_code: str | None = None

    @functools.cached_property
    def checkpoints(self) -> CheckpointModel:
        return CheckpointModel(self.analysis)

    def project(self, rule: type[Rule]) -> Any:
        """What the rule's `Facts.combine` made of the project, or None when the run collected none."""
        return self._project.get(rule.CODE)

    # -- suppression ----------------------------------------------------------------------------------------------
    def noqa_covers(self, node: ast.AST | Span, code: str | None = None, *, first_only: bool = False) -> bool:
        """A noqa for `code` (default: the planning rule's) covers the node's lines (`first_only`: its first)."""
        return self.noqa is not None and self.noqa.covers(node, code or self.rule_code, first_only=first_only)

    def _hold(self, node: ast.AST) -> bool:
        """True (and the node held) when a noqa keeps the planning rule from rewriting the node."""
        if not self.noqa_covers(node):
            return False
        self.held.add(node)
        return True

    def hold_group(self, anchor: ast.AST, others: Iterable[ast.AST], what: str) -> bool:
        """For a rewrite made of edits that stand or fall together (a saver's construction and the calls on it):
        True when a noqa of the planning rule's code covers any part, and then the caller makes none of them.
        When the noqa is on another part than `anchor` (the contrib name), that is reported at the anchor: the
        anchor is not what the user asked to keep, and would stay contrib without a word."""
        if self._hold(anchor):
            return True
        for other in others:
            line = self.noqa.covering_line(other, self.rule_code) if self.noqa is not None else None
            if line is not None:
                self.held.add(other)
                self.report(self.rule_code, anchor, f"{what} is kept: its rewrite also changes line {line}, "
                            f"which a `# noqa` keeps as it is; add `# noqa: {self.rule_code}` here too, or "
                            "remove that one")
                return True
        return False

    def is_held(self, node: ast.AST) -> bool:
        """The node, or something around it, stays as written because of a noqa."""
        held = self.held
        return bool(held) and (node in held or any(ancestor in held for ancestor in self.analysis.ancestors(node)))

    # -- findings -------------------------------------------------------------------------------------------------
    def report(self, code: str, node: ast.AST | Span, message: str, kind: FindingKind = "manual") -> None:
        ignored = any(code.startswith(prefix) for prefix in self.ignore)
        suppressed = ignored or self.noqa_covers(node, code, first_only=True)
        if suppressed and not ignored and isinstance(node, ast.AST):
            self.held.add(node)
        self.findings.append(PendingFinding(code, message, node, kind, suppressed))

    @property
    def touched(self) -> bool:
        return bool(self.edits) or bool(self.findings)

    # -- edits ----------------------------------------------------------------------------------------------------
    def edit(self, node: ast.AST, change: Change, *, replaces: bool = False) -> bool:
        """Plan `change` on `node`, unless a noqa of the planning rule's code covers it: then False, and the node
        is held (every edit method below goes through here)."""
        if self._hold(node):
            return False
        self._record(node, change, replaces)
        return True

    def _record(self, node: ast.AST, change: Change, replaces: bool = False) -> None:
        self.edits.setdefault(node, []).append(change)
        if self.rule_code:
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

    def replace_with(self, node: ast.expr, text: str) -> bool:
        """Replace an expression with `text` (a dotted name or a small expression), keeping its parentheses."""
        return self.edit(node, ReplaceWith(text), replaces=True)

    def replace_ref(self, ref: Ref, tf2_path: str, code: str) -> bool:
        """Point a reference at its TF 2 home, spelled with a name that means tensorflow where it is read. False
        when it is not rewritten: no name means tensorflow there (reported), or a noqa keeps it."""
        if self._hold(ref.node):  # before `tensorflow()`, which may plan the added import
            return False
        spelled = self.tensorflow(tf2_path, ref.scope, ref.node)
        if spelled is None:
            self.report(code, ref.node, f"{display(ref)} becomes tf.{tf2_path}, but no name means tensorflow here "
                        "(`tf` is bound to something else); rewrite it by hand")
            return False
        self._record(ref.node, ReplaceWith(spelled), replaces=True)
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
            self.import_code = self.import_code or self.rule_code or None
            if node is not None:
                self.import_uses.append((node, scope))
            self.written_names.add("tf")
            return f"tf.{path}"
        return None

    def rename_keywords(self, call: ast.Call, renames: Mapping[str, str]) -> bool:
        used = tuple((k.arg, renames[k.arg]) for k in call.keywords if k.arg is not None and k.arg in renames)
        return self.edit(call, RenameKeywords(used)) if used else True

    def drop_args(self, call: ast.Call, drop: Iterable[ast.AST]) -> bool:
        """Remove arguments (positional expressions or `ast.keyword`s) from a call, keeping its commas right."""
        doomed = set(drop)
        if not doomed:
            return True
        order = arguments_in_order(call)
        if not self.edit(call, KeepArguments(tuple(i for i, a in enumerate(order) if a not in doomed), len(order))):
            return False
        self.replaced.update(doomed)
        return True

    def insert_args(self, call: ast.Call, index: int, texts: Iterable[str]) -> bool:
        """Insert arguments (source text such as `None` or `write_meta_graph=False`) before position `index`."""
        return self.edit(call, InsertArguments(index, tuple(texts), len(arguments_in_order(call))))

    def append_args(self, call: ast.Call, texts: Iterable[str]) -> bool:
        """Add arguments (source text such as `write_meta_graph=False`) after the call's last one."""
        return self.edit(call, AppendArguments(tuple(texts)))

    def append_call(self, call: ast.Call, method: str) -> bool:
        """`x.restore(p)` -> `x.restore(p).<method>()`."""
        return self.edit(call, AppendCall(method))

    def remove_statement(self, statement: ast.stmt) -> bool:
        return self.edit(statement, Remove(), replaces=True)

    def rename_attribute(self, node: ast.Attribute, name: str) -> bool:
        return self.edit(node, RenameAttribute(name))

    def rename_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
        return self.edit(node, RenameDefinition(name))

    def keep_import_names(self, statement: ast.Import | ast.ImportFrom, keep: Iterable[int],
                          rename: Iterable[tuple[int, str]] = ()) -> bool:
        """The import keeps only these names. A name on a line a noqa covers is kept (and not renamed) whatever
        the rule wanted: each name of an import is its own edit. False when a noqa kept any of it from being made."""
        names = statement.names
        kept, wanted = set(keep), tuple(rename)
        held = {i for i, alias in enumerate(names) if i not in kept and self._hold(alias)}
        renames = tuple((i, name) for i, name in wanted if not self._hold(names[i]))
        as_asked = not held and len(renames) == len(wanted)
        kept |= held
        if len(kept) == len(names) and not renames:
            return as_asked
        if not kept:
            return self.remove_statement(statement)
        self._record(statement, KeepImportNames(tuple(sorted(kept)), renames))  # its names were held one by one
        return as_asked


def arguments_in_order(call: ast.Call) -> list[ast.expr | ast.keyword]:
    """A call's arguments in source order, as LibCST lists them (ast keeps positional and keyword ones apart)."""
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    return sorted(arguments, key=lambda node: (node.lineno, node.col_offset))


def display(ref: Ref) -> str:
    """The reference as the user can look it up: `tf.contrib.slim.assign_from_checkpoint_fn`."""
    from ._symbols import public_name

    return "tf." + public_name(ref.qualified)

"""TFC201: remove the contrib checkpoint imports and aliases that nothing reads after the rewrites.

An import of `tensorflow.contrib` fails on TF 2 even when unused, so a contrib checkpoint import that no code reads
after the rewrites goes. This runs after every rule, as a fixed final pass: a read counts when it may see the
binding (as Python resolves the name) and is not inside something a rewrite replaced, so a name still read
anywhere keeps its import, and one run reaches the fixpoint. A name that IPython lines of a notebook mention counts
as read, and so does a use that a `# noqa` keeps as it is (its import stays; when every use is kept that way, the
TFC900 finding about the import is only shown with --verbose: the user chose to keep that contrib code).

Module-level names are public: another module may import them. So a module-level contrib name is only removed
when no other module of the project imports it and it is not in `__all__`; otherwise it stays, reported (TFC903),
since it fails on TF 2. (Names bound to a symbol with a TF 2 home never get here: their value is migrated.)
Version-guarded imports are left alone (TFC902).
"""

from __future__ import annotations

import ast
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from tfckpt_codemod.project import file_key

from ._analysis import Binding, Ref
from ._context import MigrationContext
from ._rule import FactInput, Facts, Rule
from ._symbols import CHECKPOINT_MODULES, lookup

_FROM = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+([^#\r\n]*)", re.MULTILINE)
_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([^#\r\n]*)", re.MULTILINE)


def module_basename(path: str) -> str:
    """What other modules import this file as, at the last dotted step: `pkg/common.py` -> `common`."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.basename(os.path.dirname(os.path.abspath(path))) if stem == "__init__" else stem


class ImportedNames(Facts):
    """Which names each project file imports from which modules (by the module's last dotted step).

    Read from the bytes with a pattern rather than parsed: it runs over every file of the project, and a wrong
    guess only ever keeps a name (an import it cannot read, like a parenthesized list, counts as importing all)."""

    TRIGGERS = ((b"import",),)

    @staticmethod
    def collect(source: FactInput) -> frozenset[tuple[str, str, int]]:
        data = source.data
        found: set[tuple[str, str, int]] = set()
        for match in _FROM.finditer(data):
            module, names = match.group(1).decode("ascii", "replace"), match.group(2).strip()
            line = data.count(b"\n", 0, match.start()) + 1
            last = module.rstrip(".").rsplit(".", 1)[-1]
            if names.startswith(b"(") and b")" not in names or names.endswith(b"\\") or names == b"*":
                if last:
                    found.add((last, "*", line))
                continue
            for part in names.strip(b"()").split(b","):
                name = part.strip().split()[0].decode("ascii", "replace") if part.strip() else ""
                if name:
                    if last:
                        found.add((last, name, line))
                    found.add((name, "*", line))  # `from pkg import common` imports the module itself
        for match in _IMPORT.finditer(data):
            line = data.count(b"\n", 0, match.start()) + 1
            for part in match.group(1).split(b","):
                words = part.strip().split()
                if words:
                    found.add((words[0].decode("ascii", "replace").rsplit(".", 1)[-1], "*", line))
        return frozenset(found)

    @staticmethod
    def combine(collected: Sequence[tuple[str, Any]]) -> dict[str, dict[str, list[tuple[str, int]]]]:
        importers: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
        for path, facts in collected:
            for module, name, line in facts:
                places = importers[module][name]
                if len(places) < 3:
                    places.append((path, line))
        return {module: dict(names) for module, names in importers.items()}

    @staticmethod
    def for_file(combined: dict[str, dict[str, list[tuple[str, int]]]], path: str
                 ) -> dict[str, list[tuple[str, int]]]:
        return combined.get(module_basename(path), {})


def _in_scope(binding: Binding) -> bool:
    contrib = binding.contrib
    if contrib is None:
        return False
    module = ".".join(contrib.split(".")[:2])
    return module in CHECKPOINT_MODULES or lookup(binding.submodule or binding.qualified) is not None


class ContribImports(Rule):
    CODE = "TFC201"
    NAME = "unused-contrib-imports"
    SUMMARY = "contrib checkpoint imports and aliases that nothing uses any more are removed"
    FACTS = ImportedNames
    EMITS = (("TFC903", "public-contrib-name",
              "module-level contrib name that other modules may import: kept and reported (it fails on TF 2)"),)
    VALID = (
        # Still used by code the tool does not rewrite: kept.
        "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nx = tfe.restore_variables_on_create(p)\n",
        "import tensorflow.contrib.layers as layers\n",
    )
    INVALID = (
        (
            "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n",
            "import tensorflow as tf\n",
        ),
        (
            "import tensorflow as tf\n\n\ndef main():\n    tfe = tf.contrib.eager\n    return 1\n",
            "import tensorflow as tf\n\n\ndef main():\n    return 1\n",
        ),
        (
            "from tensorflow.contrib.checkpoint import CheckpointManager, NoDependency\n\nx = NoDependency(y)\n",
            "from tensorflow.contrib.checkpoint import NoDependency\n\nx = NoDependency(y)\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        analysis = context.analysis
        importers = context.project(cls) or {}
        doomed: dict[ast.stmt, set[ast.alias]] = defaultdict(set)
        migrated_aliases = {analysis.statement_of.get(ref.node) for ref in analysis.refs
                            if ref.in_alias and context.is_replaced(ref.node)}
        for binding in analysis.bindings:
            if binding.guarded or not _in_scope(binding) or binding.statement in migrated_aliases:
                continue
            if context.is_replaced(binding.statement):
                continue
            if binding.submodule is not None:
                _bare_submodule(context, binding)
                continue
            reads = _live_reads(context, binding)
            if reads:
                _report_kept(context, binding, reads)
                continue
            public = _public(context, binding, importers)
            if public is not None:
                context.report("TFC903", binding.statement, f"`{binding.name}` (tf.{binding.contrib}) is unused "
                               f"here but {public}; it fails on TF 2: migrate those uses, then delete it")
                continue
            if binding.is_assignment:
                context.remove_statement(binding.statement)
            elif binding.alias is not None:
                doomed[binding.statement].add(binding.alias)
        for statement, aliases in doomed.items():
            _remove_aliases(context, statement, aliases)


def _report_kept(context: MigrationContext, binding: Binding, reads: int) -> None:
    """A contrib name that stays fails on TF 2 where it is bound: say so there, with where it is still read."""
    analysis = context.analysis
    resolved = [ref for ref in analysis.refs if ref.binding is binding and not context.is_replaced(ref.node)]
    if binding.is_assignment:
        context.report("TFC900", binding.statement, f"`{binding.name}` still names tf.{binding.contrib}, which TF 2 "
                       "does not have; migrate its other uses by hand, then delete this alias")
    elif reads > len(resolved) + (binding.name in analysis.extra_uses):
        # Some reads could not be tied to this import (rebound, `del`, `global`, read before the import): they
        # were left alone, and nothing else would say so.
        context.report("TFC900", binding.statement, f"`{binding.name}` is imported from tf.{binding.contrib} but "
                       "also bound otherwise in this file, so its uses were left alone; migrate them by hand, then "
                       "remove this import")
    else:
        lines = sorted({ref.node.lineno for ref in resolved})
        where = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
        if lines and binding.name not in analysis.extra_uses and all(_kept_on_purpose(context, r) for r in resolved):
            # Every use stays because a noqa says so: the user chose to keep this contrib code, and its import
            # with it. Reported for --verbose only, or a deliberately kept line would fail --check forever.
            context.report("TFC900", binding.statement, f"`{binding.name}` (tf.{binding.contrib}) is kept for its "
                           f"uses that `# noqa` keeps, at line{'s' if len(lines) != 1 else ''} {where}; this import "
                           "fails on TF 2", "info")
            return
        uses = (f"line{'s' if len(lines) != 1 else ''} {where}" if lines
                else "notebook lines no parser reads (IPython lines, cells that do not parse)")
        context.report("TFC900", binding.statement, f"`{binding.name}` (tf.{binding.contrib}) is still imported for "
                       f"its uses at {uses}; this import fails on TF 2 until they are migrated")


def _kept_on_purpose(context: MigrationContext, ref: Ref) -> bool:
    """A use that stays because of a noqa: it kept a rule from rewriting or reporting it, or it silences TFC900,
    the code the use itself would be reported under."""
    return context.is_held(ref.node) or context.noqa_covers(ref.node, "TFC900", first_only=True)


def _live_reads(context: MigrationContext, binding: Binding) -> int:
    """Reads that may see the binding and survive the rewrites (plus notebook lines that mention the name)."""
    analysis = context.analysis
    count = 0
    for load in analysis.loads.get(binding.name, ()):
        if binding in analysis.may_read(binding.name, load.scope, load.node) and not context.is_replaced(load.node):
            count += 1
    if binding.name in analysis.extra_uses:
        count += 1
    return count


def _public(context: MigrationContext, binding: Binding, importers: dict[str, list[tuple[str, int]]]) -> str | None:
    """Why a module-level binding must stay (None: nothing shows another module may read it)."""
    if binding.scope is not context.analysis.module_scope:
        return None
    if binding.name in context.analysis.all_names:
        return "`__all__` exports it"
    own = file_key(context.path)
    places = [(path, line) for key in (binding.name, "*") for path, line in importers.get(key, ())
              if file_key(path) != own]
    if places:
        shown = ", ".join(f"{path}:{line}" for path, line in places[:2])
        return f"other modules import it or this module ({shown})"
    return None


def _bare_submodule(context: MigrationContext, binding: Binding) -> None:
    """`import tensorflow.contrib.eager` binds `tensorflow`: drop the submodule, keep the name if still read."""
    analysis = context.analysis
    submodule = binding.submodule or ""
    through = [r for r in analysis.refs if r.binding is binding and r.qualified.startswith(submodule)]
    if any(not context.is_replaced(r.node) for r in through) or binding.alias is None:
        return
    others = any(b is not binding and b.name == binding.name and b.submodule is None and b.scope is binding.scope
                 for b in analysis.bindings)
    still_read = binding.name in context.written_names or any(
        not context.is_replaced(load.node) and binding in analysis.may_read(binding.name, load.scope, load.node)
        for load in analysis.loads.get(binding.name, ()))
    if still_read and not others:
        names = binding.statement.names  # type: ignore[attr-defined]
        index = names.index(binding.alias)
        context.keep_import_names(binding.statement, range(len(names)),  # type: ignore[arg-type]
                                  rename=[(index, binding.name)])
    else:
        _remove_aliases(context, binding.statement, {binding.alias})


def _remove_aliases(context: MigrationContext, statement: ast.stmt, aliases: set[ast.alias]) -> None:
    names = statement.names  # type: ignore[attr-defined]
    context.keep_import_names(statement, [i for i, alias in enumerate(names) if alias not in aliases])  # type: ignore[arg-type]

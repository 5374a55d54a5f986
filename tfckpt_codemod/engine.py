"""One file: bytes in, `FileResult` out. Never prints, never writes; safe to run in a worker process.

The bytes are handed to LibCST as bytes, so the PEP 263 cookie, a BOM and the newline style are detected by the
parser and written back as they were. Before that, a prefilter on the raw bytes decides whether the file can hold
anything a selected rule looks for; most files of a repository stop there, never decoded or parsed.
"""

from __future__ import annotations

import ast
import codecs
import functools
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import NamedTuple, cast

from tfckpt_codemod.encoding import file_error, source_encoding, wide_bom, wide_error, wide_tensorflow
from tfckpt_codemod.limits import NeedsDeepStack, TooDeep, call_deep
from tfckpt_codemod.types import Edit, FileResult

# A file must name tensorflow to bind anything a rule resolves; rules add their own triggers (b"contrib", ...).
REQUIRED_TEXT = b"tensorflow"


# The import statements that bind a name the analysis resolves to contrib, a checkpoint class or a session:
# `import tensorflow[...] [as x]` anywhere in an import list, and `from tensorflow[.compat[.v1]][.contrib...|.train]
# import ...`, at the start of a line or after a `;` (or, in a notebook's JSON, of a string or after an escaped
# line break), with backslash continuations between the words.
# TensorFlow's own modules (`from tensorflow.python.ops import ...`, often megabytes of generated code mentioning
# contrib in docstrings) match none of them. tests/test_prefilter.py holds it to every import form the tests use.
_GAP = rb"[ \t]*(?:\\\r?\n[ \t]*)?"  # spaces, and at most one backslash continuation
_REACHING_IMPORT = (
    rb"(?:^|;|\"|\\n)[ \t]*(?:import" + _GAP + rb"[ \t](?:[\w.]+(?:[ \t]+as[ \t]+\w+)?" + _GAP + rb"," + _GAP + rb")*"
    rb"tensorflow\b|from[ \t]+" + _GAP + rb"tensorflow(?:\.compat(?:\.v[12])?)?(?:\.contrib[\w.]*|\.train)?"
    rb"[ \t]" + _GAP + rb"import\b)")


@functools.cache
def _reaching_import() -> re.Pattern[bytes]:
    """Compiled on first use: a tree that never names tensorflow never needs it."""
    return re.compile(_REACHING_IMPORT, re.MULTILINE)


def reaches_tensorflow(data: bytes) -> bool:
    """The file names tensorflow in a way that can bind something a rule resolves."""
    return REQUIRED_TEXT in data and _reaching_import().search(data) is not None


def could_apply(data: bytes, triggers: Sequence[Sequence[bytes]]) -> bool:
    """The prefilter: False means no selected rule can have anything to do, so the file is not even decoded."""
    # The one search most files fail comes first.
    # A NUL byte makes the file no Python source to read imports from: it is let through to be reported.
    return REQUIRED_TEXT in data and any(all(word in data for word in words) for words in triggers) and \
        (reaches_tensorflow(data) or b"\x00" in data)


def decode_error(data: bytes) -> str | None:
    """A one-line reason the file is not decodable Python source, or cannot be written back byte for byte in its
    encoding (see `tfckpt_codemod.encoding`), or None."""
    try:
        encoding = source_encoding(data)
    except SyntaxError as error:
        return f"cannot read the encoding declaration: {error.msg if hasattr(error, 'msg') else error}"
    return file_error(data, encoding)


def migrate_source(data: bytes, path: str = "<string>", *, rules: Sequence[type] | None = None,
                   project: Mapping[str, object] | None = None, extra_uses: frozenset[str] = frozenset(),
                   checkpoints: Sequence[object] = (), ignore: Sequence[str] = ()) -> FileResult:
    """Migrate one file's bytes. Errors become `FileResult.error` (one line); nothing is raised for bad input.

    `project` holds what each rule's run-wide facts came to; `extra_uses` names that code the parsers do not see
    reads (a notebook's IPython lines); `checkpoints` the user's checkpoints given as evidence; `ignore` the codes
    and prefixes the file's per-file-ignores turn off (not run, not reported)."""
    from tfckpt_codemod.transforms import load_rules, triggers

    selected = tuple(load_rules() if rules is None else rules)
    if not could_apply(data, triggers(rule.CODE for rule in selected)):
        wide = wide_tensorflow(data)  # tensorflow spelled in UTF-16: invisible to the byte prefilter
        return FileResult(path=path, old=data, error=None if wide is None else wide_error(wide))
    if path.endswith(".ipynb"):
        return _migrate_notebook(data, path, selected, project, checkpoints, ignore)
    wide = wide_bom(data)
    if wide is not None:
        return FileResult(path=path, old=data, error=wide_error(wide))
    if b"\x00" in data:
        return FileResult(path=path, old=data, error="file contains a null byte; not Python source")
    reason = decode_error(data)
    if reason is not None:
        return FileResult(path=path, old=data, error=reason)
    encoding = codecs.lookup(source_encoding(data)).name
    tree, failure = parse(data, path)
    if tree is None:
        assert failure is not None
        return FileResult(path=path, old=data, error=failure.message, error_line=failure.line,
                          error_column=failure.column)
    arguments = (data, path, encoding, tree, selected, project, extra_uses, checkpoints, tuple(ignore))
    # Rules, the analysis and LibCST recurse once per level of nesting. Only the code a migration edits reaches
    # LibCST, and it is measured first (limits.check_statements): too deep is one error, deep enough to
    # need it runs the file again on a thread with a deep stack, as does a RecursionError anywhere else.
    try:
        return _migrate_parsed(*arguments)
    except (RecursionError, NeedsDeepStack):
        pass
    try:
        return call_deep(_migrate_parsed, *arguments)
    except (RecursionError, NeedsDeepStack):
        return FileResult(path=path, old=data, error="too deeply nested for LibCST, even on a deep stack; "
                          "not migrated")


def _migrate_parsed(data: bytes, path: str, encoding: str, tree: ast.Module, selected: tuple[type, ...],
                    project: Mapping[str, object] | None, extra_uses: frozenset[str],
                    checkpoints: Sequence[object], ignore: tuple[str, ...] = ()) -> FileResult:
    from tfckpt_codemod.transforms._apply import ApplyError
    from tfckpt_codemod.transforms._pipeline import migrate
    from tfckpt_codemod.transforms._source import Source

    source = Source(data.decode(encoding), tree, data, encoding)
    migration = migrate(source, selected, path=path, project=project, extra_uses=extra_uses, checkpoints=checkpoints,
                        ignore=ignore)
    try:
        new = migration.bytes(encoding)
    except TooDeep as problem:
        return FileResult(path=path, old=data, findings=migration.findings, parsed=True, error=str(problem))
    except ApplyError as problem:
        return FileResult(path=path, old=data, findings=migration.findings, parsed=True,
                          error=f"cannot place a rewrite exactly ({problem}); not migrated, please report it")
    if new is not None:
        error = _syntax_error(new, data, path)
        if error is not None:
            return FileResult(path=path, old=data, findings=migration.findings, parsed=True,
                              error=f"the migrated file would not compile ({error}); not migrated, please report it")
    changed = new is not None and new != data
    return FileResult(path=path, old=data, new=new if changed else None, findings=migration.findings, parsed=True,
                      reasons=migration.reasons, edits=migration.edits() if changed else ())


class ParseFailure(NamedTuple):
    """Why a file has no ast: a one-line message, and where a syntax error is (for json and GitHub annotations)."""

    message: str
    line: int | None = None
    column: int | None = None


def parse(data: bytes, path: str) -> tuple[ast.Module | None, ParseFailure | None]:
    """CPython's ast of the file, or why it has none. CPython's parser words syntax errors best ("Missing
    parentheses in call to 'print'")."""
    try:
        with warnings.catch_warnings():  # `"\d"` and friends: the user's business, not noise in our output
            warnings.simplefilter("ignore")
            # not ast.parse: it would inherit this module's `from __future__` flags
            tree = compile(data, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
            return cast(ast.Module, tree), None
    except SyntaxError as error:
        return None, ParseFailure(f"cannot parse: {_one_line(str(error.msg))} "
                                  f"(line {error.lineno}{f', column {error.offset}' if error.offset else ''})",
                                  error.lineno, error.offset or None)
    except (MemoryError, RecursionError):
        return None, ParseFailure("cannot parse: nested too deeply")
    except ValueError as error:
        return None, ParseFailure(f"cannot parse: {_one_line(str(error))}")


def _migrate_notebook(data: bytes, path: str, rules: tuple[type, ...], project: Mapping[str, object] | None,
                      checkpoints: Sequence[object] = (), ignore: Sequence[str] = ()) -> FileResult:
    """Code cells are joined into one module (an import in cell 1 serves cell 3), migrated, and put back."""
    from dataclasses import replace

    from tfckpt_codemod.notebook import NotebookError, prepare_notebook

    try:
        notebook = prepare_notebook(data)
    except NotebookError as error:
        return FileResult(path=path, old=data, error=str(error))
    source = notebook.source.encode()
    result = migrate_source(source, path + ".py", rules=rules, project=project, extra_uses=notebook.magic_names,
                            checkpoints=checkpoints, ignore=ignore)
    findings = []
    for finding in result.findings:
        cell, line = notebook.locate(finding.line)
        end_cell, end_line = notebook.locate(finding.end_line)
        findings.append(replace(finding, cell=cell + 1, line=line, end_line=end_line if end_cell == cell else line))
    broken = tuple((index + 1, reason) for index, reason in notebook.broken)
    migrated = result.new.decode() if result.new is not None else None
    try:
        new = notebook.apply(migrated) if migrated is not None else None
        view = (notebook.view(notebook.source), notebook.view(migrated)) if migrated is not None else None
    except NotebookError as error:  # a rewrite that would lose a magic or a cell: leave the notebook alone
        return FileResult(path=path, old=data, findings=tuple(findings), error=str(error), parsed=result.parsed,
                          cell_errors=broken)
    edits = tuple(Edit(edit.code, notebook.locate(edit.line)[1], notebook.locate(edit.end_line)[1])
                  for edit in result.edits)  # lines within their cell, as findings have them
    return FileResult(path=path, old=data, new=None if new == data else new, findings=tuple(findings),
                      error=result.error, parsed=result.parsed, reasons=result.reasons,
                      view=view, cell_errors=broken, edits=edits if new != data else ())


def _syntax_error(new: bytes, old: bytes, path: str) -> str | None:
    """The last line of defence: a migration whose result CPython would not compile is never written.

    Compiled to bytecode, not only to an ast, so that the checks CPython's compiler adds to the parser's (`return`
    outside a function, `nonlocal` of nothing) are made too; it costs no more (no Python ast objects are built:
    0.98 M instructions for a small script against 1.08 M). A file that fails those checks before the migration too
    (a notebook's top-level `await`, a snippet) is held to the parser's checks only: the migration did not break it."""
    error = _compile_error(new, path, 0)
    if error is None or _compile_error(old, path, 0) is None:
        return error
    return _compile_error(new, path, ast.PyCF_ONLY_AST)


def _compile_error(data: bytes, path: str, flags: int) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", flags, dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        return _one_line(str(error))
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())

"""One file: bytes in, `FileResult` out. Never prints, never writes; safe to run in a worker process.

The bytes are handed to LibCST as bytes, so the PEP 263 cookie, a BOM and the newline style are detected by the
parser and written back as they were. Before that, a prefilter on the raw bytes decides whether the file can hold
anything a selected rule looks for; most files of a repository stop there, never decoded or parsed.
"""

from __future__ import annotations

import ast
import codecs
import functools
import io
import re
import tokenize
import warnings
from collections.abc import Sequence

from tfckpt_codemod.types import FileResult

# A file must name tensorflow to bind anything a rule resolves; rules add their own triggers (b"contrib", ...).
REQUIRED_TEXT = b"tensorflow"


# The ways a file can bind a name that reaches contrib, a checkpoint class or a session (what the analysis
# resolves): `import tensorflow [as tf]`, `from tensorflow[.compat.v1][.contrib...] import ...`, or a dotted
# `tensorflow.contrib` / `tensorflow.train`. TensorFlow's own modules (`from tensorflow.python.ops import ...`,
# often megabytes of generated code mentioning contrib in docstrings) match none of them.
_REACHING_IMPORT = (
    rb"\btensorflow(?:\.compat\.v[12])?(?:\.contrib\b|\.train\b|[ \t]+as\b|[ \t]+import\b|[ \t]*[,#\r\n]|[ \t]*$)")


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
    return REQUIRED_TEXT in data and any(all(word in data for word in words) for words in triggers) and \
        reaches_tensorflow(data)


def source_encoding(data: bytes) -> str:
    """The encoding Python reads `data` with (PEP 263 cookie or BOM, else UTF-8); SyntaxError if the cookie is bad."""
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def decode_error(data: bytes) -> str | None:
    """A one-line reason the file is not decodable Python source, or None."""
    try:
        encoding = source_encoding(data)
    except SyntaxError as error:
        return f"cannot read the encoding declaration: {error.msg if hasattr(error, 'msg') else error}"
    try:
        codecs.lookup(encoding)
        data.decode(encoding)
    except LookupError:
        return f"unknown encoding: {encoding}"
    except UnicodeDecodeError as error:
        return f"cannot decode as {encoding}: byte 0x{data[error.start]:02x} at offset {error.start}"
    return None


def migrate_source(data: bytes, path: str = "<string>", *, rules: Sequence[type] | None = None,
                   project: object | None = None) -> FileResult:
    """Migrate one file's bytes. Errors become `FileResult.error` (one line); nothing is raised for bad input."""
    from tfckpt_codemod.transforms import load_rules, triggers

    selected = tuple(load_rules() if rules is None else rules)
    if not could_apply(data, triggers(rule.CODE for rule in selected)):
        return FileResult(path=path, old=data)
    if path.endswith(".ipynb"):
        return _migrate_notebook(data, path, selected, project)
    if b"\x00" in data:
        return FileResult(path=path, old=data, error="file contains a null byte; not Python source")
    reason = decode_error(data)
    if reason is not None:
        return FileResult(path=path, old=data, error=reason)

    import libcst as cst

    from tfckpt_codemod.transforms._pipeline import migrate_module

    # CPython's own parser first: it is cheap, it words syntax errors best ("Missing parentheses in call to
    # 'print'"), and it refuses what would crash LibCST's native parser (brackets nested thousands deep).
    try:
        with warnings.catch_warnings():  # `"\d"` and friends: the user's business, not noise in our output
            warnings.simplefilter("ignore")
            tree = compile(data, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return FileResult(path=path, old=data, error=f"cannot parse: {_one_line(str(error.msg))} "
                          f"(line {error.lineno}{f', column {error.offset}' if error.offset else ''})")
    except (MemoryError, RecursionError):
        return FileResult(path=path, old=data, error="cannot parse: nested too deeply")

    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        return FileResult(path=path, old=data, error=f"cannot parse: invalid syntax at line {error.editor_line}, "
                          f"column {error.editor_column} (not Python 3 source?)")
    except (SyntaxError, ValueError, RecursionError, UnicodeError) as error:
        return FileResult(path=path, old=data, error=f"cannot parse: {_one_line(str(error))}")
    migration = migrate_module(module, selected, path=path, project=project, tree=tree)  # type: ignore[arg-type]
    new = migration.render(data)
    if new == data:
        new = None
    return FileResult(path=path, old=data, new=new, findings=migration.findings, parsed=True,
                      reasons=migration.reasons)


def _migrate_notebook(data: bytes, path: str, rules: tuple[type, ...], project: object | None) -> FileResult:
    """Code cells are joined into one module (an import in cell 1 serves cell 3), migrated, and put back."""
    from dataclasses import replace

    from tfckpt_codemod.notebook import NotebookError, prepare_notebook

    try:
        notebook = prepare_notebook(data)
    except NotebookError as error:
        return FileResult(path=path, old=data, error=str(error))
    source = notebook.source.encode()
    result = migrate_source(source, path + ".py", rules=rules, project=project)
    findings = []
    for finding in result.findings:
        cell, line = notebook.locate(finding.line)
        end_cell, end_line = notebook.locate(finding.end_line)
        findings.append(replace(finding, message=f"cell {cell + 1}: {finding.message}", line=line,
                                end_line=end_line if end_cell == cell else line))
    try:
        new = notebook.apply(result.new.decode()) if result.new is not None else None
        view = (notebook.view(notebook.source), notebook.view(result.new.decode())) if new is not None else None
    except NotebookError as error:  # a rewrite that would lose a magic or a cell: leave the notebook alone
        return FileResult(path=path, old=data, findings=tuple(findings), error=str(error), parsed=result.parsed)
    return FileResult(path=path, old=data, new=None if new == data else new, findings=tuple(findings),
                      error=result.error, parsed=result.parsed, reasons=result.reasons,
                      view=view)


def _one_line(text: str) -> str:
    return " ".join(text.split())

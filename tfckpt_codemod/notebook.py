"""Jupyter notebooks: read code cells, hide IPython syntax from libcst, write cells back.

Much TF 1.x checkpoint code lives in notebooks.  Two things make them awkward for a
source-to-source tool:

* IPython syntax (``%matplotlib inline``, ``!pip install x``, ``files = !ls``, ``obj?``) is
  not Python, so libcst cannot parse a cell that has it.  ``mask_magics`` swaps each such
  line for a placeholder statement of the same line count and gives back a function that
  puts the original lines back after the rewrite.  The placeholder is a bare name
  (``__tfckpt_magic_0__``) rather than a comment because a comment cannot stand alone as the
  body of an ``if`` or ``for`` block, and a name statement is left alone by every transform.
* A notebook is JSON that people keep in git.  Re-serialising the whole document would
  reorder keys, re-flow numbers or change escaping and make a noisy diff, so
  ``write_code_cells`` splices new ``source`` values into the original text and leaves
  every other byte where it was.

No nbformat at run time: ``json`` is enough for what we touch, and the codemod stays light.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Cell",
    "NotebookError",
    "NotebookSource",
    "cell_line_offset",
    "format_location",
    "join_cells",
    "locate_line",
    "mask_magics",
    "prepare_notebook",
    "read_code_cells",
    "split_cells",
    "write_code_cells",
]

# The double underscores make a clash with user code unlikely; a source that already
# contains the prefix gets a distinct one (see ``mask_magics``).
_PLACEHOLDER_PREFIX = "__tfckpt_magic_"

# The C string scanner behind json.loads; typeshed does not declare it.
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

# Marker line put between cells by ``join_cells``; a comment so libcst keeps it verbatim.
_CELL_MARKER = "# tfckpt-migrate cell {}"
_CELL_MARKER_RE = re.compile(r"^# tfckpt-migrate cell (\d+)[ \t]*\r?$", re.MULTILINE)


class NotebookError(Exception):
    """A notebook that cannot be read or written; the message is one line."""


@dataclass(frozen=True)
class Cell:
    """A code cell.  ``index`` counts all cells (markdown too), as Jupyter shows them."""

    index: int
    source: str


# --------------------------------------------------------------------------------------
# Reading


def _decode(data: bytes) -> tuple[str, bool]:
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"notebook is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    return text, bom


def _source_text(value: object, index: int) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    raise NotebookError(f"cell {index}: 'source' must be a string or a list of strings")


def _is_python(notebook: Mapping[str, object]) -> bool:
    """False for notebooks whose kernel language is known and is not Python (R, Julia...)."""
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for key in ("language_info", "kernelspec"):
        section = metadata.get(key)
        if isinstance(section, dict):
            language = section.get("name" if key == "language_info" else "language")
            if isinstance(language, str) and language:
                return language.lower() in ("python", "python3", "ipython", "ipython3")
    return True


def read_code_cells(data: bytes) -> list[Cell]:
    """The code cells of a version-4 notebook, sources joined into single strings.

    A notebook for another kernel language yields no cells: there is nothing to migrate,
    and parsing R as Python would only produce confusing errors.
    """
    text, _ = _decode(data)
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"invalid notebook JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(notebook, dict):
        raise NotebookError("invalid notebook: top level is not a JSON object")
    version = notebook.get("nbformat")
    if version is not None and version != 4:
        raise NotebookError(f"unsupported notebook format version {version!r} (only nbformat 4)")
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("invalid notebook: no 'cells' list")
    if not _is_python(notebook):
        return []
    result: list[Cell] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {index}: not a JSON object")
        if cell.get("cell_type") != "code":
            continue
        result.append(Cell(index, _source_text(cell.get("source", ""), index)))
    return result


# --------------------------------------------------------------------------------------
# Masking IPython syntax

# Line magics (%time x), cell-magic-looking lines, shell escapes (!ls, !!ls), help (?x, ??x).
_ESCAPE_LINE = re.compile(r"^[ \t]*(?:%|!|\?)")
# Assignments from magics or shell: ``files = !ls``, ``a, b = %sx cmd``.
_ASSIGN_LINE = re.compile(r"^[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[!%]")
# Help: ``obj?``, ``obj.attr??``, ``tf.train.Checkpoint?``.
_HELP_LINE = re.compile(r"^[ \t]*[A-Za-z_][\w.]*(?:\(\))?[ \t]*\?{1,2}[ \t]*$")


def _line_body(line: str) -> tuple[str, str]:
    """Split a line into its text and its line ending."""
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def _is_magic(body: str) -> bool:
    return bool(_ESCAPE_LINE.match(body) or _ASSIGN_LINE.match(body) or _HELP_LINE.match(body))


def _statement_start_rows(source: str, names: set[str]) -> set[int] | None:
    """Rows (1-based) where one of ``names`` begins a logical line, or None if untokenizable.

    Used to tell a real magic line from a line that merely looks like one inside a
    triple-quoted string or an open bracket, which must be left untouched.
    """
    rows: set[int] = set()
    previous: tokenize.TokenInfo | None = None
    skip = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.NAME and token.string in names:
                at_start = previous is None or previous.type == tokenize.NEWLINE or (
                    previous.type == tokenize.OP and previous.string == ";"
                )
                if at_start:
                    rows.add(token.start[0])
            if token.type not in skip:
                previous = token
    except (tokenize.TokenError, SyntaxError):
        return None
    return rows


def _first_code_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line
    return ""


def mask_magics(source: str) -> tuple[str, Callable[[str], str]] | None:
    """Replace IPython-only lines with same-count placeholder lines.

    Returns ``(masked, restore)`` where ``restore(rewritten)`` swaps the placeholders back
    for the original lines, or ``None`` for a ``%%`` cell magic cell: its body belongs to
    the magic (``%%bash``, ``%%writefile``...) and is not ours to rewrite.  A magic whose
    line ends in a backslash continues on the next line; every line of it is masked.
    ``restore`` raises ``NotebookError`` if a rewrite lost a placeholder, because silently
    dropping a user's ``!pip install`` would be worse than not migrating the cell.
    """
    if _first_code_line(source).lstrip().startswith("%%"):
        return None

    prefix = _PLACEHOLDER_PREFIX
    while prefix in source:
        prefix = "_" + prefix
    template = prefix + "{}__"

    lines = source.splitlines(keepends=True)
    originals: dict[str, str] = {}
    masked_rows: dict[int, str] = {}  # 1-based row -> placeholder
    masked = list(lines)
    continuing = False
    indent = ""
    for row, line in enumerate(lines, start=1):
        body, ending = _line_body(line)
        if not (continuing or _is_magic(body)):
            continue
        name = template.format(len(originals))
        if not continuing:
            # Continuation lines take the first line's indent, or the block would break.
            indent = body[: len(body) - len(body.lstrip(" \t"))]
        originals[name] = body
        masked_rows[row] = name
        masked[row - 1] = indent + name + ending
        continuing = body.endswith("\\")

    if not originals:
        return source, lambda rewritten: rewritten

    # Undo masks that sit inside strings or brackets; repeat because undoing one can
    # change how later lines tokenize.
    for _ in range(len(masked_rows) + 1):
        starts = _statement_start_rows("".join(masked), set(masked_rows.values()))
        if starts is None:
            break
        wrong = [row for row in masked_rows if row not in starts]
        # A continuation line of a multi-line magic is never a statement start of its own;
        # keep it masked when the line before it is masked too.
        wrong = [row for row in wrong if not (row - 1 in masked_rows and row - 1 not in wrong)]
        if not wrong:
            break
        for row in wrong:
            name = masked_rows.pop(row)
            del originals[name]
            masked[row - 1] = lines[row - 1]

    masked_source = "".join(masked)
    restore_map = dict(originals)
    pattern = re.compile(
        r"^[ \t]*(" + "|".join(re.escape(n) for n in restore_map) + r")[ \t]*(?=\r?$)",
        re.MULTILINE,
    ) if restore_map else None

    def restore(rewritten: str) -> str:
        if pattern is None:
            return rewritten
        seen: set[str] = set()

        def put_back(match: re.Match[str]) -> str:
            seen.add(match.group(1))
            return restore_map[match.group(1)]

        result = pattern.sub(put_back, rewritten)
        missing = set(restore_map) - seen
        if missing:
            raise NotebookError(
                f"rewrite dropped {len(missing)} IPython line(s), e.g. {restore_map[min(missing)]!r}"
            )
        return result

    return masked_source, restore


# --------------------------------------------------------------------------------------
# Cell locations


def join_cells(cells: Sequence[Cell]) -> str:
    """All code cells as one module, so names imported in one cell resolve in later ones.

    Each cell is preceded by a marker comment; ``split_cells`` cuts the rewritten module
    back into cells by those markers, which stays correct when a rewrite adds or removes
    lines (an added ``import tensorflow as tf`` lands in the cell with the other imports).
    """
    parts: list[str] = []
    for cell in cells:
        parts.append(_CELL_MARKER.format(cell.index) + "\n")
        parts.append(cell.source if cell.source.endswith("\n") or not cell.source else cell.source + "\n")
    return "".join(parts)


def split_cells(joined: str, cells: Sequence[Cell]) -> dict[int, str]:
    """Inverse of ``join_cells``: cell index -> new source, for the cells that changed."""
    every = _split_all_cells(joined, cells)
    return {cell.index: every[cell.index] for cell in cells if every[cell.index] != cell.source}


def _split_all_cells(joined: str, cells: Sequence[Cell]) -> dict[int, str]:
    """Cell index -> source for every cell of ``joined``, changed or not (a diff view needs them all)."""
    matches = list(_CELL_MARKER_RE.finditer(joined))
    indices = [int(m.group(1)) for m in matches]
    if indices != [cell.index for cell in cells]:
        raise NotebookError("rewrite moved or removed a cell boundary marker")
    # Text a rewrite put above the first marker (an import added at the very top) belongs
    # to the first cell; dropping it would lose the line.
    before = joined[: matches[0].start()] if matches else ""
    sources: dict[int, str] = {}
    for number, (cell, match) in enumerate(zip(cells, matches, strict=True)):
        start = match.end() + 1 if match.end() < len(joined) else len(joined)
        end = matches[number + 1].start() if number + 1 < len(matches) else len(joined)
        source = (before if number == 0 else "") + joined[start:end]
        if not cell.source.endswith("\n") and source.endswith("\n"):
            source = source[:-1]  # the newline join_cells added
        sources[cell.index] = source
    return sources


def cell_line_offset(cells: Sequence[Cell], index: int) -> int:
    """Lines before cell ``index``'s first line in ``join_cells(cells)`` (markers included)."""
    offset = 0
    for cell in cells:
        offset += 1  # the marker line
        if cell.index == index:
            return offset
        offset += cell.source.count("\n") + (0 if cell.source.endswith("\n") or not cell.source else 1)
    raise KeyError(index)


def locate_line(cells: Sequence[Cell], line: int) -> tuple[int, int]:
    """Map a 1-based line of ``join_cells(cells)`` to ``(cell index, 1-based line in cell)``."""
    for cell in reversed(cells):
        offset = cell_line_offset(cells, cell.index)
        if line > offset:
            return cell.index, line - offset
    raise ValueError(f"line {line} is a cell marker, not code")


def format_location(cell_index: int, line: int) -> str:
    """``cell 3, line 2`` with 1-based numbers, as a person counts cells in Jupyter."""
    return f"cell {cell_index + 1}, line {line}"


# --------------------------------------------------------------------------------------
# Writing: splice new sources into the original JSON text

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER_OR_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


class _Scanner:
    """Just enough of a JSON parser to know where each cell's ``source`` value sits."""

    def __init__(self, text: str) -> None:
        self.text = text

    def ws(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        return match.end() if match else pos

    def expect(self, pos: int, char: str) -> int:
        if self.text[pos : pos + 1] != char:
            raise NotebookError(f"invalid notebook JSON: expected {char!r} at offset {pos}")
        return pos + 1

    def skip(self, pos: int) -> int:
        """End offset of the value starting at ``pos``."""
        char = self.text[pos : pos + 1]
        if char == '"':
            return _scanstring(self.text, pos + 1)[1]
        if char == "{":
            end = pos + 1
            for member in self.members(pos):
                end = member[2]
            return self.expect(self.ws(end), "}")
        if char == "[":
            end = pos + 1
            for item in self.items(pos):
                end = item[1]
            return self.expect(self.ws(end), "]")
        match = _NUMBER_OR_LITERAL.match(self.text, pos)
        if not match:
            raise NotebookError(f"invalid notebook JSON at offset {pos}")
        return match.end()

    def members(self, pos: int) -> Iterator[tuple[str, int, int]]:
        """(key, value start, value end) for each member of the object at ``pos``."""
        pos = self.ws(self.expect(pos, "{"))
        if self.text[pos : pos + 1] == "}":
            return
        while True:
            pos = self.ws(pos)
            if self.text[pos : pos + 1] != '"':
                raise NotebookError(f"invalid notebook JSON: expected a key at offset {pos}")
            key, pos = _scanstring(self.text, pos + 1)
            pos = self.ws(self.expect(self.ws(pos), ":"))
            end = self.skip(pos)
            yield key, pos, end
            pos = self.ws(end)
            if self.text[pos : pos + 1] != ",":
                return
            pos += 1

    def items(self, pos: int) -> Iterator[tuple[int, int]]:
        """(start, end) of each item of the array at ``pos``."""
        pos = self.ws(self.expect(pos, "["))
        if self.text[pos : pos + 1] == "]":
            return
        while True:
            pos = self.ws(pos)
            end = self.skip(pos)
            yield pos, end
            pos = self.ws(end)
            if self.text[pos : pos + 1] != ",":
                return
            pos += 1


@dataclass(frozen=True)
class _Style:
    """How the file was serialised, so new text looks like the old."""

    indent_unit: str
    newline: str
    ensure_ascii: bool


def _detect_style(text: str) -> _Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    match = re.match(r"\{\r?\n([ \t]+)\"", text)
    indent_unit = match.group(1) if match else " "
    if any(ord(char) > 127 for char in text):
        ensure_ascii = False
    else:
        # Escaped non-ASCII characters mean the writer used ensure_ascii=True.
        ensure_ascii = bool(re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])", text))
    return _Style(indent_unit, newline, ensure_ascii)


def _line_indent(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _split_source(source: str) -> list[str]:
    """Jupyter's list form: lines split after each ``\\n``, the last one without it."""
    return re.findall(r"[^\n]*\n|[^\n]+$", source)


def _render_source(text: str, start: int, end: int, source: str, style: _Style) -> str:
    """New JSON for a ``source`` value, in the same form and layout as the old one."""

    def dump(value: str) -> str:
        return json.dumps(value, ensure_ascii=style.ensure_ascii)

    if text[start] == '"':
        return dump(source)
    # List form: copy the old list's whitespace around and between items.
    scanner = _Scanner(text)
    spans = list(scanner.items(start))
    lines = _split_source(source)
    if not lines:
        return "[]"
    if spans:
        lead = text[start + 1 : spans[0][0]]
        tail = text[spans[-1][1] : end - 1]
        separator = text[spans[0][1] : spans[1][0]] if len(spans) > 1 else "," + lead
    else:
        key_indent = _line_indent(text, start)
        lead = style.newline + key_indent + style.indent_unit
        tail = style.newline + key_indent
        separator = "," + lead
    return "[" + lead + separator.join(dump(line) for line in lines) + tail + "]"


def write_code_cells(data: bytes, new_sources: Mapping[int, str]) -> bytes:
    """The notebook with the given code cells' sources replaced and every other byte kept.

    ``new_sources`` maps cell index (among all cells) to the new source.  A cell whose new
    source equals its old one is left as it was, so ``write_code_cells(data, {}) == data``
    for any notebook, whatever tool wrote it.
    """
    if not new_sources:
        return data
    text, bom = _decode(data)
    scanner = _Scanner(text)
    top = scanner.ws(0)
    if text[top : top + 1] != "{":
        raise NotebookError("invalid notebook: top level is not a JSON object")
    cells_span: tuple[int, int] | None = None
    for key, start, end in scanner.members(top):
        if key == "cells":
            cells_span = (start, end)
    if cells_span is None or text[cells_span[0]] != "[":
        raise NotebookError("invalid notebook: no 'cells' list")

    style = _detect_style(text)
    edits: list[tuple[int, int, str]] = []
    remaining = dict(new_sources)
    for index, (cell_start, _cell_end) in enumerate(scanner.items(cells_span[0])):
        if index not in remaining:
            continue
        new_source = remaining.pop(index)
        if text[cell_start] != "{":
            raise NotebookError(f"cell {index}: not a JSON object")
        members = {key: (start, end) for key, start, end in scanner.members(cell_start)}
        kind = members.get("cell_type")
        if kind is None or json.loads(text[kind[0] : kind[1]]) != "code":
            raise NotebookError(f"cell {index}: not a code cell")
        if "source" not in members:
            raise NotebookError(f"cell {index}: has no 'source'")
        start, end = members["source"]
        old = _source_text(json.loads(text[start:end]), index)
        if old == new_source:
            continue
        edits.append((start, end, _render_source(text, start, end, new_source, style)))
    if remaining:
        raise NotebookError(f"no cell {min(remaining)} in notebook")
    if not edits:
        return data
    pieces: list[str] = []
    last = 0
    for start, end, replacement in edits:
        pieces.append(text[last:start])
        pieces.append(replacement)
        last = end
    pieces.append(text[last:])
    result = "".join(pieces).encode("utf-8")
    return b"\xef\xbb\xbf" + result if bom else result


def source_lines(data: bytes) -> dict[int, tuple[int, bool]]:
    """Where each cell's source sits in the notebook file, for annotations that point into it: cell index ->
    (1-based line of its `"source"` value, whether that value is a list of one string a line)."""
    text, _ = _decode(data)
    scanner = _Scanner(text)
    top = scanner.ws(0)
    found: dict[int, tuple[int, bool]] = {}
    for key, start, _end in scanner.members(top):
        if key != "cells" or text[start] != "[":
            continue
        for index, (cell_start, _cell_end) in enumerate(scanner.items(start)):
            if text[cell_start] != "{":
                continue
            for member, value_start, _value_end in scanner.members(cell_start):
                if member == "source":
                    found[index] = (text.count("\n", 0, value_start) + 1, text[value_start] == "[")
    return found


# --------------------------------------------------------------------------------------
# The whole round trip, for the engine


@dataclass(frozen=True)
class NotebookSource:
    """A notebook's code as one masked Python module, and the way back to notebook bytes.

    The engine migrates ``source`` like any file, then calls ``apply`` with the result and
    ``locate`` for each finding's line.  Cells that start with a ``%%`` cell magic are left
    out entirely and never change.
    """

    data: bytes
    cells: tuple[Cell, ...]
    source: str
    _restores: Mapping[int, Callable[[str], str]] = field(repr=False)
    # Names that IPython lines, `%%` cells and cells that do not parse mention: code the parsers never see, which
    # may read an import.
    magic_names: frozenset[str] = frozenset()
    # Cells left out because they do not parse (a Python 2 `print x`): (cell index, one-line reason).
    broken: tuple[tuple[int, str], ...] = ()

    def locate(self, line: int) -> tuple[int, int]:
        """``(cell index among all cells, 1-based line in that cell)`` for a line of ``source``."""
        return locate_line(self.cells, line)

    def view(self, joined: str) -> str:
        """The code a person reviews: each cell under a ``# In[n]`` header, with its magics put back.

        Diffs of the masked module would show ``__tfckpt_magic_0__`` where the user wrote
        ``%matplotlib inline``, and the internal marker comments; neither is in the notebook.
        """
        parts: list[str] = []
        for index, text in _split_all_cells(joined, self.cells).items():
            restored = self._restores[index](text)
            parts.append(f"# In[{index + 1}]:\n")
            parts.append(restored if restored.endswith("\n") or not restored else restored + "\n")
        return "".join(parts)

    def apply(self, rewritten: str) -> bytes:
        """Notebook bytes with the rewritten cells; ``data`` itself when nothing changed."""
        changed = split_cells(rewritten, self.cells)
        return write_code_cells(
            self.data, {index: self._restores[index](text) for index, text in changed.items()}
        )


def _check_encodable(cell: Cell) -> None:
    """JSON can spell a lone surrogate (`"\\ud800"`); no Python source can hold one."""
    try:
        cell.source.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = cell.source[exc.start]
        line = cell.source.count("\n", 0, exc.start) + 1
        raise NotebookError(f"cell {cell.index + 1}, line {line}: the source holds a lone surrogate "
                            f"(U+{ord(char):04X}), which no Python file can contain; not migrated") from None


def prepare_notebook(data: bytes) -> NotebookSource:
    """Read, mask and join a notebook's code cells; raises ``NotebookError`` on bad input."""
    cells: list[Cell] = []
    restores: dict[int, Callable[[str], str]] = {}
    hidden: list[str] = []  # the text of lines no parser will see
    broken: list[tuple[int, str]] = []
    for cell in read_code_cells(data):
        _check_encodable(cell)
        masked = mask_magics(cell.source)
        if masked is None:
            if _python_cell_magic(cell.source):
                hidden.append(cell.source)
            continue
        reason = _syntax_error(masked[0])
        if reason is not None:  # the other cells are still migrated; this one is reported and left as it is
            broken.append((cell.index, reason))
            hidden.append(cell.source)
            continue
        cells.append(Cell(cell.index, masked[0]))
        restores[cell.index] = masked[1]
        if masked[0] != cell.source:
            kept = set(masked[0].splitlines())
            hidden.extend(line for line in cell.source.splitlines() if line not in kept)
    names = frozenset(_IDENTIFIER.findall("\n".join(hidden)))
    return NotebookSource(data, tuple(cells), join_cells(cells), restores, names, tuple(broken))


def _syntax_error(source: str) -> str | None:
    """Why a (masked) cell is not Python 3, with its line and column in the cell; None when it parses."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<cell>", "exec", 0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
    except SyntaxError as error:
        where = f"line {error.lineno}" + (f", column {error.offset}" if error.offset else "")
        return f"cannot parse: {' '.join(str(error.msg).split())} ({where}); this cell is left as it is"
    except (ValueError, MemoryError, RecursionError) as error:
        return f"cannot parse: {' '.join(str(error).split())}; this cell is left as it is"
    return None


_IDENTIFIER = re.compile(r"[^\W\d]\w*")
# Cell magics whose body is Python that IPython runs (`%%time`), unlike `%%bash` or `%%writefile`.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "px", "pypy"})


def _python_cell_magic(source: str) -> bool:
    words = _first_code_line(source).lstrip()[2:].split()
    return bool(words) and words[0] in _PYTHON_CELL_MAGICS

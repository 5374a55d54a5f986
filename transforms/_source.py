"""One file's text as both parsers see it: decoded lines, their byte offsets, and CPython's ast of it.

Positions come from CPython's ast (lines, and columns in UTF-8 bytes of the line). Lines are counted as CPython
counts them: `\\r\\n`, `\\r` and `\\n` end a line, nothing else does (`str.splitlines` would also split on form feeds
and Unicode separators, and every line number after one would be off).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


@dataclass(eq=False)
class Source:
    """`text` is the decoded file; `data` its original bytes (None for text that has no file behind it)."""

    text: str
    tree: ast.Module
    data: bytes | None = None
    encoding: str = "utf-8"
    _starts: list[int] | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, text: str) -> Source:
        return cls(text, ast.parse(text))

    # -- lines ----------------------------------------------------------------------------------------------------
    @property
    def line_starts(self) -> list[int]:
        """Offset in `text` of each line's first character; one more entry for the end of the text."""
        if self._starts is None:
            starts = [0]
            starts.extend(match.end() for match in LINE_BREAK.finditer(self.text))
            if starts[-1] != len(self.text):
                starts.append(len(self.text))
            self._starts = starts
        return self._starts

    @property
    def line_count(self) -> int:
        return len(self.line_starts) - 1

    def line(self, number: int) -> str:
        """Line `number` (1-based) with its line break."""
        starts = self.line_starts
        return self.text[starts[number - 1]:starts[number]]

    def lines(self, first: int, last: int) -> str:
        """Lines `first` to `last` (1-based, inclusive) with their line breaks."""
        starts = self.line_starts
        return self.text[starts[first - 1]:starts[last]]

    def offset(self, line: int, byte_column: int) -> int:
        """The offset in `text` of CPython's (line, UTF-8 byte column)."""
        start = self.line_starts[line - 1]
        prefix = self.text[start:start + byte_column]
        if prefix.isascii():
            return start + byte_column
        return start + len(self.line(line).encode("utf-8")[:byte_column].decode("utf-8", "ignore"))

    def column(self, line: int, byte_column: int) -> int:
        """A 1-based character column, as ruff and editors count them, for CPython's byte column."""
        return self.offset(line, byte_column) - self.line_starts[line - 1] + 1

    def segment(self, node: ast.AST) -> str:
        """The source text of an expression or statement, as CPython places it."""
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return self.text[start:end]

    def byte_line_starts(self) -> list[int]:
        """Offsets in `data` of each line start: the same lines as `line_starts`, for splicing original bytes.

        Only meaningful for encodings in which line breaks are the ASCII bytes (the engine refuses the others).
        A BOM is not part of the first line's text, so the first line starts after it."""
        assert self.data is not None
        first = 3 if self.data.startswith(b"\xef\xbb\xbf") else 0
        starts = [first]
        starts.extend(match.end() for match in _BYTE_LINE_BREAK.finditer(self.data, first))
        if starts[-1] != len(self.data):
            starts.append(len(self.data))
        return starts


def first_line(statement: ast.stmt) -> int:
    """A definition begins at its first decorator."""
    decorators = getattr(statement, "decorator_list", None)
    if decorators:
        return min(decorator.lineno for decorator in decorators)
    return statement.lineno

"""Where each top-level statement of a module starts, and the new file made by re-rendering only what changed.

Rendering a whole module back to text costs about a third of parsing it, and a migration changes a handful of
statements. CPython's `ast` of the same bytes (the engine has it anyway: its parser checks the syntax first) gives
the first line of every top-level statement; LibCST's own node says how many comment and blank lines it owns above
that line. Together they give each statement's byte span in the original file, so the new file is the original
bytes with only the changed statements rendered again, and a finding's line needs no rendering of what comes before
it. Every span is checked before it is used: the original statement, rendered, must be exactly the bytes of its
span, or the caller falls back to rendering the whole module. The output is therefore byte for byte what
`Module.bytes` would give.
"""

from __future__ import annotations

import ast
import codecs
import re
from collections.abc import Mapping, Sequence

import libcst as cst

# Encodings in which a newline byte is always a newline and text can be encoded piece by piece.
_SPLICEABLE = frozenset({"utf-8", "ascii", "iso8859-1"})
_NEWLINE = re.compile(rb"\r\n?|\n")
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class Layout:
    """The first line (1-based, counting its leading comment and blank lines) of each of `module.body`."""

    def __init__(self, module: cst.Module, starts: Sequence[int]) -> None:
        self.module = module
        self.starts = starts

    @classmethod
    def of(cls, module: cst.Module, tree: ast.Module) -> Layout | None:
        """None when the two parses do not line up (they always should; nothing is guessed if they do not)."""
        statements = tree.body
        starts: list[int] = []
        index = 0
        for node in module.body:
            if index >= len(statements):
                return None
            first = statements[index]
            line = first.lineno
            if isinstance(first, _DEFINITIONS) and first.decorator_list:
                line = first.decorator_list[0].lineno  # LibCST's statement begins at its first decorator
            starts.append(line - len(node.leading_lines))
            # One LibCST line holds every statement of `a = 1; b = 2`; compound statements are one each.
            index += len(node.body) if isinstance(node, cst.SimpleStatementLine) else 1
        if index != len(statements) or (starts and starts[0] != 1 + len(module.header)):
            return None
        return cls(module, starts)

    def line(self, index: int) -> int:
        return self.starts[index]

    def splice(self, data: bytes, replaced: Mapping[int, cst.CSTNode | cst.RemovalSentinel]) -> bytes | None:
        """`data` with statement i replaced by `replaced[i]` (or dropped); None if that cannot be done exactly."""
        module = self.module
        removed = sum(isinstance(replacement, cst.RemovalSentinel) for replacement in replaced.values())
        if not replaced or not module.has_trailing_newline or removed == len(module.body):
            return None  # the trailing-newline and empty-module rules live in Module's own renderer
        encoding = codecs.lookup(module.encoding).name
        if encoding == "utf-8-sig":
            encoding = "utf-8"  # the BOM is already in `data`, before the first span
        if encoding not in _SPLICEABLE:
            return None
        offsets = _line_offsets(data)
        footer = "".join(module.code_for_node(line) for line in module.footer).encode(encoding)
        end_of_body = len(data) - len(footer)
        pieces: list[bytes] = []
        done = 0
        for index in sorted(replaced):
            start_line = self.starts[index]
            if start_line - 1 >= len(offsets):
                return None
            start = offsets[start_line - 1]
            if index + 1 < len(self.starts):
                if self.starts[index + 1] - 1 >= len(offsets):
                    return None
                end = offsets[self.starts[index + 1] - 1]
            else:
                end = end_of_body
            if start < done or data[start:end] != module.code_for_node(module.body[index]).encode(encoding):
                return None
            pieces.append(data[done:start])
            replacement = replaced[index]
            if isinstance(replacement, cst.CSTNode):
                pieces.append(module.code_for_node(replacement).encode(encoding))
            done = end
        pieces.append(data[done:])
        return b"".join(pieces)


def _line_offsets(data: bytes) -> list[int]:
    """Byte offset of the start of each line, as CPython and LibCST count lines (\\n, \\r\\n and a lone \\r)."""
    offsets = [0]
    offsets.extend(match.end() for match in _NEWLINE.finditer(data))
    return offsets

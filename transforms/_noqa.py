"""`# noqa` comments: which lines of a file the user asked the rules to leave as they are, for which codes.

ruff's semantics: `# noqa` (any case, also `#noqa`) on a line silences every rule there, `# noqa: TFC105, TFC301`
(or `# noqa:TFC105`, codes separated by commas or spaces) only those codes, matched exactly, not as prefixes.
Only real comments count (found with the tokenizer, so `"# noqa"` in a string is not one). A `# noqa:` whose codes
cannot be read (`# noqa: TFC-105`) suppresses nothing: read as a bare `# noqa` it would silence every rule on the
line, and a typo would make `--check` pass.

A comment applies to the line it is on. A statement written over several lines is one thing to its reader, so a
noqa on its first or last line covers all of its lines (for a compound statement, `def`, `class`, `if`, `with`,
..., its header: from the first decorator to the line of the colon, never the body). Each node a rule edits or
reports on spans lines (`span`): an edit is not made when a noqa covers any of them (a rewrite of a call changes
every line of it), a finding is dropped when a noqa covers its first line, the line it is reported at.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator

from ._source import LINE_BREAK, Source, first_line

_MENTION = re.compile(r"noqa", re.IGNORECASE)
_DIRECTIVE = re.compile(r"#\s*noqa(?!\w)(?:(?P<colon>\s*:)\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)?)?",
                        re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
_COMMENT = re.compile(r"#[^\r\n]*")

Codes = frozenset[str] | None  # None: every code


def directive(comment: str) -> tuple[bool, Codes]:
    """Whether a comment is a noqa directive, and for which codes (None: every code)."""
    for match in _DIRECTIVE.finditer(comment):
        if match.group("colon") is None:
            return True, None
        codes = match.group("codes")
        if codes is None:
            continue  # a colon with no readable codes after it: not a directive
        return True, frozenset(code.upper() for code in _CODE.findall(codes))
    return False, None


def _merge(old: Codes | bool, new: Codes) -> Codes:
    if old is False:
        return new
    if old is None or new is None:
        return None
    return old | new  # type: ignore[operator]


class Noqa:
    """The file's noqa lines, spread over the statements they cover."""

    def __init__(self, source: Source, comments: dict[int, Codes]) -> None:
        self._source = source
        self.comments = comments  # as written: line -> codes
        self.lines: dict[int, Codes] = dict(comments)  # spread over multi-line statements
        for statement in ast.walk(source.tree):
            if not isinstance(statement, ast.stmt):
                continue
            first, last = self.span(statement)
            if first == last:
                continue
            for line in (first, last):
                if line in comments:
                    for covered in range(first, last + 1):
                        self.lines[covered] = _merge(self.lines.get(covered, False), comments[line])

    def span(self, node: ast.AST | object) -> tuple[int, int]:
        """The lines of a node, as a noqa sees them: an expression's own lines, a simple statement's lines, a
        compound statement's header."""
        if isinstance(node, ast.stmt):
            body = getattr(node, "body", None) or getattr(node, "cases", None)
            if isinstance(body, list) and body:
                return first_line(node), self._header_end(node, body[0])
            return first_line(node), node.end_lineno or node.lineno
        line = getattr(node, "lineno", 0) or 0
        return line, getattr(node, "end_lineno", None) or line

    def _header_end(self, statement: ast.stmt, child: ast.AST) -> int:
        start = first_line(child) if isinstance(child, ast.stmt) else getattr(child, "lineno", statement.lineno)
        if isinstance(child, ast.match_case):
            start = child.pattern.lineno
        end = max(statement.lineno, start - 1)
        while end > statement.lineno and self._source.line(end).strip()[:1] in ("", "#"):
            end -= 1  # blank and comment lines between the header and its body
        return end

    def covers(self, node: ast.AST | object, code: str, *, first_only: bool = False) -> bool:
        """A noqa for `code` covers one of the node's lines (`first_only`: its first line, where a finding on it
        is shown)."""
        return self.covering_line(node, code, first_only=first_only) is not None

    def covering_line(self, node: ast.AST | object, code: str, *, first_only: bool = False) -> int | None:
        """The first of the node's lines that a noqa for `code` covers, or None."""
        first, last = self.span(node)
        if first_only:
            last = first
        lines = self.lines
        if last - first + 1 > len(lines):
            candidates: Iterator[int] = iter(sorted(line for line in lines if first <= line <= last))
        else:
            candidates = (line for line in range(first, last + 1) if line in lines)
        for line in candidates:
            codes = lines[line]
            if codes is None or code in codes:
                return line
        return None


def parse_noqa(source: Source) -> Noqa | None:
    """The file's noqa directives, or None when it has none (most files: one search)."""
    text = source.text
    if _MENTION.search(text) is None:
        return None
    comments: dict[int, Codes] = {}
    for line, comment in _comments(source):
        found, codes = directive(comment)
        if found:
            comments[line] = _merge(comments.get(line, False), codes)
    return Noqa(source, comments) if comments else None


def _comments(source: Source) -> Iterator[tuple[int, str]]:
    """(line, text) of each comment that mentions noqa. Lines are fed to the tokenizer as the engine counts them
    (a lone `\\r` ends a line too)."""
    count = source.line_count
    lines = [LINE_BREAK.sub("\n", source.line(number)) for number in range(1, count + 1)]
    found: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            if token.type == tokenize.COMMENT and _MENTION.search(token.string):
                found.append((token.start[0], token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError, ValueError):
        # Only CPython's parser has read the file; a tokenizer that disagrees must not lose the directives.
        found = [(number, match.group()) for number, line in enumerate(lines, 1) if _MENTION.search(line)
                 for match in [_COMMENT.search(line)] if match is not None]
    return iter(found)

"""Where statements start and end in the original bytes, so that only what a migration changed is rendered again.

Rendering a whole module back to text costs about a third of parsing it, and a migration changes a handful of
lines. CPython's `ast` of the same bytes (the engine has it anyway: its parser checks the syntax first) gives the
lines of every statement; LibCST's own node says how many comment and blank lines it owns above them. Together they
give a statement's byte span in the original file: for a top-level statement, from its first line to the next
statement's; for a simple statement line nested in blocks, from its first line to the line after its last token.
The new file is then the original bytes with only the changed statements rendered again, and a finding's line
needs no rendering of what comes before it.

Nothing here is trusted blindly: the two parses must line up statement for statement, and a span is only used if
CPython's own token positions confirm it (`Layout.holds`): only comment and blank lines before the statement, the
indentation its blocks give it, and after its last token only the rest of that line and comment or blank lines.
Otherwise the caller renders the whole module. Where LibCST's own rendering of the file is exact (it is, but for
rare whitespace-only lines it drops), the output is therefore byte for byte what `Module.bytes` would give; where it
is not, the bytes outside the changed statements are the user's.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import re
from collections.abc import Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState

# Encodings whose bytes are the UTF-8 that CPython's columns count (and in which text encodes piece by piece).
_SPLICEABLE = frozenset({"utf-8", "ascii"})
_NEWLINE = re.compile(rb"\r\n?|\n")
_TRIVIA_LINES = re.compile(rb"(?:[ \t\x0c]*(?:#[^\r\n]*)?(?:\r\n?|\n))*")  # comment and blank lines
_LINE_REST = re.compile(rb"[ \t\x0c]*(?:;[ \t\x0c]*)?(?:#[^\r\n]*)?(?:\r\n?|\n)")  # after a statement's last token
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# The ast classes each LibCST compound statement may stand for.
_COUNTERPARTS: dict[type, tuple[type, ...]] = {
    cst.If: (ast.If,), cst.For: (ast.For, ast.AsyncFor), cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith), cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,), cst.Try: (ast.Try,), cst.TryStar: (getattr(ast, "TryStar", ast.Try),),
    cst.Match: (ast.Match,),
}


class _PlainCodegenState(CodegenState):
    """LibCST's plain code generator, minus a generator-based context manager built for every node.

    `CodegenState.record_syntactic_position` is a bare `yield` (only the position-tracking subclass records
    anything); one shared null context does the same, and renders a third faster.
    """

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> contextlib.nullcontext[None]:
        return _NO_POSITIONS


_NO_POSITIONS: contextlib.nullcontext[None] = contextlib.nullcontext()


def render(node: cst.CSTNode, module: cst.Module, indents: tuple[str, ...] = ()) -> str:
    """`node` exactly as `module`'s own rendering writes it, inside blocks indented by `indents` (a module renders
    as `Module.code`)."""
    state = _PlainCodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    for indent in indents:
        state.increase_indent(indent)
    node._codegen(state)
    return "".join(state.tokens)


class Span:
    """Bytes `start:end` of the original file hold `node`, rendered with `indents` (the blocks it sits in).

    `first` is CPython's statement (or first of the `a; b` statements) the node begins with, `last` the one it ends
    with; `holds` checks the span against their token positions.
    """

    __slots__ = ("node", "start", "end", "indents", "first", "last")

    def __init__(self, node: cst.CSTNode, start: int, end: int, indents: tuple[str, ...], first: ast.stmt,
                 last: ast.stmt) -> None:
        self.node, self.start, self.end, self.indents, self.first, self.last = node, start, end, indents, first, last


class Layout:
    """Statement lines of one module, from CPython's ast of the same bytes."""

    def __init__(self, module: cst.Module, tree: ast.Module, starts: Sequence[int], first: Sequence[int]) -> None:
        self.module = module
        self.tree = tree
        self.starts = starts  # first line (1-based, with its leading lines) of each of module.body
        self._first = first  # index in tree.body of the first ast statement of each of module.body
        self._index = {statement: i for i, statement in enumerate(module.body)}
        self._offsets: list[int] | None = None

    @classmethod
    def of(cls, module: cst.Module, tree: ast.Module) -> Layout | None:
        """None when the two parses do not line up (they always should; nothing is guessed if they do not)."""
        first = _line_up(module.body, tree.body)
        if first is None:
            return None
        starts = [_first_line(tree.body[index]) - len(node.leading_lines) for node, index in zip(module.body, first)]
        if starts and starts[0] != 1 + len(module.header):
            return None
        return cls(module, tree, starts, first)

    def line(self, index: int) -> int:
        return self.starts[index]

    # -- spans in the original bytes ----------------------------------------------------------------------------
    def top_level_span(self, data: bytes, statement: cst.CSTNode) -> Span | None:
        index = self._index[statement]
        offsets = self._line_offsets(data)
        start = _offset(offsets, self.starts[index])
        if index + 1 < len(self.starts):
            end = _offset(offsets, self.starts[index + 1])
        else:
            footer = "".join(render(line, self.module) for line in self.module.footer)
            end = len(data) - len(footer.encode(self.encoding() or "utf-8"))
        if start is None or end is None:
            return None
        first = self.tree.body[self._first[index]]
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1  # type: ignore[attr-defined]
        return Span(statement, start, end, (), first, self.tree.body[self._first[index] + count - 1])

    def nested_span(self, data: bytes, chain: Sequence[cst.CSTNode]) -> Span | None:
        """The span of the statement at the end of `chain`, which runs from a top-level statement down through
        compound statements and their blocks. None if the ast does not line up along the way."""
        line = chain[-1]
        if not isinstance(line, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) or len(chain) < 3:
            return None
        statements: Sequence[ast.stmt] = self.tree.body
        node_ast: ast.AST = statements[self._first[self._index[chain[0]]]]
        indents: list[str] = []
        position = 1
        while True:
            compound = chain[position - 1]
            if not isinstance(compound, cst.BaseCompoundStatement) or not isinstance(
                    node_ast, _COUNTERPARTS.get(type(compound), ())):
                return None
            found = _block_of(compound, node_ast, chain[position])
            if found is None:
                return None
            block_body, block_ast, block, step = found
            if block is not None:
                indents.append(self.module.default_indent if block.indent is None else block.indent)
            position += step
            child = chain[position]
            first = _line_up(block_body, block_ast)
            at = next((i for i, statement in enumerate(block_body) if statement is child), None)
            if first is None or at is None:
                return None
            node_ast = block_ast[first[at]]
            if child is line:
                break
            position += 1
        last: ast.stmt = node_ast  # type: ignore[assignment]
        if isinstance(line, cst.SimpleStatementLine):
            last = block_ast[first[at] + len(line.body) - 1]
            end_line = (last.end_lineno or 0) + 1
        else:
            end_line = (last.end_lineno or 0) + 1 + _footer_lines(line)
        offsets = self._line_offsets(data)
        start = _offset(offsets, _first_line(node_ast) - len(line.leading_lines))  # type: ignore[arg-type]
        end = _offset(offsets, end_line)
        if start is None or end is None or last.end_lineno is None:
            return None
        return Span(line, start, end, tuple(indents), node_ast, last)  # type: ignore[arg-type]

    def holds(self, data: bytes, span: Span) -> bool:
        """The span is the statement's, as CPython's tokens place it: comment and blank lines, the indentation its
        blocks give it, the statement from its first token to its last, then only the rest of that line (spaces, a
        `;`, a comment) and comment or blank lines. A span off by a line or a column cannot pass, so the original
        statement need not be rendered to prove it."""
        offsets = self._line_offsets(data)
        first_line = _first_line(span.first)
        last_line = span.last.end_lineno
        if last_line is None or span.last.end_col_offset is None or last_line >= len(offsets):
            return False
        token_line = offsets[first_line - 1]
        if not _TRIVIA_LINES.fullmatch(data, span.start, token_line):
            return False
        indent = "".join(span.indents).encode("ascii", "replace")
        column = token_line + len(indent)
        if data[token_line:column] != indent or data[column:column + 1] in (b" ", b"\t", b"\x0c"):
            return False
        if first_line == span.first.lineno and span.first.col_offset != len(indent):
            return False
        if first_line != span.first.lineno and data[column:column + 1] != b"@":
            return False
        line_end = offsets[last_line]
        return bool(_LINE_REST.fullmatch(data, offsets[last_line - 1] + span.last.end_col_offset, line_end)) and \
            bool(_TRIVIA_LINES.fullmatch(data, line_end, span.end))

    def render(self, node: cst.CSTNode, indents: tuple[str, ...] = ()) -> str:
        return render(node, self.module, indents)

    def encoding(self) -> str | None:
        """The codec pieces of the file are encoded with, or None when splicing bytes is not safe in it."""
        name = codecs.lookup(self.module.encoding).name
        if name == "utf-8-sig":
            return "utf-8"  # the BOM is already in the original bytes, before the first span
        return name if name in _SPLICEABLE else None

    def _line_offsets(self, data: bytes) -> list[int]:
        if self._offsets is None:
            offsets = [0]
            offsets.extend(match.end() for match in _NEWLINE.finditer(data))  # \n, \r\n, lone \r: as both parsers
            self._offsets = offsets
        return self._offsets


def _offset(offsets: list[int], line: int) -> int | None:
    return offsets[line - 1] if 0 < line <= len(offsets) else None


def _first_line(statement: ast.stmt) -> int:
    if isinstance(statement, _DEFINITIONS) and statement.decorator_list:
        return statement.decorator_list[0].lineno  # LibCST's statement begins at its first decorator
    return statement.lineno


def _footer_lines(statement: cst.BaseCompoundStatement) -> int:
    """Comment lines a compound statement owns after its last inner statement (CPython's end line stops at that
    statement): the footers of its last block, of that block's last statement's last block, and so on down."""
    lines = 0
    node: cst.CSTNode = statement
    while isinstance(node, cst.BaseCompoundStatement):
        block = _last_block(node)
        if not isinstance(block, cst.IndentedBlock):
            break
        lines += len(block.footer)
        if not block.body:
            break
        node = block.body[-1]
    return lines


def _last_block(statement: cst.BaseCompoundStatement) -> cst.BaseSuite | None:
    """The block that ends the statement: the last `elif`/`else`/`except`/`finally`/`case` one, else its body."""
    if isinstance(statement, cst.If):
        if isinstance(statement.orelse, cst.If):
            return _last_block(statement.orelse)
        return statement.orelse.body if statement.orelse is not None else statement.body
    if isinstance(statement, (cst.Try, cst.TryStar)):
        clause = statement.finalbody or statement.orelse or (statement.handlers[-1] if statement.handlers else None)
        return clause.body if clause is not None else statement.body
    if isinstance(statement, (cst.For, cst.While)):
        return statement.orelse.body if statement.orelse is not None else statement.body
    if isinstance(statement, cst.Match):
        return statement.cases[-1].body if statement.cases else None
    return getattr(statement, "body", None)


def _line_up(body: Sequence[cst.CSTNode], statements: Sequence[ast.stmt]) -> list[int] | None:
    """For each LibCST statement, the index of its first ast statement; None if the counts disagree.

    One LibCST line holds every statement of `a = 1; b = 2`; a compound statement is one of each.
    """
    first: list[int] = []
    index = 0
    for node in body:
        first.append(index)
        index += len(node.body) if isinstance(node, cst.SimpleStatementLine) else 1  # type: ignore[attr-defined]
    return first if index == len(statements) else None


def _block_of(compound: cst.BaseCompoundStatement, node_ast: ast.AST, below: cst.CSTNode
              ) -> tuple[Sequence[cst.CSTNode], Sequence[ast.stmt], cst.IndentedBlock | None, int] | None:
    """The LibCST statement list that `below` (the next node down the chain) leads into, its ast counterpart, the
    block that indents it (None for an `elif`, which continues at the `if`'s own level), and how many chain steps
    that took. `below` is the block itself, or the `else`/`except`/`finally`/`case` clause holding it."""
    pairs: list[tuple[cst.CSTNode, cst.CSTNode, Sequence[ast.stmt]]] = []  # (chain node, block, ast statements)
    try:
        if not isinstance(compound, cst.Match):
            pairs.append((compound.body, compound.body, node_ast.body))  # type: ignore[attr-defined]
        orelse = getattr(compound, "orelse", None)
        if isinstance(orelse, cst.If):  # `elif`: the nested If is the statement, at index 0 of the ast orelse
            if below is orelse:
                return [orelse], node_ast.orelse, None, 0  # type: ignore[attr-defined]
        elif isinstance(orelse, cst.Else):
            pairs.append((orelse, orelse.body, node_ast.orelse))  # type: ignore[attr-defined]
        for index, handler in enumerate(getattr(compound, "handlers", ())):
            pairs.append((handler, handler.body, node_ast.handlers[index].body))  # type: ignore[attr-defined]
        finalbody = getattr(compound, "finalbody", None)
        if finalbody is not None:
            pairs.append((finalbody, finalbody.body, node_ast.finalbody))  # type: ignore[attr-defined]
        for index, case in enumerate(getattr(compound, "cases", ())):
            pairs.append((case, case.body, node_ast.cases[index].body))  # type: ignore[attr-defined]
    except (AttributeError, IndexError):  # the ast node has another shape: no answer rather than a guess
        return None
    for chain_node, block, statements in pairs:
        if below is chain_node and isinstance(block, cst.IndentedBlock):
            return block.body, statements, block, 1 if chain_node is block else 2
    return None

"""Apply a plan: parse only the code that holds an edit with LibCST, edit it, splice it into the file.

A file is changed in a handful of places, and LibCST's parser and renderer are the most expensive things a LibCST
tool does, so they only see those places. Each edited node's *segment* is the innermost group of whole lines that
holds it and is a complete statement list of its block (`a = 1; b = 2` is one group; `if x: ckpt.restore(p)` lives
in its `if`). Everything outside the segments is the user's bytes, untouched.

Most edits change an expression and nothing around it (a dotted name, a call's arguments, `.expect_partial()`
after a call): then only the outermost edited expressions are parsed, with `parse_expression`, from the text
CPython places them at, and their rendering replaces that text. That is a few names instead of whole statements.
When an edit needs its statement (a removal, an import, a definition), sits in an f-string, or its text is not an
expression on its own (`(tfe\n .Checkpoint)` inside its statement's brackets), the whole segment is parsed; a
nested one inside `if 1:` so that its indentation and continuation lines stay exactly as written. Either way
LibCST must first render what it parsed back to the exact text: an expression that does not is parsed with its
statement instead, and a statement that does not leaves the file alone.

Each CPython ast node the plan names is found in the LibCST tree of its segment by kind, name and order: the k-th
`Call` of `tfe.Checkpoint` among the segment's calls of `tfe.Checkpoint` in one tree is the k-th in the other,
because both list them in source order. The two parsers must agree on how many there are, or the file is left
alone with an error: a rewrite that cannot be placed exactly is not made.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst

from tfckpt_codemod.limits import check_statements

from ._analysis import dotted
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
from ._context import MigrationContext
from ._source import Source, first_line


class ApplyError(Exception):
    """A planned rewrite could not be placed exactly; the file must be left as it is."""


_LINE_REST = re.compile(r"[ \t\x0c]*(?:;[ \t\x0c]*)?(?:#[^\r\n]*)?(?:\r\n|\r|\n)?")
_INDENT = re.compile(r"[ \t\x0c]*")
_NO_NAMES = frozenset({"None", "True", "False"})


@dataclass(eq=False)
class Segment:
    first: int  # first line (1-based)
    last: int  # last line, inclusive
    statements: list[ast.stmt]  # the group of sibling statements the lines hold
    nested: bool  # inside a block: parsed under `if 1:`


# -- segments ---------------------------------------------------------------------------------------------------------
def _statement(context: MigrationContext, node: ast.AST) -> ast.stmt:
    if isinstance(node, ast.stmt):
        return node
    for ancestor in context.analysis.ancestors(node):
        if isinstance(ancestor, ast.stmt):
            return ancestor
    raise ApplyError(f"no statement holds the {type(node).__name__} to rewrite")


def _block(context: MigrationContext, statement: ast.stmt) -> tuple[list[ast.stmt], int]:
    parent = context.analysis.parent(statement)
    if parent is None:
        parent = context.analysis.tree
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list):
            for index, sibling in enumerate(block):
                if sibling is statement:
                    return block, index
    raise ApplyError("cannot find the block of a statement to rewrite")


def _standalone(source: Source, group: Sequence[ast.stmt]) -> bool:
    """The group starts its first line (after indentation) and only a comment follows it on its last line."""
    head = group[0]
    line_number = first_line(head)
    line = source.line(line_number)
    indent = _INDENT.match(line).end()  # type: ignore[union-attr]
    if getattr(head, "decorator_list", None):
        if line[indent:indent + 1] != "@":
            return False
    elif source.offset(head.lineno, head.col_offset) - source.line_starts[head.lineno - 1] != indent:
        return False
    tail = group[-1]
    if tail.end_lineno is None or tail.end_col_offset is None:
        return False
    end = source.offset(tail.end_lineno, tail.end_col_offset)
    return _LINE_REST.fullmatch(source.text, end, source.line_starts[tail.end_lineno]) is not None


def _segment(context: MigrationContext, node: ast.AST) -> Segment:
    source = context.source
    statement = _statement(context, node)
    while True:
        block, index = _block(context, statement)
        start = end = index
        while start > 0 and block[start - 1].end_lineno == first_line(block[start]):
            start -= 1
        while end + 1 < len(block) and first_line(block[end + 1]) == block[end].end_lineno:
            end += 1
        group = block[start:end + 1]
        nested = block is not context.analysis.tree.body
        if _standalone(source, group):
            return Segment(first_line(group[0]), group[-1].end_lineno or 0, group, nested)
        if not nested:
            raise ApplyError("a top-level statement does not start and end its lines")
        statement = _statement(context, context.analysis.parent(statement))  # type: ignore[arg-type]


def _segments(context: MigrationContext) -> list[tuple[Segment, list[ast.AST]]]:
    """Each segment with the edited nodes it holds; a segment inside another is merged into the outer one."""
    by_group: dict[tuple[int, int], tuple[Segment, list[ast.AST]]] = {}
    for node in context.edits:
        segment = _segment(context, node)
        key = (segment.first, segment.last)
        if key not in by_group:
            by_group[key] = (segment, [])
        by_group[key][1].append(node)
    merged: list[tuple[Segment, list[ast.AST]]] = []
    for segment, nodes in sorted(by_group.values(), key=lambda item: (item[0].first, -item[0].last)):
        if merged and segment.last <= merged[-1][0].last:
            merged[-1][1].extend(nodes)  # inside the previous segment
        elif merged and segment.first <= merged[-1][0].last:
            raise ApplyError("two rewritten statements overlap")
        else:
            merged.append((segment, nodes))
    return merged


# -- twins: the LibCST node of each ast node --------------------------------------------------------------------------
def _callee(func: ast.AST) -> str:
    name = dotted(func)
    if name is not None:
        return name
    return "~" + func.attr if isinstance(func, ast.Attribute) else "~"


def _ast_key(node: ast.AST) -> tuple[str, str]:
    if isinstance(node, ast.Name):
        return ("Name", node.id)
    if isinstance(node, ast.Attribute):
        return ("Attribute", dotted(node) or "~" + node.attr)
    if isinstance(node, ast.Call):
        return ("Call", _callee(node.func))
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return ("FunctionDef" if not isinstance(node, ast.ClassDef) else "ClassDef", node.name)
    return (type(node).__name__, "")


def _cst_dotted(node: cst.CSTNode) -> str | None:
    parts: list[str] = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


# Exact types, not isinstance: LibCST's node classes derive from an ABC, whose isinstance check costs ten times a
# type comparison, and this runs on every node of every edited statement. The parser builds these classes only.
_KEYED_BY_KIND = frozenset({cst.Import, cst.ImportFrom, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.If,
                            cst.For, cst.While, cst.With, cst.Try, cst.Return, cst.Del, cst.Raise})


def _cst_key(node: cst.CSTNode) -> tuple[str, str] | None:
    if type(node) is cst.Name:
        return None if node.value in _NO_NAMES else ("Name", node.value)
    if type(node) is cst.Attribute:
        return ("Attribute", _cst_dotted(node) or "~" + node.attr.value)
    if type(node) is cst.Call:
        func = node.func
        name = _cst_dotted(func)
        return ("Call", name if name is not None else "~" + func.attr.value if type(func) is cst.Attribute
                else "~")
    if type(node) is cst.FunctionDef or type(node) is cst.ClassDef:
        return (type(node).__name__, node.name.value)
    if type(node) in _KEYED_BY_KIND:
        return (type(node).__name__, "")
    return None


# Children a walk must not enter: names that are not expressions (CPython's ast has them as plain strings) and
# import statements (whose dotted module names LibCST spells as Attribute nodes).
_SKIP: dict[type, frozenset[str]] = {
    cst.Attribute: frozenset({"attr"}), cst.FunctionDef: frozenset({"name"}), cst.ClassDef: frozenset({"name"}),
    cst.Param: frozenset({"name"}), cst.Arg: frozenset({"keyword"}), cst.ExceptHandler: frozenset({"name"}),
    cst.MatchAs: frozenset({"name"}), cst.MatchStar: frozenset({"name"}), cst.MatchMapping: frozenset({"rest"}),
    cst.MatchKeywordElement: frozenset({"key"}),
}
for _name in ("TypeVar", "TypeVarTuple", "ParamSpec"):
    if hasattr(cst, _name):
        _SKIP[getattr(cst, _name)] = frozenset({"name"})
_LEAVES = frozenset({cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal})
_FIELDS: dict[type, tuple[str, ...]] = {}
_NOT_CHILDREN = ("whitespace", "comma", "lpar", "rpar", "semicolon", "colon", "operator", "equal", "leading_lines",
                 "lines_after_decorators", "newline", "header", "footer", "lbracket", "rbracket", "lbrace", "rbrace",
                 "asynchronous", "star", "dot", "quote", "prefix", "arrow", "default_indent")


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _FIELDS.get(cls)
    if fields is None:
        skip = _SKIP.get(cls, frozenset())
        fields = _FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls)
            if f.name not in skip and not any(part in f.name for part in _NOT_CHILDREN))
    return fields


_NODE_TYPES: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    known = _NODE_TYPES.get(kind)
    if known is None:
        known = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return known


def _cst_buckets(roots: Iterable[cst.CSTNode], wanted: set[tuple[str, str]],
                 parents: dict[int, cst.CSTNode]) -> dict[tuple[str, str], list[cst.CSTNode]]:
    buckets: dict[tuple[str, str], list[cst.CSTNode]] = defaultdict(list)
    stack: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(root, None) for root in reversed(list(roots))]
    while stack:
        node, parent = stack.pop()
        if parent is not None:
            parents[id(node)] = parent
        key = _cst_key(node)
        if key is not None and key in wanted:
            buckets[key].append(node)
        kind = type(node)
        if kind in _LEAVES:
            continue
        children: list[cst.CSTNode] = []
        for name in _child_fields(kind):
            value = getattr(node, name)
            if type(value) is tuple or type(value) is list:
                children.extend(item for item in value if _is_node(type(item)))
            elif _is_node(type(value)):
                children.append(value)
        stack.extend((child, node) for child in reversed(children))
    return buckets


def _position(node: ast.AST) -> tuple[int, int, int, int]:
    line = first_line(node) if isinstance(node, ast.stmt) else node.lineno  # type: ignore[attr-defined]
    column = -1 if isinstance(node, ast.stmt) and line != node.lineno else node.col_offset  # type: ignore[attr-defined]
    return (line, column, -(node.end_lineno or 0), -(node.end_col_offset or 0))  # type: ignore[attr-defined]


def _ast_buckets(roots: Sequence[ast.AST], wanted: set[tuple[str, str]]) -> dict[tuple[str, str], list[ast.AST]]:
    buckets: dict[tuple[str, str], list[ast.AST]] = defaultdict(list)
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.stmt)):
                key = _ast_key(node)
                if key in wanted:
                    buckets[key].append(node)
    for nodes in buckets.values():
        nodes.sort(key=_position)
    return buckets


def _placed_right(context: MigrationContext, node: ast.AST) -> bool:
    """CPython's position of a node inside an f-string (where Pythons before 3.12 computed them by hand) names the
    node's own text; elsewhere positions come from the tokenizer and are exact."""
    if not any(isinstance(ancestor, ast.JoinedStr) for ancestor in context.analysis.ancestors(node)):
        return True
    try:
        text = "".join(context.source.segment(node).split())
    except (AttributeError, IndexError, TypeError):
        return False
    name = dotted(node.func if isinstance(node, ast.Call) else node)
    return name is not None and text.startswith(name)


def _twins(context: MigrationContext, segment: Segment, nodes: list[ast.AST], ast_roots: Sequence[ast.AST],
           roots: Sequence[cst.CSTNode], parents: dict[int, cst.CSTNode]) -> dict[int, tuple[cst.CSTNode, ast.AST]]:
    """id of each LibCST twin -> the twin and the ast node it stands for; `ast_roots` and `roots` are the same code
    in the two trees."""
    wanted = {_ast_key(node) for node in nodes}
    ast_buckets = _ast_buckets(ast_roots, wanted)
    cst_buckets = _cst_buckets(roots, wanted, parents)
    twins: dict[int, tuple[cst.CSTNode, ast.AST]] = {}
    for node in nodes:
        key = _ast_key(node)
        ours, theirs = ast_buckets.get(key, []), cst_buckets.get(key, [])
        if len(ours) != len(theirs):
            raise ApplyError(f"the parsers disagree on the {key[0]} nodes of {key[1] or 'a statement'} "
                             f"at line {segment.first}")
        if len(ours) > 1 and not all(_placed_right(context, other) for other in ours):
            raise ApplyError(f"cannot place a rewrite of {key[1]} next to the same name in an f-string "
                             f"at line {segment.first}")
        index = next(i for i, other in enumerate(ours) if other is node)
        twins[id(theirs[index])] = (theirs[index], node)
    return twins


class _Apply(cst.CSTTransformer):
    """Applies each edited node's changes, innermost first, descending only into subtrees that hold an edit."""

    def __init__(self, context: MigrationContext, twins: dict[int, tuple[cst.CSTNode, ast.AST]],
                 parents: dict[int, cst.CSTNode], outer: Iterable[cst.CSTNode]) -> None:
        super().__init__()
        self._changes = context.edits
        self._twins = twins
        spine: set[int] = {id(node) for node in outer}  # the module, and the `if 1:` around a nested segment
        for node, _ in twins.values():
            current: cst.CSTNode | None = node
            while current is not None and id(current) not in spine:
                spine.add(id(current))
                current = parents.get(id(current))
        self._spine = spine

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self._spine

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode  # type: ignore[override]
                 ) -> cst.CSTNode | cst.RemovalSentinel:
        twin = self._twins.get(id(original_node))
        result: cst.CSTNode | cst.RemovalSentinel = updated_node
        if twin is not None:
            for change in self._changes[twin[1]]:
                if isinstance(result, cst.RemovalSentinel):
                    break
                result = _apply_change(change, result)
        return result


@functools.lru_cache(maxsize=256)
def _expression(text: str) -> cst.BaseExpression:
    """Parsed once per text: nodes are immutable, so one `tf.train.Checkpoint` node serves every rewrite."""
    return cst.parse_expression(text)


def _apply_change(change: Change, node: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
    if isinstance(change, ReplaceWith):
        replacement = _expression(change.text)
        lpar, rpar = getattr(node, "lpar", ()), getattr(node, "rpar", ())
        return replacement.with_changes(lpar=lpar, rpar=rpar) if lpar or rpar else replacement
    if isinstance(change, Remove):
        return cst.RemoveFromParent()
    if isinstance(change, RenameAttribute):
        assert isinstance(node, cst.Attribute)
        return node.with_changes(attr=node.attr.with_changes(value=change.name))
    if isinstance(change, RenameDefinition):
        assert isinstance(node, cst.FunctionDef)
        return node.with_changes(name=node.name.with_changes(value=change.name))
    if isinstance(change, AppendCall):
        # Parentheses around the call go around the whole chain, as when only the call's own text is rewritten.
        lpar, rpar = getattr(node, "lpar", ()), getattr(node, "rpar", ())
        inner = node.with_changes(lpar=(), rpar=()) if lpar or rpar else node
        return cst.Call(func=cst.Attribute(value=inner, attr=cst.Name(change.method)),  # type: ignore[arg-type]
                        args=[], lpar=lpar, rpar=rpar)
    if isinstance(change, KeepImportNames):
        return _keep_import_names(change, node)
    if not isinstance(node, cst.Call):
        raise ApplyError(f"a call's arguments were to change, but the node is a {type(node).__name__}")
    return _change_arguments(change, node)


def _change_arguments(change: Change, node: cst.Call) -> cst.CSTNode:
    args = list(node.args)
    if isinstance(change, RenameKeywords):
        renames = dict(change.renames)
        return node.with_changes(args=[
            arg.with_changes(keyword=arg.keyword.with_changes(value=renames[arg.keyword.value]))
            if arg.keyword is not None and arg.keyword.value in renames else arg for arg in args])
    if isinstance(change, KeepArguments):
        if len(args) != change.total:
            raise ApplyError("a call's arguments changed twice")
        kept = [args[i] for i in change.keep]
        if kept and kept[-1] is not args[-1]:
            kept[-1] = _new_last(kept[-1], args[-1])
        return node.with_changes(args=kept)
    if isinstance(change, InsertArguments):
        if len(args) != change.total:
            raise ApplyError("a call's arguments changed twice")
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        added = [_argument(text).with_changes(comma=comma) for text in change.texts]
        if change.index >= len(args):
            if args:
                args[-1] = args[-1].with_changes(comma=comma)
            added[-1] = added[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(args=args[:change.index] + added + args[change.index:])
    if isinstance(change, AppendArguments):
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        added = [_argument(text) for text in change.texts]
        if args:
            last = args[-1]
            trailing = last.comma  # a trailing comma (and what follows it) moves to the new last argument
            args[-1] = last.with_changes(comma=comma)
            added[-1] = added[-1].with_changes(comma=trailing)
        added[:-1] = [arg.with_changes(comma=comma) for arg in added[:-1]]
        return node.with_changes(args=args + added)
    raise ApplyError(f"unknown change {change!r}")


def _new_last(argument: cst.Arg, last: cst.Arg) -> cst.Arg:
    """The argument that becomes the last one takes the old last one's trailing comma (or lack of one), unless its
    own comma is followed by comments (`prefix,  # where`): then that comma and those comments stay, and only the
    line the closing bracket starts on comes from the old last argument. A dropped argument's own comment goes with
    it, as a removed statement's does."""
    own = argument.comma
    if not (isinstance(own, cst.Comma) and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
            and _has_comment(own.whitespace_after)):
        return argument.with_changes(comma=last.comma)
    closing = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
    after = own.whitespace_after
    if isinstance(closing, cst.ParenthesizedWhitespace):
        after = after.with_changes(indent=closing.indent, last_line=closing.last_line)
    return argument.with_changes(comma=own.with_changes(whitespace_after=after))


def _has_comment(whitespace: cst.ParenthesizedWhitespace) -> bool:
    return whitespace.first_line.comment is not None or any(line.comment is not None
                                                            for line in whitespace.empty_lines)


@functools.lru_cache(maxsize=64)
def _argument(text: str) -> cst.Arg:
    call = cst.parse_expression(f"f({text})")
    assert isinstance(call, cst.Call) and len(call.args) == 1
    return call.args[0]


def _keep_import_names(change: KeepImportNames, node: cst.CSTNode) -> cst.CSTNode:
    assert isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    renames = dict(change.rename)
    kept = [names[i].with_changes(name=_expression(renames[i])) if i in renames else names[i] for i in change.keep]
    if not (isinstance(node, cst.ImportFrom) and node.lpar is not None):
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=kept)


def _line_break(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else "\n"


# Changes confined to the text CPython places an expression at (parentheses around it stay outside and untouched):
# such an expression can be parsed, edited and rendered on its own and put back in the same place.
_IN_PLACE = (ReplaceWith, RenameAttribute, AppendCall, RenameKeywords, KeepArguments, InsertArguments, AppendArguments)


def _expression_groups(context: MigrationContext, nodes: list[ast.AST]) -> list[tuple[ast.expr, list[ast.AST]]] | None:
    """Each edited expression that no other edited node holds, with the edited nodes inside it (itself included), in
    source order; None when an edit needs its whole statement (a removal, an import, a definition) or sits in an
    f-string (whose inner positions CPython before 3.12 guesses)."""
    edited = {id(node) for node in nodes}
    groups: dict[int, tuple[ast.expr, list[ast.AST]]] = {}
    for node in nodes:
        if not isinstance(node, ast.expr) or not all(isinstance(change, _IN_PLACE) for change in context.edits[node]):
            return None
        outermost: ast.AST = node
        for ancestor in context.analysis.ancestors(node):
            if isinstance(ancestor, ast.JoinedStr):
                return None
            if id(ancestor) in edited:
                outermost = ancestor
        assert isinstance(outermost, ast.expr)
        groups.setdefault(id(outermost), (outermost, []))[1].append(node)
    return sorted(groups.values(), key=lambda group: _position(group[0]))


@functools.lru_cache(maxsize=4)
def _renderer(line_break: str) -> cst.Module:
    """An empty module only for its `code_for_node`, which writes a parsed expression's own line breaks as
    `line_break`."""
    return cst.Module(body=[], default_newline=line_break)


def _rewrite_in_place(context: MigrationContext, segment: Segment, nodes: list[ast.AST]) -> str | None:
    """The segment's new text, where LibCST parses, edits and renders only the edited expressions (a few names and
    calls instead of whole statements); None when that cannot be done exactly and the statements must be parsed."""
    groups = _expression_groups(context, nodes)
    if groups is None:
        return None
    source = context.source
    check_statements([expression for expression, _ in groups])  # LibCST's parser and visitors recurse once per level
    base = source.line_starts[segment.first - 1]
    text = source.lines(segment.first, segment.last)
    pieces: list[str] = []
    position = 0
    for expression, inner in groups:
        start = source.offset(expression.lineno, expression.col_offset) - base
        end = source.offset(expression.end_lineno, expression.end_col_offset) - base  # type: ignore[arg-type]
        new = _rewrite_expression(context, segment, expression, inner, text[start:end])
        if new is None:
            return None
        pieces += [text[position:start], new]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _rewrite_expression(context: MigrationContext, segment: Segment, expression: ast.expr, nodes: list[ast.AST],
                        text: str) -> str | None:
    try:
        tree = cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None  # e.g. it runs over a line break that only its statement's brackets allow
    renderer = _renderer(_line_break(text))
    if renderer.code_for_node(tree) != text:
        return None
    parents: dict[int, cst.CSTNode] = {}
    twins = _twins(context, segment, nodes, [expression], [tree], parents)
    edited = tree.visit(_Apply(context, twins, parents, ()))
    assert isinstance(edited, cst.CSTNode)  # no change in _IN_PLACE removes a node
    return renderer.code_for_node(edited)


def _rewrite(context: MigrationContext, segment: Segment, nodes: list[ast.AST], keep_pass: bool) -> str:
    """The segment's new text. When every statement of a nested segment goes, LibCST writes `pass` in their place:
    that is kept only where the block would otherwise be empty (`keep_pass`)."""
    in_place = _rewrite_in_place(context, segment, nodes)
    if in_place is not None:
        return in_place
    text = context.source.lines(segment.first, segment.last)
    header = "if 1:" + _line_break(text) if segment.nested else ""
    wrapped = header + text
    check_statements(list(segment.statements))  # LibCST's parser and visitors recurse once per level
    try:
        module = cst.parse_module(wrapped)
    except cst.ParserSyntaxError as error:
        raise ApplyError(f"LibCST cannot parse the statement at line {segment.first}: {error.message}") from None
    if module.code != wrapped:
        raise ApplyError(f"LibCST does not reproduce the statement at line {segment.first} exactly")
    outer: list[cst.CSTNode] = [module]
    if segment.nested:
        wrapper = module.body[0]
        assert isinstance(wrapper, cst.If) and isinstance(wrapper.body, cst.IndentedBlock)
        roots: Sequence[cst.CSTNode] = wrapper.body.body
        outer += [wrapper, wrapper.body]
    else:
        roots = module.body
    parents: dict[int, cst.CSTNode] = {}
    twins = _twins(context, segment, nodes, segment.statements, roots, parents)
    edited = module.visit(_Apply(context, twins, parents, outer))
    assert isinstance(edited, cst.Module)
    if not segment.nested:
        return edited.code if edited.body else ""
    after = edited.body[0] if edited.body else None
    if not isinstance(after, cst.If) or not isinstance(after.body, cst.IndentedBlock):
        raise ApplyError(f"the block around line {segment.first} did not survive the rewrite")
    if not after.body.body:
        if not keep_pass:
            return ""
        # LibCST would write a bare `pass`; this one keeps the comment the removed line had.
        first = roots[0]
        trailing = first.trailing_whitespace if isinstance(first, cst.SimpleStatementLine) else cst.TrailingWhitespace()
        block = after.body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()], trailing_whitespace=trailing)])
        edited = edited.with_changes(body=[after.with_changes(body=block)])
    code = edited.code
    if not code.startswith(header):
        raise ApplyError(f"the block around line {segment.first} did not survive the rewrite")
    return code[len(header):]


def _emptied_blocks(context: MigrationContext) -> set[int]:
    """ids of the first statement of each block whose every statement the plan removes: it becomes `pass`."""
    removed = {node for node, changes in context.edits.items()
               if isinstance(node, ast.stmt) and any(isinstance(change, Remove) for change in changes)}
    firsts: set[int] = set()
    for statement in removed:
        if context.analysis.parent(statement) is None:
            continue  # module level: an empty module is a valid one
        block, _ = _block(context, statement)
        if all(sibling in removed for sibling in block):
            firsts.add(id(block[0]))
    return firsts


# -- the new file -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Replacement:
    """Lines `start` to `end` (1-based, end exclusive) become `text`; `start == end` inserts before line `start`."""

    start: int
    end: int
    text: str


def replacements(context: MigrationContext, import_line: int | None = None,
                 import_text: str = "") -> list[Replacement]:
    """What the plan changes, in line order. `import_text` (an import statement with its line break) goes before
    line `import_line` (one past the last line: at the end)."""
    done: list[Replacement] = []
    emptied = _emptied_blocks(context)
    for segment, nodes in _segments(context):
        if import_line is not None and import_line <= segment.first:
            done.append(Replacement(import_line, import_line, import_text))
            import_line = None
        keep_pass = any(id(statement) in emptied for statement in segment.statements)
        done.append(Replacement(segment.first, segment.last + 1, _rewrite(context, segment, nodes, keep_pass)))
    if import_line is not None:
        if done and import_line < done[-1].end:
            raise ApplyError("the import to add falls inside a rewritten statement")
        done.append(Replacement(import_line, import_line, import_text))
    return done


def splice(source: Source, changes: Sequence[Replacement]) -> str:
    """The new text: the original text with each replacement's lines swapped."""
    starts = source.line_starts
    pieces: list[str] = []
    position = 0
    for start, end, text in _spans(source.text, starts, changes):
        pieces += [source.text[position:start], text]
        position = end
    pieces.append(source.text[position:])
    return "".join(pieces)


def splice_bytes(source: Source, changes: Sequence[Replacement], encoding: str) -> bytes:
    """The new file: the original bytes with only the replaced lines encoded anew, so that nothing outside the
    rewritten statements can change, whatever the codec does."""
    assert source.data is not None
    data = source.data
    starts = source.byte_line_starts()
    if len(starts) != len(source.line_starts):
        raise ApplyError("the file's lines and its decoded lines do not line up")
    codec = "utf-8" if encoding == "utf-8-sig" else encoding  # the BOM stays in the untouched first bytes
    pieces: list[bytes] = []
    position = 0
    for start, end, text in _spans(source.text, starts, changes):
        pieces += [data[position:start], text.encode(codec)]
        position = end
    pieces.append(data[position:])
    return b"".join(pieces)


def _spans(text: str, starts: Sequence[int], changes: Sequence[Replacement]) -> list[tuple[int, int, str]]:
    """(start offset, end offset, new text) of each replacement, in the coordinates `starts` gives lines."""
    last = len(starts)
    found = []
    for change in changes:
        start, end = starts[min(change.start, last) - 1], starts[min(change.end, last) - 1]
        new = change.text
        if change.start == change.end and change.start >= last and text and not text.endswith(("\n", "\r")):
            new = _line_break(text) + new.rstrip("\r\n")  # after a last line without a line break
        found.append((start, end, new))
    return found

"""How much one file may ask of the process that migrates it: stack, nesting, size, workers.

LibCST's native parser and the Python code that walks its trees recurse once per level of nesting, and CPython's own
parser does not bound every kind of nesting: an `and`/`or` chain of 10,000 operands is valid Python (CPython keeps it
flat) that LibCST turns into a tree 10,000 levels deep. On a thread's default 8 MiB stack that overflows (a segfault
in Rust code, which no `except` can catch), and Python's default recursion limit refuses chains of 1,000. So the work
on a file runs in a thread with a large stack and a recursion limit to match (`call_deep`), and before LibCST sees a
file, `nesting_error` measures CPython's ast of it and refuses what was measured to cost minutes or gigabytes.
`benchmarks/parser_limits.py` is the measurement; its figures are in the comment on the limits below.
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

T = TypeVar("T")

# The thread that parses and migrates a file. Only the pages a file actually touches are committed; the rest is
# address space. See MAX_TREE_DEPTH for what it holds.
STACK_SIZE = 512 * 1024 * 1024
RECURSION_LIMIT = 1_000_000

# Two bounds, checked on CPython's ast before LibCST sees the file (`nesting_error`). Measured with
# benchmarks/parser_limits.py (2 shared cores, Python 3.11.7, libcst 1.9.0; each case is a file with one contrib
# checkpoint, so every rule runs, and one construct repeated n times; "deep" is the whole engine in the 512 MiB
# thread, "main" is LibCST's parser on the main thread's 8 MiB stack, as the engine ran it before):
#
#   construct                  n         CPython (default limits)   main thread       deep thread
#   `a and a and ...`          10,000    parses                     segfault          0.5 s, 71 MiB
#   `a or a or ...`            10,000    parses                     segfault          1.6 s, 71 MiB
#   `a and ...`                80,000    parses                     segfault          4.5 s, 405 MiB
#   `a and ...`                160,000   parses                     segfault          13.9 s, 786 MiB
#   `a and ...` (1.9 MB file)  320,000   parses                     segfault          30.6 s, 1,566 MiB
#   `a + a + ...`              1,500     parses                     parses            1.4 s, 33 MiB
#   `a + a + ...`              2,900     parses                     parses            6.6 s, 42 MiB
#   `a[0][0]...`               1,500     parses                     parses            6.2 s, 40 MiB
#   `a[0][0]...`               2,900     parses                     parses            22.4 s, 55 MiB
#   `f()()...`                 2,900     parses                     parses            10.1 s, 40 MiB
#   `a if b else ...`          1,500     parses                     parses            2.0 s, 415 MiB
#   `a if b else ...`          2,900     parses                     parses            6.7 s, 1,460 MiB
#   `lambda: lambda: ...`      1,500     parses                     parses            1.7 s, 446 MiB
#   `lambda: lambda: ...`      2,900     parses                     parses            9.2 s, 1,582 MiB
#   `elif` ladder              2,900     parses                     RecursionError    0.3 s, 60 MiB
#   any of these               3,000+    RecursionError or MemoryError (CPython's own limits): never reach LibCST
#   brackets `[[[...]]]`       201+      too many nested parentheses: never reach LibCST
#   nested `def`               100+      too many levels of indentation: never reach LibCST
#   `"a" "a" ...` / f-strings  5,000+    parses                     LibCST refuses it (a syntax error), fast
#
# Those figures were taken when LibCST parsed every candidate file whole; it now parses only the statements a
# migration edits, so a deep construct elsewhere in the file costs CPython's parse and the analysis alone (the
# 80,000-operand chain: 0.7 s, 175 MiB) and the figures above bound what an edited statement can cost.
# The deep thread needs about 1 KiB of stack a level (with --stack-mib 32 it held a 20,000-operand chain and crashed
# on 40,000), so 512 MiB holds 320,000 to 640,000 levels: the stack is not what gives out first; time and memory are.
# MAX_EXPRESSION_DEPTH bounds expressions nested inside expressions (CPython's ast nests binary operators,
# attributes, calls, subscripts, conditionals and lambdas like LibCST does), where LibCST's time and memory grow
# fastest: at 1,500 every construct stays under 10 s and 1 GB. MAX_TREE_DEPTH bounds the whole tree as LibCST
# builds it, with each operand of an and/or chain a level (CPython keeps those flat): at 100,000 such a chain takes
# about 7 s and 500 MiB, and the deep thread held three times that.
MAX_EXPRESSION_DEPTH = 1_500
MAX_TREE_DEPTH = 100_000

# The largest file the engine parses unless told otherwise (`max-file-size`). CPython's ast, the analysis and LibCST's
# parse of the edited statements grow with the file. benchmarks/size_limit.py (2 shared cores, Python 3.11.7,
# libcst 1.9.0; CPU s / peak RSS of one `--check -j 1` run):
#   size     every few lines rewritten     one contrib import, the rest already TF 2
#   1 MB     4.5 s / 298 MiB               2.3 s / 301 MiB
#   4 MB     16.1 s / 1,111 MiB            9.0 s / 1,117 MiB
# (when LibCST parsed whole files: 8.2 s / 771 MiB at 1 MB, 49.5 s / 3,227 MiB at 4 MB). 1 MB keeps one file well under
# 10 s and 1 GB on a small CI machine; hand-written Python files that large are rare, and files that cannot need a
# migration are never parsed whatever their size.
DEFAULT_MAX_FILE_SIZE = 1_000_000


class LimitError(ValueError):
    """A value for a limit that is not one; the message is one line."""


def call_deep(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`function(*args, **kwargs)` on a thread with `STACK_SIZE` of stack, under `RECURSION_LIMIT`; its exception
    or its result comes back here. One such thread per process, started on first use and kept (a new 512 MiB stack
    for each file cost a quarter of a contrib-heavy run in page faults). Falls back to the calling thread when no
    such thread can be started (no address space for the stack): the caller's recursion limit then refuses deep
    files with a RecursionError."""
    global _DEEP
    import threading

    deep = _DEEP
    if deep is None or not deep.alive():
        try:
            deep = _DEEP = _DeepThread()
        except (ValueError, RuntimeError, MemoryError):  # a platform that will not give a thread that much stack
            return function(*args, **kwargs)
    if threading.current_thread() is deep.thread:  # called from inside a deep call: already on the deep stack
        return function(*args, **kwargs)
    return deep.call(function, args, kwargs)


class _DeepThread:
    """The thread `call_deep` runs work on; the caller waits (interruptibly: a signal handler in the main thread
    may raise meanwhile, and the work it gave up on finishes unseen)."""

    def __init__(self) -> None:
        import queue
        import threading

        self._tasks: queue.SimpleQueue[tuple[Callable[..., object], tuple[object, ...], dict[str, object],
                                             list[tuple[bool, object]], threading.Event]] = queue.SimpleQueue()
        previous = threading.stack_size(STACK_SIZE)
        try:
            self.thread = threading.Thread(target=self._serve, name="tfckpt-migrate-deep", daemon=True)
            self.thread.start()
        finally:
            threading.stack_size(previous)

    def alive(self) -> bool:
        return self.thread.is_alive()

    def call(self, function: Callable[..., T], args: tuple[object, ...], kwargs: dict[str, object]) -> T:
        import threading

        outcome: list[tuple[bool, object]] = []
        done = threading.Event()
        with _recursion_limit(RECURSION_LIMIT):  # raised before the work starts: LibCST reads it at once
            self._tasks.put((function, args, kwargs, outcome, done))
            done.wait()
        ok, value = outcome[0]
        if ok:
            return value  # type: ignore[return-value]
        raise value  # type: ignore[misc]

    def _serve(self) -> None:
        while True:
            function, args, kwargs, outcome, done = self._tasks.get()
            try:
                outcome.append((True, function(*args, **kwargs)))
            except BaseException as error:  # handed to the calling thread, which decides
                outcome.append((False, error))
            finally:
                done.set()
            del function, args, kwargs, outcome, done  # nothing of a finished file stays referenced here


_DEEP: _DeepThread | None = None


def _forget_deep_thread() -> None:
    """A forked worker has no copy of the parent's threads: it starts its own deep thread when it needs one."""
    global _DEEP
    _DEEP = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_deep_thread)


class _recursion_limit:
    """The interpreter-wide limit, raised while the deep thread runs (the calling thread only waits meanwhile)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._previous = 0

    def __enter__(self) -> None:
        self._previous = sys.getrecursionlimit()
        if self._limit > self._previous:
            sys.setrecursionlimit(self._limit)

    def __exit__(self, *exc: object) -> None:
        sys.setrecursionlimit(self._previous)


# Below this depth (of either kind) the engine runs on the calling thread: the thread's default stack and
# recursion limit hold it (every construct of benchmarks/parser_limits.py migrates at 500 there), and handing work
# to the deep thread costs about 0.15 ms a file, 5% of a run over small contrib files. What CPython's ast cannot
# show (implicitly concatenated strings are one constant there; LibCST nests a level a piece, and the calling
# thread's recursion limit gives out near 1,000 pieces) ends in a RecursionError, and the engine then runs the file
# again on the deep thread. Such strings cannot crash LibCST's parser: past about 5,000 pieces it reports a syntax
# error instead.
SHALLOW_DEPTH = 200


class Nesting(NamedTuple):
    expression: int  # the deepest chain of expressions inside expressions
    expression_line: int
    tree: int  # the deepest path through the tree as LibCST builds it, each and/or operand a level
    tree_line: int


def assess_nesting(tree: ast.AST, max_expression_depth: int = MAX_EXPRESSION_DEPTH,
                   max_tree_depth: int = MAX_TREE_DEPTH) -> tuple[str | None, bool]:
    """(a one-line reason when the file nests deeper than the engine was measured to handle, else None; whether
    its migration needs the deep thread of `call_deep`)."""
    return _verdict(nesting(tree), max_expression_depth, max_tree_depth)


def _verdict(found: Nesting, max_expression_depth: int, max_tree_depth: int) -> tuple[str | None, bool]:
    if found.expression > max_expression_depth:
        return (f"an expression is nested {found.expression:,} levels deep at line {found.expression_line} (the "
                f"limit is {max_expression_depth:,}: LibCST needs minutes or gigabytes beyond it); not migrated"), False
    if found.tree > max_tree_depth:
        return (f"nested {found.tree:,} levels deep at line {found.tree_line}, counting each operand of an and/or "
                f"chain (the limit is {max_tree_depth:,}); not migrated"), False
    return None, max(found.expression, found.tree) > SHALLOW_DEPTH


class TooDeep(Exception):
    """The statements LibCST is about to parse nest beyond what it was measured to handle; the message is the
    one-line reason."""


class NeedsDeepStack(Exception):
    """The statements LibCST is about to parse nest deeper than the calling thread's stack holds: run the file on
    the deep thread (`call_deep`)."""


def on_deep_thread() -> bool:
    import threading

    return _DEEP is not None and threading.current_thread() is _DEEP.thread


def check_statements(statements: Sequence[ast.AST]) -> None:
    """Called before LibCST parses these statements or expressions (only the code a migration edits reaches it): raises
    TooDeep for what LibCST needs minutes, gigabytes or a crash for, NeedsDeepStack when they need the deep
    thread and this is not it."""
    expression = tree = 0
    expression_line = tree_line = 1
    for statement in statements:
        found = nesting(statement)
        if found.expression > expression:
            expression, expression_line = found.expression, found.expression_line
        if found.tree > tree:
            tree, tree_line = found.tree, found.tree_line
    reason, deep = _verdict(Nesting(expression, expression_line, tree, tree_line), MAX_EXPRESSION_DEPTH,
                            MAX_TREE_DEPTH)
    if reason is not None:
        raise TooDeep(reason)
    if deep and not on_deep_thread():
        raise NeedsDeepStack()


def nesting_error(tree: ast.AST, max_expression_depth: int = MAX_EXPRESSION_DEPTH,
                  max_tree_depth: int = MAX_TREE_DEPTH) -> str | None:
    """A one-line reason when the file nests deeper than the engine was measured to handle, else None."""
    return assess_nesting(tree, max_expression_depth, max_tree_depth)[0]


def nesting(tree: ast.AST) -> Nesting:
    """How deep LibCST's tree of this source will be, measured on CPython's ast without recursing.

    The two trees mostly nest alike (a `+` chain, an `elif` ladder, an attribute chain are nested in both), except
    that CPython keeps an `and`/`or` chain flat where LibCST nests one level per operand (counted here) and joins
    implicitly concatenated strings into one constant (not counted; see SHALLOW_DEPTH). LibCST wraps a node in a few
    of its own (parentheses, whitespace), which the margins of the limits absorb. About a fifteenth of the time
    CPython takes to parse.
    """
    node_type, expr_type, bool_type = ast.AST, ast.expr, ast.BoolOp
    deepest_expression = deepest_tree = 0
    expression_line = tree_line = 1
    stack: list[tuple[ast.AST, int, int]] = [(tree, 1, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth, expression = pop()
        if isinstance(node, expr_type):
            expression += 1
            if expression > deepest_expression:
                deepest_expression, expression_line = expression, node.lineno
            if type(node) is bool_type:
                depth += len(node.values) - 1  # type: ignore[attr-defined]
        else:
            expression = 0
        if depth > deepest_tree:
            deepest_tree, tree_line = depth, getattr(node, "lineno", tree_line)
        below = depth + 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, node_type):
                        push((item, below, expression))
            elif isinstance(value, node_type):
                push((value, below, expression))
    return Nesting(deepest_expression, expression_line, deepest_tree, tree_line)


# -- file size ------------------------------------------------------------------------------------------------------

_UNITS = {"": 1, "B": 1, "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}


def parse_size(value: object, *, what: str = "max-file-size") -> int:
    """A size limit: an integer number of bytes, or a string like "2MB", "500KB", "1.5MB", "2000000" (decimal
    units, as the messages print them). Zero, negative and unknown units are errors."""
    if isinstance(value, bool):
        raise LimitError(f"'{what}' must be a size like \"2MB\" or a number of bytes, got {value!r}")
    if isinstance(value, int):
        size = value
    elif isinstance(value, str):
        text = value.strip().upper().replace(" ", "").replace("_", "")
        number = text.rstrip("KMGB")
        unit = text[len(number):]
        if unit not in _UNITS or not number:
            raise LimitError(f"'{what}' must be a size like \"2MB\", \"500KB\" or a number of bytes, got {value!r}")
        try:
            size = int(float(number) * _UNITS[unit]) if "." in number else int(number) * _UNITS[unit]
        except ValueError:
            raise LimitError(f"'{what}' must be a size like \"2MB\", \"500KB\" or a number of bytes, "
                             f"got {value!r}") from None
    else:
        raise LimitError(f"'{what}' must be a size like \"2MB\" or a number of bytes, got {value!r}")
    if size < 1:
        raise LimitError(f"'{what}' must be at least 1 byte, got {value!r}")
    return size


def format_size(size: int, decimals: int = 1) -> str:
    """10_200_000 -> "10.2 MB", 2_000_000 -> "2 MB", 512 -> "512 bytes"."""
    for unit, factor in (("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000)):
        if size >= factor:
            text = f"{size / factor:.{decimals}f}".rstrip("0").rstrip(".") if decimals else str(size // factor)
            return f"{text} {unit}"
    return f"{size} byte{'s' if size != 1 else ''}"


def size_error(size: int, limit: int) -> str:
    """The one-line reason for a file above the limit; the size gets the decimals it needs to differ from it."""
    shown = format_size(size)
    for decimals in (2, 3):
        if shown != format_size(limit):
            break
        shown = format_size(size, decimals)
    if shown == format_size(limit):
        shown = f"{size:,} bytes"
    return f"file is {shown}, above the {format_size(limit)} limit (max-file-size); not migrated"


# -- workers --------------------------------------------------------------------------------------------------------

def available_cores() -> int:
    """The cores this process may run on (its affinity mask, a container's cpuset), not the machine's count."""
    count = getattr(os, "process_cpu_count", None)
    if count is not None:
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)

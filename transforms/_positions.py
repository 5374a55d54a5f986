"""Line and column of a few nodes of the original module, paid for only where a finding needs one.

LibCST's `PositionProvider` tracks every token of the whole module (about 2x a parse here). Findings need a handful
of positions, so this tracks positions inside the one top-level statement that holds the node, starting from that
statement's first line. The first line comes from the `Layout` (CPython's ast of the same bytes) when there is one;
otherwise the statements before it are rendered plainly, only to count their lines. Both renders are LibCST's own
code generator, so the positions are exactly the ones `PositionProvider` would give.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState

from ._layout import Layout, render

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as CPython counts lines, like the layout


class Positions:
    def __init__(self, module: cst.Module, parents: Mapping[int, cst.CSTNode],
                 layout: Layout | None = None) -> None:
        self._module = module
        self._parents = parents
        self._index = {statement: i for i, statement in enumerate(module.body)}
        self._layout = layout
        self._starts = [1 + len(module.header)]  # first line of each top-level statement, computed lazily
        self._computed: dict[cst.CSTNode, CodeRange] = {}  # filled by LibCST's position-tracking codegen
        self._tracked: set[int] = set()

    def span(self, node: cst.CSTNode) -> CodeRange | None:
        top = node
        parents = self._parents  # keyed by id(node), as the analysis keeps them
        while id(top) in parents and parents[id(top)] is not self._module:
            top = parents[id(top)]
        index = self._index.get(top)
        if index is None:
            return None
        if index not in self._tracked:
            self._tracked.add(index)
            state = PositionProvidingCodegenState(default_indent=self._module.default_indent,
                                                  default_newline=self._module.default_newline,
                                                  provider=self)  # type: ignore[arg-type]
            state.line = self._start(index)
            top._codegen(state)
        return self._computed.get(node)

    def line(self, node: cst.CSTNode) -> int:
        span = self.span(node)
        return span.start.line if span is not None else 0

    def _start(self, index: int) -> int:
        if self._layout is not None:
            return self._layout.line(index)
        module = self._module
        while len(self._starts) <= index:
            statement = module.body[len(self._starts) - 1]
            self._starts.append(self._starts[-1] + len(_LINE_BREAK.findall(render(statement, module))))
        return self._starts[index]

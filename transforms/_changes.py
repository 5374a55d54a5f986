"""What a rule can ask to change about a node: plain data, applied to the node's LibCST twin by `_apply`.

A plan made of data (not of functions over LibCST nodes) keeps libcst out of every run that changes nothing, and
makes each change a small thing with one meaning that tests and `_apply` can both read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplaceWith:
    """The expression becomes `text` (a dotted name or a small expression); its own parentheses stay."""

    text: str


@dataclass(frozen=True)
class RenameKeywords:
    renames: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class KeepArguments:
    """The call keeps only these of its `total` arguments (indices in source order)."""

    keep: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class InsertArguments:
    """Arguments (source text) inserted before position `index` of a call's `total` arguments."""

    index: int
    texts: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class AppendArguments:
    """Arguments (source text, e.g. `write_meta_graph=False`) added after a call's last argument."""

    texts: tuple[str, ...]


@dataclass(frozen=True)
class AppendCall:
    """`x.restore(p)` -> `x.restore(p).<method>()`."""

    method: str


@dataclass(frozen=True)
class Remove:
    """The statement goes (a block it empties gets `pass`)."""


@dataclass(frozen=True)
class RenameAttribute:
    """`self._serialize` -> `self.<name>`."""

    name: str


@dataclass(frozen=True)
class RenameDefinition:
    """`def _serialize(...)` -> `def <name>(...)`."""

    name: str


@dataclass(frozen=True)
class KeepImportNames:
    """The import keeps only these of its names (by index); `rename` gives one of them a new dotted name."""

    keep: tuple[int, ...]
    rename: tuple[tuple[int, str], ...] = ()


Change = ReplaceWith | RenameKeywords | KeepArguments | InsertArguments | AppendArguments | AppendCall | Remove \
    | RenameAttribute | RenameDefinition | KeepImportNames

"""`per-file-ignores`: rule codes a file's path turns off, as ruff's setting of that name does.

`[tool.tfckpt-migrate.per-file-ignores]` maps a pattern to codes or prefixes (`"legacy/*.py" = ["TFC9"]`). The
patterns are gitignore patterns (pathspec's, as the excludes are), matched against the path relative to the
directory of the pyproject.toml that holds them, so they mean the same whatever directory the tool runs from: a
pattern without a slash matches a file name at any depth (`"*_tf1.py"`), `*` stops at a slash (`legacy/**` reaches
into subdirectories), and a leading `!` matches the files the rest does not match (ruff's negation). A file outside
that directory matches no pattern. Every matching pattern's codes apply.

Only the parent process matches paths; a worker is sent the codes for the file it migrates.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True)
class PerFileIgnores:
    base: str  # the absolute directory the patterns are relative to
    entries: tuple[tuple[str, tuple[str, ...]], ...]  # (pattern, codes or prefixes), in the config's order

    @functools.cached_property
    def _specs(self) -> tuple[tuple[bool, pathspec.GitIgnoreSpec, tuple[str, ...]], ...]:
        import pathspec

        compiled = []
        for pattern, codes in self.entries:
            negated = pattern.startswith("!")
            compiled.append((negated, pathspec.GitIgnoreSpec.from_lines([pattern[1:] if negated else pattern]),
                             codes))
        return tuple(compiled)

    def codes_for(self, path: str) -> tuple[str, ...]:
        """The codes and prefixes turned off for the file at `path` (as the run spells it)."""
        if not self.entries:
            return ()
        try:
            relative = os.path.relpath(os.path.abspath(path), self.base)
        except ValueError:  # another drive on Windows
            return ()
        if relative == os.curdir or relative.startswith(os.pardir + os.sep) or relative == os.pardir:
            return ()
        relative = relative.replace(os.sep, "/")
        found: dict[str, None] = {}
        for negated, spec, codes in self._specs:
            if spec.match_file(relative) != negated:
                found.update(dict.fromkeys(codes))
        return tuple(found)

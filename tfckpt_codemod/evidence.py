"""The user's own checkpoints, given as evidence (`--checkpoint [NAME=]PATH`): read once, matched to restores.

A restore reads one checkpoint at run time, and the code alone rarely says which. The user says it: a checkpoint
given without a name stands for every restore of the run; one given as `NAME=PATH` for the restores whose path
expression mentions NAME (`restore(os.path.join(args.eval_dir, ...))` for `eval_dir=...`) or whose file's path
contains it (`serve.py=...`). What the rule then learns (which top-level objects hold values) comes from the
checkpoint's object graph, read without TensorFlow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from tfckpt_codemod.checkpoint_graph import CheckpointInspection, inspect_checkpoint
from tfckpt_codemod.checkpoint_index import CheckpointError


@dataclass(frozen=True)
class CheckpointEvidence:
    name: str | None  # None: the one checkpoint, for every restore
    path: str  # as the user gave it
    inspection: CheckpointInspection

    def matches(self, expression: str, file: str) -> bool:
        return self.name is None or self.name in expression or self.name in file


class EvidenceError(Exception):
    """A checkpoint given as evidence that cannot be read: one line naming it."""


def split_spec(spec: str, base: str | os.PathLike[str] = ".") -> tuple[str | None, str]:
    """`NAME=PATH` -> (NAME, PATH); a spec without `=`, or one that is itself a checkpoint's path (relative to
    `base`), is (None, spec)."""
    name, separator, path = spec.partition("=")
    whole = os.path.join(base, spec)
    if not separator or os.path.exists(whole) or os.path.exists(whole + ".index") or "/" in name or os.sep in name:
        return None, spec
    return name or None, path


def read_evidence(specs: Sequence[str]) -> tuple[CheckpointEvidence, ...]:
    """`PATH` or `NAME=PATH` each; every checkpoint is read now, so a bad one fails the run before any file."""
    found = []
    for spec in specs:
        name, path = split_spec(spec)
        if not path:
            raise EvidenceError(f"--checkpoint {spec!r}: no path after '='")
        try:
            inspection = inspect_checkpoint(path)
        except CheckpointError as error:
            raise EvidenceError(str(error)) from None
        found.append(CheckpointEvidence(name, path, inspection))
    unnamed = [e for e in found if e.name is None]
    if unnamed and len(found) > 1:
        raise EvidenceError("several checkpoints were given: name each one (--checkpoint NAME=PATH), so that the "
                            "tool knows which restore reads which")
    return tuple(found)

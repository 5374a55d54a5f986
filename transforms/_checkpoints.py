"""Which expressions are checkpoints this module builds, and which method calls are made on them.

A receiver is a checkpoint because of what was bound to it, never because of its name: `ckpt.restore(p)` counts only
when every assignment to `ckpt` in the scope that owns it (as Python resolves the name) is a checkpoint constructor.
`self.ckpt` is followed within its class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ._analysis import Assignment, MethodCall, ModuleAnalysis, Ref, ScopeNode, dotted_name

CHECKPOINT_CLASSES = frozenset({
    "tensorflow.train.Checkpoint", "tensorflow.compat.v1.train.Checkpoint", "tensorflow.compat.v2.train.Checkpoint",
})
CONTRIB_CHECKPOINT_ROWS = frozenset({"contrib.eager.Checkpoint", "contrib.checkpoint.Checkpoint"})


@dataclass(eq=False)
class CheckpointSite:
    """One `Checkpoint(...)` construction and what the module does with it."""

    call: cst.Call
    ref: Ref
    keywords: frozenset[str]
    has_star_kwargs: bool
    target: str | None = None  # the name or `self.x` it is assigned to
    assignment: Assignment | None = None
    methods: list[MethodCall] = field(default_factory=list)

    def calls(self, *names: str) -> list[MethodCall]:
        return [m for m in self.methods if m.method in names]

    @property
    def saves(self) -> bool:
        return bool(self.calls("save", "write"))


@dataclass(eq=False)
class CheckpointSites:
    sites: list[CheckpointSite]
    by_call: dict[cst.Call, CheckpointSite]
    owner_of: dict[MethodCall, list[CheckpointSite]]  # method call -> the sites its receiver may be


def is_checkpoint_ref(ref: Ref) -> bool:
    return ref.qualified in CHECKPOINT_CLASSES or ref.contrib in CONTRIB_CHECKPOINT_ROWS


def _class_of(scopes: tuple[ScopeNode, ...]) -> ScopeNode | None:
    return next((s for s in scopes if isinstance(s, cst.ClassDef)), None)


def checkpoint_sites(analysis: ModuleAnalysis) -> CheckpointSites:
    cached = analysis.cache.get("checkpoint_sites")
    if isinstance(cached, CheckpointSites):
        return cached
    sites: list[CheckpointSite] = []
    by_call: dict[cst.Call, CheckpointSite] = {}
    for ref in analysis.refs:
        if ref.call is None or not is_checkpoint_ref(ref):
            continue
        keywords = frozenset(a.keyword.value for a in ref.call.args if a.keyword is not None)
        site = CheckpointSite(ref.call, ref, keywords, any(a.star == "**" for a in ref.call.args))
        sites.append(site)
        by_call[ref.call] = site

    # Assignments grouped by (target, owning scope): a target is a checkpoint only if every assignment is one.
    groups: dict[tuple[str, ScopeNode | None], list[Assignment]] = {}
    for assignment in analysis.assignments:
        groups.setdefault(_owner_key(assignment.target, assignment.scopes, analysis, binding=True), []).append(
            assignment)
    for (target, _owner), assignments in groups.items():
        if len(assignments) == 1 and assignments[0].value in by_call:
            site = by_call[assignments[0].value]  # type: ignore[index]
            site.target, site.assignment = target, assignments[0]

    owner_of: dict[MethodCall, list[CheckpointSite]] = {}
    for method_call in analysis.method_calls:
        receiver = method_call.receiver
        if receiver in by_call:
            found = [by_call[receiver]]  # type: ignore[index]
        else:
            key = dotted_name(receiver)
            if key is None:
                continue
            assignments = groups.get(_owner_key(key, method_call.scopes, analysis, binding=False), [])
            if not assignments or not all(a.value in by_call for a in assignments):
                continue
            found = [by_call[a.value] for a in assignments]  # type: ignore[index]
        owner_of[method_call] = found
        for site in found:
            site.methods.append(method_call)
    result = CheckpointSites(sites, by_call, owner_of)
    analysis.cache["checkpoint_sites"] = result
    return result


def _owner_key(target: str, scopes: tuple[ScopeNode, ...], analysis: ModuleAnalysis,
               *, binding: bool) -> tuple[str, ScopeNode | None]:
    head = target.split(".", 1)[0]
    if head == "self" and "." in target:
        return target, _class_of(scopes)
    if head in analysis.global_names:
        return target, None
    if binding:
        return target, scopes[0]
    return target, analysis.owner_scope(head, scopes)

"""Reads a checkpoint's object graph without TensorFlow: what each top-level object holds, whatever its keys say.

A key in a checkpoint's index names one path to a value, the first TensorFlow's breadth-first walk met, so a value
two top-level objects reach is keyed under one of them only (checkpoint_index.py's docstring). Keras 3 makes this the
rule: in `tf.train.Checkpoint(model=model, optimizer=optimizer)` every weight is keyed
`optimizer/_trainable_variables/N` and no key starts with `model/`, yet `Checkpoint(model=model).restore(path)`
restores the weights. What a restore matches is the object graph, which the checkpoint saves too: this module reads
it and answers from it.

The format, as TensorFlow 2.21 writes it:

- The index entry `_CHECKPOINTABLE_OBJECT_GRAPH` is a DT_STRING scalar whose bytes are in the data shard its
  BundleEntryProto names, at its offset and size (tensorflow/core/util/tensor_bundle/tensor_bundle.cc,
  WriteStringTensor / ReadStringTensor). A string tensor is stored as each element's length as a varint64, then the
  masked crc32c of those lengths (each as a fixed-width uint32, or uint64 above 2^32 - 1, in the writer's byte order:
  not the varint bytes), then the elements' bytes. The entry's own crc32c is the masked crc32c of the same lengths as
  uint32s, the 4 stored checksum bytes and the element bytes. Both are checked, as TensorFlow checks them.
- The element is a serialized TrackableObjectGraph (tensorflow/core/protobuf/trackable_object_graph.proto):
  `repeated TrackableObject nodes = 1`, node 0 the root. A TrackableObject has `children = 1` (ObjectReference:
  node_id = 1, local_name = 2), `attributes = 2` (SerializedTensor: name = 1, full_name = 2, checkpoint_key = 3,
  optional_restore = 4), `slot_variables = 3` (SlotVariableReference: original_variable_node_id = 1, slot_name = 2,
  slot_variable_node_id = 3), `registered_saver = 4` (RegisteredSaver: name = 1, object_name = 2) and
  `has_checkpoint_values = 5` (a BoolValue TensorFlow computes at save time). A small protobuf wire-format reader
  decodes it (varints, length-delimited fields; unknown fields are skipped by their wire type, as protobuf does).

What an object holds is every value reachable from it: the attributes with a checkpoint key of the nodes its children
reach, transitively (shared nodes are visited once, cycles end), and the slot variables of a TF 1 style optimizer it
reaches (those are not children of anything: the optimizer's `slot_variables` name them). TensorFlow marks the same
nodes when it saves (`has_checkpoint_values`, tensorflow/python/checkpoint/util.py, add_checkpoint_values_check; the
tests hold every fixture to it), and its restore keeps no deferred restoration for a child without values
(restore.py). A node with a `registered_saver` holds values the saver names itself, not listed in the graph; it counts
as one value.

`inspect_checkpoint()` summarizes a checkpoint (a row per top-level object: values, kind), from the object graph when
the data shard is readable, else from the index's keys, and says which (`source`). `decide_restore()` says whether a
`tf.train.Checkpoint(**objects).restore(path)` of some top-level names is full, partial, misses names, or falls back
to name matching (RestoreDecision explains each case). Both are pure data for the codemod's rules and the CLI. Only
the one data shard that holds the graph is opened, and only the graph's bytes are read. Stdlib only.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Literal, NamedTuple

from .checkpoint_index import (
    OBJECT_GRAPH_KEY,
    CheckpointError,
    CheckpointIndex,
    DataLocation,
    masked_crc32c,
    read_checkpoint,
)

__all__ = [
    "SAVE_COUNTER",
    "Attribute",
    "CheckpointInspection",
    "Child",
    "GraphNode",
    "ObjectGraph",
    "RestoreDecision",
    "SlotVariable",
    "TopLevelRow",
    "decide_restore",
    "inspect_checkpoint",
    "parse_object_graph",
    "read_object_graph",
]

SAVE_COUNTER = "save_counter"  # every tf.train.Checkpoint saves it and restores it itself (checkpoint.py)

Source = Literal["object-graph", "keys", "names"]
DecisionKind = Literal["full", "partial", "missing", "name_based"]

_UINT32_MAX = 0xFFFFFFFF
_MAX_NODES = 1 << 31  # node ids are int32


class Child(NamedTuple):
    """An ObjectReference: the edge to a child node, named as the attribute or key that holds it (`layer1`, `0`)."""

    node_id: int
    local_name: str


class Attribute(NamedTuple):
    """A SerializedTensor: one saved value of a node (`VARIABLE_VALUE` for a variable)."""

    name: str
    full_name: str  # the name a tf.compat.v1.train.Saver would have given it (the variable's graph name)
    checkpoint_key: str  # the key of its entry in the index


class SlotVariable(NamedTuple):
    """A SlotVariableReference of a TF 1 style optimizer: its slot `slot_name` for one variable."""

    original_variable_node_id: int
    slot_name: str
    slot_variable_node_id: int


class GraphNode(NamedTuple):
    """A TrackableObject. A NamedTuple: a large model's graph has 100,000 of them."""

    children: tuple[Child, ...]
    attributes: tuple[Attribute, ...]
    slot_variables: tuple[SlotVariable, ...]
    registered_saver: str  # the saver's name; "" for none
    has_checkpoint_values: bool | None  # as TensorFlow computed it at save time; None where it did not record it


class TopLevelRow(NamedTuple):
    """One line of a checkpoint summary table, plain data for a renderer.

    For an object-based checkpoint, one top-level object: `variables` values reachable from it (saved tensors, slot
    variables included), `kind` "object" (it reaches values through children), "variable" (it is itself the value,
    like `step` or `save_counter`) or "empty" (it holds no value at all: an object without variables when it was
    saved, such as a Keras model not built yet); `shared` of its values another top-level object reaches too (a
    Keras 3 model's weights, which its optimizer reaches). For a name-based checkpoint, a name scope ("scope") or a
    variable outside any scope ("variable").
    """

    name: str
    variables: int
    kind: str
    shared: int = 0


# --- the graph ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectGraph:
    """A checkpoint's TrackableObjectGraph: `nodes[0]` is the root, the `tf.train.Checkpoint` that saved it."""

    nodes: tuple[GraphNode, ...] = field(repr=False)

    def top_level(self) -> dict[str, int]:
        """{top-level name: node id}: the root's children, in the graph's order (the first of a repeated name)."""
        names: dict[str, int] = {}
        for child in self.nodes[0].children:
            names.setdefault(child.local_name, child.node_id)
        return names

    def reachable(self, node_id: int) -> frozenset[int]:
        """Every node reachable from `node_id` (itself included) through children and the slot variables of the
        optimizers it reaches; each node once, whatever the cycles.
        """
        nodes = self.nodes
        seen = {node_id}
        queue = deque([node_id])
        while queue:
            node = nodes[queue.popleft()]
            for child in node.children:
                if child.node_id not in seen:
                    seen.add(child.node_id)
                    queue.append(child.node_id)
            for slot in node.slot_variables:
                if slot.slot_variable_node_id not in seen:
                    seen.add(slot.slot_variable_node_id)
                    queue.append(slot.slot_variable_node_id)
        return frozenset(seen)

    def values(self, node_ids: Iterable[int]) -> frozenset[str]:
        """The values these nodes hold themselves: their attributes' checkpoint keys, and for a node saved by a
        registered saver one `<registered saver NAME of node ID>` (the saver names its tensors itself).
        """
        keys: set[str] = set()
        nodes = self.nodes
        for node_id in node_ids:
            node = nodes[node_id]
            for attribute in node.attributes:
                if attribute.checkpoint_key:
                    keys.add(attribute.checkpoint_key)
            if node.registered_saver:
                keys.add(f"<registered saver {node.registered_saver} of node {node_id}>")
        return frozenset(keys)

    def held_values(self) -> dict[str, frozenset[str]]:
        """{top-level name: every value reachable from it}, sorted by name. The root's own values, if it has any (a
        checkpoint whose root is itself a variable), are under the name ""; `save_counter` is a top-level object.
        Computed once (a walk from each top-level object), then copied.
        """
        return dict(self._held)

    @cached_property
    def _held(self) -> dict[str, frozenset[str]]:
        held = {name: self.values(self.reachable(node_id)) for name, node_id in self.top_level().items()}
        root = self.nodes[0]
        if root.attributes or root.slot_variables or root.registered_saver:
            own = {0}.union(*(self.reachable(slot.slot_variable_node_id) for slot in root.slot_variables))
            held[""] = self.values(own)
        return dict(sorted(held.items()))

    def top_level_objects(self) -> dict[str, int]:
        """{top-level name: number of values reachable from it}, sorted; objects without values count 0.

        Unlike CheckpointIndex.top_level_objects() (keys), a value two objects reach counts for both: in a Keras 3
        `Checkpoint(model=, optimizer=)` the model counts its weights although their keys are under `optimizer/`.
        """
        return {name: len(values) for name, values in self._held.items()}

    def rows(self) -> tuple[TopLevelRow, ...]:
        """A TopLevelRow per top-level object, sorted by name."""
        held = self._held
        owners: dict[str, int] = {}
        for values in held.values():
            for key in values:
                owners[key] = owners.get(key, 0) + 1
        top = self.top_level()
        rows = []
        for name, values in held.items():
            node_id = top.get(name, 0)
            own = self.values((node_id,)) if name else values
            kind = "empty" if not values else "variable" if own == values else "object"
            rows.append(TopLevelRow(name, len(values), kind, sum(owners[key] > 1 for key in values)))
        return tuple(rows)


def read_object_graph(index: CheckpointIndex, *, verify_checksums: bool = True) -> ObjectGraph | None:
    """The object graph of the checkpoint `index` describes, read from its data shard; None for a name-based one.

    Reads only the graph's bytes. Unless `verify_checksums` is false, the string tensor's length checksum and the
    entry's crc32c are checked, as TensorFlow checks them. Raises CheckpointError, a one-line message naming the data
    shard, when the shard is missing, unreadable or too short, a checksum fails, or the bytes are not an object graph.
    """
    location = index.object_graph_location
    if location is None:
        return None
    entry = index.entries[OBJECT_GRAPH_KEY]
    if entry.dtype != "string" or entry.shape != () or entry.slices:
        raise CheckpointError(index.index_path, f"corrupt: {OBJECT_GRAPH_KEY} is a {entry.dtype} tensor of shape "
                                                f"{list(entry.shape)}, not a string scalar")
    if location.shard_id >= index.num_shards:
        raise CheckpointError(index.index_path, f"corrupt: {OBJECT_GRAPH_KEY} is in data shard {location.shard_id} of "
                                                f"{index.num_shards}")
    path = index.data_file(location.shard_id)
    data = _read_range(path, location)
    try:
        graph_bytes = _decode_string_scalar(data, location, index.big_endian, verify_checksums)
        return parse_object_graph(graph_bytes)
    except ValueError as error:
        raise CheckpointError(path, f"{error} (the {OBJECT_GRAPH_KEY} at offset {location.offset})") from None


def _read_range(path: str, location: DataLocation) -> bytes:
    """The bytes the index says the graph is; the file's size is checked first, so that a corrupt size in the index
    never becomes a read (and an allocation) of that size.
    """
    end = location.offset + location.size
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < end:
                raise CheckpointError(path, f"truncated: {size} bytes, but the {OBJECT_GRAPH_KEY} the index names is "
                                            f"bytes {location.offset} to {end}")
            handle.seek(location.offset)
            data = handle.read(location.size)
            if len(data) < location.size:  # the file shrank meanwhile
                raise CheckpointError(path, f"truncated: the {OBJECT_GRAPH_KEY} ends after {len(data)} of its "
                                            f"{location.size} bytes")
    except FileNotFoundError:
        raise CheckpointError(path, f"missing: the data shard that holds the {OBJECT_GRAPH_KEY} is not there") from None
    except OSError as error:
        reason = error.strerror.lower() if error.strerror else str(error) or type(error).__name__
        raise CheckpointError(path, f"unreadable: {reason}") from None
    return data


def _decode_string_scalar(data: bytes, location: DataLocation, big_endian: bool, verify: bool) -> bytes:
    """The one element of a DT_STRING scalar stored as tensor_bundle.cc's WriteStringTensor stores it."""
    length, position = _varint(data, 0, len(data), "the string tensor's length")
    width = 4 if length <= _UINT32_MAX else 8
    order: Literal["little", "big"] = "big" if big_endian else "little"
    end = position + 4 + length
    if end != len(data):
        raise ValueError(f"corrupt: a {length}-byte string does not fill the entry's {location.size} bytes")
    stored_length_checksum = data[position:position + 4]
    if verify:
        length_bytes = length.to_bytes(width, order)
        if masked_crc32c(length_bytes) != int.from_bytes(stored_length_checksum, order):
            raise ValueError("corrupt: the string tensor's length checksum does not match")
        if masked_crc32c(length_bytes + data[position:]) != location.masked_crc32c:
            raise ValueError("corrupt: checksum mismatch")
    return data[position + 4:]


# --- what a checkpoint holds, and what a restore of it does -----------------------------------------------------


@dataclass(frozen=True)
class CheckpointInspection:
    """What a checkpoint holds, a row per top-level object (or name scope), for a table and for decide_restore.

    `source` says what the rows were computed from: "object-graph" (the graph in the data shard: what a restore
    matches), "keys" (the index's keys, when the data shard could not be read: `note` says why; a value counts under
    the one object its key names, so a Keras 3 model that owns no key is not there), or "names" (a name-based
    checkpoint: rows are its name scopes). `held` maps each top-level name to its values (checkpoint keys), as
    decide_restore needs them; for a name-based checkpoint it is empty and `variable_names` lists the keys that name
    matching looks up.
    """

    prefix: str
    kind: Literal["object-based", "name-based"]
    source: Source
    rows: tuple[TopLevelRow, ...]
    note: str = ""
    held: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}), hash=False,
                                               compare=False, repr=False)
    variable_names: tuple[str, ...] = field(default=(), hash=False, compare=False, repr=False)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Picklable (a read-only mapping is not): the runner hands the user's checkpoints to its workers."""
        return (_rebuild_inspection, (self.prefix, self.kind, self.source, self.rows, self.note, dict(self.held),
                                      self.variable_names))

    def top_level_objects(self) -> dict[str, int]:
        """{top-level name: number of values it holds}, sorted, from `source`. ValueError for a name-based one."""
        if self.kind != "object-based":
            raise ValueError(f"{self.prefix}: a name-based checkpoint (tf.compat.v1.train.Saver) has no objects")
        return {row.name: row.variables for row in self.rows}


def _rebuild_inspection(prefix: str, kind: Literal["object-based", "name-based"], source: Source,
                        rows: tuple[TopLevelRow, ...], note: str, held: dict[str, frozenset[str]],
                        variable_names: tuple[str, ...]) -> CheckpointInspection:
    return CheckpointInspection(prefix, kind, source, rows, note, MappingProxyType(held), variable_names)


def inspect_checkpoint(checkpoint: CheckpointIndex | str | os.PathLike[str], *,
                       verify_checksums: bool = True) -> CheckpointInspection:
    """Summarize a checkpoint (an index already read, or a path read_checkpoint accepts; `verify_checksums` applies
    to both reads).

    The object graph is read when the checkpoint has one; if its data shard is missing, cut short or corrupt, the
    rows come from the index's keys instead and `note` gives the one-line CheckpointError. A path that is not a
    readable index raises CheckpointError (read_checkpoint's).
    """
    if isinstance(checkpoint, CheckpointIndex):
        index = checkpoint
    else:
        index = read_checkpoint(checkpoint, verify_checksums=verify_checksums)
    if index.kind == "name-based":
        return CheckpointInspection(index.prefix, "name-based", "names", _rows_from_keys(index),
                                    variable_names=index.variable_names())
    try:
        graph = read_object_graph(index, verify_checksums=verify_checksums)
    except CheckpointError as error:
        note = f"counted from the index's keys: the object graph could not be read ({error})"
        return CheckpointInspection(index.prefix, "object-based", "keys", _rows_from_keys(index), note,
                                    MappingProxyType(_held_by_keys(index)))
    assert graph is not None  # an object-based index has the graph's location
    return CheckpointInspection(index.prefix, "object-based", "object-graph", graph.rows(), "",
                                MappingProxyType(graph.held_values()))


def _rows_from_keys(index: CheckpointIndex) -> tuple[TopLevelRow, ...]:
    """The summary rows the index alone gives (its names), where there is no object graph to read."""
    return tuple(TopLevelRow(row.name, row.variables, row.kind) for row in index.describe())


def _held_by_keys(index: CheckpointIndex) -> dict[str, frozenset[str]]:
    """{owner: its keys}, each key under the one top-level object it names (a slot under its optimizer)."""
    held: dict[str, set[str]] = {}
    for name, key in index.object_keys.items():
        held.setdefault(key.owner, set()).add(name)
    return {owner: frozenset(keys) for owner, keys in sorted(held.items())}


@dataclass(frozen=True)
class RestoreDecision:
    """What `tf.train.Checkpoint(**objects).restore(path)` does with the checkpoint at `path`, for the names asked.

    `kind` is the first that applies:

    - "name_based": the checkpoint has no object graph (tf.compat.v1.train.Saver wrote it). TensorFlow's restore then
      falls back to name matching: every variable reachable from the restoring Checkpoint is looked up by its own
      name (`tf.Variable(name=...)`), whatever keyword holds it, so the keyword names say nothing. A variable whose
      name is no key of the checkpoint keeps its value, silently; `assert_consumed()` on the status says which.
      Check that the names match the keys (`tf.train.list_variables(path)`), or restore with
      `tf.compat.v1.train.Saver(var_list={key: variable})`. `missing` and `unrequested` are empty.
    - "missing": some names asked for hold no value in the checkpoint (`missing`): no such top-level object was
      saved, or it was saved without any value (`empty`, a subset of `missing`: a Keras model not built yet, a
      tf.Module that had no variables then). The restore matches nothing for them and warns about nothing: their
      variables keep their initial values (only `assert_existing_objects_matched()` or `assert_consumed()` on the
      status notices). An `empty` name is harmless only if the restored object has no variables either, which the
      checkpoint cannot tell. "missing" comes before "partial" because it needs a person; `unrequested`
      is still filled, so that a rule can add `.expect_partial()` as well.
    - "partial": the checkpoint holds top-level objects with values that are not asked for (`unrequested`). TensorFlow
      warns when the status is deleted ("Value in checkpoint could not be found in the restored object") and
      `assert_consumed()` fails; `.expect_partial()` says the restore is meant to be partial. An object counts when it
      holds any value, even one another object reaches too (a compiled Keras 3 model reaches its optimizer's
      variables): whether the restored objects reach it too depends on how they were built (an optimizer is built
      by its first step), which the checkpoint cannot say.
    - "full": the checkpoint holds values for exactly the names asked for, `save_counter` aside (every
      tf.train.Checkpoint saves it and restores it itself, so it is never asked for and never extra). Top-level
      objects saved without values do not count either: there is nothing to restore from them.

    A value is held by a top-level object when it is reachable from it in the object graph (children, and the slot
    variables of a TF 1 style optimizer), which is what the restore matches. When `source` is "keys" (the data shard
    could not be read), a value is held only by the object its key names: a Keras 3 model whose weights are keyed
    under its optimizer then looks missing, and `reason` says so. `reason` is one line for a finding.
    """

    kind: DecisionKind
    requested: tuple[str, ...]
    missing: tuple[str, ...] = ()
    unrequested: tuple[str, ...] = ()
    empty: tuple[str, ...] = ()
    source: Source = "object-graph"
    reason: str = ""

    @property
    def expect_partial(self) -> bool:
        """Whether the restore leaves checkpoint values unrestored, i.e. `.expect_partial()` is what is meant."""
        return bool(self.unrequested)


def decide_restore(checkpoint: CheckpointIndex | CheckpointInspection, requested: Iterable[str]) -> RestoreDecision:
    """Decide what restoring the top-level names `requested` (the keyword names of the restoring
    `tf.train.Checkpoint(...)`, `root` excluded) from this checkpoint does; see RestoreDecision for each case.

    Given a CheckpointInspection the call is pure; given a CheckpointIndex, it inspects it first (reading the object
    graph from the data shard, or falling back to the keys).
    """
    if isinstance(requested, str):
        raise TypeError("requested is a collection of names, not one string")
    inspection = checkpoint if isinstance(checkpoint, CheckpointInspection) else inspect_checkpoint(checkpoint)
    asked = tuple(sorted({name for name in requested if name != SAVE_COUNTER}))
    if inspection.kind == "name-based":
        return RestoreDecision("name_based", asked, source="names", reason=_name_based_reason(inspection))
    held = {name: values for name, values in inspection.held.items() if name != SAVE_COUNTER and values}
    missing = tuple(name for name in asked if name not in held)
    unrequested = tuple(name for name in held if name not in asked)
    kind: DecisionKind = "missing" if missing else "partial" if unrequested else "full"
    parts = []
    empty = tuple(name for name in missing if name in inspection.held)
    if missing:
        absent = [name for name in missing if name not in inspection.held]
        text = []
        if absent:
            text.append(f"{_names(absent)} {_is(absent)} not in it")
        if empty:
            text.append(f"{_names(empty)} {_is(empty)} in it without any value")
        parts.append(f"the checkpoint holds no value for {_names(missing)} ({'; '.join(text)}): "
                     "the restore silently restores nothing into "
                     f"{'it' if len(missing) == 1 else 'them'}")
    if unrequested:
        counts = ", ".join(f"{name or '(root)'} ({len(held[name])})" for name in unrequested)
        parts.append(f"the checkpoint also holds values of {counts} that the restore does not ask for: "
                     "a partial restore (.expect_partial())")
    if not parts:
        asked_text = _names(asked) if asked else "nothing but save_counter"
        parts.append(f"the checkpoint holds values for exactly {asked_text} (save_counter aside)")
    reason = "; ".join(parts)
    if inspection.source == "keys":
        reason += (f"; judged from the index's keys, where a value counts only under the object its key names (a "
                   f"Keras 3 model's weights are keyed under its optimizer): {inspection.note}")
    return RestoreDecision(kind, asked, missing, unrequested, empty, inspection.source, reason)


def _name_based_reason(inspection: CheckpointInspection) -> str:
    names = inspection.variable_names
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    return (f"a name-based checkpoint (tf.compat.v1.train.Saver, no object graph): the restore matches each variable "
            f"by its own name (tf.Variable(name=...)) against the {len(names)} keys ({shown}), whatever keyword "
            "holds it, and a variable named otherwise keeps its value silently: check the names (assert_consumed() "
            "on the status lists what was not restored), or restore with tf.compat.v1.train.Saver(var_list={key: "
            "variable})")


def _names(names: Iterable[str]) -> str:
    return ", ".join(name or "(root)" for name in names)


def _is(names: Collection[str]) -> str:
    return "is" if len(names) == 1 else "are"


# --- the protobuf wire format -------------------------------------------------------------------------------------
#
# One loop per message type, dispatching on the tag byte: every tag TensorFlow writes here fits in one byte, and most
# lengths and node ids do too, so those take a fast path; anything else (longer varints, fields of other numbers or
# wire types) goes through _varint and _skip_field. ~10 MB a second; a list of fields per message was half as fast.


def _varint(buffer: bytes, position: int, limit: int, what: str) -> tuple[int, int]:
    result = 0
    shift = 0
    while position < limit and shift < 64:
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, position
        shift += 7
    raise ValueError(f"corrupt: {what} has a bad varint")


def _skip_field(buffer: bytes, position: int, limit: int, what: str) -> int:
    """Skip the field whose tag starts at `position`, by its wire type, as protobuf skips an unknown field (groups,
    wire types 3 and 4, are not in proto3 and TensorFlow never writes them).
    """
    tag, position = _varint(buffer, position, limit, what)
    wire = tag & 7
    if wire == 0:
        return _varint(buffer, position, limit, what)[1]
    if wire == 2:
        length, position = _varint(buffer, position, limit, what)
        end = position + length
    elif wire == 1 or wire == 5:
        end = position + (8 if wire == 1 else 4)
    else:
        raise ValueError(f"corrupt: {what} has a field of wire type {wire}")
    if end > limit:
        raise ValueError(f"corrupt: {what} is cut short")
    return end


def _delimited(buffer: bytes, position: int, limit: int, what: str) -> tuple[int, int]:
    """(start, end) of a length-delimited value whose length starts at `position`."""
    length = buffer[position] if position < limit else 0x80
    if length < 0x80:
        position += 1
    elif position + 1 < limit and buffer[position + 1] < 0x80:
        length = (length & 0x7F) | buffer[position + 1] << 7
        position += 2
    else:
        length, position = _varint(buffer, position, limit, what)
    end = position + length
    if end > limit:
        raise ValueError(f"corrupt: {what} is cut short")
    return position, end


def _number(buffer: bytes, position: int, limit: int, what: str) -> tuple[int, int]:
    """An int32 varint starting at `position`: negative numbers are ten bytes of their 64-bit two's complement."""
    byte = buffer[position] if position < limit else 0x80
    if byte < 0x80:
        return byte, position + 1
    if position + 1 < limit and buffer[position + 1] < 0x80:  # below 16,384 nodes, the other common case
        return (byte & 0x7F) | buffer[position + 1] << 7, position + 2
    value, position = _varint(buffer, position, limit, what)
    return (value - (1 << 64) if value >= 1 << 63 else value), position


def parse_object_graph(data: bytes) -> ObjectGraph:
    """Decode a serialized TrackableObjectGraph. Raises ValueError, one line, for bytes that are not one.

    Beyond the wire format, the graph must have a root, every node id it names must be one of its nodes, and its
    strings must be UTF-8 (protobuf refuses others in a proto3 string). Fields TensorFlow does not write there, and
    fields a newer TensorFlow may add, are skipped.
    """
    what = "the object graph"
    interned: dict[str, str] = {}  # local names and attribute names repeat (`kernel`, `VARIABLE_VALUE`)
    nodes: list[GraphNode] = []
    position = 0
    limit = len(data)
    # The decoder makes a few tuples per field and keeps them all: the cyclic garbage collector would walk them again
    # and again for nothing (a quarter of the time on a 13 MB graph). It is paused while decoding, never left off.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while position < limit:
            if data[position] == 0x0A:  # nodes = 1
                start, end = _delimited(data, position + 1, limit, what)
                nodes.append(_decode_node(data, start, end, interned, what))
                position = end
            else:
                position = _skip_field(data, position, limit, what)
    except UnicodeDecodeError:
        raise ValueError(f"corrupt: {what} holds a string that is not UTF-8") from None
    finally:
        if collecting:
            gc.enable()
    if not nodes:
        raise ValueError(f"corrupt: {what} has no nodes")
    count = len(nodes)
    for node in nodes:
        for child in node.children:
            if not 0 <= child.node_id < count:
                raise ValueError(f"corrupt: {what} names node {child.node_id}, but has {count}")
        for slot in node.slot_variables:
            if not (0 <= slot.slot_variable_node_id < count and 0 <= slot.original_variable_node_id < count):
                raise ValueError(f"corrupt: {what} names a slot variable outside its {count} nodes")
    return ObjectGraph(tuple(nodes))


_NO_CHILDREN: tuple[Child, ...] = ()
_NO_ATTRIBUTES: tuple[Attribute, ...] = ()
_NO_SLOTS: tuple[SlotVariable, ...] = ()


def _decode_node(data: bytes, position: int, end: int, interned: dict[str, str], what: str) -> GraphNode:
    """One TrackableObject (the module's docstring lists its fields)."""
    children: list[Child] = []
    attributes: list[Attribute] = []
    slots: list[SlotVariable] = []
    saver = ""
    has_values: bool | None = None
    intern = interned.setdefault
    while position < end:
        tag = data[position]
        if tag == 0x0A or tag == 0x12 or tag == 0x1A or tag == 0x22 or tag == 0x2A:
            start, stop = _delimited(data, position + 1, end, what)
            position = stop
        else:
            position = _skip_field(data, position, end, what)
            continue
        if tag == 0x0A:  # children: ObjectReference
            node_id = 0
            name = ""
            while start < stop:
                sub = data[start]
                if sub == 0x08:
                    node_id, start = _number(data, start + 1, stop, what)
                elif sub == 0x12:
                    a, start = _delimited(data, start + 1, stop, what)
                    name = data[a:start].decode()
                else:
                    start = _skip_field(data, start, stop, what)
            children.append(Child(node_id, intern(name, name)))
        elif tag == 0x12:  # attributes: SerializedTensor
            texts = ["", "", ""]
            while start < stop:
                sub = data[start]
                if sub == 0x0A or sub == 0x12 or sub == 0x1A:
                    a, start = _delimited(data, start + 1, stop, what)
                    texts[(sub >> 3) - 1] = data[a:start].decode()
                else:  # optional_restore = 4, and anything newer
                    start = _skip_field(data, start, stop, what)
            attributes.append(Attribute(intern(texts[0], texts[0]), texts[1], texts[2]))
        elif tag == 0x1A:  # slot_variables: SlotVariableReference
            original = slot_node = 0
            slot_name = ""
            while start < stop:
                sub = data[start]
                if sub == 0x08:
                    original, start = _number(data, start + 1, stop, what)
                elif sub == 0x12:
                    a, start = _delimited(data, start + 1, stop, what)
                    slot_name = data[a:start].decode()
                elif sub == 0x18:
                    slot_node, start = _number(data, start + 1, stop, what)
                else:
                    start = _skip_field(data, start, stop, what)
            slots.append(SlotVariable(original, intern(slot_name, slot_name), slot_node))
        elif tag == 0x22:  # registered_saver: RegisteredSaver
            saver = "?"  # present, even without a name: the saver wrote values
            while start < stop:
                if data[start] == 0x0A:
                    a, start = _delimited(data, start + 1, stop, what)
                    saver = data[a:start].decode() or "?"
                else:  # object_name = 2
                    start = _skip_field(data, start, stop, what)
        else:  # has_checkpoint_values: google.protobuf.BoolValue
            has_values = False
            while start < stop:
                if data[start] == 0x08:
                    value, start = _varint(data, start + 1, stop, what)
                    has_values = value != 0
                else:
                    start = _skip_field(data, start, stop, what)
    return GraphNode(tuple(children) if children else _NO_CHILDREN,
                     tuple(attributes) if attributes else _NO_ATTRIBUTES,
                     tuple(slots) if slots else _NO_SLOTS, saver, has_values)

"""Reads a TensorFlow checkpoint's `<prefix>.index` without TensorFlow, to see what a checkpoint really holds.

Whether `ckpt.restore(path)` is partial depends on what the checkpoint at `path` saved, and the user's code rarely
says. The codemod never imports TensorFlow (nor anything the user runs), so this module reads the index itself: it
names every saved tensor with its dtype, shape and data shard, and says which top-level objects they belong to.

The format, as TensorFlow 2.21 writes it (tensorflow/core/util/tensor_bundle/tensor_bundle.cc):

- The index is a LevelDB-format table (an SSTable; LevelDB's doc/table_format.md, TensorFlow's
  tensorflow/core/lib/io/format.cc, block.cc, table_builder.cc). The file ends with a 48-byte footer: the BlockHandles
  (varint offset, varint size) of the metaindex block and of the index block, zero padding to 40 bytes, and the magic
  number 0xdb4775248b80fb57 as a little-endian fixed64. The index block maps a separator key to the BlockHandle of
  each data block. A block is a run of prefix-compressed entries (`shared` varint, `non_shared` varint,
  `value_length` varint, the key bytes after the shared prefix, the value), then an array of fixed32 restart
  offsets and their fixed32 count. Each block is followed by a 5-byte trailer: the compression type (0 none,
  1 snappy) and the masked crc32c of the block and that type byte.
- Keys are the saved tensors' names, sorted bytewise. The empty key holds a BundleHeaderProto (number of data
  shards, endianness); every other value is a BundleEntryProto (tensorflow/core/protobuf/tensor_bundle.proto): dtype,
  shape, shard id, offset, size, crc32c, and for a partitioned tensor its slices. A slice of a partitioned tensor
  has its own entry whose key starts with a zero byte (tensorflow/core/util/saved_tensor_slice_util.cc:
  "All the tensor slice keys will start with a 0"); like `tf.train.list_variables`, the reader skips those and keeps
  the entry of the whole tensor.
- Object-based checkpoints (`tf.train.Checkpoint`) name a value by the path of names from the root to the object
  that holds it, then `.ATTRIBUTES`, then the attribute (`model/layer1/kernel/.ATTRIBUTES/VARIABLE_VALUE`), and also
  save the object graph itself under `_CHECKPOINTABLE_OBJECT_GRAPH`. Each name is escaped
  (tensorflow/python/trackable/trackable_utils.py, `escape_local_name`): `.` becomes `..` and `/` becomes `.S`, so
  `/` only separates names and a component that starts with one `.` and a letter other than `S` is TensorFlow's
  own (`.ATTRIBUTES`, `.OPTIMIZER_SLOT`). A slot variable of a TF 1 style optimizer is saved as
  `<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot name>/.ATTRIBUTES/VARIABLE_VALUE`. Name-based checkpoints
  (`tf.compat.v1.train.Saver`) use the variables' graph names (`policy/kernel`) and have no object graph.

A key records one path to a value: the first one TensorFlow's breadth-first walk of the object graph met. A value
reachable from two top-level objects is listed under one of them only. Keras 3 makes this common: in
`tf.train.Checkpoint(model=model, optimizer=optimizer)` the model's weights are found first through the optimizer
(`optimizer/_trainable_variables/0/...`), and no key starts with `model/` at all. `top_level_objects()` therefore
tells which top-level objects own keys, not every object the checkpoint's graph holds.

Only the index is read; the `.data-*` shards are never opened (checkpoint_graph.py reads the object graph from
one). Reading is pure Python and stdlib only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple

__all__ = [
    "ATTRIBUTES_NAME",
    "OBJECT_GRAPH_KEY",
    "OPTIMIZER_SLOT_NAME",
    "STATE_FILENAME",
    "CheckpointError",
    "CheckpointIndex",
    "CheckpointKey",
    "CheckpointRow",
    "DataLocation",
    "TensorEntry",
    "read_checkpoint",
    "unescape_local_name",
]

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"  # tensorflow/python/trackable/constants.py
ATTRIBUTES_NAME = ".ATTRIBUTES"  # trackable_utils.OBJECT_ATTRIBUTES_NAME
OPTIMIZER_SLOT_NAME = ".OPTIMIZER_SLOT"  # trackable_utils._OPTIMIZER_SLOTS_NAME
STATE_FILENAME = "checkpoint"  # what tf.train.CheckpointManager and Saver write next to their checkpoints

Kind = Literal["object-based", "name-based"]

_FOOTER_SIZE = 48  # 2 * BlockHandle::kMaxEncodedLength + 8 bytes of magic
_MAGIC = 0xDB4775248B80FB57
_TRAILER_SIZE = 5  # compression type byte + masked crc32c
_NO_COMPRESSION = 0
_SNAPPY_COMPRESSION = 1
_CRC_MASK_DELTA = 0xA282EAD8  # LevelDB's crc32c::Mask: rotate right by 15 bits, then add this
_DATA_SHARD = re.compile(r"\.data-\d{5}-of-\d{5}$")

# tensorflow/core/framework/types.proto, spelled as tf.dtypes.DType.name spells them.
_DTYPE_NAMES = (
    "invalid", "float32", "float64", "int32", "uint8", "int16", "int8", "string", "complex64", "int64", "bool",
    "qint8", "quint8", "qint32", "bfloat16", "qint16", "quint16", "uint16", "complex128", "float16", "resource",
    "variant", "uint32", "uint64", "float8_e5m2", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e4m3b11fnuz",
    "float8_e5m2fnuz", "int4", "uint4", "int2", "uint2", "float4_e2m1fn",
)


class CheckpointError(Exception):
    """A checkpoint that cannot be read: the message is one line and names the file, never a traceback.

    `path` is the file at fault and `reason` what is wrong with it, so a caller can print `path: error: reason`.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class _Corrupt(Exception):
    """Raised deep in the decoder, where the file name is not known; read_checkpoint adds it."""


class TensorEntry(NamedTuple):
    """One saved tensor. A NamedTuple, not a dataclass: an index may hold 100,000 of them."""

    dtype: str  # as tf.dtypes.DType.name: "float32", "int64", "string"; unknown ones as "dtype_<number>"
    shape: tuple[int, ...]
    shard_id: int  # the `.data-<shard_id>-of-<num_shards>` file that holds the bytes, as TensorFlow recorded it
    # A partitioned tensor (a tf.compat.v1 partitioner, or a slice-splitting sharding policy) has this many slices,
    # each with its own hidden entry and shard; TensorFlow then ignores `shard_id`. 0 for a whole tensor.
    slices: int = 0


class DataLocation(NamedTuple):
    """Where one saved tensor's bytes are, as its BundleEntryProto records it: the data shard, the byte range in it,
    and the masked crc32c TensorFlow checks them against (tensor_bundle.cc, BundleWriter::Add).
    """

    shard_id: int
    offset: int
    size: int
    masked_crc32c: int


class CheckpointKey(NamedTuple):
    """An object-based key taken apart, names unescaped.

    `path` is the object that holds the value (`("model", "layer1", "kernel")`) and `attribute` the value's name in it
    (`"VARIABLE_VALUE"`). For a slot variable, `slot_for` is the path of the variable it is a slot of, `path` the
    optimizer's path followed by the slot name (`("optimizer", "m")`): the optimizer is what saved the slot, and
    restoring without it leaves the slot unused.
    """

    path: tuple[str, ...]
    attribute: str
    slot_for: tuple[str, ...] | None = None

    @property
    def owner(self) -> str:
        """The top-level object this value counts under."""
        return self.path[0] if self.path else ""

    def object_path(self) -> str:
        """The holder's path as TensorFlow prints it, unescaped: `model/layer1/kernel`.

        A slot variable keeps TensorFlow's marker: `model/layer1/kernel/.OPTIMIZER_SLOT/optimizer/m`.
        """
        if self.slot_for is None:
            return "/".join(self.path)
        return "/".join((*self.slot_for, OPTIMIZER_SLOT_NAME, *self.path))


class CheckpointRow(NamedTuple):
    """One line of a checkpoint summary table, plain data for a renderer.

    `kind` is "object" (a top-level object with children), "variable" (a top-level object that is itself a value,
    like `step` or `save_counter`; or a name-based variable outside any scope), or "scope" (a name-based scope).
    `variables` counts saved tensors, slot variables included; `slot_variables` says how many of them are slots.
    """

    name: str
    kind: str
    variables: int
    slot_variables: int = 0


@dataclass(frozen=True)
class CheckpointIndex:
    """What one checkpoint's index says: every saved tensor, keyed by its name, in the index's (sorted) order.

    `entries` holds what `tf.train.list_variables(prefix)` lists, `_CHECKPOINTABLE_OBJECT_GRAPH` included.
    `object_graph_location` says where the object graph's bytes are (None in a name-based checkpoint), for
    checkpoint_graph.py, the one reader of a data shard; `big_endian` is the header's byte order of those bytes.
    """

    prefix: str
    index_path: str
    entries: Mapping[str, TensorEntry] = field(hash=False, repr=False)
    num_shards: int = 1
    object_graph_location: DataLocation | None = None
    big_endian: bool = False

    @property
    def kind(self) -> Kind:
        """"object-based" when the checkpoint saved an object graph (tf.train.Checkpoint), else "name-based"."""
        return "object-based" if OBJECT_GRAPH_KEY in self.entries else "name-based"

    @property
    def data_files(self) -> tuple[str, ...]:
        """The data shards the header announces; the index reader never opens them."""
        return tuple(self.data_file(i) for i in range(self.num_shards))

    def data_file(self, shard_id: int) -> str:
        """The path of data shard `shard_id`: `<prefix>.data-<shard_id>-of-<num_shards>`, five digits each."""
        return f"{self.prefix}.data-{shard_id:05d}-of-{self.num_shards:05d}"

    def variable_names(self) -> tuple[str, ...]:
        """Every saved tensor's name (the object graph excluded), as the index sorts them.

        For a name-based checkpoint these are the graph's variable names (`policy/kernel`); for an object-based one the
        raw, escaped keys.
        """
        return tuple(name for name in self.entries if name != OBJECT_GRAPH_KEY)

    @cached_property
    def object_keys(self) -> Mapping[str, CheckpointKey]:
        """Each object-based key taken apart (see CheckpointKey); computed once, on first use."""
        self._require_object_based()
        unescaper = _Unescaper()
        return MappingProxyType(
            {name: parse_key(name, unescaper) for name in self.entries if name != OBJECT_GRAPH_KEY})

    @cached_property
    def _objects(self) -> _ObjectSummary:
        """Everything the object helpers say, in one pass of string operations: they must stay fast on 100,000 keys.

        Nothing is unescaped per key: escaped names are unescaped once each at the end (escaping is one-to-one, so
        distinct escaped names stay distinct).
        """
        self._require_object_based()
        totals: dict[str, list[int]] = {}  # escaped owner -> [values, slot variables, values the owner holds itself]
        holders: dict[str, None] = {}  # escaped holder paths, each once, in the index's order
        for name in self.entries:
            if name == OBJECT_GRAPH_KEY:
                continue
            holder, separator, _ = name.rpartition(_ATTRIBUTES_SEPARATOR)
            if not separator:
                holder = _split_key(name)[0]
            slot = _split_slot(holder) if OPTIMIZER_SLOT_NAME in holder else None
            if slot is None:
                owner, slash, _ = holder.partition("/")
                held_by_owner = not slash
            else:
                owner = slot[1].partition("/")[0]
                held_by_owner = False
            counts = totals.get(owner)
            if counts is None:
                counts = totals[owner] = [0, 0, 0]
            counts[0] += 1
            counts[1] += slot is not None
            counts[2] += held_by_owner
            holders[holder] = None
        whole = _Unescaper.whole
        rows = tuple(
            CheckpointRow(name, "variable" if own == values else "object", values, slots)
            for name, (values, slots, own) in sorted((unescape_local_name(owner), counts)
                                                     for owner, counts in totals.items()))
        return _ObjectSummary(rows, tuple([whole(holder) for holder in holders]))

    def top_level_objects(self) -> dict[str, int]:
        """{top-level name: number of saved tensors keyed under it}, names unescaped and sorted; from the keys alone.

        These are the keyword names of the `tf.train.Checkpoint(...)` that saved it, as far as they own keys (see the
        module's docstring on Keras 3). Slot variables count under their optimizer (CheckpointKey explains why). The
        object graph is not an object. Raises ValueError for a name-based checkpoint, which has no objects.
        `checkpoint_graph.checkpoint_objects(index)` gives the object graph's answer: every value each top-level
        object reaches, whatever path its key took.
        """
        return {row.name: row.variables for row in self._objects.rows}

    def object_paths(self) -> tuple[str, ...]:
        """Every object that holds a saved value, by its unescaped path (`model/layer1/kernel`), each once, in the
        index's order.

        An object with several values (a lookup table's keys and values) appears once; a slot variable keeps
        TensorFlow's marker (`model/layer1/kernel/.OPTIMIZER_SLOT/optimizer/m`). Names that contain `/` are
        ambiguous in this form; `object_keys` has the exact components. Raises ValueError for a name-based
        checkpoint.
        """
        return self._objects.paths

    def describe(self) -> tuple[CheckpointRow, ...]:
        """Rows for a summary table: one per top-level object (object-based) or name scope (name-based), sorted."""
        if self.kind == "object-based":
            return self._objects.rows
        return self._describe_scopes()

    def _describe_scopes(self) -> tuple[CheckpointRow, ...]:
        totals: dict[str, list[int]] = {}  # scope -> [variables, variables named exactly the scope]
        for name in self.variable_names():
            scope = name.split("/", 1)[0]
            counts = totals.setdefault(scope, [0, 0])
            counts[0] += 1
            if scope == name:
                counts[1] += 1
        return tuple(
            CheckpointRow(name, "variable" if own == count else "scope", count)
            for name, (count, own) in sorted(totals.items()))

    def _require_object_based(self) -> None:
        """A name-based checkpoint has variables, not objects: asking for its objects is the caller's mistake."""
        if self.kind != "object-based":
            raise ValueError(f"{self.index_path}: a name-based checkpoint (tf.compat.v1.train.Saver) has no objects; "
                             "use variable_names()")


# --- key names ----------------------------------------------------------------------------------------------------

_ESCAPED = re.compile(r"\.(.)", re.DOTALL)


def _unescape_match(match: re.Match[str]) -> str:
    char = match.group(1)
    return "." if char == "." else "/" if char == "S" else match.group(0)


def unescape_local_name(name: str) -> str:
    """Undo TensorFlow's `escape_local_name`: `..` is `.` and `.S` is `/`, read left to right."""
    return _ESCAPED.sub(_unescape_match, name) if "." in name else name


class _Unescaper(dict[str, str]):
    """unescape_local_name with memory: the names of a large checkpoint repeat (model, layer_with_weights-3, ...)."""

    def __missing__(self, name: str) -> str:
        plain = self[name] = unescape_local_name(name)
        return plain

    def path(self, escaped: str) -> tuple[str, ...]:
        """The unescaped components of a `/`-separated escaped path; the empty path has none."""
        return tuple([self[part] for part in escaped.split("/")]) if escaped else ()

    @staticmethod
    def whole(escaped: str) -> str:
        """Unescape a whole path at once. Escapes never span a `/` (an escaped name has no `/` and no lone trailing
        `.`), and TensorFlow's own names (`.OPTIMIZER_SLOT`) are left as they are, so this equals unescaping each
        component. Nearly every real path has nothing to undo.
        """
        return unescape_local_name(escaped) if ".." in escaped or ".S" in escaped else escaped


class _ObjectSummary(NamedTuple):
    rows: tuple[CheckpointRow, ...]  # one per top-level object, sorted by name
    paths: tuple[str, ...]  # object_paths()


_ATTRIBUTES_SEPARATOR = f"/{ATTRIBUTES_NAME}/"
_SLOT_SEPARATOR = f"/{OPTIMIZER_SLOT_NAME}/"


def _split_key(name: str) -> tuple[str, str]:
    """(escaped holder path, escaped attribute) of an object-based key: the split is at the last `.ATTRIBUTES`.

    An attribute written through _serialize_to_tensors may itself contain `/`: it is all that follows. A key without
    `.ATTRIBUTES` (not written by tf.train.Checkpoint) is all holder; a root that is itself a value has an empty path.
    """
    holder, separator, attribute = name.rpartition(_ATTRIBUTES_SEPARATOR)
    if separator:
        return holder, attribute
    if name.startswith(ATTRIBUTES_NAME + "/"):
        return "", name[len(ATTRIBUTES_NAME) + 1:]
    if name.endswith("/" + ATTRIBUTES_NAME):
        return name[:-len(ATTRIBUTES_NAME) - 1], ""
    return name, ""


def _split_slot(holder: str) -> tuple[str, str] | None:
    """(escaped variable path, escaped optimizer path and slot name) of a slot variable's holder, else None."""
    variable, separator, rest = holder.partition(_SLOT_SEPARATOR)
    if separator:
        return variable, rest
    if holder.startswith(OPTIMIZER_SLOT_NAME + "/"):
        return "", holder[len(OPTIMIZER_SLOT_NAME) + 1:]
    return None


def parse_key(name: str, unescaper: _Unescaper | None = None) -> CheckpointKey:
    """Take an object-based key apart into unescaped components (see CheckpointKey)."""
    names = unescaper if unescaper is not None else _Unescaper()
    holder, attribute = _split_key(name)
    plain_attribute = "/".join(names.path(attribute))
    slot = _split_slot(holder)
    if slot is not None:
        return CheckpointKey(names.path(slot[1]), plain_attribute, names.path(slot[0]))
    return CheckpointKey(names.path(holder), plain_attribute)


# --- finding the index --------------------------------------------------------------------------------------------

_STATE_FIELD = re.compile(
    r"""^\s*(model_checkpoint_path|all_model_checkpoint_paths)\s*:\s*"""
    r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')""",
    re.MULTILINE)
_TEXT_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", '"': b'"', "'": b"'", "\\": b"\\", "a": b"\a", "b": b"\b",
                   "f": b"\f", "v": b"\v", "?": b"?"}


def _text_proto_string(escaped: str) -> str:
    """Decode a text-format string literal; protobuf writes non-ASCII path bytes as octal escapes."""
    out = bytearray()
    position = 0
    for match in _TEXT_ESCAPE.finditer(escaped):
        out += escaped[position:match.start()].encode("utf-8")
        octal, hexa, char = match.groups()
        if octal is not None:
            out.append(int(octal, 8) & 0xFF)
        elif hexa is not None:
            out.append(int(hexa, 16))
        else:
            out += _SIMPLE_ESCAPES.get(char, char.encode("utf-8"))
        position = match.end()
    out += escaped[position:].encode("utf-8")
    return out.decode("utf-8", errors="surrogateescape")


def _latest_from_state(state_file: Path) -> Path:
    """The index of the checkpoint a `checkpoint` state file names as the latest.

    TensorFlow writes `model_checkpoint_path: "ckpt-3"` (the latest) and one `all_model_checkpoint_paths` line per
    kept checkpoint; without the first, the last of the others is the latest. A relative path is relative to the
    state file's directory. An absolute path that does not exist but whose file name does in that directory is taken
    from there: the directory was copied from the machine that trained (tf.compat.v1.train.Saver writes absolute
    paths), and that copy is the one the user means.
    """
    try:
        text = state_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(state_file, f"unreadable checkpoint state file: {_os_reason(error)}") from None
    latest: str | None = None
    kept: list[str] = []
    for match in _STATE_FIELD.finditer(text):
        value = _text_proto_string(match.group(2) if match.group(2) is not None else match.group(3))
        if match.group(1) == "model_checkpoint_path":
            latest = value
        else:
            kept.append(value)
    if latest is None and kept:
        latest = kept[-1]
    if not latest:
        raise CheckpointError(state_file, 'unreadable checkpoint state file: no model_checkpoint_path: "..." line')
    prefix = Path(latest)
    if not prefix.is_absolute():
        prefix = state_file.parent / prefix
    elif not _index_of(prefix).is_file() and _index_of(state_file.parent / prefix.name).is_file():
        prefix = state_file.parent / prefix.name
    index = _index_of(prefix)
    if not index.is_file():
        raise CheckpointError(index, f"missing: {state_file} names {latest!r} as the latest checkpoint, "
                                     "but its index is not there")
    return index


def _index_of(prefix: Path) -> Path:
    return Path(os.fspath(prefix) + ".index")


def _index_in_directory(directory: Path) -> Path:
    """A directory holds checkpoints: its `checkpoint` state file says which is the latest.

    Without a state file, a directory with exactly one `.index` is unambiguous and that one is read; with several the
    reader will not guess which one the user restores (the highest number is not always the latest: a manager may
    have been restarted with a new prefix), and the error asks for a prefix.
    """
    state_file = directory / STATE_FILENAME
    if state_file.is_file():
        return _latest_from_state(state_file)
    try:
        indexes = sorted(child for child in directory.iterdir() if child.name.endswith(".index") and child.is_file())
    except OSError as error:
        raise CheckpointError(directory, f"unreadable directory: {_os_reason(error)}") from None
    if len(indexes) == 1:
        return indexes[0]
    if not indexes:
        raise CheckpointError(directory, "no checkpoint here: no `checkpoint` state file and no .index file")
    raise CheckpointError(directory, f"{len(indexes)} checkpoints and no `checkpoint` state file naming the latest; "
                                     f"pass one prefix, e.g. {str(indexes[-1])[:-len('.index')]}")


def _resolve_index(path: Path) -> Path:
    """`path` may be a prefix (`ckpts/ckpt-3`), its `.index`, one of its `.data-*` shards, a directory of
    checkpoints, or that directory's `checkpoint` state file. A prefix wins over a same-named file or directory.
    """
    if path.name and _index_of(path).is_file():
        return _index_of(path)
    if path.name.endswith(".index") and path.is_file():
        return path
    if path.is_dir():
        return _index_in_directory(path)
    if path.name == STATE_FILENAME and path.is_file():
        return _latest_from_state(path)
    shard = _DATA_SHARD.search(path.name)
    if shard and path.is_file():
        index = path.with_name(path.name[:shard.start()] + ".index")
        if index.is_file():
            return index
        raise CheckpointError(index, f"missing: the index of data shard {path.name} is not there")
    if path.name.endswith(".index"):
        raise CheckpointError(path, "missing: no such checkpoint index")
    raise CheckpointError(path, f"missing: no checkpoint here (neither {_index_of(path).name} nor a directory)")


def _os_reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__


# --- reading ------------------------------------------------------------------------------------------------------


def read_checkpoint(path: str | os.PathLike[str], *, verify_checksums: bool = True) -> CheckpointIndex:
    """Read the checkpoint at `path` (a prefix, its `.index`, or a directory; see _resolve_index).

    Every block's crc32c is checked unless `verify_checksums` is false (it costs ~10 ms a MB; see crc32c). Raises
    CheckpointError, with a one-line message naming the file, for anything that is not a readable TensorFlow
    checkpoint index.
    """
    index = _resolve_index(Path(path))
    try:
        with open(index, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise CheckpointError(index, f"unreadable: {_os_reason(error)}") from None
    try:
        parsed = _parse_index(data, verify_checksums)
    except _Corrupt as error:
        raise CheckpointError(index, str(error)) from None
    index_text = str(index)
    return CheckpointIndex(prefix=index_text[:-len(".index")], index_path=index_text,
                           entries=MappingProxyType(parsed.entries), num_shards=parsed.num_shards,
                           object_graph_location=parsed.object_graph_location, big_endian=parsed.big_endian)


class _ParsedIndex(NamedTuple):
    num_shards: int
    big_endian: bool
    entries: dict[str, TensorEntry]
    object_graph_location: DataLocation | None


def _parse_index(data: bytes, verify: bool) -> _ParsedIndex:
    """The header's shard count and byte order, and the entries of a whole index file."""
    size = len(data)
    if size == 0:
        raise _Corrupt("truncated: the file is empty")
    if size < _FOOTER_SIZE:
        if _looks_like_bundle_start(data):
            raise _Corrupt(f"truncated: {size} bytes, shorter than the {_FOOTER_SIZE}-byte table footer")
        raise _Corrupt(f"not a TensorFlow checkpoint index: {size} bytes, too short for a table")
    footer = data[size - _FOOTER_SIZE:]
    if int.from_bytes(footer[40:], "little") != _MAGIC:
        if _looks_like_bundle_start(data):
            raise _Corrupt("truncated: the table footer is missing (the file ends early)")
        raise _Corrupt("not a TensorFlow checkpoint index (bad magic number)")
    metaindex_handle, position = _block_handle(footer, 0, 40)
    index_handle, _ = _block_handle(footer, position, 40)
    _read_block(data, metaindex_handle, "metaindex", verify)  # TensorFlow writes it empty: only checked
    index_block = _read_block(data, index_handle, "index", verify)
    keys: list[bytes] = []
    values: list[bytes] = []
    handles: list[bytes] = []
    _decode_block(index_block, handles, handles)
    for handle_bytes in handles[1::2]:
        handle, _ = _block_handle(handle_bytes, 0, len(handle_bytes))
        _decode_block(_read_block(data, handle, "data", verify), keys, values)
    return _decode_entries(keys, values)


def _looks_like_bundle_start(data: bytes) -> bool:
    """A tensor bundle's first entry is the header under the empty key: shared 0, non-shared 0, a short proto."""
    return len(data) >= 4 and data[0] == 0 and data[1] == 0 and data[2] < 0x80 and data[3] in (0x08, 0x10, 0x1A)


def _block_handle(buffer: bytes, position: int, limit: int) -> tuple[tuple[int, int], int]:
    offset, position = _varint(buffer, position, limit)
    length, position = _varint(buffer, position, limit)
    return (offset, length), position


def _read_block(data: bytes, handle: tuple[int, int], what: str, verify: bool) -> bytes:
    offset, length = handle
    end = offset + length
    if end + _TRAILER_SIZE > len(data) - _FOOTER_SIZE:
        raise _Corrupt(f"truncated or corrupt: {what} block at offset {offset} ({length} bytes) runs past the end "
                       f"of the {len(data)}-byte file")
    compression = data[end]
    if verify:
        stored = int.from_bytes(data[end + 1:end + _TRAILER_SIZE], "little")
        rotated = (stored - _CRC_MASK_DELTA) & 0xFFFFFFFF
        expected = ((rotated << 15) | (rotated >> 17)) & 0xFFFFFFFF
        if crc32c(data[offset:end + 1]) != expected:
            raise _Corrupt(f"corrupt: checksum mismatch in the {what} block at offset {offset}")
    if compression == _SNAPPY_COMPRESSION:
        raise _Corrupt(f"unsupported: the {what} block at offset {offset} is snappy-compressed "
                       "(TensorFlow writes checkpoint indexes uncompressed)")
    if compression != _NO_COMPRESSION:
        raise _Corrupt(f"corrupt: unknown compression type {compression} in the {what} block at offset {offset}")
    return data[offset:end]


def _decode_block(block: bytes, keys: list[bytes], values: list[bytes]) -> None:
    """Append a block's keys and values (keys and values may be the same list: they alternate then)."""
    size = len(block)
    if size < 4:
        raise _Corrupt("corrupt: a block too short for its restart count")
    restarts = int.from_bytes(block[size - 4:], "little")
    limit = size - 4 - 4 * restarts
    if limit < 0:
        raise _Corrupt("corrupt: a block's restart array does not fit in it")
    if restarts == 0:  # LevelDB reads such a block as empty (its builder always writes one restart)
        return
    key = b""
    position = 0
    append_key = keys.append
    append_value = values.append
    while position < limit:
        shared = block[position]
        non_shared = block[position + 1] if position + 1 < limit else 0x80
        value_length = block[position + 2] if position + 2 < limit else 0x80
        if shared | non_shared | value_length < 0x80:
            position += 3
        else:  # LevelDB's slow path: any of the three needs more than one byte
            shared, position = _varint(block, position, limit)
            non_shared, position = _varint(block, position, limit)
            value_length, position = _varint(block, position, limit)
        key_end = position + non_shared
        value_end = key_end + value_length
        if value_end > limit or shared > len(key):
            raise _Corrupt("corrupt: bad entry in block")
        key = key[:shared] + block[position:key_end] if shared else block[position:key_end]
        append_key(key)
        append_value(block[key_end:value_end])
        position = value_end


def _varint(buffer: bytes, position: int, limit: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while position < limit:
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, position
        shift += 7
        if shift > 63:
            break
    raise _Corrupt("corrupt: bad varint")


_OBJECT_GRAPH_KEY_BYTES = OBJECT_GRAPH_KEY.encode()


def _decode_entries(keys: list[bytes], values: list[bytes]) -> _ParsedIndex:
    if not keys or keys[0] != b"":
        raise _Corrupt("not a TensorFlow checkpoint index: no bundle header (a LevelDB table of something else, "
                       "or a TF 1 V1 checkpoint)")
    num_shards, big_endian = _decode_header(values[0])
    graph_location = None
    entries: dict[str, TensorEntry] = {}
    shapes: dict[bytes, tuple[int, ...]] = {}
    # Entries that differ only in offset, size and crc32c (most of a large index) share one TensorEntry.
    shared: dict[tuple[bytes, int], TensorEntry] = {}
    for key, value in zip(keys, values):
        if not key or key[0] == 0:  # the header, and the slices of partitioned tensors
            continue
        if key == _OBJECT_GRAPH_KEY_BYTES:
            graph_location = _decode_location(value, OBJECT_GRAPH_KEY)
        name = key.decode("utf-8", errors="backslashreplace")
        # The fast path, for what TensorFlow writes: fields in number order, dtype and shape with one-byte tags
        # and lengths, maybe a small shard_id, then only offset, size and crc32c. Anything else takes the slow path.
        limit = len(value)
        if limit > 3 and value[0] == 0x08 and value[1] < 0x80 and value[2] == 0x12 and value[3] < 0x80:
            head_end = position = 4 + value[3]
            shard_id = 0
            if position + 1 < limit and value[position] == 0x18 and value[position + 1] < 0x80:
                shard_id = value[position + 1]
                position += 2
            for tag in (0x20, 0x28):  # offset, size: varints to skip
                if position < limit and value[position] == tag:
                    position += 1
                    while position < limit and value[position] >= 0x80:
                        position += 1
                    position += 1
            if position < limit and value[position] == 0x35:  # crc32c: fixed32
                position += 5
            if position == limit:
                head = (value[:head_end], shard_id)
                entry = shared.get(head)
                if entry is None:
                    entry = shared[head] = _decode_entry(value, shapes, name)
                entries[name] = entry
                continue
        entries[name] = _decode_entry(value, shapes, name)
    return _ParsedIndex(num_shards, big_endian, entries, graph_location)


def _decode_header(value: bytes) -> tuple[int, bool]:
    """BundleHeaderProto: num_shards = 1 (int32), endianness = 2 (enum: LITTLE = 0, BIG = 1), version = 3."""
    # Endianness only concerns the tensor bytes in the data shards; names, dtypes and shapes read the same.
    num_shards = 1  # TensorFlow always writes it; a bundle has at least one shard
    big_endian = False
    for number, wire, content in _fields(value, "the bundle header"):
        if number == 1 and wire == 0:
            num_shards = int(content)
        elif number == 2 and wire == 0:
            big_endian = content == 1
    if not 0 < num_shards < 100_000:
        raise _Corrupt(f"corrupt: the bundle header announces {num_shards} data shards")
    return num_shards, big_endian


def _decode_location(value: bytes, name: str) -> DataLocation:
    """BundleEntryProto's shard_id = 3, offset = 4, size = 5 (varints) and crc32c = 6 (fixed32)."""
    numbers = {3: 0, 4: 0, 5: 0, 6: 0}
    for number, wire, content in _fields(value, f"entry {name!r}"):
        if number in numbers and wire == (5 if number == 6 else 0):
            numbers[number] = int(content)
    return DataLocation(numbers[3], numbers[4], numbers[5], numbers[6])


def _decode_entry(value: bytes, shapes: dict[bytes, tuple[int, ...]], name: str) -> TensorEntry:
    """BundleEntryProto, the fields the reader keeps: dtype = 1, shape = 2, shard_id = 3, slices = 7.

    The hot loop of a large index: the usual fields take a one-byte tag fast path, and shapes, which repeat, are
    decoded once per distinct encoding.
    """
    dtype = 0
    shape: tuple[int, ...] = ()
    shard_id = 0
    slices = 0
    position = 0
    limit = len(value)
    while position < limit:
        tag = value[position]
        position += 1
        if tag == 0x08 or tag == 0x18 or tag == 0x20 or tag == 0x28:  # varints: dtype, shard_id, offset, size
            byte = value[position] if position < limit else 0x80
            if byte < 0x80:
                number = byte
                position += 1
            else:
                number, position = _varint(value, position, limit)
            if tag == 0x08:
                dtype = number
            elif tag == 0x18:
                shard_id = number
        elif tag == 0x12 or tag == 0x3A:  # shape, a slice
            length, position = _varint(value, position, limit)
            end = position + length
            if end > limit:
                raise _Corrupt(f"corrupt: entry {name!r} is cut short")
            if tag == 0x12:
                encoded = value[position:end]
                cached = shapes.get(encoded)
                if cached is None:
                    cached = shapes[encoded] = _decode_shape(encoded, name)
                shape = cached
            else:
                slices += 1
            position = end
        elif tag == 0x35:  # crc32c, fixed32
            position += 4
        else:  # a field this reader does not know (written by a newer TensorFlow): skip it by its wire type
            position = _skip_field(value, position - 1, limit, name)
    if position > limit:
        raise _Corrupt(f"corrupt: entry {name!r} is cut short")
    if dtype < len(_DTYPE_NAMES):
        dtype_name = _DTYPE_NAMES[dtype]
    else:
        dtype_name = f"dtype_{dtype}"
    return TensorEntry(dtype_name, shape, shard_id, slices)


def _decode_shape(encoded: bytes, name: str) -> tuple[int, ...]:
    """TensorShapeProto: dim = 2 (each a Dim: size = 1 int64, name = 2), unknown_rank = 3."""
    dims: list[int] = []
    for number, wire, content in _fields(encoded, f"the shape of {name!r}"):
        if number == 2 and wire == 2:
            size = 0
            for dim_number, dim_wire, dim_content in _fields(bytes(content), f"the shape of {name!r}"):
                if dim_number == 1 and dim_wire == 0:
                    size = int(dim_content)
                    if size >= 1 << 63:
                        size -= 1 << 64  # -1: a dimension of unknown size (never in a saved tensor, but legal)
            dims.append(size)
    return tuple(dims)


def _fields(message: bytes, what: str) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) of each field of a protobuf message: the generic, slower path."""
    position = 0
    limit = len(message)
    while position < limit:
        tag, position = _varint(message, position, limit)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            content, position = _varint(message, position, limit)
            yield number, wire, content
        elif wire == 2:
            length, position = _varint(message, position, limit)
            if position + length > limit:
                raise _Corrupt(f"corrupt: {what} is cut short")
            yield number, wire, message[position:position + length]
            position += length
        elif wire == 1 or wire == 5:
            width = 8 if wire == 1 else 4
            if position + width > limit:
                raise _Corrupt(f"corrupt: {what} is cut short")
            yield number, wire, int.from_bytes(message[position:position + width], "little")
            position += width
        else:
            raise _Corrupt(f"corrupt: {what} has a field of wire type {wire}")


def _skip_field(message: bytes, position: int, limit: int, name: str) -> int:
    tag, position = _varint(message, position, limit)
    wire = tag & 7
    if wire == 0:
        return _varint(message, position, limit)[1]
    if wire == 1:
        return position + 8
    if wire == 5:
        return position + 4
    if wire == 2:
        length, position = _varint(message, position, limit)
        return position + length
    raise _Corrupt(f"corrupt: entry {name!r} has a field of wire type {wire}")


# --- crc32c -------------------------------------------------------------------------------------------------------
#
# The stdlib has only zlib's CRC-32, another polynomial. A table-driven crc32c in Python takes one interpreter step
# per byte (or per 4 bytes with 16-bit tables): ~60 ms a MB, more than parsing. Instead the whole block becomes one
# Python integer, i.e. a polynomial over GF(2), and is reduced modulo crc32c's polynomial by folding: with
# A = H * x^s + L, A mod P = (H * (x^s mod P) + L) mod P, and multiplying H by the 32-bit constant x^s mod P is a XOR
# of shifted copies of H. Each fold halves A, and every step is an operation on a large integer, done in C: ~10 ms
# a MB. The crc32c check value and a byte-at-a-time reference in the tests pin it down.

_CASTAGNOLI = 0x11EDC6F41  # crc32c's generator polynomial, bit d the coefficient of x^d, the x^32 term included
_BIT_REVERSED = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))
_FOLD_TERMS: list[tuple[int, ...]] = []  # [k]: the exponents of the terms of x^(2^k) mod P


def _mod_small(polynomial: int) -> int:
    while (length := polynomial.bit_length()) > 32:
        polynomial ^= _CASTAGNOLI << (length - 33)
    return polynomial


def _fold_terms(power: int) -> tuple[int, ...]:
    while len(_FOLD_TERMS) <= power:
        if not _FOLD_TERMS:
            constant = 2  # x^(2^0) = x
        else:  # x^(2^(k+1)) = (x^(2^k))^2, and over GF(2) the square of a sum of terms x^t is the sum of the x^2t
            constant = _mod_small(sum(1 << 2 * term for term in _FOLD_TERMS[-1]))
        _FOLD_TERMS.append(tuple(term for term in range(32) if constant >> term & 1))
    return _FOLD_TERMS[power]


def crc32c(data: bytes) -> int:
    """The crc32c (Castagnoli) of `data`, as LevelDB and TensorFlow compute it (reflected, all-ones in and out)."""
    bits = len(data) * 8
    # Bit i of the message (byte i // 8, least significant bit first) is the coefficient of x^(bits - 1 - i): reverse
    # the bits of each byte and read big-endian. The crc is (M * x^32 + (all-ones) * x^bits) mod P, bit-reflected.
    polynomial = int.from_bytes(data.translate(_BIT_REVERSED), "big") << 32 ^ 0xFFFFFFFF << bits
    while (length := polynomial.bit_length()) > 64:
        power = (length - 1).bit_length() - 1  # fold at the largest power of two below the length
        split = 1 << power
        high = polynomial >> split
        polynomial &= (1 << split) - 1
        for term in _fold_terms(power):
            polynomial ^= high << term
    remainder = _mod_small(polynomial)
    return int.from_bytes(remainder.to_bytes(4, "big").translate(_BIT_REVERSED), "little") ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """LevelDB's masked crc32c, as stored in block trailers: rotate right by 15 bits and add a constant."""
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _CRC_MASK_DELTA) & 0xFFFFFFFF

"""The checkpoint index reader, without TensorFlow: checked-in fixtures TensorFlow wrote, tables built here, damage.

The fixtures under tests/fixtures/checkpoints/ were written by TensorFlow 2.21 (make_fixtures.py says how);
test_checkpoint_index_tf.py compares the reader with TensorFlow itself on fresh checkpoints.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfckpt_codemod.checkpoint_index import (
    OBJECT_GRAPH_KEY,
    CheckpointError,
    CheckpointIndex,
    CheckpointKey,
    CheckpointRow,
    TensorEntry,
    crc32c,
    masked_crc32c,
    parse_key,
    read_checkpoint,
    unescape_local_name,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checkpoints"
VALUE = "/.ATTRIBUTES/VARIABLE_VALUE"


def fixture_index(name: str) -> Path:
    return next((FIXTURES / name).glob("*.index")) if name != "full" else FIXTURES / "full" / "ckpt-2.index"


# --- a table writer, the inverse of the reader, for shapes TensorFlow will not write on demand ------------------


def varint(number: int) -> bytes:
    number &= (1 << 64) - 1
    out = bytearray()
    while True:
        out.append((number & 0x7F) | (0x80 if number > 0x7F else 0))
        number >>= 7
        if not number:
            return bytes(out)


def proto_field(number: int, value: int | bytes) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    return varint(number << 3 | 2) + varint(len(value)) + value


def bundle_entry(dtype: int = 1, shape: tuple[int, ...] = (), shard_id: int = 0, offset: int = 0,
                 size: int = 4, extra: bytes = b"") -> bytes:
    encoded_shape = b"".join(proto_field(2, proto_field(1, dim) if dim else b"") for dim in shape)
    out = proto_field(1, dtype) + proto_field(2, encoded_shape)
    if shard_id:
        out += proto_field(3, shard_id)
    if offset:
        out += proto_field(4, offset)
    out += proto_field(5, size) + b"\x35" + (1234).to_bytes(4, "little") + extra
    return out


def block(entries: list[tuple[bytes, bytes]], restart_interval: int = 16) -> bytes:
    out = bytearray()
    restarts = []
    previous = b""
    for count, (key, value) in enumerate(entries):
        shared = 0
        if count % restart_interval:
            while shared < min(len(key), len(previous)) and key[shared] == previous[shared]:
                shared += 1
        else:
            restarts.append(len(out))
        out += varint(shared) + varint(len(key) - shared) + varint(len(value)) + key[shared:] + value
        previous = key
    for restart in restarts or [0]:
        out += restart.to_bytes(4, "little")
    return bytes(out + len(restarts or [0]).to_bytes(4, "little"))


def table(entries: list[tuple[bytes, bytes]], *, block_entries: int = 100, compression: int = 0) -> bytes:
    """A LevelDB table as TensorFlow's TableBuilder writes one (blocks, empty metaindex, index, footer)."""
    out = bytearray()

    def write_block(contents: bytes, kind: int = 0) -> bytes:
        handle = varint(len(out)) + varint(len(contents))
        trailer = bytes([kind])
        out.extend(contents + trailer + masked_crc32c(contents + trailer).to_bytes(4, "little"))
        return handle

    index = []
    for start in range(0, len(entries), block_entries):
        chunk = entries[start:start + block_entries]
        index.append((chunk[-1][0] + b"\xff", write_block(block(chunk), compression)))
    metaindex = write_block(block([]))
    index_handle = write_block(block(index, restart_interval=1))
    footer = (metaindex + index_handle).ljust(40, b"\0") + (0xDB4775248B80FB57).to_bytes(8, "little")
    return bytes(out + footer)


HEADER = (b"", proto_field(1, 1) + proto_field(3, proto_field(1, 1)))


def write_index(directory: Path, entries: list[tuple[bytes, bytes]], name: str = "ckpt-1", **options: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.index"
    path.write_bytes(table(sorted([HEADER, *entries]), **options))
    return path


def test_crc32c_and_its_leveldb_mask() -> None:
    assert crc32c(b"123456789") == 0xE3069283  # the crc32c check value
    data = fixture_index("model_only").read_bytes()
    numbers = []  # the footer's four varints: metaindex offset and size, index offset and size
    number = shift = 0
    for byte in data[-48:-8]:
        number |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            numbers.append(number)
            number = shift = 0
    offset, size = numbers[2], numbers[3]
    assert offset + size + 5 == len(data) - 48
    assert masked_crc32c(data[offset:offset + size + 1]) == int.from_bytes(data[offset + size + 1:][:4], "little")



def reference_crc32c(data: bytes) -> int:
    """crc32c one byte at a time, straight from its definition (reflected polynomial 0x82F63B78)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_crc32c_equals_the_bytewise_definition(data: bytes) -> None:
    assert crc32c(data) == reference_crc32c(data)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 7, 8, 9, 63, 64, 65, 1023, 4096, 100_003])
def test_crc32c_of_every_size_class(size: int) -> None:
    data = bytes((i * 7 + size) & 0xFF for i in range(size))
    assert crc32c(data) == reference_crc32c(data)


# --- what TensorFlow 2.21 wrote ---------------------------------------------------------------------------------

FULL_KEYS = [
    OBJECT_GRAPH_KEY,
    *(f"model/{layer}/{variable}{suffix}"
      for layer in ("layer1", "layer2") for variable in ("bias", "kernel")
      for suffix in (VALUE, f"/.OPTIMIZER_SLOT/optimizer/m{VALUE}", f"/.OPTIMIZER_SLOT/optimizer/v{VALUE}")),
    f"optimizer/beta1_power{VALUE}",
    f"optimizer/beta2_power{VALUE}",
    f"save_counter{VALUE}",
    f"step{VALUE}",
]


def test_full_checkpoint_keys_kind_and_entries() -> None:
    index = read_checkpoint(FIXTURES / "full")
    assert list(index.entries) == FULL_KEYS
    assert index.kind == "object-based"
    assert index.prefix == str(FIXTURES / "full" / "ckpt-2")  # the state file's latest, not ckpt-1
    assert index.index_path == index.prefix + ".index"
    assert index.entries[f"model/layer1/kernel{VALUE}"] == TensorEntry("float32", (2, 3), 0)
    assert index.entries[f"model/layer2/kernel/.OPTIMIZER_SLOT/optimizer/v{VALUE}"].shape == (3, 1)
    assert index.entries[f"step{VALUE}"] == TensorEntry("int64", (), 0)
    assert index.entries[OBJECT_GRAPH_KEY].dtype == "string"
    assert index.num_shards == 1
    assert index.data_files == (index.prefix + ".data-00000-of-00001",)
    assert index.variable_names() == tuple(FULL_KEYS[1:])


def test_top_level_objects_count_slots_under_their_optimizer() -> None:
    index = read_checkpoint(FIXTURES / "full")
    assert index.top_level_objects() == {"model": 4, "optimizer": 10, "save_counter": 1, "step": 1}
    assert list(index.top_level_objects()) == sorted(index.top_level_objects())
    slot = index.object_keys[f"model/layer1/kernel/.OPTIMIZER_SLOT/optimizer/m{VALUE}"]
    assert slot == CheckpointKey(("optimizer", "m"), "VARIABLE_VALUE", ("model", "layer1", "kernel"))
    assert slot.owner == "optimizer"
    assert slot.object_path() == "model/layer1/kernel/.OPTIMIZER_SLOT/optimizer/m"
    kernel = index.object_keys[f"model/layer1/kernel{VALUE}"]
    assert kernel == CheckpointKey(("model", "layer1", "kernel"), "VARIABLE_VALUE")
    assert OBJECT_GRAPH_KEY not in index.object_keys


def test_object_paths_hold_every_value_once() -> None:
    index = read_checkpoint(FIXTURES / "full")
    paths = index.object_paths()
    assert len(paths) == len(FULL_KEYS) - 1
    assert "model/layer1/kernel" in paths
    assert "model/layer2/bias/.OPTIMIZER_SLOT/optimizer/v" in paths
    assert "optimizer/beta1_power" in paths and "step" in paths
    assert paths[:3] == ("model/layer1/bias", "model/layer1/bias/.OPTIMIZER_SLOT/optimizer/m",
                         "model/layer1/bias/.OPTIMIZER_SLOT/optimizer/v")  # the index's order
    assert read_checkpoint(FIXTURES / "model_only").object_paths() == (
        "model/layer1/bias", "model/layer1/kernel", "model/layer2/bias", "model/layer2/kernel", "save_counter")


def test_describe_rows_for_a_table() -> None:
    assert read_checkpoint(FIXTURES / "full").describe() == (
        CheckpointRow("model", "object", 4),
        CheckpointRow("optimizer", "object", 10, 8),
        CheckpointRow("save_counter", "variable", 1),
        CheckpointRow("step", "variable", 1),
    )
    assert read_checkpoint(FIXTURES / "name_based").describe() == (
        CheckpointRow("emb", "variable", 1),
        CheckpointRow("global_step", "variable", 1),
        CheckpointRow("policy", "scope", 2),
    )
    assert all(isinstance(value, (str, int)) for row in read_checkpoint(FIXTURES / "full").describe() for value in row)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_every_fixture_describes_itself(name: str) -> None:
    index = read_checkpoint(FIXTURES / name)
    rows = index.describe()
    assert rows and sum(row.variables for row in rows) == len(index.variable_names())
    assert [row.name for row in rows] == sorted(row.name for row in rows)


def test_model_only_checkpoint() -> None:
    index = read_checkpoint(FIXTURES / "model_only")
    assert index.kind == "object-based"
    assert index.top_level_objects() == {"model": 4, "save_counter": 1}


def test_name_based_checkpoint_hides_the_slices_of_a_partitioned_variable() -> None:
    index = read_checkpoint(FIXTURES / "name_based")
    assert index.kind == "name-based"
    assert index.prefix.endswith("model.ckpt-7")
    assert index.variable_names() == ("emb", "global_step", "policy/bias", "policy/kernel")
    assert list(index.entries) == list(index.variable_names())
    assert index.entries["emb"] == TensorEntry("float32", (10, 4), 0, slices=3)  # the whole tensor, not a slice
    assert index.entries["policy/kernel"] == TensorEntry("float32", (2, 3), 0)
    assert index.entries["global_step"] == TensorEntry("int64", (), 0)


@pytest.mark.parametrize("helper", ["top_level_objects", "object_paths"])
def test_object_helpers_refuse_a_name_based_checkpoint(helper: str) -> None:
    index = read_checkpoint(FIXTURES / "name_based")
    with pytest.raises(ValueError, match="name-based.*variable_names"):
        getattr(index, helper)()
    with pytest.raises(ValueError, match="name-based"):
        index.object_keys  # noqa: B018


def test_the_object_graph_entry_says_where_its_bytes_are() -> None:
    """The one entry whose location is kept: checkpoint_graph.py reads the graph from it."""
    index = read_checkpoint(FIXTURES / "full")
    location = index.object_graph_location
    assert location is not None and location.shard_id == 0 and location.size > 0 and location.masked_crc32c
    assert location.offset + location.size <= os.path.getsize(index.data_file(0))
    assert index.data_file(0) == index.data_files[0] and not index.big_endian
    sharded = read_checkpoint(FIXTURES / "sharded")
    assert sharded.object_graph_location is not None
    assert sharded.object_graph_location.offset + sharded.object_graph_location.size <= os.path.getsize(
        sharded.data_file(sharded.object_graph_location.shard_id))
    assert read_checkpoint(FIXTURES / "name_based").object_graph_location is None


def test_a_big_endian_header_is_recorded(tmp_path: Path) -> None:
    header = (b"", proto_field(1, 1) + proto_field(2, 1) + proto_field(3, proto_field(1, 1)))
    path = tmp_path / "ckpt-1.index"
    path.write_bytes(table([header, (b"v", bundle_entry())]))
    assert read_checkpoint(path).big_endian


def test_sharded_checkpoint_entries_live_in_several_shards() -> None:
    index = read_checkpoint(FIXTURES / "sharded")
    assert index.num_shards == 4
    assert all(Path(name).is_file() for name in index.data_files)
    assert index.data_files[-1].endswith("ckpt-1.data-00003-of-00004")
    assert {entry.shard_id for entry in index.entries.values()} == {0, 1, 2, 3}
    assert index.top_level_objects() == {"save_counter": 1, "v0": 1, "v1": 1, "v2": 1, "v3": 1}
    # MaxShardSizePolicy splits a variable that does not fit into slices, which are hidden like a partition's.
    assert index.entries[f"v3{VALUE}"].shape == (64,) and index.entries[f"v3{VALUE}"].slices > 1


def test_keras_model_weights_are_keyed_under_the_optimizer() -> None:
    """Keras 3: a key names the first path the object-graph walk finds, and the optimizer's is shorter."""
    index = read_checkpoint(FIXTURES / "keras")
    assert index.top_level_objects() == {"optimizer": 14, "save_counter": 1}
    assert not [name for name in index.entries if name.startswith("model/")]
    assert index.entries[f"optimizer/_trainable_variables/0{VALUE}"].shape == (2, 3)
    alone = read_checkpoint(FIXTURES / "keras_model_only")
    assert alone.top_level_objects() == {"model": 4, "save_counter": 1}
    assert "model/_functional/_operations/1/_kernel" in alone.object_paths()


def test_escaped_names_read_back_as_they_were_given() -> None:
    index = read_checkpoint(FIXTURES / "escaping")
    assert f"top..level/a.Sb{VALUE}" in index.entries  # the raw key, as tf.train.list_variables names it
    assert index.top_level_objects() == {"save_counter": 1, "top.level": 5, "w/x": 1}
    assert index.object_paths() == ("save_counter", "top.level/.S", "top.level/a/b", "top.level/c.d",
                                    "top.level/items/0", "top.level/items/1/k/x", "w/x")
    assert index.object_keys[f"top..level/a.Sb{VALUE}"].path == ("top.level", "a/b")  # exact components
    assert index.object_keys[f"top..level/..S{VALUE}"].path == ("top.level", ".S")
    assert index.object_keys[f"top..level/items/1/k.Sx{VALUE}"].path == ("top.level", "items", "1", "k/x")
    assert index.describe()[1] == CheckpointRow("top.level", "object", 5)
    assert index.describe()[2] == CheckpointRow("w/x", "variable", 1)


def tf_escape(name: str) -> str:
    """TensorFlow's escape_local_name (tensorflow/python/trackable/trackable_utils.py)."""
    return name.replace(".", "..").replace("/", ".S")


@pytest.mark.parametrize(("escaped", "plain"), [
    ("plain", "plain"), ("a..b", "a.b"), ("a.Sb", "a/b"), ("..S", ".S"), ("...S", "./"), (".S.S", "//"),
    ("....", ".."), (".ATTRIBUTES", ".ATTRIBUTES"), ("", ""),
])
def test_unescape_local_name(escaped: str, plain: str) -> None:
    assert unescape_local_name(escaped) == plain


@given(st.text(alphabet=st.sampled_from("./Sa_"), max_size=12))
def test_unescape_inverts_tensorflow_escape(name: str) -> None:
    assert unescape_local_name(tf_escape(name)) == name


@given(st.lists(st.text(alphabet=st.sampled_from("./Sa_"), min_size=1, max_size=6), min_size=1, max_size=4),
       st.booleans())
def test_parse_key_inverts_tensorflow_key_building(path: list[str], slot: bool) -> None:
    """checkpoint_key / slot_variable_key in trackable_utils.py, inverted for any names."""
    escaped = "/".join(tf_escape(part) for part in path)
    if slot:
        key = parse_key(f"{escaped}/.OPTIMIZER_SLOT/opt/{tf_escape(path[-1])}{VALUE}")
        assert key == CheckpointKey(("opt", path[-1]), "VARIABLE_VALUE", tuple(path))
    else:
        key = parse_key(f"{escaped}{VALUE}")
        assert key == CheckpointKey(tuple(path), "VARIABLE_VALUE")
        assert key.object_path() == "/".join(path)


def test_parse_key_odd_shapes() -> None:
    assert parse_key(".ATTRIBUTES/VARIABLE_VALUE") == CheckpointKey((), "VARIABLE_VALUE")  # the root is a value
    assert parse_key("table/.ATTRIBUTES/table-keys") == CheckpointKey(("table",), "table-keys")
    assert parse_key("a/.ATTRIBUTES/x/y") == CheckpointKey(("a",), "x/y")  # a _serialize_to_tensors name with `/`
    assert parse_key("hand/written") == CheckpointKey(("hand", "written"), "")


def test_index_is_immutable() -> None:
    index = read_checkpoint(FIXTURES / "model_only")
    with pytest.raises(dataclasses.FrozenInstanceError):
        index.prefix = "elsewhere"  # type: ignore[misc]
    with pytest.raises(TypeError):
        index.entries["x"] = TensorEntry("float32", (), 0)  # type: ignore[index]
    assert hash(index) == hash(read_checkpoint(FIXTURES / "model_only"))
    assert isinstance(index, CheckpointIndex)


# --- tables built here: block layout the fixtures are too small to show ------------------------------------------


def test_many_blocks_long_keys_and_prefix_compression(tmp_path: Path) -> None:
    names = [f"model/{'deep/' * 40}layer_{i:05d}/kernel{VALUE}".encode() for i in range(3000)]  # > 127 bytes
    entries = [(name, bundle_entry(1, (i % 7 + 1, 300), offset=i * 4 * 300, size=4 * 300))
               for i, name in enumerate(names)]
    index = read_checkpoint(write_index(tmp_path, [(OBJECT_GRAPH_KEY.encode(), bundle_entry(7)), *entries],
                                        block_entries=37))
    assert list(index.entries)[1:] == [name.decode() for name in names]
    assert index.entries[names[10].decode()] == TensorEntry("float32", (4, 300), 0)
    assert index.top_level_objects() == {"model": 3000}


def test_entry_fields_the_fast_path_does_not_take(tmp_path: Path) -> None:
    unknown_field = proto_field(99, 5)  # a field a newer TensorFlow might add
    entries = [
        (b"big_dtype", bundle_entry(dtype=200)),
        (b"many_shards", bundle_entry(shard_id=300, offset=1 << 40)),
        (b"negative_dim", bundle_entry(shape=(-1, 3))),
        (b"newer", bundle_entry(extra=unknown_field)),
        (b"scalar", bundle_entry(shape=())),
        (b"zero_dim", bundle_entry(shape=(0, 5))),
        ("gr\u00f6\u00dfe".encode(), bundle_entry()),
        (b"bad\xffutf8", bundle_entry()),
    ]
    index = read_checkpoint(write_index(tmp_path, entries))
    assert index.entries["big_dtype"].dtype == "dtype_200"
    assert index.entries["many_shards"].shard_id == 300
    assert index.entries["negative_dim"].shape == (-1, 3)
    assert index.entries["newer"] == TensorEntry("float32", (), 0)
    assert index.entries["zero_dim"].shape == (0, 5)
    assert "gr\u00f6\u00dfe" in index.entries
    assert "bad\\xffutf8" in index.entries
    assert index.kind == "name-based"


# --- finding the index --------------------------------------------------------------------------------------------


def test_resolution_of_prefix_index_directory_state_file_and_shard() -> None:
    latest = str(FIXTURES / "full" / "ckpt-2")
    for given_path in (FIXTURES / "full" / "ckpt-2", FIXTURES / "full" / "ckpt-2.index", FIXTURES / "full",
                       FIXTURES / "full" / "checkpoint", FIXTURES / "full" / "ckpt-2.data-00000-of-00001"):
        assert read_checkpoint(given_path).prefix == latest, given_path
    assert read_checkpoint(str(FIXTURES / "full" / "ckpt-1")).prefix == str(FIXTURES / "full" / "ckpt-1")
    assert read_checkpoint(os.fspath(FIXTURES / "full") + os.sep).prefix == latest


def copy_fixture(name: str, target: Path) -> Path:
    shutil.copytree(FIXTURES / name, target)
    return target


def test_state_file_paths(tmp_path: Path) -> None:
    directory = copy_fixture("full", tmp_path / "run dir")
    state = directory / "checkpoint"
    state.write_text('all_model_checkpoint_paths: "ckpt-1"\n', encoding="utf-8")  # no model_checkpoint_path
    assert read_checkpoint(directory).prefix == str(directory / "ckpt-1")
    state.write_text('model_checkpoint_path: "ckpt-1"\nall_model_checkpoint_paths: "ckpt-1"\n'
                     'all_model_checkpoint_timestamps: 1700000000.5\nlast_preserved_timestamp: 1699999999.0\n')
    assert read_checkpoint(directory).prefix == str(directory / "ckpt-1")
    state.write_text(f'model_checkpoint_path: "{directory / "ckpt-2"}"\n')  # absolute, where it is
    assert read_checkpoint(directory).prefix == str(directory / "ckpt-2")
    state.write_text('model_checkpoint_path: "/training/box/run/ckpt-2"\n')  # absolute, from the training machine
    assert read_checkpoint(directory).prefix == str(directory / "ckpt-2")
    (directory / "sub").mkdir()
    shutil.copy(directory / "ckpt-1.index", directory / "sub" / "ck\u00e9-1.index")
    # protobuf's text format writes non-ASCII bytes of a path as octal escapes
    state.write_text('model_checkpoint_path: "sub/ck\\303\\251-1"\n')
    assert read_checkpoint(directory).prefix == str(directory / "sub" / "ck\u00e9-1")


def test_directory_without_state_file_with_exactly_one_index(tmp_path: Path) -> None:
    directory = copy_fixture("model_only", tmp_path / "ckpts")
    (directory / "checkpoint").unlink()
    assert read_checkpoint(directory).prefix == str(directory / "ckpt-1")


# --- errors: one line, naming the file, never a traceback ---------------------------------------------------------


def error_of(path: str | Path, **options: bool) -> CheckpointError:
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(path, **options)
    error = caught.value
    assert "\n" not in str(error)
    assert str(error) == f"{error.path}: {error.reason}"
    return error


def test_missing(tmp_path: Path) -> None:
    error = error_of(tmp_path / "ckpt-3")
    assert error.path == str(tmp_path / "ckpt-3") and "missing" in error.reason and "ckpt-3.index" in error.reason
    assert "missing" in error_of(tmp_path / "ckpt-3.index").reason
    directory = copy_fixture("model_only", tmp_path / "ckpts")
    (directory / "ckpt-1.index").unlink()
    error = error_of(directory)
    assert error.path == str(directory / "ckpt-1.index")
    assert "checkpoint names 'ckpt-1'" in error.reason
    (directory / "ckpt-1.data-00000-of-00001").rename(directory / "other.data-00000-of-00001")
    assert error_of(directory / "other.data-00000-of-00001").path == str(directory / "other.index")


def test_directory_without_checkpoints(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing")
    error = error_of(tmp_path)
    assert error.path == str(tmp_path) and "no checkpoint here" in error.reason


def test_directory_with_several_checkpoints_and_no_state_file(tmp_path: Path) -> None:
    directory = copy_fixture("full", tmp_path / "ckpts")
    (directory / "checkpoint").unlink()
    error = error_of(directory)
    assert "2 checkpoints" in error.reason and "ckpt-2" in error.reason


@pytest.mark.parametrize("content", [b"\xff\xfe garbage \x00", b"", b"# a comment\nnothing: 3\n"])
def test_unreadable_state_file(tmp_path: Path, content: bytes) -> None:
    directory = copy_fixture("model_only", tmp_path / "ckpts")
    (directory / "checkpoint").write_bytes(content)
    error = error_of(directory)
    assert error.path == str(directory / "checkpoint")
    assert "unreadable checkpoint state file" in error.reason


def damaged(tmp_path: Path, data: bytes, name: str = "ckpt-1") -> Path:
    path = tmp_path / f"{name}.index"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("keep", [0, 10, 47, 200, 431])
def test_truncated(tmp_path: Path, keep: int) -> None:
    data = fixture_index("model_only").read_bytes()
    assert len(data) == 432
    error = error_of(damaged(tmp_path, data[:keep]))
    assert error.path == str(tmp_path / "ckpt-1.index")
    assert error.reason.startswith("truncated"), error.reason


def test_handles_past_the_end_are_truncation(tmp_path: Path) -> None:
    data = fixture_index("model_only").read_bytes()
    error = error_of(damaged(tmp_path, data[:100] + data[-48:]))  # the footer survived, the blocks did not
    assert error.reason.startswith("truncated or corrupt")


@pytest.mark.parametrize("content", [os.urandom(1000), b"model_checkpoint_path: 'x'\n" * 10, b"\x00" * 4096])
def test_not_a_checkpoint_index(tmp_path: Path, content: bytes) -> None:
    assert "not a TensorFlow checkpoint index" in error_of(damaged(tmp_path, content)).reason


def test_leveldb_table_of_something_else(tmp_path: Path) -> None:
    path = damaged(tmp_path, table([(b"user:1", b"alice"), (b"user:2", b"bob")]))
    assert "no bundle header" in error_of(path).reason


def test_snappy_block_is_unsupported(tmp_path: Path) -> None:
    path = damaged(tmp_path, table(sorted([HEADER, (b"v", bundle_entry())]), compression=1))
    error = error_of(path)
    assert error.reason.startswith("unsupported") and "snappy" in error.reason


def test_unknown_compression_is_corrupt(tmp_path: Path) -> None:
    path = damaged(tmp_path, table(sorted([HEADER, (b"v", bundle_entry())]), compression=7))
    assert "unknown compression type 7" in error_of(path).reason


def test_corrupt_block_fails_its_checksum(tmp_path: Path) -> None:
    data = bytearray(fixture_index("model_only").read_bytes())
    at = data.index(b"layer1")
    data[at:at + 6] = b"layerX"
    path = damaged(tmp_path, bytes(data))
    error = error_of(path)
    assert error.reason.startswith("corrupt: checksum mismatch in the data block at offset 0")
    # Unverified, the damage goes unnoticed: what the checksum is for.
    assert f"model/layerX/kernel{VALUE}" in read_checkpoint(path, verify_checksums=False).entries


def test_corrupt_index_block_fails_its_checksum(tmp_path: Path) -> None:
    data = bytearray(fixture_index("model_only").read_bytes())
    data[-48 - 5 - 1] ^= 0x01  # the last byte of the index block (its restart count)
    assert "checksum mismatch in the index block" in error_of(damaged(tmp_path, bytes(data))).reason


def test_unreadable_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ckpt.index").mkdir()  # an index that is a directory: a directory without checkpoints
    assert "no checkpoint here" in error_of(tmp_path / "ckpt.index").reason
    import tfckpt_codemod.checkpoint_index as module

    def refuse(path: object, mode: str) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(module, "open", refuse, raising=False)  # root reads files whatever their mode
    error = error_of(fixture_index("model_only"))
    assert error.path == str(fixture_index("model_only")) and error.reason == "unreadable: permission denied"


@pytest.mark.parametrize("fixture", ["model_only", "name_based", "escaping"])
def test_every_truncation_and_every_bit_flip_is_a_checkpoint_error_or_a_read(tmp_path: Path, fixture: str) -> None:
    """Exhaustive damage: the reader returns or raises CheckpointError, nothing else, checksums on or off.

    With checksums, a flip is caught unless it hit bytes that carry nothing (the footer's zero padding).
    """
    data = fixture_index(fixture).read_bytes()
    original = read_checkpoint(fixture_index(fixture)).entries
    # A new file each time: rewriting one in place costs milliseconds on some file systems.
    for keep in range(len(data)):
        path = tmp_path / f"cut-{keep}.index"
        path.write_bytes(data[:keep])
        with pytest.raises(CheckpointError):
            read_checkpoint(path)
    unnoticed = 0
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 1 << (position % 8)
        path = tmp_path / f"flip-{position}.index"
        path.write_bytes(bytes(flipped))
        try:
            assert read_checkpoint(path).entries == original
        except CheckpointError:
            pass
        else:
            assert len(data) - 48 <= position < len(data) - 8, position
        try:
            read_checkpoint(path, verify_checksums=False)
        except CheckpointError:
            pass
        else:
            unnoticed += 1
    assert unnoticed  # without checksums some flips read as other names or values


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.integers(min_value=0, max_value=2000), st.booleans())
def test_random_damage_never_escapes_as_another_exception(tmp_path_factory: pytest.TempPathFactory, patch: bytes,
                                                          at: int, verify: bool) -> None:
    data = bytearray(fixture_index("full").read_bytes())
    at %= len(data)
    data[at:at + len(patch)] = patch
    path = tmp_path_factory.mktemp("damage") / "ckpt-1.index"
    path.write_bytes(bytes(data))
    try:
        read_checkpoint(path, verify_checksums=verify)
    except CheckpointError as error:
        assert "\n" not in str(error)

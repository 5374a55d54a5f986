"""The object graph reader and the restore decision, without TensorFlow: the checked-in fixtures, graphs built here,
damaged data shards.

test_checkpoint_graph_tf.py compares the reader with TensorFlow's own proto parser and restore on fresh checkpoints.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_checkpoint_index import FIXTURES, HEADER, bundle_entry, proto_field, table

from tfckpt_codemod.checkpoint_graph import (
    Attribute,
    CheckpointInspection,
    Child,
    ObjectGraph,
    RestoreDecision,
    SlotVariable,
    TopLevelRow,
    decide_restore,
    inspect_checkpoint,
    parse_object_graph,
    read_object_graph,
)
from tfckpt_codemod.checkpoint_index import (
    OBJECT_GRAPH_KEY,
    CheckpointError,
    CheckpointIndex,
    masked_crc32c,
    read_checkpoint,
)

VALUE = "/.ATTRIBUTES/VARIABLE_VALUE"
OBJECT_BASED = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "name_based")


def graph_of(name: str) -> ObjectGraph:
    graph = read_object_graph(read_checkpoint(FIXTURES / name))
    assert graph is not None
    return graph


# --- a writer, the inverse of the reader: object graphs and the string tensor that holds one ---------------------


def node(children: dict[str, int] | None = None, keys: tuple[str, ...] = (), *, slots: tuple[tuple[int, str, int], ...]
         = (), saver: str | None = None, has_values: bool | None = None, extra: bytes = b"") -> bytes:
    """A serialized TrackableObject: children by name, one VARIABLE_VALUE attribute per key, slot variables."""
    out = b"".join(proto_field(1, proto_field(1, node_id) + proto_field(2, name.encode()))
                   for name, node_id in (children or {}).items())
    out += b"".join(proto_field(2, proto_field(1, b"VARIABLE_VALUE") + proto_field(2, key.split("/")[0].encode())
                                + proto_field(3, key.encode())) for key in keys)
    out += b"".join(proto_field(3, proto_field(1, original) + proto_field(2, name.encode()) + proto_field(3, slot))
                    for original, name, slot in slots)
    if saver is not None:
        out += proto_field(4, proto_field(1, saver.encode()) + proto_field(2, b"obj"))
    if has_values is not None:
        out += proto_field(5, proto_field(1, int(has_values)) if has_values else b"")
    return out + extra


def graph_bytes(*nodes: bytes) -> bytes:
    return b"".join(proto_field(1, encoded) for encoded in nodes)


def string_tensor(element: bytes, *, big_endian: bool = False) -> tuple[bytes, int]:
    """WriteStringTensor's layout for one element, and the entry's masked crc32c (tensor_bundle.cc)."""
    order = "big" if big_endian else "little"
    length = len(element).to_bytes(4, order)
    checksum = masked_crc32c(length).to_bytes(4, order)
    varint = bytearray()
    number = len(element)
    while True:
        varint.append((number & 0x7F) | (0x80 if number > 0x7F else 0))
        number >>= 7
        if not number:
            break
    return bytes(varint) + checksum + element, masked_crc32c(length + checksum + element)


def write_checkpoint(directory: Path, graph: bytes, keys: tuple[str, ...] = (), *, big_endian: bool = False,
                     offset: int = 16, crc: int | None = None) -> Path:
    """An object-based checkpoint: an index listing `keys` and the graph, and one data shard holding the graph."""
    directory.mkdir(parents=True, exist_ok=True)
    data, entry_crc = string_tensor(graph, big_endian=big_endian)
    (directory / "ckpt-1.data-00000-of-00001").write_bytes(b"\0" * offset + data)
    graph_entry = (proto_field(1, 7) + proto_field(2, b"") + proto_field(4, offset) + proto_field(5, len(data))
                   + b"\x35" + (entry_crc if crc is None else crc).to_bytes(4, "little"))
    header = HEADER
    if big_endian:  # BundleHeaderProto.endianness = BIG
        header = (b"", proto_field(1, 1) + proto_field(2, 1) + proto_field(3, proto_field(1, 1)))
    entries = sorted([header, (OBJECT_GRAPH_KEY.encode(), graph_entry),
                      *((key.encode(), bundle_entry()) for key in keys)])
    index = directory / "ckpt-1.index"
    index.write_bytes(table(entries))
    return index


def copy_fixture(name: str, target: Path) -> Path:
    shutil.copytree(FIXTURES / name, target)
    return target


# --- what TensorFlow 2.21 wrote ---------------------------------------------------------------------------------


def test_keras_model_holds_the_weights_its_optimizer_keys() -> None:
    """Keras 3: no key starts with `model/`, yet the model reaches its weights (and, compiled, its optimizer)."""
    index = read_checkpoint(FIXTURES / "keras")
    assert index.top_level_objects() == {"optimizer": 14, "save_counter": 1}  # the keys' view
    inspection = inspect_checkpoint(index)
    assert inspection.source == "object-graph" and inspection.note == ""
    assert inspection.top_level_objects() == {"model": 14, "optimizer": 14, "save_counter": 1}
    assert inspection.rows == (
        TopLevelRow("model", 14, "object", 14),
        TopLevelRow("optimizer", 14, "object", 14),
        TopLevelRow("save_counter", 1, "variable", 0),
    )
    graph = graph_of("keras")
    model = graph.held_values()["model"]
    assert f"optimizer/_trainable_variables/0{VALUE}" in model  # the first kernel, keyed under the optimizer
    assert f"optimizer/_iterations{VALUE}" in model  # through model.optimizer: a compiled Keras model tracks it
    assert graph.top_level() == {"model": 1, "optimizer": 2, "save_counter": 3}


def test_an_untrained_keras_model_alone() -> None:
    assert inspect_checkpoint(read_checkpoint(FIXTURES / "keras_model_only")).top_level_objects() == {
        "model": 4, "save_counter": 1}


def test_slot_variables_count_under_their_optimizer() -> None:
    graph = graph_of("full")
    assert graph.top_level_objects() == {"model": 4, "optimizer": 10, "save_counter": 1, "step": 1}
    optimizer = graph.nodes[graph.top_level()["optimizer"]]
    assert len(optimizer.slot_variables) == 8 and {slot.slot_name for slot in optimizer.slot_variables} == {"m", "v"}
    slot = optimizer.slot_variables[0]
    assert graph.nodes[slot.slot_variable_node_id].attributes[0].checkpoint_key.startswith("model/layer1/")
    assert slot in graph.nodes[graph.top_level()["optimizer"]].slot_variables
    assert isinstance(slot, SlotVariable)


def test_a_nested_object_without_variables_is_seen_only_in_the_graph() -> None:
    index = read_checkpoint(FIXTURES / "with_empty")
    assert "extras" not in index.top_level_objects()
    inspection = inspect_checkpoint(index)
    assert inspection.rows[0] == TopLevelRow("extras", 0, "empty", 0)
    assert inspection.top_level_objects() == {"extras": 0, "model": 4, "save_counter": 1, "step": 1}
    graph = graph_of("with_empty")
    extras = graph.nodes[graph.top_level()["extras"]]
    assert [child.local_name for child in extras.children] == ["inner", "items"]
    assert len(graph.reachable(graph.top_level()["extras"])) == 3


@pytest.mark.parametrize("name", [name for name in OBJECT_BASED if name not in ("keras", "with_empty")])
def test_where_keys_are_unambiguous_the_graph_counts_what_the_keys_count(name: str) -> None:
    index = read_checkpoint(FIXTURES / name)
    assert graph_of(name).top_level_objects() == index.top_level_objects()
    assert inspect_checkpoint(index).rows == tuple(TopLevelRow(row.name, row.variables, row.kind)
                                                   for row in index.describe())


@pytest.mark.parametrize("name", OBJECT_BASED)
def test_the_graph_names_every_key_of_the_index_once(name: str) -> None:
    index = read_checkpoint(FIXTURES / name)
    graph = graph_of(name)
    keys = [attribute.checkpoint_key for node in graph.nodes for attribute in node.attributes]
    assert sorted(keys) == sorted(index.variable_names())
    assert graph.values(range(len(graph.nodes))) == frozenset(index.variable_names())


@pytest.mark.parametrize("name", OBJECT_BASED)
def test_reachability_agrees_with_the_flag_tensorflow_saved(name: str) -> None:
    """has_checkpoint_values, computed by TensorFlow at save time (checkpoint/util.py), for every node."""
    graph = graph_of(name)
    for node_id, node in enumerate(graph.nodes):
        assert node.has_checkpoint_values is not None
        assert bool(graph.values(graph.reachable(node_id))) == node.has_checkpoint_values, (name, node_id)


def test_attributes_carry_their_saver_names() -> None:
    graph = graph_of("full")
    step = graph.nodes[graph.top_level()["step"]]
    assert step.attributes == (Attribute("VARIABLE_VALUE", "Variable", f"step{VALUE}"),)
    assert graph.nodes[0].children[0] == Child(1, "model")


def test_escaped_names_are_plain_in_the_graph() -> None:
    graph = graph_of("escaping")
    assert set(graph.top_level()) == {"top.level", "w/x", "save_counter"}
    holder = graph.nodes[graph.top_level()["top.level"]]
    assert {"a/b", "c.d", ".S", "items"} <= {child.local_name for child in holder.children}


def test_name_based_checkpoint_has_no_graph() -> None:
    index = read_checkpoint(FIXTURES / "name_based")
    assert read_object_graph(index) is None
    inspection = inspect_checkpoint(index)
    assert inspection.kind == "name-based" and inspection.source == "names"
    assert inspection.rows == (TopLevelRow("emb", 1, "variable"), TopLevelRow("global_step", 1, "variable"),
                               TopLevelRow("policy", 2, "scope"))
    with pytest.raises(ValueError, match="name-based"):
        inspection.top_level_objects()


def test_inspect_takes_a_path_too() -> None:
    by_path = inspect_checkpoint(FIXTURES / "keras")
    assert by_path == inspect_checkpoint(read_checkpoint(FIXTURES / "keras"))
    assert by_path.prefix == str(FIXTURES / "keras" / "ckpt-1") and by_path.kind == "object-based"
    with pytest.raises(CheckpointError, match="missing"):
        inspect_checkpoint(FIXTURES / "nowhere")


# --- the decision -------------------------------------------------------------------------------------------------


def decision(name: str, *requested: str) -> RestoreDecision:
    return decide_restore(read_checkpoint(FIXTURES / name), requested)


def test_full_restore() -> None:
    result = decision("full", "model", "optimizer", "step")
    assert result == RestoreDecision("full", ("model", "optimizer", "step"), source="object-graph",
                                     reason=result.reason)
    assert "exactly model, optimizer, step" in result.reason and not result.expect_partial
    assert decision("keras", "model", "optimizer").kind == "full"
    assert decision("model_only", "model").kind == "full"


def test_save_counter_is_neither_asked_for_nor_extra() -> None:
    assert decision("model_only", "model", "save_counter") == decision("model_only", "model")
    assert decision("model_only", "model").requested == ("model",)
    assert "save_counter" not in decision("full", "model").unrequested


def test_partial_restore_lists_what_is_not_asked_for() -> None:
    result = decision("full", "model")
    assert result.kind == "partial" and result.unrequested == ("optimizer", "step") and result.expect_partial
    assert "optimizer (10), step (1)" in result.reason and ".expect_partial()" in result.reason
    nothing = decision("full")  # tf.train.Checkpoint().restore(path): only save_counter
    assert nothing.kind == "partial" and nothing.unrequested == ("model", "optimizer", "step")


def test_keras_partial_restores_by_the_graph() -> None:
    """The keys alone would call `model` missing and a restore of only the optimizer full: both wrong."""
    model = decision("keras", "model")
    assert model.kind == "partial" and model.unrequested == ("optimizer",) and model.missing == ()
    optimizer = decision("keras", "optimizer")
    assert optimizer.kind == "partial" and optimizer.unrequested == ("model",)


def test_missing_names() -> None:
    result = decision("full", "model", "optimizer", "step", "encoder")
    assert result.kind == "missing" and result.missing == ("encoder",) and result.empty == ()
    assert "no value for encoder (encoder is not in it)" in result.reason and "silently" in result.reason
    both = decision("full", "model", "encoder")
    assert both.kind == "missing" and both.missing == ("encoder",) and both.unrequested == ("optimizer", "step")
    assert both.expect_partial  # a rule can add .expect_partial() and report the missing name


def test_a_name_saved_without_values_is_missing_and_empty() -> None:
    result = decision("with_empty", "model", "step", "extras")
    assert result.kind == "missing" and result.missing == ("extras",) and result.empty == ("extras",)
    assert "extras is in it without any value" in result.reason
    assert decision("with_empty", "model", "step").kind == "full"  # an empty object is not a partial restore


def test_name_based() -> None:
    result = decision("name_based", "model")
    assert result.kind == "name_based" and result.source == "names"
    assert result.missing == () and result.unrequested == () and not result.expect_partial
    assert "name-based" in result.reason and "tf.Variable(name=...)" in result.reason
    assert "4 keys (emb, global_step, policy/bias, ...)" in result.reason and "\n" not in result.reason


def test_decide_is_pure_on_an_inspection() -> None:
    inspection = inspect_checkpoint(read_checkpoint(FIXTURES / "full"))
    assert isinstance(inspection, CheckpointInspection)
    assert decide_restore(inspection, {"model"}) == decide_restore(inspection, ["model", "model"])
    result = decide_restore(inspection, iter(["model"]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.kind = "full"  # type: ignore[misc]
    with pytest.raises(TypeError, match="not one string"):
        decide_restore(inspection, "model")


# --- no readable data shard: the keys' answer, said so ------------------------------------------------------------


def test_missing_data_shard_falls_back_to_the_keys(tmp_path: Path) -> None:
    directory = copy_fixture("keras", tmp_path / "ckpts")
    (directory / "ckpt-1.data-00000-of-00001").unlink()
    index = read_checkpoint(directory)
    with pytest.raises(CheckpointError) as caught:
        read_object_graph(index)
    assert caught.value.path == str(directory / "ckpt-1.data-00000-of-00001")
    assert caught.value.reason.startswith("missing") and "\n" not in str(caught.value)
    inspection = inspect_checkpoint(index)
    assert inspection.source == "keys" and str(caught.value) in inspection.note
    assert inspection.top_level_objects() == index.top_level_objects() == {"optimizer": 14, "save_counter": 1}
    result = decide_restore(inspection, ["model", "optimizer"])
    assert result.kind == "missing" and result.missing == ("model",) and result.source == "keys"
    assert "from the index's keys" in result.reason and "Keras 3" in result.reason


def test_keys_fallback_counts_slots_under_the_optimizer(tmp_path: Path) -> None:
    directory = copy_fixture("full", tmp_path / "ckpts")
    for data in directory.glob("*.data-*"):
        data.write_bytes(b"")
    inspection = inspect_checkpoint(directory)
    assert inspection.source == "keys" and "truncated" in inspection.note
    assert inspection.top_level_objects() == {"model": 4, "optimizer": 10, "save_counter": 1, "step": 1}
    assert decide_restore(inspection, ["model", "optimizer", "step"]).kind == "full"
    assert decide_restore(inspection, ["model"]).unrequested == ("optimizer", "step")


# --- damage: one line naming the data shard, never a traceback ----------------------------------------------------


def graph_error(index: CheckpointIndex, **options: bool) -> CheckpointError:
    with pytest.raises(CheckpointError) as caught:
        read_object_graph(index, **options)
    error = caught.value
    assert "\n" not in str(error) and str(error) == f"{error.path}: {error.reason}"
    return error


def located(index: CheckpointIndex) -> tuple[int, int]:
    assert index.object_graph_location is not None
    return index.object_graph_location.offset, index.object_graph_location.size


@pytest.mark.parametrize("keep", ["none", "before", "inside", "all but one"])
def test_truncated_data_shard(tmp_path: Path, keep: str) -> None:
    directory = copy_fixture("model_only", tmp_path / "ckpts")
    index = read_checkpoint(directory)
    shard = Path(index.data_file(0))
    data = shard.read_bytes()
    offset, size = located(index)
    cut = {"none": 0, "before": offset // 2, "inside": offset + size // 2, "all but one": offset + size - 1}[keep]
    shard.write_bytes(data[:cut])
    error = graph_error(index)
    assert error.path == str(shard) and error.reason.startswith(f"truncated: {cut} bytes")
    assert f"bytes {offset} to {offset + size}" in error.reason


def test_unreadable_data_shard(tmp_path: Path) -> None:
    directory = copy_fixture("model_only", tmp_path / "ckpts")
    index = read_checkpoint(directory)
    shard = Path(index.data_file(0))
    shard.unlink()
    shard.mkdir()  # a directory where the shard belongs: open() fails, whoever runs the test
    error = graph_error(index)
    assert error.path == str(shard) and error.reason.startswith("unreadable")


def test_checksums_catch_a_flipped_byte(tmp_path: Path) -> None:
    directory = copy_fixture("model_only", tmp_path / "ckpts")
    index = read_checkpoint(directory)
    shard = Path(index.data_file(0))
    data = bytearray(shard.read_bytes())
    offset, _ = located(index)
    at = data.index(b"layer1", offset)
    data[at:at + 6] = b"layerX"
    shard.write_bytes(bytes(data))
    assert graph_error(index).reason.startswith("corrupt: checksum mismatch")
    graph = read_object_graph(index, verify_checksums=False)  # unverified, the damage reads as a name
    assert graph is not None and "layerX" in {child.local_name for node in graph.nodes for child in node.children}
    varint_size = 1
    while data[offset + varint_size - 1] & 0x80:
        varint_size += 1
    data[offset + varint_size] ^= 0x01  # the stored checksum of the length
    shard.write_bytes(bytes(data))
    assert "length checksum does not match" in graph_error(index).reason


@pytest.mark.parametrize("fixture", ["model_only", "with_empty"])
def test_every_truncation_and_every_flip_of_the_graph_is_a_checkpoint_error_or_a_read(tmp_path: Path,
                                                                                      fixture: str) -> None:
    """Exhaustive damage to the graph's bytes: CheckpointError, or (checksums off) a graph; nothing else.

    With checksums on, every flip is caught.
    """
    directory = copy_fixture(fixture, tmp_path / "ckpts")
    index = read_checkpoint(directory)
    shard = Path(index.data_file(0))
    data = shard.read_bytes()
    offset, size = located(index)
    for keep in range(offset + size):
        shard.write_bytes(data[:keep])
        with pytest.raises(CheckpointError):
            read_object_graph(index)
    for position in range(offset, offset + size):
        for bit in (0x01, 0x80):
            flipped = bytearray(data)
            flipped[position] ^= bit
            shard.write_bytes(bytes(flipped))
            with pytest.raises(CheckpointError):
                read_object_graph(index)
            try:
                read_object_graph(index, verify_checksums=False)
            except CheckpointError as error:
                assert "\n" not in str(error)


def test_the_graph_entry_must_be_a_string_scalar_in_an_announced_shard(tmp_path: Path) -> None:
    entry = proto_field(1, 1) + proto_field(2, b"") + proto_field(5, 4) + b"\x35" + b"\0\0\0\0"
    path = tmp_path / "a" / "ckpt-1.index"
    path.parent.mkdir()
    path.write_bytes(table(sorted([HEADER, (OBJECT_GRAPH_KEY.encode(), entry)])))
    error = graph_error(read_checkpoint(path))
    assert error.path == str(path) and "float32 tensor of shape []" in error.reason
    entry = proto_field(1, 7) + proto_field(2, b"") + proto_field(3, 3) + proto_field(5, 4) + b"\x35" + b"\0\0\0\0"
    path = tmp_path / "b" / "ckpt-1.index"
    path.parent.mkdir()
    path.write_bytes(table(sorted([HEADER, (OBJECT_GRAPH_KEY.encode(), entry)])))
    assert "in data shard 3 of 1" in graph_error(read_checkpoint(path)).reason


# --- graphs built here ------------------------------------------------------------------------------------------


def test_a_graph_written_here_reads_back(tmp_path: Path) -> None:
    keys = (f"a/w{VALUE}", f"b{VALUE}")
    graph = graph_bytes(node({"a": 1, "b": 2}), node({"w": 3}), node(keys=(keys[1],)), node(keys=(keys[0],)))
    index = read_checkpoint(write_checkpoint(tmp_path, graph, keys))
    read = read_object_graph(index)
    assert read is not None and read.top_level_objects() == {"a": 1, "b": 1}
    assert read == parse_object_graph(graph)
    assert read.nodes[3].has_checkpoint_values is None  # not recorded: TensorFlow before 2.6 did not


def test_shared_nodes_and_cycles(tmp_path: Path) -> None:
    """a -> shared <- b, and a cycle shared -> back -> shared and back -> a: each value counted once per object."""
    keys = (f"a/shared/v{VALUE}", f"a/own{VALUE}")
    graph = parse_object_graph(graph_bytes(
        node({"a": 1, "b": 2}),
        node({"shared": 3, "own": 5}),
        node({"shared": 3}),
        node({"v": 4, "back": 6}),
        node(keys=(keys[0],)),
        node(keys=(keys[1],)),
        node({"shared": 3, "a": 1}),
    ))
    assert graph.top_level_objects() == {"a": 2, "b": 2}  # b reaches a's own value through the cycle
    assert graph.reachable(2) == frozenset({1, 2, 3, 4, 5, 6})
    rows = graph.rows()
    assert rows == (TopLevelRow("a", 2, "object", 2), TopLevelRow("b", 2, "object", 2))


def test_a_self_loop_and_a_child_naming_the_root() -> None:
    graph = parse_object_graph(graph_bytes(
        node({"x": 1, "v": 2}), node({"me": 1, "root": 0}), node(keys=(f"v{VALUE}",))))
    assert graph.top_level_objects() == {"v": 1, "x": 1}  # through the root: whatever the graph says is reachable


def test_slot_variables_are_reached_through_their_optimizer() -> None:
    slot_key = f"m/k/.OPTIMIZER_SLOT/opt/m{VALUE}"
    graph = parse_object_graph(graph_bytes(
        node({"m": 1, "opt": 2}), node({"k": 3}), node(slots=((3, "m", 4),)), node(keys=(f"m/k{VALUE}",)),
        node(keys=(slot_key,))))
    assert graph.held_values() == {"m": frozenset({f"m/k{VALUE}"}), "opt": frozenset({slot_key})}
    assert graph.rows()[1] == TopLevelRow("opt", 1, "object", 0)


def test_registered_saver_and_a_root_with_its_own_value() -> None:
    graph = parse_object_graph(graph_bytes(
        node({"table": 1}, keys=(".ATTRIBUTES/VARIABLE_VALUE",)), node(saver="tpu_embedding")))
    assert graph.top_level_objects() == {"": 1, "table": 1}
    assert graph.rows() == (TopLevelRow("", 1, "variable"), TopLevelRow("table", 1, "variable"))
    assert graph.nodes[1].registered_saver == "tpu_embedding"
    assert decide_restore(CheckpointInspection("p", "object-based", "object-graph", graph.rows(),
                                               held=graph.held_values()), ["table"]).unrequested == ("",)


def test_unknown_fields_and_wire_types_are_skipped() -> None:
    """Fields a newer TensorFlow may add (any wire type TensorFlow uses), and optional_restore, read as nothing."""
    unknown = proto_field(9, 7) + proto_field(10, b"new") + b"\x5d" + b"\1\2\3\4" + b"\x59" + b"\0" * 8
    attribute = (proto_field(1, b"VARIABLE_VALUE") + proto_field(3, f"v{VALUE}".encode()) + proto_field(4, 1)
                 + unknown)
    data = graph_bytes(node({"v": 1}, extra=unknown), proto_field(2, attribute) + unknown) + unknown
    graph = parse_object_graph(data)
    assert graph.top_level_objects() == {"v": 1}
    assert graph.nodes[1].attributes == (Attribute("VARIABLE_VALUE", "", f"v{VALUE}"),)
    empty_nodes = parse_object_graph(graph_bytes(node({"e": 1}), b""))
    assert empty_nodes.top_level_objects() == {"e": 0} and empty_nodes.rows()[0].kind == "empty"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "has no nodes"),
    (proto_field(2, b"xx"), "has no nodes"),
    (graph_bytes(node({"a": 5})), "names node 5, but has 1"),
    (graph_bytes(node({"a": -1})), "names node -1"),
    (graph_bytes(node(slots=((0, "m", 9),))), "slot variable outside"),
    (graph_bytes(node({"x": 0})) + proto_field(1, proto_field(1, proto_field(2, b"\xff"))), "not UTF-8"),
    (b"\x0a\x05\x0a\x03", "cut short"),
    (b"\x0b", "wire type 3"),
    (b"\x08" + b"\xff" * 11, "bad varint"),
])
def test_garbage_graphs(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_object_graph(data)
    index = read_checkpoint(write_checkpoint(tmp_path, data))  # valid checksums around garbage
    error = graph_error(index)
    assert error.path == index.data_file(0) and message in error.reason and error.reason.startswith("corrupt")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_parse_or_raise_value_error(data: bytes) -> None:
    try:
        graph = parse_object_graph(data)
    except ValueError as error:
        assert "\n" not in str(error)
    else:
        graph.rows()


def test_big_endian_writer(tmp_path: Path) -> None:
    graph = graph_bytes(node({"v": 1}), node(keys=(f"v{VALUE}",)))
    index = read_checkpoint(write_checkpoint(tmp_path / "big", graph, (f"v{VALUE}",), big_endian=True))
    assert index.big_endian
    read = read_object_graph(index)
    assert read is not None and read.top_level_objects() == {"v": 1}
    lying = dataclasses.replace(index, big_endian=False)  # a header that lies about the byte order
    assert "length checksum does not match" in graph_error(lying).reason


def test_a_wrong_entry_checksum(tmp_path: Path) -> None:
    index = read_checkpoint(write_checkpoint(tmp_path, graph_bytes(node()), crc=1234))
    assert graph_error(index).reason.startswith("corrupt: checksum mismatch")
    assert read_object_graph(index, verify_checksums=False) is not None


def test_a_string_that_does_not_fill_its_entry(tmp_path: Path) -> None:
    index = read_checkpoint(write_checkpoint(tmp_path, graph_bytes(node())))
    shard = Path(index.data_file(0))
    data = bytearray(shard.read_bytes())
    data[16] += 1  # the varint length, one more than the bytes that follow
    shard.write_bytes(bytes(data))
    assert "does not fill" in graph_error(index).reason


def test_long_varints_take_the_slow_paths() -> None:
    """Node ids of one, two and three varint bytes, and names and messages longer than 127 and 16,383 bytes."""
    count = 20_000
    long_name = "n" * 20_000
    keys = [f"{i}{VALUE}" for i in range(1, count)]
    root = node({**{str(i): i for i in range(1, count)}, long_name: count - 1})
    graph = parse_object_graph(graph_bytes(root, *(node(keys=(key,)) for key in keys)))
    assert len(graph.nodes) == count and len(graph.nodes[0].children) == count
    assert graph.nodes[0].children[-1] == Child(count - 1, long_name)
    assert [child.node_id for child in graph.nodes[0].children[:-1]] == list(range(1, count))
    assert graph.nodes[16_400].attributes[0].checkpoint_key == keys[16_399]
    objects = graph.top_level_objects()
    assert len(objects) == count and objects[long_name] == 1


def test_an_inspection_is_immutable() -> None:
    inspection = inspect_checkpoint(FIXTURES / "full")
    with pytest.raises(TypeError):
        inspection.held["model"] = frozenset()  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        inspection.source = "keys"  # type: ignore[misc]
    assert hash(inspection) == hash(inspect_checkpoint(FIXTURES / "full"))


def test_the_garbage_collector_is_left_as_it_was() -> None:
    import gc

    assert gc.isenabled()
    parse_object_graph(graph_bytes(node()))
    assert gc.isenabled()
    with pytest.raises(ValueError):
        parse_object_graph(b"\x0b")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_object_graph(graph_bytes(node()))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_huge_size_in_the_index_is_truncation_not_a_read(tmp_path: Path) -> None:
    entry = proto_field(1, 7) + proto_field(2, b"") + proto_field(4, 1 << 40) + proto_field(5, 1 << 50) + b"\x35" + \
        b"\0\0\0\0"
    path = tmp_path / "ckpt-1.index"
    path.write_bytes(table(sorted([HEADER, (OBJECT_GRAPH_KEY.encode(), entry)])))
    (tmp_path / "ckpt-1.data-00000-of-00001").write_bytes(b"\0" * 100)
    error = graph_error(read_checkpoint(path))
    assert error.reason == (f"truncated: 100 bytes, but the {OBJECT_GRAPH_KEY} the index names is bytes {1 << 40} to "
                            f"{(1 << 40) + (1 << 50)}")

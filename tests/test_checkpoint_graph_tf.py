"""The object graph reader and the restore decision against TensorFlow 2.21 itself, on fresh checkpoints.

The references: TensorFlow's own proto class parsing `_CHECKPOINTABLE_OBJECT_GRAPH` (tf.train.load_checkpoint), the
walk of tf.train.CheckpointView for what each top-level object reaches, and real restores for what each decision
claims (`assert_consumed()`, the values restored or left alone).
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path
from typing import Any

import pytest

from tfckpt_codemod.checkpoint_graph import (
    ObjectGraph,
    decide_restore,
    inspect_checkpoint,
    read_object_graph,
)
from tfckpt_codemod.checkpoint_index import OBJECT_GRAPH_KEY, read_checkpoint

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")

pytestmark = pytest.mark.tf

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checkpoints"


def tf_proto(prefix: str) -> Any:
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    proto = trackable_object_graph_pb2.TrackableObjectGraph()
    proto.ParseFromString(tf.train.load_checkpoint(prefix).get_tensor(OBJECT_GRAPH_KEY))
    return proto


def tf_reachable_counts(prefix: str) -> dict[str, int]:
    """{top-level name: checkpoint keys reachable}, walking tf.train.CheckpointView's children (and the slot
    variables the proto lists, which CheckpointView does not follow)."""
    view = tf.train.CheckpointView(prefix)
    proto = tf_proto(prefix)
    counts = {}
    for name, start in view.children(0).items():
        seen = {start}
        queue = deque([start])
        while queue:
            node_id = queue.popleft()
            successors = list(view.children(node_id).values())
            successors += [slot.slot_variable_node_id for slot in proto.nodes[node_id].slot_variables]
            for successor in successors:
                if successor not in seen:
                    seen.add(successor)
                    queue.append(successor)
        counts[name] = len({attribute.checkpoint_key
                            for node_id in seen for attribute in proto.nodes[node_id].attributes})
    return dict(sorted(counts.items()))


def assert_agrees_with_tensorflow(prefix: str) -> ObjectGraph:
    """Every node, field by field, as TensorFlow's proto class reads it; top-level counts as CheckpointView walks."""
    graph = read_object_graph(read_checkpoint(prefix))
    assert graph is not None
    proto = tf_proto(prefix)
    assert len(graph.nodes) == len(proto.nodes)
    for node, expected in zip(graph.nodes, proto.nodes):
        assert [tuple(child) for child in node.children] == [(c.node_id, c.local_name) for c in expected.children]
        assert [tuple(attribute) for attribute in node.attributes] == [
            (a.name, a.full_name, a.checkpoint_key) for a in expected.attributes]
        assert [tuple(slot) for slot in node.slot_variables] == [
            (s.original_variable_node_id, s.slot_name, s.slot_variable_node_id) for s in expected.slot_variables]
        assert node.registered_saver == (expected.registered_saver.name if expected.HasField("registered_saver")
                                         else "")
        assert node.has_checkpoint_values == (expected.has_checkpoint_values.value
                                              if expected.HasField("has_checkpoint_values") else None)
    assert graph.top_level_objects() == tf_reachable_counts(prefix)
    assert set(graph.top_level()) == set(tf.train.CheckpointView(prefix).children(0))
    return graph


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "name_based"))
def test_checked_in_fixtures_agree_with_tensorflow(name: str) -> None:
    assert_agrees_with_tensorflow(read_checkpoint(FIXTURES / name).prefix)


# --- Keras 3 ------------------------------------------------------------------------------------------------------


def keras_model() -> Any:
    import keras

    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.BatchNormalization(),
                             keras.layers.Dense(1)])


def trained_keras_checkpoint(directory: Path) -> tuple[str, Any, Any]:
    import keras

    model = keras_model()
    optimizer = keras.optimizers.Adam()
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(tf.ones([8, 3]), tf.ones([8, 1]), epochs=2, verbose=0)
    step = tf.Variable(7, dtype=tf.int64)
    prefix = tf.train.Checkpoint(model=model, optimizer=optimizer, step=step).save(str(directory / "ckpt"))
    return prefix, model, optimizer


def equal(a: Any, b: Any) -> bool:
    return bool(tf.reduce_all(tf.convert_to_tensor(a) == tf.convert_to_tensor(b)))


def test_keras_model_optimizer_and_step(tmp_path: Path) -> None:
    prefix, model, _ = trained_keras_checkpoint(tmp_path)
    graph = assert_agrees_with_tensorflow(prefix)
    index = read_checkpoint(prefix)
    by_keys = index.top_level_objects()
    by_graph = graph.top_level_objects()
    # Keys: the trainable weights are under the optimizer, the model keeps BatchNormalization's moving statistics.
    assert by_keys["model"] == 2 and by_graph["model"] > by_keys["model"]
    weights = {v.path for v in model.weights}
    assert len(weights) == 8  # two Dense kernels and biases, gamma, beta, moving mean and variance
    assert by_graph["model"] >= len(weights) and by_graph["step"] == 1
    rows = {row.name: row for row in inspect_checkpoint(index).rows}
    assert rows["model"].shared > 0 and rows["step"].kind == "variable" and rows["optimizer"].kind == "object"


def test_keras_decisions_hold_under_a_real_restore(tmp_path: Path) -> None:
    import keras

    prefix, model, optimizer = trained_keras_checkpoint(tmp_path)
    index = read_checkpoint(prefix)

    full = decide_restore(index, ["model", "optimizer", "step"])
    assert full.kind == "full"
    fresh, fresh_optimizer = keras_model(), keras.optimizers.Adam()
    fresh_optimizer.build(fresh.trainable_variables)
    step = tf.Variable(0, dtype=tf.int64)
    tf.train.Checkpoint(model=fresh, optimizer=fresh_optimizer, step=step).restore(prefix).assert_consumed()
    assert int(step.numpy()) == 7 and int(fresh_optimizer.iterations.numpy()) == int(optimizer.iterations.numpy())

    partial = decide_restore(index, ["model"])
    # The keys alone would say `model` holds 2 values and miss its weights; the graph says it holds them.
    assert partial.kind == "partial" and partial.missing == () and partial.unrequested == ("optimizer", "step")
    fresh = keras_model()
    status = tf.train.Checkpoint(model=fresh).restore(prefix)
    for restored, saved in zip(fresh.weights, model.weights):
        assert equal(restored, saved), restored.path  # restored, although no key starts with model/
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError):
        status.assert_consumed()  # values not asked for: what .expect_partial() is for
    status.expect_partial()

    only_optimizer = decide_restore(index, ["optimizer"])
    assert only_optimizer.kind == "partial" and "model" in only_optimizer.unrequested


def test_a_keras_model_saved_before_it_was_built_is_missing(tmp_path: Path) -> None:
    """Saved without weights: a restore into a built model silently changes nothing."""
    import keras

    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    prefix = tf.train.Checkpoint(model=unbuilt).save(str(tmp_path / "ckpt"))
    assert_agrees_with_tensorflow(prefix)
    result = decide_restore(read_checkpoint(prefix), ["model"])
    assert result.kind == "missing" and result.missing == result.empty == ("model",)
    built = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, kernel_initializer="ones")])
    tf.train.Checkpoint(model=built).restore(prefix)
    assert equal(built.layers[0].kernel, tf.ones([2, 3]))  # nothing restored, nothing said


def test_a_name_missing_from_the_checkpoint_restores_nothing(tmp_path: Path) -> None:
    encoder = tf.Module()
    encoder.w = tf.Variable(1.0)
    prefix = tf.train.Checkpoint(encoder=encoder).save(str(tmp_path / "ckpt"))
    result = decide_restore(read_checkpoint(prefix), ["encoder", "decoder"])
    assert result.kind == "missing" and result.missing == ("decoder",) and result.empty == ()
    decoder = tf.Module()
    decoder.w = tf.Variable(5.0)
    status = tf.train.Checkpoint(encoder=tf.Module(), decoder=decoder).restore(prefix)
    assert float(decoder.w.numpy()) == 5.0
    with pytest.raises(AssertionError):
        status.assert_existing_objects_matched()


# --- tf.Module trees, lists, shared and cyclic references -------------------------------------------------------


class Dense(tf.Module):  # type: ignore[misc]
    def __init__(self, inputs: int, outputs: int) -> None:
        super().__init__()
        self.kernel = tf.Variable(tf.ones([inputs, outputs]))
        self.bias = tf.Variable(tf.zeros([outputs]))


def test_nested_module_trees_shared_and_cyclic(tmp_path: Path) -> None:
    shared = Dense(2, 2)
    encoder = tf.Module()
    encoder.blocks = [Dense(2, 3), {"inner": Dense(3, 3), "shared": shared}]
    encoder.nothing = tf.Module()
    decoder = tf.Module()
    decoder.shared = shared
    decoder.back = encoder  # decoder reaches everything the encoder holds
    encoder.parent = decoder  # and back: a cycle
    empty = tf.Module()
    empty.child = tf.Module()
    prefix = tf.train.Checkpoint(encoder=encoder, decoder=decoder, empty=empty).save(str(tmp_path / "ckpt"))
    graph = assert_agrees_with_tensorflow(prefix)
    assert graph.top_level_objects() == {"decoder": 6, "empty": 0, "encoder": 6, "save_counter": 1}
    rows = {row.name: row for row in graph.rows()}
    assert rows["encoder"].shared == 6 and rows["empty"].kind == "empty"
    index = read_checkpoint(prefix)
    assert sum(index.top_level_objects().get(name, 0) for name in ("encoder", "decoder")) == 6  # each key once
    assert decide_restore(index, ["encoder", "decoder"]).kind == "full"
    assert decide_restore(index, ["encoder"]).unrequested == ("decoder",)


def test_a_checkpoint_with_list_attributes(tmp_path: Path) -> None:
    layers = [Dense(2, 3), Dense(3, 1)]
    extras = [tf.Variable(1.0), [tf.Variable(2.0), {"k": tf.Variable(3.0)}], []]
    prefix = tf.train.Checkpoint(layers=layers, extras=extras, none=[]).save(str(tmp_path / "ckpt"))
    graph = assert_agrees_with_tensorflow(prefix)
    assert graph.top_level_objects() == {"extras": 3, "layers": 4, "none": 0, "save_counter": 1}
    assert decide_restore(read_checkpoint(prefix), ["layers"]).unrequested == ("extras",)


def test_tf1_optimizer_slot_variables(tmp_path: Path) -> None:
    model = tf.Module()
    model.layers = [Dense(2, 3), Dense(3, 1)]
    optimizer = tf.compat.v1.train.AdamOptimizer(0.01)
    with tf.GradientTape() as tape:
        x = tf.ones([1, 2])
        for layer in model.layers:
            x = x @ layer.kernel + layer.bias
        loss = tf.reduce_sum(x)
    variables = model.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    prefix = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    graph = assert_agrees_with_tensorflow(prefix)
    assert graph.top_level_objects() == read_checkpoint(prefix).top_level_objects()
    assert graph.top_level_objects()["optimizer"] == 2 + 2 * 4  # beta powers, m and v for four variables


def test_many_shards_and_thousands_of_variables(tmp_path: Path) -> None:
    layers = [{"w": tf.Variable(tf.fill([3], float(i))), "b": tf.Variable(i)} for i in range(1500)]
    policy = tf.train.experimental.MaxShardSizePolicy(max_shard_size=16 * 1024)
    options = tf.train.CheckpointOptions(experimental_sharding_callback=policy)
    prefix = tf.train.Checkpoint(layers=layers, step=tf.Variable(1)).save(str(tmp_path / "ckpt"), options=options)
    index = read_checkpoint(prefix)
    assert index.num_shards > 1
    graph = assert_agrees_with_tensorflow(prefix)
    assert graph.top_level_objects() == {"layers": 3000, "save_counter": 1, "step": 1}


# --- name-based -----------------------------------------------------------------------------------------------------


def test_name_based_restore_matches_variables_by_name(tmp_path: Path) -> None:
    """What the name_based decision tells a person to check, under TensorFlow."""
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.get_variable("policy/kernel", [2, 3], initializer=tf.compat.v1.ones_initializer())
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            prefix = saver.save(session, str(tmp_path / "model.ckpt"), write_meta_graph=False)
    result = decide_restore(read_checkpoint(prefix), ["model"])
    assert result.kind == "name_based" and "1 keys (policy/kernel)" in result.reason
    module = tf.Module()
    module.kernel = tf.Variable(tf.zeros([2, 3]), name="policy/kernel")  # the key's name: restored
    module.other = tf.Variable(tf.zeros([3]), name="other")  # no such key: left alone, silently
    status = tf.train.Checkpoint(anything=module).restore(prefix)
    assert equal(module.kernel, tf.ones([2, 3])) and equal(module.other, tf.zeros([3]))
    with pytest.raises(AssertionError, match="other"):
        status.assert_consumed()

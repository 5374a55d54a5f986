"""The checkpoint index reader against TensorFlow 2.21 itself: fresh checkpoints, the same names, dtypes and shapes.

`tf.train.list_variables` and `tf.train.load_checkpoint` are the reference: for every checkpoint written here the
reader must list exactly their names, in their order, with their dtypes and shapes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tfckpt_codemod.checkpoint_index import (
    OBJECT_GRAPH_KEY,
    CheckpointIndex,
    read_checkpoint,
)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")

pytestmark = pytest.mark.tf

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checkpoints"


def assert_agrees_with_tensorflow(prefix: str) -> CheckpointIndex:
    index = read_checkpoint(prefix)
    assert index.prefix == prefix
    assert list(index.entries) == [name for name, _ in tf.train.list_variables(prefix)]
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    shapes = reader.get_variable_to_shape_map()
    assert set(dtypes) == set(index.entries)
    for name, entry in index.entries.items():
        assert entry.dtype == dtypes[name].name, name
        assert list(entry.shape) == shapes[name], name
    return index


class Dense(tf.Module):  # type: ignore[misc]
    def __init__(self, inputs: int, outputs: int) -> None:
        super().__init__()
        self.kernel = tf.Variable(tf.ones([inputs, outputs]))
        self.bias = tf.Variable(tf.zeros([outputs], dtype=tf.float64))
        self.counts = tf.Variable(tf.zeros([2, 0, 3], dtype=tf.int32))  # a zero-size dimension

    def __call__(self, x: Any) -> Any:
        return x @ self.kernel + tf.cast(self.bias, tf.float32)


class Encoder(tf.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.blocks = [Dense(2, 3), Dense(3, 3)]
        self.head = {"out": Dense(3, 1)}

    def __call__(self, x: Any) -> Any:
        for block in self.blocks:
            x = block(x)
        return self.head["out"](x)


def test_object_based_with_nested_objects_slots_and_escaped_names(tmp_path: Path) -> None:
    encoder = Encoder()
    optimizer = tf.compat.v1.train.AdamOptimizer(0.01)  # slot variables (.OPTIMIZER_SLOT)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(encoder(tf.ones([1, 2])))
    variables = [encoder.blocks[0].kernel, encoder.blocks[1].kernel, encoder.head["out"].kernel]
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    odd = tf.Module()
    setattr(odd, "x/y.z", tf.Variable(b"bytes"))
    odd.größe = tf.Variable(tf.zeros([4], dtype=tf.bfloat16))
    checkpoint = tf.train.Checkpoint(encoder=encoder, optimizer=optimizer, step=tf.Variable(3, dtype=tf.int64),
                                     **{"odd.one": odd})
    prefix = checkpoint.save(str(tmp_path / "ckpt"))

    index = assert_agrees_with_tensorflow(prefix)
    assert index.kind == "object-based"
    assert set(index.top_level_objects()) == {"encoder", "optimizer", "step", "odd.one", "save_counter"}
    slots = [key for key in index.object_keys.values() if key.slot_for is not None]
    assert len(slots) == 6  # m and v for the three kernels
    kernels = {("encoder", "blocks", "0", "kernel"), ("encoder", "blocks", "1", "kernel"),
               ("encoder", "head", "out", "kernel")}
    assert {key.slot_for for key in slots} == kernels
    assert "odd.one/x/y.z" in index.object_paths()
    assert "odd.one/größe" in index.object_paths()
    assert read_checkpoint(tmp_path).prefix == prefix  # the state file TensorFlow wrote


def test_keras_model_and_optimizer_in_a_checkpoint(tmp_path: Path) -> None:
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.BatchNormalization(),
                              keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam()
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(tf.ones([8, 3]), tf.ones([8, 1]), epochs=1, verbose=0)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model, optimizer=optimizer), str(tmp_path), 2)
    for _ in range(3):
        manager.save()
    index = assert_agrees_with_tensorflow(manager.latest_checkpoint)
    assert read_checkpoint(tmp_path).prefix == manager.latest_checkpoint  # the newest of the two kept
    # Keras 3: trainable weights are keyed under the optimizer; the model keeps only what the optimizer does not
    # track (BatchNormalization's moving statistics).
    objects = index.top_level_objects()
    assert objects["optimizer"] > 0
    assert objects.get("model", 0) == 2


def test_name_based_saver_with_a_partitioned_variable(tmp_path: Path) -> None:
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.get_variable("policy/kernel", [5, 3])
        tf.compat.v1.get_variable("policy/bias", [3], dtype=tf.float16)
        tf.compat.v1.get_variable("value/embedding", [12, 2], partitioner=tf.compat.v1.fixed_size_partitioner(4))
        tf.compat.v1.train.get_or_create_global_step()
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            prefix = saver.save(session, str(tmp_path / "model.ckpt"), global_step=11, write_meta_graph=False)
    index = assert_agrees_with_tensorflow(prefix)
    assert index.kind == "name-based"
    assert OBJECT_GRAPH_KEY not in index.entries
    assert index.entries["value/embedding"].slices == 4
    assert read_checkpoint(tmp_path).prefix == prefix  # Saver's state file names it by an absolute path


def test_thousands_of_variables_in_several_shards(tmp_path: Path) -> None:
    layers = [{"w": tf.Variable(tf.fill([3], float(i))), "b": tf.Variable(i)} for i in range(1500)]
    policy = tf.train.experimental.MaxShardSizePolicy(max_shard_size=16 * 1024)
    options = tf.train.CheckpointOptions(experimental_sharding_callback=policy)
    prefix = tf.train.Checkpoint(layers=layers).save(str(tmp_path / "ckpt"), options=options)
    index = assert_agrees_with_tensorflow(prefix)
    assert len(index.entries) == 3002
    assert index.num_shards > 1
    assert len({entry.shard_id for entry in index.entries.values()}) > 1
    assert all(Path(name).is_file() for name in index.data_files)
    assert index.top_level_objects() == {"layers": 3000, "save_counter": 1}


def test_a_megabyte_index(tmp_path: Path) -> None:
    """20,000 tensors written by SaveV2 directly: an index of many blocks, large enough for the word-wise crc32c."""
    names = sorted(f"scope_{i % 50}/layer_{i:05d}/kernel/.ATTRIBUTES/VARIABLE_VALUE" for i in range(20_000))
    prefix = str(tmp_path / "big")
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                      tensors=[tf.zeros([2, 2], dtype=tf.int8)] * len(names))
    assert os.path.getsize(prefix + ".index") > 1 << 20
    index = assert_agrees_with_tensorflow(prefix)
    assert index.kind == "name-based"  # no object graph: SaveV2 is not tf.train.Checkpoint


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_checked_in_fixtures_agree_with_tensorflow(name: str) -> None:
    assert_agrees_with_tensorflow(read_checkpoint(FIXTURES / name).prefix)

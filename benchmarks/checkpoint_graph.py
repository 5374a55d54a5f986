"""How long the object graph reader takes on a checkpoint of ~100,000 values.

    python benchmarks/checkpoint_graph.py [--layers N] [--repeat K]

The checkpoint is written once by TensorFlow into benchmarks/.corpus/graph-<N>/ and reused (needs the `tf` extra the
first time; 16,000 layers take minutes): `tf.train.Checkpoint(model=, optimizer=, step=)` of a tf.Module holding N
layers of a kernel and a bias, and a Keras 3 Adam optimizer built on them, so that the optimizer reaches the model's
variables (`_trainable_variables`) besides its own two slots per variable, as it does for a Keras model. Prints the
best of K runs for reading the index, the object graph with and without checksums, the whole inspection, and a
decision on it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfckpt_codemod.checkpoint_graph import (  # after the path
    decide_restore,
    inspect_checkpoint,
    read_object_graph,
)
from tfckpt_codemod.checkpoint_index import read_checkpoint
from timing import best  # benchmarks/, the script's own directory

CORPUS = Path(__file__).resolve().parent / ".corpus"


def make_checkpoint(layers: int) -> str:
    directory = CORPUS / f"graph-{layers}"
    prefix = directory / "ckpt-1"
    if not Path(f"{prefix}.index").is_file():
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras
        import tensorflow as tf

        model = tf.Module()
        model.layers = []
        for i in range(layers):
            layer = tf.Module()
            layer.kernel = tf.Variable(tf.zeros([4, 4]), name=f"layer{i}/kernel")
            layer.bias = tf.Variable(tf.zeros([4]), name=f"layer{i}/bias")
            model.layers.append(layer)
        optimizer = keras.optimizers.Adam()
        optimizer.build(model.trainable_variables)
        tf.train.Checkpoint(model=model, optimizer=optimizer, step=tf.Variable(1)).save(str(directory / "ckpt"))
    return str(prefix)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=16_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    prefix = make_checkpoint(args.layers)
    index = read_checkpoint(prefix)
    graph = read_object_graph(index)
    assert graph is not None and index.object_graph_location is not None
    inspection = inspect_checkpoint(index)
    print(f"{len(index.entries)} keys, index {os.path.getsize(prefix + '.index') / 1e6:.1f} MB, "
          f"object graph {index.object_graph_location.size / 1e6:.1f} MB of {len(graph.nodes)} nodes; "
          f"best of {args.repeat}")
    print("  " + ", ".join(f"{row.name}: {row.variables} ({row.shared} shared)" for row in inspection.rows))
    print(f"  read_checkpoint (index, crc32c checked)      {best(args.repeat, lambda: read_checkpoint(prefix))}")
    print(f"  read_object_graph, checksums checked         {best(args.repeat, lambda: read_object_graph(index))}")
    print(f"  read_object_graph, unchecked                 "
          f"{best(args.repeat, lambda: read_object_graph(index, verify_checksums=False))}")
    print(f"  inspect_checkpoint (graph read, rows)        {best(args.repeat, lambda: inspect_checkpoint(index))}")
    print(f"  decide_restore on the inspection             "
          f"{best(args.repeat, lambda: decide_restore(inspection, ['model']))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

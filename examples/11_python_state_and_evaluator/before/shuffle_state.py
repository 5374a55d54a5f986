"""Checkpoint a NumPy shuffling RNG next to the weights, then evaluate every
checkpoint the trainer left behind.

Restarting with the same RNG state replays the exact same data order.
"""
import io
import os
import tempfile

import numpy as np
import tensorflow as tf


class RandomStateWrapper(tf.contrib.checkpoint.PythonStateWrapper):
    """Saves a numpy RandomState inside TensorFlow checkpoints."""

    def __init__(self, seed):
        self.state = np.random.RandomState(seed)

    def serialize(self):
        _, keys, pos = self.state.get_state()[:3]
        buffer = io.BytesIO()
        np.save(buffer, np.append(keys, pos).astype(np.uint32), allow_pickle=False)
        return buffer.getvalue()

    def deserialize(self, string_value):
        saved = np.load(io.BytesIO(string_value), allow_pickle=False)
        self.state.set_state(("MT19937", saved[:-1], int(saved[-1])))


def main():
    directory = tempfile.mkdtemp()
    rng = RandomStateWrapper(seed=42)
    weights = tf.Variable(tf.zeros([3]))
    ckpt = tf.train.Checkpoint(rng=rng, weights=weights)
    for _ in range(2):
        weights.assign_add(rng.state.normal(size=3).astype("float32"))
        ckpt.save(os.path.join(directory, "ckpt"))
    next_batch_order = rng.state.permutation(10)

    # evaluator: wait for checkpoints and stop after one second without a new one
    for path in tf.contrib.training.checkpoints_iterator(directory, timeout=1):
        restored_rng = RandomStateWrapper(seed=0)
        restored_weights = tf.Variable(tf.zeros([3]))
        tf.train.Checkpoint(rng=restored_rng, weights=restored_weights).restore(path)
    if not np.allclose(weights.numpy(), restored_weights.numpy()):
        raise SystemExit("weights differ")
    if not np.array_equal(next_batch_order, restored_rng.state.permutation(10)):
        raise SystemExit("data order was not restored")
    print("OK")


if __name__ == "__main__":
    main()

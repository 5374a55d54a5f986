"""Keep training checkpoints and an exported SavedModel side by side.

The checkpoint is what training resumes from; the SavedModel is what serving
loads. Both live under one export directory.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf


class Normalizer(tf.Module):
    def __init__(self, size):
        super(Normalizer, self).__init__()
        self.mean = tf.Variable(tf.random.normal([size]), name="mean")
        self.scale = tf.Variable(tf.random.uniform([size], 1.0, 2.0), name="scale")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        return (x - self.mean) / self.scale


def main():
    export_dir = tempfile.mkdtemp()
    normalizer = Normalizer(3)

    checkpoint = tf.contrib.eager.Checkpoint(normalizer=normalizer)
    save_path = checkpoint.save(os.path.join(export_dir, "ckpt", "normalizer"))
    tf.saved_model.save(normalizer, os.path.join(export_dir, "saved_model"))

    # resume: fresh variables filled from the checkpoint
    resumed = Normalizer(3)
    tf.contrib.eager.Checkpoint(normalizer=resumed).restore(save_path)
    for name in ("mean", "scale"):
        saved = getattr(normalizer, name).numpy()
        if not np.allclose(saved, getattr(resumed, name).numpy()):
            raise SystemExit("checkpoint lost %s" % name)

    # serve: the SavedModel computes what the restored module computes
    served = tf.saved_model.load(os.path.join(export_dir, "saved_model"))
    batch = tf.random.normal([5, 3])
    if not np.allclose(served(batch).numpy(), resumed(batch).numpy()):
        raise SystemExit("SavedModel and checkpoint disagree")
    print("OK")


if __name__ == "__main__":
    main()

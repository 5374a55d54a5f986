"""Save every epoch but keep only the three most recent checkpoints."""
import glob
import os
import tempfile

import numpy as np
import tensorflow as tf


def make_state():
    weights = tf.Variable(tf.zeros([4, 2]), name="weights")
    epoch = tf.Variable(0, dtype=tf.int64, name="epoch")
    return weights, epoch


def main():
    directory = tempfile.mkdtemp()
    weights, epoch = make_state()
    ckpt = tf.train.Checkpoint(weights=weights, epoch=epoch)
    manager = tf.contrib.checkpoint.CheckpointManager(ckpt, directory, max_to_keep=3)

    for _ in range(5):
        weights.assign_add(tf.random.normal([4, 2]))  # one "epoch" of updates
        epoch.assign_add(1)
        manager.save()

    kept = glob.glob(os.path.join(directory, "ckpt-*.index"))
    if len(manager.checkpoints) != 3 or len(kept) != 3:
        raise SystemExit("expected 3 checkpoints, found %d" % len(kept))

    # a new process: same directory, fresh variables, latest checkpoint wins
    new_weights, new_epoch = make_state()
    new_ckpt = tf.train.Checkpoint(weights=new_weights, epoch=new_epoch)
    new_manager = tf.contrib.checkpoint.CheckpointManager(new_ckpt, directory, max_to_keep=3)
    new_ckpt.restore(new_manager.latest_checkpoint)

    if int(new_epoch.numpy()) != 5:
        raise SystemExit("latest checkpoint is not epoch 5")
    if not np.allclose(weights.numpy(), new_weights.numpy()):
        raise SystemExit("weights differ")
    print("OK")


if __name__ == "__main__":
    main()

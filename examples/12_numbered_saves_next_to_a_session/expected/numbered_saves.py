"""Checkpoints named after the training step (ckpt-30, ckpt-60, ckpt-90) in a file that still runs a TF 1 session.

The session computes input statistics the old way; the checkpoints are written eagerly by a CheckpointManager whose
save() is given the step, so every file says which step it holds.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf


def input_statistics(data):
    graph = tf.Graph()
    with graph.as_default():
        features = tf.compat.v1.placeholder(tf.float32, [None, 3])
        mean = tf.reduce_mean(features, axis=0)
    with tf.compat.v1.Session(graph=graph) as sess:
        return sess.run(mean, {features: data})


def main():
    data = np.random.RandomState(0).normal(size=(16, 3)).astype("float32")
    stats = tf.Variable(input_statistics(data))
    global_step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(stats=stats, step=global_step)
    manager = tf.train.CheckpointManager(ckpt, tempfile.mkdtemp(), max_to_keep=3)
    for _ in range(3):
        global_step.assign_add(30)
        stats.assign_add(tf.ones([3]))
        manager.save(global_step)

    names = [os.path.basename(path) for path in manager.checkpoints]
    if names != ["ckpt-30", "ckpt-60", "ckpt-90"]:
        raise SystemExit("checkpoints are numbered %s" % names)
    fresh_stats = tf.Variable(tf.zeros([3]))
    fresh_step = tf.Variable(0, dtype=tf.int64)
    tf.train.Checkpoint(stats=fresh_stats, step=fresh_step).restore(manager.latest_checkpoint)
    if int(fresh_step.numpy()) != 90 or not np.allclose(fresh_stats.numpy(), stats.numpy()):
        raise SystemExit("the latest checkpoint was not restored")
    print("OK")


if __name__ == "__main__":
    main()

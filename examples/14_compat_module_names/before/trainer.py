"""Training code that gets its checkpoint classes from compat, not from TensorFlow."""
import tensorflow as tf

from compat import Checkpoint, CheckpointManager


def train(directory, steps):
    weights = tf.Variable(tf.zeros([2, 2]))
    step = tf.Variable(0, dtype=tf.int64)
    manager = CheckpointManager(Checkpoint(weights=weights, step=step), directory, max_to_keep=2)
    for _ in range(steps):
        weights.assign_add(tf.eye(2))
        step.assign_add(1)
        manager.save()
    return weights


def resume(directory):
    weights = tf.Variable(tf.zeros([2, 2]))
    step = tf.Variable(0, dtype=tf.int64)
    Checkpoint(weights=weights, step=step).restore(tf.train.latest_checkpoint(directory)).assert_consumed()
    return weights, int(step.numpy())

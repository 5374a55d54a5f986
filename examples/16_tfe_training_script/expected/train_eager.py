"""A TF 1 eager training script that uses tfe for everything: eager mode, variables, gradients, checkpoints.

Only tf.contrib.eager stood between it and TF 2: every tfe member it uses has an exact TF 2 spelling, so after the
migration the file has no contrib left and runs.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf

tf.compat.v1.enable_eager_execution()


def make_weights():
    return tf.Variable(tf.zeros([3, 1]), name="w"), tf.Variable(0.0, name="b")


def loss_fn(w, b, x, y):
    return tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))


def main():
    assert tf.executing_eagerly()
    x = tf.constant(np.random.RandomState(1).normal(size=(32, 3)), dtype=tf.float32)
    y = tf.matmul(x, tf.constant([[1.0], [-2.0], [0.5]])) + 0.3
    w, b = make_weights()
    optimizer = tf.compat.v1.train.GradientDescentOptimizer(0.1)
    for _ in range(50):
        with tf.GradientTape() as tape:
            loss = loss_fn(w, b, x, y)
        optimizer.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
    slots = optimizer.variables()

    prefix = tf.train.Checkpoint(w=w, b=b).save(os.path.join(tempfile.mkdtemp(), "ckpt"))
    fresh_w, fresh_b = make_weights()
    tf.train.Checkpoint(w=fresh_w, b=fresh_b).restore(prefix).assert_consumed()
    if not (np.allclose(fresh_w.numpy(), w.numpy()) and np.isclose(fresh_b.numpy(), b.numpy())):
        raise SystemExit("restored weights differ")
    if float(loss_fn(fresh_w, fresh_b, x, y)) > 0.05 or slots != optimizer.variables():
        raise SystemExit("training did not converge")
    print("OK")


if __name__ == "__main__":
    main()

"""Fit y = 3x + 2 with plain variables and checkpoint the fitted line."""
import tempfile

import numpy as np
import tensorflow as tf


class Linear(tf.Module):
    def __init__(self):
        super(Linear, self).__init__()
        self.w = tf.Variable(0.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


def fit(model, steps=50):
    optimizer = tf.optimizers.SGD(learning_rate=0.1)
    x = tf.linspace(-1.0, 1.0, 20)
    y = 3.0 * x + 2.0
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, [model.w, model.b])
        optimizer.apply_gradients(zip(grads, [model.w, model.b]))


def main():
    model = Linear()
    fit(model)
    checkpoint_dir = tempfile.mkdtemp()
    root = tf.train.Checkpoint(line=model)
    root.save(file_prefix=checkpoint_dir + "/line")

    fresh = Linear()
    root = tf.train.Checkpoint(line=fresh)
    root.restore(tf.train.latest_checkpoint(checkpoint_dir))
    if not np.allclose([model.w.numpy(), model.b.numpy()],
                       [fresh.w.numpy(), fresh.b.numpy()]):
        raise SystemExit("fitted line was not restored")
    print("OK")


if __name__ == "__main__":
    main()

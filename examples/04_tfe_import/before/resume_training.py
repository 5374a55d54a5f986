"""Resume training from the latest checkpoint, eager style."""
import os
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow.contrib.eager as tfe


def build_objects():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(3,)),
        tf.keras.layers.Dense(4, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.01)
    optimizer.build(model.trainable_variables)  # create the slots up front
    step = tf.Variable(0, dtype=tf.int64)
    return dict(model=model, optimizer=optimizer, step=step)


def train_steps(objects, n):
    x = tf.random.normal([16, 3])
    y = 2.0 * x[:, :1] - 1.0
    for _ in range(n):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(objects["model"](x) - y))
        variables = objects["model"].trainable_variables
        objects["optimizer"].apply_gradients(zip(tape.gradient(loss, variables), variables))
        objects["step"].assign_add(1)


def main():
    checkpoint_dir = tempfile.mkdtemp()
    checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")

    objects = build_objects()
    train_steps(objects, 3)
    checkpoint = tfe.Checkpoint(**objects)
    checkpoint.save(checkpoint_prefix)

    # a later run: rebuild everything, then pick up where training stopped
    resumed = build_objects()
    checkpoint = tfe.Checkpoint(**resumed)
    checkpoint.restore(tf.train.latest_checkpoint(checkpoint_dir))

    if int(resumed["step"].numpy()) != 3:
        raise SystemExit("step counter not restored")
    saved = objects["model"].weights + objects["optimizer"].variables
    restored = resumed["model"].weights + resumed["optimizer"].variables
    for a, b in zip(saved, restored):
        if not np.allclose(a.numpy(), b.numpy()):
            raise SystemExit("mismatch in %s" % a.path)
    print("OK")


if __name__ == "__main__":
    main()

"""Train a small regression model for a few steps, checkpoint it, load it back."""
import os
import tempfile

import numpy as np
import tensorflow as tf


def build_model():
    return tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8, activation="relu"),
        tf.keras.layers.Dense(1),
    ])


def main():
    model = build_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

    # a few steps so the weights are no longer the initial ones
    x = tf.random.normal([32, 4])
    y = tf.reduce_sum(x, axis=1, keepdims=True)
    for _ in range(5):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    ckpt_dir = tempfile.mkdtemp()
    saver = tf.train.Checkpoint(model=model)
    save_path = saver.save(os.path.join(ckpt_dir, "model.ckpt"))

    # load into a brand new model, as a separate process would
    restored_model = build_model()
    saver = tf.train.Checkpoint(model=restored_model)
    saver.restore(save_path)

    for saved, restored in zip(model.get_weights(), restored_model.get_weights()):
        if not np.allclose(saved, restored):
            raise SystemExit("restored weights differ from the saved ones")
    print("OK")


if __name__ == "__main__":
    main()

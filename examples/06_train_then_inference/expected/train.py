"""Train the classifier and write checkpoints, optimizer state included."""
import os

import tensorflow as tf

from model import build_classifier


def train(checkpoint_dir, steps=20):
    model = build_classifier()
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.05)
    optimizer_step = tf.Variable(0, dtype=tf.int64, name="global_step")
    checkpoint = tf.train.Checkpoint(
        optimizer=optimizer, model=model, optimizer_step=optimizer_step)

    features = tf.random.normal([64, 6])
    labels = tf.argmax(features[:, :3], axis=1)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(features))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        optimizer_step.assign_add(1)

    checkpoint.save(os.path.join(checkpoint_dir, "ckpt"))
    return model

"""Fine-tune: reuse a pretrained encoder, train a new head from scratch.

The pretraining checkpoint also holds the old head and the optimizer; only the
encoder is wanted here.
"""
import os
import tempfile

import numpy as np
from tensorflow import keras
import tensorflow as tf


def build_encoder():
    return keras.Sequential([keras.Input(shape=(8,)),
                             keras.layers.Dense(6, activation="relu"),
                             keras.layers.Dense(4, activation="relu")])


def pretrain(checkpoint_prefix):
    encoder = build_encoder()
    head = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(10)])
    model = keras.Sequential([encoder, head])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.random.rand(32, 8), np.random.rand(32, 10), epochs=2, verbose=0)
    checkpoint = tf.train.Checkpoint(encoder=encoder, head=head, optimizer=model.optimizer)
    return encoder, checkpoint.save(checkpoint_prefix)


def main():
    prefix = os.path.join(tempfile.mkdtemp(), "pretrain")
    pretrained, save_path = pretrain(prefix)

    encoder = build_encoder()
    status = tf.train.Checkpoint(encoder=encoder).restore(save_path).expect_partial()
    status.assert_existing_objects_matched()
    new_head = keras.layers.Dense(2)
    classifier = keras.Sequential([encoder, new_head])
    classifier.compile(optimizer="adam", loss="mse")

    for saved, restored in zip(pretrained.get_weights(), encoder.get_weights()):
        if not np.allclose(saved, restored):
            raise SystemExit("encoder weights were not carried over")
    print("OK")


if __name__ == "__main__":
    main()

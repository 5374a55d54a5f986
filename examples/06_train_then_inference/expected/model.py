"""The classifier shared by train.py and inference.py."""
import tensorflow as tf


def build_classifier():
    return tf.keras.Sequential([
        tf.keras.Input(shape=(6,)),
        tf.keras.layers.Dense(12, activation="relu", name="hidden"),
        tf.keras.layers.Dense(3, name="logits"),
    ])

"""Load the latest training checkpoint for prediction only (no optimizer)."""
import tensorflow as tf
from tensorflow.contrib.eager.python import tfe

from model import build_classifier


def load_for_inference(checkpoint_dir):
    model = build_classifier()
    optimizer_step = tf.Variable(0, dtype=tf.int64, name="global_step")
    root = tfe.Checkpoint(model=model, optimizer_step=optimizer_step)
    root.restore(tf.train.latest_checkpoint(checkpoint_dir))
    return model, int(optimizer_step.numpy())


def predict(model, features):
    return tf.argmax(model(features), axis=1)

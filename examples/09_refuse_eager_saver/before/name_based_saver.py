"""A Keras model's weights saved with the eager Saver: left for a person, with the form that works.

TF 1's tfe.Saver(model.variables) wrote one key per variable name (dense/kernel, ...). Keras 3 variables are not
named that way: a name-based Saver given them saves every one under the same key and restores the wrong values
without an error. The tool reports both savers with {v.path: v.value for v in model.variables}, and changes nothing.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow.contrib.eager as tfe


def make_model():
    return tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)])


def main():
    model = make_model()
    prefix = os.path.join(tempfile.mkdtemp(), "weights")
    saver = tfe.Saver(model.variables)
    saver.save(prefix)

    fresh = make_model()
    tfe.Saver(fresh.variables).restore(prefix)
    for saved, restored in zip(model.variables, fresh.variables):
        if not np.allclose(saved.numpy(), restored.numpy()):
            raise SystemExit("%s differs" % saved.path)
    print("OK")


if __name__ == "__main__":
    main()

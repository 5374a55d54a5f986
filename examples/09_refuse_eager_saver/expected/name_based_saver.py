"""Name-based saving with the eager Saver: there is no drop-in TF 2 version.

tfe.Saver matches variables by name, tf.train.Checkpoint by object graph, so
checkpoints written here cannot be read by a rewritten program. This file is
left for a person to port.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow.contrib.eager as tfe


def make_variables():
    w = tf.Variable(tf.random.normal([3, 3]), name="w")
    b = tf.Variable(tf.zeros([3]), name="b")
    return [w, b]


def main():
    variables = make_variables()
    variables[1].assign([1.0, 2.0, 3.0])
    prefix = os.path.join(tempfile.mkdtemp(), "vars")
    saver = tfe.Saver(variables)
    saver.save(prefix)

    fresh = make_variables()
    tfe.Saver(fresh).restore(prefix)
    for saved, restored in zip(variables, fresh):
        if not np.allclose(saved.numpy(), restored.numpy()):
            raise SystemExit("%s differs" % saved.name)
    print("OK")


if __name__ == "__main__":
    main()

"""Name-based saving with the eager Saver: checkpoint keys are the variables' names.

tfe.Saver wrapped TF 1's name-based Saver, which TF 2 still has as tf.compat.v1.train.Saver: written out with the
calls tfe.Saver made, the program keeps reading and writing the same files (porting to tf.train.Checkpoint would
change what is on disk).
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
    path = saver.save(prefix, global_step=7)
    if not path.endswith("vars-7"):
        raise SystemExit("saved as %s" % path)
    names = sorted(name for name, _ in tf.train.list_variables(path))
    if names != ["b", "w"]:
        raise SystemExit("checkpoint keys are %s, not the variable names" % names)

    fresh = make_variables()
    tfe.Saver(fresh).restore(path)
    for saved, restored in zip(variables, fresh):
        if not np.allclose(saved.numpy(), restored.numpy()):
            raise SystemExit("%s differs" % saved.name)
    print("OK")


if __name__ == "__main__":
    main()

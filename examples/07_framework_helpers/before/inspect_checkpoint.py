"""Inspect a checkpoint without building the model: list, read, compare."""
import os
import tempfile

import numpy as np
import tensorflow as tf


class Embedding(tf.Module):
    def __init__(self):
        super(Embedding, self).__init__()
        self.table = tf.Variable(tf.random.normal([5, 3]), name="table")
        self.bias = tf.Variable(tf.random.normal([3]), name="bias")


def main():
    embedding = Embedding()
    checkpoint = tf.train.Checkpoint(embedding=embedding)
    save_path = checkpoint.save(os.path.join(tempfile.mkdtemp(), "emb"))

    # every variable stored in the checkpoint, with its shape
    shapes = dict(tf.contrib.framework.list_variables(save_path))
    table_key = "embedding/table/.ATTRIBUTES/VARIABLE_VALUE"
    bias_key = "embedding/bias/.ATTRIBUTES/VARIABLE_VALUE"
    if shapes[table_key] != [5, 3] or shapes[bias_key] != [3]:
        raise SystemExit("unexpected shapes: %r" % shapes)

    # read single values straight from disk
    table = tf.contrib.framework.load_variable(save_path, table_key)
    reader = tf.contrib.framework.load_checkpoint(filepattern=save_path)
    bias = reader.get_tensor(bias_key)

    if not np.allclose(table, embedding.table.numpy()):
        raise SystemExit("table differs")
    if not np.allclose(bias, embedding.bias.numpy()):
        raise SystemExit("bias differs")
    print("OK")


if __name__ == "__main__":
    main()

"""A Python value checkpointed next to the weights, written for TF 1.13's PythonStateWrapper.

Up to TF 1.13 a PythonStateWrapper subclass implemented _serialize and _deserialize; TF 2's PythonState wants
serialize and deserialize, and a class that only has the old names cannot even be instantiated there.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf


class EpisodeLog(tf.train.experimental.PythonState):
    """How many episodes ran and their returns, as one string in the checkpoint."""

    def __init__(self):
        self.returns = []

    def serialize(self):
        return ",".join("%.6f" % value for value in self.returns)

    def deserialize(self, string_value):
        text = string_value.decode() if isinstance(string_value, bytes) else string_value
        self.returns = [float(value) for value in text.split(",") if value]

    def snapshot(self):
        return self.serialize()


def main():
    log = EpisodeLog()
    policy = tf.Variable(tf.zeros([4]))
    for episode in range(3):
        policy.assign_add(tf.fill([4], 0.5))
        log.returns.append(float(episode) * 1.5)
    prefix = tf.train.Checkpoint(log=log, policy=policy).save(os.path.join(tempfile.mkdtemp(), "ckpt"))

    restored_log, restored_policy = EpisodeLog(), tf.Variable(tf.zeros([4]))
    tf.train.Checkpoint(log=restored_log, policy=restored_policy).restore(prefix).assert_consumed()
    if restored_log.snapshot() != log.snapshot() or not np.allclose(restored_policy.numpy(), policy.numpy()):
        raise SystemExit("the episode log or the policy was not restored")
    print("OK")


if __name__ == "__main__":
    main()

"""Warm-start a new model from selected variables of a trained one.

The trained model's variables are checkpointed one by one; the new model only
takes the first layer's kernel and the output bias from that checkpoint.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow.contrib.checkpoint as checkpoint


class TwoLayerNet(tf.keras.Model):
    def __init__(self):
        super(TwoLayerNet, self).__init__()
        self.layer1 = tf.keras.layers.Dense(16, activation="tanh")
        self.layer2 = tf.keras.layers.Dense(2)

    def call(self, inputs):
        return self.layer2(self.layer1(inputs))


def main():
    inputs = tf.random.normal([4, 10])
    model = TwoLayerNet()
    model(inputs)  # create the variables
    model.layer2.bias.assign([0.25, -0.75])  # stands in for a trained bias

    saver = checkpoint.Checkpoint(
        layer1_weights=model.layer1.kernel,
        layer1_bias=model.layer1.bias,
        layer2_weights=model.layer2.kernel,
        layer2_bias=model.layer2.bias)
    save_path = saver.save(os.path.join(tempfile.mkdtemp(), "weights"))

    new_model = TwoLayerNet()
    new_model(inputs)
    # only these two are carried over, the rest keeps its fresh initialization
    loader = checkpoint.Checkpoint(
        layer1_weights=new_model.layer1.kernel, layer2_bias=new_model.layer2.bias)
    loader.restore(save_path)

    if not np.allclose(model.layer1.kernel.numpy(), new_model.layer1.kernel.numpy()):
        raise SystemExit("layer1 kernel was not restored")
    if not np.allclose(model.layer2.bias.numpy(), new_model.layer2.bias.numpy()):
        raise SystemExit("layer2 bias was not restored")
    print("OK")


if __name__ == "__main__":
    main()

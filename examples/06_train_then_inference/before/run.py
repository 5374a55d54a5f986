"""Train, then serve predictions from the checkpoint in a fresh model."""
import tempfile

import numpy as np
import tensorflow as tf

from inference import load_for_inference, predict
from train import train


def main():
    checkpoint_dir = tempfile.mkdtemp()
    trained = train(checkpoint_dir, steps=20)

    model, step = load_for_inference(checkpoint_dir)
    if step != 20:
        raise SystemExit("expected step 20, got %d" % step)
    for saved, restored in zip(trained.get_weights(), model.get_weights()):
        if not np.allclose(saved, restored):
            raise SystemExit("inference model differs from the trained one")
    features = tf.random.normal([8, 6])
    if not np.array_equal(predict(trained, features), predict(model, features)):
        raise SystemExit("predictions differ")
    print("OK")


if __name__ == "__main__":
    main()

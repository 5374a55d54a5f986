"""Train through the compat names, then resume from the latest checkpoint in fresh variables."""
import tempfile

import numpy as np

from trainer import resume, train


def main():
    directory = tempfile.mkdtemp()
    trained = train(directory, steps=3)
    weights, step = resume(directory)
    if step != 3 or not np.allclose(weights.numpy(), trained.numpy()):
        raise SystemExit("resumed from the wrong checkpoint")
    print("OK")


if __name__ == "__main__":
    main()

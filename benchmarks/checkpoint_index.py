"""How long the checkpoint index reader takes on a 100,000-tensor index.

    python benchmarks/checkpoint_index.py [--keys N] [--repeat K]

The index is written once by TensorFlow (tf.raw_ops.SaveV2, ~20 s; needs the `tf` extra) into
benchmarks/.corpus/checkpoint-<N>/ and reused. Its keys look like a real object-based checkpoint of Dense layers with
two Adam slots per variable (`model/layer_with_weights-7/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/...`).
Prints the best of K runs for reading with and without crc32c checks, and for the object helpers on the result.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfckpt_codemod.checkpoint_index import read_checkpoint  # after the path
from timing import best  # benchmarks/, the script's own directory

CORPUS = Path(__file__).resolve().parent / ".corpus"
ATTRIBUTE = "/.ATTRIBUTES/VARIABLE_VALUE"


def key_names(count: int) -> list[str]:
    names = ["_CHECKPOINTABLE_OBJECT_GRAPH"]
    layer = 0
    while len(names) < count:
        for variable in ("kernel", "bias"):
            base = f"model/layer_with_weights-{layer}/{variable}"
            names += [base + ATTRIBUTE] + [f"{base}/.OPTIMIZER_SLOT/optimizer/{slot}{ATTRIBUTE}" for slot in "mv"]
        layer += 1
    return sorted(names[:count])


def make_index(count: int) -> str:
    prefix = CORPUS / f"checkpoint-{count}" / "ckpt"
    if not Path(f"{prefix}.index").is_file():
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        prefix.parent.mkdir(parents=True, exist_ok=True)
        names = key_names(count)
        tensors = [tf.zeros([64, 64] if "kernel" in name else [64]) for name in names]
        tf.raw_ops.SaveV2(prefix=str(prefix), tensor_names=names, shape_and_slices=[""] * count, tensors=tensors)
    return str(prefix)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    prefix = make_index(args.keys)
    size = os.path.getsize(prefix + ".index")
    print(f"{args.keys} keys, index {size / 1e6:.1f} MB, best of {args.repeat}")
    print(f"  read, crc32c checked        {best(args.repeat, lambda: read_checkpoint(prefix))}")
    print(f"  read, unchecked             {best(args.repeat, lambda: read_checkpoint(prefix, verify_checksums=False))}")
    indexes = iter([read_checkpoint(prefix, verify_checksums=False) for _ in range(args.repeat)])

    def helpers() -> None:  # first calls, on a fresh index each time: nothing cached
        index = next(indexes)
        index.top_level_objects()
        index.object_paths()
        index.describe()

    print(f"  top_level_objects + object_paths + describe  {best(args.repeat, helpers)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time and peak memory of migrating one large file, to choose `max-file-size` (limits.DEFAULT_MAX_FILE_SIZE).

Two kinds of file, at several sizes, each migrated by `tfckpt-migrate --check -j 1 --max-file-size 1GB` in a child
process (peak RSS from `RUSAGE_CHILDREN`):

* `contrib`: the large TF 1.x module of tests/test_faults.py (`_big_module`): functions that each build a contrib
  checkpoint, so every function is rewritten (the worst case: an edit every few lines);
* `plain`: the same functions with the contrib line replaced by `tf.train.Checkpoint` and one contrib import at the
  top, so the file is parsed and analysed but barely edited (a big module that needs one change).

    python benchmarks/size_limit.py                   # 0.5, 1, 2, 4 MB
    python benchmarks/size_limit.py --sizes 1,2,10    # in MB

The figures behind the default are in README.md ("Guarantees") and in the comment on DEFAULT_MAX_FILE_SIZE.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap

BLOCK = textwrap.dedent(
    """

    def build_{i}(model, optimizer, directory):
        # checkpoint number {i}; the comment must survive
        ckpt = tf.contrib.eager.Checkpoint(model=model, optimizer=optimizer, step=tf.Variable({i}))
        values = [{values}]
        return ckpt, values
    """
)
VALUES = ", ".join(str(n) for n in range(40))

_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    start = time.perf_counter()
    proc = subprocess.run(sys.argv[1:], capture_output=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rc": proc.returncode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                      "rss_mib": usage.ru_maxrss / 1024, "stderr": proc.stderr.decode()[-300:]}))
    """
)


def make(kind: str, size: int) -> bytes:
    header = b"import tensorflow as tf\n" if kind == "contrib" else (
        b"import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\nckpt = tfe.Checkpoint(model=model)\n")
    pieces = [header]
    total = len(header)
    i = 0
    while total < size:
        block = BLOCK.format(i=i, values=VALUES)
        if kind == "plain":
            block = block.replace("tf.contrib.eager.Checkpoint", "tf.train.Checkpoint")
        data = block.encode()
        pieces.append(data)
        total += len(data)
        i += 1
    return b"".join(pieces)


def measure(path: str) -> dict[str, object]:
    cmd = [sys.executable, "-m", "tfckpt_codemod", "--check", "-j", "1", "--max-file-size", "1GB", path]
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0.5,1,2,4", help="file sizes in MB (10^6 bytes)")
    parser.add_argument("--kinds", default="contrib,plain")
    args = parser.parse_args()
    print("| kind | size | wall s | CPU s | peak RSS MiB | exit |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds.split(","):
            for mb in (float(size) for size in args.sizes.split(",")):
                path = os.path.join(tmp, f"{kind}.py")
                data = make(kind, int(mb * 1_000_000))
                with open(path, "wb") as handle:
                    handle.write(data)
                out = measure(path)
                print(f"| {kind} | {len(data) / 1e6:.1f} MB | {out['wall_s']:.1f} | {out['cpu_s']:.1f} | "
                      f"{out['rss_mib']:.0f} | {out['rc']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

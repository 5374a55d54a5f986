"""Instructions per file, counted by valgrind: the tool's per-file cost in a unit that noise cannot move.

Wall times on a shared 2-core machine wander by 20% between runs of the same build, more than most single changes
gain, so two builds are compared here by the instructions they execute instead (valgrind's callgrind, which counts
them exactly and gives the same count every run). The figures:

* the CLI, `--check -j 1`, over a small corpus of N files and one of 3N files, each a project of its own (after
  one untimed run, so that both find their bytecode cached): the difference over 2N files is what the tool costs
  per file once its start-up and first-use costs are paid; the 3N run minus an empty-directory run, over 3N, is
  that cost with them;
* a bare `libcst.parse_module` loop over the same files, counted the same way: the floor of the wall-time
  benchmark's per-file ratio.

Instructions are not time (LibCST's Rust parser runs more of them per cycle than Python code does), so the ratio
reads lower than bench.py's wall-time one; it tells which of two builds is cheaper and by how much.

    python benchmarks/instructions.py                     # the installed tfckpt-migrate, N = 100 (~5 min)
    python benchmarks/instructions.py --pythonpath DIR    # a build laid out as DIR/tfckpt_codemod/transforms
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (benchmarks/ is a script directory, not a package)

_CLI = ("import sys; from tfckpt_codemod.entry import main; "
        "sys.argv = ['tfckpt-migrate', '--check', '-j', '1', *sys.argv[1:]]; main()")
_PARSE = "import sys, libcst; [libcst.parse_module(open(p, 'rb').read()) for p in sys.argv[1:]]"
_COLLECTED = re.compile(rb"Collected : (\d+)")


def instructions(code: str, args: list[str], env: dict[str, str]) -> int:
    """Instructions of `python -c code args`, whole process."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
                           code, *args], capture_output=True, env=env, cwd=tempfile.gettempdir())
    match = _COLLECTED.search(proc.stderr)
    if match is None:
        raise SystemExit(f"valgrind gave no count: {proc.stderr.decode(errors='replace')[-400:]}")
    return int(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100, help="N (default 100)")
    parser.add_argument("--pythonpath", help="put this directory first on sys.path (a build to compare)")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = os.path.abspath(args.pythonpath)
    with tempfile.TemporaryDirectory(prefix="tfckpt-instructions-") as tmp:
        work = Path(tmp)
        corpora = {}
        for name, count in (("n", args.files), ("3n", 3 * args.files)):  # each a project of its own
            corpora[name] = [str(p) for p in bench.corpus.generate_corpus(work / name, count)]
            bench.make_own_project(work / name)
        (work / "empty").mkdir()
        instructions(_CLI, [str(work / "n")], env)  # untimed: bytecode caches
        empty = instructions(_CLI, [str(work / "empty")], env)
        small = instructions(_CLI, [str(work / "n")], env)
        large = instructions(_CLI, [str(work / "3n")], env)
        parse_small = instructions(_PARSE, corpora["n"], env)
        parse_large = instructions(_PARSE, corpora["3n"], env)
        paths = corpora["3n"]
    n = 2 * args.files
    marginal, floor = (large - small) / n, (parse_large - parse_small) / n
    whole = (large - empty) / len(paths)
    print(f"tool, per file after start-up and first use: {marginal / 1e6:.2f} M instructions")
    print(f"tool, per file over {len(paths)} files, minus an empty-directory run: {whole / 1e6:.2f} M")
    print(f"libcst.parse_module, per file: {floor / 1e6:.2f} M")
    print(f"ratio: {marginal / floor:.2f}x marginal, {whole / floor:.2f}x over {len(paths)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

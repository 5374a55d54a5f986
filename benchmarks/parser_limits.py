"""How deep a file can nest before LibCST's parser (or the rules walking its tree) runs out of stack.

Each case is a small TF 1.x file (one contrib checkpoint, so every rule runs) plus one construct repeated n times.
Every case runs in a child interpreter, because the failure being measured is a segfault:

* `cpython`: what `compile(..., PyCF_ONLY_AST)` says (the engine's first step; it refuses what CPython refuses);
* `main`: LibCST's `parse_module` on the main thread with the default 8 MiB stack and recursion limit, which is
  what the engine did before `limits.call_deep`;
* `deep`: the whole engine (CPython's parse on the main thread, then LibCST's parse, the rules and the render
  through `limits.call_deep`) with the nesting check switched off, to see where the deep thread gives out;
* `estimate`: `limits.nesting` of CPython's ast: the expression depth and the tree depth the two limits bound.

    python benchmarks/parser_limits.py                     # every construct at 1,000 ... 80,000
    python benchmarks/parser_limits.py --only and --sizes 10000,40000 --modes deep
    python benchmarks/parser_limits.py --only and --sizes 40000 --modes deep --stack-mib 64   # stack per level

The figures in the comment on the limits in `tfckpt_codemod/limits.py` come from this script.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

HEADER = "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\nckpt = tfe.Checkpoint(model=model)\n"

CONSTRUCTS = {
    "and": lambda n: "x = " + " and ".join(["a"] * n) + "\n",
    "or": lambda n: "x = " + " or ".join(["a"] * n) + "\n",
    "plus": lambda n: "x = " + " + ".join(["a"] * n) + "\n",
    "compare": lambda n: "x = " + " < ".join(["a"] * n) + "\n",
    "elif": lambda n: "if a:\n    pass\n" + "elif a:\n    pass\n" * n,
    "attribute": lambda n: "x = a" + ".b" * n + "\n",
    "call": lambda n: "x = f" + "()" * n + "\n",
    "subscript": lambda n: "x = a" + "[0]" * n + "\n",
    "strings": lambda n: "x = " + " ".join(['"a"'] * n) + "\n",
    "fstrings": lambda n: "x = " + " ".join(['f"{a}"'] * n) + "\n",
    "not": lambda n: "x = " + "not " * n + "a\n",
    "minus": lambda n: "x = " + "-" * n + "a\n",
    "ternary": lambda n: "x = " + "a if b else " * n + "c\n",
    "lambda": lambda n: "x = " + "lambda: " * n + "a\n",
    "brackets": lambda n: "x = " + "[" * n + "1" + "]" * n + "\n",
    "defs": lambda n: "".join("    " * i + "def f():\n" for i in range(n)) + "    " * n + "pass\n",
}

_CHILD = textwrap.dedent(
    """
    import ast, json, resource, sys, time, warnings
    mode, kind, n, stack_mib = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    sys.path.insert(0, {bench!r})
    from parser_limits import CONSTRUCTS, HEADER
    data = (HEADER + CONSTRUCTS[kind](n)).encode()
    out = {{"bytes": len(data)}}
    start = time.perf_counter()
    if mode == "cpython":
        from tfckpt_codemod.limits import nesting
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = compile(data, "case.py", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
            out["verdict"] = "parses"
            found = nesting(tree)
            out["estimate"] = f"{{found.expression}} / {{found.tree}}"
        except SyntaxError as error:
            out["verdict"] = "refuses: " + str(error.msg)
        except (RecursionError, MemoryError) as error:
            out["verdict"] = "refuses: " + type(error).__name__
    elif mode == "main":
        import libcst
        try:
            libcst.parse_module(data)
            out["verdict"] = "parses"
        except RecursionError:
            out["verdict"] = "RecursionError"
        except Exception as error:
            out["verdict"] = type(error).__name__
    else:
        from tfckpt_codemod import engine, limits
        from tfckpt_codemod.transforms import load_rules
        if stack_mib:
            limits.STACK_SIZE = stack_mib * 1024 * 1024
        tree, error = engine.parse(data, "case.py")
        if tree is None:
            out["verdict"] = "error: " + str(error)
        else:
            result = limits.call_deep(engine._migrate_parsed, data, "case.py", "utf-8", tree, load_rules(), None,
                                      frozenset(), ())
            out["verdict"] = "migrated" if result.changed else (
                "error: " + result.error if result.error else "unchanged")
    out["seconds"] = round(time.perf_counter() - start, 2)
    out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(out))
    """
)


def run_case(mode: str, kind: str, n: int, timeout: float, stack_mib: int = 0) -> dict[str, object]:
    import os

    code = _CHILD.format(bench=os.path.dirname(os.path.abspath(__file__)))
    try:
        proc = subprocess.run([sys.executable, "-c", code, mode, kind, str(n), str(stack_mib)], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"verdict": f"timeout after {timeout:.0f} s"}
    if proc.returncode < 0:
        import signal

        return {"verdict": f"crash ({signal.Signals(-proc.returncode).name})"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"verdict": f"exit {proc.returncode}: {last[:80]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated constructs (default: all)")
    parser.add_argument("--sizes", default="1000,5000,10000,20000,40000,80000")
    parser.add_argument("--modes", default="cpython,main,deep")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--stack-mib", type=int, default=0, help="the deep thread's stack (default: the engine's)")
    args = parser.parse_args()
    kinds = args.only.split(",") if args.only else list(CONSTRUCTS)
    sizes = [int(size) for size in args.sizes.split(",")]
    modes = args.modes.split(",")
    print("| construct | n | bytes | " + " | ".join(modes) + " | expression / tree depth |")
    print("|---|---:|---:|" + "---|" * len(modes) + "---:|")
    for kind in kinds:
        for n in sizes:
            cells = []
            estimate: object = ""
            size = len((HEADER + CONSTRUCTS[kind](n)).encode())
            refused = False
            for mode in modes:
                if mode != "cpython" and refused:
                    cells.append("-")
                    continue
                out = run_case(mode, kind, n, args.timeout, args.stack_mib)
                verdict = str(out["verdict"])
                if mode == "cpython":
                    estimate = out.get("estimate", "")
                    refused = verdict.startswith("refuses")
                    cells.append(verdict)
                else:
                    timing = f", {out['seconds']} s, {out['rss_mib']} MiB" if "seconds" in out else ""
                    cells.append(verdict + timing)
            print(f"| {kind} | {n:,} | {size:,} | " + " | ".join(cells) + f" | {estimate} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

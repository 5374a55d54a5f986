"""Run tfckpt-migrate --write over large real source trees and check what it did.

Unit tests cover the cases someone thought of; this sweep covers the ones nobody did:
tens of thousands of real files (CPython's stdlib, the installed site-packages with
TensorFlow itself) in every dialect of Python that ships on this machine. The tool's own
report is not trusted: every figure comes from hashing the files before and after, from
``ast`` on the rewritten bytes, and from the tool's stderr and exit code.

Each tree is copied first (``*.py`` files only, directory structure kept), so the sweep
never touches the originals. Usage::

    python benchmarks/sweep.py                      # stdlib + site-packages
    python benchmarks/sweep.py --tree ~/src/proj    # add any tree
    python benchmarks/sweep.py --no-default-trees --tree examples --json
    python benchmarks/sweep.py --only stdlib --inject   # every file through the transforms

Exit status is 1 when any invariant is broken (crash, an unrelated file changed, a changed
file that no longer parses, a second run that changes something), else 0.
"""

from __future__ import annotations

import argparse
import ast
import collections
import dataclasses
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

#: Invariants whose counts must be zero; anything else is a figure, not a verdict.
INVARIANTS: tuple[str, ...] = (
    "crashes",
    "changed_unrelated",
    "changed_unparsable",
    "changed_again",
)

# Appended to every file with --inject, so the transforms (not just the prefilter) meet
# every construct of real-world code around them.
INJECTED_SNIPPET = (
    "import tensorflow as tf\n"
    "def _tfckpt_sweep_probe(model, path):\n"
    "    ckpt = tf.contrib.eager.Checkpoint(model=model)\n"
    "    ckpt.restore(path)\n"
    "    return tf.contrib.framework.list_variables(path)\n"
)

_ERROR_LINE = re.compile(r"^(?P<path>.+?): error: (?P<reason>.*)$")

# Runs the tool in its own process so that RUSAGE_CHILDREN there measures this one run
# (tool plus its worker processes) rather than everything the sweep has started so far.
_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    out_path, err_path, stats_path, *cmd = sys.argv[1:]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        rc = subprocess.call(cmd, stdout=out, stderr=err)
        wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(stats_path, "w") as fh:
        json.dump({"rc": rc, "wall_s": wall, "maxrss_kib": usage.ru_maxrss,
                   "user_s": usage.ru_utime, "sys_s": usage.ru_stime}, fh)
    """
)


@dataclasses.dataclass
class RunStats:
    """One invocation of the tool, measured from outside."""

    rc: int
    wall_s: float
    maxrss_kib: int
    user_s: float
    sys_s: float
    stdout: str
    stderr: str


@dataclasses.dataclass
class TreeResult:
    """Everything the sweep learned about one tree; the JSON output is this, verbatim."""

    name: str
    source: str
    files_seen: int = 0
    ast_parsable: int | None = None
    mention_contrib_or_checkpoint: int = 0
    tool_parsed: int | None = None
    changed: int = 0
    failed: int = 0
    failed_but_ast_parsable: int = 0
    failure_reasons: dict[str, int] = dataclasses.field(default_factory=dict)
    failure_examples: dict[str, str] = dataclasses.field(default_factory=dict)
    crashes: int = 0
    crash_details: list[str] = dataclasses.field(default_factory=list)
    error_lines_unattributed: int = 0
    changed_unrelated: int = 0
    changed_unrelated_paths: list[str] = dataclasses.field(default_factory=list)
    changed_unparsable: int = 0
    changed_unparsable_paths: list[str] = dataclasses.field(default_factory=list)
    changed_again: int = 0
    changed_again_paths: list[str] = dataclasses.field(default_factory=list)
    temp_files_left: int = 0
    exit_code: int = 0
    exit_code_second: int = 0
    wall_s: float = 0.0
    wall_s_second: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mib: float = 0.0
    changed_paths: list[str] = dataclasses.field(default_factory=list)
    tool_json: str = "absent"
    injected: int = 0
    injected_unchanged: int = 0
    injected_unchanged_paths: list[str] = dataclasses.field(default_factory=list)

    def broken(self) -> list[str]:
        """Names of invariants this tree violated."""
        return [name for name in INVARIANTS if getattr(self, name)]


def default_trees() -> list[tuple[str, Path]]:
    """The big trees every machine with Python already has.

    The stdlib directory contains site-packages, which is swept as its own tree, so the
    copy of the stdlib leaves it out. Inside a virtualenv, ``purelib`` would be the venv's
    own (nearly empty) directory, so the base interpreter's paths are used.
    """
    base_vars = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    paths = sysconfig.get_paths(vars=base_vars)
    return [("stdlib", Path(paths["stdlib"]).resolve()), ("site-packages", Path(paths["purelib"]).resolve())]


def _ignore_factory(src_root: Path, skip_dirs: set[Path]) -> Callable[[str, list[str]], set[str]]:
    """copytree ignore function: keep directories and *.py files, nothing else."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        ignored: set[str] = set()
        for name in names:
            full = os.path.join(directory, name)
            if name == "__pycache__":
                ignored.add(name)
            elif os.path.isdir(full):
                if skip_dirs and Path(full).resolve() in skip_dirs:
                    ignored.add(name)
            elif not name.endswith(".py") or not os.path.isfile(full):
                ignored.add(name)  # also drops dangling links and FIFOs named *.py
        return ignored

    return ignore


def copy_tree(src: Path, dst: Path, skip_dirs: Iterable[Path] = ()) -> None:
    """Copy only the *.py files of src to dst, keeping the layout.

    Symlinks are followed and copied as regular files, so the tool can never write
    through a link back into the real tree.
    """
    skip = {Path(p).resolve() for p in skip_dirs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shutil.copytree(
            src,
            dst,
            ignore=_ignore_factory(src, skip),
            symlinks=False,
            ignore_dangling_symlinks=True,
            dirs_exist_ok=True,
        )


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every *.py file under root, keyed by path relative to root."""
    hashes: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        if path.is_file() and not path.is_symlink():
            hashes[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def inject(root: Path) -> int:
    """Append INJECTED_SNIPPET to every *.py file under root, in the file's newline style."""
    count = 0
    for path in root.rglob("*.py"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        newline = b"\r\n" if b"\r\n" in data else b"\n"
        if data and not data.endswith((b"\n", b"\r")):
            data += newline
        path.write_bytes(data + newline + INJECTED_SNIPPET.encode().replace(b"\n", newline))
        count += 1
    return count


def ast_parses(data: bytes) -> bool:
    """True when this interpreter's own parser accepts the bytes (cookie and BOM honoured)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except (SyntaxError, ValueError, UnicodeDecodeError, MemoryError, RecursionError):
        return False
    return True


def normalise_reason(reason: str) -> str:
    """Collapse file-specific details so equal causes group together."""
    reason = re.sub(r"line \d+|column \d+|\d+:\d+|(?<![-\w])\d+\b", "N", reason)
    reason = re.sub(r"'[^']{20,}'|\"[^\"]{20,}\"", "'…'", reason)
    return reason[:110]


def find_tool() -> list[str]:
    """The installed console script next to this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name("tfckpt-migrate")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("tfckpt-migrate")
    if found:
        return [found]
    return [sys.executable, "-c", "from tfckpt_codemod.cli import main; main()"]


def run_measured(cmd: Sequence[str], workdir: Path, tag: str) -> RunStats:
    """Run cmd once, returning its output, exit code, wall time and peak RSS."""
    out, err, stats = (workdir / f"{tag}.{ext}" for ext in ("out", "err", "json"))
    subprocess.run([sys.executable, "-c", _MEASURE, str(out), str(err), str(stats), *cmd], check=True)
    data = json.loads(stats.read_text())
    return RunStats(
        rc=data["rc"],
        wall_s=data["wall_s"],
        maxrss_kib=data["maxrss_kib"],
        user_s=data["user_s"],
        sys_s=data["sys_s"],
        stdout=out.read_bytes().decode("utf-8", "replace"),
        stderr=err.read_bytes().decode("utf-8", "replace"),
    )


def _tool_json_summary(stdout: str) -> tuple[str, int | None]:
    """Best-effort read of the tool's own JSON report; only used as a cross-check."""
    text = stdout.strip()
    if not text:
        return "empty", None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return "not-json", None
    parsed: int | None = None
    if isinstance(doc, dict):
        summary = doc.get("summary", doc)
        if isinstance(summary, dict):
            for key in ("parsed", "files_parsed", "n_parsed"):
                if isinstance(summary.get(key), int):
                    parsed = summary[key]
    return "ok", parsed


def _tool_json_errors(stdout: str) -> list[str]:
    """The tool's per-file errors from its JSON document, as `path: error: reason` lines: with
    `--output-format json` they are in the document, not on stderr."""
    try:
        doc = json.loads(stdout.strip() or "null")
    except json.JSONDecodeError:
        return []
    files = doc.get("files") if isinstance(doc, dict) else None
    lines = []
    for entry in files if isinstance(files, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("error"), str) and isinstance(entry.get("path"), str):
            lines.append(f"{entry['path']}: error: {entry['error']}")
    return lines


def _crash_markers(stats: RunStats) -> list[str]:
    details: list[str] = []
    if stats.rc not in (0, 1, 2):
        details.append(f"exit code {stats.rc}")
    if "Traceback (most recent call last)" in stats.stderr:
        tail = stats.stderr[stats.stderr.index("Traceback (most recent call last)") :]
        details.append(tail[:1500])
    return details


def sweep_tree(
    name: str,
    src: Path,
    tool: list[str],
    jobs: int,
    keep: bool,
    skip_dirs: Sequence[Path],
    count_parsable: bool,
    injected: bool = False,
) -> TreeResult:
    """Copy, snapshot, migrate twice, and compare; see the module docstring."""
    result = TreeResult(name=name, source=str(src))
    work = Path(tempfile.mkdtemp(prefix=f"tfckpt-sweep-{name}-"))
    tree = work / "tree"
    try:
        copy_tree(src, tree, skip_dirs)
        if injected:
            result.injected = inject(tree)
        before = snapshot(tree)
        result.files_seen = len(before)
        if count_parsable:
            result.ast_parsable = 0
        originals: dict[str, bytes] = {}
        for rel in before:
            data = (tree / rel).read_bytes()
            if count_parsable and ast_parses(data):
                result.ast_parsable += 1
            if b"contrib" in data or b"Checkpoint" in data:
                result.mention_contrib_or_checkpoint += 1
                originals[rel] = data
            else:
                originals[rel] = b""  # only needs to be known unrelated
        mentions = {rel for rel, data in originals.items() if data}

        cmd = [*tool, "--write", "--output-format", "json", "-j", str(jobs), str(tree)]
        first = run_measured(cmd, work, "first")
        result.exit_code = first.rc
        result.wall_s = round(first.wall_s, 2)
        result.cpu_s = round(first.user_s + first.sys_s, 2)
        result.peak_rss_mib = round(first.maxrss_kib / 1024, 1)
        result.tool_json, result.tool_parsed = _tool_json_summary(first.stdout)
        result.crash_details.extend(_crash_markers(first))

        after = snapshot(tree)
        changed = sorted(rel for rel in before if after.get(rel) != before[rel])
        result.changed = len(changed)
        result.changed_paths = changed
        for rel in changed:
            if rel not in mentions:
                result.changed_unrelated_paths.append(rel)
            path = tree / rel
            if not path.exists() or not ast_parses(path.read_bytes()):
                result.changed_unparsable_paths.append(rel)
        result.changed_unrelated = len(result.changed_unrelated_paths)
        result.changed_unparsable = len(result.changed_unparsable_paths)
        if injected:
            result.injected_unchanged_paths = sorted(rel for rel in before if rel not in set(changed))
            result.injected_unchanged = len(result.injected_unchanged_paths)

        reasons: collections.Counter[str] = collections.Counter()
        failed_files: set[str] = set()
        for line in [*first.stderr.splitlines(), *_tool_json_errors(first.stdout)]:
            match = _ERROR_LINE.match(line)
            if not match:
                continue
            raw = Path(match["path"])
            try:
                rel = (raw if raw.is_absolute() else Path.cwd() / raw).resolve().relative_to(tree.resolve()).as_posix()
            except ValueError:
                result.error_lines_unattributed += 1
                continue
            failed_files.add(rel)
            key = normalise_reason(match["reason"])
            reasons[key] += 1
            result.failure_examples.setdefault(key, f"{rel}: {match['reason'][:200]}")
        result.failed = len(failed_files)
        result.failure_reasons = dict(reasons.most_common())
        # A failure on a file that CPython itself parses is worth a look: the tool is
        # stricter than the language it migrates.
        result.failed_but_ast_parsable = sum(
            1 for rel in failed_files if (tree / rel).is_file() and ast_parses((tree / rel).read_bytes())
        )
        result.temp_files_left = sum(1 for p in tree.rglob("*") if ".tfckpt-" in p.name)

        second = run_measured(cmd, work, "second")
        result.exit_code_second = second.rc
        result.wall_s_second = round(second.wall_s, 2)
        result.crash_details.extend(_crash_markers(second))
        again = snapshot(tree)
        result.changed_again_paths = sorted(rel for rel in after if again.get(rel) != after[rel])
        result.changed_again = len(result.changed_again_paths)
        result.crashes = len(result.crash_details)
    finally:
        if keep:
            print(f"[{name}] kept copy in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return result


def render_table(results: Sequence[TreeResult]) -> str:
    """Plain-text table: one column a tree, one row a figure."""
    rows: list[tuple[str, Callable[[TreeResult], object]]] = [
        ("files seen (*.py)", lambda r: r.files_seen),
        ("parsable by ast (py{}.{})".format(*sys.version_info[:2]),
         lambda r: "n/a" if r.ast_parsable is None else r.ast_parsable),
        ("mention contrib/Checkpoint", lambda r: r.mention_contrib_or_checkpoint),
        ("parsed by tool (its json)", lambda r: "n/a" if r.tool_parsed is None else r.tool_parsed),
        ("changed", lambda r: r.changed),
        ("failed (error lines, stderr or json)", lambda r: r.failed),
        ("  of which ast-parsable", lambda r: r.failed_but_ast_parsable),
        ("crashes                [=0]", lambda r: r.crashes),
        ("changed w/o contrib/Ckpt [=0]", lambda r: r.changed_unrelated),
        ("changed, no longer parse [=0]", lambda r: r.changed_unparsable),
        ("changed on 2nd --write [=0]", lambda r: r.changed_again),
        ("temp files left behind [=0]", lambda r: r.temp_files_left),
        ("exit code 1st / 2nd", lambda r: f"{r.exit_code} / {r.exit_code_second}"),
        ("wall s 1st / 2nd", lambda r: f"{r.wall_s} / {r.wall_s_second}"),
        ("cpu s (1st run, all procs)", lambda r: r.cpu_s),
        ("peak RSS MiB (largest proc)", lambda r: r.peak_rss_mib),
        ("tool json on stdout", lambda r: r.tool_json),
    ]
    if any(r.injected for r in results):
        rows.insert(1, ("injected with contrib snippet", lambda r: r.injected))
        rows.insert(6, ("  injected but unchanged", lambda r: r.injected_unchanged))
    header = ["", *(r.name for r in results)]
    body = [[label, *(str(fn(r)) for r in results)] for label, fn in rows]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
             for row in [header, *body]]
    lines.insert(1, "-" * len(lines[0]))
    for r in results:
        if r.failure_reasons:
            lines.append(f"\n[{r.name}] failure reasons:")
            for reason, count in r.failure_reasons.items():
                lines.append(f"  {count:6d}  {reason}")
                lines.append(f"          e.g. {r.failure_examples[reason]}")
        for label in (
            "changed_unrelated_paths",
            "changed_unparsable_paths",
            "changed_again_paths",
            "injected_unchanged_paths",
        ):
            paths = getattr(r, label)
            if paths:
                lines.append(f"\n[{r.name}] {label} ({len(paths)}): " + ", ".join(paths[:20]))
        for detail in r.crash_details[:5]:
            lines.append(f"\n[{r.name}] crash:\n{detail}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", default=[], type=Path, help="extra tree to sweep (repeatable)")
    parser.add_argument("--no-default-trees", action="store_true", help="sweep only the --tree paths")
    parser.add_argument("--only", action="append", default=[], help="sweep only default trees with this name")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="passed to the tool (default: cores)")
    parser.add_argument("--tool", default=None, help="command to run instead of the installed tfckpt-migrate")
    parser.add_argument("--json", action="store_true", help="print results as JSON instead of a table")
    parser.add_argument("--save-json", type=Path, default=None, help="also write the JSON results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the migrated copies for inspection")
    parser.add_argument(
        "--inject",
        action="store_true",
        help="append a contrib checkpoint snippet to every copied file, so every file reaches the transforms",
    )
    parser.add_argument(
        "--count-parsable", action="store_true", help="also ast-parse every original (slow: about 1 MB/s)"
    )
    args = parser.parse_args(argv)

    tool = shlex.split(args.tool) if args.tool else find_tool()
    defaults = default_trees()
    trees: list[tuple[str, Path]] = [] if args.no_default_trees else defaults
    if args.only:
        trees = [t for t in trees if t[0] in args.only]
    for extra in args.tree:
        trees.append((extra.resolve().name or "tree", extra.resolve()))
    if not trees:
        parser.error("no trees to sweep")
    # Nesting is judged against every known tree, so `--only stdlib` still leaves site-packages out.
    all_roots = [root for _, root in defaults] + [root for _, root in trees]

    results: list[TreeResult] = []
    for name, root in trees:
        # Trees nested inside another swept tree (site-packages inside the stdlib dir)
        # are swept once, as themselves.
        nested = [other for other in all_roots if other != root and other.is_relative_to(root)]
        print(f"[{name}] sweeping {root} ...", file=sys.stderr, flush=True)
        results.append(
            sweep_tree(name, root, tool, args.jobs, args.keep, nested, args.count_parsable, args.inject)
        )

    document = json.dumps([dataclasses.asdict(r) for r in results], indent=2)
    if args.save_json is not None:
        args.save_json.write_text(document + "\n")
    if args.json:
        print(document)
    else:
        print(render_table(results))
    return 1 if any(r.broken() for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Side-by-side speed and memory figures for tfckpt-migrate.

Run ``python benchmarks/bench.py`` (see benchmarks/README.md).  Every figure for
the tool is the wall time of a fresh ``tfckpt-migrate`` process started exactly
as a user would start it, because start-up, discovery, the worker pool and
output are all part of what a user waits for.  The comparisons are chosen to
put those times in context:

* bare ``libcst.parse_module`` and ``ast.parse`` loops over the same bytes are
  the floor any libcst-based tool pays (in-process, no start-up);
* ``tf_upgrade_v2`` is what users would otherwise run;
* ``grep -rl contrib`` is the floor for a tree that needs no changes at all.

Two contrib-heavy corpora are timed (``--corpus small|real|both``): ``corpus.py``'s
small scripts and ``corpus_real.py``'s modules shaped like real code (~20x larger).
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (benchmarks/ is a script directory, not a package)
import corpus_real  # noqa: E402

CORES = os.cpu_count() or 1

# Targets from the performance issue; a figure is "met" when it satisfies them.
TARGET_PER_FILE_VS_PARSE = 1.6
TARGET_J1_VS_TF_UPGRADE = 2.0
TARGET_JN_VS_TF_UPGRADE = 3.5
TARGET_NO_CONTRIB_VS_GREP = 5.0
TARGET_GROWTH_TIME = 4.4
TARGET_GROWTH_MEMORY = 1.2
GROWTH_FACTOR = 4
NO_CONTRIB_ROUNDS = 11  # paired grep/tool rounds for each no-contrib row (at least --repeat)

# Runs a command, samples the RSS of its whole process tree from /proc, and
# reports RUSAGE_CHILDREN as well.  It runs in its own process so that
# ru_maxrss belongs to that one command and not to earlier benchmark runs.
_RSS_WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time

PAGE = os.sysconf("SC_PAGE_SIZE")

def tree_rss(root):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            with open("/proc/%d/statm" % pid) as handle:
                total += int(handle.read().split()[1]) * PAGE
        except OSError:
            pass
    return total

peak = 0
done = threading.Event()

def sample():
    global peak
    while not done.is_set():
        peak = max(peak, tree_rss(proc.pid))
        done.wait(0.02)

start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
sampler = threading.Thread(target=sample)
sampler.start()
proc.wait()
wall = time.perf_counter() - start
done.set()
sampler.join()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "returncode": proc.returncode, "cpu": usage.ru_utime + usage.ru_stime,
                  "max_process_rss_kib": usage.ru_maxrss, "tree_peak_rss_kib": peak // 1024}))
"""


@dataclass
class Timing:
    """Median of repeated runs; the spread is kept so noisy figures show up."""

    seconds: list[float]
    returncode: int | None = None
    note: str = ""
    # user + sys CPU seconds of each run: less sensitive than wall time to
    # other work on the machine, so a loaded run can still be read.
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else None


@dataclass
class Row:
    section: str
    figure: str
    seconds: float | None
    compared_with: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    cpu_seconds: float | None = None
    # The same comparison made with CPU seconds: steadier than wall time on a busy machine. Only where both sides
    # are one process (a -j 2 run's CPU is the sum over its workers).
    cpu_ratio: float | None = None


@dataclass
class Report:
    machine: dict[str, str]
    settings: dict[str, object]
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, object] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        self.rows.append(row)


def _version_of(*distributions: str) -> str:
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed"


def machine_info() -> dict[str, str]:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": str(CORES),
        "cpu": model,
        "os": platform.platform(),
        "python": platform.python_version(),
        "libcst": _version_of("libcst"),
        "tensorflow": _version_of("tensorflow-cpu", "tensorflow"),
        "tfckpt-migrate": _version_of("tfckpt-migrate"),
        # Other work on the machine shows up in every figure; record it.
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def default_tool_command() -> list[str]:
    """The console script installed next to this interpreter, as a user would run it."""
    sibling = Path(sys.executable).parent / "tfckpt-migrate"
    if sibling.exists():
        return [str(sibling)]
    found = shutil.which("tfckpt-migrate")
    if found:
        return [found]
    return [sys.executable, "-m", "tfckpt_codemod.cli"]


def tf_upgrade_command() -> list[str] | None:
    """tf_upgrade_v2 under this interpreter, found without importing TensorFlow.

    The module form is preferred over the console script because a version
    manager's shim (pyenv) in front of the script would add its own start-up.
    """
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        if (Path(location) / "tools" / "compatibility" / "tf_upgrade_v2_main.py").exists():
            return [sys.executable, "-m", "tensorflow.tools.compatibility.tf_upgrade_v2_main"]
    found = shutil.which("tf_upgrade_v2")
    return [found] if found else None


def progress(message: str) -> None:
    """Runs take minutes; say what is being timed so a stalled step is visible."""
    print("bench: " + message, file=sys.stderr, flush=True)


def time_command(argv: Sequence[str], repeat: int, ok_codes: Sequence[int] = (0, 1)) -> Timing:
    progress("timing x{}: {}".format(repeat, " ".join(argv)[:150]))
    seconds: list[float] = []
    returncode: int | None = None
    note = ""
    cpu: list[float] = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True)
        seconds.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        returncode = proc.returncode
        if proc.returncode not in ok_codes:
            errors = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            note = "exit {}: {} stderr line(s), first: {}".format(
                proc.returncode, len(errors), errors[0][:120] if errors else "-"
            )
    return Timing(seconds, returncode, note, cpu)


def time_in_process(work: Callable[[], object], repeat: int) -> Timing:
    seconds: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Timing(seconds, cpu_seconds=cpu)


def merged(timings: Sequence[Timing]) -> Timing:
    """One Timing of several runs of the same command."""
    notes = [t.note for t in timings if t.note]
    return Timing([s for t in timings for s in t.seconds], timings[-1].returncode if timings else None,
                  notes[0] if notes else "", [c for t in timings for c in t.cpu_seconds])


def interleaved(measures: dict[str, Callable[[], Timing]], rounds: int) -> dict[str, Timing]:
    """Each measure once per round, round after round, each call timing one run.

    The two sides of a ratio are then timed seconds apart instead of minutes: on a shared host whose speed wanders
    by half between minutes (benchmarks/README.md, 2026-12-07), back-to-back runs move together, and the median of
    the per-round ratios reads the tool, where a ratio of two medians taken minutes apart reads the host.
    """
    runs: dict[str, list[Timing]] = {name: [] for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            runs[name].append(measure())
    return {name: merged(timings) for name, timings in runs.items()}


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float | None:
    """The median of round-by-round ratios (see `interleaved`)."""
    ratios = [n / d for n, d in zip(numerators, denominators, strict=True) if d > 0]
    return statistics.median(ratios) if ratios else None


def parse_all_libcst(paths: Sequence[Path]) -> Callable[[], object]:
    """Read + parse every file; a notebook's code cells are joined into one module first (as the tool does)."""
    import libcst

    # The first parse pays one-off set-up that a long-lived tool process pays
    # once too; keep it out of the per-file floor.
    source = corpus_real.python_source
    libcst.parse_module(source(paths[0]))

    def work() -> None:
        for path in paths:
            libcst.parse_module(source(path))

    return work


def parse_all_ast(paths: Sequence[Path]) -> Callable[[], object]:
    source = corpus_real.python_source

    def work() -> None:
        for path in paths:
            ast.parse(source(path), filename=str(path))

    return work


def measure_rss(argv: Sequence[str]) -> dict[str, float]:
    progress("wall time and peak RSS of {}".format(" ".join(argv[1:])))
    out = subprocess.run(
        [sys.executable, "-c", _RSS_WRAPPER, *argv], stdout=subprocess.PIPE, check=True
    ).stdout
    return json.loads(out)


_PARSED_LINE = re.compile(r"parsed\s+(\d+)\s+of\s+(\d+)\s+files?", re.IGNORECASE)


def parsed_count(tool: Sequence[str], paths: Sequence[str]) -> str:
    """How many files the tool parsed, from its --verbose summary or JSON output.

    Run separately from the timed runs so verbose output cannot skew them.
    """
    proc = subprocess.run([*tool, "--check", "--verbose", *paths], capture_output=True)
    text = proc.stderr.decode("utf-8", "replace") + proc.stdout.decode("utf-8", "replace")
    match = _PARSED_LINE.search(text)
    if match:
        return f"parsed {match.group(1)} of {match.group(2)} files"
    proc = subprocess.run(
        [*tool, "--check", "--output-format", "json", *paths], capture_output=True
    )
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return "parsed count not reported"
    summary = data.get("summary", data) if isinstance(data, dict) else {}
    for key in ("parsed", "files_parsed", "parsed_files"):
        if isinstance(summary, dict) and key in summary:
            total = summary.get("files", summary.get("total", "?"))
            return f"parsed {summary[key]} of {total} files"
    return "parsed count not reported"


def count_py(paths: Sequence[str]) -> int:
    total = 0
    for entry in paths:
        path = Path(entry)
        if path.is_file():
            total += path.suffix == ".py"
        else:
            total += sum(1 for _ in path.rglob("*.py"))
    return total


def stdlib_paths() -> list[str]:
    """The stdlib's top-level entries minus site-packages, which lives inside it.

    Passing the same explicit list to the tool and to grep makes both read the
    same files, whatever default excludes the tool applies.
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(str(p) for p in root.iterdir() if p.name != "site-packages" and (p.is_dir() or p.suffix == ".py"))


def site_packages_path() -> str:
    """The interpreter's real site-packages: a venv's own is nearly empty."""
    own = sysconfig.get_paths()["purelib"]
    base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})["purelib"]
    candidates = [p for p in (own, base) if Path(p).is_dir()]
    return max(candidates, key=lambda p: sum(1 for _ in Path(p).rglob("*.py")))


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def _size(nbytes: int) -> str:
    return f"{nbytes / 1024:.0f} KiB" if nbytes < 10 << 20 else f"{nbytes / (1 << 20):.1f} MiB"


def bench_contrib_heavy(
    report: Report, tool: list[str] | None, label: str, corpus_dir: Path, paths: list[Path],
    args: argparse.Namespace, work: Path
) -> dict[str, float | None]:
    """Section 1 for one corpus; `label` is `small` or `real` and prefixes every raw figure."""
    notebooks = sum(p.suffix == ".ipynb" for p in paths)
    section = "1{} contrib-heavy, {} ({} files{}, {})".format(
        "a" if label == "small" else "b", CORPUS_TITLES[label], len(paths),
        f" incl. {notebooks} .ipynb" if notebooks else "", _size(sum(p.stat().st_size for p in paths)))
    figures: dict[str, float | None] = {}

    progress("timing the in-process ast.parse loop")
    parse_libcst = parse_all_libcst(paths)
    ast_timing = time_in_process(parse_all_ast(paths), args.repeat)
    figures["ast_parse"] = ast_timing.median

    tf_cmd = None if args.skip_tf else tf_upgrade_command()
    tf_timing: Timing | None = None
    tf_note = "skipped (--skip-tf)" if args.skip_tf else "skipped: tensorflow not importable"
    if tf_cmd:
        intree = work / f"tf_upgrade_in_{label}"
        shutil.copytree(corpus_dir, intree)
        seconds: list[float] = []
        cpu: list[float] = []
        returncode = None
        for attempt in range(args.repeat):
            outtree = work / f"tf_upgrade_out_{attempt}"
            argv = [*tf_cmd, "--intree", str(intree), "--outtree", str(outtree),
                    "--reportfile", str(work / f"tf_upgrade_report_{attempt}.txt")]
            one = time_command(argv, 1, ok_codes=(0,))
            seconds.extend(one.seconds)
            cpu.extend(one.cpu_seconds)
            returncode = one.returncode
            shutil.rmtree(outtree, ignore_errors=True)
        tf_timing = Timing(seconds, returncode, cpu_seconds=cpu)
        tf_note = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(tf_cmd))
        if notebooks:
            tf_note += "; converts the .py files only (in a tree it copies notebooks as they are)"
        shutil.rmtree(intree, ignore_errors=True)
        if returncode != 0:
            tf_note += f"; exit {returncode}: its time is not a full conversion"
    figures["tf_upgrade_v2"] = tf_timing.median if tf_timing else None

    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    j1 = jn = empty_j1 = one_j1 = None
    # The parse loop, the -j 1 run and the two start-up runs its per-file cost is taken from, round by round.
    measures = {"parse": lambda: time_in_process(parse_libcst, 1)}
    if tool:
        one_file = one_file_project(corpus_dir, paths[0], work / f"{label}_one_file")
        measures.update(
            j1=lambda: time_command([*tool, "--check", "-j", "1", str(corpus_dir)], 1),
            one=lambda: time_command([*tool, "--check", "-j", "1", str(one_file)], 1),
            empty=lambda: time_command([*tool, "--check", "-j", "1", str(empty)], 1, ok_codes=(0,)))
    timed = interleaved(measures, max(args.repeat, 3))
    libcst_timing = timed["parse"]
    figures["libcst_parse"] = libcst_timing.median
    if tool:
        j1_t, one_t, empty_t = timed["j1"], timed["one"], timed["empty"]
        jn_t = time_command([*tool, "--check", "-j", str(CORES), str(corpus_dir)], args.repeat)
        j1, jn, empty_j1, one_j1 = j1_t.median, jn_t.median, empty_t.median, one_t.median
        report.raw[label + "_contrib_j1"] = asdict(j1_t)
        report.raw[label + "_contrib_jn"] = asdict(jn_t)
        report.raw[label + "_empty_j1"] = asdict(empty_t)
        report.raw[label + "_one_file_j1"] = asdict(one_t)
        speedup_1 = _ratio(figures["tf_upgrade_v2"], j1)
        speedup_n = _ratio(figures["tf_upgrade_v2"], jn)
        report.add(Row(section, "tfckpt-migrate --check -j 1", j1, "tf_upgrade_v2 / this", speedup_1,
                       f">= {TARGET_J1_VS_TF_UPGRADE}x faster",
                       None if speedup_1 is None else speedup_1 >= TARGET_J1_VS_TF_UPGRADE,
                       "exit {}{}".format(j1_t.returncode, "; " + j1_t.note if j1_t.note else ""),
                       cpu_seconds=j1_t.cpu_median))
        report.add(Row(section, f"tfckpt-migrate --check -j {CORES}", jn, "tf_upgrade_v2 / this", speedup_n,
                       f">= {TARGET_JN_VS_TF_UPGRADE}x faster",
                       None if speedup_n is None else speedup_n >= TARGET_JN_VS_TF_UPGRADE,
                       "exit {}{}".format(jn_t.returncode, "; " + jn_t.note if jn_t.note else ""),
                       cpu_seconds=jn_t.cpu_median))
        # Per-file cost: what each file adds once the process has started and loaded LibCST and the rules, the
        # same one-off set-up the parse loop's warm-up parse keeps out of the floor. A one-file run pays it; the
        # other N - 1 files are the difference, scaled to N to compare with the loop over all N.
        n = len(paths)
        scale = n / (n - 1) if n > 1 else 1.0
        per_round = [scale * (a - b) for a, b in zip(j1_t.seconds, one_t.seconds, strict=True)]
        per_file = scale * (j1 - one_j1)
        ratio = paired_ratio(per_round, libcst_timing.seconds)
        from_empty = paired_ratio([a - b for a, b in zip(j1_t.seconds, empty_t.seconds, strict=True)],
                                  libcst_timing.seconds)
        cpu_one = _difference(j1_t.cpu_median, one_t.cpu_median)
        note = f"{1000 * per_file / n:.2f} ms/file; median of {len(per_round)} paired rounds"
        if from_empty is not None:
            note += f"; minus the empty-dir run instead: {from_empty:.2f}x"
        report.add(Row(section, "tool per-file cost (-j 1 minus one-file run, x N/(N-1))", per_file,
                       "this / libcst parse", ratio, f"<= {TARGET_PER_FILE_VS_PARSE}x",
                       None if ratio is None else ratio <= TARGET_PER_FILE_VS_PARSE, note,
                       cpu_seconds=None if cpu_one is None else scale * cpu_one))
        report.add(Row(section, "start-up with LibCST and the rules loaded (-j 1, one file)", one_j1,
                       note=f"empty directory: {1000 * empty_j1:.0f} ms", cpu_seconds=one_t.cpu_median))
    else:
        report.add(Row(section, "tfckpt-migrate", None, note="tool not runnable; see --tool"))
    figures.update(j1=j1, jn=jn, empty_j1=empty_j1, one_j1=one_j1)

    report.add(Row(section, "libcst.parse_module loop (in-process, floor)", libcst_timing.median,
                   note=f"{1000 * libcst_timing.median / len(paths):.2f} ms/file",
                   cpu_seconds=libcst_timing.cpu_median))
    report.add(Row(section, "ast.parse loop (in-process)", ast_timing.median, "this / libcst parse",
                   _ratio(ast_timing.median, libcst_timing.median), cpu_seconds=ast_timing.cpu_median))
    report.add(Row(section, "tf_upgrade_v2 --intree --outtree", figures["tf_upgrade_v2"], note=tf_note,
                   cpu_seconds=tf_timing.cpu_median if tf_timing else None))
    report.raw[label + "_libcst_parse"] = asdict(libcst_timing)
    report.raw[label + "_ast_parse"] = asdict(ast_timing)
    if tf_timing:
        report.raw[label + "_tf_upgrade_v2"] = asdict(tf_timing)
    return figures


def bench_no_contrib(report: Report, tool: list[str] | None, label: str, paths: list[str], repeat: int) -> None:
    section = f"2 no contrib: {label} ({count_py(paths)} .py files)"
    grep_argv = ["grep", "-rl", "--include=*.py", "contrib", *paths]
    # Untimed pass so that neither contender is the one that warms the page cache.
    subprocess.run(grep_argv, stdout=subprocess.DEVNULL)
    rounds = max(repeat, NO_CONTRIB_ROUNDS)  # a fraction of a second each: enough rounds for a steady median
    if tool:
        timed = interleaved({"grep": lambda: time_command(grep_argv, 1),
                             "tool": lambda: time_command([*tool, "--check", *paths], 1, ok_codes=(0, 1, 2))}, rounds)
        grep, run = timed["grep"], timed["tool"]
    else:
        grep = time_command(grep_argv, rounds)
    report.raw["grep_" + label] = asdict(grep)
    if tool:
        report.raw["tool_" + label] = asdict(run)
        ratio = paired_ratio(run.seconds, grep.seconds)
        note = f"exit {run.returncode}; {parsed_count(tool, paths)}; median of {rounds} paired rounds"
        report.add(Row(section, "tfckpt-migrate --check", run.median, "this / grep", ratio,
                       f"<= {TARGET_NO_CONTRIB_VS_GREP}x",
                       None if ratio is None else ratio <= TARGET_NO_CONTRIB_VS_GREP, note,
                       cpu_seconds=run.cpu_median))
    report.add(Row(section, "grep -rl --include='*.py' contrib (floor)", grep.median, cpu_seconds=grep.cpu_median))


def bench_startup(report: Report, tool: list[str], empty: Path, repeat: int) -> None:
    section = "3 start-up"
    version = time_command([*tool, "--version"], max(repeat, 5), ok_codes=(0,))
    empty_run = time_command([*tool, "--check", str(empty)], max(repeat, 5), ok_codes=(0,))
    report.raw["version"] = asdict(version)
    report.raw["empty_default_jobs"] = asdict(empty_run)
    report.add(Row(section, "tfckpt-migrate --version", version.median, note=version.note,
                   cpu_seconds=version.cpu_median))
    report.add(Row(section, "tfckpt-migrate --check <empty dir>", empty_run.median, note=empty_run.note,
                   cpu_seconds=empty_run.cpu_median))


def bench_growth(report: Report, tool: list[str], small: Path, n_files: int, work: Path,
                 args: argparse.Namespace) -> None:
    large = work / f"corpus_x{GROWTH_FACTOR}"
    corpus.generate_corpus(large, n_files * GROWTH_FACTOR)
    jobs = str(args.growth_jobs)
    results: dict[int, list[dict[str, float]]] = {}
    for count, root in ((n_files, small), (n_files * GROWTH_FACTOR, large)):
        results[count] = [measure_rss([*tool, "--check", "-j", jobs, str(root)]) for _ in range(args.repeat)]
    report.raw["growth"] = {str(k): v for k, v in results.items()}

    def med(count: int, key: str) -> float:
        return statistics.median(r[key] for r in results[count])

    section = f"4 growth (-j {jobs}, N={n_files})"
    small_t, large_t = med(n_files, "wall"), med(n_files * GROWTH_FACTOR, "wall")
    small_m, large_m = med(n_files, "tree_peak_rss_kib"), med(n_files * GROWTH_FACTOR, "tree_peak_rss_kib")
    small_p = med(n_files, "max_process_rss_kib")
    large_p = med(n_files * GROWTH_FACTOR, "max_process_rss_kib")
    report.add(Row(section, "N files: wall", small_t, cpu_seconds=med(n_files, "cpu"),
                   note=f"tree peak {small_m / 1024:.0f} MiB, largest process {small_p / 1024:.0f} MiB"))
    time_ratio = _ratio(large_t, small_t)
    report.add(Row(section, f"{GROWTH_FACTOR}N files: wall", large_t, "time 4N / N", time_ratio,
                   f"<= {TARGET_GROWTH_TIME}x",
                   None if time_ratio is None else time_ratio <= TARGET_GROWTH_TIME,
                   cpu_seconds=med(n_files * GROWTH_FACTOR, "cpu")))
    mem_ratio = _ratio(large_m, small_m)
    report.add(Row(section, f"{GROWTH_FACTOR}N files: peak RSS of process tree", None, "peak 4N / N", mem_ratio,
                   f"<= {TARGET_GROWTH_MEMORY}x",
                   None if mem_ratio is None else mem_ratio <= TARGET_GROWTH_MEMORY,
                   f"tree peak {large_m / 1024:.0f} MiB, largest process {large_p / 1024:.0f} MiB"))


# figure of a row -> (numerator figure, denominator figure) of its CPU ratio, both in the row's section; "" is the
# row itself. Figures are matched by prefix.
_CPU_RATIOS: tuple[tuple[str, str, str], ...] = (
    ("tfckpt-migrate --check -j 1", "tf_upgrade_v2 --intree", ""),
    ("tool per-file cost", "", "libcst.parse_module loop"),
    ("ast.parse loop", "", "libcst.parse_module loop"),
    ("tfckpt-migrate --check", "", "grep -rl"),  # the no-contrib rows (parse nothing: one process)
    (f"{GROWTH_FACTOR}N files: wall", "", "N files: wall"),
)


def fill_cpu_ratios(rows: Sequence[Row]) -> None:
    """Each comparison again in CPU seconds, from the rows' own CPU medians (also for a run loaded with --from-json)."""
    for row in rows:
        if row.figure.startswith("tfckpt-migrate --check -j") and not row.figure.endswith("-j 1"):
            continue  # -j N: CPU summed over workers says nothing about waiting
        for figure, numerator, denominator in _CPU_RATIOS:
            if row.figure.startswith(figure):
                section = [r for r in rows if r.section == row.section]

                def cpu(prefix: str, row: Row = row, section: list[Row] = section) -> float | None:
                    if not prefix:
                        return row.cpu_seconds
                    return next((r.cpu_seconds for r in section if r.figure.startswith(prefix)), None)

                row.cpu_ratio = _ratio(cpu(numerator), cpu(denominator))
                break


def _cells(row: Row) -> list[str]:
    return [
        row.section,
        row.figure,
        "-" if row.seconds is None else f"{row.seconds:.3f}",
        "-" if row.cpu_seconds is None else f"{row.cpu_seconds:.3f}",
        row.compared_with,
        "" if row.ratio is None else f"{row.ratio:.2f}x",
        "" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}x",
        row.target,
        "" if row.met is None else ("yes" if row.met else "NO"),
        row.note,
    ]


HEADERS = ["Section", "Figure", "Wall (s)", "CPU (s)", "Compared with", "Ratio", "CPU ratio", "Target", "Met (wall)",
           "Note"]
_MET = HEADERS.index("Met (wall)")


def print_report(report: Report) -> None:
    machine = ", ".join(f"{k} {v}" for k, v in report.machine.items())
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(machine)
        print(" | ".join(HEADERS))
        for row in report.rows:
            print(" | ".join(_cells(row)))
        return
    console = Console(width=max(Console().width, 200))
    console.print(machine)
    table = Table(*HEADERS, show_lines=False)
    previous = None
    for row in report.rows:
        cells = _cells(row)
        if row.section == previous:
            cells[0] = ""
        else:
            if previous is not None:
                table.add_section()
            previous = row.section
        if row.met is False:
            cells[_MET] = "[bold red]NO[/]"
        table.add_row(*cells)
    console.print(table)


def markdown_table(report: Report) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    previous = None
    for row in report.rows:
        cells = _cells(row)
        if row.section == previous:
            cells[0] = ""
        previous = row.section
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


# Stages of a run, for --profile. A function's own time goes to the stage of its module; code several stages share
# (LibCST's node classes and visitors, builtins, the stdlib) takes the stage of whoever called it, in proportion to
# the time it spent under each caller (cProfile records that per caller). Anchored mostly on module paths rather
# than function names, so that the table survives a rewrite of the engine; the first matching rule wins.
STAGE_RULES: tuple[tuple[str, str], ...] = (
    (r"<frozen importlib|^<built-in method _imp\.", "module imports (start-up and lazy)"),
    # Generated code (`<string>`: the dataclass __init__ of every LibCST node) shares one cProfile entry whose
    # callers are lost, so node construction is counted with the parse, which does nearly all of it.
    (r"libcst/_parser/|libcst_native|^<string>:", "parse of the edited code (LibCST)"),
    (r"libcst/metadata/position_provider\.py|transforms/_positions\.py|_pipeline\.py:_locate$",
     "positions of findings"),
    (r"transforms/_analysis\.py:_recheck_with_scope_provider$|libcst/metadata/", "analysis: LibCST ScopeProvider"),
    (r"transforms/_analysis\.py", "analysis: own walk"),
    (r"transforms/_imports\.py|libcst/codemod/|libcst/matchers/", "import insertion (AddImportsVisitor)"),
    # LibCST's own code generator is not anchored: positions drive it too; it takes the stage of its caller.
    (r"transforms/_apply\.py|libcst/_nodes/module\.py:code$", "apply: edit, render and splice"),
    (r"tfckpt_codemod/facts\.py|runner\.py:(_facts|_project_facts|_may_save_checkpoint)$|"
     r"transforms/[a-z_]+\.py:(collect|combine)$", "run-wide fact pass"),
    (r"tfckpt_codemod/transforms/", "rules (planning)"),
    (r"tfckpt_codemod/notebook\.py|engine\.py:_migrate_notebook$", "notebooks (JSON, cells, magics)"),
    (r"tfckpt_codemod/fileio\.py|runner\.py:_read$", "IO (reading files)"),
    (r"tfckpt_codemod/discovery\.py|pathspec/", "discovery"),
    (r"tfckpt_codemod/report\.py|/rich/|difflib\.py", "report"),
    (r"tfckpt_codemod/engine\.py", "engine: decode, CPython pre-parse"),
    (r"tfckpt_codemod/|typer/|click/", "CLI and runner"),
)
OTHER_STAGE = "other (interpreter, unattributed)"


_LIBRARY_PREFIX = re.compile(r"^.*/(?:site-packages|lib/python3\.\d+)/")


def _function_label(func: tuple[str, int, str]) -> str:
    filename, _, name = func
    if filename == "~":
        return name
    return "{}:{}".format(_LIBRARY_PREFIX.sub("", filename), name)


def stage_breakdown(stats: object) -> tuple[dict[str, float], dict[tuple[str, int, str], str]]:
    """Own time of every function, summed per stage (the stages partition the whole run), and each function's
    main stage."""
    rules = [(re.compile(pattern), stage) for pattern, stage in STAGE_RULES]
    raw = stats.stats  # type: ignore[attr-defined]  # func -> (cc, nc, tt, ct, {caller: (cc, nc, tt, ct)})

    def anchor(func: tuple[str, int, str]) -> str | None:
        filename, _, name = func
        key = f"{filename}:{name}"
        for pattern, stage in rules:
            if pattern.search(key):
                return stage
        return None

    anchored = {func: anchor(func) for func in raw}
    # A stage distribution per function: one-hot where anchored, else the ct-weighted mix of its callers' mixes.
    mix: dict[tuple[str, int, str], dict[str, float]] = {f: {a: 1.0} for f, a in anchored.items() if a}
    for _ in range(50):
        changed = False
        for func, (_, _, _, _, callers) in raw.items():
            if anchored[func]:
                continue
            weights: dict[str, float] = {}
            total = 0.0
            for caller, (_, _, tt, ct) in callers.items():
                source = mix.get(caller)
                weight = ct or tt
                if not source or weight <= 0:
                    continue
                total += weight
                for stage, share in source.items():
                    weights[stage] = weights.get(stage, 0.0) + weight * share
            new = {stage: w / total for stage, w in weights.items()} if total else {OTHER_STAGE: 1.0}
            old = mix.get(func)
            if old is None or any(abs(new.get(k, 0.0) - old.get(k, 0.0)) > 1e-6 for k in set(new) | set(old)):
                changed = True
            mix[func] = new
        if not changed:
            break
    seconds: dict[str, float] = {}
    for func, (_, _, tt, _, callers) in raw.items():
        if anchored[func]:
            seconds[anchored[func]] = seconds.get(anchored[func], 0.0) + tt
            continue
        # Split the own time by caller exactly as cProfile recorded it, each part at its caller's mix.
        split = [(mix.get(caller) or {OTHER_STAGE: 1.0}, ctt) for caller, (_, _, ctt, _) in callers.items()]
        attributed = sum(part for _, part in split)
        if attributed <= 0:
            split, attributed = [(mix[func], tt)], tt
        for source, part in split:
            for stage, share in source.items():
                seconds[stage] = seconds.get(stage, 0.0) + tt * (part / attributed) * share
    main_stage = {func: max(m.items(), key=lambda item: item[1])[0] for func, m in mix.items()}
    return seconds, main_stage


def _module_of(func: tuple[str, int, str]) -> str:
    label = _function_label(func)
    if ":" not in label or label.startswith("<"):
        return "builtins and C methods" if func[0] == "~" else label.split(":")[0]
    path = label.rsplit(":", 1)[0]
    parts = path.split("/")
    if parts[0] == "libcst" and len(parts) > 2:
        return "/".join(parts[:2]) + "/"
    if parts[0] == "tfckpt_codemod":
        return path
    return parts[0] + "/" if len(parts) > 1 else path


def print_profile(stats: object, top: int, n_files: int) -> None:
    """The stage table, own time by module, then the top functions by cumulative and by own time with stages."""
    total = stats.total_tt  # type: ignore[attr-defined]
    seconds, main_stage = stage_breakdown(stats)
    order = [stage for _, stage in STAGE_RULES] + [OTHER_STAGE]
    print("\nTime by stage (own time, attributed through callers; cProfile inflates Python-heavy stages):")
    print("| stage | s | % | ms/file |\n|---|---|---|---|")
    for stage in sorted(order, key=lambda st: -seconds.get(st, 0.0)):
        value = seconds.get(stage, 0.0)
        if value >= 0.0005:
            print(f"| {stage} | {value:.2f} | {100 * value / total:.1f} | {1000 * value / n_files:.2f} |")
    print(f"| total | {total:.2f} | 100.0 | {1000 * total / n_files:.2f} |")

    by_module: dict[str, float] = {}
    for func, (_, _, tt, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_module[_module_of(func)] = by_module.get(_module_of(func), 0.0) + tt
    print("\nOwn time by module (top 20):")
    print("| module | s | % |\n|---|---|---|")
    for module, value in sorted(by_module.items(), key=lambda item: -item[1])[:20]:
        print(f"| {module} | {value:.2f} | {100 * value / total:.1f} |")

    raw = stats.stats  # type: ignore[attr-defined]
    for title, index in (("cumulative", 3), ("own", 2)):
        print(f"\nTop {top} functions by {title} time:")
        print("| calls | own s | cumulative s | stage | function |\n|---|---|---|---|---|")
        for func, (cc, nc, tt, ct, _) in sorted(raw.items(), key=lambda item: -item[1][index])[:top]:
            calls = str(nc) if nc == cc else f"{nc}/{cc}"
            print(f"| {calls} | {tt:.2f} | {ct:.2f} | {main_stage.get(func, OTHER_STAGE)} | {_function_label(func)} |")


# Runs the installed entry point (`--check -j 1`, in-process) once without a profiler, timing CPU seconds per stage
# at the engine's entry points: exclusive (a stage inside another is taken out of the outer one). Names that no
# longer exist (the engine is being rewritten) are reported, not fatal. argv: corpus dir, then module:attr=stage...
_STAGE_TIMER = r"""
import importlib, json, sys, time

stack, spent, missing = [], {}, []

def wrap(function, stage):
    def timed(*args, **kwargs):
        now = time.process_time()
        if stack:
            outer, since = stack[-1]
            spent[outer] = spent.get(outer, 0.0) + now - since
        stack.append([stage, now])
        try:
            return function(*args, **kwargs)
        finally:
            now = time.process_time()
            stage_, since = stack.pop()
            spent[stage_] = spent.get(stage_, 0.0) + now - since
            if stack:
                stack[-1][1] = now
    timed.__wrapped__ = function
    return timed

corpus, specs = sys.argv[1], sys.argv[2:]
for spec in specs:
    target, stage = spec.split("=", 1)
    module_name, _, path = target.partition(":")
    try:
        owner = importlib.import_module(module_name)
        *outer, attribute = path.split(".")
        for name in outer:
            owner = getattr(owner, name)
        setattr(owner, attribute, wrap(getattr(owner, attribute), stage))
    except (ImportError, AttributeError):
        missing.append(target)
from importlib.metadata import entry_points
(entry,) = entry_points(group="console_scripts", name="tfckpt-migrate")
main = entry.load()
sys.argv = ["tfckpt-migrate", "--check", "-j", "1", corpus]
start = time.process_time()
try:
    main()
except SystemExit:
    pass
total = time.process_time() - start
sys.stdout = sys.__stdout__
print("STAGES " + json.dumps({"total": total, "spent": spent, "missing": missing}))
"""
# (module:attribute path, stage). A function imported by name into another module is patched there too.
STAGE_TIMER_POINTS: tuple[tuple[str, str], ...] = (
    ("tfckpt_codemod.runner:_read", "IO (reading files)"),
    ("tfckpt_codemod.facts:collect_facts", "run-wide fact pass"),
    ("tfckpt_codemod.runner:collect_facts", "run-wide fact pass"),
    ("tfckpt_codemod.engine:migrate_source", "engine: decode, CPython pre-parse and final check, notebooks"),
    ("tfckpt_codemod.runner:migrate_source", "engine: decode, CPython pre-parse and final check, notebooks"),
    ("libcst:parse_module", "parse of the edited code (LibCST)"),
    ("libcst:parse_expression", "parse of the edited code (LibCST)"),
    ("tfckpt_codemod.transforms._pipeline:migrate", "rules (planning)"),
    ("tfckpt_codemod.transforms._pipeline:analyze", "analysis: own walk"),
    ("tfckpt_codemod.transforms._pipeline:parse_noqa", "noqa comments"),
    ("tfckpt_codemod.transforms._apply:_rewrite", "apply: edit and render the edited code (LibCST)"),
    ("tfckpt_codemod.transforms._apply:splice_bytes", "apply: splice into the original bytes"),
)


def stage_timings(corpus_dir: Path, n_files: int) -> None:
    """CPU seconds per stage of one unprofiled `--check -j 1` run (see _STAGE_TIMER)."""
    specs = [f"{target}={stage}" for target, stage in STAGE_TIMER_POINTS]
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tfckpt-stages-") as tmp:  # cwd: see profile_tool
        out = subprocess.run([sys.executable, "-c", _STAGE_TIMER, str(corpus_dir.resolve()), *specs], cwd=tmp,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
    line = next((text for text in out.splitlines() if text.startswith("STAGES ")), None)
    if line is None:
        print("\n(stage timing failed)")
        return
    data = json.loads(line[len("STAGES "):])
    total, spent = data["total"], data["spent"]
    rest = total - sum(spent.values())
    print(f"\nCPU seconds by stage, no profiler (one run, load average {load:.2f} -> {os.getloadavg()[0]:.2f}; "
          "exclusive: an inner stage is "
          "not counted in its caller):")
    print("| stage | CPU s | % | ms/file |\n|---|---|---|---|")
    for stage, value in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"| {stage} | {value:.2f} | {100 * value / total:.1f} | {1000 * value / n_files:.2f} |")
    print(f"| start-up, discovery, CLI, report, rest | {rest:.2f} | {100 * rest / total:.1f} | "
          f"{1000 * rest / n_files:.2f} |")
    print(f"| total (in-process, after interpreter start) | {total:.2f} | 100.0 | {1000 * total / n_files:.2f} |")
    if data["missing"]:
        print("not found (engine changed; update STAGE_TIMER_POINTS): " + ", ".join(data["missing"]))


def profile_tool(corpus_dir: Path, top: int, keep: Path | None = None) -> None:
    """cProfile of one in-process (-j 1) run: time by stage and by module, top functions by cumulative and own time.

    Profiles the installed ``tfckpt-migrate`` console-script entry point, so the
    engine and transforms profiled are the ones the timed runs execute.
    """
    import pstats

    (entry,) = importlib.metadata.entry_points(group="console_scripts", name="tfckpt-migrate")
    module, _, attribute = entry.value.partition(":")
    n_files = sum(1 for p in corpus_dir.rglob("*") if p.suffix in (".py", ".ipynb"))
    with tempfile.TemporaryDirectory(prefix="tfckpt-profile-") as tmp:
        script = Path(tmp) / "tfckpt_migrate_entry.py"
        script.write_text(
            "import sys\nfrom {} import {}\nsys.argv[0] = 'tfckpt-migrate'\nsys.exit({}())\n".format(
                module, attribute.split(".")[0], attribute
            )
        )
        stats_file = Path(tmp) / "run.prof"
        start, load = time.perf_counter(), os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        # cwd: `python -m` puts the working directory first on sys.path, and the repository's own tfckpt_codemod/
        # is not the installed package (its transforms live elsewhere until installed).
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats_file), str(script),
                        "--check", "-j", "1", str(corpus_dir.resolve())], stdout=subprocess.DEVNULL, cwd=tmp)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"profiled run: wall {time.perf_counter() - start:.1f} s, CPU {cpu:.1f} s, "
              f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}")
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stats_file, keep)
        print_profile(pstats.Stats(str(stats_file)), top, n_files)
    stage_timings(corpus_dir, n_files)


CORPUS_TITLES = {"small": "small scripts", "real": "real-shaped modules"}


def prepare_corpus(label: str, args: argparse.Namespace, work: Path) -> tuple[Path, list[Path]]:
    """Generate (or, with --keep-corpus, reuse) the small or the real-shaped corpus; its directory and files."""
    module, n_files = (corpus, args.files) if label == "small" else (corpus_real, args.real_files)
    name = f"n{n_files}" if label == "small" else f"real_n{n_files}"
    if args.keep_corpus:
        corpus_dir = Path(__file__).resolve().parent / ".corpus" / name
        if not corpus_dir.exists():
            progress(f"generating the {label} corpus into {corpus_dir}")
            module.generate_corpus(corpus_dir, n_files)
        paths = sorted(p for p in corpus_dir.rglob("*") if p.suffix in (".py", ".ipynb"))
    else:
        corpus_dir = work / ("corpus" if label == "small" else "corpus_real")
        progress(f"generating the {label} corpus ({n_files} files)")
        paths = module.generate_corpus(corpus_dir, n_files)
    make_own_project(corpus_dir)
    return corpus_dir, paths


def one_file_project(corpus_dir: Path, first: Path, target: Path) -> Path:
    """A project holding only the corpus's first file, at the same relative path: the run on it pays every one-off
    cost of a run on the whole corpus (the interpreter, typer, LibCST and the rules loaded, the first parse)."""
    if target.exists():
        shutil.rmtree(target)
    copy = target / first.relative_to(corpus_dir)
    copy.parent.mkdir(parents=True)
    shutil.copyfile(first, copy)
    make_own_project(target)
    return target


def make_own_project(corpus_dir: Path) -> None:
    """Make the corpus a project of its own, as a user's repository is.

    Rules that compare files read the whole project the run belongs to. A corpus kept in benchmarks/.corpus/
    would otherwise belong to this checkout's git repository, and every run would also read the tool's own tests
    and examples, a fixed 0.3 s on top of the corpus.
    """
    (corpus_dir / "pyproject.toml").write_text(PROJECT_FILE, encoding="utf-8")


PROJECT_FILE = "# the benchmark corpus is a project of its own\n[tool.tfckpt-migrate]\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("small", "real", "both"), default="both",
                        help="contrib-heavy corpus to time or profile (default both)")
    parser.add_argument("--files", type=int, default=1200, help="small corpus size N (default 1200)")
    parser.add_argument("--real-files", type=int, default=corpus_real.DEFAULT_FILES,
                        help="real-shaped corpus size (default 1000, ~12 MiB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--skip-tf", action="store_true", help="do not run tf_upgrade_v2")
    parser.add_argument("--skip-site-packages", action="store_true", help="no site-packages row")
    parser.add_argument("--skip-growth", action="store_true", help="no N vs 4N growth figures")
    parser.add_argument("--growth-jobs", type=int, default=1, help="-j for the growth runs (default 1)")
    parser.add_argument("--json", type=Path, help="also write every figure and raw timing here")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--keep-corpus", action="store_true",
                        help="generate into benchmarks/.corpus/ and keep it (reused if present)")
    parser.add_argument("--tool", help="command that runs the tool (default: tfckpt-migrate next to python)")
    parser.add_argument("--profile", type=int, metavar="TOP", default=0,
                        help="instead of timing, cProfile one -j 1 run on each selected corpus: the time by stage "
                             "and by module, then the TOP functions")
    parser.add_argument("--from-json", type=Path, metavar="PATH",
                        help="print (and with --markdown write) the table of a run saved with --json; no timing")
    parser.add_argument("--profile-out", type=Path, metavar="DIR",
                        help="with --profile: also keep the raw cProfile data as DIR/<corpus>.prof")
    args = parser.parse_args(argv)
    if args.files < 1 or args.real_files < 1 or args.repeat < 1:
        parser.error("--files, --real-files and --repeat must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        fields = set(Row.__dataclass_fields__)
        report = Report(saved["machine"], saved["settings"],
                        [Row(**{k: v for k, v in row.items() if k in fields}) for row in saved["rows"]], saved["raw"])
        fill_cpu_ratios(report.rows)
        print_report(report)
        if args.markdown:
            args.markdown.write_text(markdown_table(report))
        return 0
    tool = shlex.split(args.tool) if args.tool else default_tool_command()
    if subprocess.run([*tool, "--version"], capture_output=True).returncode != 0:
        print("note: {} --version failed; tool figures are skipped".format(" ".join(tool)), file=sys.stderr)
        tool_or_none: list[str] | None = None
    else:
        tool_or_none = tool

    labels = ("small", "real") if args.corpus == "both" else (args.corpus,)
    with tempfile.TemporaryDirectory(prefix="tfckpt-bench-") as tmp:
        work = Path(tmp)
        corpora = {label: prepare_corpus(label, args, work) for label in labels}

        if args.profile:
            for label, (corpus_dir, paths) in corpora.items():
                size = _size(sum(p.stat().st_size for p in paths))
                print(f"== profile: tfckpt-migrate --check -j 1 on the {CORPUS_TITLES[label]} corpus "
                      f"({len(paths)} files, {size}) ==", flush=True)
                profile_tool(corpus_dir, args.profile,
                             args.profile_out / f"{label}.prof" if args.profile_out else None)
            return 0

        report = Report(machine_info(), {
            "corpus": args.corpus, "files": args.files, "real_files": args.real_files, "repeat": args.repeat,
            "seed": corpus.DEFAULT_SEED, "real_seed": corpus_real.DEFAULT_SEED,
            "tool": " ".join(tool), "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        })
        for label, (corpus_dir, paths) in corpora.items():
            bench_contrib_heavy(report, tool_or_none, label, corpus_dir, paths, args, work)
        bench_no_contrib(report, tool_or_none, "stdlib", stdlib_paths(), args.repeat)
        if not args.skip_site_packages:
            bench_no_contrib(report, tool_or_none, "site-packages", [site_packages_path()], args.repeat)
        if tool_or_none:
            bench_startup(report, tool_or_none, work / "empty", args.repeat)
            if not args.skip_growth:
                # Growth is measured on the small corpus, as before, whichever corpus was timed above.
                small_dir = corpora["small"][0] if "small" in corpora else prepare_corpus("small", args, work)[0]
                bench_growth(report, tool_or_none, small_dir, args.files, work, args)

    report.machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    fill_cpu_ratios(report.rows)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps({"machine": report.machine, "settings": report.settings,
                                         "rows": [asdict(r) for r in report.rows], "raw": report.raw}, indent=2))
    if args.markdown:
        args.markdown.write_text(markdown_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

CORES = os.cpu_count() or 1

# Targets from the performance issue; a figure is "met" when it satisfies them.
TARGET_PER_FILE_VS_PARSE = 2.5
TARGET_J1_VS_TF_UPGRADE = 2.0
TARGET_JN_VS_TF_UPGRADE = 3.5
TARGET_NO_CONTRIB_VS_GREP = 5.0
TARGET_GROWTH_TIME = 4.4
TARGET_GROWTH_MEMORY = 1.2
GROWTH_FACTOR = 4

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
        "load average": " ".join("{:.2f}".format(x) for x in os.getloadavg()),
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
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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


def parse_all_libcst(paths: Sequence[Path]) -> Callable[[], object]:
    import libcst

    # The first parse pays one-off set-up that a long-lived tool process pays
    # once too; keep it out of the per-file floor.
    libcst.parse_module(paths[0].read_bytes())

    def work() -> None:
        for path in paths:
            libcst.parse_module(path.read_bytes())

    return work


def parse_all_ast(paths: Sequence[Path]) -> Callable[[], object]:
    def work() -> None:
        for path in paths:
            ast.parse(path.read_bytes(), filename=str(path))

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
    proc = subprocess.run([*tool, "--check", "--verbose", *paths], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    text = proc.stderr.decode("utf-8", "replace") + proc.stdout.decode("utf-8", "replace")
    match = _PARSED_LINE.search(text)
    if match:
        return "parsed {} of {} files".format(match.group(1), match.group(2))
    proc = subprocess.run(
        [*tool, "--check", "--output-format", "json", *paths], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return "parsed count not reported"
    summary = data.get("summary", data) if isinstance(data, dict) else {}
    for key in ("parsed", "files_parsed", "parsed_files"):
        if isinstance(summary, dict) and key in summary:
            total = summary.get("files", summary.get("total", "?"))
            return "parsed {} of {} files".format(summary[key], total)
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


def bench_contrib_heavy(
    report: Report, tool: list[str] | None, corpus_dir: Path, paths: list[Path], args: argparse.Namespace, work: Path
) -> dict[str, float | None]:
    section = "1 contrib-heavy ({} files, {:.0f} KiB)".format(
        len(paths), sum(p.stat().st_size for p in paths) / 1024
    )
    figures: dict[str, float | None] = {}

    progress("timing in-process libcst.parse_module and ast.parse loops")
    libcst_timing = time_in_process(parse_all_libcst(paths), args.repeat)
    ast_timing = time_in_process(parse_all_ast(paths), args.repeat)
    figures["libcst_parse"] = libcst_timing.median
    figures["ast_parse"] = ast_timing.median

    tf_cmd = None if args.skip_tf else tf_upgrade_command()
    tf_timing: Timing | None = None
    tf_note = "skipped (--skip-tf)" if args.skip_tf else "skipped: tensorflow not importable"
    if tf_cmd:
        intree = work / "tf_upgrade_in"
        shutil.copytree(corpus_dir, intree)
        seconds: list[float] = []
        cpu: list[float] = []
        returncode = None
        for attempt in range(args.repeat):
            outtree = work / "tf_upgrade_out_{}".format(attempt)
            argv = [*tf_cmd, "--intree", str(intree), "--outtree", str(outtree),
                    "--reportfile", str(work / "tf_upgrade_report_{}.txt".format(attempt))]
            one = time_command(argv, 1, ok_codes=(0,))
            seconds.extend(one.seconds)
            cpu.extend(one.cpu_seconds)
            returncode = one.returncode
            shutil.rmtree(outtree, ignore_errors=True)
        tf_timing = Timing(seconds, returncode, cpu_seconds=cpu)
        tf_note = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(tf_cmd))
        if returncode != 0:
            tf_note += "; exit {}: its time is not a full conversion".format(returncode)
    figures["tf_upgrade_v2"] = tf_timing.median if tf_timing else None

    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    j1 = jn = empty_j1 = None
    if tool:
        j1_t = time_command([*tool, "--check", "-j", "1", str(corpus_dir)], args.repeat)
        jn_t = time_command([*tool, "--check", "-j", str(CORES), str(corpus_dir)], args.repeat)
        empty_t = time_command([*tool, "--check", "-j", "1", str(empty)], max(args.repeat, 5))
        j1, jn, empty_j1 = j1_t.median, jn_t.median, empty_t.median
        report.raw["contrib_j1"] = asdict(j1_t)
        report.raw["contrib_jn"] = asdict(jn_t)
        report.raw["empty_j1"] = asdict(empty_t)
        speedup_1 = _ratio(figures["tf_upgrade_v2"], j1)
        speedup_n = _ratio(figures["tf_upgrade_v2"], jn)
        report.add(Row(section, "tfckpt-migrate --check -j 1", j1, "tf_upgrade_v2 / this", speedup_1,
                       ">= {}x faster".format(TARGET_J1_VS_TF_UPGRADE),
                       None if speedup_1 is None else speedup_1 >= TARGET_J1_VS_TF_UPGRADE,
                       "exit {}{}".format(j1_t.returncode, "; " + j1_t.note if j1_t.note else ""),
                       cpu_seconds=j1_t.cpu_median))
        report.add(Row(section, "tfckpt-migrate --check -j {}".format(CORES), jn, "tf_upgrade_v2 / this", speedup_n,
                       ">= {}x faster".format(TARGET_JN_VS_TF_UPGRADE),
                       None if speedup_n is None else speedup_n >= TARGET_JN_VS_TF_UPGRADE,
                       "exit {}{}".format(jn_t.returncode, "; " + jn_t.note if jn_t.note else ""),
                       cpu_seconds=jn_t.cpu_median))
        per_file = j1 - empty_j1
        ratio = _ratio(per_file, libcst_timing.median)
        report.add(Row(section, "tool per-file cost (-j 1 minus empty-dir run)", per_file, "this / libcst parse", ratio,
                       "<= {}x".format(TARGET_PER_FILE_VS_PARSE),
                       None if ratio is None else ratio <= TARGET_PER_FILE_VS_PARSE,
                       "{:.2f} ms/file".format(1000 * per_file / len(paths)),
                       cpu_seconds=_difference(j1_t.cpu_median, empty_t.cpu_median)))
    else:
        report.add(Row(section, "tfckpt-migrate", None, note="tool not runnable; see --tool"))
    figures.update(j1=j1, jn=jn, empty_j1=empty_j1)

    report.add(Row(section, "libcst.parse_module loop (in-process, floor)", libcst_timing.median,
                   note="{:.2f} ms/file".format(1000 * libcst_timing.median / len(paths)),
                   cpu_seconds=libcst_timing.cpu_median))
    report.add(Row(section, "ast.parse loop (in-process)", ast_timing.median, "this / libcst parse",
                   _ratio(ast_timing.median, libcst_timing.median), cpu_seconds=ast_timing.cpu_median))
    report.add(Row(section, "tf_upgrade_v2 --intree --outtree", figures["tf_upgrade_v2"], note=tf_note,
                   cpu_seconds=tf_timing.cpu_median if tf_timing else None))
    report.raw["libcst_parse"] = asdict(libcst_timing)
    report.raw["ast_parse"] = asdict(ast_timing)
    if tf_timing:
        report.raw["tf_upgrade_v2"] = asdict(tf_timing)
    return figures


def bench_no_contrib(report: Report, tool: list[str] | None, label: str, paths: list[str], repeat: int) -> None:
    section = "2 no contrib: {} ({} .py files)".format(label, count_py(paths))
    # Untimed pass so that neither contender is the one that warms the page cache.
    subprocess.run(["grep", "-rl", "--include=*.py", "contrib", *paths], stdout=subprocess.DEVNULL)
    grep = time_command(["grep", "-rl", "--include=*.py", "contrib", *paths], repeat)
    report.raw["grep_" + label] = asdict(grep)
    if tool:
        run = time_command([*tool, "--check", *paths], repeat, ok_codes=(0, 1, 2))
        report.raw["tool_" + label] = asdict(run)
        ratio = _ratio(run.median, grep.median)
        note = "exit {}; {}".format(run.returncode, parsed_count(tool, paths))
        report.add(Row(section, "tfckpt-migrate --check", run.median, "this / grep", ratio,
                       "<= {}x".format(TARGET_NO_CONTRIB_VS_GREP),
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


def bench_growth(report: Report, tool: list[str], small: Path, n_files: int, work: Path, args: argparse.Namespace) -> None:
    large = work / "corpus_x{}".format(GROWTH_FACTOR)
    corpus.generate_corpus(large, n_files * GROWTH_FACTOR)
    jobs = str(args.growth_jobs)
    results: dict[int, list[dict[str, float]]] = {}
    for count, root in ((n_files, small), (n_files * GROWTH_FACTOR, large)):
        results[count] = [measure_rss([*tool, "--check", "-j", jobs, str(root)]) for _ in range(args.repeat)]
    report.raw["growth"] = {str(k): v for k, v in results.items()}

    def med(count: int, key: str) -> float:
        return statistics.median(r[key] for r in results[count])

    section = "4 growth (-j {}, N={})".format(jobs, n_files)
    small_t, large_t = med(n_files, "wall"), med(n_files * GROWTH_FACTOR, "wall")
    small_m, large_m = med(n_files, "tree_peak_rss_kib"), med(n_files * GROWTH_FACTOR, "tree_peak_rss_kib")
    small_p = med(n_files, "max_process_rss_kib")
    large_p = med(n_files * GROWTH_FACTOR, "max_process_rss_kib")
    report.add(Row(section, "N files: wall", small_t, cpu_seconds=med(n_files, "cpu"),
                   note="tree peak {:.0f} MiB, largest process {:.0f} MiB".format(small_m / 1024, small_p / 1024)))
    time_ratio = _ratio(large_t, small_t)
    report.add(Row(section, "{}N files: wall".format(GROWTH_FACTOR), large_t, "time 4N / N", time_ratio,
                   "<= {}x".format(TARGET_GROWTH_TIME),
                   None if time_ratio is None else time_ratio <= TARGET_GROWTH_TIME,
                   cpu_seconds=med(n_files * GROWTH_FACTOR, "cpu")))
    mem_ratio = _ratio(large_m, small_m)
    report.add(Row(section, "{}N files: peak RSS of process tree".format(GROWTH_FACTOR), None, "peak 4N / N", mem_ratio,
                   "<= {}x".format(TARGET_GROWTH_MEMORY),
                   None if mem_ratio is None else mem_ratio <= TARGET_GROWTH_MEMORY,
                   "tree peak {:.0f} MiB, largest process {:.0f} MiB".format(large_m / 1024, large_p / 1024)))


def _cells(row: Row) -> list[str]:
    return [
        row.section,
        row.figure,
        "-" if row.seconds is None else "{:.3f}".format(row.seconds),
        "-" if row.cpu_seconds is None else "{:.3f}".format(row.cpu_seconds),
        row.compared_with,
        "" if row.ratio is None else "{:.2f}x".format(row.ratio),
        row.target,
        "" if row.met is None else ("yes" if row.met else "NO"),
        row.note,
    ]


HEADERS = ["Section", "Figure", "Wall (s)", "CPU (s)", "Compared with", "Ratio", "Target", "Met", "Note"]


def print_report(report: Report) -> None:
    machine = ", ".join("{} {}".format(k, v) for k, v in report.machine.items())
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
            cells[7] = "[bold red]NO[/]"
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


def profile_tool(corpus_dir: Path, top: int) -> None:
    """cProfile of one in-process (-j 1) run, by cumulative and by own time.

    Profiles the installed ``tfckpt-migrate`` console-script entry point, so the
    engine and transforms profiled are the ones the timed runs execute.
    """
    import pstats

    (entry,) = importlib.metadata.entry_points(group="console_scripts", name="tfckpt-migrate")
    module, _, attribute = entry.value.partition(":")
    with tempfile.TemporaryDirectory(prefix="tfckpt-profile-") as tmp:
        script = Path(tmp) / "tfckpt_migrate_entry.py"
        script.write_text(
            "import sys\nfrom {} import {}\nsys.argv[0] = 'tfckpt-migrate'\nsys.exit({}())\n".format(
                module, attribute.split(".")[0], attribute
            )
        )
        stats_file = Path(tmp) / "run.prof"
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats_file), str(script),
                        "--check", "-j", "1", str(corpus_dir)], stdout=subprocess.DEVNULL)
        stats = pstats.Stats(str(stats_file))
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1200, help="corpus size N (default 1200)")
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
                        help="instead of timing, cProfile one -j 1 run on the corpus and print TOP functions")
    args = parser.parse_args(argv)
    if args.files < 1 or args.repeat < 1:
        parser.error("--files and --repeat must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tool = shlex.split(args.tool) if args.tool else default_tool_command()
    if subprocess.run([*tool, "--version"], capture_output=True).returncode != 0:
        print("note: {} --version failed; tool figures are skipped".format(" ".join(tool)), file=sys.stderr)
        tool_or_none: list[str] | None = None
    else:
        tool_or_none = tool

    with tempfile.TemporaryDirectory(prefix="tfckpt-bench-") as tmp:
        work = Path(tmp)
        if args.keep_corpus:
            corpus_dir = Path(__file__).resolve().parent / ".corpus" / "n{}".format(args.files)
            if not corpus_dir.exists():
                corpus.generate_corpus(corpus_dir, args.files)
            paths = sorted(corpus_dir.rglob("*.py"))
        else:
            corpus_dir = work / "corpus"
            paths = corpus.generate_corpus(corpus_dir, args.files)

        if args.profile:
            profile_tool(corpus_dir, args.profile)
            return 0

        report = Report(machine_info(), {
            "files": args.files, "repeat": args.repeat, "seed": corpus.DEFAULT_SEED,
            "tool": " ".join(tool), "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        })
        bench_contrib_heavy(report, tool_or_none, corpus_dir, paths, args, work)
        bench_no_contrib(report, tool_or_none, "stdlib", stdlib_paths(), args.repeat)
        if not args.skip_site_packages:
            bench_no_contrib(report, tool_or_none, "site-packages", [site_packages_path()], args.repeat)
        if tool_or_none:
            bench_startup(report, tool_or_none, work / "empty", args.repeat)
            if not args.skip_growth:
                bench_growth(report, tool_or_none, corpus_dir, args.files, work, args)

    report.machine["load average at end"] = " ".join("{:.2f}".format(x) for x in os.getloadavg())
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps({"machine": report.machine, "settings": report.settings,
                                         "rows": [asdict(r) for r in report.rows], "raw": report.raw}, indent=2))
    if args.markdown:
        args.markdown.write_text(markdown_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the micro-benchmarks of the checkpoint readers share: best-of-N timing."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(repeat: int, work: Callable[[], object]) -> str:
    """The best wall-clock and CPU time of `repeat` runs: on a shared machine the CPU time is the steadier one."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return f"{min(wall):.3f} s wall, {min(cpu):.3f} s CPU"

"""How many CPU cores a job may use: the physical cores, and those other work leaves free right now.

Both engines and the e5 query encoder size their thread teams from here: threads that meet at a barrier after
every step stall together when one of them waits for a busy core.
"""
from __future__ import annotations

import os
import time
from pathlib import Path


def physical_cores() -> int:
    """Physical cores this process may run on (SMT siblings counted once): the thread count at which the
    engines stop getting faster. Falls back to the logical CPUs where the topology is not readable."""
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    cores = set()
    for cpu in cpus:
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            cores.add(((topology / "physical_package_id").read_text(), (topology / "core_id").read_text()))
        except OSError:
            return len(cpus)
    return max(len(cores), 1)


def spare_cores(samples: int = 3) -> int:
    """Physical cores that other processes are not using right now, at least 1: the physical cores less the
    threads /proc/loadavg counts as runnable, not counting this process's own (the most over `samples` readings
    10 ms apart). Its own threads are left out because an OpenMP team spins for a while after its last step and
    reads as busy: counted, every other question would have been encoded on one thread.

    torch's threads meet at a barrier after every operation, so a thread that waits for a busy core stalls
    them all: on 2 cores shared with other jobs, 2 threads gave 0.2 tokens/s and a 19 s first token where
    1 thread gave 3 tokens/s and 6 s (SmolLM2, 1,100-token prompt; docs/RESULTS.md, "Speed")."""
    cores, busy = physical_cores(), 0
    for i in range(samples):
        try:
            runnable = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return cores
        busy = max(busy, runnable - own_runnable())
        if i + 1 < samples:
            time.sleep(0.01)
    return max(1, cores - busy)


def own_runnable() -> int:
    """This process's threads that are running or ready to run, the caller among them (at least 1)."""
    running = 0
    for stat in Path("/proc/self/task").glob("*/stat"):
        try:
            running += stat.read_text().rsplit(")", 1)[1].split()[0] == "R"
        except (OSError, IndexError):
            continue
    return max(running, 1)

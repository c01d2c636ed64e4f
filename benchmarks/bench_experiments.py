"""Replications at scale: speedup with worker processes, and memory as replications grow.

Runs replications of the default scenario with 1 and with 2 worker processes (the
speedup), and measures the peak memory (resident set, main process and workers) of a
100- and a 10,000-replication run, each in a fresh process, to show that aggregation
keeps memory flat.

    .venv/bin/python benchmarks/bench_experiments.py [--replications 1000] [--large 10000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"

MEASURE = """
import json, resource, sys, time
from sim import load_scenario
from sim.experiment import RunOptions, replicate
n, jobs = int(sys.argv[1]), int(sys.argv[2])
scenario = load_scenario(sys.argv[3])
started = time.perf_counter()
reps = replicate(
    scenario, n=n, options=RunOptions(jobs=jobs, progress=False), keep_incidents=False
)
seconds = time.perf_counter() - started
median = reps.estimate("response_median_min")
print(json.dumps({
    "seconds": seconds,
    "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "median": [median.mean, median.ci_low, median.ci_high],
}))
"""


def measure(n: int, jobs: int) -> dict[str, float]:
    """Run n replications with jobs workers in a fresh Python and read its figures."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(n), str(jobs), str(DEFAULT)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    n = args.replications
    started = time.perf_counter()
    one, two = measure(n, 1), measure(n, 2)
    print(f"{n} replications of {DEFAULT.name}")
    print(f"  1 job : {one['seconds']:7.1f} s ({one['seconds'] / n * 1000:.1f} ms a replication)")
    print(f"  2 jobs: {two['seconds']:7.1f} s   speedup {one['seconds'] / two['seconds']:.2f}x")
    same = one["median"] == two["median"]
    print(
        f"  same estimates with 1 and 2 jobs: {same} (median response {one['median'][0]:.1f} min,"
        f" 95 % CI {one['median'][1]:.1f}-{one['median'][2]:.1f})"
    )
    small, large = measure(100, 2), measure(args.large, 2)
    print("peak memory (resident set), 2 jobs:")
    for label, m in (("100", small), (f"{args.large:,}", large)):
        print(
            f"  {label:>7} replications: main {m['main_mb']:6.1f} MB, "
            f"largest worker {m['worker_mb']:6.1f} MB, {m['seconds']:.1f} s"
        )
    print(
        f"  growth of the main process: {large['main_mb'] / small['main_mb']:.2f}x for "
        f"{args.large // 100}x the replications"
    )
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

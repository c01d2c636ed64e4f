"""Speed of one replication of the default scenario against bare SimPy, in the same process.

Prints SimPy events per second of borderdrill (build + run of the model) and of a bare
SimPy queueing model with about as many events, and their ratio (borderdrill / bare:
1.0 would mean borderdrill adds nothing to SimPy's own cost per event). Also prints the
time of the whole pipeline (model, analysis, figures, report) for one run.

    .venv/bin/python benchmarks/bench_run.py [--replications N]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import simpy

from sim import load_scenario
from sim.model import Simulation
from sim.report import manifest, run_files

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"


def events_scheduled(env: simpy.Environment) -> int:
    """How many events an environment has scheduled (SimPy numbers them in order)."""
    counter: itertools.count[int] = env._eid
    return next(counter)


def borderdrill(replications: int) -> tuple[int, float]:
    scenario = load_scenario(DEFAULT)
    events = 0
    started = time.process_time()
    for replication in range(replications):
        sim = Simulation(scenario, replication=replication)
        sim.run()
        events += events_scheduled(sim.env)
    return events, time.process_time() - started


def bare_simpy(target_events: int, seed: int = 1) -> tuple[int, float]:
    """Poisson arrivals to 5 servers with exponential service: ~5 events a customer."""
    customers = max(1, target_events // 5)
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0, customers).tolist()
    services = rng.exponential(4.0, customers).tolist()
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=5)

    def customer(service: float):  # type: ignore[no-untyped-def]
        with servers.request() as turn:
            yield turn
            yield env.timeout(service)

    def arrivals():  # type: ignore[no-untyped-def]
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(arrivals())
    started = time.process_time()
    env.run()
    return events_scheduled(env), time.process_time() - started


def callgrind(script: str, *args: str) -> tuple[int, str]:
    """Instructions valgrind's callgrind counts for a Python process running ``script``
    with ``args`` (machines here are shared, so CPU times are noisy), and what it printed.
    Strings hash alike in every such process, so two counts differ by what their runs
    did, not by how their dictionaries happened to be laid out."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            script,
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1)), done.stdout


def hazard_share(path: Path, replications: int) -> tuple[float, float, float]:
    """Whole run time, the time inside the hazard processes (flood and fire) and the time
    of the fire's spread steps alone, profiled (the least of three rounds each).

    cProfile charges a SimPy process body with everything it does between its yields
    (spread steps, suppression, checks of villages and roads, and the model's reactions to
    the incidents and closures it raises), which is the hazard's cost.
    """
    scenario = load_scenario(path)
    Simulation(scenario).run()  # warm the caches a process keeps
    rounds = []
    for _ in range(3):
        profile = cProfile.Profile()
        profile.enable()
        for replication in range(replications):
            Simulation(scenario, replication=replication).run()
        profile.disable()
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        total = sum(tt for (_, _, _), (_, _, tt, _, _) in stats.items())
        hazard = sum(
            ct
            for (file, _, name), (_, _, _, ct, _) in stats.items()
            if (file.endswith("wildfire.py") and name in ("run", "__init__", "snapshot"))
            or (file.endswith("flood.py") and name == "run_flood")
        )
        spread = sum(
            ct
            for (file, _, name), (_, _, _, ct, _) in stats.items()
            if file.endswith("fire.py") and name == "step"
        )
        rounds.append((total, hazard, spread))
    return min(rounds)


def pipeline_seconds() -> float:
    scenario = load_scenario(DEFAULT)
    started = time.perf_counter()
    run = Simulation(scenario).run()
    run_files(scenario, run, manifest(str(DEFAULT), "-", run.seed, 0, []))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    args = parser.parse_args()
    borderdrill(1)  # warm caches and imports
    events, seconds = borderdrill(args.replications)
    bare_events, bare_seconds = bare_simpy(events)
    ours, theirs = events / seconds, bare_events / bare_seconds
    print(f"default scenario: {DEFAULT.name}, {args.replications} replications")
    print(
        f"  borderdrill : {events:>9,d} SimPy events in {seconds:6.3f} s = {ours:>10,.0f} events/s"
        f" ({seconds / args.replications * 1000:.1f} ms a replication)"
    )
    print(
        f"  bare SimPy  : {bare_events:>9,d} SimPy events in {bare_seconds:6.3f} s "
        f"= {theirs:>10,.0f} events/s"
    )
    print(f"  cost per event, borderdrill / bare SimPy: {theirs / ours:.2f}x")
    for name in ("sekong_flood_2018.toml", "tri_border_wildfire_2024.toml"):
        path = DEFAULT.parent / name
        if path.exists():
            total, hazard, spread = hazard_share(path, 10)
            print(
                f"  hazard processes in {name}: {hazard / total:.0%} of the run time "
                f"(the fire's spread steps alone: {spread / total:.0%}; profiled, "
                "10 replications)"
            )
    pipeline = pipeline_seconds()
    print(f"  whole pipeline for one run (model, analysis, figures, report): {pipeline:.2f} s")


if __name__ == "__main__":
    main()

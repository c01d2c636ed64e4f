"""Speed of one replication of the default scenario against bare SimPy, in the same process.

Prints SimPy events per second of borderdrill (build + run of the model) and of a bare
SimPy queueing model with about as many events, and their ratio (borderdrill / bare:
1.0 would mean borderdrill adds nothing to SimPy's own cost per event). Also prints the
time of the whole pipeline (model, analysis, figures, report) for one run.

    .venv/bin/python benchmarks/bench_run.py [--replications N]
"""

from __future__ import annotations

import argparse
import itertools
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
    started = time.perf_counter()
    for replication in range(replications):
        sim = Simulation(scenario, replication=replication)
        sim.run()
        events += events_scheduled(sim.env)
    return events, time.perf_counter() - started


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
    started = time.perf_counter()
    env.run()
    return events_scheduled(env), time.perf_counter() - started


def hazard_share(path: Path, replications: int) -> tuple[float, float]:
    """Seconds of whole runs and of their hazard code (flood and fire), over replications."""
    from sim.model import flood, wildfire

    spent = [0.0]

    def timed(function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        return wrapper

    originals = (
        flood.flood_events,
        wildfire.FireGrid.step,
        wildfire.FireGrid.suppress,
        wildfire.Wildfire.__init__,
        wildfire.Wildfire.snapshot,
    )
    flood.flood_events = timed(flood.flood_events)
    wildfire.FireGrid.step = timed(wildfire.FireGrid.step)  # type: ignore[method-assign]
    wildfire.FireGrid.suppress = timed(wildfire.FireGrid.suppress)  # type: ignore[method-assign]
    wildfire.Wildfire.__init__ = timed(wildfire.Wildfire.__init__)  # type: ignore[method-assign]
    wildfire.Wildfire.snapshot = timed(wildfire.Wildfire.snapshot)  # type: ignore[method-assign]
    try:
        scenario = load_scenario(path)
        started = time.perf_counter()
        for replication in range(replications):
            Simulation(scenario, replication=replication).run()
        return time.perf_counter() - started, spent[0]
    finally:
        (
            flood.flood_events,
            wildfire.FireGrid.step,
            wildfire.FireGrid.suppress,
            wildfire.Wildfire.__init__,
            wildfire.Wildfire.snapshot,
        ) = originals  # type: ignore[method-assign]


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
            total, hazard = hazard_share(path, 10)
            print(
                f"  hazard code in {name}: {hazard:.3f} s of {total:.3f} s "
                f"({hazard / total:.0%} of the run time, 10 replications)"
            )
    pipeline = pipeline_seconds()
    print(f"  whole pipeline for one run (model, analysis, figures, report): {pipeline:.2f} s")


if __name__ == "__main__":
    main()

"""How the cost of a replication grows with units and incidents, against bare SimPy.

Two families, each at 1x, 10x, 30x (and 100x when asked):

- ``default``: the default scenario, every unit group's count and every background
  generator's rate multiplied by the factor (the flood's incidents and the scripted
  injects stay as they are). Copies of a unit at one base set off together, so doctrine
  weighs them as one.
- ``dispersed`` (``benchmarks/dispersed.py``): units at distinct bases and incidents
  spread over a region that grows with the factor: nothing is a copy of anything.

Prints CPU milliseconds a replication, the incidents and units it had, the growth of time
against 1x beside the growth of the work (units + incidents), and the cost of one SimPy
event of each run against a bare SimPy queueing model in the same process (1.0:
borderdrill adds nothing to SimPy's own cost per event).

Goals (issue "One plan"): time grows no faster than 1.2x the work; per event at most 2x
bare SimPy at 1x and 3x at 100x.

With ``--instructions``, the same are also counted in instructions with valgrind's
callgrind (machines here are shared and CPU times noisy): one replication of each factor,
and bare SimPy for as many events, each in a process of its own, less the same process
that builds the run (and warms its routes) but runs nothing. Slow: about 50x the CPU time.

    .venv/bin/python benchmarks/bench_scale.py [--family default|dispersed]
        [--factors 1,10,30,100] [--replications N] [--instructions]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench_run import bare_simpy, callgrind, events_scheduled
from dispersed import dispersed

from sim import load_scenario
from sim.model import Simulation
from sim.scenario import Scenario

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"
BARE_EVENTS = 100_000
"""The fewest events bare SimPy's instructions are counted over (a small run's count is
mostly noise against the process it is counted less)."""


def scaled(scenario: Scenario, factor: int) -> Scenario:
    """The scenario with factor x the units and factor x the background incident rate."""
    units = tuple(g.model_copy(update={"count": g.count * factor}) for g in scenario.units)
    generators = tuple(
        g.model_copy(update={"per_day": g.per_day * factor}) for g in scenario.generators
    )
    return scenario.model_copy(update={"units": units, "generators": generators})


def measure(scenario: Scenario, replications: int) -> tuple[float, int, int, int]:
    """Seconds a replication (least of the replications), events, incidents and units."""
    Simulation(scenario).run()  # warm the route caches this scenario's runs share
    best = float("inf")
    for replication in range(replications):
        sim = Simulation(scenario, replication=replication)
        started = time.process_time()
        sim.run()
        seconds = time.process_time() - started
        if seconds < best:
            best = seconds
            events = events_scheduled(sim.env)
            incidents, units = len(sim.incidents), len(sim.units)
    return best, events, incidents, units


def family(name: str, factor: int) -> Scenario:
    """A scenario of a family at a factor."""
    return scaled(load_scenario(DEFAULT), factor) if name == "default" else dispersed(factor)


def counted(name: str, size: int) -> tuple[int, int]:
    """Instructions of one replication of a family at a factor (or of bare SimPy for
    about ``size`` events: ``name`` "bare"), counted by callgrind, and its events."""
    built, _ = callgrind(__file__, "--count", name, str(size), "0")
    ran, printed = callgrind(__file__, "--count", name, str(size), "1")
    return ran - built, int(printed)


def count(name: str, size: int, run: bool) -> None:
    """What ``counted`` runs under callgrind: build the run (and warm its routes), then
    run it if asked, printing its events."""
    if name == "bare":
        if run:
            print(bare_simpy(size)[0])
        return
    scenario = family(name, size)
    Simulation(scenario).run()  # warm the route caches this scenario's runs share
    if run:
        sim = Simulation(scenario, replication=1)
        sim.run()
        print(events_scheduled(sim.env))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=("default", "dispersed"), default="default")
    parser.add_argument("--factors", default="1,10,30")
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--count", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:  # one run under callgrind
        name, size, run = args.count
        count(name, int(size), run == "1")
        return
    rows = []
    for factor in (int(f) for f in args.factors.split(",")):
        seconds, events, incidents, units = measure(family(args.family, factor), args.replications)
        bare_events, bare_seconds = bare_simpy(events)
        per_event = (seconds / events) / (bare_seconds / bare_events)
        instructions = None
        if args.instructions:
            ours, our_events = counted(args.family, factor)
            bare, bare_counted = counted("bare", max(our_events, BARE_EVENTS))
            instructions = (ours, (ours / our_events) / (bare / bare_counted))
        rows.append((factor, seconds, events, incidents, units, per_event, instructions))
    _, base_seconds, _, base_incidents, base_units, _, base_instructions = rows[0]
    name = DEFAULT.name if args.family == "default" else "dispersed family"
    print(f"{name}, least of {args.replications} replications each (CPU time)")
    header = "factor   ms/rep   events  incidents  units   work x   time x   per event vs SimPy"
    if base_instructions:
        header += "  instructions   x 1x  per event vs SimPy"
    print(header)
    for factor, seconds, events, incidents, units, per_event, instructions in rows:
        work = (incidents + units) / (base_incidents + base_units)
        line = (
            f"{factor:>5}x {seconds * 1000:>8.1f} {events:>8,d} {incidents:>9,d} {units:>6,d}"
            f" {work:>8.1f} {seconds / base_seconds:>8.1f}   {per_event:>6.2f}x"
        )
        if instructions and base_instructions:
            ours, versus = instructions
            line += f" {ours / 1e9:>12.2f}G {ours / base_instructions[0]:>6.1f} {versus:>12.2f}x"
        print(line)


if __name__ == "__main__":
    main()

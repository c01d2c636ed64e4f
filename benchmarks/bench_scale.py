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

    .venv/bin/python benchmarks/bench_scale.py [--family default|dispersed]
        [--factors 1,10,30,100] [--replications N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench_run import bare_simpy, events_scheduled
from dispersed import dispersed

from sim import load_scenario
from sim.model import Simulation
from sim.scenario import Scenario

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=("default", "dispersed"), default="default")
    parser.add_argument("--factors", default="1,10,30")
    parser.add_argument("--replications", type=int, default=3)
    args = parser.parse_args()
    base = load_scenario(DEFAULT)
    rows = []
    for factor in (int(f) for f in args.factors.split(",")):
        scenario = scaled(base, factor) if args.family == "default" else dispersed(factor)
        seconds, events, incidents, units = measure(scenario, args.replications)
        bare_events, bare_seconds = bare_simpy(events)
        per_event = (seconds / events) / (bare_seconds / bare_events)
        rows.append((factor, seconds, events, incidents, units, per_event))
    _, base_seconds, _, base_incidents, base_units, _ = rows[0]
    name = DEFAULT.name if args.family == "default" else "dispersed family"
    print(f"{name}, least of {args.replications} replications each (CPU time)")
    print("factor   ms/rep   events  incidents  units   work x   time x   per event vs SimPy")
    for factor, seconds, events, incidents, units, per_event in rows:
        work = (incidents + units) / (base_incidents + base_units)
        print(
            f"{factor:>5}x {seconds * 1000:>8.1f} {events:>8,d} {incidents:>9,d} {units:>6,d}"
            f" {work:>8.1f} {seconds / base_seconds:>8.1f}   {per_event:>6.2f}x"
        )


if __name__ == "__main__":
    main()

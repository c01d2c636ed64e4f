"""A run's budget: its work and memory estimated from the scenario, checked before it starts.

The estimate counts what makes a run long or large: replications (times variants), the
incidents of one replication, the trips needed to carry everyone (people over the largest
unit capacity), the hazard's steps (gauge readings, and fire grid cells times spread steps)
and the memory these take. Each figure has a soft limit, above which a run would exhaust
memory or take days; ``allow_large`` (the command line's ``--allow-large``) goes beyond it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.log import GAUGE_STEP_MIN
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.schema import IncidentInject, Scenario
from sim.scenario.wildfire import grid_shape

SECONDS_PER_EVENT = 15e-6
SECONDS_PER_CELL_STEP = 30e-9
SECONDS_PER_READING = 50e-9
"""Computing cost of a simulated event, a fire cell's step and a gauge reading (measured on
the shipped scenarios, rounded up)."""

BYTES_PER_EVENT = 600
BYTES_PER_CELL = 160
BYTES_PER_READING = 32
BYTES_PER_REPLICATION = 4096
"""Memory of a logged event, a fire grid cell, a gauge reading and one replication's
key figures kept for the report."""

EVENTS_PER_TRIP, EVENTS_PER_INCIDENT = 6, 40


@dataclass(frozen=True)
class Limit:
    """A soft limit on one figure of the estimate, and how to bring the figure down."""

    figure: str
    most: float
    unit: str
    path: str
    fix: str


LIMITS = (
    Limit("runs", 100_000, "replications", "run.replications", "use fewer replications (-n)"),
    Limit(
        "incidents",
        100_000,
        "incidents a replication",
        "generators",
        "lower the generators' per_day or shorten scenario.duration",
    ),
    Limit(
        "trips",
        1_000_000,
        "trips a replication to carry everyone",
        "injects",
        "give fewer people, or unit types a larger capacity",
    ),
    Limit(
        "cell_steps",
        1e9,
        "fire cell-steps a replication",
        "wildfire",
        "use larger wildfire.cell_km, a longer wildfire.step or smaller bounds",
    ),
    Limit(
        "memory_gib",
        2.0,
        "GiB of memory",
        "run",
        "use fewer replications (-n), fewer people, a smaller fire grid or a shorter "
        "scenario.duration",
    ),
    Limit(
        "hours",
        24.0,
        "hours of computing on one core",
        "run",
        "use fewer replications (-n) or variants, fewer people or a shorter scenario.duration",
    ),
)


@dataclass(frozen=True)
class Estimate:
    """What a run will cost, roughly: the figures the limits apply to."""

    runs: int
    incidents: float
    people: float
    trips: float
    cell_steps: float
    readings: float
    memory_gib: float
    hours: float

    def over(self) -> list[Limit]:
        """The limits this run goes beyond."""
        return [limit for limit in LIMITS if getattr(self, limit.figure) > limit.most]


@dataclass(frozen=True)
class _Replication:
    incidents: float
    people: float
    trips: float
    cell_steps: float
    cells: int
    readings: float

    @property
    def events(self) -> float:
        return self.trips * EVENTS_PER_TRIP + self.incidents * EVENTS_PER_INCIDENT

    @property
    def seconds(self) -> float:
        return (
            self.events * SECONDS_PER_EVENT
            + self.cell_steps * SECONDS_PER_CELL_STEP
            + self.readings * SECONDS_PER_READING
        )

    @property
    def bytes(self) -> float:
        return (
            self.events * BYTES_PER_EVENT
            + self.cells * BYTES_PER_CELL
            + self.readings * BYTES_PER_READING
        )


def _one_replication(s: Scenario) -> _Replication:
    days = s.duration_min / 1440
    generated = sum(g.per_day * days for g in s.generators)
    people = float(sum(i.people for i in s.injects if isinstance(i, IncidentInject)))
    people += sum(g.per_day * days * g.people.mean for g in s.generators)
    people += sum(p.population * p.flood.stranded_share for p in s.places if p.flood)
    cells, cell_steps = 0, 0.0
    if s.wildfire is not None:
        fire = s.wildfire
        rows, cols = grid_shape(fire.bounds, fire.cell_km)
        cells = rows * cols
        cell_steps = cells * s.duration_min / fire.step
        people += sum(p.population * fire.village_share for p in s.places)
        if fire.random_ignitions is not None:
            generated += fire.random_ignitions.per_day * days
    capacity = max(t.capacity for t in s.unit_types)
    incidents = len(s.injects) + generated + len(s.places)
    readings = len(s.gauges) * (s.duration_min / GAUGE_STEP_MIN + 1)
    trips = math.ceil(people / capacity)
    return _Replication(incidents, people, trips, cell_steps, cells, readings)


def estimate(variants: Sequence[Scenario], replications: int) -> Estimate:
    """The cost of ``replications`` replications of each of ``variants``."""
    each = [_one_replication(s) for s in variants]
    runs = replications * len(variants)
    memory = max(r.bytes for r in each) + runs * BYTES_PER_REPLICATION
    return Estimate(
        runs=runs,
        incidents=max(r.incidents for r in each),
        people=max(r.people for r in each),
        trips=max(r.trips for r in each),
        cell_steps=max(r.cell_steps for r in each),
        readings=max(r.readings for r in each),
        memory_gib=memory / 2**30,
        hours=replications * sum(r.seconds for r in each) / 3600,
    )


class BudgetError(ScenarioError):
    """A run that would exhaust memory or not end in reasonable time; nothing was run."""


def check_budget(
    variants: Sequence[Scenario],
    replications: int,
    *,
    file: str | Path,
    allow_large: bool = False,
) -> Estimate:
    """Estimate a run and refuse it when it goes beyond a soft limit (unless allowed).

    Raises:
        BudgetError: a figure of the estimate is over its limit and ``allow_large`` is false.
    """
    found = estimate(variants, replications)
    over = found.over()
    if over and not allow_large:
        raise BudgetError(file, [_problem(found, limit) for limit in over])
    return found


def budget_warnings(scenario: Scenario) -> list[Problem]:
    """The limits a run of the scenario's own ``[run]`` settings would go beyond."""
    found = estimate([scenario], scenario.run.replications)
    return [_problem(found, limit) for limit in found.over()]


def _problem(found: Estimate, limit: Limit) -> Problem:
    return Problem(
        limit.path,
        f"the run would need about {_number(getattr(found, limit.figure))} {limit.unit}, "
        f"more than the limit of {_number(limit.most)} (it would exhaust memory or not "
        "end in reasonable time)",
        f"{limit.fix}; or pass --allow-large if you mean it",
    )


def _number(value: float) -> str:
    return f"{value:,.1f}" if value < 100 and value != int(value) else f"{value:,.0f}"

"""A run's budget: its work and memory estimated from the scenario, checked before it starts.

The estimate counts what makes a run long or large: replications (times variants), the
incidents of one replication, the trips needed to carry everyone (people over the largest
unit capacity), the messages resent on lossy channels, the units (each weighed against
every incident, and drawn in the report), the hazard's steps (gauge readings, and fire
grid cells times spread steps) and the memory these take. Each figure has a soft limit,
above which a run would exhaust memory or take days; ``allow_large`` (the command line's
``--allow-large``) goes beyond it. A refusal names the part of the scenario that makes
most of the work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.log import GAUGE_STEP_MIN
from sim.scenario.coordination import Channel
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.schema import IncidentInject, Scenario
from sim.scenario.wildfire import grid_shape

SECONDS_PER_EVENT = 15e-6
SECONDS_PER_CELL_STEP = 30e-9
SECONDS_PER_READING = 50e-9
SECONDS_PER_UNIT_INCIDENT = 3e-6
SECONDS_PER_UNIT_REPORTED = 0.03
"""Computing cost of a simulated event, a fire cell's step, a gauge reading, a unit weighed
for an incident, and a unit drawn in the run's report (once a run); measured on the shipped
scenarios, the benchmark family and crowds of units, rounded up."""

BYTES_PER_EVENT = 600
BYTES_PER_CELL = 160
BYTES_PER_READING = 32
BYTES_PER_REPLICATION = 4096
BYTES_PER_UNIT = 400_000
"""Memory of a logged event, a fire grid cell, a gauge reading, one replication's key
figures kept for the report, and a unit in the report's figures."""

EVENTS_PER_TRIP, EVENTS_PER_INCIDENT, MESSAGES_PER_INCIDENT = 6, 40, 2
"""A lost message makes one logged event each time it is resent."""


@dataclass(frozen=True)
class Cause:
    """The part of a scenario (a field path) that makes some work, and how to make less."""

    path: str
    fix: str


@dataclass(frozen=True)
class Limit:
    """A soft limit on one figure of the estimate, and how to bring the figure down.

    ``path`` and ``fix`` are used when the estimate names no cause of its own for the figure.
    """

    figure: str
    most: float
    unit: str
    path: str
    fix: str
    short: str = ""
    """The unit after the limit's number (``unit`` when empty)."""


LIMITS = (
    Limit("runs", 100_000, "replications", "run.replications", "use fewer replications (-n)"),
    Limit(
        "incidents",
        100_000,
        "incidents a replication",
        "generators",
        "lower the generators' per_day or shorten scenario.duration",
        "incidents",
    ),
    Limit(
        "trips",
        1_000_000,
        "trips a replication to carry everyone",
        "injects",
        "give fewer people, or unit types a larger capacity",
        "trips",
    ),
    Limit(
        "resends",
        1_000_000,
        "lost messages resent a replication",
        "coordination.channels.default.reliability",
        "raise the channel's reliability or lengthen its resend_after",
        "resent messages",
    ),
    Limit(
        "cell_steps",
        1e9,
        "fire cell-steps a replication",
        "wildfire",
        "use larger wildfire.cell_km, a longer wildfire.step or smaller bounds",
        "cell-steps",
    ),
    Limit(
        "memory_gib",
        2.0,
        "GiB of memory",
        "run",
        "use fewer replications (-n), fewer people, a smaller fire grid or a shorter "
        "scenario.duration",
        "GiB",
    ),
    Limit(
        "hours",
        24.0,
        "hours of computing on one core",
        "run",
        "use fewer replications (-n) or variants, fewer people or a shorter scenario.duration",
        "hours",
    ),
)


@dataclass(frozen=True)
class Estimate:
    """What a run will cost, roughly: the figures the limits apply to."""

    runs: int
    incidents: float
    people: float
    trips: float
    resends: float
    units: int
    cell_steps: float
    readings: float
    memory_gib: float
    hours: float
    causes: dict[str, Cause] = field(default_factory=dict)
    """Figure -> the part of the scenario that makes most of it."""

    def over(self) -> list[Limit]:
        """The limits this run goes beyond."""
        return [limit for limit in LIMITS if getattr(self, limit.figure) > limit.most]


GAUGES = Cause("gauges", "use fewer gauges or a shorter scenario.duration")
UNITS = Cause("units", "use fewer units (a smaller count) or fewer incidents")
FIRE = Cause("wildfire", "use larger wildfire.cell_km, a longer wildfire.step or smaller bounds")


@dataclass(frozen=True)
class _Replication:
    incidents: float
    people: float
    trips: float
    resends: float
    units: int
    cell_steps: float
    cells: int
    readings: float
    causes: dict[str, Cause]

    @property
    def events(self) -> float:
        return self.trips * EVENTS_PER_TRIP + self.incidents * EVENTS_PER_INCIDENT + self.resends

    def seconds_by_cause(self) -> list[tuple[float, Cause]]:
        """Computing seconds of one replication, by what makes them."""
        c = self.causes
        return [
            (self.incidents * EVENTS_PER_INCIDENT * SECONDS_PER_EVENT, c["incidents"]),
            (self.trips * EVENTS_PER_TRIP * SECONDS_PER_EVENT, c["trips"]),
            (self.resends * SECONDS_PER_EVENT, c["resends"]),
            (self.units * self.incidents * SECONDS_PER_UNIT_INCIDENT, UNITS),
            (self.cell_steps * SECONDS_PER_CELL_STEP, FIRE),
            (self.readings * SECONDS_PER_READING, GAUGES),
        ]

    def bytes_by_cause(self) -> list[tuple[float, Cause]]:
        """Memory of one replication's log and of the report, by what makes it."""
        c = self.causes
        return [
            (self.incidents * EVENTS_PER_INCIDENT * BYTES_PER_EVENT, c["incidents"]),
            (self.trips * EVENTS_PER_TRIP * BYTES_PER_EVENT, c["trips"]),
            (self.resends * BYTES_PER_EVENT, c["resends"]),
            (self.units * BYTES_PER_UNIT, UNITS),
            (self.cells * BYTES_PER_CELL, FIRE),
            (self.readings * BYTES_PER_READING, GAUGES),
        ]

    @property
    def seconds(self) -> float:
        return sum(s for s, _ in self.seconds_by_cause())

    @property
    def bytes(self) -> float:
        return sum(b for b, _ in self.bytes_by_cause())


def _largest(parts: dict[Cause, float]) -> Cause:
    return max(parts, key=lambda cause: parts[cause])


def _channels(s: Scenario) -> list[tuple[str, Channel]]:
    channels = s.coordination.channels
    found: list[tuple[str, Channel]] = [("coordination.channels.default", channels.default)]
    if channels.enabled:
        found += [(f"coordination.channels.links[{i}]", c) for i, c in enumerate(channels.links)]
    return found


def _lost_sends(channel: Channel, duration_min: float) -> float:
    """How often a message on the channel is lost and resent: 1/reliability − 1 on average,
    for ever when nothing gets through, but no more often than the run leaves time for."""
    most = duration_min / (channel.latency.least + channel.resend_after)
    if channel.reliability <= 0:
        return most
    return min((1 - channel.reliability) / channel.reliability, most)


def _resends(s: Scenario, messages: float) -> tuple[float, Cause]:
    lost, path = max((_lost_sends(c, s.duration_min), path) for path, c in _channels(s))
    cause = Cause(
        f"{path}.reliability",
        f"raise {path}.reliability or lengthen {path}.resend_after (a lost message is "
        "resent every resend_after until it arrives or the run ends)",
    )
    return messages * lost, cause


def _one_replication(s: Scenario) -> _Replication:
    days = s.duration_min / 1440
    by_generators = sum(g.per_day * days for g in s.generators)
    incidents = {
        Cause("injects", "give fewer incident injects"): float(len(s.injects)),
        Cause(
            "generators", "lower the generators' per_day or shorten scenario.duration"
        ): by_generators,
    }
    people = {
        Cause("injects", "give fewer people in the injects, or unit types a larger capacity"): (
            float(sum(i.people for i in s.injects if isinstance(i, IncidentInject)))
        ),
        Cause(
            "generators",
            "give the generators fewer people or a lower per_day, or unit types a larger capacity",
        ): sum(g.per_day * days * g.people.mean for g in s.generators),
        Cause(
            "places",
            "lower the flooded places' population or stranded_share, or give unit types a "
            "larger capacity",
        ): sum(p.population * p.flood.stranded_share for p in s.places if p.flood),
    }
    hit = sum(1 for p in s.places if p.flood)
    cells, cell_steps = 0, 0.0
    if s.wildfire is not None:
        fire = s.wildfire
        rows, cols = grid_shape(fire.bounds, fire.cell_km)
        cells = rows * cols
        cell_steps = cells * s.duration_min / fire.step
        hit = sum(1 for p in s.places if p.flood or p.population)
        people[
            Cause(
                "wildfire.village_share",
                "lower wildfire.village_share or give unit types a larger capacity",
            )
        ] = sum(p.population * fire.village_share for p in s.places)
        incidents[Cause("wildfire.ignitions", "list fewer wildfire.ignitions")] = float(
            len(fire.ignitions)
        )
        if fire.random_ignitions is not None:
            random = Cause(
                "wildfire.random_ignitions.per_day",
                "lower wildfire.random_ignitions.per_day or shorten scenario.duration",
            )
            incidents[random] = fire.random_ignitions.per_day * days
    incidents[Cause("places", "give fewer places a flood or population")] = float(hit)
    capacity = max(t.capacity for t in s.unit_types)
    total = sum(incidents.values())
    resends, channel = _resends(s, total * MESSAGES_PER_INCIDENT)
    causes = {"incidents": _largest(incidents), "trips": _largest(people), "resends": channel}
    return _Replication(
        incidents=total,
        people=sum(people.values()),
        trips=math.ceil(sum(people.values()) / capacity),
        resends=resends,
        units=sum(g.count for g in s.units),
        cell_steps=cell_steps,
        cells=cells,
        readings=len(s.gauges) * (s.duration_min / GAUGE_STEP_MIN + 1),
        causes=causes,
    )


def estimate(variants: Sequence[Scenario], replications: int) -> Estimate:
    """The cost of ``replications`` replications of each of ``variants``."""
    each = [_one_replication(s) for s in variants]
    runs = replications * len(variants)
    largest = max(each, key=lambda r: r.bytes)
    memory = largest.bytes + runs * BYTES_PER_REPLICATION
    units = max(r.units for r in each)
    seconds: dict[Cause, float] = {UNITS: units * SECONDS_PER_UNIT_REPORTED}
    for r in each:
        for part, cause in r.seconds_by_cause():
            seconds[cause] = seconds.get(cause, 0.0) + replications * part
    causes = {
        figure: max(each, key=lambda r: getattr(r, figure)).causes[figure]
        for figure in ("incidents", "trips", "resends")
    }
    kept = (runs * BYTES_PER_REPLICATION, Cause("run.replications", "use fewer replications (-n)"))
    causes["memory_gib"] = max([*largest.bytes_by_cause(), kept], key=lambda p: p[0])[1]
    causes["hours"] = _largest(seconds)
    return Estimate(
        runs=runs,
        incidents=max(r.incidents for r in each),
        people=max(r.people for r in each),
        trips=max(r.trips for r in each),
        resends=max(r.resends for r in each),
        units=units,
        cell_steps=max(r.cell_steps for r in each),
        readings=max(r.readings for r in each),
        memory_gib=memory / 2**30,
        hours=sum(seconds.values()) / 3600,
        causes=causes,
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
    cause = found.causes.get(limit.figure, Cause(limit.path, limit.fix))
    fix = cause.fix
    if limit.figure == "hours" and cause.path != limit.path:
        fix += ", or use fewer replications (-n)"
    return Problem(
        cause.path,
        f"the run would need about {_number(getattr(found, limit.figure))} {limit.unit}, "
        f"more than the limit of {_number(limit.most)} {limit.short or limit.unit} (it would "
        "exhaust memory or not end in reasonable time)",
        f"{fix}; or pass --allow-large if you mean it",
    )


def _number(value: float) -> str:
    return f"{value:,.1f}" if value < 100 and value != int(value) else f"{value:,.0f}"

"""Incidents: when they occur, and their path from occurrence to the EOC's desk."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, NamedTuple

from sim import log
from sim.model.entities import Incident
from sim.model.random import RandomStream
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.model.simulation import Simulation


class PlannedIncident(NamedTuple):
    """An incident known before the run starts: scripted, or drawn from a generator."""

    at_min: float
    place: str
    need: str
    people: int
    priority: int | None
    source: str


def plan_background_incidents(scenario: Scenario, stream: RandomStream) -> list[PlannedIncident]:
    """Draw every generator's Poisson incidents for the whole run, in time order.

    Drawn before the run from the hazard stream alone, so every variant of a scenario
    faces the same incidents.
    """
    planned: list[PlannedIncident] = []
    population = {p.id: p.population for p in scenario.places}
    for index, gen in enumerate(scenario.generators):
        start = scenario.offset_min(gen.start)
        end = scenario.duration_min if gen.end is None else scenario.offset_min(gen.end)
        weights = [population[p] for p in gen.places]
        if sum(weights) == 0:
            weights = [1] * len(gen.places)
        cumulative = list(itertools.accumulate(weights))
        mean_gap = 1440.0 / gen.per_day
        t = start + mean_gap * stream.exponential()
        while t < end:
            place = gen.places[bisect.bisect_right(cumulative, stream.uniform() * cumulative[-1])]
            people = max(1, round(gen.people.draw(stream)))
            planned.append(PlannedIncident(t, place, gen.need, people, None, f"generator {index}"))
            t += mean_gap * stream.exponential()
    return sorted(planned)


def incident_life(sim: Simulation, incident: Incident) -> Generator[Any, Any, None]:
    """From occurrence to the responsible EOC: detection, then the report."""
    env, record = sim.env, sim.record
    record((env.now, log.OCCURRED, incident.id, "", incident.place.id))
    yield env.timeout(incident.need.detection.draw(sim.random["detection"]))
    record((env.now, log.DETECTED, incident.id, "", ""))
    nation = sim.nations[incident.place.nation]
    yield env.timeout(nation.report_delay.draw(sim.random["comms"]))
    eoc = sim.responsible_eoc(incident.place.id)
    incident.reported_at = env.now
    record((env.now, log.REPORTED, incident.id, "", eoc.id))
    eoc.receive(incident)

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
    from sim.model.dispatch import Eoc
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
    """From occurrence to the responsible EOC: detection, then the report.

    With information sharing, an incident near another nation's border post is also
    watched by that nation's border units; whichever report reaches the EOC first counts.
    """
    env, record = sim.env, sim.record
    record((env.now, log.OCCURRED, incident.id, "", incident.place.id))
    place = incident.place
    own_detected = incident.need.detection.draw(sim.random.of("detection", incident.key))
    own_reported = own_detected + sim.nations[place.nation].report_delay.draw(
        sim.random.of("reporting", incident.key)
    )
    eoc = sim.responsible_eoc(place.id)
    watcher = sim.border_watcher(place.id)
    if watcher is None:
        yield env.timeout(own_detected)
        record((env.now, log.DETECTED, incident.id, "", place.nation))
        yield env.timeout(own_reported - own_detected)
    else:
        sharing = sim.scenario.coordination.information_sharing
        stream = sim.random.of("sharing", incident.key)
        seen = sharing.border_detection.draw(stream)
        relayed = seen + sim.nations[watcher].report_delay.draw(stream)
        own_path = env.timeout(own_reported)
        relay = env.process(relay_report(sim, watcher, eoc, incident, relayed))
        yield env.timeout(min(own_detected, seen))
        record(
            (
                env.now,
                log.DETECTED,
                incident.id,
                "",
                place.nation if own_detected <= seen else watcher,
            )
        )
        yield own_path | relay
    incident.reported_at = env.now
    record((env.now, log.REPORTED, incident.id, "", eoc.id))
    eoc.receive(incident)


def relay_report(
    sim: Simulation, watcher: str, eoc: Eoc, incident: Incident, reported_after: float
) -> Generator[Any, Any, None]:
    """The other side's border units report to their EOC, which passes it across."""
    yield sim.env.timeout(reported_after)
    if incident.reported_at == float("inf"):
        yield from sim.comms.send(watcher, incident.place.nation, eoc, "report", incident)

"""The flood hazard in a run: gauge readings strand people, close roads and raise warnings."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim import log
from sim.model.injects import pass_warning
from sim.world.hydrology import crossings, gauge_levels

if TYPE_CHECKING:
    from sim.model.simulation import Simulation


def flood_events(sim: Simulation) -> list[tuple[float, str, str, bool]]:
    """Every flood event of the run, in time order: (time, kind, subject, rising).

    Kinds: ``place`` (the first time the water reaches a place), ``road`` (closed while
    the water is up, reopened when it falls) and ``alarm`` (a gauge's first alarm reading).
    """
    scenario = sim.scenario
    levels = gauge_levels(scenario, sim.random["flood"])
    sim.log.gauges = {gauge: series.round(3).tolist() for gauge, series in levels.items()}
    events: list[tuple[float, str, str, bool]] = []
    for place in scenario.places:
        if place.flood is not None:
            rising = [t for t, up in crossings(levels[place.flood.gauge], place.flood.level) if up]
            events += [(rising[0], "place", place.id, True)] if rising else []
    for road in scenario.roads:
        if road.flood is not None:
            events += [
                (t, "road", road.key, up)
                for t, up in crossings(levels[road.flood.gauge], road.flood.level)
            ]
    for gauge in scenario.gauges:
        if gauge.alarm is not None:
            rising = [t for t, up in crossings(levels[gauge.id], gauge.alarm) if up]
            events += [(rising[0], "alarm", gauge.id, True)] if rising else []
    return sorted(events, key=lambda e: e[:3])  # stable: a rise stays ahead of its fall


def run_flood(sim: Simulation) -> Generator[Any, Any, None]:
    """Apply the flood's events at their times (a SimPy process)."""
    env = sim.env
    places = sim.geography.places
    gauges = {g.id: g for g in sim.scenario.gauges}
    for at, kind, subject, rising in flood_events(sim):
        if at >= sim.scenario.duration_min:
            break
        if at > env.now:
            yield env.timeout(at - env.now)
        if kind == "road":
            (sim.hold_closed if rising else sim.release)(subject, "flood")
        elif kind == "place":
            place = places[subject]
            assert place.flood is not None
            sim.record((env.now, log.FLOODED, -1, "", subject))
            people = round(place.population * place.flood.stranded_share)
            if people:
                sim.raise_incident(
                    subject,
                    place.flood.need,
                    people,
                    place.flood.priority,
                    f"flood at {place.flood.gauge}",
                )
        else:
            gauge = gauges[subject]
            sim.record((env.now, log.GAUGE_ALARM, -1, "", subject))
            observer = places[gauge.place].nation
            by_nation: dict[str, list[str]] = {}
            for place_id in gauge.warns:
                by_nation.setdefault(places[place_id].nation, []).append(place_id)
            for nation, warned in by_nation.items():
                env.process(pass_warning(sim, observer, nation, warned))

"""Planning estimates: when a unit would be on scene and able to work, counting everything
known now.

Estimates use mean durations (processing at crossings, mobilisation of a crew not called)
and what is known at the moment they are made: where the unit is or is heading, how long
a crew called at base for an incident takes to mobilise for it (``Simulation.readiness``),
breakdowns, the roads and crossings open now, crossing
hours, daylight for ``day_only`` aircraft and groundings. They are computed
afresh whenever dispatch looks again, so they never go stale.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.entities import Incident, Unit, UnitState
from sim.scenario.schema import UnitType
from sim.world.geography import CrossingLeg

if TYPE_CHECKING:
    from sim.model.simulation import Simulation


def departure(
    sim: Simulation,
    unit: Unit,
    *,
    diverted: bool = False,
    task: Incident | None = None,
    least: bool = False,
) -> tuple[str, float]:
    """Where and when the unit could set off on a new task (before its own travel rules);
    a unit processed at a border for its task sets off from the far post once cleared,
    unless ``diverted`` to another task (it turns back). A unit at base mobilises first:
    for ``task`` (else its own task) as its crew, called, says; for no task, on average;
    ``least``: as quickly as its type allows (a bound from below, whatever the crew)."""
    if unit.clearing is not None and not diverted:
        origin, cleared_at = unit.clearing
        t = max(sim.env.now, cleared_at)
    elif unit.heading is not None:
        origin, t = unit.heading, max(sim.env.now, unit.heading_at)
    else:
        origin, t = unit.location, sim.env.now
    t = max(t, unit.down_until)
    if unit.standing_by and unit.state is UnitState.IDLE:  # mobilises once repaired
        task = task or unit.task
        if least:
            t += unit.type.mobilisation.least
        else:
            t += unit.type.mobilisation.mean if task is None else sim.readiness(unit, task)
    return origin, t


def arrival(
    sim: Simulation, unit: Unit, incident: Incident, *, diverted: bool = False
) -> float | None:
    """When ``unit`` would reach ``incident`` if sent now (None if it cannot get there);
    ``diverted``: from another task it is on (``departure``)."""
    origin, t = departure(sim, unit, diverted=diverted, task=incident)
    return travel_end(sim, unit, origin, incident.place.id, t)


def travel_end(sim: Simulation, unit: Unit, origin: str, place: str, t: float) -> float | None:
    """When ``unit`` setting off from ``origin`` at ``t`` would reach ``place``."""
    if unit.type.mode == "air":
        flight = sim.geography.distance_km(origin, place) / unit.type.speed_kmh * 60
        landed = sim.flyable_from(unit, t, flight, origin, place) + flight
        return sim.flyable_from(unit, landed, unit.type.trip.mean, place)  # work can start
    route = sim.route(unit, origin, place)
    if route is None:
        return None
    if not route.crosses:
        return t + route.estimate_min
    for leg in route.legs:
        if isinstance(leg, CrossingLeg):
            crossing = sim.crossings[leg.crossing]
            t = sim.clock.next_open(t, crossing.window) + crossing.processing.mean
        else:
            t += leg.minutes
    return t


def earliest_arrival(sim: Simulation, unit: Unit, origin: str, t: float, place: str) -> float:
    """A bound from below on ``travel_end``, cheap to compute: the straight line (for road
    and boat units at the shortest a road can be for it, and the fastest the unit can drive
    any road), and for ``day_only`` aircraft a trip fitting in daylight once landed; no
    other wait counted."""
    km = sim.geography.distance_km(origin, place)
    if unit.type.mode == "air":
        return work_can_start_at_least(sim, unit.type, t + km / unit.type.speed_kmh * 60)
    network = sim.geography.network
    return t + km * network.least_detour / min(unit.type.speed_kmh, network.top_speed_kmh) * 60


def work_can_start_at_least(sim: Simulation, unit_type: UnitType, landed: float) -> float:
    """A bound from below on when a unit of this type that reaches a place no earlier than
    ``landed`` can start work there: for ``day_only`` aircraft, once a trip fits in daylight
    (``Clock.daylight_for`` never gets earlier as its start does); else ``landed``."""
    if unit_type.mode == "air" and unit_type.day_only:
        return sim.clock.daylight_for(landed, unit_type.trip.mean)
    return landed


def minutes_per_km_at_least(sim: Simulation, unit_type: UnitType) -> float:
    """The fewest minutes a unit of this type takes for a straight-line km (the rate of
    ``earliest_arrival``)."""
    if unit_type.mode == "air":
        return 60 / unit_type.speed_kmh
    network = sim.geography.network
    return network.least_detour / min(unit_type.speed_kmh, network.top_speed_kmh) * 60


def on_scene_estimate(sim: Simulation, unit: Unit) -> float:
    """When a tasked unit is expected on scene now (its arrival if there already)."""
    incident = unit.task
    assert incident is not None
    if unit.state is UnitState.ON_SCENE:
        return unit.planned_at
    eta = arrival(sim, unit, incident)
    return math.inf if eta is None else eta


def busy_until(sim: Simulation, unit: Unit) -> tuple[str, float] | None:
    """Where and when a busy unit is expected to be free again (None if never)."""
    incident = unit.task
    assert incident is not None
    there = on_scene_estimate(sim, unit)
    if there == math.inf:
        return None
    rounds = math.ceil(incident.remaining / max(1, incident.assigned_capacity))
    return incident.place.id, max(there, sim.env.now) + rounds * unit.type.trip.mean


def could_arrive(
    sim: Simulation, unit: Unit, incident: Incident, leave_at: float = 0.0, *, called: bool = False
) -> float | None:
    """When a unit, free, busy or down, could be on scene at ``incident`` if it set off
    once free, and no earlier than ``leave_at``; ``called``: its crew, if at base, is
    called for it (``departure``)."""
    if unit.task is None:
        origin, t = departure(sim, unit, task=incident if called else None)
    else:
        free = busy_until(sim, unit)
        if free is None:
            return None
        origin, t = free[0], max(free[1], unit.down_until)
    return travel_end(sim, unit, origin, incident.place.id, max(t, leave_at))

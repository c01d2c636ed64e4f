"""What a unit does: wait for a task, mobilise, travel, work on scene in trips, return."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim import log
from sim.log import JOINT
from sim.model.crossings import StandDown
from sim.model.entities import Incident, Unit, UnitState

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

NO_ROUTE_RETRY_MIN = log.NO_ROUTE_RETRY_MIN
"""How often a unit with no open road to its destination looks again."""

Process = Generator[Any, Any, None]


def unit_life(sim: Simulation, unit: Unit) -> Process:
    """The whole life of a unit: serve tasks one after another, returning to base between.

    A unit with no open way home stays where it is, ready to be tasked from there.
    """
    env = sim.env
    while True:
        if unit.task is None:
            unit.wake = env.event()
            yield unit.wake
            unit.wake = None
        incident = unit.task
        assert incident is not None
        yield from serve(sim, unit, incident)
        unit.task = None
        sim.unit_available(unit)
        if unit.task is not None or unit.location == unit.base:
            continue
        way_home = sim.travel_estimate(unit, unit.location, unit.base)
        if way_home is None:
            continue
        unit.state, unit.free_at = UnitState.RETURNING, env.now + way_home
        yield from travel(sim, unit, unit.base, -1)
        unit.state = UnitState.IDLE
        sim.record((env.now, log.RETURNED, -1, unit.id, unit.base))
        if unit.task is None:
            sim.unit_available(unit)


def serve(sim: Simulation, unit: Unit, incident: Incident) -> Process:
    """Answer one incident: mobilise, travel, integrate if foreign, then carry people in trips."""
    env, record = sim.env, sim.record
    record((env.now, log.DISPATCHED, incident.id, unit.id, ""))
    if unit.mobilise:
        yield env.timeout(unit.type.mobilisation.draw(sim.random["readiness"]))
    record((env.now, log.MOBILISED, incident.id, unit.id, ""))
    arrived = yield from travel(
        sim, unit, incident.place.id, incident.id, lambda: incident.remaining <= 0
    )
    if not arrived:
        incident.remove_unit(unit)
        record((env.now, log.STOOD_DOWN, incident.id, unit.id, unit.location))
        return
    record((env.now, log.ON_SCENE, incident.id, unit.id, ""))
    if incident.remaining > 0 and unit.nation not in (incident.place.nation, JOINT):
        training = sim.scenario.coordination.joint_training
        delay = training.trained_integration if training.enabled else training.untrained_integration
        yield env.timeout(delay.draw(sim.random["integration"]))
        record((env.now, log.INTEGRATED, incident.id, unit.id, ""))
    if incident.need.work == "suppress" and sim.fire is not None and sim.fire.tracks(incident):
        yield from sim.fire.fight(unit, incident)
    trip = unit.type.trip
    while incident.remaining > 0:
        yield from wait_until_usable(sim, unit, incident.id)
        if incident.remaining <= 0:
            break
        load = min(unit.type.capacity, incident.remaining)
        incident.remaining -= load
        yield env.timeout(trip.draw(sim.random["work"]))
        incident.delivered += load
        record((env.now, log.TRIP, incident.id, unit.id, str(load)))
        if incident.resolved:
            record((env.now, log.RESOLVED, incident.id, "", ""))
    incident.remove_unit(unit)
    record((env.now, log.RELEASED, incident.id, unit.id, ""))


def travel(
    sim: Simulation, unit: Unit, destination: str, incident_id: int, stand_down: StandDown = None
) -> Generator[Any, Any, bool]:
    """Go from the unit's location to ``destination``: fly straight, or drive the open route.

    A road unit that finds a border crossing closed turns to another open way if there is
    one, else waits at the crossing; with no open way at all it looks again every 30 min.
    At each border post on the way it hears whether it is still needed (``stand_down``);
    if not, it stops there and the trip returns False.
    """
    env, geography = sim.env, sim.geography
    yield from wait_until_usable(sim, unit, incident_id)
    speed = unit.type.speed_kmh
    if unit.type.mode == "air":
        if stand_down is not None and stand_down():
            return False  # no longer needed: it does not take off
        yield env.timeout(geography.distance_km(unit.location, destination) / speed * 60)
        unit.location = destination
        return True
    while unit.location != destination:
        route = geography.route(unit.location, destination, speed)
        if route is None:
            sim.record((env.now, log.NO_ROUTE, incident_id, unit.id, destination))
            yield env.timeout(NO_ROUTE_RETRY_MIN)
            continue
        for leg in route.legs:
            if isinstance(leg, float):
                yield env.timeout(leg)
                continue
            unit.location = leg.entry
            if stand_down is not None and stand_down():
                return False
            crossing = sim.crossings[leg.crossing]
            if crossing.closed and geography.route(leg.entry, destination, speed) is not None:
                break  # turn away from the closed crossing
            if not (yield from crossing.pass_through(unit.id, incident_id, stand_down)):
                return False
            unit.location = leg.exit
        else:
            unit.location = destination
    return True


def wait_until_usable(sim: Simulation, unit: Unit, incident_id: int = -1) -> Process:
    """Wait out a breakdown, and for aircraft, the night and groundings (each wait logged)."""
    env = sim.env
    while True:
        ready_at = max(env.now, unit.down_until)
        if unit.type.mode == "air":
            ready_at = sim.flyable_from(unit, ready_at)
        if ready_at <= env.now:
            return
        if unit.down_until > env.now:
            cause = "repair"
        elif sim.grounded_until.get(unit.nation, 0.0) > env.now:
            cause = "grounding"
        else:
            cause = "daylight"
        wait = ready_at - env.now
        sim.record((env.now, log.WAITED, incident_id, unit.id, f"{cause} {wait:.2f}"))
        yield env.timeout(wait)

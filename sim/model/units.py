"""What a unit does: wait for a task, mobilise, travel leg by leg, work on scene, return.

A unit follows its task as it stands at each place it reaches, so a new task, a recall or
a road closing ahead takes effect at once: it drives its route one road at a time and looks
again at every place; a road that closes under it turns it back to where it came from. A
breakdown stops it where it is until it is repaired. Aircraft fly only when not grounded
(where they are, or in their own nation), and ``day_only`` aircraft only when the flight
or the trip can end before sunset.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim import log
from sim.log import JOINT
from sim.model.entities import Incident, Unit, UnitState
from sim.model.estimates import on_scene_estimate
from sim.world.geography import CrossingLeg

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

NO_ROUTE_RETRY_MIN = 30.0
"""How often a unit with no open road to its destination looks again."""

SLIP_MIN = 1.0
"""A planned arrival later by more than this makes the EOC look again."""

Process = Generator[Any, Any, None]


def unit_life(sim: Simulation, unit: Unit) -> Process:
    """The whole life of a unit: serve tasks one after another, returning to base between.

    A unit with no open way home stays where it is, ready to be tasked from there.
    """
    while True:
        sim.renew_signal(unit)  # it looks at its task now: what signalled it is heard
        incident = unit.task
        if incident is None:
            yield from go_home(sim, unit)
        elif unit.standing_by:
            yield from mobilise(sim, unit, incident)
        elif unit.location != incident.place.id:
            if unit.state is not UnitState.TRAVELLING:
                unit.state = UnitState.TRAVELLING
                sim.planner.moved(unit)
            yield from step(sim, unit, incident.place.id, incident)
            if unit.task is incident:
                replanned(sim, unit, incident)
        else:
            yield from work(sim, unit, incident)


def go_home(sim: Simulation, unit: Unit) -> Process:
    """Without a task: head home a leg at a time, or wait to be tasked."""
    if sim.planner.settled is not None:  # its EOC is about to look again: hear it first
        yield sim.planner.settled
        return
    home = unit.location == unit.base
    if home or sim.travel_estimate(unit, unit.location, unit.base) is None:
        unit.state = UnitState.IDLE
        unit.standing_by = home
        sim.planner.regroup(unit)
        yield unit.signal if home else unit.signal | sim.way_reopened
        sim.renew_signal(unit)
        return
    unit.state = UnitState.RETURNING
    sim.planner.regroup(unit)
    yield from step(sim, unit, unit.base, None)
    if unit.location == unit.base and unit.task is None:
        unit.state, unit.standing_by = UnitState.IDLE, True
        sim.record((sim.env.now, log.RETURNED, -1, unit.id, unit.base))
        sim.planner.unit_free(unit)


def mobilise(sim: Simulation, unit: Unit, incident: Incident) -> Process:
    """Get ready at base; the task may have changed meanwhile."""
    unit.state, unit.standing_by = UnitState.MOBILISING, False
    minutes = sim.readiness(unit, incident)
    unit.heading, unit.heading_at = unit.location, sim.env.now + minutes
    sim.planner.stirred(unit)
    if unit.task is incident:  # as counted when it was sent; else a slip
        replanned(sim, unit, incident)
    yield from hold(sim, unit, minutes)
    unit.heading = None
    unit.state = UnitState.TRAVELLING
    if unit.task is not None:
        sim.record((sim.env.now, log.MOBILISED, unit.task.id, unit.id, ""))
        sim.planner.moved(unit)
    else:
        unit.state, unit.standing_by = UnitState.IDLE, unit.location == unit.base
        sim.planner.regroup(unit)


def step(sim: Simulation, unit: Unit, destination: str, incident: Incident | None) -> Process:
    """One leg towards ``destination``: a flight, a road, or a border crossing."""
    env = sim.env
    incident_id = -1 if incident is None else incident.id
    if unit.type.mode == "air":
        minutes = sim.geography.distance_km(unit.location, destination) / unit.type.speed_kmh * 60
        ready = sim.flyable_from(unit, env.now, minutes, unit.location, destination)
        if ready > env.now:
            log_wait(sim, unit, incident_id, ready, destination)
            if incident is not None:
                unit.takes_off_at = ready
                replanned(sim, unit, incident)  # a wait to take off is a slip like any other
            yield env.timeout(ready - env.now) | unit.signal
            sim.renew_signal(unit)
            if unit.takes_off_at > -math.inf:
                unit.takes_off_at = -math.inf
                sim.planner.moved(unit)
            return
        if not still_wanted(unit, incident):
            return
        yield from drive(sim, unit, destination, minutes, None)
        return
    route = sim.route(unit, unit.location, destination)
    if route is None:
        if not unit.blocked:
            unit.blocked = True
            sim.record((env.now, log.NO_ROUTE, incident_id, unit.id, destination))
        yield env.timeout(NO_ROUTE_RETRY_MIN) | unit.signal | sim.way_reopened
        sim.renew_signal(unit)
        return
    unit.blocked = False
    leg = route.legs[0]
    if isinstance(leg, CrossingLeg):
        unit.state = UnitState.AT_BORDER
        sim.planner.moved(unit)
        subject = "home" if incident is None else incident.key
        crossed = yield from sim.crossings[leg.crossing].pass_through(
            unit, incident_id, subject, lambda: still_wanted(unit, incident)
        )
        if crossed:
            unit.location = leg.exit
            if incident is None:  # through maybe sooner than planned with: its EOCs look again
                sim.planner.unit_free(unit)
            else:
                sim.planner.regroup(unit)
        unit.state = UnitState.TRAVELLING if incident is not None else UnitState.RETURNING
        sim.planner.moved(unit)
        return
    driven = yield from drive(sim, unit, leg.end, leg.minutes, leg.road)
    if driven is not None:  # the road closed under it: back to where it came from
        sim.record((env.now, log.TURNED_BACK, incident_id, unit.id, leg.road))
        yield from drive(sim, unit, leg.start, driven, None)


def still_wanted(unit: Unit, incident: Incident | None) -> bool:
    """Whether the unit is still going where it set off for (a task, or home)."""
    return unit.task is incident


def drive(
    sim: Simulation, unit: Unit, to: str, minutes: float, road: str | None
) -> Generator[Any, Any, float | None]:
    """Drive or fly to the next place; None on arrival, or the minutes driven if ``road``
    closed on the way (the unit is then still where it set off from)."""
    unit.heading, unit.heading_at = to, sim.env.now + minutes
    sim.planner.regroup(unit)
    driven = yield from hold(sim, unit, minutes, road)
    unit.heading = None
    if driven is None:
        unit.location = to
    sim.planner.regroup(unit)
    return driven


def hold(
    sim: Simulation, unit: Unit, minutes: float, road: str | None = None
) -> Generator[Any, Any, float | None]:
    """Spend ``minutes`` on an activity, paused while the unit is broken down.

    Returns None when done, or the minutes spent if ``road`` closed meanwhile.
    """
    env = sim.env
    end = env.now + minutes
    while env.now < end:
        if unit.down_until > env.now:
            pause = unit.down_until - env.now
            unit.heading_at += pause
            end += pause
            sim.planner.moved(unit)
            if unit.task is not None:
                replanned(sim, unit, unit.task)
            log_wait(sim, unit, -1 if unit.task is None else unit.task.id, unit.down_until)
            yield env.timeout(pause)
            continue
        waits = env.timeout(end - env.now) | unit.signal
        if road is not None:
            waits = waits | sim.way_closing(road)
        yield waits
        sim.renew_signal(unit)
        if road is not None and road in sim.geography.closed and env.now < end:
            return minutes - (end - env.now)
    return None


def replanned(sim: Simulation, unit: Unit, incident: Incident) -> None:
    """Tell the EOC when the unit's arrival slips beyond what it planned with."""
    expected = on_scene_estimate(sim, unit)
    if expected > unit.planned_at + SLIP_MIN:
        sim.planner.incident_changed(incident)
    unit.planned_at = expected


def work(sim: Simulation, unit: Unit, incident: Incident) -> Process:
    """On scene once it can work there: integrate if foreign, then carry people in trips
    (or fight the fire)."""
    env, record = sim.env, sim.record
    if not (yield from ready_to_work(sim, unit, incident)):
        return
    unit.state, unit.planned_at = UnitState.ON_SCENE, env.now
    record((env.now, log.ON_SCENE, incident.id, unit.id, ""))
    sim.planner.incident_changed(incident)
    key = f"{unit.id}/{incident.key}"
    if incident.remaining > 0 and unit.nation not in (incident.place.nation, JOINT):
        training = sim.scenario.coordination.joint_training
        delay = training.trained_integration if training.enabled else training.untrained_integration
        yield from hold(sim, unit, delay.draw(sim.random.of("integration", key)))
        record((env.now, log.INTEGRATED, incident.id, unit.id, ""))
    if incident.need.work == "suppress" and sim.fire is not None and sim.fire.tracks(incident):
        yield from sim.fire.fight(unit, incident)
    stream = sim.random.of("work", key)
    while incident.remaining > 0:
        minutes = unit.type.trip.draw(stream)
        yield from wait_until_usable(sim, unit, incident.id, minutes)
        if incident.remaining <= 0:
            break
        load = min(unit.type.capacity, incident.remaining)
        incident.remaining -= load
        sim.planner.stirred(*incident.assigned)
        if incident.remaining <= 0:
            sim.planner.incident_changed(incident)
        yield from hold(sim, unit, minutes)
        incident.delivered += load
        record((env.now, log.TRIP, incident.id, unit.id, str(load)))
        if incident.resolved:
            record((env.now, log.RESOLVED, incident.id, "", ""))
    incident.remove_unit(unit)
    unit.task = None
    unit.state = UnitState.IDLE
    record((env.now, log.RELEASED, incident.id, unit.id, ""))
    sim.planner.unit_free(unit)


def ready_to_work(sim: Simulation, unit: Unit, incident: Incident) -> Generator[Any, Any, bool]:
    """At the place: wait until the unit can start work (repaired; an aircraft not grounded
    and, if ``day_only``, with a trip ending before sunset). False if its task changed
    meanwhile (it was stood down or sent elsewhere): it was never on scene."""
    env = sim.env
    logged = None
    while unit.task is incident:
        ready_at = usable_at(sim, unit, unit.type.trip.mean)
        if ready_at <= env.now:
            return True
        if ready_at != logged:
            log_wait(sim, unit, incident.id, ready_at)
            replanned(sim, unit, incident)
            logged = ready_at
        yield env.timeout(ready_at - env.now) | unit.signal
        sim.renew_signal(unit)
    return False


def wait_until_usable(sim: Simulation, unit: Unit, incident_id: int, minutes: float) -> Process:
    """Wait out a breakdown, and for aircraft a grounding, or the night when ``minutes``
    of flying would not end before sunset (``day_only``); each wait logged."""
    env = sim.env
    while (ready_at := usable_at(sim, unit, minutes)) > env.now:
        log_wait(sim, unit, incident_id, ready_at)
        yield env.timeout(ready_at - env.now)


def usable_at(sim: Simulation, unit: Unit, minutes: float) -> float:
    """When the unit can next work ``minutes`` where it is: repaired, and for aircraft not
    grounded and (``day_only``) ending before sunset."""
    ready_at = max(sim.env.now, unit.down_until)
    if unit.type.mode == "air":
        ready_at = sim.flyable_from(unit, ready_at, minutes, unit.location)
    return ready_at


def log_wait(
    sim: Simulation, unit: Unit, incident_id: int, until: float, to: str | None = None
) -> None:
    """Record a wait before a unit can move (to ``to``) or work, with its cause."""
    now = sim.env.now
    if unit.down_until > now:
        cause = "repair"
    elif sim.grounded(unit, now, to):
        cause = "grounding"
    else:
        cause = "daylight"
    sim.waited(log.Wait(now, incident_id, unit.id, cause, until - now))


__all__ = ["NO_ROUTE_RETRY_MIN", "unit_life"]

"""What a seat may do unprompted: send or reassign a unit, stand one down, ask a neighbour
for help, offer a unit to a neighbour's incident it has heard of (``sim.model.offers``),
order a village evacuated, switch a coordination arrangement on.

Each action is checked against the situation now, by the rules doctrine keeps (a need's
``max_units``, territory, what the unit can serve): ``ActionRefused`` says why not, and
nothing is changed. An action taken is logged as a decision by a player and takes effect
at once.
A played exercise calls them when a seat acts; a replay of its session calls them again
at the same scenario times in other replications.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.decisions import points as d
from sim.i18n import N_, Refusal
from sim.model import offers
from sim.model.arrangements import ArrangementRefused, check_switch
from sim.model.comms import JOINT_CENTRE
from sim.model.entities import Incident, Unit, UnitState

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

ACTIONS = (d.ASSIGN, d.STAND_DOWN, d.ASK, d.OFFER, d.EVACUATE, d.ARRANGE)
"""What a seat may do unprompted."""


class ActionRefused(Refusal, ValueError):
    """An action that cannot be taken now; the message says why (nothing was changed), in
    the reader's language where it is marked for translation. Its status is 403 when the
    seat may not do it at all, 400 when the situation does not allow it."""


def known_incidents(sim: Simulation, seat: str) -> list[Incident]:
    """Open incidents a seat plans for: reported to it, or a neighbour's it agreed to help."""
    planner = sim.planner
    known = planner.joint_centre if seat == JOINT_CENTRE else planner.queues.get(seat, [])
    return [i for i in known if i.remaining > 0]


def act(sim: Simulation, seat: str, action: str, incident: Incident | None, target: str) -> str:
    """Take one action for ``seat`` now and return the decider it is logged for.

    ``target`` is the unit (assign, stand_down), the nation asked (ask), the place
    (evacuate) or the arrangement (arrange, ``sim.model.arrangements``); ``incident`` is
    the incident acted on (None for an evacuation or an arrangement).

    Raises:
        ActionRefused: the action is unknown, not this seat's, or not possible now.
    """
    if action not in ACTIONS:
        raise ActionRefused(f"unknown action {action!r}: {', '.join(ACTIONS)}")
    if action == d.EVACUATE:
        return _evacuate(sim, seat, target)
    if action == d.ARRANGE:
        return _arrange(sim, seat, target)
    if action == d.OFFER:
        return _offer(sim, seat, incident, target)
    if incident is None or incident not in known_incidents(sim, seat):
        raise ActionRefused(N_("the seat knows of no such open incident"))
    if action == d.ASK:
        return _ask(sim, seat, incident, target)
    unit = _unit(sim, seat, target)
    if action == d.ASSIGN:
        return _assign(sim, seat, unit, incident)
    return _stand_down(sim, seat, unit, incident)


def _unit(sim: Simulation, seat: str, unit_id: str) -> Unit:
    unit = next((u for u in sim.units if u.id == unit_id), None)
    if unit is None or seat not in sim.planner.taskers(unit):
        raise ActionRefused(N_("the seat cannot task this unit"), 403)
    return unit


def _log(sim: Simulation, decider: str, kind: str, subject: str, incident: int, choice: str) -> str:
    point = d.DecisionPoint(
        sim.env.now, decider, kind, subject, incident, (d.Option(choice),), d.Choice(choice, "")
    )
    sim.points.action(point, d.Choice(choice, d.PLAYER))
    return decider


def _assign(sim: Simulation, seat: str, unit: Unit, incident: Incident) -> str:
    planner = sim.planner
    allowed = planner.allowed[seat].get(incident.id)
    if allowed is not None and unit.type.id not in allowed:
        raise ActionRefused(N_("this unit's type was not agreed for this incident"))
    most = incident.need.max_units
    if len(incident.assigned) >= most and unit.task is not incident:
        raise ActionRefused(
            N_("%(most)s already on it, the most this need takes at once: stand one down first"),
            most=most,
        )
    _check(offers.why_not(sim, unit, incident))
    previous = unit.task
    _log(sim, seat, d.ASSIGN, incident.key, incident.id, unit.id)
    planner.assign(seat, unit, incident)
    if previous is not None:
        planner.incident_changed(previous)
    planner.incident_changed(incident)
    return seat


def _stand_down(sim: Simulation, seat: str, unit: Unit, incident: Incident) -> str:
    if unit.task is not incident or unit.tasked_by != seat:
        raise ActionRefused(N_("this unit is not on its way to this incident for the seat"))
    if unit.state is UnitState.ON_SCENE:
        raise ActionRefused(N_("this unit is at work on scene"))
    _log(sim, seat, d.STAND_DOWN, incident.key, incident.id, unit.id)
    sim.planner.release(unit)
    sim.planner.incident_changed(incident)
    return seat


def _ask(sim: Simulation, seat: str, incident: Incident, nation: str) -> str:
    if nation not in sim.nations or nation == incident.place.nation:
        raise ActionRefused(N_("that nation is not a neighbour that could help with this incident"))
    status = incident.requests.get(nation)
    if status is not None and status[0] in ("sent", "approved"):
        raise ActionRefused(N_("this neighbour has already been asked"))
    _log(sim, seat, d.ASK, incident.key, incident.id, nation)
    planner = sim.planner
    planner.promised[(incident.id, nation)] = planner.help_from(seat, nation, incident, math.inf)
    sim.ask_for_help(seat, nation, incident)
    planner.incident_changed(incident)
    return seat


def _offer(sim: Simulation, seat: str, incident: Incident | None, unit_id: str) -> str:
    if incident is None or incident not in offers.heard_of(sim, seat):
        raise ActionRefused(N_("the seat has heard of no such open incident of a neighbour"))
    unit = _unit(sim, seat, unit_id)
    if unit.nation != seat:
        raise ActionRefused(N_("this unit is a joint team: the incident's nation tasks it itself"))
    _check(offers.why_not_offer(sim, unit, incident))
    _log(sim, seat, d.OFFER, incident.key, incident.id, unit.id)
    offers.offer(sim, seat, unit, incident)
    return seat


def _check(why: Refusal | None) -> None:
    """Refuse the action for this reason, if there is one."""
    if why is not None:
        raise ActionRefused(why.message, why.status, **why.values)


def _evacuate(sim: Simulation, seat: str, place: str) -> str:
    where = sim.geography.places.get(place)
    if where is None or where.nation != seat or not where.population:
        raise ActionRefused(N_("the seat can order no evacuation of this place"))
    if place in sim.evacuation_ordered_at:
        raise ActionRefused(N_("this village has already been ordered evacuated"))
    decider = f"{seat}-local"
    _log(sim, decider, d.EVACUATE, place, -1, d.YES)
    sim.order_evacuation(place)
    return decider


def _arrange(sim: Simulation, seat: str, name: str) -> str:
    try:
        check_switch(sim.in_force, name)
    except ArrangementRefused as exc:
        raise ActionRefused(exc.message, exc.status, **exc.values) from None
    _log(sim, seat, d.ARRANGE, name, -1, name)
    sim.switch_on(name)
    return seat

"""What a seat may do unprompted: send or reassign a unit, stand one down, ask a neighbour
for help, offer a unit to a neighbour's incident it has heard of (``sim.model.offers``),
order a village evacuated, switch a coordination arrangement on.

An action is first checked (``check``) against the situation now, by the rules doctrine
keeps (a need's ``max_units``, territory and the ways open, groundings and daylight in the
estimate, what the unit can serve): the check changes nothing, and ``ActionRefused`` says
why not. An action allowed is then taken (``take``): logged as a decision by a player, it
takes effect at once.
A played exercise calls them when a seat acts; a replay of its session calls them again
at the same scenario times in other replications.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

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


class Allowed(NamedTuple):
    """An action checked against the situation now (``check``), ready to be taken."""

    seat: str
    action: str
    incident: Incident | None
    """The incident acted on (None for an evacuation or an arrangement)."""
    target: str
    """The unit (assign, stand_down, offer), the nation asked (ask), the place (evacuate)
    or the arrangement (arrange)."""
    unit: Unit | None
    """The unit acted on (assign, stand_down, offer)."""

    @property
    def decider(self) -> str:
        """Who the action is logged for: the seat, or its local authorities for an
        evacuation (``LA-local``)."""
        return f"{self.seat}-local" if self.action == d.EVACUATE else self.seat


def known_incidents(sim: Simulation, seat: str) -> list[Incident]:
    """Open incidents a seat plans for: reported to it, or a neighbour's it agreed to help."""
    planner = sim.planner
    known = planner.joint_centre if seat == JOINT_CENTRE else planner.queues.get(seat, [])
    return [i for i in known if i.remaining > 0]


def check(
    sim: Simulation, seat: str, action: str, incident: Incident | None, target: str
) -> Allowed:
    """Whether ``seat`` may take an action now, by doctrine's rules; it changes nothing.

    ``target`` is the unit (assign, stand_down, offer), the nation asked (ask), the place
    (evacuate) or the arrangement (arrange, ``sim.model.arrangements``); ``incident`` is
    the incident acted on (None for an evacuation or an arrangement).

    Raises:
        ActionRefused: the action is unknown, not this seat's, or not possible now (why).
    """
    if action not in ACTIONS:
        raise ActionRefused(f"unknown action {action!r}: {', '.join(ACTIONS)}")
    unit = None
    if action == d.EVACUATE:
        _check_evacuation(sim, seat, target)
    elif action == d.ARRANGE:
        try:
            check_switch(sim.in_force, target)
        except ArrangementRefused as exc:
            raise ActionRefused(exc.message, exc.status, **exc.values) from None
    elif action == d.OFFER:
        if incident is None or incident not in offers.heard_of(sim, seat):
            raise ActionRefused(N_("the seat has heard of no such open incident of a neighbour"))
        unit = _unit(sim, seat, target)
        if unit.nation != seat:
            raise ActionRefused(
                N_("this unit is a joint team: the incident's nation tasks it itself")
            )
        _refuse(offers.why_not_offer(sim, unit, incident))
    else:
        if incident is None or incident not in known_incidents(sim, seat):
            raise ActionRefused(N_("the seat knows of no such open incident"))
        if action == d.ASK:
            _check_ask(sim, incident, target)
        else:
            unit = _unit(sim, seat, target)
            if action == d.ASSIGN:
                _check_assign(sim, seat, unit, incident)
            else:
                _check_stand_down(seat, unit, incident)
    if action in (d.EVACUATE, d.ARRANGE):
        incident = None
    return Allowed(seat, action, incident, target, unit)


def take(sim: Simulation, allowed: Allowed) -> str:
    """Take an action ``check`` allowed at this instant: log it as a player's decision and
    let it take effect; the decider it is logged for."""
    seat, action, incident, target, unit = allowed
    subject, number = (target, -1) if incident is None else (incident.key, incident.id)
    choice = d.YES if action == d.EVACUATE else target
    point = d.DecisionPoint(
        sim.env.now,
        allowed.decider,
        action,
        subject,
        number,
        (d.Option(choice),),
        d.Choice(choice, ""),
    )
    sim.points.action(point, d.Choice(choice, d.PLAYER))
    planner = sim.planner
    if action == d.EVACUATE:
        sim.order_evacuation(target)
    elif action == d.ARRANGE:
        sim.switch_on(target)
    elif action == d.OFFER:
        assert unit is not None and incident is not None
        offers.offer(sim, seat, unit, incident)
    elif action == d.ASK:
        assert incident is not None
        planner.promised[(incident.id, target)] = planner.help_from(
            seat, target, incident, math.inf
        )
        sim.ask_for_help(seat, target, incident)
        planner.incident_changed(incident)
    elif action == d.ASSIGN:
        assert unit is not None and incident is not None
        previous = unit.task
        planner.assign(seat, unit, incident)
        if previous is not None:
            planner.incident_changed(previous)
        planner.incident_changed(incident)
    else:
        assert unit is not None and incident is not None
        planner.release(unit)
        planner.incident_changed(incident)
    return allowed.decider


def act(sim: Simulation, seat: str, action: str, incident: Incident | None, target: str) -> str:
    """Check an action for ``seat`` and take it now (``check``, then ``take``); the
    decider it is logged for.

    Raises:
        ActionRefused: the action is unknown, not this seat's, or not possible now
            (nothing was changed).
    """
    return take(sim, check(sim, seat, action, incident, target))


def _unit(sim: Simulation, seat: str, unit_id: str) -> Unit:
    unit = next((u for u in sim.units if u.id == unit_id), None)
    if unit is None or seat not in sim.planner.taskers(unit):
        raise ActionRefused(N_("the seat cannot task this unit"), 403)
    return unit


def _check_assign(sim: Simulation, seat: str, unit: Unit, incident: Incident) -> None:
    allowed = sim.planner.allowed[seat].get(incident.id)
    if allowed is not None and unit.type.id not in allowed:
        raise ActionRefused(N_("this unit's type was not agreed for this incident"))
    most = incident.need.max_units
    if len(incident.assigned) >= most and unit.task is not incident:
        raise ActionRefused(
            N_("%(most)s already on it, the most this need takes at once: stand one down first"),
            most=most,
        )
    _refuse(offers.why_not(sim, unit, incident))


def _check_stand_down(seat: str, unit: Unit, incident: Incident) -> None:
    if unit.task is not incident or unit.tasked_by != seat:
        raise ActionRefused(N_("this unit is not on its way to this incident for the seat"))
    if unit.state is UnitState.ON_SCENE:
        raise ActionRefused(N_("this unit is at work on scene"))


def _check_ask(sim: Simulation, incident: Incident, nation: str) -> None:
    if nation not in sim.nations or nation == incident.place.nation:
        raise ActionRefused(N_("that nation is not a neighbour that could help with this incident"))
    status = incident.requests.get(nation)
    if status is not None and status[0] in ("sent", "approved"):
        raise ActionRefused(N_("this neighbour has already been asked"))


def _check_evacuation(sim: Simulation, seat: str, place: str) -> None:
    where = sim.geography.places.get(place)
    if where is None or where.nation != seat or not where.population:
        raise ActionRefused(N_("the seat can order no evacuation of this place"))
    if place in sim.evacuation_ordered_at:
        raise ActionRefused(N_("this village has already been ordered evacuated"))


def _refuse(why: Refusal | None) -> None:
    """Refuse the action for this reason, if there is one."""
    if why is not None:
        raise ActionRefused(why.message, why.status, **why.values)

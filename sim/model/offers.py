"""Help offered unprompted: a nation offers one of its units to a neighbour's incident it
has heard of; the offer travels like a request, and the neighbour accepts or declines it.

A nation has heard of a neighbour's open incident (``heard_of``) when a request for help
with it reached its EOC, when its own border units saw it and its EOC passed the report
across, or when it agreed to help with it. What the seats write to each other in play is
free text and tells the model of no incident.

An offer is checked when it is made, as a unit a seat sends is (``sim.decisions.actions``):
the unit is the nation's own, can serve the incident and is not broken down or at work on
scene, the incident still has people waiting and fewer units on it than its need's
``max_units``, and the unit has an open way there through the territory it may enter
(its own, the one it is in and the incident's; groundings and crossing hours delay its
estimate). It then travels over the channel between the two nations (latency, losses,
outages, an interpreter between working languages), logged as a message of purpose
``offer``. When it arrives, the incident's nation decides (a decision point ``accept``,
whose question is the unit): doctrine accepts a unit that would be on scene before the
help already in train, else declines it (``not_sooner``). Accepted, the unit is sent at
once, and the incident joins the offering nation's plan for that unit's type, as after an
approved request. A unit is offered to one incident at a time. An offer that arrives when
nobody is left to pick up is declined at once (``not_needed``), one whose unit was tasked
elsewhere meanwhile or can no longer go at once too (``not_possible``): logged, no card; an
acceptance that can no longer be carried out when it is given is logged as such and sends
nothing.
"""

from __future__ import annotations

from collections.abc import Generator
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.decisions import points as d
from sim.i18n import N_, Refusal
from sim.model.entities import Incident, Unit, UnitState
from sim.model.estimates import arrival

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

PURPOSE = "offer"
"""How an offer is logged among the messages (``message_sent`` ...)."""


def heard_of(sim: Simulation, nation: str) -> list[Incident]:
    """Neighbours' open incidents a nation has heard of (see the module docstring), in
    the order it heard of them."""
    heard = dict(sim.comms.heard.get(nation, {}))
    for incident in sim.planner.queues.get(nation, []):
        heard[incident.id] = None
    incidents = (sim.incidents[n] for n in heard)
    return [i for i in incidents if i.remaining > 0 and i.place.nation != nation]


def why_not(sim: Simulation, unit: Unit, incident: Incident) -> Refusal | None:
    """Why a unit cannot be sent to an incident now, by the rules doctrine keeps (None:
    it can)."""
    if incident.remaining <= 0:
        return Refusal(N_("nobody is left to pick up there"))
    if not unit.can_serve(incident) or unit.down_until > sim.env.now:
        return Refusal(N_("this unit cannot serve this incident now"))
    if unit.task is incident:
        return Refusal(N_("this unit is already on this incident"))
    if unit.task is not None and unit.state is UnitState.ON_SCENE:
        return Refusal(N_("this unit is at work on scene: stand it down when it is released"))
    most = incident.need.max_units
    if len(incident.assigned) >= most:
        return Refusal(N_("%(most)s already on it, the most this need takes at once"), most=most)
    if arrival(sim, unit, incident, diverted=True) is None:
        return Refusal(N_("this unit has no open way there through territory it may enter"))
    return None


def why_not_offer(sim: Simulation, unit: Unit, incident: Incident) -> Refusal | None:
    """Why a unit cannot be offered to an incident now (None: it can): the rules a unit
    sent keeps, and one unanswered offer of a unit at a time."""
    unanswered = unit.offered_to is not None or any(
        o.point.kind == d.ACCEPT and o.point.question == unit.id for o in sim.points.open.values()
    )
    if unanswered:
        return Refusal(N_("this unit is offered already: wait for the answer"))
    return why_not(sim, unit, incident)


def offer(sim: Simulation, nation: str, unit: Unit, incident: Incident) -> None:
    """Send an offer of a unit (checked already: ``why_not_offer``) to the incident's
    nation."""
    unit.offered_to = incident
    sim.env.process(_carry(sim, nation, unit, incident, unit.task))


def _carry(
    sim: Simulation, nation: str, unit: Unit, incident: Incident, task: Incident | None
) -> Generator[Any, Any, None]:
    owner = incident.place.nation
    eoc = sim.responsible_eoc(incident.place.id)
    yield from sim.comms.send(nation, owner, eoc, PURPOSE, incident)
    unit.offered_to = None
    gone = _gone(sim, unit, incident, task)
    eta = None if gone else arrival(sim, unit, incident, diverted=True)
    if incident.remaining <= 0:
        proposal = d.Choice(d.NO, d.NOT_NEEDED)
    elif eta is None:
        proposal = d.Choice(d.NO, d.NOT_POSSIBLE)
    elif eta < sim.planner.in_train(incident):
        proposal = d.Choice(d.YES, d.SOONER)
    else:
        proposal = d.Choice(d.NO, d.NOT_SOONER)
    fact = "never" if eta is None else f"{eta:.0f}"
    point = d.DecisionPoint(
        sim.env.now,
        owner,
        d.ACCEPT,
        incident.key,
        incident.id,
        (d.Option(d.YES, fact), d.Option(d.NO)),
        proposal,
        question=unit.id,
    )
    if eta is None:  # nothing to decide: declined at once, logged
        sim.points.implied(point)
        return
    accept = partial(_accepted, sim, nation, unit, incident, task)
    check = partial(_may_send, sim, unit, incident, task)
    choice = sim.points.put(point, accept, check, kept=False)
    if choice is not None:
        accept(choice)


def _gone(sim: Simulation, unit: Unit, incident: Incident, task: Incident | None) -> bool:
    """Whether an offered unit can no longer go: tasked otherwise since the offer, or
    refused by the rules a unit sent keeps."""
    return unit.task is not task or why_not(sim, unit, incident) is not None


def _may_send(
    sim: Simulation, unit: Unit, incident: Incident, task: Incident | None, choice: d.Choice
) -> bool:
    return choice.choice != d.YES or not _gone(sim, unit, incident, task)


def _accepted(
    sim: Simulation,
    nation: str,
    unit: Unit,
    incident: Incident,
    task: Incident | None,
    choice: d.Choice,
) -> bool:
    """Carry out the answer to an offer; False when nothing was sent."""
    if choice.choice != d.YES or _gone(sim, unit, incident, task):
        return False
    planner = sim.planner
    types: frozenset[str] | None = frozenset({unit.type.id})
    if incident in planner.queues[nation]:  # it helps already: with one type more
        agreed = planner.allowed[nation].get(incident.id)
        types = None if agreed is None else agreed | {unit.type.id}
    incident.requests[nation] = ("approved", sim.env.now)
    planner.accept(nation, incident, types)
    previous = unit.task
    planner.assign(nation, unit, incident)
    if previous is not None:
        planner.incident_changed(previous)
    planner.incident_changed(incident)
    return True

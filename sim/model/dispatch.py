"""EOCs and cross-border requests: reports arrive, requests travel, neighbours answer.

An EOC receives the reports of incidents in its area and hands them to its nation's plan
(``sim.decisions.doctrine``); with a joint centre in force, every report also goes to the
centre by its own channel. A request for help travels as a message; the helping nation approves it
at once when a mutual assistance agreement pre-authorises the deployment, else case by case
after its national approval process, and may refuse. An approved incident joins the helping
nation's plan, for the unit types agreed. A request whose incident no longer needs anyone
is withdrawn.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim import log
from sim.decisions import points as d
from sim.model.arrangements import JOINT_CENTRE_OPEN
from sim.model.comms import JOINT_CENTRE
from sim.model.entities import Incident
from sim.scenario.schema import Eoc as EocSpec

if TYPE_CHECKING:
    from sim.model.simulation import Simulation


class Eoc:
    """An emergency operations centre: where reports and requests for its nation arrive."""

    def __init__(self, sim: Simulation, spec: EocSpec, nation: str) -> None:
        self.sim = sim
        self.id = spec.id
        self.place = spec.place
        self.nation = nation
        self.interpreters = simpy.Resource(
            sim.env, capacity=sim.scenario.coordination.language.interpreters
        )

    def receive(self, incident: Incident) -> None:
        """Take a report of an incident in this EOC's area."""
        self.sim.planner.accept(self.nation, incident, None)
        if JOINT_CENTRE_OPEN in self.sim.in_force:
            self.report_to_joint_centre(incident)

    def report_to_joint_centre(self, incident: Incident) -> None:
        """Pass an incident's report on to the joint centre (a message of its own)."""
        self.sim.env.process(report_to_joint_centre(self.sim, self, incident))


def report_to_joint_centre(sim: Simulation, eoc: Eoc, incident: Incident) -> Any:
    """The EOC passes the report to the joint centre, which then plans for it too."""
    yield from sim.comms.send(eoc.nation, JOINT_CENTRE, None, "report", incident)
    if incident.remaining > 0:
        sim.planner.joint_centre.append(incident)
        sim.planner.changed(JOINT_CENTRE)


def request_assistance(
    sim: Simulation, asking: str, helping: Eoc, incident: Incident
) -> Generator[Any, Any, None]:
    """A cross-border request: the message, the helping nation's answer, its acceptance.

    ``asking`` is the nation of the incident, or the joint centre.
    """
    nation = helping.nation
    patience = sim.scenario.coordination.mutual_assistance.ask_again_after
    sim.later(patience, lambda: sim.planner.changed(asking))
    yield from sim.comms.send(asking, nation, helping, "request", incident)
    flow = f"{incident.place.nation}>{nation}"
    sim.record((sim.env.now, log.REQUESTED, incident.id, "", flow))
    if _moot(incident, nation):  # help came meanwhile: the asker withdraws
        _withdraw(sim, incident, nation, flow)
        return
    types = sim.pre_authorised_types(incident.place.nation, nation)
    if types is None:
        assistance = sim.scenario.coordination.mutual_assistance
        stream = sim.random.of("approval", f"{incident.key}/{nation}")
        yield sim.env.timeout(assistance.approval.draw(stream))
        refused = stream.uniform() < assistance.refusal
        proposal = d.Choice(d.NO if refused else d.YES, d.CASE_BY_CASE)
    else:
        proposal = d.Choice(d.YES, d.PRE_AUTHORISED)
    if proposal.choice == d.YES and sim.planner.holds_back(nation, incident, types):
        proposal = d.Choice(d.NO, d.RESERVE)
    if _moot(incident, nation):
        _withdraw(sim, incident, nation, flow)
        return
    only = tuple(d.Option(d.only(t)) for t in _types_to_choose(sim, nation, incident, types))
    point = d.DecisionPoint(
        sim.env.now,
        nation,
        d.APPROVE,
        incident.key,
        incident.id,
        (d.Option(d.YES), *only, d.Option(d.NO)),
        proposal,
    )
    choice = yield from sim.points.decision(point)
    if _moot(incident, nation):
        _withdraw(sim, incident, nation, flow)
    elif d.approves(choice.choice):
        incident.requests[nation] = ("approved", sim.env.now)
        sim.record((sim.env.now, log.APPROVED, incident.id, "", flow))
        unit_type = d.only_type(choice.choice)
        sim.planner.accept(nation, incident, types if unit_type is None else frozenset({unit_type}))
    else:
        incident.requests[nation] = ("refused", sim.env.now)
        sim.record((sim.env.now, log.REFUSED, incident.id, "", flow))
        sim.later(patience, lambda: sim.planner.changed(asking))
        sim.planner.changed(asking)


def _types_to_choose(
    sim: Simulation, nation: str, incident: Incident, types: frozenset[str] | None
) -> list[str]:
    """The unit types a nation may approve a request for one at a time: those of its own
    units that could serve the incident (within ``types``, if given), when there are two
    or more."""
    serving = sorted(
        {
            u.type.id
            for u in sim.units
            if u.nation == nation
            and u.can_serve(incident)
            and (types is None or u.type.id in types)
        }
    )
    return serving if len(serving) > 1 else []


def _moot(incident: Incident, nation: str) -> bool:
    """Whether a request no longer needs an answer: nobody is left to pick up, or the
    helper already helps (its offer of a unit was accepted while the request travelled)."""
    status = incident.requests.get(nation)
    return incident.remaining <= 0 or (status is not None and status[0] == "approved")


def _withdraw(sim: Simulation, incident: Incident, nation: str, flow: str) -> None:
    if incident.requests[nation][0] != "approved":
        incident.requests[nation] = ("withdrawn", sim.env.now)
    sim.record((sim.env.now, log.WITHDRAWN, incident.id, "", flow))

"""Emergency operations centres: who gets which unit, and when to ask a neighbour for help.

Dispatch policy (``Eoc.dispatch``): open incidents are taken in order of priority, then of
report time. A first pass sends each incident the capable available unit with the earliest
estimated arrival, if it would arrive before every unit already on its way (so a slow
neighbour's unit never holds back a nearer one that frees up later); a second pass
reinforces incidents whose people outnumber one round of trips by the units on them, up
to the need's ``max_units``, again nearest first.

Without a joint centre, an EOC asks a neighbour when none of its own available units can
be on scene within the incident's capability target (``Eoc.receive``). With one, every
report also goes to the centre, which asks another nation whenever its unit would arrive
before the reporting nation's own (``forward_to_joint_centre``). Either way the nation
asked is the one whose unit would come first counting the expected message and approval
delays (``Simulation.best_helper``). A
request travels as a message; the helping nation approves it at once when a mutual
assistance agreement pre-authorises the deployment, else case by case, and may refuse.
A request whose incident no longer needs anyone is withdrawn.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim import log
from sim.model.comms import JOINT_CENTRE
from sim.model.entities import Incident, Unit, UnitState
from sim.scenario.schema import Eoc as EocSpec

if TYPE_CHECKING:
    from sim.model.simulation import Simulation


def estimated_arrival(sim: Simulation, unit: Unit, incident: Incident) -> float | None:
    """When ``unit`` would be on scene if tasked now (planning estimates); None if never."""
    now = sim.env.now
    if unit.state is UnitState.RETURNING:
        origin, leaves_at = unit.base, unit.free_at
    elif unit.location == unit.base:
        origin, leaves_at = unit.base, now + unit.type.mobilisation.mean
    else:
        origin, leaves_at = unit.location, now
    leaves_at = max(leaves_at, unit.down_until)
    if unit.type.mode == "air":
        leaves_at = sim.flyable_from(unit, leaves_at)
        return (
            leaves_at
            + sim.geography.distance_km(origin, incident.place.id) / unit.type.speed_kmh * 60
        )
    route = sim.geography.route(origin, incident.place.id, unit.type.speed_kmh)
    return None if route is None else leaves_at + route.estimate_min


class Eoc:
    """An EOC: its queue of open incidents and the national units it can task."""

    def __init__(self, sim: Simulation, spec: EocSpec, nation: str) -> None:
        self.sim = sim
        self.id = spec.id
        self.place = spec.place
        self.nation = nation
        self.queue = sim.queues[nation]
        self.allowed_types: dict[int, frozenset[str]] = sim.allowed_types[nation]
        """For a neighbour's incident: the unit types this nation may send (all when absent)."""
        self.interpreters = simpy.Resource(
            sim.env, capacity=sim.scenario.coordination.language.interpreters
        )

    @property
    def units(self) -> list[Unit]:
        return self.sim.units_by_nation.get(self.nation, [])

    def best_arrival(
        self, incident: Incident, types: frozenset[str] | None = None, national_only: bool = False
    ) -> float | None:
        """The earliest estimated arrival of the available capable units this EOC may task.

        ``types`` limits the unit types; ``national_only`` leaves out joint teams.
        """
        arrivals = [
            eta
            for u in self.units
            if u.task is None
            and not (national_only and u.nation != self.nation)
            and u.can_serve(incident)
            and (types is None or u.type.id in types)
            and (eta := estimated_arrival(self.sim, u, incident)) is not None
        ]
        return min(arrivals, default=None)

    def receive(self, incident: Incident) -> None:
        """Take a report of an incident in this EOC's area (judged before any unit is sent)."""
        arrival = self.best_arrival(incident)
        self.accept(incident)
        if self.sim.scenario.coordination.joint_centre.enabled:
            self.sim.env.process(forward_to_joint_centre(self.sim, self, incident, arrival))
            return
        if incident.help_requested:
            return
        if arrival is None or arrival > incident.target_at:
            helper = self.sim.best_helper(incident, self.nation)
            if helper is not None:
                incident.help_requested = True
                self.sim.env.process(request_assistance(self.sim, self.nation, helper[1], incident))

    def accept(self, incident: Incident, types: frozenset[str] | None = None) -> None:
        """Queue an incident (own, or a neighbour's with the unit types agreed) and dispatch."""
        if types is not None:
            self.allowed_types[incident.id] = types
        self.queue.append(incident)
        self.dispatch()

    def dispatch(self) -> None:
        """Assign available units to the nation's queued incidents (see the module docstring)."""
        self.queue[:] = [i for i in self.queue if i.remaining > 0]
        if not self.queue:
            return
        free = [u for u in self.units if u.task is None and u.down_until <= self.sim.env.now]
        if not free:
            return
        order = sorted(self.queue, key=lambda i: (i.priority, i.reported_at, i.id))
        for incident in order:  # first response: a unit that would come before any on its way
            found = self._nearest(free, incident)
            if found is not None and found[0] < incident.first_eta:
                free.remove(found[1])
                self.sim.assign(found[1], incident, found[0])
        for incident in order:  # reinforcement
            while free and incident.wants_more_units():
                found = self._nearest(free, incident)
                if found is None:
                    break
                free.remove(found[1])
                self.sim.assign(found[1], incident, found[0])

    def _nearest(self, free: list[Unit], incident: Incident) -> tuple[float, Unit] | None:
        """The free unit (of the types agreed, for a neighbour's incident) that comes first."""
        best: tuple[float, str, Unit] | None = None
        types = self.allowed_types.get(incident.id)
        for unit in free:
            if not unit.can_serve(incident) or (types is not None and unit.type.id not in types):
                continue
            eta = estimated_arrival(self.sim, unit, incident)
            if eta is not None and (best is None or (eta, unit.id) < best[:2]):
                best = (eta, unit.id, unit)
        return None if best is None else (best[0], best[2])


def request_assistance(
    sim: Simulation, asking: str, helping: Eoc, incident: Incident
) -> Generator[Any, Any, None]:
    """A cross-border request: the message, the helping nation's approval, its dispatch.

    ``asking`` is the nation of the incident, or the joint centre.
    """
    yield from sim.comms.send(asking, helping.nation, helping, "request", incident.id)
    flow = f"{incident.place.nation}>{helping.nation}"
    sim.record((sim.env.now, log.REQUESTED, incident.id, "", flow))
    types = sim.pre_authorised_types(incident.place.nation, helping.nation)
    if incident.remaining <= 0:  # help came from elsewhere meanwhile: the asker withdraws
        sim.record((sim.env.now, log.WITHDRAWN, incident.id, "", flow))
        return
    if types is None:
        assistance = sim.scenario.coordination.mutual_assistance
        stream = sim.random["approval"]
        yield sim.env.timeout(assistance.approval.draw(stream))
        if stream.uniform() < assistance.refusal:
            sim.record((sim.env.now, log.REFUSED, incident.id, "", flow))
            return
    if incident.remaining <= 0:
        sim.record((sim.env.now, log.WITHDRAWN, incident.id, "", flow))
        return
    sim.record((sim.env.now, log.APPROVED, incident.id, "", flow))
    helping.accept(incident, types)


def forward_to_joint_centre(
    sim: Simulation, eoc: Eoc, incident: Incident, own: float | None
) -> Generator[Any, Any, None]:
    """Report to the joint centre, which asks another nation if its unit would come first.

    ``own`` is the best arrival the reporting nation could offer when the report came in.
    """
    yield from sim.comms.send(eoc.nation, JOINT_CENTRE, None, "report", incident.id)
    if incident.help_requested or incident.remaining <= 0:
        return
    helper = sim.best_helper(incident, JOINT_CENTRE)
    if helper is not None and (own is None or helper[0] < own):
        incident.help_requested = True
        yield from request_assistance(sim, JOINT_CENTRE, helper[1], incident)

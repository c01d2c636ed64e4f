"""Emergency operations centres: who gets which unit, and when to ask a neighbour for help.

Dispatch policy (``Eoc.dispatch``): open incidents are taken in order of priority, then of
report time. A first pass gives every incident its first unit; a second pass reinforces
incidents whose people outnumber one round of trips by the units on them, up to the
need's ``max_units``. Each time the unit chosen is the capable available one with the
earliest estimated arrival.

An EOC asks a neighbour when none of its own available units can be on scene within the
incident's capability target (``Eoc.receive``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim import log
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
        self.queue: list[Incident] = []

    @property
    def units(self) -> list[Unit]:
        return self.sim.units_by_nation.get(self.nation, [])

    def best_arrival(self, incident: Incident) -> float | None:
        """The earliest estimated arrival of this nation's available capable units."""
        arrivals = [
            eta
            for u in self.units
            if u.task is None
            and u.can_serve(incident)
            and (eta := estimated_arrival(self.sim, u, incident)) is not None
        ]
        return min(arrivals, default=None)

    def receive(self, incident: Incident) -> None:
        """Take a report of an incident in this EOC's area."""
        self.accept(incident)
        if incident.help_requested:
            return
        arrival = self.best_arrival(incident)
        if arrival is None or arrival > incident.target_at:
            neighbour = self.sim.best_neighbour(self.nation, incident)
            if neighbour is not None:
                incident.help_requested = True
                self.sim.env.process(request_assistance(self.sim, self, neighbour, incident))

    def accept(self, incident: Incident) -> None:
        """Queue an incident (own or a neighbour's request) and dispatch."""
        self.queue.append(incident)
        self.dispatch()

    def dispatch(self) -> None:
        """Assign available units to queued incidents (see the module docstring)."""
        self.queue = [i for i in self.queue if i.remaining > 0]
        free = [u for u in self.units if u.task is None and u.down_until <= self.sim.env.now]
        if not self.queue or not free:
            return
        order = sorted(self.queue, key=lambda i: (i.priority, i.reported_at, i.id))
        for first_response in (True, False):
            for incident in order:
                while free and incident.wants_more_units():
                    if first_response and incident.assigned:
                        break
                    unit = self._nearest(free, incident)
                    if unit is None:
                        break
                    free.remove(unit)
                    self.sim.assign(unit, incident)
                    if first_response:
                        break

    def _nearest(self, free: list[Unit], incident: Incident) -> Unit | None:
        best: tuple[float, str, Unit] | None = None
        for unit in free:
            if not unit.can_serve(incident):
                continue
            eta = estimated_arrival(self.sim, unit, incident)
            if eta is not None and (best is None or (eta, unit.id) < best[:2]):
                best = (eta, unit.id, unit)
        return None if best is None else best[2]


def request_assistance(
    sim: Simulation, asking: Eoc, helping: Eoc, incident: Incident
) -> Generator[Any, Any, None]:
    """A cross-border request: sent, received by the neighbour's EOC, approved, queued there."""
    coordination = sim.scenario.coordination
    comms = sim.random["comms"]
    yield sim.env.timeout(coordination.request_delay.draw(comms))
    sim.record((sim.env.now, log.REQUESTED, incident.id, "", f"{asking.nation}>{helping.nation}"))
    yield sim.env.timeout(coordination.approval_delay.draw(comms))
    sim.record((sim.env.now, log.APPROVED, incident.id, "", f"{asking.nation}>{helping.nation}"))
    if incident.remaining > 0:
        helping.accept(incident)

"""The mutable things of a run: incidents being answered and units answering them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import simpy

from sim.scenario.schema import Need, Place, UnitType


class UnitState(Enum):
    """What a unit is doing, as dispatch sees it."""

    IDLE = "idle"
    RETURNING = "returning"


@dataclass(eq=False)
class Incident:
    """A need at a place: people to move to safety, and who is on it."""

    id: int
    place: Place
    need: Need
    people: int
    priority: int
    occurred_at: float
    remaining: int = field(init=False)
    """People not yet picked up by a trip."""
    delivered: int = 0
    reported_at: float = float("inf")
    help_requested: bool = False
    assigned: list[Unit] = field(default_factory=list)
    assigned_capacity: int = 0
    """People one round of trips by the assigned units carries."""
    first_eta: float = float("inf")
    """The earliest planned arrival of the units sent so far."""
    ground_access: bool = True
    """False inside a minefield: only aircraft can work there."""

    def __post_init__(self) -> None:
        self.remaining = self.people

    @property
    def resolved(self) -> bool:
        return self.delivered >= self.people

    @property
    def target_at(self) -> float:
        """When the first unit should be on scene to meet the capability target."""
        return self.occurred_at + self.need.target

    def wants_more_units(self) -> bool:
        """Whether one round of trips by the assigned units leaves people waiting.

        Never more than the need's ``max_units`` at once, so one large incident does not
        take every unit while others wait.
        """
        if self.need.work == "suppress":
            return self.remaining > 0 and len(self.assigned) < self.need.max_units
        return self.remaining > self.assigned_capacity and len(self.assigned) < self.need.max_units

    def add_unit(self, unit: Unit) -> None:
        """A unit is tasked with this incident."""
        self.assigned.append(unit)
        self.assigned_capacity += unit.type.capacity

    def remove_unit(self, unit: Unit) -> None:
        """A unit is released from this incident."""
        self.assigned.remove(unit)
        self.assigned_capacity -= unit.type.capacity


@dataclass(eq=False)
class Unit:
    """One deployable team or asset; at most in one place doing one thing."""

    id: str
    nation: str
    agency: str
    type: UnitType
    base: str
    location: str
    state: UnitState = UnitState.IDLE
    free_at: float = 0.0
    """When a returning unit is back at base."""
    down_until: float = 0.0
    task: Incident | None = None
    mobilise: bool = True
    """Whether the current task starts with mobilisation (the unit was standing by at base)."""
    wake: simpy.Event | None = None

    def can_serve(self, incident: Incident) -> bool:
        """Capable of the need, and able to work at the place (boats need water access)."""
        if incident.need.id not in self.type.capabilities:
            return False
        if self.type.mode != "air" and not incident.ground_access:
            return False
        return self.type.mode != "water" or incident.place.water_access

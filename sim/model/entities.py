"""The mutable things of a run: incidents being answered and units answering them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

import simpy

from sim.scenario.schema import Need, Place, UnitType


class UnitState(Enum):
    """What a unit is doing."""

    IDLE = "idle"
    MOBILISING = "mobilising"
    TRAVELLING = "travelling"
    AT_BORDER = "at_border"
    ON_SCENE = "on_scene"
    RETURNING = "returning"


@dataclass(eq=False)
class Incident:
    """A need at a place: people to move to safety, and who is on it."""

    id: int
    key: str
    """Names the incident whatever else happens in the run (its random draws are keyed by it)."""
    place: Place
    need: Need
    people: int
    priority: int
    occurred_at: float
    ref: str = ""
    """Names the same incident in every replication: ``place/need/source#n``, the n-th such
    incident of the run (its key holds the time, which differs between replications)."""
    remaining: int = field(init=False)
    """People not yet picked up by a trip."""
    delivered: int = 0
    reported_at: float = math.inf
    assigned: list[Unit] = field(default_factory=list)
    assigned_capacity: int = 0
    """People one round of trips by the assigned units carries."""
    ground_access: bool = True
    """False inside a minefield: only aircraft can work there."""
    requests: dict[str, tuple[str, float]] = field(default_factory=dict)
    """Nation asked -> (sent, approved, refused or withdrawn; when)."""
    crews: dict[Unit, float] = field(default_factory=dict)
    """The readiness of the crews called for it, while it is open (``Simulation.readiness``)."""
    waiting_reason: str = ""
    """Why no unit is on the way, as last decided (logged when it changes)."""
    version: int = 0
    """Counts the changes to what planning for it depends on (units on it, its situation)."""

    def __post_init__(self) -> None:
        self.remaining = self.people

    @property
    def resolved(self) -> bool:
        return self.delivered >= self.people

    @property
    def target_at(self) -> float:
        """When the first unit should be on scene to meet the capability target."""
        return self.occurred_at + self.need.target

    @property
    def attended(self) -> bool:
        """Whether a unit is on scene."""
        return any(u.state is UnitState.ON_SCENE for u in self.assigned)

    def wants_more_units(self) -> bool:
        """Whether one round of trips by the assigned units leaves people waiting.

        Never more than the need's ``max_units`` at once, so one large incident does not
        take every unit while others wait.
        """
        if len(self.assigned) >= self.need.max_units or self.remaining <= 0:
            return False
        return self.need.work == "suppress" or self.remaining > self.assigned_capacity

    def add_unit(self, unit: Unit) -> None:
        """A unit is tasked with this incident."""
        self.assigned.append(unit)
        self.assigned_capacity += unit.type.capacity
        self.version += 1

    def remove_unit(self, unit: Unit) -> None:
        """A unit is released from this incident."""
        self.assigned.remove(unit)
        self.assigned_capacity -= unit.type.capacity
        self.version += 1


@dataclass(eq=False)
class Unit:
    """One deployable team or asset; at most in one place doing one thing."""

    id: str
    nation: str
    agency: str
    type: UnitType
    base: str
    location: str
    """The place it is at, or last left."""
    signal: simpy.Event
    """Succeeds when something the unit must react to happens (a task, a recall, a breakdown)."""
    state: UnitState = UnitState.IDLE
    heading: str | None = None
    """The place it is driving or flying to on its current leg (None when at ``location``)."""
    heading_at: float = 0.0
    """When it reaches ``heading`` (or ends its mobilisation)."""
    clearing: tuple[str, float] | None = None
    """While it is processed at a border for its task: the post it will set off from,
    and when its processing is expected to end (None once stood down)."""
    down_until: float = 0.0
    takes_off_at: float = -math.inf
    """While an aircraft waits to take off for its task's place (for daylight, or a
    grounding to end): when it will; its arrival there stays put until then."""
    task: Incident | None = None
    tasked_by: str = ""
    """The nation whose EOC tasked it (a joint team may be tasked by any)."""
    standing_by: bool = True
    """At base, not mobilised: a task starts with mobilisation."""
    blocked: bool = False
    """Waiting for an open route (logged once, when the wait begins)."""
    planned_at: float = math.inf
    """The arrival on scene its EOC last planned with."""
    offered_to: Incident | None = None
    """A neighbour's incident its nation has offered it to, while the offer is unanswered."""

    def can_serve(self, incident: Incident) -> bool:
        """Capable of the need, and able to work at the place (boats need water access)."""
        if incident.need.id not in self.type.capabilities:
            return False
        if self.type.mode != "air" and not incident.ground_access:
            return False
        return self.type.mode != "water" or incident.place.water_access

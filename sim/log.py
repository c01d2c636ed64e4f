"""The event log of one run: typed records appended as the simulation goes, plus what they
refer to.

Every stage boundary of MODEL.md is one ``Event(time_min, event, incident, unit, detail)``.
Incident-level events have ``unit == ""``; world events (injects, closures) have
``incident == -1``. A decision and a wait are kept typed besides (``RunLog.decisions``,
``RunLog.waits``, in the order of their events): their event's detail is their text,
written from the record for the CSV and the pages, and never read back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Event(NamedTuple):
    """One stage boundary of the model (see the module docstring)."""

    time_min: float
    event: str
    incident: int
    """The incident's id (-1: none)."""
    unit: str
    """The unit's id ("": none)."""
    detail: str


EVENT_FIELDS = Event._fields

JOINT = "JOINT"
"""The nation of a joint disaster response team's units: any EOC may task them."""

# incident stages, in the order of an incident's life
OCCURRED = "occurred"
DETECTED = "detected"
REPORTED = "reported"
REQUESTED = "requested"
APPROVED = "approved"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
RESOLVED = "resolved"
# a unit's part in an incident
DISPATCHED = "dispatched"
MOBILISED = "mobilised"
BORDER_ARRIVED = "border_arrived"
BORDER_CLEARED = "border_cleared"
BORDER_LEFT = "border_left"
ON_SCENE = "on_scene"
INTEGRATED = "integrated"
TRIP = "trip"
RELEASED = "released"
STOOD_DOWN = "stood_down"
RETURNED = "returned"
# the world
INJECT = "inject"
ROAD_CLOSED = "road_closed"
ROAD_REOPENED = "road_reopened"
CROSSING_CLOSED = "crossing_closed"
CROSSING_REOPENED = "crossing_reopened"
UNIT_DOWN = "unit_down"
UNIT_REPAIRED = "unit_repaired"
GROUNDED = "grounded"
UNGROUNDED = "ungrounded"
NO_ROUTE = "no_route"
"""A unit found no open road to where it goes: it waits until a way reopens or it is
re-tasked, and the wait lasts until its next event."""
WAITED = "waited"
"""A unit waits before it can move or work (a ``Wait``; detail: "daylight|grounding|repair
MINUTES")."""
TURNED_BACK = "turned_back"
"""A road closed under a unit: it drove back to where it came from (detail: the road)."""
ARRANGEMENT_ON = "arrangement_on"
"""A coordination arrangement was switched on mid-run (detail: its name; see
``sim.model.arrangements``)."""
CHANNEL_DOWN = "channel_down"
CHANNEL_RESTORED = "channel_restored"
# messages (detail: "purpose SENDER>RECEIVER kind")
MESSAGE_SENT = "message_sent"
MESSAGE_LOST = "message_lost"
MESSAGE_INTERPRETED = "message_interpreted"
MESSAGE_DELIVERED = "message_delivered"
# decisions (a ``Decision``; detail: "seat kind choice reason [option@fact,...] subject
# #point"): a point raised is answered at once (``decision``), or is opened and later
# answered (``decision``, a lapse among them), or overtaken (``sim.decisions.lifecycle``)
DECISION = "decision"
DECISION_OPENED = "decision_opened"
"""A point waits for its seat (the choice field holds doctrine's proposal)."""
DECISION_OVERTAKEN = "decision_overtaken"
"""An open point was closed unanswered (the choice field holds the point that replaced
it, ``#id``, or ``-``; the reason says why)."""
DECISION_EVENTS = frozenset((DECISION, DECISION_OPENED, DECISION_OVERTAKEN))
# warnings and evacuation orders
WARNING_NOT_SHARED = "warning_not_shared"
EVACUATION_ORDERED = "evacuation_ordered"
EVACUATED = "evacuated"
AVERTED = "averted"
# the flood
FLOODED = "flooded"
GAUGE_ALARM = "gauge_alarm"
# the wildfire
FIRE_IGNITED = "fire_ignited"
IGNITION_FAILED = "ignition_failed"
FIRE_REACHED = "fire_reached"
WIND_SHIFT = "wind_shift"


class Option(NamedTuple):
    """One thing that could be chosen, with the fact that bears on it (e.g. an arrival)."""

    choice: str
    fact: str = ""

    def __str__(self) -> str:
        return f"{self.choice}@{self.fact}" if self.fact else self.choice


class Decision(NamedTuple):
    """A decision event (``DECISION_EVENTS``): who (seat), what (kind), the choice, why,
    the options as they stood, and what it was about (an incident's key, or a place). For
    an opened point the choice is doctrine's proposal; for an overtaken one, the point
    that replaced it (``#id``, or ``-``)."""

    time_min: float
    event: str
    incident: int
    unit: str
    """The unit assigned or stood down ("": none)."""
    seat: str
    kind: str
    choice: str
    reason: str
    options: tuple[Option, ...]
    subject: str
    point: int = -1
    """The decision point's id (-1: a hold, which is no point to answer)."""

    def __str__(self) -> str:
        """The event's detail: ``seat kind choice reason [option@fact,...] subject #point``."""
        options = ",".join(map(str, self.options))
        text = f"{self.seat} {self.kind} {self.choice} {self.reason} [{options}] {self.subject}"
        return text if self.point < 0 else f"{text} #{self.point}"


class Wait(NamedTuple):
    """A unit waits before it can move or work (``WAITED``): why, and how long."""

    time_min: float
    incident: int
    unit: str
    cause: str
    """``daylight``, ``grounding`` or ``repair``."""
    minutes: float

    @property
    def event(self) -> str:
        return WAITED

    def __str__(self) -> str:
        """The event's detail: ``cause MINUTES``."""
        return f"{self.cause} {self.minutes:.2f}"


class IncidentInfo(NamedTuple):
    """What an incident is: fixed when it occurs."""

    id: int
    place: str
    place_name: str
    nation: str
    need: str
    people: int
    priority: int
    target_min: float
    source: str


class UnitInfo(NamedTuple):
    """What a unit is."""

    id: str
    nation: str
    agency: str
    type: str
    mode: str
    base: str


class InjectInfo(NamedTuple):
    """A scripted event of the MSEL, as scheduled."""

    number: int
    at_min: float
    type: str
    subject: str
    synopsis: str
    expected_action: str


@dataclass
class RunLog:
    """Everything one replication produced; the only thing analysis reads."""

    scenario: str
    seed: int
    replication: int
    horizon_min: float
    start: str
    """Wall-clock start, ISO 8601 with offset."""
    units: list[UnitInfo]
    injects: list[InjectInfo]
    needs: dict[str, str]
    """Kind of need -> its name."""
    incidents: list[IncidentInfo] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    """The decision events' records, in the order of their events."""
    waits: list[Wait] = field(default_factory=list)
    """The wait events' records, in the order of their events."""
    gauges: dict[str, list[float]] = field(default_factory=dict)
    """Each gauge's level (m) every ``GAUGE_STEP_MIN`` minutes from the start."""
    fire: dict[str, Any] = field(default_factory=dict)
    """The wildfire: burned area over time and the cells it reached (see ``sim.model.wildfire``)."""

    def records(self) -> Iterator[Event | Decision | Wait]:
        """The log in order, each decision and wait as its typed record."""
        decisions, waits = iter(self.decisions), iter(self.waits)
        for e in self.events:
            if e.event in DECISION_EVENTS:
                yield next(decisions)
            elif e.event == WAITED:
                yield next(waits)
            else:
                yield e


GAUGE_STEP_MIN = 10.0

"""The event log of one run: plain tuples appended as the simulation goes, plus what they refer to.

Every stage boundary of MODEL.md is one event ``(time_min, event, incident, unit, detail)``.
Incident-level events have ``unit == ""``; world events (injects, closures) have
``incident == -1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

EVENT_FIELDS = ("time_min", "event", "incident", "unit", "detail")

Event = tuple[float, str, int, str, str]

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
"""A unit waits before it can move or work (detail: "daylight|grounding|repair MINUTES")."""
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
# decisions (detail: "seat kind choice reason [option@fact,...] subject #point";
# ``parse_decision``): a point raised is answered at once (``decision``), or is opened and
# later answered (``decision``, a lapse among them), or overtaken (``sim.decisions.lifecycle``)
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


class Decision(NamedTuple):
    """A decision event read back: who (seat), what (kind), the choice, why, the options,
    and what it was about (an incident's key, or a place)."""

    seat: str
    kind: str
    choice: str
    reason: str
    options: tuple[str, ...]
    subject: str
    point: int = -1
    """The decision point's id (-1: a hold, which is no point to answer)."""


def parse_decision(detail: str) -> Decision:
    """Read the detail of a ``decision`` event (or of an opened or overtaken point)."""
    rest, subject = detail.rsplit(" ", 1)
    point = -1
    if subject.startswith("#"):
        point = int(subject[1:])
        rest, subject = rest.rsplit(" ", 1)
    seat, kind, choice, reason, options = rest.split(" ", 4)
    inner = options[1:-1]
    found = tuple(inner.split(",")) if inner else ()
    return Decision(seat, kind, choice, reason, found, subject, point)


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
    gauges: dict[str, list[float]] = field(default_factory=dict)
    fire: dict[str, Any] = field(default_factory=dict)
    """The wildfire: burned area over time and the cells it reached (see ``sim.model.wildfire``)."""
    """Each gauge's level (m) every ``GAUGE_STEP_MIN`` minutes from the start."""


GAUGE_STEP_MIN = 10.0

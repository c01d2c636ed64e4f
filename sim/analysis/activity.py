"""What each unit was doing over the exercise, from the event log: a timeline of states.

States: mobilising (dispatched until it leaves), travelling, waiting at a border post,
waiting (for a route, daylight, a grounding or a repair), on scene, returning (released
until back at base; a unit that never got back stayed idle where it was), down (broken
down) and idle (everything else).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sim import log
from sim.analysis.incidents import unit_waits
from sim.log import RunLog

STATES = (
    "mobilising",
    "travelling",
    "at border",
    "waiting",
    "on scene",
    "returning",
    "down",
    "idle",
)
"""Every state a unit can be in, in the order a timeline's legend lists them."""


@dataclass(frozen=True)
class Span:
    """One stretch of a unit's time in one state (minutes from the start)."""

    start: float
    end: float
    state: str
    incident: int = -1


def _moving(event: str) -> str | None:
    """The state a unit enters at one of its events (None: the event changes nothing)."""
    return {
        log.DISPATCHED: "mobilising",
        log.MOBILISED: "travelling",
        log.BORDER_ARRIVED: "at border",
        log.BORDER_CLEARED: "travelling",
        log.ON_SCENE: "on scene",
        log.RETURNED: "idle",
    }.get(event)


def unit_activity(run: RunLog) -> dict[str, list[Span]]:
    """Each unit's spans over the run, in time order, covering it from start to end.

    A border post's stand-down (``border_left``) sends the unit back (returning). Waits
    (``no_route``, ``waited``) and breakdowns (``unit_down`` to ``unit_repaired``) are laid
    over the movement they interrupt.
    """
    state: dict[str, str] = {u.id: "idle" for u in run.units}
    since: dict[str, float] = {u.id: 0.0 for u in run.units}
    incident_of: dict[str, int] = defaultdict(lambda: -1)
    spans: dict[str, list[Span]] = {u.id: [] for u in run.units}
    overlays: dict[str, list[Span]] = defaultdict(list)

    def enter(unit: str, t: float, new: str, incident: int) -> None:
        if t > since[unit]:
            spans[unit].append(Span(since[unit], t, state[unit], incident_of[unit]))
        state[unit], since[unit] = new, t
        incident_of[unit] = incident if new != "idle" else -1

    for (incident, unit), waits in unit_waits(run).items():
        overlays[unit] += [Span(t, t + minutes, "waiting", incident) for t, _, minutes in waits]
    going_home = _going_home(run)
    for t, event, incident, unit, detail in run.events:
        if unit not in state:
            continue
        if event in (log.RELEASED, log.STOOD_DOWN, log.BORDER_LEFT):
            enter(unit, t, "returning" if (unit, t) in going_home else "idle", incident)
        elif event == log.BORDER_CLEARED and incident < 0:
            enter(unit, t, "returning", incident)
        elif event == log.UNIT_DOWN:
            end = min(t + float(detail), run.horizon_min)
            overlays[unit].append(Span(t, end, "down", -1))
        elif (new := _moving(event)) is not None:
            enter(unit, t, new, incident)
    for unit in spans:
        enter(unit, run.horizon_min, "idle", -1)
    return {unit: _overlay(spans[unit], overlays[unit]) for unit in spans}


def _going_home(run: RunLog) -> set[tuple[str, float]]:
    """(unit, time) of each release after which the unit got home before its next task; a
    unit that never got back (tasked again from where it was, or with no way home) stayed
    idle where it was."""
    released: dict[str, float] = {}
    home: set[tuple[str, float]] = set()
    for t, event, _, unit, _ in run.events:
        if event in (log.RELEASED, log.STOOD_DOWN, log.BORDER_LEFT):
            released.setdefault(unit, t)
        elif event == log.DISPATCHED:
            released.pop(unit, None)
        elif event == log.RETURNED and unit in released:
            home.add((unit, released.pop(unit)))
    return home


def _overlay(base: list[Span], over: list[Span]) -> list[Span]:
    """The base spans with the overlay spans cut in (overlays win where they cover)."""
    result = base
    for cut in sorted(over, key=lambda s: s.start):
        merged: list[Span] = []
        for span in result:
            if span.end <= cut.start or span.start >= cut.end:
                merged.append(span)
                continue
            if span.start < cut.start:
                merged.append(Span(span.start, cut.start, span.state, span.incident))
            if span.end > cut.end:
                merged.append(Span(cut.end, span.end, span.state, span.incident))
        merged.append(cut)
        result = sorted(merged, key=lambda s: s.start)
    return result


def time_in_states(spans: list[Span]) -> dict[str, float]:
    """Minutes spent in each state."""
    totals = dict.fromkeys(STATES, 0.0)
    for span in spans:
        totals[span.state] += span.end - span.start
    return totals

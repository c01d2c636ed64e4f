"""What the facilitator and each seat see of an exercise, as plain values for the pages.

A seat sees only what its organisation would know: the incidents it plans for, its own
units, the messages it received, warnings for its villages, and its open decisions. The
facilitator sees everything.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sim import log
from sim.model import decisions as d
from sim.model.arrangements import ARRANGEMENTS, TITLES
from sim.model.comms import JOINT_CENTRE
from sim.model.entities import Incident, Unit, UnitState
from sim.model.estimates import could_arrive
from sim.play.discussion import HOTWASH_KINDS, ROOM, inject_seats, target_name, targets
from sim.play.exercise import FACILITATOR, Command, Exercise, point_key
from sim.play.messages import PURPOSE
from sim.play.players import OpenPoint
from sim.play.queue import Due, queue
from sim.report.names import Names as ReportNames

LOCAL = timezone(timedelta(hours=7), "UTC+7")
"""The exercise clock's time zone (Indochina time)."""

KIND_TITLES = {
    d.ASSIGN: "Send a unit",
    d.STAND_DOWN: "Stand a unit down",
    d.ASK: "Ask a neighbour for help",
    d.APPROVE: "Answer a request for help",
    d.EVACUATE: "Order a village evacuated",
    d.ARRANGE: "Switch an arrangement on",
}
REASONS = {
    d.NEAREST: "the capable free unit that would be on scene first",
    d.SOONER: "it would arrive before every unit already on the way",
    d.REINFORCE: "more people than one round of trips by the units on it",
    d.FASTER_UNIT: "a faster unit was sent; this one is not needed as well",
    d.NOT_NEEDED: "nobody is left to pick up",
    d.MISSES_TARGET: "own units cannot be on scene within the capability target",
    d.ARRIVES_SOONER: "another nation's unit would arrive before the current plan",
    d.REFUSED_ELSEWHERE: "another neighbour refused",
    d.UNANSWERED: "an earlier request is still unanswered",
    d.PRE_AUTHORISED: "an agreement pre-authorises the deployment",
    d.CASE_BY_CASE: "the national approval process",
    d.WARNING: "a warning came for the village",
}


class Clock:
    """Scenario minutes as the room reads them (local time, UTC+7)."""

    def __init__(self, start: datetime) -> None:
        self.start = start.astimezone(LOCAL)

    def __call__(self, minutes: float) -> str:
        if not math.isfinite(minutes):
            return "never"
        return (self.start + timedelta(minutes=minutes)).strftime("%a %d %b %H:%M")

    def hhmm(self, minutes: float) -> str:
        return (self.start + timedelta(minutes=minutes)).strftime("%H:%M")

    def field(self, minutes: float) -> str:
        """The value of a ``datetime-local`` input for this time."""
        return (self.start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")

    def minutes(self, text: str) -> float:
        """Minutes from the start for a ``datetime-local`` value (local time)."""
        at = datetime.fromisoformat(text).replace(tzinfo=LOCAL)
        return (at - self.start).total_seconds() / 60


CHOICE_WORDS = {"wait": "wait for now", "keep": "keep it going"}
"""Choices that are not a nation or a unit, in words."""


@dataclass(frozen=True)
class Names:
    """Display names of an exercise's ids, in full (never cut)."""

    places: dict[str, str]
    needs: dict[str, str]
    nations: dict[str, str]
    units: dict[str, str]

    @classmethod
    def of(cls, ex: Exercise) -> Names:
        s = ex.scenario
        full = ReportNames.of(s).units_in_full
        units = {}
        for group in s.units:
            for unit in group.unit_ids():
                units[unit] = f"{group.nation} {full[unit]}"
        return cls(
            {p.id: p.name for p in s.places} | {c.id: c.name for c in s.crossings},
            {n.id: n.name.split(" (")[0] for n in s.needs},
            {n.code: n.name for n in s.nations} | {JOINT_CENTRE: "Joint coordination centre"},
            units,
        )

    def seat(self, seat: str) -> str:
        if seat == FACILITATOR:
            return "Facilitator"
        return self.nations.get(seat.removesuffix("-local"), seat) + (
            " (local authorities)" if seat.endswith("-local") else ""
        )

    def choice(self, choice: str) -> str:
        """A decision's choice as the room reads it: a nation or unit by name, a wait in
        words."""
        if choice in self.nations:
            return self.nations[choice]
        return self.units.get(choice) or CHOICE_WORDS.get(choice, choice)

    def incident(self, incident: Incident) -> str:
        return f"{self.needs.get(incident.need.id, incident.need.name)} at {incident.place.name}"

    def unit(self, unit: Unit) -> str:
        return self.units.get(unit.id, unit.id)


def _doing(u: Unit) -> str:
    """What a unit on an incident is doing, in a word or two."""
    if u.blocked and u.state in (UnitState.TRAVELLING, UnitState.RETURNING):
        return "no route"
    return u.state.value.replace("_", " ")


def _incident_row(ex: Exercise, names: Names, clock: Clock, i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "name": names.incident(i),
        "nation": i.place.nation,
        "people": i.people,
        "remaining": i.remaining,
        "priority": i.priority,
        "occurred": clock(i.occurred_at),
        "reported": clock(i.reported_at) if math.isfinite(i.reported_at) else "not yet",
        "target": clock(i.target_at),
        "units": [f"{names.unit(u)} — {_doing(u)}" for u in i.assigned],
        "requests": [
            f"{names.nations.get(n, n)}: {status} {clock.hhmm(at)}"
            for n, (status, at) in sorted(i.requests.items())
        ],
        "waiting": i.waiting_reason.replace("_", " "),
        "open": i.remaining > 0,
    }


WAIT_CAUSES = {"daylight": "daylight", "grounding": "the grounding to lift", "repair": "repair"}


def _waits(ex: Exercise) -> dict[str, tuple[str, float]]:
    """Each unit's latest wait before it could move or work: its cause and its end."""
    waits = {}
    for t, event, _, unit, detail in ex.sim.log.events:
        if event == log.WAITED:
            cause, minutes = detail.split(" ")
            waits[unit] = (cause, t + float(minutes))
    return waits


def _unit_rows(ex: Exercise, names: Names, clock: Clock, units: list[Unit]) -> list[dict[str, Any]]:
    waits = _waits(ex)
    return [_unit_row(ex, names, clock, u, waits.get(u.id)) for u in units]


def _unit_row(
    ex: Exercise, names: Names, clock: Clock, u: Unit, wait: tuple[str, float] | None
) -> dict[str, Any]:
    down = u.down_until > ex.now
    state = u.state.value.replace("_", " ")
    moving = u.state in (UnitState.TRAVELLING, UnitState.RETURNING)
    if down:
        state = "broken down"
    elif u.task is not None and u.state is UnitState.IDLE:
        state = "setting off"
    elif moving and u.blocked:
        where = names.places.get(u.task.place.id, "") if u.task is not None else "base"
        state = f"no route to {where}: the roads there are closed or flooded now"
    elif moving and u.heading is None and wait is not None and wait[1] > ex.now:
        state = f"waiting for {WAIT_CAUSES.get(wait[0], wait[0])} until {clock.hhmm(wait[1])}"
    return {
        "id": u.id,
        "name": names.unit(u),
        "state": state,
        "where": names.places.get(u.location, u.location),
        "heading": names.places.get(u.heading or "", "") if moving else "",
        "task": names.incident(u.task) if u.task is not None else "",
        "tasked_by": u.tasked_by,
        "free": u.task is None and not down,
    }


def _option_fact(clock: Clock, kind: str, fact: str) -> str:
    if not fact:
        return ""
    if fact == "never":
        return "cannot get there"
    try:
        minutes = float(fact)
    except ValueError:
        return fact
    return f"on scene about {clock(minutes)}" if kind in (d.ASSIGN, d.ASK) else fact


def point_row(
    ex: Exercise, names: Names, clock: Clock, item: OpenPoint, show_doctrine: bool, when: Due
) -> dict[str, Any]:
    """An open decision as a seat's page shows it: options with facts, doctrine's choice,
    and when it is due."""
    p = item.point
    incident = ex.sim.incidents[p.incident] if p.incident >= 0 else None
    about = names.incident(incident) if incident else names.places.get(p.subject, p.subject)
    facts = []
    if incident is not None:
        facts.append(f"{incident.remaining} of {incident.people} people still waiting")
        facts.append(f"capability target: on scene by {clock(incident.target_at)}")
        if incident.assigned:
            facts.append("on it: " + ", ".join(names.unit(u) for u in incident.assigned))
    options = []
    for o in p.options:
        label = "wait for now" if o.choice == "wait" else o.choice
        if p.kind in (d.ASK,) and o.choice in names.nations:
            label = names.nations[o.choice]
        elif p.kind in (d.ASSIGN, d.STAND_DOWN):
            unit = next((u for u in ex.sim.units if u.id == o.choice), None)
            label = (
                names.unit(unit)
                if unit
                else {"wait": "wait for now", "keep": "keep it going"}.get(o.choice, o.choice)
            )
        options.append(
            {"choice": o.choice, "label": label, "fact": _option_fact(clock, p.kind, o.fact)}
        )
    proposal = next((o["label"] for o in options if o["choice"] == p.proposal.choice), "")
    request = None
    if p.kind == d.APPROVE and incident is not None:
        request = request_card(ex, names, clock, item.seat, incident)
    return {
        "number": item.number,
        "key": point_key(p),
        "seat": item.seat,
        "decider": names.seat(p.seat),
        "title": KIND_TITLES.get(p.kind, p.kind),
        "about": about,
        "raised": clock(p.at_min),
        "facts": facts,
        "options": options,
        "incident": p.incident,
        "request": request,
        "due": _due(names, clock, ex.now, when, options),
        "doctrine": proposal if show_doctrine else "",
        "doctrine_reason": REASONS.get(p.proposal.reason, p.proposal.reason)
        if show_doctrine
        else "",
    }


def _due(
    names: Names, clock: Clock, now: float, when: Due, options: list[dict[str, Any]]
) -> dict[str, str]:
    """When a point is due, in short (for a queue) and in a sentence (on its card)."""
    if not when.timed:
        return {"short": "due before the next move", "sentence": "", "state": "untimed"}
    target = clock(when.target)
    label = next((o["label"] for o in options if o["choice"] == when.option), "")
    label = label or names.choice(when.option)
    if when.overdue(now):
        return {
            "short": "overdue: the target is missed",
            "sentence": f"The capability target ({target}) is missed whatever is chosen now:"
            f" the soonest, {label}, would be on scene about {clock(when.soonest)}.",
            "state": "overdue",
        }
    return {
        "short": f"due {clock(when.by)}",
        "sentence": f"Decide by {clock(when.by)} for {label} to be on scene by the capability"
        f" target ({target}).",
        "state": "timed",
    }


def points_rows(
    ex: Exercise, names: Names, clock: Clock, seat: str | None, show_doctrine: bool
) -> list[dict[str, Any]]:
    """A seat's open decisions (every seat's when None) as cards, the most pressing first
    (``sim.play.queue``)."""
    rows = [point_row(ex, names, clock, p, show_doctrine, when) for p, when in queue(ex, seat)]
    return _distinct(ex, clock, rows)


def room_queue(ex: Exercise, names: Names, points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each seat's open decisions before the next move, for the facilitator: how many, and
    the most pressing."""
    rows = []
    for seat in ex.seats:
        mine = [p for p in points if p["seat"] == seat]
        rows.append(
            {
                "seat": seat,
                "name": names.seat(seat),
                "count": len(mine),
                "first": f"{mine[0]['title']}: {mine[0]['about']}" if mine else "",
                "number": mine[0]["number"] if mine else -1,
                "due": mine[0]["due"] if mine else None,
            }
        )
    return rows


def _distinct(ex: Exercise, clock: Clock, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decision cards whose titles would be the same, told apart by when their incident was
    reported and how many people it concerns."""
    titles = Counter((r["title"], r["about"]) for r in rows)
    for r in rows:
        if titles[r["title"], r["about"]] > 1 and r["incident"] >= 0:
            i = ex.sim.incidents[r["incident"]]
            r["about"] += f" ({i.people} people, reported {clock(i.reported_at)})"
    return rows


UNITS_ON_A_CARD = 6
"""A request card's own units that could go, soonest first."""


def request_card(
    ex: Exercise, names: Names, clock: Clock, seat: str, incident: Incident
) -> dict[str, Any]:
    """What a seat asked for help weighs: who asks, for what and how many people, its own
    units that could go (when each would be on scene) and what sending each leaves at
    home."""
    sim = ex.sim
    asker = incident.place.nation
    for _, event, number, _, detail in sim.log.events:
        if event == log.MESSAGE_DELIVERED and number == incident.id:
            purpose, route, _ = detail.split(" ")
            sender, receiver = route.split(">")
            if purpose == "request" and receiver == seat:
                asker = sender
    capable = [u for u in sim.units if u.nation == seat and u.can_serve(incident)]
    arrivals = [(could_arrive(sim, u, incident), u) for u in capable]
    arrivals.sort(key=lambda a: (math.inf if a[0] is None else a[0], a[1].id))
    units = []
    for eta, u in arrivals[:UNITS_ON_A_CARD]:
        when = "cannot get there now" if eta is None else f"on scene about {clock(eta)}"
        busy = f" (now on {names.incident(u.task)})" if u.task is not None else ""
        units.append({"name": names.unit(u), "when": when + busy, "leaves": _leaves(ex, seat, u)})
    return {
        "asker": names.seat(asker),
        "need": incident.need.name.split(" (")[0],
        "place": incident.place.name,
        "nation": names.seat(incident.place.nation),
        "people": incident.people,
        "remaining": incident.remaining,
        "target": clock(incident.target_at),
        "units": units,
        "none": "" if capable else f"{names.seat(seat)} has no unit that can do this",
    }


def _leaves(ex: Exercise, seat: str, unit: Unit) -> str:
    """What sending a unit abroad leaves at home: the free units of its type, against the
    reserve the nation keeps while threatened."""
    sim = ex.sim
    same = [u for u in sim.units if u.nation == seat and u.type is unit.type]
    home = [u for u in same if u.task is None or u.task.place.nation == seat]
    left = len(home) - (unit in home)
    text = f"leaves {left} of {len(same)} at home"
    reserves = sim.scenario.coordination.mutual_assistance.reserves
    keep = {r.unit_type: r.keep for r in reversed(reserves) if r.nation == seat}
    kept = keep.get(unit.type.id, keep.get(None))
    if kept is not None and sim.planner.threatened(seat) and left < kept:
        text += f", fewer than the {kept} kept while threatened"
    return text


def _messages(ex: Exercise, names: Names, clock: Clock, seat: str | None) -> list[dict[str, Any]]:
    rows = []
    for t, event, incident, _, detail in ex.sim.log.events:
        if event != log.MESSAGE_DELIVERED:
            continue
        purpose, route, kind = detail.split(" ")
        if purpose == PURPOSE:  # the seats' own, shown with their text
            continue
        sender, receiver = route.split(">")
        if seat is not None and receiver != seat:
            continue
        about = names.incident(ex.sim.incidents[incident]) if incident >= 0 else ""
        rows.append(
            {
                "at": clock(t),
                "what": purpose,
                "from": names.seat(sender),
                "to": names.seat(receiver),
                "by": kind,
                "about": about,
            }
        )
    return rows[::-1]


def seat_messages(ex: Exercise, names: Names, clock: Clock, seat: str | None) -> list[Any]:
    """The seats' messages a seat sent or has received (every one for the facilitator),
    newest first: a message is shown to its receiver once delivered."""
    rows = []
    for m in ex.messages:
        arrived = m.delivered_at is not None
        if seat is not None and seat != m.sender and not (seat == m.receiver and arrived):
            continue
        how = CHANNEL_NAMES.get(m.channel, m.channel) + (", interpreted" if m.interpreted else "")
        if m.delivered_at is not None:
            status = f"delivered {clock(m.delivered_at)} ({_took(m.delivered_at - m.at)}, {how})"
        else:
            status = f"on its way ({how})"
        rows.append(
            {
                "at": clock(m.at),
                "from": names.seat(m.sender),
                "to": names.seat(m.receiver),
                "text": m.text,
                "status": status,
                "mine": m.sender == seat,
            }
        )
    return rows[::-1]


CHANNEL_NAMES = {"diplomatic": "diplomatic note", "liaison": "liaison officer"}
"""Channels as the room says them (others by their own name)."""


def _took(minutes: float) -> str:
    hours, rest = divmod(round(minutes), 60)
    return f"took {hours} h {rest:02d} min" if hours else f"took {rest} min"


def _choice(names: Names, kind: str, choice: str) -> str:
    """A decision's choice by name: an arrangement, a nation, a unit."""
    if kind == d.ARRANGE:
        return TITLES.get(choice, choice)
    return names.choice(choice)


def _decisions(ex: Exercise, names: Names, clock: Clock, seat: str | None) -> list[dict[str, Any]]:
    rows = []
    for t, event, incident, _, detail in ex.sim.log.events:
        if event != log.DECISION:
            continue
        dec = log.parse_decision(detail)
        if dec.kind == d.HOLD or (seat is not None and dec.seat.removesuffix("-local") != seat):
            continue
        about = names.incident(ex.sim.incidents[incident]) if incident >= 0 else ""
        if dec.kind == d.EVACUATE:
            about = names.places.get(dec.subject, dec.subject)
        rows.append(
            {
                "at": clock(t),
                "seat": names.seat(dec.seat),
                "what": KIND_TITLES.get(dec.kind, dec.kind),
                "about": about,
                "choice": _choice(names, dec.kind, dec.choice),
                "by": ""
                if dec.seat == FACILITATOR
                else {"player": "players", "lapsed": "doctrine (lapsed)"}.get(
                    dec.reason, "doctrine"
                ),
            }
        )
    return rows[::-1]


def _injects(
    ex: Exercise, names: Names, clock: Clock
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    from sim.report.msel import inject_subject

    delivered = {int(e[4]) for e in ex.sim.log.events if e[1] == log.INJECT}
    rows, upcoming, report_names = [], None, ReportNames.of(ex.scenario)
    for info in ex.sim.log.injects:
        inject = ex.scenario.injects[info.number]
        seats = inject_seats(ex.scenario, inject) if inject.discussion else ()
        row = {
            "number": info.number + 1,
            "at": clock(info.at_min),
            "type": info.type.replace("_", " "),
            "subject": inject_subject(inject, info.subject, report_names),
            "synopsis": info.synopsis,
            "expected": info.expected_action,
            "questions": list(inject.discussion),
            "seats": seats,
            "for": ", ".join(names.seat(s) for s in seats),
        }
        if info.number in delivered:
            rows.append(row)
        elif upcoming is None:
            upcoming = row
    return rows[::-1], upcoming


def arrangement_rows(ex: Exercise, names: Names, clock: Clock) -> list[dict[str, Any]]:
    """Each arrangement that can be switched on: whether it is in force, since when, by whom."""
    switched = {t.choice: t for t in ex.taken if t.action and t.kind == d.ARRANGE}
    rows = []
    for a in ARRANGEMENTS:
        by = switched.get(a.name)
        rows.append(
            {
                "name": a.name,
                "title": a.title,
                "description": a.description,
                "in_force": a.name in ex.sim.in_force,
                "since": "from the start" if by is None else f"since {clock(by.at)}",
                "by": "" if by is None else names.seat(by.seat),
            }
        )
    return rows


def common(ex: Exercise) -> tuple[Names, Clock, dict[str, Any]]:
    """Names, the clock, and what every page shows (the time, the end)."""
    names, clock = Names.of(ex), Clock(ex.scenario.scenario.start)
    return (
        names,
        clock,
        {
            "scenario": ex.scenario.scenario.name,
            "now": clock(ex.now),
            "now_field": clock.field(ex.now),
            "elapsed": f"{ex.now / 60:.1f} h of {ex.horizon / 60:.0f} h",
            "end": clock(ex.horizon),
            "finished": ex.finished,
            "nations": names.nations,
        },
    )


def facilitator_view(ex: Exercise, show_doctrine: bool) -> dict[str, Any]:
    """Everything, for the facilitator's page."""
    names, clock, view = common(ex)
    delivered, upcoming = _injects(ex, names, clock)
    sim = ex.sim
    points = points_rows(ex, names, clock, None, show_doctrine)
    view |= {
        "arrangements": arrangement_rows(ex, names, clock),
        "points": points,
        "queue": room_queue(ex, names, points),
        "injects": delivered,
        "upcoming": upcoming,
        "incidents": [_incident_row(ex, names, clock, i) for i in reversed(sim.incidents)],
        "units": _unit_rows(ex, names, clock, sim.units),
        "crossings": [
            {
                "name": c.spec.name,
                "state": "closed" if c.closed else ("open 24 h" if c.window is None else "open"),
                "hours": c.spec.hours or "24 h",
            }
            for c in sim.crossings.values()
        ],
        "messages": _messages(ex, names, clock, None)[:40],
        "seat_messages": seat_messages(ex, names, clock, None),
        "decisions": _decisions(ex, names, clock, None),
        "rewind_points": [
            (
                c["point"],
                f"{clock(c['at'])} {names.seat(c['seat'])}: {KIND_TITLES.get(c['kind'], c['kind'])}"
                f" — {_choice(names, c['kind'], c['choice'])}",
            )
            for c in ex.commands
            if c["do"] == "decide"
        ],
    }
    return view


def seat_view(
    ex: Exercise, seat: str, show_doctrine: bool, may_arrange: bool = True
) -> dict[str, Any]:
    """What one seat knows, for its page (``may_arrange``: the facilitator lets the seats
    switch arrangements on)."""
    names, clock, view = common(ex)
    sim = ex.sim
    incidents = ex.known_incidents(seat)
    asked = [  # a neighbour's, on which the seat was asked for help
        i for i in sim.incidents if seat in i.requests and i.remaining > 0 and i not in incidents
    ]
    own_units = [u for u in sim.units if seat in sim.planner.taskers(u)]
    villages = [
        {"id": p.id, "name": p.name, "ordered": p.id in sim.evacuation_ordered_at}
        for p in ex.scenario.places
        if p.nation == seat and p.population
    ]
    view |= {
        "seat": seat,
        "seat_name": names.seat(seat),
        "points": points_rows(ex, names, clock, seat, show_doctrine),
        "incidents": [_incident_row(ex, names, clock, i) for i in incidents + asked],
        "planned": [{"id": i.id, "name": names.incident(i)} for i in incidents],
        "units": _unit_rows(ex, names, clock, own_units),
        "messages": _messages(ex, names, clock, seat),
        "seat_messages": seat_messages(ex, names, clock, seat),
        "others": [(s, names.seat(s)) for s in ex.seats if s != seat],
        "decisions": _decisions(ex, names, clock, seat),
        "warnings": [
            {"place": names.places[p], "count": n}
            for p, n in sorted(sim.warnings.items())
            if sim.geography.places[p].nation == seat
        ],
        "villages": [v for v in villages if not v["ordered"]],
        "neighbours": [(c, n) for c, n in names.nations.items() if c not in (seat, JOINT_CENTRE)],
        "arrangements": arrangement_rows(ex, names, clock),
        "may_arrange": may_arrange,
        "questions": [
            i for i in _injects(ex, names, clock)[0] if i["questions"] and seat in i["seats"]
        ],
    }
    return view


CHANGES_SHOWN = 12
"""Lines of "what changed since the last move" on the projector."""


def projector_view(ex: Exercise) -> dict[str, Any]:
    """What the room's screen shows: the clock, the inject to read aloud, and what changed
    since the facilitator last moved the clock."""
    names, clock, view = common(ex)
    delivered, _ = _injects(ex, names, clock)
    moves = [c for c in ex.commands if c["do"] in ("advance", "next")]
    since = moves[-1]["at"] if moves else 0.0
    changes = _changes(ex, names, since)
    view |= {
        "inject": delivered[0] if delivered else None,
        "since": clock(since),
        "changes": changes[:CHANGES_SHOWN],
        "more": max(0, len(changes) - CHANGES_SHOWN),
        "waiting": len(ex.open_points()),
        "waiting_for": ", ".join(
            f"{names.seat(seat)} ({n})" for seat in ex.seats if (n := len(ex.open_points(seat)))
        ),
    }
    return view


def _changes(ex: Exercise, names: Names, since: float) -> list[str]:
    """What happened after ``since`` up to now, in sentences, in order, with what the
    seats decided at ``since`` (before the clock moved on)."""
    sim, out = ex.sim, []

    def incident(number: int) -> str:
        return names.incident(sim.incidents[number])

    for t, event, number, unit, detail in sim.log.events:
        if t < since or (t == since and event != log.DECISION):  # shown before the move
            continue
        if event == log.REPORTED:
            i = sim.incidents[number]
            out.append(f"{incident(number)} reported: {i.people} people")
        elif event == log.ON_SCENE:
            out.append(f"{names.units.get(unit, 'a unit')} on scene: {incident(number)}")
        elif event == log.RESOLVED:
            out.append(f"Everyone helped: {incident(number)}")
        elif event in (log.APPROVED, log.REFUSED):
            asker, asked = detail.split(">")
            verb = "agreed to help" if event == log.APPROVED else "refused to help"
            out.append(f"{names.seat(asked)} {verb} {names.seat(asker)}: {incident(number)}")
        elif event in (log.ROAD_CLOSED, log.ROAD_REOPENED):
            ends = " – ".join(names.places.get(p, p) for p in detail.split("--"))
            out.append(f"Road {ends} {'closed' if event == log.ROAD_CLOSED else 'reopened'}")
        elif event in (log.CROSSING_CLOSED, log.CROSSING_REOPENED):
            state = "closed" if event == log.CROSSING_CLOSED else "reopened"
            out.append(f"Crossing {names.places.get(detail, detail)} {state}")
        elif event == log.EVACUATION_ORDERED:
            out.append(f"Evacuation of {names.places.get(detail, detail)} ordered")
        elif event == log.ARRANGEMENT_ON:
            out.append(f"In force now: {TITLES.get(detail, detail)}")
        elif event == log.DECISION:
            dec = log.parse_decision(detail)
            if dec.reason == d.PLAYER and dec.kind != d.ARRANGE:
                what = KIND_TITLES.get(dec.kind, dec.kind).lower()
                choice = names.choice(dec.choice)
                about = f" ({incident(number)})" if number >= 0 else ""
                out.append(f"{names.seat(dec.seat)} decided to {what}{about}: {choice}")
    return out


def said_view(ex: Exercise, said: list[Command], seat: str | None = None) -> dict[str, Any]:
    """The observers' notes (on one seat, or all) and the hot wash so far, and what the
    forms to add to them offer."""
    names, clock = Names.of(ex), Clock(ex.scenario.scenario.start)

    def who(code: str) -> str:
        return "the room" if code == ROOM else names.seat(code)

    notes = [
        {
            "at": clock(c["at"]),
            "seat": names.seat(c["seat"]),
            "target": target_name(ex.scenario, c["target"]),
            "text": c["text"],
        }
        for c in said
        if c["do"] == "note" and seat in (None, c["seat"])
    ]
    hotwash = [
        {
            "target": name,
            "points": [
                {"kind": HOTWASH_KINDS[c["kind"]], "text": c["text"], "by": who(c["raised_by"])}
                for c in said
                if c["do"] == "hotwash" and c["target"] == target
            ],
        }
        for target, name in targets(ex.scenario)
    ]
    return {
        "notes": notes[::-1],
        "hotwash": [h for h in hotwash if h["points"]],
        "targets": targets(ex.scenario),
        "hotwash_kinds": list(HOTWASH_KINDS.items()),
        "raisers": [(s, names.seat(s)) for s in ex.seats] + [(ROOM, "the room")],
    }


PAPERS = {"a4": "A4", "letter": "Letter"}
"""The paper sizes handouts print on."""


def handout_view(ex: Exercise, seat: str | None) -> dict[str, Any]:
    """A printed handout: the situation manual (the scenario, objectives, seats, capability
    targets, rules of play), then a seat's briefing (its EOCs, units, crossings and channels
    to the other seats) or, for the facilitator (``seat`` None), the whole MSEL."""
    from sim.report.aar import objectives
    from sim.scenario import format_duration

    names, clock = Names.of(ex), Clock(ex.scenario.scenario.start)
    s = ex.scenario
    view: dict[str, Any] = {
        "scenario": s.scenario.name,
        "description": s.scenario.description.strip(),
        "start": clock(0),
        "end": clock(ex.horizon),
        "duration": format_duration(ex.horizon),
        "objectives": objectives(s),
        "seats": [names.seat(x) for x in ex.seats],
        "targets": [
            {"name": name, "target": format_duration(n.target)}
            for n, (_, name) in zip(s.needs, targets(s), strict=True)
        ],
        "seat": seat,
        "seat_name": names.seat(seat) if seat else "",
        "briefing": _briefing(ex, names, seat) if seat else None,
        "msel": None
        if seat
        else [i | {"number": n} for n, i in enumerate(_msel_rows(ex, names, clock), start=1)],
    }
    return view


def _briefing(ex: Exercise, names: Names, seat: str) -> dict[str, Any]:
    from sim.scenario import format_duration

    s, comms = ex.scenario, ex.sim.comms
    nation = next((n for n in s.nations if n.code == seat), None)
    eocs = nation.eocs if nation else ()
    units: Counter[str] = Counter()
    for group in s.units:
        if group.nation == seat:
            units[names.units[group.unit_ids()[0]]] += group.count
    nation_of = {p.id: p.nation for p in s.places}
    crossings = []
    for c in s.crossings:
        sides = [nation_of[p] for p in c.posts]
        if seat in sides:
            other = sides[1] if sides[0] == seat else sides[0]
            crossings.append({"name": c.name, "hours": c.hours, "with": names.seat(other)})
    channels = []
    for other in ex.seats:
        if other == seat:
            continue
        channel = comms.channel(seat, other)
        channels.append(
            {
                "with": names.seat(other),
                "kind": CHANNEL_NAMES.get(channel.kind, channel.kind),
                "takes": f"about {format_duration(channel.latency.mean)}",
                "interpreter": comms.needs_interpreter(seat, other),
            }
        )
    return {
        "agency": nation.agency if nation else "",
        "eocs": [f"{e.name} ({names.places.get(e.place, e.place)})" for e in eocs],
        "units": [
            {"name": name.removeprefix(f"{seat} "), "count": count}
            for name, count in sorted(units.items())
        ],
        "crossings": crossings,
        "channels": channels,
    }


def _msel_rows(ex: Exercise, names: Names, clock: Clock) -> list[dict[str, Any]]:
    from sim.report.msel import inject_subject

    report_names, rows = ReportNames.of(ex.scenario), []
    for info in ex.sim.log.injects:
        inject = ex.scenario.injects[info.number]
        seats = inject_seats(ex.scenario, inject)
        rows.append(
            {
                "at": clock(info.at_min),
                "type": info.type.replace("_", " "),
                "subject": inject_subject(inject, info.subject, report_names),
                "synopsis": info.synopsis,
                "expected": info.expected_action,
                "for": ", ".join(names.seat(x) for x in seats),
                "questions": list(inject.discussion),
            }
        )
    return rows

"""What the facilitator and each seat see of an exercise, as plain values for the pages.

A seat sees only what its organisation would know: the incidents it plans for, its own
units, the messages it received, warnings for its villages, and its open decisions. The
facilitator sees everything. Each reader's view is in their language (``sim.i18n``): its
words from the catalogues, its times in the locale, names in the reader's script with the
romanised name beside.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sim import log
from sim.decisions import points as d
from sim.decisions.commands import FACILITATOR, Advance, Decide, Hotwash, Next, Note
from sim.decisions.discussion import HOTWASH_KINDS, ROOM, inject_seats
from sim.decisions.exercise import Exercise, point_key
from sim.decisions.messages import PURPOSE
from sim.decisions.players import OpenPoint
from sim.i18n import N_, Translator, translator
from sim.model.arrangements import ARRANGEMENTS, TITLES
from sim.model.comms import JOINT_CENTRE
from sim.model.entities import Incident, Unit, UnitState
from sim.model.estimates import could_arrive
from sim.play.queue import Due, queue
from sim.report.html import MESSAGE_WORDS
from sim.report.names import Names as ReportNames
from sim.report.names import in_script
from sim.scenario.schema import Scenario
from sim.scenario.text import text_in

LOCAL = timezone(timedelta(hours=7), "UTC+7")
"""The exercise clock's time zone (Indochina time)."""

KIND_TITLES = {
    d.ASSIGN: N_("Send a unit"),
    d.STAND_DOWN: N_("Stand a unit down"),
    d.ASK: N_("Ask a neighbour for help"),
    d.APPROVE: N_("Answer a request for help"),
    d.EVACUATE: N_("Order a village evacuated"),
    d.ARRANGE: N_("Switch an arrangement on"),
    d.OFFER: N_("Offer a unit to a neighbour"),
    d.ACCEPT: N_("Answer an offer of help"),
}
REASONS = {
    d.NEAREST: N_("the capable free unit that would be on scene first"),
    d.SOONER: N_("it would arrive before every unit already on the way"),
    d.REINFORCE: N_("more people than one round of trips by the units on it"),
    d.FASTER_UNIT: N_("a faster unit was sent; this one is not needed as well"),
    d.NOT_NEEDED: N_("nobody is left to pick up"),
    d.MISSES_TARGET: N_("own units cannot be on scene within the capability target"),
    d.ARRIVES_SOONER: N_("another nation's unit would arrive before the current plan"),
    d.REFUSED_ELSEWHERE: N_("another neighbour refused"),
    d.UNANSWERED: N_("an earlier request is still unanswered"),
    d.PRE_AUTHORISED: N_("an agreement pre-authorises the deployment"),
    d.CASE_BY_CASE: N_("the national approval process"),
    d.WARNING: N_("a warning came for the village"),
    d.NOT_SOONER: N_("the help already on its way would be there as soon"),
    d.NOT_POSSIBLE: N_("the unit offered can no longer go"),
}
WAITING = {
    d.NO_CAPABLE_UNIT: N_("no capable unit"),
    d.NO_FREE_UNIT: N_("no free unit"),
    d.NO_ROUTE: N_("no route"),
    d.RESERVE: N_("units kept in reserve"),
}
"""Why an incident waits with no unit on it."""
STATES = {
    "idle": N_("idle"),
    "mobilising": N_("mobilising"),
    "travelling": N_("travelling"),
    "at_border": N_("at the border"),
    "on_scene": N_("on scene"),
    "returning": N_("returning"),
}
"""What a unit is doing (``UnitState``), in words."""
REQUEST_STATES = {
    "sent": N_("sent"),
    "approved": N_("approved"),
    "refused": N_("refused"),
    "withdrawn": N_("withdrawn"),
}
"""Where a request for help stands."""


class Clock:
    """Scenario minutes as the room reads them (local time, UTC+7, in the reader's
    language)."""

    def __init__(self, start: datetime, t: Translator | None = None) -> None:
        self.start = start.astimezone(LOCAL)
        self.t = t or translator()

    def __call__(self, minutes: float) -> str:
        if not math.isfinite(minutes):
            return self.t("never")
        return self.t.moment(self.start + timedelta(minutes=minutes))

    def hhmm(self, minutes: float) -> str:
        return (self.start + timedelta(minutes=minutes)).strftime("%H:%M")

    def field(self, minutes: float) -> str:
        """The value of a ``datetime-local`` input for this time."""
        return (self.start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")

    def minutes(self, text: str) -> float:
        """Minutes from the start for a ``datetime-local`` value (local time)."""
        at = datetime.fromisoformat(text).replace(tzinfo=LOCAL)
        return (at - self.start).total_seconds() / 60


CHOICE_WORDS = {
    "wait": N_("wait for now"),
    "keep": N_("keep it going"),
    d.YES: N_("yes"),
    d.NO: N_("no"),
}
"""Choices that are not a nation or a unit, in words."""
ANSWER_WORDS = {d.YES: N_("accept"), d.NO: N_("decline")}
"""The answers to an offer of help, in words."""


@dataclass(frozen=True)
class Names:
    """Display names of an exercise's ids, in full (never cut), in the reader's language:
    places and crossings in the reader's script with the romanised name beside."""

    places: dict[str, str]
    needs: dict[str, str]
    nations: dict[str, str]
    units: dict[str, str]
    unit_types: dict[str, str]
    t: Translator

    @classmethod
    def of(cls, ex: Exercise, t: Translator | None = None) -> Names:
        t = t or translator()
        s, named = ex.scenario, ReportNames.of(ex.scenario, t.lang)
        units = {}
        for group in s.units:
            for unit in group.unit_ids():
                units[unit] = f"{group.nation} {named.units_in_full[unit]}"
        return cls(
            named.places | named.crossings,
            {n.id: named.needs[n.id].split(" (")[0] for n in s.needs},
            named.nations | {JOINT_CENTRE: t("Joint coordination centre")},
            units,
            named.unit_types,
            t,
        )

    def seat(self, seat: str) -> str:
        if seat == FACILITATOR:
            return self.t("Facilitator")
        nation = self.nations.get(seat.removesuffix("-local"), seat)
        if seat.endswith("-local"):
            return self.t("%(nation)s (local authorities)", nation=nation)
        return nation

    def choice(self, choice: str) -> str:
        """A decision's choice as the room reads it: a nation or unit by name, a wait or
        an approval in words."""
        if choice in self.nations:
            return self.nations[choice]
        only = d.only_type(choice) if d.approves(choice) else None
        if only is not None:
            return self.t("yes, %(type)s only", type=self.unit_types.get(only, only))
        return self.units.get(choice) or self.t(CHOICE_WORDS.get(choice, choice))

    def incident(self, incident: Incident) -> str:
        need = self.needs.get(incident.need.id, incident.need.name)
        place = self.places.get(incident.place.id, incident.place.name)
        return self.t("%(need)s at %(place)s", need=need, place=place)

    def unit(self, unit: Unit) -> str:
        return self.units.get(unit.id, unit.id)


def _doing(t: Translator, u: Unit) -> str:
    """What a unit on an incident is doing, in a word or two."""
    if u.blocked and u.state in (UnitState.TRAVELLING, UnitState.RETURNING):
        return t("no route")
    return t(STATES.get(u.state.value, u.state.value))


def _incident_row(ex: Exercise, names: Names, clock: Clock, i: Incident) -> dict[str, Any]:
    t = names.t
    return {
        "id": i.id,
        "name": names.incident(i),
        "nation": i.place.nation,
        "people": i.people,
        "remaining": i.remaining,
        "priority": i.priority,
        "occurred": clock(i.occurred_at),
        "reported": clock(i.reported_at) if math.isfinite(i.reported_at) else t("not yet"),
        "target": clock(i.target_at),
        "units": [f"{names.unit(u)} — {_doing(t, u)}" for u in i.assigned],
        "requests": [
            f"{names.nations.get(n, n)}: {t(REQUEST_STATES.get(status, status))} {clock.hhmm(at)}"
            for n, (status, at) in sorted(i.requests.items())
        ],
        "waiting": t(WAITING.get(i.waiting_reason, i.waiting_reason.replace("_", " "))),
        "open": i.remaining > 0,
    }


WAIT_CAUSES = {
    "daylight": N_("waiting for daylight until %(time)s"),
    "grounding": N_("waiting for the grounding to lift until %(time)s"),
    "repair": N_("waiting for repair until %(time)s"),
}


def _waits(ex: Exercise) -> dict[str, tuple[str, float]]:
    """Each unit's latest wait before it could move or work: its cause and its end."""
    return {w.unit: (w.cause, w.time_min + w.minutes) for w in ex.sim.log.waits}


def _unit_rows(ex: Exercise, names: Names, clock: Clock, units: list[Unit]) -> list[dict[str, Any]]:
    waits = _waits(ex)
    return [_unit_row(ex, names, clock, u, waits.get(u.id)) for u in units]


def _unit_row(
    ex: Exercise, names: Names, clock: Clock, u: Unit, wait: tuple[str, float] | None
) -> dict[str, Any]:
    t = names.t
    down = u.down_until > ex.now
    state = t(STATES.get(u.state.value, u.state.value))
    moving = u.state in (UnitState.TRAVELLING, UnitState.RETURNING)
    if down:
        state = t("broken down")
    elif u.task is not None and u.state is UnitState.IDLE:
        state = t("setting off")
    elif moving and u.blocked:
        where = names.places.get(u.task.place.id, "") if u.task is not None else t("base")
        state = t("no route to %(place)s: the roads there are closed or flooded now", place=where)
    elif moving and u.heading is None and wait is not None and wait[1] > ex.now:
        state = t(WAIT_CAUSES.get(wait[0], wait[0]), time=clock.hhmm(wait[1]))
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
        return clock.t("cannot get there")
    try:
        minutes = float(fact)
    except ValueError:
        return fact
    if kind in (d.ASSIGN, d.ASK, d.ACCEPT):
        return clock.t("on scene about %(time)s", time=clock(minutes))
    return fact


def point_row(
    ex: Exercise, names: Names, clock: Clock, item: OpenPoint, show_doctrine: bool, when: Due
) -> dict[str, Any]:
    """An open decision as a seat's page shows it: options with facts, doctrine's choice,
    and when it is due."""
    p, t = item.point, names.t
    incident = ex.sim.incidents[p.incident] if p.incident >= 0 else None
    about = names.incident(incident) if incident else names.places.get(p.subject, p.subject)
    facts = []
    if incident is not None:
        facts.append(
            t(
                "%(remaining)s of %(people)s people still waiting",
                remaining=incident.remaining,
                people=incident.people,
            )
        )
        facts.append(t("capability target: on scene by %(time)s", time=clock(incident.target_at)))
        if incident.assigned:
            on_it = ", ".join(names.unit(u) for u in incident.assigned)
            facts.append(t("on it: %(units)s", units=on_it))
    soonest = {}
    if p.kind == d.ACCEPT:
        offered = ex.sim.unit(p.question)
        facts.insert(
            0,
            t(
                "%(nation)s offers its %(unit)s",
                nation=names.seat(offered.nation),
                unit=names.unit(offered),
            ),
        )
        soonest = {d.YES: names.unit(offered)}  # (when it is due: the unit, not "accept")
    options = []
    for o in p.options:
        label = t(CHOICE_WORDS.get(o.choice, o.choice))
        if p.kind == d.ACCEPT:
            label = t(ANSWER_WORDS.get(o.choice, o.choice))
        if p.kind in (d.ASK,) and o.choice in names.nations:
            label = names.nations[o.choice]
        elif p.kind == d.APPROVE:
            label = names.choice(o.choice)
        elif p.kind in (d.ASSIGN, d.STAND_DOWN):
            unit = next((u for u in ex.sim.units if u.id == o.choice), None)
            label = names.unit(unit) if unit else label
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
        "title": t(KIND_TITLES.get(p.kind, p.kind)),
        "about": about,
        "raised": clock(p.at_min),
        "facts": facts,
        "options": options,
        "incident": p.incident,
        "request": request,
        "due": _due(names, clock, ex.now, when, options, soonest),
        "doctrine": proposal if show_doctrine else "",
        "doctrine_reason": t(REASONS.get(p.proposal.reason, p.proposal.reason))
        if show_doctrine
        else "",
    }


def _due(
    names: Names,
    clock: Clock,
    now: float,
    when: Due,
    options: list[dict[str, Any]],
    soonest: dict[str, str],
) -> dict[str, str]:
    """When a point is due, in short (for a queue) and in a sentence (on its card);
    ``soonest``: what an option sends, where its label does not say it."""
    t = names.t
    if not when.timed:
        return {"short": t("due before the next move"), "sentence": "", "state": "untimed"}
    target = clock(when.target)
    label = soonest.get(when.option) or next(
        (o["label"] for o in options if o["choice"] == when.option), names.choice(when.option)
    )
    if when.overdue(now):
        return {
            "short": t("overdue: the target is missed"),
            "sentence": t(
                "The capability target (%(target)s) is missed whatever is chosen now: the"
                " soonest, %(option)s, would be on scene about %(time)s.",
                target=target,
                option=label,
                time=clock(when.soonest),
            ),
            "state": "overdue",
        }
    return {
        "short": t("due %(time)s", time=clock(when.by)),
        "sentence": t(
            "Decide by %(time)s for %(option)s to be on scene by the capability target"
            " (%(target)s).",
            time=clock(when.by),
            option=label,
            target=target,
        ),
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
            r["about"] += clock.t(
                " (%(people)s people, reported %(time)s)",
                people=i.people,
                time=clock(i.reported_at),
            )
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
    arrivals = [(could_arrive(sim, u, incident, called=True), u) for u in capable]
    arrivals.sort(key=lambda a: (math.inf if a[0] is None else a[0], a[1].id))
    units = []
    t = names.t
    for eta, u in arrivals[:UNITS_ON_A_CARD]:
        when = (
            t("cannot get there now")
            if eta is None
            else t("on scene about %(time)s", time=clock(eta))
        )
        busy = t(" (now on %(incident)s)", incident=names.incident(u.task)) if u.task else ""
        units.append(
            {"name": names.unit(u), "when": when + busy, "leaves": _leaves(ex, t, seat, u)}
        )
    return {
        "asker": names.seat(asker),
        "need": names.needs.get(incident.need.id, incident.need.name),
        "place": names.places.get(incident.place.id, incident.place.name),
        "nation": names.seat(incident.place.nation),
        "people": incident.people,
        "remaining": incident.remaining,
        "target": clock(incident.target_at),
        "units": units,
        "none": ""
        if capable
        else t("%(seat)s has no unit that can do this", seat=names.seat(seat)),
    }


def _leaves(ex: Exercise, t: Translator, seat: str, unit: Unit) -> str:
    """What sending a unit abroad leaves at home: the free units of its type, against the
    reserve the nation keeps while threatened."""
    sim = ex.sim
    same = [u for u in sim.units if u.nation == seat and u.type is unit.type]
    home = [u for u in same if u.task is None or u.task.place.nation == seat]
    left = len(home) - (unit in home)
    text = t("leaves %(left)s of %(all)s at home", left=left, all=len(same))
    reserves = sim.scenario.coordination.mutual_assistance.reserves
    keep = {r.unit_type: r.keep for r in reversed(reserves) if r.nation == seat}
    kept = keep.get(unit.type.id, keep.get(None))
    if kept is not None and sim.planner.threatened(seat) and left < kept:
        text += t(", fewer than the %(kept)s kept while threatened", kept=kept)
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
                "what": names.t(MESSAGE_WORDS.get(purpose, purpose)),
                "from": names.seat(sender),
                "to": names.seat(receiver),
                "by": names.t(MESSAGE_WORDS.get(kind, kind)),
                "about": about,
            }
        )
    return rows[::-1]


def seat_messages(ex: Exercise, names: Names, clock: Clock, seat: str | None) -> list[Any]:
    """The seats' messages a seat sent or has received (every one for the facilitator),
    newest first: a message is shown to its receiver once delivered."""
    rows, t = [], names.t
    for m in ex.messages:
        arrived = m.delivered_at is not None
        if seat is not None and seat != m.sender and not (seat == m.receiver and arrived):
            continue
        how = t(CHANNEL_NAMES.get(m.channel, m.channel))
        if m.interpreted:
            how = t("%(channel)s, interpreted", channel=how)
        if m.delivered_at is not None:
            status = t(
                "delivered %(time)s (took %(duration)s, %(how)s)",
                time=clock(m.delivered_at),
                duration=t.duration(m.delivered_at - m.at),
                how=how,
            )
        else:
            status = t("on its way (%(how)s)", how=how)
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


CHANNEL_NAMES = {
    "diplomatic": N_("diplomatic note"),
    "liaison": N_("liaison officer"),
    "hotline": N_("hotline"),
    "radio": N_("radio"),
}
"""Channels as the room says them."""


def _choice(names: Names, kind: str, choice: str) -> str:
    """A decision's choice by name: an arrangement, a nation, a unit."""
    if kind == d.ARRANGE:
        return names.t(TITLES.get(choice, choice))
    if kind == d.ACCEPT:
        return names.t(ANSWER_WORDS.get(choice, choice))
    return names.choice(choice)


def _decisions(ex: Exercise, names: Names, clock: Clock, seat: str | None) -> list[dict[str, Any]]:
    rows = []
    for dec in ex.sim.log.decisions:
        if dec.event != log.DECISION:
            continue
        t, incident = dec.time_min, dec.incident
        if dec.kind == d.HOLD or (seat is not None and dec.seat.removesuffix("-local") != seat):
            continue
        about = names.incident(ex.sim.incidents[incident]) if incident >= 0 else ""
        if dec.kind == d.EVACUATE:
            about = names.places.get(dec.subject, dec.subject)
        by = {d.PLAYER: N_("players"), d.LAPSED: N_("doctrine (lapsed)")}
        rows.append(
            {
                "at": clock(t),
                "seat": names.seat(dec.seat),
                "what": names.t(KIND_TITLES.get(dec.kind, dec.kind)),
                "about": about,
                "choice": _choice(names, dec.kind, dec.choice),
                "by": ""
                if dec.seat == FACILITATOR
                else names.t(by.get(dec.reason, N_("doctrine"))),
            }
        )
    return rows[::-1]


def _injects(
    ex: Exercise, names: Names, clock: Clock
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    from sim.report.msel import INJECT_TYPES, inject_subject

    delivered = {int(e[4]) for e in ex.sim.log.events if e[1] == log.INJECT}
    rows, upcoming = [], None
    report_names = ReportNames.of(ex.scenario, names.t.lang)
    for info in ex.sim.log.injects:
        inject = ex.scenario.injects[info.number]
        seats = inject_seats(ex.scenario, inject) if inject.discussion else ()
        row = {
            "number": info.number + 1,
            "at": clock(info.at_min),
            "type": names.t(INJECT_TYPES.get(info.type, info.type.replace("_", " "))),
            "subject": inject_subject(inject, info.subject, report_names),
            "synopsis": text_in(inject.synopsis, names.t.lang),
            "expected": text_in(inject.expected_action, names.t.lang),
            "questions": [q.in_language(names.t.lang) for q in inject.discussion],
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
    rows, t = [], names.t
    for a in ARRANGEMENTS:
        by = switched.get(a.name)
        rows.append(
            {
                "name": a.name,
                "title": t(a.title),
                "description": t(a.description),
                "in_force": a.name in ex.sim.in_force,
                "since": t("from the start")
                if by is None
                else t("since %(time)s", time=clock(by.at)),
                "by": "" if by is None else names.seat(by.seat),
            }
        )
    return rows


def common(ex: Exercise, lang: str = "en") -> tuple[Names, Clock, dict[str, Any]]:
    """Names, the clock, and what every page shows (the time, the end), in a reader's
    language."""
    t = translator(lang)
    names, clock = Names.of(ex, t), Clock(ex.scenario.scenario.start, t)
    return (
        names,
        clock,
        {
            "scenario": ex.scenario.scenario.name.in_language(t.lang),
            "lang": t.lang,
            "now": clock(ex.now),
            "now_field": clock.field(ex.now),
            "elapsed": t(
                "%(elapsed)s h of %(total)s h",
                elapsed=t.number(ex.now / 60, 1),
                total=t.number(ex.horizon / 60),
            ),
            "end": clock(ex.horizon),
            "finished": ex.finished,
            "nations": names.nations,
            **t.template_globals(),
        },
    )


def facilitator_view(ex: Exercise, show_doctrine: bool, lang: str = "en") -> dict[str, Any]:
    """Everything, for the facilitator's page."""
    names, clock, view = common(ex, lang)
    t = names.t
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
                "name": names.places.get(c.spec.id, c.spec.name),
                "state": t("closed")
                if c.closed
                else (t("open 24 h") if c.window is None else t("open")),
                "hours": c.spec.hours or t("24 h"),
            }
            for c in sim.crossings.values()
        ],
        "messages": _messages(ex, names, clock, None)[:40],
        "seat_messages": seat_messages(ex, names, clock, None),
        "decisions": _decisions(ex, names, clock, None),
        "rewind_points": [
            (
                c.point,
                f"{clock(c.at)} {names.seat(c.seat)}: "
                f"{t(KIND_TITLES.get(c.kind, c.kind))}"
                f" — {_choice(names, c.kind, c.choice)}",
            )
            for c in ex.commands
            if isinstance(c, Decide)
        ],
    }
    return view


def seat_view(
    ex: Exercise, seat: str, show_doctrine: bool, may_arrange: bool = True, lang: str = "en"
) -> dict[str, Any]:
    """What one seat knows, for its page (``may_arrange``: the facilitator lets the seats
    switch arrangements on), in the reader's language."""
    names, clock, view = common(ex, lang)
    sim = ex.sim
    incidents = ex.known_incidents(seat)
    heard_of = ex.heard_of(seat)  # neighbours' incidents: it may offer them a unit
    heard = [i for i in heard_of if i not in incidents]
    own_units = [u for u in sim.units if seat in sim.planner.taskers(u)]
    villages = [
        {"id": p.id, "name": names.places[p.id], "ordered": p.id in sim.evacuation_ordered_at}
        for p in ex.scenario.places
        if p.nation == seat and p.population
    ]
    view |= {
        "seat": seat,
        "seat_name": names.seat(seat),
        "points": points_rows(ex, names, clock, seat, show_doctrine),
        "incidents": [_incident_row(ex, names, clock, i) for i in incidents + heard],
        "planned": [{"id": i.id, "name": names.incident(i)} for i in incidents],
        "heard": [
            {"id": i.id, "name": f"{names.incident(i)} ({names.seat(i.place.nation)})"}
            for i in heard_of
        ],
        "lendable": [
            {"id": u.id, "name": names.unit(u)}
            for u in own_units
            if u.nation == seat and u.state is not UnitState.ON_SCENE
        ],
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


def projector_view(ex: Exercise, lang: str = "en") -> dict[str, Any]:
    """What the room's screen shows: the clock, the inject to read aloud, and what changed
    since the facilitator last moved the clock, in the language the facilitator chose."""
    names, clock, view = common(ex, lang)
    delivered, _ = _injects(ex, names, clock)
    moves = [c for c in ex.commands if isinstance(c, Advance | Next)]
    since = moves[-1].at if moves else 0.0
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
    sim, out, t = ex.sim, [], names.t

    def incident(number: int) -> str:
        return names.incident(sim.incidents[number])

    def place(key: str) -> str:
        return names.places.get(key, key)

    roads = {r.key: (r.from_, r.to) for r in ex.scenario.roads}  # (a road named by its id)
    for record in sim.log.records():
        if isinstance(record, log.Decision):
            if record.time_min >= since and record.event == log.DECISION:
                out.extend(_decided(names, record, incident))
            continue
        if isinstance(record, log.Wait):
            continue
        at, event, number, unit, detail = record
        if at <= since:  # shown before the move
            continue
        if event == log.REPORTED:
            people = sim.incidents[number].people
            out.append(
                t(
                    "%(incident)s reported: %(people)s people",
                    incident=incident(number),
                    people=people,
                )
            )
        elif event == log.ON_SCENE:
            who = names.units.get(unit) or t("a unit")
            out.append(t("%(unit)s on scene: %(incident)s", unit=who, incident=incident(number)))
        elif event == log.RESOLVED:
            out.append(t("Everyone helped: %(incident)s", incident=incident(number)))
        elif event in (log.APPROVED, log.REFUSED):
            asker, asked = detail.split(">")
            said = N_("%(asked)s agreed to help %(asker)s: %(incident)s")
            if event == log.REFUSED:
                said = N_("%(asked)s refused to help %(asker)s: %(incident)s")
            out.append(
                t(said, asked=names.seat(asked), asker=names.seat(asker), incident=incident(number))
            )
        elif event in (log.ROAD_CLOSED, log.ROAD_REOPENED):
            road = roads.get(detail)
            ends = " – ".join(place(p) for p in (road or detail.split("--")))
            said = (
                N_("Road %(road)s closed")
                if event == log.ROAD_CLOSED
                else N_("Road %(road)s reopened")
            )
            out.append(t(said, road=ends))
        elif event in (log.CROSSING_CLOSED, log.CROSSING_REOPENED):
            said = N_("Crossing %(crossing)s closed")
            if event == log.CROSSING_REOPENED:
                said = N_("Crossing %(crossing)s reopened")
            out.append(t(said, crossing=place(detail)))
        elif event == log.EVACUATION_ORDERED:
            out.append(t("Evacuation of %(place)s ordered", place=place(detail)))
        elif event == log.ARRANGEMENT_ON:
            out.append(
                t("In force now: %(arrangement)s", arrangement=t(TITLES.get(detail, detail)))
            )
    return out


def _decided(names: Names, dec: log.Decision, incident: Callable[[int], str]) -> list[str]:
    """What the timeline says of a decision: the players' choices (but arrangements,
    which say they are in force)."""
    if dec.reason != d.PLAYER or dec.kind == d.ARRANGE:
        return []
    t = names.t
    about = f" ({incident(dec.incident)})" if dec.incident >= 0 else ""
    return [
        t(
            "%(seat)s decided: %(what)s%(about)s: %(choice)s",
            seat=names.seat(dec.seat),
            what=t(KIND_TITLES.get(dec.kind, dec.kind)),
            about=about,
            choice=_choice(names, dec.kind, dec.choice),
        )
    ]


def said_view(
    ex: Exercise, said: Sequence[Note | Hotwash], seat: str | None = None, lang: str = "en"
) -> dict[str, Any]:
    """The observers' notes (on one seat, or all) and the hot wash so far, and what the
    forms to add to them offer, in a reader's language."""
    t = translator(lang)
    names, clock = Names.of(ex, t), Clock(ex.scenario.scenario.start, t)
    goals = targets(ex.scenario, t)

    def who(code: str) -> str:
        return t("the room") if code == ROOM else names.seat(code)

    notes = [
        {
            "at": clock(c.at),
            "seat": names.seat(c.seat),
            "target": target_name(ex.scenario, c.target, t),
            "text": c.text,
        }
        for c in said
        if isinstance(c, Note) and seat in (None, c.seat)
    ]
    hotwash = [
        {
            "target": name,
            "points": [
                {"kind": t(HOTWASH_KINDS[c.kind]), "text": c.text, "by": who(c.raised_by)}
                for c in said
                if isinstance(c, Hotwash) and c.target == target
            ],
        }
        for target, name in goals
    ]
    return {
        "notes": notes[::-1],
        "hotwash": [h for h in hotwash if h["points"]],
        "targets": goals,
        "hotwash_kinds": [(k, t(name)) for k, name in HOTWASH_KINDS.items()],
        "raisers": [(s, names.seat(s)) for s in ex.seats] + [(ROOM, t("the room"))],
    }


PAPERS = {"a4": "A4", "letter": N_("Letter")}
"""The paper sizes handouts print on."""


def handout_view(ex: Exercise, seat: str | None, lang: str = "en") -> dict[str, Any]:
    """A printed handout: the situation manual (the scenario, objectives, seats, capability
    targets, rules of play), then a seat's briefing (its EOCs, units, crossings and channels
    to the other seats) or, for the facilitator (``seat`` None), the whole MSEL; in the
    reader's language."""
    from sim.report.aar import objectives

    t = translator(lang)
    names, clock = Names.of(ex, t), Clock(ex.scenario.scenario.start, t)
    s = ex.scenario
    view: dict[str, Any] = {
        "scenario": s.scenario.name.in_language(t.lang),
        "lang": t.lang,
        **t.template_globals(),
        "description": text_in(s.scenario.description, t.lang),
        "start": clock(0),
        "end": clock(ex.horizon),
        "duration": t.duration(ex.horizon),
        "objectives": objectives(s, t, ReportNames.of(s, t.lang)),
        "seats": [names.seat(x) for x in ex.seats],
        "targets": [
            {"name": name, "target": t.duration(n.target)}
            for n, (_, name) in zip(s.needs, targets(s, t), strict=True)
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
    s, comms, t = ex.scenario, ex.sim.comms, names.t
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
            name = names.places.get(c.id, c.name)
            crossings.append({"name": name, "hours": c.hours, "with": names.seat(other)})
    channels = []
    for other in ex.seats:
        if other == seat:
            continue
        channel = comms.channel(seat, other)
        channels.append(
            {
                "with": names.seat(other),
                "kind": t(CHANNEL_NAMES.get(channel.kind, channel.kind)),
                "takes": t("about %(duration)s", duration=t.duration(channel.latency.mean)),
                "interpreter": comms.needs_interpreter(seat, other),
            }
        )
    return {
        "agency": ReportNames.of(s, t.lang).agency(seat, nation.agency) if nation else "",
        "eocs": [
            f"{in_script(e.name, e.names, t.lang)}, {names.places.get(e.place, e.place)}"
            for e in eocs
        ],
        "units": [
            {"name": name.removeprefix(f"{seat} "), "count": count}
            for name, count in sorted(units.items())
        ],
        "crossings": crossings,
        "channels": channels,
    }


def _msel_rows(ex: Exercise, names: Names, clock: Clock) -> list[dict[str, Any]]:
    from sim.report.msel import INJECT_TYPES, inject_subject

    report_names, rows = ReportNames.of(ex.scenario, names.t.lang), []
    for info in ex.sim.log.injects:
        inject = ex.scenario.injects[info.number]
        seats = inject_seats(ex.scenario, inject)
        rows.append(
            {
                "at": clock(info.at_min),
                "type": names.t(INJECT_TYPES.get(info.type, info.type.replace("_", " "))),
                "subject": inject_subject(inject, info.subject, report_names),
                "synopsis": text_in(inject.synopsis, names.t.lang),
                "expected": text_in(inject.expected_action, names.t.lang),
                "for": ", ".join(names.seat(x) for x in seats),
                "questions": [q.in_language(names.t.lang) for q in inject.discussion],
            }
        )
    return rows


def targets(scenario: Scenario, t: Translator | None = None) -> list[tuple[str, str]]:
    """The capability targets notes are made against: each need's id and how it reads."""
    return [(n.id, target_name(scenario, n.id, t)) for n in scenario.needs]


def target_name(scenario: Scenario, target: str, t: Translator | None = None) -> str:
    """A capability target as the room reads it (in the reader's language): the need, and
    its core capability."""
    t = t or translator()
    need = next((n for n in scenario.needs if n.id == target), None)
    if need is None:
        return target
    name = in_script(need.name, need.names, t.lang, romanised=False).split(" (")[0]
    return f"{name} ({t(need.core_capability)})" if need.core_capability else name

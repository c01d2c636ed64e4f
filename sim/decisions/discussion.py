"""What the room says beside the play (HSEEP discussion): the injects' discussion questions,
the reasons the seats give with their decisions, the observers' notes against the
capability targets, and the facilitator's hot wash.

Notes and the hot wash are commands of the session file (``note``, ``hotwash``) that
change nothing in the simulation; a reason rides on the decision or action it explains
(``reason``). ``record`` gathers them for the AAR/IP.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.decisions.commands import (
    FACILITATOR,
    MAX_SAID,
    Action,
    Command,
    Decide,
    Hotwash,
    HotwashKind,
    Note,
    Refused,
)
from sim.decisions.commands import (
    record as line_of,
)
from sim.decisions.exercise import Exercise
from sim.i18n import N_
from sim.scenario import schema
from sim.scenario.injects import inject_nations
from sim.scenario.schema import Scenario

HOTWASH_KINDS: dict[HotwashKind, str] = {
    "strength": N_("Strength"),
    "improvement": N_("Area for improvement"),
}
"""What the facilitator records in the hot wash."""
ROOM = "room"
"""Who raised a hot wash point when no one seat did."""


def said_problems(command: Note | Hotwash, seats: Sequence[str]) -> list[str]:
    """What is wrong with a ``note`` or ``hotwash`` line of a session file (nothing: [])."""
    if isinstance(command, Note):
        if command.seat not in seats:
            return [f"'seat' must be one of the session's seats ({', '.join(seats)})"]
    elif command.raised_by not in (*seats, ROOM, FACILITATOR):
        return [f"'raised_by' must be a seat, {ROOM} or {FACILITATOR}"]
    return []


def said_text(value: object) -> str:
    """A note's, hot wash entry's or reason's text as typed, checked.

    Raises:
        Refused: empty or too long.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise Refused(N_("write it first"))
    if len(text) > MAX_SAID:
        raise Refused(
            N_("it is %(length)s characters long; keep it to %(most)s"),
            length=len(text),
            most=MAX_SAID,
        )
    return text


def note(ex: Exercise, seat: str, target: str, text: object) -> Note:
    """An observer's note on a seat against a capability target, as the session records it.

    Raises:
        Refused: an unknown target or an empty or too long text.
    """
    return Note(
        at=round(ex.now, 6), seat=seat, target=_target(ex.scenario, target), text=said_text(text)
    )


def hotwash(ex: Exercise, kind: str, target: str, raised_by: str, text: object) -> Hotwash:
    """A point of the hot wash (a strength or an area for improvement of a capability
    target, raised by a seat or the room), as the session records it.

    Raises:
        Refused: an unknown kind, target or seat, or an empty or too long text.
    """
    chosen = next((k for k in HOTWASH_KINDS if k == kind), None)
    if chosen is None:
        raise Refused(N_("choose a strength or an area for improvement"))
    if raised_by not in (*ex.seats, ROOM):
        raise Refused("%(seat)r is not a seat of this exercise", seat=raised_by)
    return Hotwash(
        at=round(ex.now, 6),
        kind=chosen,
        target=_target(ex.scenario, target),
        raised_by=raised_by,
        text=said_text(text),
    )


def _target(scenario: Scenario, target: str) -> str:
    if target not in {n.id for n in scenario.needs}:
        raise Refused(N_("choose one of the capability targets"))
    return target


# questions


def inject_seats(scenario: Scenario, inject: schema.Inject) -> tuple[str, ...]:
    """The seats an inject's discussion questions are for: those it names, else the
    nations it acts in (as the MSEL gives it to them)."""
    return tuple(inject.discussion_for or inject_nations(scenario, inject))


def questions(
    scenario: Scenario, delivered: Sequence[int], seat: str | None
) -> list[dict[str, Any]]:
    """The discussion questions of the injects delivered (by number, latest first) for a
    seat (for every seat when None): the inject's number and questions, and whom they are
    for."""
    out = []
    for number in delivered:
        inject = scenario.injects[number]
        seats = inject_seats(scenario, inject)
        if inject.discussion and (seat is None or seat in seats):
            out.append(
                {"inject": number, "questions": [q.en for q in inject.discussion], "for": seats}
            )
    return out


# the record


def record(
    scenario: Scenario,
    commands: Sequence[Command],
    said: Sequence[Note | Hotwash],
    ended_at: float,
) -> dict[str, Any]:
    """What the room said, for the AAR/IP: the questions of the injects delivered by
    ``ended_at``, the reasons given with the decisions in force, the observers' notes and
    the hot wash."""
    reasons = [
        {
            k: line.get(k)
            for k in ("at", "seat", "kind", "action", "decider", "subject", "choice", "reason")
        }
        for line in (line_of(c) for c in commands if isinstance(c, Decide | Action) and c.reason)
    ]
    delivered = [
        i for i, inj in enumerate(scenario.injects) if scenario.offset_min(inj.at) <= ended_at
    ]
    return {
        "questions": [
            q | {"at": scenario.offset_min(scenario.injects[q["inject"]].at), "for": list(q["for"])}
            for q in questions(scenario, delivered, None)
        ],
        "reasons": reasons,
        "notes": [line_of(c) for c in said if isinstance(c, Note)],
        "hotwash": [line_of(c) for c in said if isinstance(c, Hotwash)],
    }

"""Who may give which command of a played exercise: one table (``RIGHTS``), kept by the
play server, the exercise and the session file's reader alike.

Everyone in the room holds a role: the facilitator, a seat (a nation's EOC, or the joint
centre, named by its code), a seat's observers (evaluators, ``LA:observer``) or the
projector. A command is named by what it does (``do``); a facilitator's setting by its
name, and an action that switches an arrangement on (``arrange``) apart from the seats'
other actions. A seat gives commands as itself only, and a seat switches an arrangement
on only while the facilitator lets the seats do so. A command refused says why.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any, NamedTuple

from sim.decisions.points import ARRANGE
from sim.i18n import N_, Refusal

FACILITATOR = "facilitator"
"""Who runs the exercise: moves the clock, rewinds, keeps the settings and the hot wash,
and may switch arrangements on."""
PROJECTOR = "projector"
"""The room's screen, a reader of the exercise with no seat and no controls."""
SETTINGS = {"show_doctrine": True, "seats_may_arrange": True, "wait_for_seats": False}
"""The facilitator's settings and their values at the start: whether the seats see what
doctrine would choose, whether they may switch arrangements on themselves, and whether a
clock move stops at each decision that arises for a seat (else doctrine takes it at its
own instant, shown as lapsed)."""


class Refused(Refusal):
    """A command that cannot be applied; the message says why (nothing was changed), in
    the reader's language where it is marked for translation (``N_``)."""


class Part(StrEnum):
    """The part a role plays in the room."""

    FACILITATOR = "facilitator"
    SEAT = "seat"
    OBSERVER = "observer"
    PROJECTOR = "projector"


class Right(NamedTuple):
    """Who may give a command, and what anyone else is told."""

    parts: frozenset[Part]
    refusal: str
    """Why another part may not (marked for translation)."""


_FACILITATOR = frozenset({Part.FACILITATOR})
_SEAT = frozenset({Part.SEAT})
_MOVES_CLOCK = Right(_FACILITATOR, N_("Only the facilitator moves the clock."))
_SEATS_ONLY = Right(_SEAT, N_("Observers watch a seat: they do not decide or act."))

RIGHTS: dict[str, Right] = {
    "advance": _MOVES_CLOCK,
    "next": _MOVES_CLOCK,
    "rewind": Right(_FACILITATOR, N_("Only the facilitator rewinds.")),
    "show_doctrine": Right(_FACILITATOR, N_("Only the facilitator shows or hides doctrine.")),
    "seats_may_arrange": Right(
        _FACILITATOR, N_("Only the facilitator lets the seats switch arrangements on.")
    ),
    "wait_for_seats": Right(_FACILITATOR, N_("Only the facilitator decides how the clock moves.")),
    "hotwash": Right(_FACILITATOR, N_("Only the facilitator records the hot wash.")),
    "decide": _SEATS_ONLY,
    "act": _SEATS_ONLY,
    ARRANGE: Right(_FACILITATOR | _SEAT, _SEATS_ONLY.refusal),
    "message": _SEATS_ONLY,
    "note": Right(
        frozenset({Part.OBSERVER}),
        N_("This link is not valid: ask the facilitator for the observers' link."),
    ),
    "language": Right(
        frozenset({Part.FACILITATOR, Part.SEAT, Part.OBSERVER}),
        N_("This link is not valid: ask the facilitator for the right one."),
    ),
    "lapsed": Right(frozenset(), "written by the exercise when doctrine takes a point"),
}
"""Which part of the room may give each command (see the module docstring)."""


def observer(seat: str) -> str:
    """The role of an evaluator or observer watching a seat (read-only but for notes)."""
    return f"{seat}:observer"


def readers(seats: Collection[str]) -> tuple[str, ...]:
    """Everyone who reads the exercise's pages, each in a language of their own: the
    facilitator, each seat, each seat's observers and the projector."""
    return (FACILITATOR, *seats, *(observer(s) for s in seats), PROJECTOR)


def part_of(role: str, seats: Collection[str]) -> Part | None:
    """The part a role plays in an exercise with these seats (None: no role of it)."""
    if role == FACILITATOR:
        return Part.FACILITATOR
    if role == PROJECTOR:
        return Part.PROJECTOR
    if role in seats:
        return Part.SEAT
    seat, _, kind = role.rpartition(":")
    return Part.OBSERVER if kind == "observer" and seat in seats else None


def right_of(command: dict[str, Any]) -> str:
    """The row of ``RIGHTS`` a command falls under."""
    do = command.get("do")
    if do == "setting":
        return str(command.get("name"))
    if do == "act" and command.get("action") == ARRANGE:
        return ARRANGE
    return str(do)


def refusal(
    role: str, command: dict[str, Any], seats: Collection[str], *, seats_may_arrange: bool = True
) -> Refused | None:
    """Why ``role`` may not give ``command`` in an exercise with these seats (None: it
    may). It does not check the command's own fields, which the exercise does."""
    right = RIGHTS.get(right_of(command))
    if right is None:
        return Refused(f"unknown command {command.get('do')!r}: {', '.join(RIGHTS)}")
    part = part_of(role, seats)
    if part is None:
        return Refused(f"{role} is not a seat of this exercise", 403)
    if part not in right.parts:
        return Refused(right.refusal, 403)
    if part is Part.SEAT and command.get("seat", role) != role:
        return Refused(f"{role} gives commands as itself, not as {command.get('seat')}", 403)
    watched = role.rpartition(":")[0]
    if part is Part.OBSERVER and command.get("seat", watched) != watched:
        return Refused(f"{role} writes notes on {watched} only", 403)
    language = command.get("do") == "language"
    if language and part is not Part.FACILITATOR and command.get("reader", role) != role:
        return Refused(f"{role} chooses its own language only", 403)
    if part is Part.SEAT and right_of(command) == ARRANGE and not seats_may_arrange:
        return Refused(
            N_("The facilitator has not allowed the seats to switch arrangements on."), 403
        )
    return None


def sender(command: dict[str, Any]) -> str | None:
    """Who gave a command written in a session file (None: the file does not say, for a
    language chosen, or nobody did, for a point that lapsed)."""
    do = command.get("do")
    if do in ("decide", "act", "message"):
        return str(command.get("seat"))
    if do == "note":
        return observer(str(command.get("seat")))
    if do in ("language", "lapsed"):
        return None
    return FACILITATOR

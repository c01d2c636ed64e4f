"""The commands of a played exercise, typed, and who may give which: one table
(``RIGHTS``), kept by the play server, the exercise and the session file's reader alike.

Every command is one frozen class of its kind (a clock move, a seat's answer to a point,
each action, each facilitator's setting, a rewind, a note, a point of the hot wash ...).
It is parsed once, where it comes in (``parse``: a line of a session file, or a request
to the play server), refused there with each field that is wrong named, and used typed
from then on; ``record`` writes it as a session file's line, which ``parse`` reads back
equal.

Everyone in the room holds a role: the facilitator, a seat (a nation's EOC, or the joint
centre, named by its code), a seat's observers (evaluators, ``LA:observer``) or the
projector. Each kind of command names its row of ``RIGHTS`` (``RIGHT``): what it does
(``do``); a facilitator's setting by its name, and an action that switches an arrangement
on (``arrange``) apart from the seats' other actions. A seat gives commands as itself
only, and a seat switches an arrangement on only while the facilitator lets the seats do
so. A command refused says why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, replace
from enum import StrEnum
from types import UnionType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    NamedTuple,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from sim.decisions.points import ARRANGE
from sim.i18n import N_, Language, Refusal

if TYPE_CHECKING:
    from sim.i18n import Translator

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


MAX_TEXT = 200
"""Characters a short text of a command may hold (a code, an id, a choice)."""
MAX_SAID = 1000
"""Characters a reason, a message, a note or a point of the hot wash may hold."""
CLIENT = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""A command's client id (``client``), given by the page that sent it: the same command
sent twice carries the same id."""


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


def may(role: str, right: str, seats: Collection[str]) -> Refused | None:
    """Why ``role`` may give no command of a row of ``RIGHTS`` (None: it may)."""
    part = part_of(role, seats)
    if part is None:
        return Refused(N_("%(role)s is not a seat of this exercise"), 403, role=role)
    if part not in RIGHTS[right].parts:
        return Refused(RIGHTS[right].refusal, 403)
    return None


def refusal(
    role: str, command: CommandBase, seats: Collection[str], *, seats_may_arrange: bool = True
) -> Refused | None:
    """Why ``role`` may not give ``command`` in an exercise with these seats (None: it
    may). It does not check the command's own fields, which the exercise does."""
    why = may(role, command.RIGHT, seats)
    if why is not None:
        return why
    part = part_of(role, seats)
    seat = getattr(command, "seat", None)
    if part is Part.SEAT and seat is not None and seat != role:
        return Refused(
            N_("%(role)s gives commands as itself, not as %(seat)s"), 403, role=role, seat=seat
        )
    watched = role.rpartition(":")[0]
    if part is Part.OBSERVER and seat is not None and seat != watched:
        return Refused(N_("%(role)s writes notes on %(seat)s only"), 403, role=role, seat=watched)
    language = isinstance(command, ChooseLanguage) and part is not Part.FACILITATOR
    if language and getattr(command, "reader", role) != role:
        return Refused(N_("%(role)s chooses its own language only"), 403, role=role)
    if part is Part.SEAT and isinstance(command, Arrange) and not seats_may_arrange:
        return Refused(
            N_("The facilitator has not allowed the seats to switch arrangements on."), 403
        )
    return None


def sender(command: CommandBase) -> str | None:
    """Who gave a command written in a session file (None: the file does not say, for a
    language chosen, or nobody did, for a point that lapsed)."""
    if isinstance(command, Decide | Action | SeatMessage):
        return command.seat
    if isinstance(command, Note):
        return observer(command.seat)
    if isinstance(command, ChooseLanguage | Lapsed):
        return None
    return FACILITATOR


# the commands, typed


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a command's fields: a message marked for translation (``N_``)
    and its values. A value that is a ``Problem`` too (what a field must be) is said in the
    reader's language as well; any other (a field's name, a value as it was given, the
    values a field may take) as it is."""

    message: str
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """The problem in English."""
        if not self.values:
            return self.message
        return self.message % {k: str(v) for k, v in self.values.items()}

    def said(self, t: Translator) -> str:
        """The problem in a reader's language."""
        values = {k: v.said(t) if isinstance(v, Problem) else v for k, v in self.values.items()}
        return t(self.message, **values)


def _problem(message: str, **values: object) -> Problem:
    return Problem(message, values)


class Malformed(Exception):
    """A command's fields as given are not those of a command: each problem names its
    field and what it must be."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.told = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__("; ".join(self.problems))

    @property
    def problems(self) -> list[str]:
        """Each problem in English (as a session file's reader reports it)."""
        return [str(p) for p in self.told]

    def said(self, t: Translator) -> str:
        """The problems in a reader's language."""
        return "; ".join(p.said(t) for p in self.told)


class _Text(NamedTuple):
    most: int


class _Whole(NamedTuple):
    least: int


class _Minutes(NamedTuple):
    pass


class _Client(NamedTuple):
    pass


Text = Annotated[str, _Text(MAX_TEXT)]
"""A short text: a code, an id, a choice, a key."""
Said = Annotated[str, _Text(MAX_SAID)]
"""Words of the room: a reason, a message, a note, a point of the hot wash."""
Minutes = Annotated[float, _Minutes()]
"""A scenario time, in minutes from the start."""
Client = Annotated[str, _Client()]
"""The id the page that sent a command gave it (``CLIENT``)."""
PointId = Annotated[int, _Whole(1)]
"""A decision point's id in its run."""
IncidentId = Annotated[int, _Whole(-1)]
"""An incident's number in its run (-1: none)."""
HotwashKind = Literal["strength", "improvement"]
"""What a point of the hot wash is (``sim.decisions.discussion.HOTWASH_KINDS``)."""


@dataclass(frozen=True, kw_only=True)
class CommandBase:
    """What every command carries (each of ``Command``'s kinds): when it was given, and
    the id its page gave it."""

    DO: ClassVar[str]
    """What it does: the line's ``do``."""
    SORT: ClassVar[tuple[str, str] | None] = None
    """The field telling commands of one ``do`` apart, and its value (an action's
    ``action``, a setting's ``name``)."""
    RIGHT: ClassVar[str]
    """Its row of ``RIGHTS``."""
    FILLED: ClassVar[frozenset[str]] = frozenset({"at"})
    """Fields the exercise fills in as it records the command: in every line of a session
    file."""
    RECORD_ONLY: ClassVar[frozenset[str]] = frozenset({"at"})
    """Fields a command sent to the exercise does not carry."""

    at: Minutes = 0.0
    """When it was given (filled in as it is recorded)."""
    client: Client | None = None

    @property
    def do(self) -> str:
        return self.DO

    def problems(self) -> list[str]:
        """What is wrong between its fields, as a session file records them (nothing: [])."""
        return []


@dataclass(frozen=True, kw_only=True)
class Advance(CommandBase):
    """Run the clock to a time (``wait_for_seats``: stop at the first point that arises
    for a seat)."""

    DO = RIGHT = "advance"
    to: Minutes
    wait_for_seats: bool = False


@dataclass(frozen=True, kw_only=True)
class Next(CommandBase):
    """Run the clock to the next decision or inject (no later than ``until``: the end
    when None)."""

    DO = RIGHT = "next"
    FILLED = CommandBase.FILLED | {"until"}
    until: Minutes | None = None


@dataclass(frozen=True, kw_only=True)
class Decide(CommandBase):
    """A seat's answer to an open decision point, named by its id and its key
    (``sim.decisions.exercise.point_key``); recorded with the point as it stood."""

    DO = RIGHT = "decide"
    _POINT = frozenset({"kind", "decider", "subject", "incident", "options", "proposal"})
    FILLED = CommandBase.FILLED | _POINT
    RECORD_ONLY = CommandBase.RECORD_ONLY | _POINT | {"question"}
    seat: Text
    point: PointId
    key: Text
    choice: Text
    reason: Said = ""
    kind: Text = ""
    decider: Text = ""
    """Who the point is logged for (the seat, or its local authorities)."""
    subject: Text = ""
    incident: IncidentId = -1
    options: tuple[Text, ...] = ()
    proposal: Text = ""
    """What doctrine proposed."""
    question: Text = ""

    def problems(self) -> list[str]:
        if self.choice not in self.options:
            return ["'choice' must be one of the 'options'"]
        return []


@dataclass(frozen=True, kw_only=True)
class Action(CommandBase):
    """What a seat does unprompted (``sim.decisions.actions``): one class an action, its
    target in a field of its own; recorded with who it is logged for and its subject."""

    DO, RIGHT = "act", "act"
    TARGET: ClassVar[str]
    """The field naming what the action is done with."""
    FILLED = CommandBase.FILLED | {"decider", "subject"}
    RECORD_ONLY = CommandBase.RECORD_ONLY | {"decider", "subject"}
    seat: Text
    reason: Said = ""
    decider: Text = ""
    subject: Text = ""

    @property
    def action(self) -> str:
        assert self.SORT is not None
        return self.SORT[1]

    @property
    def target(self) -> str:
        """The unit, nation, place or arrangement the action is done with."""
        return str(getattr(self, self.TARGET))

    @property
    def incident_id(self) -> int:
        """The incident acted on (-1: none)."""
        return int(getattr(self, "incident", -1))


@dataclass(frozen=True, kw_only=True)
class Assign(Action):
    """Send or reassign a unit to an incident."""

    SORT, TARGET = ("action", "assign"), "unit"
    incident: IncidentId
    unit: Text


@dataclass(frozen=True, kw_only=True)
class StandDown(Action):
    """Stand a unit on its way down."""

    SORT, TARGET = ("action", "stand_down"), "unit"
    incident: IncidentId
    unit: Text


@dataclass(frozen=True, kw_only=True)
class Ask(Action):
    """Ask a neighbour for help with an incident."""

    SORT, TARGET = ("action", "ask"), "nation"
    incident: IncidentId
    nation: Text


@dataclass(frozen=True, kw_only=True)
class Offer(Action):
    """Offer a unit to a neighbour's incident the seat has heard of."""

    SORT, TARGET = ("action", "offer"), "unit"
    incident: IncidentId
    unit: Text


@dataclass(frozen=True, kw_only=True)
class Evacuate(Action):
    """Order a village evacuated (logged for the seat's local authorities)."""

    SORT, TARGET = ("action", "evacuate"), "place"
    place: Text


@dataclass(frozen=True, kw_only=True)
class Arrange(Action):
    """Switch a coordination arrangement on (the facilitator, or a seat while the
    facilitator lets the seats)."""

    SORT, TARGET, RIGHT = ("action", ARRANGE), "arrangement", ARRANGE
    arrangement: Text


@dataclass(frozen=True, kw_only=True)
class SeatMessage(CommandBase):
    """A seat's message to another seat (``sim.decisions.messages``)."""

    DO = RIGHT = "message"
    seat: Text
    to: Text
    text: Said


@dataclass(frozen=True, kw_only=True)
class Rewind(CommandBase):
    """Go back to an earlier time, or to just before a seat answered a point
    (``decision``, by its id)."""

    DO = RIGHT = "rewind"
    to: Minutes
    decision: PointId | None = None


@dataclass(frozen=True, kw_only=True)
class Setting(CommandBase):
    """One of the facilitator's settings switched on or off: one class a setting."""

    DO = "setting"
    value: bool

    @property
    def name(self) -> str:
        assert self.SORT is not None
        return self.SORT[1]


@dataclass(frozen=True, kw_only=True)
class ShowDoctrine(Setting):
    """Whether the seats see what doctrine would choose."""

    SORT = ("name", "show_doctrine")
    RIGHT = "show_doctrine"


@dataclass(frozen=True, kw_only=True)
class SeatsMayArrange(Setting):
    """Whether the seats may switch arrangements on themselves."""

    SORT = ("name", "seats_may_arrange")
    RIGHT = "seats_may_arrange"


@dataclass(frozen=True, kw_only=True)
class WaitForSeats(Setting):
    """Whether a clock move stops at each decision that arises for a seat."""

    SORT = ("name", "wait_for_seats")
    RIGHT = "wait_for_seats"


@dataclass(frozen=True, kw_only=True)
class ChooseLanguage(CommandBase):
    """The language a reader's pages are in."""

    DO = RIGHT = "language"
    reader: Text
    lang: Language


@dataclass(frozen=True, kw_only=True)
class Note(CommandBase):
    """An observer's note on the seat it watches, against a capability target."""

    DO = RIGHT = "note"
    seat: Text
    target: Text
    text: Said


@dataclass(frozen=True, kw_only=True)
class Hotwash(CommandBase):
    """A point of the hot wash: a strength or an area for improvement of a capability
    target, raised by a seat, the room or the facilitator."""

    DO = RIGHT = "hotwash"
    kind: HotwashKind
    target: Text
    raised_by: Text
    text: Said


@dataclass(frozen=True, kw_only=True)
class Lapsed(CommandBase):
    """A point doctrine took when the clock moved on, written for the record (a replay
    derives it)."""

    DO = RIGHT = "lapsed"
    seat: Text
    kind: Text
    decider: Text
    subject: Text
    choice: Text
    """What doctrine chose."""


Command = (
    Advance
    | Next
    | Decide
    | Assign
    | StandDown
    | Ask
    | Offer
    | Evacuate
    | Arrange
    | SeatMessage
    | Rewind
    | ShowDoctrine
    | SeatsMayArrange
    | WaitForSeats
    | ChooseLanguage
    | Note
    | Hotwash
    | Lapsed
)
"""Every command of a played exercise."""
KINDS: tuple[type[CommandBase], ...] = get_args(Command)
_BY_DO: dict[str, dict[str | None, type[CommandBase]]] = {}
for _kind in KINDS:
    _BY_DO.setdefault(_kind.DO, {})[_kind.SORT[1] if _kind.SORT else None] = _kind
DOS = tuple(_BY_DO)
"""What a command may do (a line's ``do``)."""


def record(command: Command) -> dict[str, Any]:
    """A command as a session file's line holds it (JSON): ``parse`` reads it back."""
    out: dict[str, Any] = {"do": command.DO}
    if command.SORT is not None:
        out[command.SORT[0]] = command.SORT[1]
    for f in fields(command):
        value = getattr(command, f.name)
        if f.name not in command.FILLED and value == f.default and _empty(f.default):
            continue  # an optional field left out
        out[f.name] = list(value) if isinstance(value, tuple) else value
    if isinstance(command, Action):
        out["choice"] = command.target
        out.setdefault("incident", -1)
    return out


def checked(command: Command) -> Command:
    """A command built in code, each field checked as ``parse`` checks one sent to the
    exercise (its numbers as floats).

    Raises:
        Malformed: values of the wrong kind (each named).
    """
    hints = _hints(type(command))
    values: dict[str, Any] = {}
    problems: list[Problem | str] = []
    for f in fields(command):
        value = getattr(command, f.name)
        if value == f.default and _empty(f.default):
            continue  # left out
        try:
            values[f.name] = _value(hints[f.name], value, math.inf, False, False)
        except _Wrong as exc:
            hint, value = (exc.hint, exc.value) if exc.where else (hints[f.name], value)
            problems.append(
                _problem(
                    N_("'%(field)s' must be %(what)s, not %(value)s"),
                    field=f"{f.name}{exc.where}",
                    what=_what(hint, math.inf),
                    value=_shown(value),
                )
            )
    if problems:
        raise Malformed(problems)
    return replace(command, **values)


def _empty(default: object) -> bool:
    """Whether a field's default is its absence: left out of a line."""
    return default is None or default is False or default in ("", ())


def parse(
    raw: Mapping[str, Any], *, recorded: bool = True, horizon: float = math.inf, form: bool = False
) -> Command:
    """The command a JSON object gives: a session file's line (``recorded``: every field
    the exercise fills in, times to ``horizon``), or a command sent to the exercise
    (``form``: its numbers and switches may be texts, as an HTML form sends them).

    Raises:
        Malformed: unknown or missing fields, or values of the wrong kind (each named).
    """
    do = raw.get("do")
    sorts = _BY_DO.get(do) if isinstance(do, str) else None
    if sorts is None:
        raise Malformed([_problem(N_("'do' must be one of %(dos)s"), dos=", ".join(DOS))])
    if None in sorts:
        kind = sorts[None]
        sort_field = None
    else:
        some = next(iter(sorts.values()))
        assert some.SORT is not None
        sort_field = some.SORT[0]
        value = raw.get(sort_field)
        found = sorts.get(value) if isinstance(value, str) else None
        if found is None:
            known = ", ".join(str(s) for s in sorts)
            if value is None:
                unnamed = (
                    N_("'%(field)s' must name the action: one of %(known)s")
                    if do == "act"
                    else N_("'%(field)s' must name the setting: one of %(known)s")
                )
                raise Malformed([_problem(unnamed, field=sort_field, known=known)])
            unknown = (
                N_("unknown action %(value)s: %(known)s")
                if do == "act"
                else N_("unknown setting %(value)s: %(known)s")
            )
            raise Malformed([_problem(unknown, value=_shown(value), known=known)])
        kind = found
    return _build(kind, raw, sort_field, recorded=recorded, horizon=horizon, form=form)


def _build(
    kind: type[CommandBase],
    raw: Mapping[str, Any],
    sort_field: str | None,
    *,
    recorded: bool,
    horizon: float,
    form: bool,
) -> Command:
    hints = _hints(kind)
    known = [f for f in fields(kind) if recorded or f.name not in kind.RECORD_ONLY]
    named = {"do", *(f.name for f in known), *([sort_field] if sort_field else [])}
    if recorded and issubclass(kind, Action):
        named |= {"choice", "incident"}
    unknown = N_(
        "'%(field)s' is not a field of the command %(name)s: leave it out (its fields: %(fields)s)"
    )
    name = repr(kind.DO)
    if sort_field is not None:
        unknown = (
            N_(
                "'%(field)s' is not a field of the action %(name)s: leave it out"
                " (its fields: %(fields)s)"
            )
            if kind.DO == "act"
            else N_(
                "'%(field)s' is not a field of the setting %(name)s: leave it out"
                " (its fields: %(fields)s)"
            )
        )
        name = repr(raw[sort_field])
    problems: list[Problem | str] = [
        _problem(unknown, field=_key(key), name=name, fields=", ".join(f.name for f in known))
        for key in raw
        if key not in named
    ]
    values: dict[str, Any] = {}
    for f in known:
        needed = f.default is MISSING or (recorded and f.name in kind.FILLED)
        if f.name not in raw:
            if needed:
                what = _what(hints[f.name], horizon)
                problems.append(
                    _problem(N_("'%(field)s' is missing: %(what)s"), field=f.name, what=what)
                )
            continue
        try:
            values[f.name] = _value(hints[f.name], raw[f.name], horizon, recorded, form)
        except _Wrong as exc:
            hint, value = (exc.hint, exc.value) if exc.where else (hints[f.name], raw[f.name])
            problems.append(
                _problem(
                    N_("'%(field)s' must be %(what)s, not %(value)s"),
                    field=f"{f.name}{exc.where}",
                    what=_what(hint, horizon),
                    value=_shown(value),
                )
            )
    if problems:
        raise Malformed(problems)
    command: Command = kind(**values)  # type: ignore[assignment]
    if recorded:
        problems = list(command.problems())
        if isinstance(command, Action):
            if raw.get("choice") != command.target:
                problems.append(f"'choice' must be the '{command.TARGET}' acted on")
            if raw.get("incident", -1) != command.incident_id:
                problems.append("'incident' must be -1: the action is on no incident")
        if problems:
            raise Malformed(problems)
    return command


class _Wrong(Exception):
    """A value not of its field's kind; for an item of a list, which one, its value and
    kind."""

    def __init__(self, where: str = "", value: object = None, hint: Any = None) -> None:
        super().__init__(where)
        self.where, self.value, self.hint = where, value, hint


_HINTS: dict[type[CommandBase], dict[str, Any]] = {}


def _hints(kind: type[CommandBase]) -> dict[str, Any]:
    if kind not in _HINTS:
        _HINTS[kind] = get_type_hints(kind, include_extras=True)
    return _HINTS[kind]


def _optional(hint: Any) -> tuple[Any, bool]:
    """A field's kind, and whether it may be null."""
    if get_origin(hint) in (Union, UnionType):
        rest = [a for a in get_args(hint) if a is not type(None)]
        return rest[0], len(rest) < len(get_args(hint))
    return hint, False


def _value(hint: Any, value: Any, horizon: float, recorded: bool, form: bool) -> Any:
    """The value of a field of this kind (``hint``), or ``_Wrong``."""
    hint, nullable = _optional(hint)
    if value is None:
        if nullable:
            return None
        raise _Wrong
    marker = None
    if get_origin(hint) is Annotated:
        hint, marker = get_args(hint)[:2]
    if form and isinstance(value, str) and hint in (int, float, bool):
        value = _from_form(hint, value)
    if get_origin(hint) is Literal:
        if isinstance(value, str) and value in get_args(hint):
            return value
        raise _Wrong
    if get_origin(hint) is tuple:
        if not isinstance(value, list | tuple) or not value:
            raise _Wrong
        (item, _) = get_args(hint)
        items = []
        for index, v in enumerate(value):
            try:
                items.append(_value(item, v, horizon, recorded, form))
            except _Wrong:
                raise _Wrong(f"[{index}]", v, item) from None
        return tuple(items)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise _Wrong
    if hint is str and isinstance(value, str):
        if isinstance(marker, _Client) and CLIENT.fullmatch(value):
            return value
        if isinstance(marker, _Text):
            if marker.most == MAX_SAID and not recorded:
                return value  # the exercise checks the words (and says why in the reader's
            if 0 < len(value) <= marker.most:  # language)
                return value
        raise _Wrong
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if hint is float and number and _finite(value) and 0 <= value <= horizon:
        return float(value)
    if hint is int and number and isinstance(value, int) and isinstance(marker, _Whole):
        return _at_least(value, marker.least)
    raise _Wrong


def _finite(value: float) -> bool:
    """Whether a number is finite and within a float's range (JSON allows any whole
    number)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _at_least(value: int, least: int) -> int:
    if value < least:
        raise _Wrong
    return value


def _from_form(hint: Any, text: str) -> Any:
    """A number or a switch as a form sends it (a text), or the text itself when it is
    none (it is then refused as it is)."""
    if hint is bool:
        return {"true": True, "false": False}.get(text, text)
    if len(text) > 32:
        return text
    try:
        return int(text) if hint is int else float(text)
    except ValueError:
        return text


def _what(hint: Any, horizon: float) -> Problem:
    """What a field of this kind must be, as a refusal says it."""
    hint, _ = _optional(hint)
    marker = None
    if get_origin(hint) is Annotated:
        hint, marker = get_args(hint)[:2]
    if get_origin(hint) is Literal:
        return _problem(N_("one of %(values)s"), values=", ".join(get_args(hint)))
    if get_origin(hint) is tuple:
        return _problem(N_("a list of short texts"))
    if hint is bool:
        return _problem(N_("true or false"))
    if isinstance(marker, _Client):
        return _problem(N_("a short id of letters, digits, - and _"))
    if isinstance(marker, _Text):
        if marker.most == MAX_TEXT:
            return _problem(N_("a short text"))
        return _problem(N_("a text of at most %(most)s characters"), most=marker.most)
    if isinstance(marker, _Whole):
        return _problem(N_("a whole number from %(least)s"), least=marker.least)
    if math.isinf(horizon):
        return _problem(N_("a time in minutes from 0"))
    return _problem(N_("a time in minutes from 0 to %(most)s"), most=f"{horizon:g}")


def _shown(value: object) -> str:
    """A value as a refusal quotes it (cut short)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _key(key: object) -> str:
    text = str(key)
    return text if len(text) <= 40 else f"{text[:37]}..."

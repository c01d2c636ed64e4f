"""A played exercise: a Simulation stepped by the facilitator and answered by the seats.

Everything that changes an exercise is a *command* (``sim.decisions.commands``): the clock
moves (``advance`` to a time, ``next`` decision or inject), a seat decides an open point
(``decide``, naming it by its id) or acts unprompted (``act``: send, stand down, ask,
offer a unit to a neighbour's incident, evacuate; the facilitator too, to switch an
arrangement on). Commands are checked against the situation and applied in order;
applied again from the start they give the same run event for event, so the state at
any earlier time is the replay of the commands issued before it (``branch``).

The clock stands still while the seats decide. When it moves, every point open for a seat
lapses to doctrine, and so does each point that arises during the move, at its own instant
once that instant has settled; unless the move waits for the seats (``next``, or
``advance`` with ``wait_for_seats``), which stops the clock at the first point that arises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from sim import log
from sim.decisions import actions
from sim.decisions import points as d
from sim.decisions.commands import (
    MAX_SAID,
    Action,
    Advance,
    Command,
    Decide,
    Next,
    Refused,
    SeatMessage,
    checked,
    refusal,
)
from sim.decisions.lifecycle import OpenPoint
from sim.decisions.players import Players
from sim.i18n import N_
from sim.model import offers
from sim.model.entities import Incident
from sim.model.simulation import Simulation
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.decisions.messages import Message

A = TypeVar("A", bound=Action)

MAX_REASON = MAX_SAID
"""Characters of the reason a seat may give with a decision or an action."""


class Taken(NamedTuple):
    """What became of a point of a seat in play, or what a seat did unprompted."""

    at: float
    """When it was taken."""
    raised_at: float
    """When the point was raised (``at`` for an action): earlier than ``at`` when the
    facilitator advanced the clock over it (the clock stands still while seats decide)."""
    seat: str
    decider: str
    """Who it is logged for: the seat, or its local authorities (``LA-local``)."""
    kind: str
    """The kind of decision, or the action."""
    subject: str
    """An incident's key, or a place."""
    choice: str
    """The players' choice; ``LEFT_TO_DOCTRINE`` for a point that lapsed."""
    proposal: str
    """What doctrine proposed ("" for an action)."""
    action: bool
    """Taken unprompted."""
    question: str = ""
    """What sets the point apart from others of its seat, kind and subject (the unit a
    stand-down is about)."""
    point: int = -1
    """The point's id in the run it was taken in (-1 for an action)."""

    @property
    def by_players(self) -> bool:
        return self.choice != d.LEFT_TO_DOCTRINE

    @property
    def departs(self) -> bool:
        """Not what doctrine would have done: an action, or another choice."""
        return self.by_players and (self.action or self.choice != self.proposal)


def point_key(point: d.DecisionPoint) -> str:
    """What a submission names, beside the point's number, so a stale form is told apart
    (after a rewind, numbers are given again)."""
    return f"{point.seat}|{point.at_min:.4f}|{point.kind}|{point.subject}|{point.question}"


class Exercise:
    """One played run of a scenario: its simulation, its seats and the commands so far."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        seats: Sequence[str],
        commands: Iterable[Command] = (),
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.seats = tuple(seats)
        self.players = Players(self.seats)
        self.sim = Simulation(scenario, seed, 0, self.players)
        self.players.env = self.sim.env
        self.commands: list[Command] = []
        self.taken: list[Taken] = []
        """The seats' decisions, actions and lapsed points, in the order they were taken."""
        self.messages: list[Message] = []
        """The seats' messages to each other (``sim.decisions.messages``), in the order sent."""
        for command in commands:
            self.perform(command)

    @property
    def now(self) -> float:
        return float(self.sim.env.now)

    @property
    def horizon(self) -> float:
        return self.scenario.duration_min

    @property
    def finished(self) -> bool:
        return self.now >= self.horizon

    # commands

    def perform(self, command: Command) -> Command:
        """Check and apply one command; return it as recorded (with the time it was issued
        and, for a decision or an action, what it was about).

        Raises:
            Malformed: a field's value is not of its kind (a command built in code).
            Refused: the command is stale, not possible now, or not this seat's to give.
        """
        command = checked(command)
        at = round(self.now, 6)
        if isinstance(command, Decide | Action):
            reason = command.reason.strip()
            if len(reason) > MAX_REASON:
                raise Refused(N_("keep the reason to %(most)s characters"), most=MAX_REASON)
            command = replace(command, reason=reason)
        if isinstance(command, Advance):
            if command.to < self.now:
                raise Refused(N_("the clock only moves forward (rewind to go back)"))
            to = min(command.to, self.horizon)
            recorded: Command = replace(command, at=at, to=to)
            if to > self.now:  # (to now: nothing moves, nothing lapses)
                self._lapse()
                self._move(to, wait_for_seats=command.wait_for_seats)
        elif isinstance(command, Next):
            until = self.horizon if command.until is None else min(command.until, self.horizon)
            recorded = replace(command, at=at, until=until)
            self._lapse()
            self._move(until, wait_for_seats=True, stop_at_injects=True)
        elif isinstance(command, Decide):
            recorded = self._decide(replace(command, at=at))
            self._settle()
        elif isinstance(command, Action):
            recorded = self._act(replace(command, at=at))
            self._settle()
        elif isinstance(command, SeatMessage):
            if self.finished:
                raise Refused(N_("the exercise has reached its end"))
            from sim.decisions.messages import send

            recorded = send(self.sim, self.seats, self.messages, replace(command, at=at))
            self._settle()
        else:
            raise Refused(
                f"{command.do!r} is not a command of the run: advance, next, decide, act or message"
            )
        self.commands.append(recorded)
        return recorded

    def finish(self) -> log.RunLog:
        """The players leave: open points lapse and doctrine plays to the end; the run's log."""
        self._lapse_open()
        self.players.leave()
        self._move(self.horizon)
        return self.sim.log

    def _lapse(self) -> None:
        if self.finished:
            raise Refused(N_("the exercise has reached its end"))
        self._lapse_open()

    def _lapse_open(self) -> None:
        """Doctrine takes every open point (its answer takes effect at this instant)."""
        for item in self.open_points():
            self.taken.append(self._taken(item, d.LEFT_TO_DOCTRINE))
            item.event.succeed(d.Choice(d.LEFT_TO_DOCTRINE, d.LAPSED))

    def _taken(self, item: OpenPoint, choice: str) -> Taken:
        point = item.point
        return Taken(
            self.now,
            point.at_min,
            item.seat,
            point.seat,
            point.kind,
            point.subject,
            choice,
            point.proposal.choice,
            False,
            point.question,
            point.id,
        )

    def _move(
        self, until: float, *, wait_for_seats: bool = False, stop_at_injects: bool = False
    ) -> None:
        """Run the clock to ``until`` (what is due then included). A point that arises for
        a seat stops it when ``wait_for_seats``, else lapses once its instant has settled;
        ``stop_at_injects``: an inject delivered stops it too."""
        env, events = self.sim.env, self.sim.log.events
        while True:
            self._settle()  # the seats see the instant whole
            if self.sim.points.open:
                if wait_for_seats:
                    return
                self._lapse_open()
                continue
            if env.peek() > until:
                break
            seen = len(events)
            env.step()
            if stop_at_injects and any(e[1] == log.INJECT for e in events[seen:]):
                self._settle()
                if not self.sim.points.open:
                    return
        if until > env.now:
            env.run(until=until)
        self._ended()

    def _settle(self) -> None:
        """Let what a seat did take effect at once: run what is due at this instant."""
        env = self.sim.env
        while env.peek() <= env.now:
            env.step()

    def _ended(self) -> None:
        if self.finished and self.sim.fire is not None:
            self.sim.log.fire = self.sim.fire.snapshot()

    def _decide(self, command: Decide) -> Decide:
        seat, choice = command.seat, command.choice
        refused = refusal(seat, command, self.seats)
        if refused is not None:
            raise refused
        item = self.sim.points.open.get(command.point)
        if item is None or point_key(item.point) != command.key:
            raise Refused(
                N_(
                    "this decision is no longer open (taken, overtaken by a newer one, lapsed,"
                    " or rewound): see the decisions open now"
                ),
                409,
            )
        if item.seat != seat:
            raise Refused(
                N_("this decision is %(owner)s's, not %(seat)s's"), 403, owner=item.seat, seat=seat
            )
        if choice not in {o.choice for o in item.point.options}:
            raise Refused(N_("%(choice)r is not one of this decision's options"), choice=choice)
        answer = d.Choice(choice, d.PLAYER)
        if item.check is not None and choice != "wait" and not item.check(answer):
            raise Refused(N_("that can no longer be done: see the decisions open now"), 409)
        point = item.point
        self.taken.append(self._taken(item, choice))
        item.event.succeed(answer)
        return replace(
            command,
            kind=point.kind,
            decider=point.seat,
            subject=point.subject,
            incident=point.incident,
            options=tuple(o.choice for o in point.options),
            proposal=point.proposal.choice,
            question=point.question,
        )

    # unprompted actions

    def _act(self, command: A) -> A:
        seat = command.seat
        refused = refusal(seat, command, self.seats)
        if refused is not None:
            raise refused
        if self.finished:
            raise Refused(N_("the exercise has reached its end"))
        number = command.incident_id
        incidents = self.sim.incidents
        incident = incidents[number] if 0 <= number < len(incidents) else None
        try:
            allowed = actions.check(self.sim, seat, command.action, incident, command.target)
        except actions.ActionRefused as exc:
            raise Refused(exc.message, exc.status, **exc.values) from None
        decider = actions.take(self.sim, allowed)
        target, incident = allowed.target, allowed.incident
        subject = target if incident is None else incident.key
        self.taken.append(
            Taken(self.now, self.now, seat, decider, command.action, subject, target, "", True)
        )
        return replace(command, decider=decider, subject=subject)

    # what a seat knows

    def known_incidents(self, seat: str) -> list[Incident]:
        """Open incidents a seat plans for: reported to it, or a neighbour's it agreed to help."""
        return actions.known_incidents(self.sim, seat)

    def heard_of(self, seat: str) -> list[Incident]:
        """Neighbours' open incidents a seat has heard of: it may offer them a unit."""
        return offers.heard_of(self.sim, seat)

    def open_points(self, seat: str | None = None) -> list[OpenPoint]:
        """Points waiting for a seat (every seat's when None), oldest first."""
        return [p for p in self.sim.points.open.values() if seat is None or p.seat == seat]


def branch(commands: Sequence[Command], to: float) -> list[Command]:
    """The commands that rebuild an exercise as it was at ``to``: those issued before it,
    every clock move stopped at ``to``, then the clock moved to ``to``."""
    kept = [c for c in commands if c.at < to]
    for index, c in enumerate(kept):
        if isinstance(c, Advance):
            kept[index] = replace(c, to=min(c.to, to))
        elif isinstance(c, Next):
            kept[index] = replace(c, until=to if c.until is None else min(c.until, to))
    return [*kept, Advance(to=to, at=kept[-1].at if kept else 0.0)]


def before_decision(commands: Sequence[Command], point: int) -> list[Command] | None:
    """The commands that rebuild an exercise as it was when a seat answered a decision
    point (by its id): open, every command before the answer kept exactly (None: no such
    answer among the commands)."""
    for index, command in enumerate(commands):
        if isinstance(command, Decide) and command.point == point:
            return list(commands[:index])
    return None

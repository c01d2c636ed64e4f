"""A played exercise: a Simulation stepped by the facilitator and answered by the seats.

Everything that changes an exercise is a *command*, a small JSON-able dict: the clock
moves (``advance`` to a time, ``next`` decision or inject), a seat decides an open point
(``decide``) or acts unprompted (``act``). Commands are validated and applied in order;
applied again from the start they give the same run event for event, so the state at
any earlier time is the replay of the commands issued before it (``branch``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from sim import log
from sim.model import decisions as d
from sim.model.comms import JOINT_CENTRE
from sim.model.entities import Incident, Unit, UnitState
from sim.model.simulation import Simulation
from sim.play.players import PLAYER, OpenPoint, Players, seat_of
from sim.scenario.schema import Scenario

Command = dict[str, Any]

ACTIONS = ("assign", "stand_down", "ask", "evacuate")
"""What a seat may do unprompted."""


class Refused(Exception):
    """A command that cannot be applied; the message says why (nothing was changed)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def point_key(point: d.DecisionPoint) -> str:
    """What a submission names, beside the point's number, so a stale form is told apart."""
    return f"{point.at_min:.4f}|{point.kind}|{point.subject}"


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
        self.lapsed: list[tuple[float, OpenPoint]] = []
        """Points doctrine took when the clock moved on, with when."""
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
        """Check and apply one command; return it as recorded (with the time it was issued).

        Raises:
            Refused: the command is malformed, stale, or not this seat's to give.
        """
        if not isinstance(command, dict):
            raise Refused("a command is a JSON object")
        do = command.get("do")
        recorded: Command = {"do": do, "at": round(self.now, 6)}
        if do == "advance":
            to = _number(command, "to")
            if to < self.now:
                raise Refused("the clock only moves forward (rewind to go back)")
            recorded["to"] = min(to, self.horizon)
            if recorded["to"] > self.now:
                self._lapse()
            self._advance(recorded["to"])
        elif do == "next":
            until = min(_number(command, "until", self.horizon), self.horizon)
            recorded["until"] = until
            self._lapse()
            self._next(until)
        elif do == "decide":
            recorded.update(self._decide(command))
            self._settle()
        elif do == "act":
            recorded.update(self._act(command))
            self._settle()
        else:
            raise Refused(f"unknown command {do!r}: advance, next, decide or act")
        self.commands.append(recorded)
        return recorded

    def _lapse(self) -> None:
        if self.finished:
            raise Refused("the exercise has reached its end")
        self.lapsed.extend((self.now, item) for item in self.players.lapse())

    def _advance(self, to: float) -> None:
        env = self.sim.env
        if to > env.now:
            stop = env.timeout(to - env.now)
            while not stop.processed:
                env.step()
        self._ended()

    def _next(self, until: float) -> None:
        """Run until a point opens for a seat, an inject is delivered, or ``until``."""
        env, events = self.sim.env, self.sim.log.events
        while env.peek() < until:
            seen = len(events)
            env.step()
            if self.players.open or any(e[1] == log.INJECT for e in events[seen:]):
                return
        self._advance(until)

    def _settle(self) -> None:
        """Let what a seat did take effect at once: run what is due at this instant."""
        env = self.sim.env
        while env.peek() <= env.now:
            env.step()

    def _ended(self) -> None:
        if self.finished and self.sim.fire is not None:
            self.sim.log.fire = self.sim.fire.snapshot()

    def _decide(self, command: Command) -> Command:
        seat = _text(command, "seat")
        number = int(_number(command, "point"))
        choice = _text(command, "choice")
        item = self.players.open.get(number)
        if item is None or point_key(item.point) != command.get("key"):
            raise Refused(
                "this decision is no longer open (already taken, lapsed, or rewound): "
                "reload the page",
                409,
            )
        if item.seat != seat:
            raise Refused(f"this decision is {item.seat}'s, not {seat}'s", 403)
        if choice not in {o.choice for o in item.point.options}:
            raise Refused(f"{choice!r} is not one of this decision's options")
        self.players.answer(number, d.Choice(choice, PLAYER))
        point = item.point
        return {
            "seat": seat,
            "point": number,
            "key": point_key(point),
            "kind": point.kind,
            "decider": point.seat,
            "subject": point.subject,
            "incident": point.incident,
            "options": [o.choice for o in point.options],
            "proposal": point.proposal.choice,
            "choice": choice,
        }

    # unprompted actions

    def _act(self, command: Command) -> Command:
        seat = _text(command, "seat")
        action = _text(command, "action")
        if seat not in self.seats:
            raise Refused(f"{seat} is not a seat of this exercise", 403)
        if self.finished:
            raise Refused("the exercise has reached its end")
        if action not in ACTIONS:
            raise Refused(f"unknown action {action!r}: {', '.join(ACTIONS)}")
        if action == "evacuate":
            return self._evacuate(seat, _text(command, "place"))
        incident = self._incident(seat, int(_number(command, "incident")))
        if action == "ask":
            return self._ask(seat, incident, _text(command, "nation"))
        unit = self._unit(seat, _text(command, "unit"))
        if action == "assign":
            return self._assign(seat, unit, incident)
        assert action == "stand_down"
        return self._stand_down(seat, unit, incident)

    def _incident(self, seat: str, number: int) -> Incident:
        known = self.known_incidents(seat)
        found = next((i for i in known if i.id == number), None)
        if found is None:
            raise Refused(f"{seat} knows of no open incident {number}")
        return found

    def _unit(self, seat: str, unit_id: str) -> Unit:
        unit = next((u for u in self.sim.units if u.id == unit_id), None)
        if unit is None or seat not in self.sim.planner.taskers(unit):
            raise Refused(f"{seat} cannot task unit {unit_id!r}", 403)
        return unit

    def _log_action(self, point: d.DecisionPoint) -> Command:
        self.sim.log_decision(point, d.Choice(point.proposal.choice, PLAYER))
        return {
            "seat": seat_of(point.seat),
            "action": point.kind,
            "subject": point.subject,
            "incident": point.incident,
            "choice": point.proposal.choice,
        }

    def _assign(self, seat: str, unit: Unit, incident: Incident) -> Command:
        planner = self.sim.planner
        if not unit.can_serve(incident) or unit.down_until > self.now:
            raise Refused(f"{unit.id} cannot serve this incident now")
        allowed = planner.allowed[seat].get(incident.id)
        if allowed is not None and unit.type.id not in allowed:
            raise Refused(f"{unit.id}'s type was not agreed for this incident")
        if unit.task is incident:
            raise Refused(f"{unit.id} is already on this incident")
        if unit.task is not None and unit.state is UnitState.ON_SCENE:
            raise Refused(f"{unit.id} is at work on scene: stand it down when it is released")
        previous = unit.task
        point = d.DecisionPoint(
            self.now,
            seat,
            d.ASSIGN,
            incident.key,
            incident.id,
            (d.Option(unit.id),),
            d.Choice(unit.id, PLAYER),
        )
        recorded = self._log_action(point)
        planner.assign(seat, unit, incident)
        if previous is not None:
            planner.incident_changed(previous)
        planner.incident_changed(incident)
        return recorded | {"unit": unit.id}

    def _stand_down(self, seat: str, unit: Unit, incident: Incident) -> Command:
        if unit.task is not incident or unit.tasked_by != seat:
            raise Refused(f"{unit.id} is not on its way to this incident for {seat}")
        if unit.state is UnitState.ON_SCENE:
            raise Refused(f"{unit.id} is at work on scene")
        point = d.DecisionPoint(
            self.now,
            seat,
            d.STAND_DOWN,
            incident.key,
            incident.id,
            (d.Option(unit.id), d.Option("keep")),
            d.Choice(unit.id, PLAYER),
        )
        self.players.force(point, point.proposal)
        self.sim.planner.stand_down(seat, unit, PLAYER)
        self.players.unforce(point)
        self.sim.planner.incident_changed(incident)
        return {
            "seat": seat,
            "action": d.STAND_DOWN,
            "subject": incident.key,
            "incident": incident.id,
            "choice": unit.id,
            "unit": unit.id,
        }

    def _ask(self, seat: str, incident: Incident, nation: str) -> Command:
        if nation not in self.sim.nations or nation == incident.place.nation:
            raise Refused(f"{nation!r} is not a neighbour that could help with this incident")
        status = incident.requests.get(nation)
        if status is not None and status[0] in ("sent", "approved"):
            raise Refused(f"{nation} has already been asked ({status[0]})")
        point = d.DecisionPoint(
            self.now,
            seat,
            d.ASK,
            incident.key,
            incident.id,
            (d.Option(nation),),
            d.Choice(nation, PLAYER),
        )
        recorded = self._log_action(point)
        self.sim.ask_for_help(seat, nation, incident)
        return recorded | {"nation": nation}

    def _evacuate(self, seat: str, place: str) -> Command:
        where = self.sim.geography.places.get(place)
        if where is None or where.nation != seat or not where.population:
            raise Refused(f"{seat} can order no evacuation of {place!r}")
        if place in self.sim.evacuation_ordered_at:
            raise Refused(f"{where.name} has already been ordered evacuated")
        point = d.DecisionPoint(
            self.now,
            f"{seat}-local",
            d.EVACUATE,
            place,
            -1,
            (d.Option(d.YES),),
            d.Choice(d.YES, PLAYER),
        )
        recorded = self._log_action(point)
        self.sim.order_evacuation(place)
        return recorded | {"place": place}

    # what a seat knows

    def known_incidents(self, seat: str) -> list[Incident]:
        """Open incidents a seat plans for: reported to it, or a neighbour's it agreed to help."""
        planner = self.sim.planner
        known = planner.joint_centre if seat == JOINT_CENTRE else planner.queues.get(seat, [])
        return [i for i in known if i.remaining > 0]

    def open_points(self, seat: str | None = None) -> list[OpenPoint]:
        """Points waiting for a seat (every seat's when None), oldest first."""
        return [p for p in self.players.open.values() if seat is None or p.seat == seat]


def branch(commands: Sequence[Command], to: float) -> list[Command]:
    """The commands that rebuild an exercise as it was at ``to``: those issued before it,
    the last clock move stopped at ``to``, then the clock moved to ``to``."""
    kept = [dict(c) for c in commands if c["at"] < to]
    if kept and kept[-1]["do"] == "advance":
        kept[-1]["to"] = min(kept[-1]["to"], to)
    elif kept and kept[-1]["do"] == "next":
        kept[-1]["until"] = min(kept[-1]["until"], to)
    kept.append({"do": "advance", "to": to, "at": kept[-1]["at"] if kept else 0.0})
    return kept


def _number(command: Command, name: str, default: float | None = None) -> float:
    value = command.get(name, default)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise Refused(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise Refused(f"{name} must be a finite number of minutes from the start")
    return number


def _text(command: Command, name: str) -> str:
    value = command.get(name)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise Refused(f"{name} is missing or not a short text")
    return value

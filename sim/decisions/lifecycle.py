"""Decision points' life cycle: each point raised has an id; it is answered at once, or
stays open until it is answered, overtaken or lapses.

- **Answered**: the policy's choice, now or later, is logged (``decision``) and carried out
  for that point only. A choice that is no longer an option falls back to doctrine.
- **Overtaken**: doctrine looks again whenever the situation changes and raises the
  assignment and ask points its plan needs now. One asking the same question (the same
  seat, kind, subject, question and choices) stays open; a different one overtakes it;
  one the plan no longer needs (help is on its way, the incident is over) is overtaken by
  none. An answer (a lapse included) that can no longer be carried out when it comes
  overtakes its point too, and the point is not raised again at that instant. Points a
  process raises once (an approval, an evacuation order, the answer to an offer of help)
  are never overtaken by another point.
- **Lapsed**: the seat did not answer before the clock moved on; doctrine's proposal is
  taken, logged as an answer with the reason ``lapsed`` (``sim.decisions.exercise``).

An open point is logged when it opens (``decision_opened``) and when it is overtaken
(``decision_overtaken``). While an assignment point is open, the unit it proposes is
counted as promised to its incident: not proposed elsewhere, and expected there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

import simpy
from simpy.events import EventPriority

from sim import log
from sim.decisions import points as d

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

Act = Callable[[d.Choice], object]
"""Carries out a choice for a point (a later answer; the raiser acts on an immediate one)."""
Check = Callable[[d.Choice], bool]
"""Whether a later answer can still be carried out."""
Lineage = tuple[str, str, str, str]


@dataclass
class OpenPoint:
    """A point waiting for an answer."""

    point: d.DecisionPoint
    event: simpy.Event
    """Succeeds with the answer (the policy's, or a lapse)."""
    act: Act
    check: Check | None
    expected: float
    """When the unit it proposes would be on scene (an assignment), else infinity."""

    @property
    def number(self) -> int:
        return self.point.id

    @property
    def seat(self) -> str:
        """The seat that answers it."""
        return d.seat_of(self.point.seat)


class Points:
    """The decision points of a run (see the module docstring)."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.raised = 0
        self.open: dict[int, OpenPoint] = {}
        """Open points by id, oldest first."""
        self._by_lineage: dict[Lineage, int] = {}
        self.promised: dict[str, int] = {}
        """Unit id -> the incident an open assignment point proposes it for."""
        self._waiting: dict[Lineage, tuple[float, list[str]]] = {}
        """Points answered "wait", or whose answer could not be carried out: not asked
        again at the same instant with the same choices."""
        self._raised_in_look: set[Lineage] = set()

    # raising

    def put(
        self,
        point: d.DecisionPoint,
        act: Act,
        check: Check | None = None,
        expected: float = math.inf,
        *,
        kept: bool = True,
    ) -> d.Choice | None:
        """Raise a point, or find it still open: the choice when answered now (the caller
        carries it out), else None (``act`` carries out the answer when it comes).

        ``kept``: a point doctrine raises again at each look, open until answered or
        overtaken; False for a point a process raises once and waits on (it is never
        overtaken).
        """
        lineage = point.lineage
        self._raised_in_look.add(lineage)
        held = self._by_lineage.get(lineage) if kept else None
        if held is not None:
            open_ = self.open[held]
            if _same_question(open_.point, point):
                open_.expected = expected
                return None
        if self._waiting.get(lineage) == (self.sim.env.now, _choices(point)):
            if held is not None:
                self.overtake(held)
            return d.Choice("wait", "waiting")
        self.raised += 1
        point = replace(point, id=self.raised, replaces=-1 if held is None else held)
        if held is not None:
            self.overtake(held, f"#{point.id}")
        answer = self.sim.policy.decide(point)
        if not isinstance(answer, simpy.Event):
            return self._taken(point, answer)
        self.open[point.id] = OpenPoint(point, answer, act, check, expected)
        self.sim.planner.point_opened()
        if kept:
            self._by_lineage[lineage] = point.id
        if point.kind == d.ASSIGN and point.proposal.choice not in self.promised:
            self.promised[point.proposal.choice] = point.incident
            for other in self.offering(point.proposal.choice):  # it is no longer theirs to
                if other.point.incident != point.incident:  # offer: they look again
                    self.sim.planner.changed(other.point.seat)
        self._log(log.DECISION_OPENED, point, point.proposal)
        answer.callbacks.append(lambda event: self._answered(point.id, event))
        return None

    def decision(self, point: d.DecisionPoint) -> Generator[Any, Any, d.Choice]:
        """Raise a point a process waits on (an approval, an evacuation order): its answer."""
        woken = self.sim.env.event()
        choice = self.put(point, woken.succeed, kept=False)
        if choice is None:
            choice = yield woken
        return cast(d.Choice, choice)

    def implied(self, point: d.DecisionPoint) -> d.Choice:
        """A point answered by a decision already taken (sending a faster unit stands the
        slowest down): its proposal, logged as answered at once, the policy not asked."""
        self.raised += 1
        return self._taken(replace(point, id=self.raised), point.proposal)

    def held(self, point: d.DecisionPoint) -> None:
        """Log why an incident waits with nobody on the way (no point to answer: no id)."""
        self._log(log.DECISION, point, point.proposal)

    def action(self, point: d.DecisionPoint, choice: d.Choice) -> None:
        """Log what a seat did unprompted, as a point raised and answered at once."""
        self.raised += 1
        self._log(log.DECISION, replace(point, id=self.raised), choice)

    # closing

    def _answered(self, number: int, event: simpy.Event) -> None:
        open_ = self._close(number)
        if open_ is None:  # overtaken before its answer came
            return
        point = open_.point
        choice = self._fitted(point, cast(d.Choice, event.value))
        if open_.check is not None and choice.choice != "wait" and not open_.check(choice):
            self._log(log.DECISION_OVERTAKEN, point, d.Choice("-", d.NOT_POSSIBLE))
            self._waiting[point.lineage] = (self.sim.env.now, _choices(point))
        else:
            self._taken(point, choice)
            if open_.act(choice) is False:  # nothing done: not asked again this instant
                self._waiting[point.lineage] = (self.sim.env.now, _choices(point))
        self.sim.planner.point_closed(point)

    def overtake(self, number: int, by: str = "-", why: str = d.OVERTAKEN) -> None:
        """Close an open point unanswered: ``by`` the point that replaces it (``#id``)."""
        open_ = self._close(number)
        if open_ is not None:
            self._log(log.DECISION_OVERTAKEN, open_.point, d.Choice(by, why))
            self.sim.planner.point_closed(open_.point)  # a unit it promised is free again

    def _close(self, number: int) -> OpenPoint | None:
        open_ = self.open.pop(number, None)
        if open_ is not None:
            point = open_.point
            if self._by_lineage.get(point.lineage) == number:
                del self._by_lineage[point.lineage]
            if self.promised.get(point.proposal.choice) == point.incident:
                del self.promised[point.proposal.choice]
        return open_

    # doctrine's looks

    def look_started(self) -> None:
        """Doctrine looks again: note which points it raises."""
        self._raised_in_look.clear()

    def look_ended(self, deciders: set[str], kinds: tuple[str, ...]) -> None:
        """Doctrine has looked again for these deciders: their open points of these kinds
        that it did not raise again are no longer needed."""
        stale = [
            n
            for n, o in self.open.items()
            if o.point.seat in deciders
            and o.point.kind in kinds
            and o.point.lineage not in self._raised_in_look
        ]
        for number in stale:
            self.overtake(number)

    def expected(self, incident: int) -> float:
        """When the unit an open assignment point proposes for an incident would be there."""
        return min(
            (o.expected for o in self.open.values() if o.point.incident == incident),
            default=math.inf,
        )

    def offering(self, unit: str) -> list[OpenPoint]:
        """Open points that list a unit among their options."""
        return [o for o in self.open.values() if any(x.choice == unit for x in o.point.options)]

    # answers

    def _taken(self, point: d.DecisionPoint, choice: d.Choice) -> d.Choice:
        choice = self._fitted(point, choice)
        self._log(log.DECISION, point, choice)
        if choice.choice == "wait":
            self._waiting[point.lineage] = (self.sim.env.now, _choices(point))
        return choice

    def _fitted(self, point: d.DecisionPoint, choice: d.Choice) -> d.Choice:
        """The choice as an option of the point: doctrine's for ``LEFT_TO_DOCTRINE``, an
        interchangeable unit of the same group, or doctrine's as a fallback."""
        if choice.choice == d.LEFT_TO_DOCTRINE:
            return d.Choice(point.proposal.choice, choice.reason)
        options = [o.choice for o in point.options]
        if not options or choice.choice in options:
            return choice
        twin = self.sim.twin(choice.choice, options)
        if twin is None:
            return d.Choice(point.proposal.choice, d.FALLBACK)
        return choice._replace(choice=twin)

    def _log(self, event: str, point: d.DecisionPoint, choice: d.Choice) -> None:
        unit = choice.choice if point.kind in (d.ASSIGN, d.STAND_DOWN) else ""
        if event != log.DECISION or unit in ("wait", "keep"):
            unit = ""
        sim = self.sim
        record = log.Decision(
            sim.env.now,
            event,
            point.incident,
            unit,
            point.seat,
            point.kind,
            choice.choice,
            choice.reason,
            point.options,
            point.subject,
            point.id,
        )
        sim.decided(record)


class Settled(simpy.Event):
    """Happens once everything else due at this instant has happened (what it sets off
    happens at the same instant, after it)."""

    def __init__(self, env: simpy.Environment) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, priority=SETTLED)


SETTLED = EventPriority(2)
"""The priority of a ``Settled`` event: after SimPy's urgent (0) and normal (1) events."""


def _choices(point: d.DecisionPoint) -> list[str]:
    """What a point offers, without the facts (arrival estimates move with the clock)."""
    return [o.choice for o in point.options]


def _same_question(a: d.DecisionPoint, b: d.DecisionPoint) -> bool:
    """The same choices on offer (their facts, e.g. arrival estimates, may have moved)."""
    return _choices(a) == _choices(b)

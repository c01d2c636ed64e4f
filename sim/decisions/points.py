"""Decisions: who decides what, among which options, and the policies that answer.

The model raises a ``DecisionPoint`` wherever judgement is needed: an EOC assigning or
standing down a unit, an EOC or the joint centre asking a neighbour for help, a nation
approving a request, a local authority ordering an evacuation. The doctrine (the standing
procedures, ``sim.decisions.doctrine`` and ``sim.model.dispatch``) proposes a choice with its
reason; a ``Policy`` answers the point, at once or later (a SimPy event that something
outside the simulation triggers, for players). Each point raised has an id and a life
cycle (``sim.decisions.lifecycle``): open, then answered, overtaken or lapsed; every answer is
logged as a ``decision`` event, a ``sim.log.Decision``.

``Doctrine`` takes the proposal (the automatic run); a played exercise answers with its
players (``sim.decisions.players``), a replay of its session with
``sim.decisions.replay.SessionReplay``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

import simpy

from sim.log import Option as Option  # one record of an option, the log's

# kinds of decision
ASSIGN = "assign"
STAND_DOWN = "stand_down"
HOLD = "hold"
ASK = "ask"
APPROVE = "approve"
EVACUATE = "evacuate"
ARRANGE = "arrange"
"""a seat (or the facilitator) switches a coordination arrangement on (an action only)"""
OFFER = "offer"
"""a nation offers one of its units to a neighbour's incident (an action only,
``sim.model.offers``)"""
ACCEPT = "accept"
"""a nation answers a neighbour's offer of a unit (the question: the unit)"""

# reasons, in a word
NEAREST = "nearest"
"""the capable free unit that would be on scene first"""
SOONER = "sooner"
"""it would arrive before every unit already on the way"""
REINFORCE = "reinforce"
"""people outnumber one round of trips by the units on it"""
FASTER_UNIT = "faster_unit"
"""a unit that arrives sooner was sent, and this one is not needed as well"""
NOT_NEEDED = "not_needed"
"""nobody is left to pick up"""
NO_CAPABLE_UNIT = "no_capable_unit"
NO_FREE_UNIT = "no_free_unit"
NO_ROUTE = "no_route"
RESERVE = "reserve"
"""the nation is threatened itself and keeps these units at home"""
MISSES_TARGET = "misses_target"
"""own units cannot be on scene within the capability target"""
ARRIVES_SOONER = "arrives_sooner"
"""(joint centre) another nation's unit would arrive before the plan"""
NOT_SOONER = "not_sooner"
"""(an offer) the help already in train would be on scene as soon"""
REFUSED_ELSEWHERE = "refused_elsewhere"
UNANSWERED = "unanswered"
PRE_AUTHORISED = "pre_authorised"
CASE_BY_CASE = "case_by_case"
WARNING = "warning"
FALLBACK = "fallback"
"""a recorded choice no longer applied: doctrine decided"""
PLAYER = "player"
"""a player chose"""
LAPSED = "lapsed"
"""doctrine chose: the point was left open when the clock moved on"""
REPLAYED = "replayed"
"""a player's choice, taken again in a replay of the session"""

OVERTAKEN = "overtaken"
"""(an open point) the situation changed: another point asks it now, or none is needed"""
NOT_POSSIBLE = "not_possible"
"""(an open point) its answer could no longer be carried out when it came"""

YES, NO = "yes", "no"


def only(unit_type: str) -> str:
    """The answer that approves a request for one unit type only (``yes:boat``)."""
    return f"{YES}:{unit_type}"


def approves(choice: str) -> bool:
    """Whether an answer approves a request (for any unit type, or for one only)."""
    return choice == YES or choice.startswith(f"{YES}:")


def only_type(choice: str) -> str | None:
    """The one unit type an approving answer is for (None: any)."""
    return choice.partition(":")[2] or None


LEFT_TO_DOCTRINE = "*"
"""An answer that leaves the point to doctrine: its proposal when the answer is taken."""


class Choice(NamedTuple):
    """An answer to a decision point, and why."""

    choice: str
    reason: str


@dataclass(frozen=True)
class DecisionPoint:
    """A decision to take: who (seat), what (kind, about subject), among which options."""

    at_min: float
    seat: str
    """A nation's EOC (its code), JCC, or a nation's local authorities (``LA-local``)."""
    kind: str
    subject: str
    """What it is about: an incident's key, or a place."""
    incident: int
    options: tuple[Option, ...]
    proposal: Choice
    """What doctrine would choose."""
    question: str = ""
    """What sets it apart from other points of its seat, kind and subject (the unit a
    stand-down is about)."""
    id: int = -1
    """Its number in the run, given when it is raised (-1: not raised yet)."""
    replaces: int = -1
    """The open point it overtook (-1: none)."""

    @property
    def lineage(self) -> tuple[str, str, str, str]:
        """What stays the same when a point is asked again: who, what kind, about what,
        which question."""
        return (self.seat, self.kind, self.subject, self.question)


class Policy(Protocol):
    """Answers decision points: a choice now, or an event whose value is the choice."""

    def decide(self, point: DecisionPoint) -> Choice | simpy.Event: ...


class Doctrine:
    """The standing procedures: take doctrine's proposal."""

    def decide(self, point: DecisionPoint) -> Choice:
        return point.proposal


def seat_of(decider: str) -> str:
    """The seat that answers for a decider: ``LA-local`` is answered by ``LA``."""
    return decider.removesuffix("-local")

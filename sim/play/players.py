"""The policy of a played exercise: seats held by players answer their own decision points.

A point for a seat in play waits, open, until its players answer it (or the facilitator
moves the clock on and it lapses to doctrine); every other point takes doctrine's proposal.
A nation's seat also answers its local authorities' evacuation orders (``LA-local``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import simpy

from sim.model import decisions as d


def seat_of(decider: str) -> str:
    """The seat that answers for a decider: ``LA-local`` is answered by ``LA``."""
    return decider.removesuffix("-local")


@dataclass(frozen=True)
class OpenPoint:
    """A decision point waiting for its seat, numbered in the order it was raised."""

    number: int
    point: d.DecisionPoint
    event: simpy.Event

    @property
    def seat(self) -> str:
        return seat_of(self.point.seat)


class Players:
    """Answers decision points for a played exercise (see the module docstring)."""

    def __init__(self, seats: Collection[str]) -> None:
        self.seats = frozenset(seats)
        self.env: simpy.Environment | None = None
        """Set once the simulation exists (its events are made on its environment)."""
        self.open: dict[int, OpenPoint] = {}
        self.raised = 0

    def decide(self, point: d.DecisionPoint) -> d.Choice | simpy.Event:
        if seat_of(point.seat) not in self.seats or self.env is None:
            return point.proposal
        self.raised += 1
        event = self.env.event()
        self.open[self.raised] = OpenPoint(self.raised, point, event)
        return event

    def answer(self, number: int, choice: d.Choice) -> None:
        """Answer an open point (the model checks the choice is still an option)."""
        self.open.pop(number).event.succeed(choice)

    def lapse(self) -> list[OpenPoint]:
        """Doctrine takes every open point (the clock moves on); returns them."""
        lapsed = list(self.open.values())
        for item in lapsed:
            self.answer(item.number, d.Choice(d.LEFT_TO_DOCTRINE, d.LAPSED))
        return lapsed

    def leave(self) -> None:
        """The players have left: doctrine takes every point from now on, at once."""
        self.seats = frozenset()

"""The policy of a played exercise: seats held by players answer their own decision points.

A point for a seat in play stays open (``sim.decisions.lifecycle``) until its players answer it,
it is overtaken, or the clock moves on and it lapses to doctrine; every other point takes
doctrine's proposal. A nation's seat also answers its local authorities' evacuation orders
(``LA-local``).
"""

from __future__ import annotations

from collections.abc import Collection

import simpy

from sim.decisions import points as d
from sim.decisions.lifecycle import OpenPoint
from sim.decisions.points import seat_of

__all__ = ["OpenPoint", "Players", "seat_of"]


class Players:
    """Answers decision points for a played exercise (see the module docstring)."""

    def __init__(self, seats: Collection[str]) -> None:
        self.seats = frozenset(seats)
        self.env: simpy.Environment | None = None
        """Set once the simulation exists (its events are made on its environment)."""

    def decide(self, point: d.DecisionPoint) -> d.Choice | simpy.Event:
        if seat_of(point.seat) not in self.seats or self.env is None:
            return point.proposal
        return self.env.event()

    def leave(self) -> None:
        """The players have left: doctrine takes every point from now on, at once."""
        self.seats = frozenset()

"""Border crossings: a queue for a few lanes, opening hours, closures, and processing."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim import log
from sim.model.arrangements import FAST_TRACK, OPEN_24H
from sim.scenario.schema import Crossing

if TYPE_CHECKING:
    from sim.model.entities import Unit
    from sim.model.simulation import Simulation

Wanted = Callable[[], bool]
"""Whether a unit on its way is still wanted where it is going."""


class BorderCrossing:
    """A pair of border posts that deployments pass one lane at a time."""

    def __init__(self, sim: Simulation, spec: Crossing) -> None:
        self.sim = sim
        self.id = spec.id
        self.spec = spec
        operations = sim.scenario.coordination.border_operations
        self.lanes = simpy.Resource(
            sim.env, capacity=spec.lanes + (operations.enabled and operations.emergency_lane)
        )
        self.window = None if OPEN_24H in sim.in_force else spec.open_window_min()
        """The daily opening hours (open, close minute), or None: open around the clock."""
        self.processing = operations.fast_track if FAST_TRACK in sim.in_force else spec.processing
        """How long a deployment's processing takes (drawn when it starts)."""
        self.closed = False
        self.reopened = sim.env.event()
        self.hours_changed = sim.env.event()
        """Succeeds when the opening hours change (then is renewed)."""

    def open_around_the_clock(self) -> None:
        """Open 24 h from now: units waiting for opening hours go through at once."""
        self.window = None
        changed, self.hours_changed = self.hours_changed, self.sim.env.event()
        changed.succeed()

    def close(self) -> None:
        """Close the crossing: nobody passes and no new route uses it."""
        self.closed = True
        self.sim.geography.close(self.id)

    def reopen(self) -> None:
        """Reopen the crossing and let waiting units through."""
        self.closed = False
        self.sim.geography.reopen(self.id)
        waiting, self.reopened = self.reopened, self.sim.env.event()
        waiting.succeed()

    def pass_through(
        self, unit: Unit, incident_id: int, subject: str, wanted: Wanted
    ) -> Generator[Any, Any, bool]:
        """Queue for a lane, wait for opening hours, be processed (a SimPy process body).

        Returns False, without crossing, if the unit is no longer wanted while it waits or
        is processed (``wanted()`` is looked at whenever the unit is signalled or the
        crossing reopens).
        """
        sim = self.sim
        env, record = sim.env, sim.record
        record((env.now, log.BORDER_ARRIVED, incident_id, unit.id, self.id))
        with self.lanes.request() as lane:
            while not lane.triggered:
                yield lane | unit.signal
                if not lane.triggered and not wanted():
                    record((env.now, log.BORDER_LEFT, incident_id, unit.id, self.id))
                    return False
                sim.renew_signal(unit)
            while True:
                if not wanted():
                    record((env.now, log.BORDER_LEFT, incident_id, unit.id, self.id))
                    return False
                if self.closed:
                    yield self.reopened | unit.signal
                    sim.renew_signal(unit)
                    continue
                opens_at = sim.clock.next_open(env.now, self.window)
                if opens_at > env.now:
                    yield env.timeout(opens_at - env.now) | unit.signal | self.hours_changed
                    sim.renew_signal(unit)
                    continue
                break
            stream = sim.random.of("border", f"{unit.id}/{self.id}/{subject}")
            processed = env.timeout(self.processing.draw(stream))
            tasked = unit.task is not None
            if tasked:  # expected at the far post once the mean processing is over
                far_post = next(p for p in self.spec.posts if p != unit.location)
                unit.clearing = (far_post, env.now + self.processing.mean)
                sim.planner.stirred(unit)
            while True:
                # stood down or diverted (even if tasked again since): turns back here
                if not wanted() or (tasked and unit.clearing is None):
                    unit.clearing = None
                    sim.planner.moved(unit)  # (diverted: its new incident looks again)
                    record((env.now, log.BORDER_LEFT, incident_id, unit.id, self.id))
                    if tasked and unit.task is None:  # free once it has turned back
                        sim.planner.unit_free(unit)
                    return False
                if processed.processed:
                    break
                yield processed | unit.signal
                if not processed.processed:
                    sim.renew_signal(unit)
            unit.clearing = None
        record((env.now, log.BORDER_CLEARED, incident_id, unit.id, self.id))
        return True

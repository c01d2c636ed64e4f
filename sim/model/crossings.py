"""Border crossings: a queue for a few lanes, opening hours, closures, and processing."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim import log
from sim.scenario.schema import Crossing

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

StandDown = Callable[[], bool] | None
"""Whether a unit on its way is no longer needed."""

STAND_DOWN_CHECK_MIN = 60.0
"""How often a unit waiting at a closed crossing hears whether it is still needed."""


class BorderCrossing:
    """A pair of border posts that deployments pass one lane at a time."""

    def __init__(self, sim: Simulation, spec: Crossing) -> None:
        self.sim = sim
        self.id = spec.id
        self.spec = spec
        operations = sim.scenario.coordination.border_operations
        coordinated = operations.enabled
        self.lanes = simpy.Resource(
            sim.env, capacity=spec.lanes + (coordinated and operations.emergency_lane)
        )
        self.window = None if coordinated and operations.open_24h else spec.open_window_min()
        self.processing = operations.fast_track if coordinated else spec.processing
        self.closed = False
        self.reopened = sim.env.event()

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
        self, unit_id: str, incident_id: int, stand_down: StandDown = None
    ) -> Generator[Any, Any, bool]:
        """Queue for a lane, wait for opening hours, be processed (a SimPy process body).

        Returns False, without crossing, if ``stand_down()`` turns true while the unit waits
        for the crossing to open (it is checked at least hourly).
        """
        env, record = self.sim.env, self.sim.record
        record((env.now, log.BORDER_ARRIVED, incident_id, unit_id, self.id))
        with self.lanes.request() as lane:
            yield lane
            while True:
                if stand_down is not None and stand_down():
                    record((env.now, log.BORDER_LEFT, incident_id, unit_id, self.id))
                    return False
                if self.closed:
                    yield self.reopened | env.timeout(STAND_DOWN_CHECK_MIN)
                    continue
                opens_at = self.sim.clock.next_open(env.now, self.window)
                if opens_at > env.now:
                    yield env.timeout(min(opens_at - env.now, STAND_DOWN_CHECK_MIN))
                    continue
                break
            yield env.timeout(self.processing.draw(self.sim.random["border"]))
        record((env.now, log.BORDER_CLEARED, incident_id, unit_id, self.id))
        return True

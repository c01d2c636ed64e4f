"""Dated closures of every crossing between two nations (``[[closures]]``), at their times."""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.simulation import Simulation


def apply_closures(sim: Simulation) -> None:
    """Hold each crossing a closure names closed while the closure lasts within the run.

    A closure's hold is its own: a ``crossing_reopened`` inject does not lift it (give the
    closure an end instead).
    """
    scenario = sim.scenario
    for closure in scenario.closures:
        closes, reopens = closure.window_min(scenario.scenario.start)
        if reopens <= 0 or closes >= scenario.duration_min:
            continue
        reason = f"closure {closure.id}"
        for crossing in scenario.crossings_closed_by(closure):
            hold = partial(sim.hold_closed, crossing.id, reason, crossing=True)
            sim.later(max(closes, 0.0), hold)
            if math.isfinite(reopens) and reopens < scenario.duration_min:
                sim.later(reopens, partial(sim.release, crossing.id, reason, crossing=True))

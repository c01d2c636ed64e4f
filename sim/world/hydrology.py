"""River levels at gauges over the run, and when they cross the levels that matter.

Levels are computed once per run on a 10-minute grid with numpy (scripted series are
interpolated linearly; flood waves drawn from the ``flood`` stream; downstream gauges
follow an upstream one later and smaller), so a flood costs a handful of scheduled events,
not a step every minute.

Flood wave (``Hydrograph``): the level stays at ``base`` until ``peak_at - rise``, climbs
along a half cosine to ``peak``, then recedes exponentially towards ``base`` with time
constant ``recession``. A downstream gauge reads its own base plus ``attenuation`` times
the upstream rise above its base, ``lag`` later, averaged over the past ``spread`` (the
wave flattening and lengthening on its way). These are stated assumptions, not a
hydraulic model: enough to time closures, strandings and warnings.
"""

from __future__ import annotations

import numpy as np

from sim.log import GAUGE_STEP_MIN as STEP_MIN
from sim.scenario.quantities import RandomSource
from sim.scenario.schema import Gauge, Scenario


def time_grid(duration_min: float) -> np.ndarray:
    """The times (minutes) at which levels are computed."""
    return np.arange(0.0, duration_min + STEP_MIN, STEP_MIN)


def base_level(gauge: Gauge) -> float:
    """The level of a gauge with no flood wave."""
    if gauge.levels is not None:
        return gauge.levels[0][1]
    if gauge.hydrograph is not None:
        return gauge.hydrograph.base
    assert gauge.follows is not None
    return gauge.follows.base


def gauge_levels(scenario: Scenario, stream: RandomSource) -> dict[str, np.ndarray]:
    """Each gauge's level on ``time_grid``, in the order the gauges are listed."""
    t = time_grid(scenario.duration_min)
    levels: dict[str, np.ndarray] = {}
    gauges = {g.id: g for g in scenario.gauges}
    for gauge in scenario.gauges:
        if gauge.levels is not None:
            times = np.array([at for at, _ in gauge.levels])
            values = np.array([level for _, level in gauge.levels])
            levels[gauge.id] = np.interp(t, times, values)
        elif gauge.hydrograph is not None:
            h = gauge.hydrograph
            peak, peak_at = h.peak.draw(stream), h.peak_at.draw(stream)
            rise, recession = h.rise.draw(stream), h.recession.draw(stream)
            start = peak_at - rise
            climbing = (1 - np.cos(np.pi * np.clip((t - start) / max(rise, 1e-9), 0, 1))) / 2
            falling = np.exp(-np.clip(t - peak_at, 0, None) / max(recession, 1e-9))
            levels[gauge.id] = h.base + (peak - h.base) * np.where(t <= peak_at, climbing, falling)
        else:
            follows = gauge.follows
            assert follows is not None
            upstream = gauges[follows.gauge]
            upstream_rise = levels[upstream.id] - base_level(upstream)
            window = round(follows.spread / STEP_MIN)
            if window > 1:  # a trailing moving average: lower, later and longer
                upstream_rise = np.convolve(upstream_rise, np.ones(window) / window)[: t.size]
            delayed = np.interp(t - follows.lag, t, upstream_rise, left=0.0)
            levels[gauge.id] = follows.base + follows.attenuation * delayed
    return levels


def crossings(levels: np.ndarray, threshold: float) -> list[tuple[float, bool]]:
    """When the level reaches (True) or falls below (False) a threshold, interpolated linearly."""
    t = time_grid((levels.size - 1) * STEP_MIN)
    above = levels >= threshold
    out: list[tuple[float, bool]] = [(0.0, True)] if above[0] else []
    for i in np.flatnonzero(above[1:] != above[:-1]):
        a, b = levels[i], levels[i + 1]
        when = t[i] + (threshold - a) / (b - a) * STEP_MIN
        out.append((float(when), bool(above[i + 1])))
    return out

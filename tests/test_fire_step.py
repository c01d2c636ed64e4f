"""The fast fire step computes exactly what the plain rule says, draw for draw.

The rule (``sim.scenario.wildfire``): over the box of burning cells one cell wider, draw
one uniform a cell; an unburnt cell with fuel catches when its draw is below
``1 - prod(1 - chance_d * burns_d)`` over the eight directions in ``NEIGHBOURS`` order.
``reference_step`` writes that out plainly (as the model did before it was made faster);
the grid's own step must leave every cell and every random stream bit-for-bit the same.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from support import load_with

from sim.scenario.wildfire import Wildfire
from sim.world.fire import BURNING, DIAGONAL, NEIGHBOURS, OUT, UNBURNT, FireGrid


def reference_step(grid: FireGrid, t: float, rng: np.random.Generator) -> None:
    spec = grid.spec
    rows, cols = np.nonzero(grid.state == BURNING)
    if rows.size == 0:
        return
    r0, r1 = max(rows.min() - 1, 0), min(rows.max() + 2, grid.rows)
    c0, c1 = max(cols.min() - 1, 0), min(cols.max() + 2, grid.cols)
    state = grid.state[r0:r1, c0:c1]
    burning = state == BURNING
    fuel = grid.fuel[r0:r1, c0:c1]
    height, width = burning.shape
    survive = np.ones((height, width))
    padded = np.pad(burning, 1)
    fuel_chance = spec.spread * spec.dryness * grid.fuel
    for dr, dc in NEIGHBOURS:
        heading = math.degrees(math.atan2(dc, dr)) % 360
        wind = 1 + grid.wind_kmh / 10 * math.cos(math.radians(heading - grid.wind_toward_deg))
        chance = np.minimum(fuel_chance * max(0.1, wind) * (DIAGONAL if dr and dc else 1.0), 1)
        source = padded[1 - dr : 1 - dr + height, 1 - dc : 1 - dc + width]
        survive *= 1.0 - chance[r0:r1, c0:c1] * source
    new = (state == UNBURNT) & (fuel > 0) & (rng.random((height, width)) < 1 - survive)
    state[new] = BURNING
    grid.burn_end[r0:r1, c0:c1][new] = t + spec.burn_time
    grid.ever_burnt[r0:r1, c0:c1] |= new
    done = (grid.state == BURNING) & (grid.burn_end <= t)
    grid.state[done] = OUT


def _spec(wind_deg: float, wind_kmh: float, spread: float, fuel: float) -> Wildfire:
    def change(data: dict[str, object]) -> None:
        fire = data["wildfire"]
        assert isinstance(fire, dict)
        fire.update(wind_toward_deg=wind_deg, wind_kmh=wind_kmh, spread=spread, default_fuel=fuel)

    spec = load_with("wildfire.toml", change).wildfire
    assert spec is not None
    return spec


@settings(max_examples=25)
@given(
    wind_deg=st.floats(0, 359.9),
    wind_kmh=st.floats(0, 60),
    spread=st.floats(0.05, 1.0),
    fuel=st.floats(0.0, 3.0),
    seed=st.integers(0, 2**32 - 1),
    ignitions=st.lists(st.tuples(st.integers(0, 22), st.integers(0, 26)), min_size=1, max_size=4),
)
def test_the_step_equals_the_plain_rule(
    wind_deg: float,
    wind_kmh: float,
    spread: float,
    fuel: float,
    seed: int,
    ignitions: list[tuple[int, int]],
) -> None:
    spec = _spec(wind_deg, wind_kmh, spread, fuel)
    fast, plain = FireGrid(spec), FireGrid(spec)
    fast_rng, plain_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    for t, cell in enumerate(ignitions):
        cell = (min(cell[0], fast.rows - 1), min(cell[1], fast.cols - 1))
        assert fast.ignite(cell, t * 30.0) == plain.ignite(cell, t * 30.0)
    for step in range(1, 40):
        t = step * spec.step
        if step == 20:  # the wind shifts half way, and a crew puts out a patch
            for grid in (fast, plain):
                grid.wind_toward_deg, grid.wind_kmh = (wind_deg + 120) % 360, wind_kmh / 2
            area = np.nonzero(fast.near(14.5, 105.3, 3.0))
            draws = fast_rng.random(area[0].size)
            plain_rng.random(area[0].size)
            fast.suppress(area, 0.5, draws, ground=True)
            plain.suppress(area, 0.5, draws, ground=True)
        fast.step(t, fast_rng)
        reference_step(plain, t, plain_rng)
        assert np.array_equal(fast.state, plain.state), step
        assert np.array_equal(fast.burn_end, plain.burn_end)
        assert np.array_equal(fast.ever_burnt, plain.ever_burnt)
        assert fast.burning == int((plain.state == BURNING).sum())
        assert fast.burnt == int(plain.ever_burnt.sum())
    assert fast_rng.random() == plain_rng.random()  # the same number of draws was taken

"""A wildfire on a grid of cells: fuel, mines, wind, spread and suppression (numpy).

One ``step`` advances every cell at once (see ``sim.scenario.wildfire`` for the model's
assumptions). A cell is unburnt, burning or out (burnt out or put out).
"""

from __future__ import annotations

import math

import numpy as np

from sim.scenario.wildfire import KM_PER_DEGREE, Box, Wildfire, grid_shape

UNBURNT, BURNING, OUT = 0, 1, 2
NEIGHBOURS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
DIAGONAL = 1 / math.sqrt(2)
"""Spread to a diagonal neighbour, whose centre is √2 cells away, is scaled by this."""


class FireGrid:
    """The cells of the region and what is burning."""

    def __init__(self, spec: Wildfire) -> None:
        self.spec = spec
        south, west, north, _ = spec.bounds
        self.south, self.west = south, west
        self.dlat = spec.cell_km / KM_PER_DEGREE
        self.dlon = spec.cell_km / (KM_PER_DEGREE * math.cos(math.radians((south + north) / 2)))
        self.rows, self.cols = grid_shape(spec.bounds, spec.cell_km)
        lat = south + (np.arange(self.rows) + 0.5) * self.dlat
        lon = west + (np.arange(self.cols) + 0.5) * self.dlon
        self.lat, self.lon = np.meshgrid(lat, lon, indexing="ij")
        self.fuel = np.full((self.rows, self.cols), spec.default_fuel)
        for area in spec.fuel:
            self.fuel[self.in_box(area.box)] = area.fuel
        self.mined = np.zeros((self.rows, self.cols), dtype=bool)
        for mined in spec.mined:
            self.mined |= self.in_box(mined.box)
        self.state = np.zeros((self.rows, self.cols), dtype=np.int8)
        self.burn_end = np.full((self.rows, self.cols), np.inf)
        self.ever_burnt = np.zeros((self.rows, self.cols), dtype=bool)
        self.put_out_by_ground = np.zeros((self.rows, self.cols), dtype=bool)
        self.wind_toward_deg, self.wind_kmh = spec.wind_toward_deg, spec.wind_kmh
        self._wind: tuple[float, float] | None = None
        self._chance_layers = np.empty((0,))

    def in_box(self, box: Box) -> np.ndarray:
        """The cells whose centre lies in a [south, west, north, east] box."""
        south, west, north, east = box
        inside: np.ndarray = (
            (self.lat >= south) & (self.lat <= north) & (self.lon >= west) & (self.lon <= east)
        )
        return inside

    def cell(self, lat: float, lon: float) -> tuple[int, int] | None:
        """The cell of a point, or None outside the grid."""
        r = math.floor((lat - self.south) / self.dlat)
        c = math.floor((lon - self.west) / self.dlon)
        return (r, c) if 0 <= r < self.rows and 0 <= c < self.cols else None

    def near(self, lat: float, lon: float, km: float) -> np.ndarray:
        """The cells within ``km`` of a point."""
        dy = (self.lat - lat) * KM_PER_DEGREE
        dx = (self.lon - lon) * KM_PER_DEGREE * math.cos(math.radians(lat))
        within: np.ndarray = dx**2 + dy**2 <= km**2
        return within

    def ignite(self, cell: tuple[int, int], t: float) -> bool:
        """Set a cell burning if it has fuel and is not burning or out; whether it caught."""
        if self.state[cell] != UNBURNT or self.fuel[cell] <= 0:
            return False
        self.state[cell] = BURNING
        self.burn_end[cell] = t + self.spec.burn_time
        self.ever_burnt[cell] = True
        return True

    def step(self, t: float, rng: np.random.Generator) -> None:
        """Spread for one step ending at ``t``, then burn out what has burned its time.

        Only the box around the burning cells (one cell wider) is computed and drawn for.
        """
        spec = self.spec
        rows, cols = np.nonzero(self.state == BURNING)
        if rows.size == 0:
            return
        r0, r1 = max(rows.min() - 1, 0), min(rows.max() + 2, self.rows)
        c0, c1 = max(cols.min() - 1, 0), min(cols.max() + 2, self.cols)
        state = self.state[r0:r1, c0:c1]
        burning = state == BURNING
        fuel = self.fuel[r0:r1, c0:c1]
        height, width = burning.shape
        survive = np.ones((height, width))
        padded = np.pad(burning, 1)
        for (dr, dc), chance in zip(NEIGHBOURS, self._chances(), strict=True):
            source = padded[1 - dr : 1 - dr + height, 1 - dc : 1 - dc + width]  # neighbour burns
            survive *= 1.0 - chance[r0:r1, c0:c1] * source
        new = (state == UNBURNT) & (fuel > 0) & (rng.random((height, width)) < 1 - survive)
        state[new] = BURNING
        self.burn_end[r0:r1, c0:c1][new] = t + spec.burn_time
        self.ever_burnt[r0:r1, c0:c1] |= new
        done = (self.state == BURNING) & (self.burn_end <= t)
        self.state[done] = OUT

    def _chances(self) -> np.ndarray:
        """Each direction's ignition chance, for every cell (recomputed when the wind changes)."""
        wind = (self.wind_toward_deg, self.wind_kmh)
        if self._wind != wind:
            fuel_chance = self.spec.spread * self.spec.dryness * self.fuel
            layers = []
            for dr, dc in NEIGHBOURS:
                heading = math.degrees(math.atan2(dc, dr)) % 360  # rows go north, columns east
                factor = max(0.1, 1 + wind[1] / 10 * math.cos(math.radians(heading - wind[0])))
                layers.append(
                    np.minimum(fuel_chance * factor * (DIAGONAL if dr and dc else 1.0), 1)
                )
            self._chance_layers, self._wind = np.stack(layers), wind
        return self._chance_layers

    def suppress(
        self, area: tuple[np.ndarray, ...], chance: float, draws: np.ndarray, *, ground: bool
    ) -> int:
        """A crew puts out burning cells of an area (``chance`` each); ground crews skip mines.

        ``area`` is an index array of cells (``np.nonzero`` of a mask), ``draws`` one uniform
        for each of them.
        """
        hit = (self.state[area] == BURNING) & (draws < chance)
        if ground:
            hit &= ~self.mined[area]
        cells = tuple(index[hit] for index in area)
        self.state[cells] = OUT
        if ground:
            self.put_out_by_ground[cells] = True
        return int(hit.sum())

    def burning_in(self, area: tuple[np.ndarray, ...]) -> bool:
        """Whether any cell of an area (an index array) burns."""
        return bool((self.state[area] == BURNING).any())

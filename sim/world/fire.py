"""A wildfire on a grid of cells: fuel, mines, wind, spread and suppression (numpy).

One ``step`` advances every cell at once (see ``sim.scenario.wildfire`` for the model's
assumptions). A cell is unburnt, burning or out (burnt out or put out). The loops over
cells run compiled (``sim.world.fire_kernels``); what does not change during a run (the
terrain, the escape chances for a wind) is computed once a process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.scenario.wildfire import KM_PER_DEGREE, Box, Wildfire, grid_shape

UNBURNT, BURNING, OUT = 0, 1, 2
NEIGHBOURS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
OFFSETS = np.array(NEIGHBOURS, dtype=np.int64)
OFFSETS.setflags(write=False)
DIAGONAL = 1 / math.sqrt(2)
"""Spread to a diagonal neighbour, whose centre is √2 cells away, is scaled by this."""


@dataclass(frozen=True)
class _Terrain:
    """What does not change during a run: cell centres, fuel and mines (read-only arrays)."""

    lat: np.ndarray
    lon: np.ndarray
    fuel: np.ndarray
    mined: np.ndarray


def _in_box(lat: np.ndarray, lon: np.ndarray, box: Box) -> np.ndarray:
    south, west, north, east = box
    inside: np.ndarray = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    return inside


@lru_cache(maxsize=8)
def _terrain(spec: Wildfire) -> _Terrain:
    """The terrain of a fire spec, built once and shared by the replications of a process."""
    rows, cols = grid_shape(spec.bounds, spec.cell_km)
    south, west, north, _ = spec.bounds
    dlat = spec.cell_km / KM_PER_DEGREE
    dlon = spec.cell_km / (KM_PER_DEGREE * math.cos(math.radians((south + north) / 2)))
    lat, lon = np.meshgrid(
        south + (np.arange(rows) + 0.5) * dlat, west + (np.arange(cols) + 0.5) * dlon, indexing="ij"
    )
    fuel = np.full((rows, cols), spec.default_fuel)
    for area in spec.fuel:
        fuel[_in_box(lat, lon, area.box)] = area.fuel
    mined = np.zeros((rows, cols), dtype=bool)
    for mined_area in spec.mined:
        mined |= _in_box(lat, lon, mined_area.box)
    for array in (lat, lon, fuel, mined):
        array.setflags(write=False)
    return _Terrain(lat, lon, fuel, mined)


@lru_cache(maxsize=32)
def _survival(spec: Wildfire, wind: tuple[float, float]) -> np.ndarray:
    """For each direction, the chance a cell escapes a burning neighbour there (1 - chance).

    Computed as ``1.0 - chance``, the very number the product of the step multiplies by.
    """
    fuel_chance = spec.spread * spec.dryness * _terrain(spec).fuel
    layers = []
    for dr, dc in NEIGHBOURS:
        heading = math.degrees(math.atan2(dc, dr)) % 360  # rows go north, columns east
        factor = max(0.1, 1 + wind[1] / 10 * math.cos(math.radians(heading - wind[0])))
        chance = np.minimum(fuel_chance * factor * (DIAGONAL if dr and dc else 1.0), 1)
        layers.append(1.0 - chance)
    survival = np.stack(layers)
    survival.setflags(write=False)
    return survival


class FireGrid:
    """The cells of the region and what is burning."""

    def __init__(self, spec: Wildfire) -> None:
        self.spec = spec
        south, west, north, _ = spec.bounds
        self.south, self.west = south, west
        self.dlat = spec.cell_km / KM_PER_DEGREE
        self.dlon = spec.cell_km / (KM_PER_DEGREE * math.cos(math.radians((south + north) / 2)))
        self.rows, self.cols = grid_shape(spec.bounds, spec.cell_km)
        terrain = _terrain(spec)
        self.lat, self.lon = terrain.lat, terrain.lon
        self.fuel, self.mined = terrain.fuel, terrain.mined
        self.state = np.zeros((self.rows, self.cols), dtype=np.int8)
        self.burn_end = np.full((self.rows, self.cols), np.inf)
        self.ever_burnt = np.zeros((self.rows, self.cols), dtype=bool)
        self.put_out_by_ground = np.zeros((self.rows, self.cols), dtype=bool)
        self.wind_toward_deg, self.wind_kmh = spec.wind_toward_deg, spec.wind_kmh
        self.burning = 0
        """How many cells burn now (kept as cells catch, burn out and are put out)."""
        self.burnt = 0
        """How many cells have ever burned."""
        self._survival: dict[tuple[float, float], np.ndarray] = {}

    def in_box(self, box: Box) -> np.ndarray:
        """The cells whose centre lies in a [south, west, north, east] box."""
        return _in_box(self.lat, self.lon, box)

    def cell(self, lat: float, lon: float) -> tuple[int, int] | None:
        """The cell of a point, or None outside the grid."""
        r = math.floor((lat - self.south) / self.dlat)
        c = math.floor((lon - self.west) / self.dlon)
        return (r, c) if 0 <= r < self.rows and 0 <= c < self.cols else None

    def near(self, lat: float, lon: float, km: float) -> np.ndarray:
        """The cells within ``km`` of a point (computed only over the rows and columns that
        can be that near)."""
        within = np.zeros((self.rows, self.cols), dtype=bool)
        scale = math.cos(math.radians(lat))
        reach_rows = math.ceil(km / KM_PER_DEGREE / self.dlat) + 1
        reach_cols = math.ceil(km / (KM_PER_DEGREE * max(scale, 1e-9)) / self.dlon) + 1
        r, c = math.floor((lat - self.south) / self.dlat), math.floor((lon - self.west) / self.dlon)
        r0, r1 = max(r - reach_rows, 0), max(min(r + reach_rows + 1, self.rows), 0)
        c0, c1 = max(c - reach_cols, 0), max(min(c + reach_cols + 1, self.cols), 0)
        dy = (self.lat[r0:r1, c0:c1] - lat) * KM_PER_DEGREE
        dx = (self.lon[r0:r1, c0:c1] - lon) * KM_PER_DEGREE * scale
        within[r0:r1, c0:c1] = dx**2 + dy**2 <= km**2
        return within

    def ignite(self, cell: tuple[int, int], t: float) -> bool:
        """Set a cell burning if it has fuel and is not burning or out; whether it caught."""
        if self.state[cell] != UNBURNT or self.fuel[cell] <= 0:
            return False
        self.state[cell] = BURNING
        self.burn_end[cell] = t + self.spec.burn_time
        self.ever_burnt[cell] = True
        self.burnt += 1
        self.burning += 1
        return True

    def step(self, t: float, rng: np.random.Generator) -> None:
        """Spread for one step ending at ``t``, then burn out what has burned its time.

        Only the box around the burning cells (one cell wider) is computed and drawn for.
        A cell escapes with the product, over its burning neighbours in ``NEIGHBOURS``
        order, of ``1 - chance``, and catches when its uniform draw is below one minus that.
        """
        if self.burning == 0:
            return
        from sim.world import fire_kernels  # numba loads only when a fire burns

        box = fire_kernels.burning_box(self.state)
        r0, r1, c0, c1 = box
        wind = (self.wind_toward_deg, self.wind_kmh)
        if wind not in self._survival:
            self._survival[wind] = _survival(self.spec, wind)
        draws = rng.random((r1 - r0, c1 - c0))
        caught, out = fire_kernels.spread(
            self.state,
            self.fuel,
            self._survival[wind],
            self.burn_end,
            self.ever_burnt,
            box,
            draws,
            OFFSETS,
            t,
            self.spec.burn_time,
        )
        self.burnt += caught
        self.burning += caught - out

    def suppress(
        self, area: tuple[np.ndarray, ...], chance: float, draws: np.ndarray, *, ground: bool
    ) -> int:
        """A crew puts out burning cells of an area (``chance`` each); ground crews skip mines.

        ``area`` is an index array of cells (``np.nonzero`` of a mask), ``draws`` one uniform
        for each of them.
        """
        from sim.world import fire_kernels

        rows, cols = area
        put_out = int(
            fire_kernels.suppress(
                self.state, self.mined, self.put_out_by_ground, rows, cols, draws, chance, ground
            )
        )
        self.burning -= put_out
        return put_out

    def burning_in(self, area: tuple[np.ndarray, ...]) -> bool:
        """Whether any cell of an area (an index array) burns."""
        return bool(self.burning_groups(area, np.zeros(area[0].size, dtype=np.int64), 1)[0])

    def burning_groups(
        self, cells: tuple[np.ndarray, ...], group: np.ndarray, groups: int
    ) -> np.ndarray:
        """For each of ``groups`` groups of cells (``group[k]`` is cell k's), whether any burns."""
        from sim.world import fire_kernels

        rows, cols = cells
        burning: np.ndarray = fire_kernels.burning_groups(self.state, rows, cols, group, groups)
        return burning

"""A wildfire on a grid of cells: fuel, mines, wind, spread and suppression (numpy).

One ``step`` advances every cell at once (see ``sim.scenario.wildfire`` for the model's
assumptions). A cell is unburnt, burning or out (burnt out or put out).
"""

from __future__ import annotations

import math

import numpy as np

from sim.scenario.wildfire import Box, Wildfire

UNBURNT, BURNING, OUT = 0, 1, 2
KM_PER_DEGREE = 111.32
NEIGHBOURS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
DIAGONAL = 1 / math.sqrt(2)
"""Spread to a diagonal neighbour, whose centre is √2 cells away, is scaled by this."""


class FireGrid:
    """The cells of the region and what is burning."""

    def __init__(self, spec: Wildfire) -> None:
        self.spec = spec
        south, west, north, east = spec.bounds
        self.south, self.west = south, west
        self.dlat = spec.cell_km / KM_PER_DEGREE
        self.dlon = spec.cell_km / (KM_PER_DEGREE * math.cos(math.radians((south + north) / 2)))
        self.rows = max(1, math.ceil((north - south) / self.dlat))
        self.cols = max(1, math.ceil((east - west) / self.dlon))
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

    def step(self, t: float, draws: np.ndarray) -> np.ndarray:
        """Spread for one step ending at ``t`` (``draws``: uniforms, one a cell); new fires."""
        spec = self.spec
        burning = self.state == BURNING
        survive = np.ones((self.rows, self.cols))
        base = spec.spread * spec.dryness
        for dr, dc in NEIGHBOURS:
            source = np.zeros_like(burning)  # cells whose neighbour at (-dr, -dc) burns
            source[max(dr, 0) : self.rows + min(dr, 0), max(dc, 0) : self.cols + min(dc, 0)] = (
                burning[
                    max(-dr, 0) : self.rows + min(-dr, 0), max(-dc, 0) : self.cols + min(-dc, 0)
                ]
            )
            heading = math.degrees(math.atan2(dc, dr)) % 360  # rows go north, columns east
            wind = max(
                0.1, 1 + self.wind_kmh / 10 * math.cos(math.radians(heading - self.wind_toward_deg))
            )
            chance = np.clip(base * self.fuel * wind * (DIAGONAL if dr and dc else 1.0), 0, 1)
            survive *= np.where(source, 1 - chance, 1.0)
        new: np.ndarray = (self.state == UNBURNT) & (self.fuel > 0) & (draws < 1 - survive)
        self.state[new] = BURNING
        self.burn_end[new] = t + spec.burn_time
        self.ever_burnt |= new
        self.state[(self.state == BURNING) & (self.burn_end <= t)] = OUT
        return new

    def suppress(self, area: np.ndarray, chance: float, draws: np.ndarray, *, ground: bool) -> int:
        """A crew puts out burning cells of an area (``chance`` each); ground crews skip mines."""
        target = area & (self.state == BURNING) & (draws < chance)
        if ground:
            target &= ~self.mined
            self.put_out_by_ground |= target
        self.state[target] = OUT
        return int(target.sum())

    def burning_in(self, area: np.ndarray) -> bool:
        """Whether any cell of an area burns."""
        return bool((area & (self.state == BURNING)).any())

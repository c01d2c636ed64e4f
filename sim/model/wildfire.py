"""The wildfire in a run: ignitions, spread each step, villages reached, roads closed, crews.

Each ignition raises a fire-fighting incident at the nearest place (need ``fire_need``, a
``suppress`` need); crews on scene put out burning cells within the suppression radius
each step, and the incident is resolved when nothing burns there any more. Fire reaching a
village's cell raises an evacuation incident; a road is closed while any of its cells burns.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import log
from sim.model.entities import Incident
from sim.scenario.schema import Place, Road
from sim.scenario.wildfire import Wildfire as WildfireSpec
from sim.world.fire import FireGrid
from sim.world.geography import great_circle_km

if TYPE_CHECKING:
    from sim.model.entities import Unit
    from sim.model.simulation import Simulation


@dataclass(frozen=True)
class _Villages:
    places: list[str]
    index: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Layout:
    """Where villages and roads lie on the fire grid (the same in every replication)."""

    village_cells: dict[str, tuple[int, int]]
    villages: _Villages
    """The same, as a list of places and an index array of their cells."""
    roads: list[str]
    """Road keys; the cells of all of them, flat, with the road each belongs to:"""
    road_of_cell: np.ndarray
    road_cell_index: tuple[np.ndarray, np.ndarray]
    watched: tuple[np.ndarray, np.ndarray]
    """The villages' cells then the roads', and which village or road (after the
    villages) each belongs to: what a step checks for fire."""
    watched_group: np.ndarray
    ground_access: dict[str, bool]
    """Whether ground crews can work at a place (it is not in a mined area)."""


@lru_cache(maxsize=8)
def _layout(spec: WildfireSpec, places: tuple[Place, ...], roads: tuple[Road, ...]) -> _Layout:
    """The layout of a scenario's villages and roads, computed once a process."""
    grid = FireGrid(spec)
    by_id = {p.id: p for p in places}
    village_cells = {
        p.id: cell
        for p in places
        if p.population > 0 and (cell := grid.cell(p.lat, p.lon)) is not None
    }
    road_cells: dict[str, list[tuple[int, int]]] = {}
    for road in roads:
        a, b = by_id[road.from_], by_id[road.to]
        km = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        points = max(2, math.ceil(km / (spec.cell_km / 2)))
        cells = {
            grid.cell(a.lat + (b.lat - a.lat) * k / points, a.lon + (b.lon - a.lon) * k / points)
            for k in range(points + 1)
        }
        road_cells[road.key] = [c for c in cells if c is not None]
    keys = list(road_cells)
    pairs = [(i, cell) for i, key in enumerate(keys) for cell in road_cells[key]]
    road_of_cell = np.array([i for i, _ in pairs], dtype=int)
    rows = np.array([c[0] for _, c in pairs], dtype=int)
    cols = np.array([c[1] for _, c in pairs], dtype=int)
    for array in (road_of_cell, rows, cols):
        array.setflags(write=False)

    def mined(p: Place) -> bool:
        cell = grid.cell(p.lat, p.lon)
        return cell is not None and bool(grid.mined[cell])

    access = {p.id: not mined(p) for p in places}
    at = list(village_cells.values())
    villages = _Villages(
        list(village_cells),
        (np.array([r for r, _ in at], dtype=int), np.array([c for _, c in at], dtype=int)),
    )
    watched = (np.concatenate([villages.index[0], rows]), np.concatenate([villages.index[1], cols]))
    group = np.concatenate([np.arange(len(villages.places)), len(villages.places) + road_of_cell])
    return _Layout(
        village_cells, villages, keys, road_of_cell, (rows, cols), watched, group, access
    )


class Wildfire:
    """The fire of one run and the crews fighting it."""

    def __init__(self, sim: Simulation) -> None:
        spec = sim.scenario.wildfire
        assert spec is not None
        self.sim, self.spec = sim, spec
        self.grid = FireGrid(spec)
        self.rng = sim.random["fire"].rng
        self.fires: list[tuple[Incident, tuple[np.ndarray, ...]]] = []
        """Each fire to fight and the cells its crews work (an index array)."""
        self.crews: dict[int, list[Unit]] = {}
        self.layout = layout = _layout(spec, sim.scenario.places, sim.scenario.roads)
        self.village_cells = layout.village_cells
        self.roads = layout.roads
        self.road_of_cell, self.road_cell_index = layout.road_of_cell, layout.road_cell_index
        self.ground_access = layout.ground_access
        self.series: list[tuple[float, int, int]] = []

    def ignitions(self) -> list[tuple[float, float, float]]:
        """Scripted and random ignitions, (time, lat, lon) in time order, drawn before the run."""
        spec, scenario = self.spec, self.sim.scenario
        planned = [(scenario.offset_min(i.at), i.lat, i.lon) for i in spec.ignitions]
        if spec.random_ignitions is not None:
            south, west, north, east = spec.random_ignitions.box
            gap = 1440.0 / spec.random_ignitions.per_day
            t = float(self.rng.exponential(gap))
            while t < scenario.duration_min:
                planned.append(
                    (t, float(self.rng.uniform(south, north)), float(self.rng.uniform(west, east)))
                )
                t += float(self.rng.exponential(gap))
        return sorted(planned)

    def ignite(self, lat: float, lon: float) -> None:
        """A fire starts: the cell burns and the nearest place's EOC has a fire to fight."""
        sim, cell = self.sim, self.grid.cell(lat, lon)
        if cell is None or not self.grid.ignite(cell, sim.env.now):
            # outside the region, nothing to burn, or burnt already
            sim.record((sim.env.now, log.IGNITION_FAILED, -1, "", f"{lat:.4f},{lon:.4f}"))
            return
        sim.record((sim.env.now, log.FIRE_IGNITED, -1, "", f"{lat:.4f},{lon:.4f}"))
        place = min(
            sim.geography.places.values(),
            key=lambda p: (p.lat - lat) ** 2 + ((p.lon - lon) * math.cos(math.radians(lat))) ** 2,
        )
        incident = sim.raise_incident(place.id, self.spec.fire_need, 1, None, "wildfire")
        if incident is not None:
            incident.ground_access = self.ground_access[place.id]
            area = self.grid.near(place.lat, place.lon, self.spec.suppression_radius_km)
            self.fires.append(
                (incident, np.nonzero(area | self.grid.near(lat, lon, self.spec.cell_km)))
            )

    def tracks(self, incident: Incident) -> bool:
        """Whether an incident is one of this fire's (an inject's fire has no cells)."""
        return any(fire is incident for fire, _ in self.fires)

    def fight(self, unit: Unit, incident: Incident) -> Generator[Any, Any, None]:
        """A crew works at a fire until nothing burns within its radius (a process body)."""
        self.crews.setdefault(incident.id, []).append(unit)
        while incident.remaining > 0:
            yield self.sim.env.timeout(self.spec.step)
        self.crews[incident.id].remove(unit)

    def run(self) -> Generator[Any, Any, None]:
        """Advance the fire step by step (a SimPy process); idle while nothing burns."""
        sim, env, grid, spec = self.sim, self.sim.env, self.grid, self.spec
        pending = self.ignitions()
        villages = self.layout.villages
        n_villages = len(villages.places)
        reached = np.zeros(n_villages, dtype=bool)
        closed = np.zeros(len(self.roads), dtype=bool)
        watched, watched_group = self.layout.watched, self.layout.watched_group
        horizon = sim.scenario.duration_min
        next_step = math.inf
        while True:
            while pending and pending[0][0] <= env.now:
                _, lat, lon = pending.pop(0)
                self.ignite(lat, lon)
            burning = grid.burning > 0
            if burning and next_step == math.inf:
                next_step = env.now + spec.step
            elif not burning:
                next_step = math.inf
            wake = min(next_step, pending[0][0] if pending else math.inf)
            if wake == math.inf or wake >= horizon:
                return
            yield env.timeout(wake - env.now)
            if env.now < next_step:
                continue  # an ignition comes first: the spread step waits
            next_step = env.now + spec.step
            grid.step(env.now, self.rng)
            for incident, area in self.fires:
                for unit in self.crews.get(incident.id, []):
                    draws = self.rng.random(area[0].size)  # drawn even when idle: same streams
                    if self.can_work(unit):
                        grid.suppress(area, spec.suppression, draws, ground=unit.type.mode != "air")
                if incident.remaining > 0 and not grid.burning_in(area):
                    incident.remaining, incident.delivered = 0, incident.people
                    sim.record((env.now, log.RESOLVED, incident.id, "", "fire out"))
                    sim.planner.incident_changed(incident)
            on_fire = grid.burning_groups(watched, watched_group, n_villages + len(self.roads))
            for k in np.flatnonzero(on_fire[:n_villages] & ~reached).tolist():
                reached[k] = True
                place = villages.places[k]
                sim.record((env.now, log.FIRE_REACHED, -1, "", place))
                where = sim.geography.places[place]
                people = round(where.population * spec.village_share)
                if people:
                    sim.raise_incident(place, spec.village_need, people, None, "wildfire")
            for k in np.flatnonzero(on_fire[n_villages:] != closed).tolist():  # in road order
                closed[k] = not closed[k]
                (sim.hold_closed if closed[k] else sim.release)(self.roads[k], "fire")
            self.series.append((env.now, grid.burning, grid.burnt))

    def can_work(self, unit: Unit) -> bool:
        """Whether a crew can fight now: repaired, and for aircraft daylight and no grounding."""
        now = self.sim.env.now
        if unit.down_until > now:
            return False
        return unit.type.mode != "air" or self.sim.flyable_from(unit, now) <= now

    def snapshot(self) -> dict[str, Any]:
        """What the report draws: burned area over time and the fire's extent."""
        g = self.grid
        return {
            "cell_km": self.spec.cell_km,
            "bounds": [g.south, g.west, g.south + g.rows * g.dlat, g.west + g.cols * g.dlon],
            "series": self.series,
            "burnt": g.ever_burnt.astype(int).tolist(),
            "mined": g.mined.astype(int).tolist(),
        }

"""The wildfire in a run: ignitions, spread each step, villages reached, roads closed, crews.

Each ignition raises a fire-fighting incident at the nearest place (need ``fire_need``, a
``suppress`` need); crews on scene put out burning cells within the suppression radius
each step, and the incident is resolved when nothing burns there any more. Fire reaching a
village's cell raises an evacuation incident; a road is closed while any of its cells burns.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import log
from sim.model.entities import Incident
from sim.world.fire import BURNING, FireGrid

if TYPE_CHECKING:
    from sim.model.entities import Unit
    from sim.model.simulation import Simulation


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
        places = sim.geography.places
        self.village_cells = {
            p.id: cell
            for p in places.values()
            if p.population > 0 and (cell := self.grid.cell(p.lat, p.lon)) is not None
        }
        road_cells: dict[str, list[tuple[int, int]]] = {}
        for road in sim.scenario.roads:
            a, b = places[road.from_], places[road.to]
            points = max(2, math.ceil(sim.geography.distance_km(a.id, b.id) / (spec.cell_km / 2)))
            cells = {
                self.grid.cell(
                    a.lat + (b.lat - a.lat) * k / points, a.lon + (b.lon - a.lon) * k / points
                )
                for k in range(points + 1)
            }
            road_cells[road.key] = [c for c in cells if c is not None]
        self.roads = list(road_cells)
        """Road keys; the cells of all of them, flat, with the road each belongs to:"""
        pairs = [(i, cell) for i, key in enumerate(self.roads) for cell in road_cells[key]]
        self.road_of_cell = np.array([i for i, _ in pairs], dtype=int)
        self.road_cell_index = (
            np.array([c[0] for _, c in pairs], dtype=int),
            np.array([c[1] for _, c in pairs], dtype=int),
        )
        self.ground_access = {p.id: not self._mined(p.lat, p.lon) for p in places.values()}
        self.series: list[tuple[float, int, int]] = []

    def _mined(self, lat: float, lon: float) -> bool:
        cell = self.grid.cell(lat, lon)
        return cell is not None and bool(self.grid.mined[cell])

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
        reached: set[str] = set()
        closed: set[str] = set()
        next_step = math.inf
        while True:
            while pending and pending[0][0] <= env.now:
                _, lat, lon = pending.pop(0)
                self.ignite(lat, lon)
            burning = bool((grid.state == BURNING).any())
            if burning and next_step == math.inf:
                next_step = env.now + spec.step
            elif not burning:
                next_step = math.inf
            wake = min(next_step, pending[0][0] if pending else math.inf)
            if wake == math.inf or wake >= sim.scenario.duration_min:
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
            for place, cell in self.village_cells.items():
                if place not in reached and grid.state[cell] == BURNING:
                    reached.add(place)
                    sim.record((env.now, log.FIRE_REACHED, -1, "", place))
                    where = sim.geography.places[place]
                    people = round(where.population * spec.village_share)
                    if people:
                        sim.raise_incident(place, spec.village_need, people, None, "wildfire")
            on_fire = np.bincount(
                self.road_of_cell,
                weights=grid.state[self.road_cell_index] == BURNING,
                minlength=len(self.roads),
            )
            for road, burning in zip(self.roads, (on_fire > 0).tolist(), strict=True):
                if burning != (road in closed):
                    (closed.add if burning else closed.discard)(road)
                    (sim.hold_closed if burning else sim.release)(road, "fire")
            self.series.append(
                (env.now, int((grid.state == BURNING).sum()), int(grid.ever_burnt.sum()))
            )

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

"""Places, roads and border crossings, and routing over what is open at departure.

A route is a list of legs: driving minutes, or the id of a border crossing to pass. The
road network of a scenario is built once and shared by all its runs; its routes are
cached per (origin, destination, speed, closures), so each is computed once. Each run
keeps its own closures in a ``Geography``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import networkx as nx

from sim.scenario.schema import ROAD_CLASS_DETOUR, Crossing, Place, Road, Scenario

EARTH_RADIUS_KM = 6371.0


class CrossingLeg(NamedTuple):
    """A border crossing on a route: its id, the post a unit arrives at and the one it leaves by."""

    crossing: str
    entry: str
    exit: str


Leg = float | CrossingLeg
"""Driving minutes, or a border crossing to pass."""


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Route:
    """The fastest open way between two places for one speed, at the time it was asked."""

    legs: tuple[Leg, ...]
    estimate_min: float
    """Driving plus the mean processing at each crossing: what dispatch plans with."""


class RoadNetwork:
    """The roads and crossings of a scenario and the routes found over them (shared by runs)."""

    def __init__(
        self, places: tuple[Place, ...], roads: tuple[Road, ...], crossings: tuple[Crossing, ...]
    ) -> None:
        self.places = {p.id: p for p in places}
        self.graph = nx.MultiGraph()
        self.graph.add_nodes_from(self.places)
        for road in roads:
            a, b = self.places[road.from_], self.places[road.to]
            km = (
                road.km
                or great_circle_km(a.lat, a.lon, b.lat, b.lon) * ROAD_CLASS_DETOUR[road.road_class]
            )
            self.graph.add_edge(
                road.from_,
                road.to,
                key=road.key,
                km=km,
                speed_kmh=road.max_speed_kmh,
                crossing=None,
            )
        self.crossing_mean_min: dict[str, float] = {}
        for crossing in crossings:
            post_a, post_b = crossing.posts
            self.graph.add_edge(
                post_a, post_b, key=crossing.id, km=0.0, speed_kmh=1.0, crossing=crossing.id
            )
            self.crossing_mean_min[crossing.id] = crossing.processing.mean
        self._routes: dict[tuple[str, str, float, frozenset[str]], Route | None] = {}
        self._km: dict[tuple[str, str], float] = {}

    @staticmethod
    def of(scenario: Scenario) -> RoadNetwork:
        """The network of a scenario, built once however many runs and variants use it."""
        return _network(scenario.places, scenario.roads, scenario.crossings)

    def distance_km(self, origin: str, destination: str) -> float:
        """Straight-line distance between two places (how aircraft fly)."""
        key = (origin, destination)
        if key not in self._km:
            a, b = self.places[origin], self.places[destination]
            self._km[key] = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        return self._km[key]

    def route(
        self, origin: str, destination: str, speed_kmh: float, closed: frozenset[str]
    ) -> Route | None:
        """The fastest route avoiding ``closed`` roads and crossings, or None if there is none."""
        key = (origin, destination, speed_kmh, closed)
        if key not in self._routes:
            self._routes[key] = self._find_route(origin, destination, speed_kmh, closed)
        return self._routes[key]

    def _edge_minutes(
        self, data: dict[str, object], speed_kmh: float, closed: frozenset[str]
    ) -> float | None:
        crossing = data["crossing"]
        if isinstance(crossing, str):
            return None if crossing in closed else self.crossing_mean_min[crossing]
        km, road_speed = float(data["km"]), float(data["speed_kmh"])  # type: ignore[arg-type]
        return km / min(speed_kmh, road_speed) * 60.0

    def _best_edge(
        self, u: str, v: str, speed_kmh: float, closed: frozenset[str]
    ) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for key, data in self.graph.get_edge_data(u, v).items():
            if key in closed:
                continue
            minutes = self._edge_minutes(data, speed_kmh, closed)
            if minutes is not None and (best is None or minutes < best[1]):
                best = (key, minutes)
        return best

    def _find_route(
        self, origin: str, destination: str, speed_kmh: float, closed: frozenset[str]
    ) -> Route | None:
        if origin == destination:
            return Route((), 0.0)

        def weight(u: str, v: str, _: object) -> float | None:
            best = self._best_edge(u, v, speed_kmh, closed)
            return None if best is None else best[1]

        try:
            nodes = nx.dijkstra_path(self.graph, origin, destination, weight=weight)
        except nx.NetworkXNoPath:
            return None
        legs: list[Leg] = []
        estimate = 0.0
        for u, v in itertools.pairwise(nodes):
            edge = self._best_edge(u, v, speed_kmh, closed)
            assert edge is not None
            key, minutes = edge
            estimate += minutes
            if self.graph.edges[u, v, key]["crossing"]:
                legs.append(CrossingLeg(key, u, v))
            elif legs and isinstance(legs[-1], float):
                legs[-1] += minutes
            else:
                legs.append(minutes)
        return Route(tuple(legs), estimate)


@lru_cache(maxsize=16)
def _network(
    places: tuple[Place, ...], roads: tuple[Road, ...], crossings: tuple[Crossing, ...]
) -> RoadNetwork:
    return RoadNetwork(places, roads, crossings)


class Geography:
    """One run's view of the road network: the shared routes and this run's closures."""

    def __init__(self, scenario: Scenario) -> None:
        self.network = RoadNetwork.of(scenario)
        self.places = self.network.places
        self.distance_km = self.network.distance_km
        self.closed: frozenset[str] = frozenset()

    def close(self, key: str) -> None:
        """Close a road or crossing (by its key) to new routes."""
        self.closed = self.closed | {key}

    def reopen(self, key: str) -> None:
        """Reopen a road or crossing."""
        self.closed = self.closed - {key}

    def route(self, origin: str, destination: str, speed_kmh: float) -> Route | None:
        """The fastest route open now for a vehicle of this speed, or None if there is none."""
        return self.network.route(origin, destination, speed_kmh, self.closed)

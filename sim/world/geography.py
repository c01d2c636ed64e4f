"""Places, roads and border crossings, and routing over what is open at departure.

A route is a list of legs, one road or one border crossing each, so a unit can follow it
node by node and look again where a road ahead has closed. Routes come from one
single-source shortest-path search per origin, vehicle speed and set of closures; the
searches of a scenario are shared by all its runs that plan crossings the same way (each
crossing's own processing, or fast track) in a bounded cache. Each run keeps its own
closures in a ``Geography``.
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, TypeVar

from sim.scenario.schema import ROAD_CLASS_DETOUR, Crossing, Place, Road, Scenario

K = TypeVar("K")
V = TypeVar("V")

EARTH_RADIUS_KM = 6371.0

SEARCH_CACHE_SIZE = 4096
"""Single-source searches a road network keeps (each a few kB): least recently used go first."""

COMPONENT_CACHE_SIZE = 64
"""Partitions of the places into parts joined by open ways a network keeps (each one
place -> part map, per set of closures and territory)."""

ROUTE_CACHE_SIZE = 65536
"""Routes a road network keeps (the oldest go first)."""


class RoadLeg(NamedTuple):
    """One road of a route: from a place to the next, its key and the driving minutes."""

    start: str
    end: str
    road: str
    minutes: float


class CrossingLeg(NamedTuple):
    """A border crossing on a route: its id, the post a unit arrives at and the one it leaves by."""

    crossing: str
    entry: str
    exit: str


Leg = RoadLeg | CrossingLeg

Territory = frozenset[str] | None
"""The nations a route may pass through (None: any)."""


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km."""
    return _haversine_km(*_on_sphere(lat1, lon1), *_on_sphere(lat2, lon2))


def _on_sphere(lat: float, lon: float) -> tuple[float, float, float]:
    """What the haversine needs of a point: its latitude in radians, that latitude's
    cosine, and its longitude in degrees."""
    phi = math.radians(lat)
    return phi, math.cos(phi), lon


def _haversine_km(
    phi1: float, cos1: float, lon1: float, phi2: float, cos2: float, lon2: float
) -> float:
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + cos1 * cos2 * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Route:
    """The fastest open way between two places for one speed, at the time it was asked."""

    legs: tuple[Leg, ...]
    estimate_min: float
    """Driving plus the mean processing at each crossing: what dispatch plans with."""
    crosses: bool = False
    """Whether it passes a border crossing."""


class _Edge(NamedTuple):
    to: str
    key: str
    km: float
    speed_kmh: float
    crossing: bool


class _Search:
    """Shortest minutes from one origin, and the edge taken last: a Dijkstra search carried
    only as far as the places asked for so far need (it settles places in the same order,
    with the same routes, as a search carried to the end)."""

    def __init__(
        self,
        network: RoadNetwork,
        origin: str,
        speed_kmh: float,
        closed: frozenset[str],
        nations: Territory,
    ) -> None:
        self.network = network
        self.speed_kmh, self.closed, self.nations = speed_kmh, closed, nations
        self.minutes: dict[str, float] = {}
        """Settled places -> their shortest minutes."""
        self.via: dict[str, tuple[str, str, float]] = {}
        """place -> (previous place, edge key, minutes of that edge)"""
        self._best = {origin: 0.0}
        self._frontier = [(0.0, origin)]

    def to(self, destination: str) -> float | None:
        """The shortest minutes to ``destination`` (None if no way reaches it)."""
        found = self.minutes.get(destination)
        if found is not None:
            return found
        network, minutes, via, best = self.network, self.minutes, self.via, self._best
        closed, nations, frontier = self.closed, self.nations, self._frontier
        while frontier:
            t, place = heapq.heappop(frontier)
            if place in minutes:
                continue
            minutes[place] = t
            for edge in network.edges[place]:
                if edge.key in closed or edge.to in minutes:
                    continue
                if nations is not None and network.places[edge.to].nation not in nations:
                    continue
                if edge.crossing:
                    cost = network.crossing_mean_min[edge.key]
                else:
                    cost = edge.km / min(self.speed_kmh, edge.speed_kmh) * 60.0
                if t + cost < best.get(edge.to, math.inf):
                    best[edge.to] = t + cost
                    via[edge.to] = (place, edge.key, cost)
                    heapq.heappush(frontier, (t + cost, edge.to))
            if place == destination:
                return t
        return None


class _Parts(NamedTuple):
    """The places of a territory split into parts joined by open ways."""

    part: dict[str, int]
    """place -> the part it is in"""
    nations: list[frozenset[str]]
    """part -> the nations it has places in"""


class RoadNetwork:
    """The roads and crossings of a scenario and the routes found over them (shared by runs)."""

    def __init__(
        self,
        places: tuple[Place, ...],
        roads: tuple[Road, ...],
        crossings: tuple[Crossing, ...],
        fast_track_min: float | None = None,
    ) -> None:
        self.places = {p.id: p for p in places}
        self.edges: dict[str, list[_Edge]] = {p: [] for p in self.places}
        self.crossing_mean_min: dict[str, float] = {}
        """The mean processing at each crossing: what a route counts for passing it."""
        detours = [math.inf]  # km / straight-line km of each road
        for road in roads:
            a, b = self.places[road.from_], self.places[road.to]
            straight = great_circle_km(a.lat, a.lon, b.lat, b.lon)
            km = road.km or straight * ROAD_CLASS_DETOUR[road.road_class]
            if straight > 0:
                detours.append(km / straight)
            for u, v in ((road.from_, road.to), (road.to, road.from_)):
                self.edges[u].append(_Edge(v, road.key, km, road.max_speed_kmh, False))
        for crossing in crossings:
            post_a, post_b = crossing.posts
            self.crossing_mean_min[crossing.id] = (
                crossing.processing.mean if fast_track_min is None else fast_track_min
            )
            for u, v in ((post_a, post_b), (post_b, post_a)):
                self.edges[u].append(_Edge(v, crossing.id, 0.0, math.inf, True))
        self.least_detour = min(detours) if min(detours) < math.inf else 1.0
        """The least road length over straight-line length of any road: a route is never
        shorter than this times the straight line between its ends."""
        self.top_speed_kmh = max((r.max_speed_kmh for r in roads), default=math.inf)
        """The fastest any road may be driven."""
        self._searches: OrderedDict[tuple[str, float, frozenset[str], Territory], _Search] = (
            OrderedDict()
        )
        self._routes: dict[tuple[str, str, float, frozenset[str], Territory], Route | None] = {}
        self._km: dict[tuple[str, str], float] = {}
        self._on_sphere = {p.id: _on_sphere(p.lat, p.lon) for p in places}
        self._parts: OrderedDict[tuple[frozenset[str], Territory], _Parts] = OrderedDict()

    @staticmethod
    def of(scenario: Scenario, fast_track_min: float | None = None) -> RoadNetwork:
        """The network of a scenario, built once however many runs and variants use it.

        ``fast_track_min``: the mean processing at every crossing when deployments are
        fast-tracked (None: each crossing's own). Each value is a network of its own, so
        routes planned with one never serve a run that plans with another.
        """
        return _network(scenario.places, scenario.roads, scenario.crossings, fast_track_min)

    def distance_km(self, origin: str, destination: str) -> float:
        """Straight-line distance between two places (how aircraft fly)."""
        key = (origin, destination)
        km = self._km.get(key)
        if km is None:
            at = self._on_sphere
            km = self._km[key] = _haversine_km(*at[origin], *at[destination])
        return km

    def minutes(
        self,
        origin: str,
        destination: str,
        speed_kmh: float,
        closed: frozenset[str],
        nations: Territory = None,
    ) -> float | None:
        """Planned minutes of the fastest open route (None if there is none)."""
        return self._search(origin, speed_kmh, closed, nations).to(destination)

    def reaches(
        self, origin: str, destination: str, closed: frozenset[str], nations: Territory = None
    ) -> bool:
        """Whether any open way joins two places of ``nations`` (anywhere when None) without
        leaving them: exactly when ``route`` finds one, at any speed."""
        part = self._split(closed, nations).part
        found = part.get(origin)
        return found is not None and found == part.get(destination)

    def nations_joined(
        self, place: str, closed: frozenset[str], nations: Territory = None
    ) -> frozenset[str]:
        """The nations with a place that an open way within ``nations`` (anywhere when
        None) joins to ``place``: no place of any other nation ``reaches`` it."""
        parts = self._split(closed, nations)
        found = parts.part.get(place)
        return frozenset() if found is None else parts.nations[found]

    def _split(self, closed: frozenset[str], nations: Territory) -> _Parts:
        return _recent(
            self._parts, (closed, nations), COMPONENT_CACHE_SIZE,
            lambda: self._partition(closed, nations),
        )  # fmt: skip

    def _partition(self, closed: frozenset[str], nations: Territory) -> _Parts:
        """Each place of ``nations`` -> the part of the network it is in (ways are open
        both ways alike), and the nations of each part."""
        parts: dict[str, int] = {}
        of_part: list[set[str]] = []
        for start, place in self.places.items():
            if start in parts or (nations is not None and place.nation not in nations):
                continue
            part = len(of_part)
            of_part.append({place.nation})
            parts[start] = part
            stack = [start]
            while stack:
                for edge in self.edges[stack.pop()]:
                    if edge.key in closed or edge.to in parts:
                        continue
                    if nations is not None and self.places[edge.to].nation not in nations:
                        continue
                    parts[edge.to] = part
                    of_part[part].add(self.places[edge.to].nation)
                    stack.append(edge.to)
        return _Parts(parts, [frozenset(n) for n in of_part])

    def route(
        self,
        origin: str,
        destination: str,
        speed_kmh: float,
        closed: frozenset[str],
        nations: Territory = None,
    ) -> Route | None:
        """The fastest route avoiding ``closed`` roads and crossings and staying in
        ``nations`` (anywhere when None), or None if there is none."""
        key = (origin, destination, speed_kmh, closed, nations)
        if key in self._routes:
            return self._routes[key]
        route = self._route(origin, destination, speed_kmh, closed, nations)
        self._routes[key] = route
        if len(self._routes) > ROUTE_CACHE_SIZE:
            del self._routes[next(iter(self._routes))]
        return route

    def _route(
        self,
        origin: str,
        destination: str,
        speed_kmh: float,
        closed: frozenset[str],
        nations: Territory,
    ) -> Route | None:
        search = self._search(origin, speed_kmh, closed, nations)
        total = search.to(destination)
        if total is None:
            return None
        legs: list[Leg] = []
        place = destination
        while place != origin:
            previous, key, minutes = search.via[place]
            if key in self.crossing_mean_min:
                legs.append(CrossingLeg(key, previous, place))
            else:
                legs.append(RoadLeg(previous, place, key, minutes))
            place = previous
        return Route(
            tuple(reversed(legs)),
            total,
            any(isinstance(leg, CrossingLeg) for leg in legs),
        )

    def _search(
        self, origin: str, speed_kmh: float, closed: frozenset[str], nations: Territory
    ) -> _Search:
        return _recent(
            self._searches, (origin, speed_kmh, closed, nations), SEARCH_CACHE_SIZE,
            lambda: _Search(self, origin, speed_kmh, closed, nations),
        )  # fmt: skip


@lru_cache(maxsize=16)
def _network(
    places: tuple[Place, ...],
    roads: tuple[Road, ...],
    crossings: tuple[Crossing, ...],
    fast_track_min: float | None,
) -> RoadNetwork:
    return RoadNetwork(places, roads, crossings, fast_track_min)


class Geography:
    """One run's view of the road network: the shared routes and this run's closures."""

    def __init__(self, scenario: Scenario, fast_track_min: float | None = None) -> None:
        self.scenario = scenario
        self.network = RoadNetwork.of(scenario, fast_track_min)
        self.places = self.network.places
        self.distance_km = self.network.distance_km
        self.closed: frozenset[str] = frozenset()

    def plan_crossings(self, fast_track_min: float) -> None:
        """From now, plan every crossing with this mean processing (fast track in force).

        The run moves to the network shared by runs that plan the same way; the routes
        cached for the crossings' own processing stay as they were for the runs using them.
        """
        self.network = RoadNetwork.of(self.scenario, fast_track_min)
        self.distance_km = self.network.distance_km

    def close(self, key: str) -> None:
        """Close a road or crossing (by its key) to new routes."""
        self.closed = self.closed | {key}

    def reopen(self, key: str) -> None:
        """Reopen a road or crossing."""
        self.closed = self.closed - {key}

    def reaches(self, origin: str, destination: str, nations: Territory = None) -> bool:
        """Whether a way open now joins two places within ``nations`` (anywhere when None)."""
        return self.network.reaches(origin, destination, self.closed, nations)

    def nations_joined(self, place: str, nations: Territory = None) -> frozenset[str]:
        """The nations with a place a way open now joins to ``place`` within ``nations``."""
        return self.network.nations_joined(place, self.closed, nations)

    def route(
        self, origin: str, destination: str, speed_kmh: float, nations: Territory = None
    ) -> Route | None:
        """The fastest route open now for a vehicle of this speed, within ``nations``
        (anywhere when None), or None if there is none."""
        return self.network.route(origin, destination, speed_kmh, self.closed, nations)

    def minutes(
        self, origin: str, destination: str, speed_kmh: float, nations: Territory = None
    ) -> float | None:
        """Planned minutes of the fastest route open now (None if there is none)."""
        return self.network.minutes(origin, destination, speed_kmh, self.closed, nations)


def _recent(cache: OrderedDict[K, V], key: K, size: int, compute: Callable[[], V]) -> V:
    """The value cached under ``key``, computed and kept if missing; the least recently
    used value goes once more than ``size`` are kept."""
    found = cache.get(key)
    if found is None:
        found = cache[key] = compute()
        if len(cache) > size:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return found

"""A spatial index: things filed by the place they are at, in square cells of latitude and
longitude, searched in rings of cells outward from a place.

Everything in ring ``r`` around a place's cell or beyond is at least ``km_beyond(r)`` away
in a straight line, so a search for the nearest can stop as soon as that bound exceeds what
it has found.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from sim.scenario.schema import Place
from sim.world.geography import EARTH_RADIUS_KM

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

Cell = tuple[int, int]

PER_CELL = 2
"""About how many things a cell holds when they are spread over the whole extent."""

SAFETY = 1.0 - 1e-9
"""Shrinks every distance bound, so rounding never lifts it above a distance computed."""


@dataclass(frozen=True)
class Extent:
    """How far places spread, in degrees, and the least cosine of their latitudes (how
    narrow a degree of longitude gets among them)."""

    lat_span: float
    lon_span: float
    cos_min: float

    @staticmethod
    def of(places: Mapping[str, Place]) -> Extent:
        """The extent of these places."""
        lats = [p.lat for p in places.values()] or [0.0]
        lons = [p.lon for p in places.values()] or [0.0]
        return Extent(
            max(lats) - min(lats),
            max(lons) - min(lons),
            max(0.0, min(math.cos(math.radians(lat)) for lat in lats)),
        )


class PlaceIndex(Generic[K]):
    """Things (keys) at places, in cells sized for about ``expected`` things spread over
    the places' extent."""

    def __init__(self, places: Mapping[str, Place], extent: Extent, expected: int) -> None:
        self.places = places
        lat_span, lon_span = extent.lat_span, extent.lon_span
        if max(lat_span, lon_span) > 180.0:
            size = 360.0  # the bound of km_beyond holds for differences up to 180 degrees
        else:
            cells = max(1.0, expected / PER_CELL)
            size = max(math.sqrt(lat_span * lon_span / cells), max(lat_span, lon_span) / cells)
        self.size_deg = max(size, 1e-6)
        self.cos_min = extent.cos_min
        self.cells: dict[Cell, dict[K, None]] = {}
        self.where: dict[K, str] = {}
        """Each thing filed -> the place it is filed at."""
        self._cell: dict[str, Cell] = {}
        self.extent: tuple[int, int, int, int] | None = None
        """Rows and columns (least, most) every thing filed so far fell within."""
        self._km: list[float] = [0.0, 0.0]

    def __bool__(self) -> bool:
        return bool(self.cells)

    def cell(self, place: str) -> Cell:
        """The cell a place is in."""
        found = self._cell.get(place)
        if found is None:
            p = self.places[place]
            found = self._cell[place] = (
                math.floor(p.lat / self.size_deg),
                math.floor(p.lon / self.size_deg),
            )
        return found

    def add(self, place: str, key: K) -> None:
        """File a thing at a place."""
        row, column = cell = self.cell(place)
        self.cells.setdefault(cell, {})[key] = None
        self.where[key] = place
        if self.extent is None:
            self.extent = (row, row, column, column)
        else:
            r0, r1, c0, c1 = self.extent
            self.extent = (min(r0, row), max(r1, row), min(c0, column), max(c1, column))

    def remove(self, place: str, key: K) -> None:
        """Take a thing filed at a place out."""
        cell = self.cell(place)
        keys = self.cells[cell]
        del keys[key]
        del self.where[key]
        if not keys:
            del self.cells[cell]

    def km_beyond(self, ring: int) -> float:
        """A lower bound on the straight-line km from a place to anything filed ``ring`` or
        more cells away from its own (in rows or columns).

        Two such places differ by more than ``ring - 1`` cells in latitude or longitude,
        and the haversine of their distance is at least ``cos_min² sin²(Δ/2)`` either way."""
        km = self._km
        while len(km) <= ring:
            half = math.radians(min((len(km) - 1) * self.size_deg, 180.0)) / 2
            km.append(2 * EARTH_RADIUS_KM * math.asin(self.cos_min * math.sin(half)) * SAFETY)
        return km[ring]

    def rings(self, place: str) -> tuple[int, int]:
        """The first and one past the last ring around a place's cell that reach anything
        filed so far."""
        if self.extent is None:
            return 0, 0
        row, column = self.cell(place)
        r0, r1, c0, c1 = self.extent
        near = max(r0 - row, row - r1, c0 - column, column - c1, 0)
        far = max(row - r0, r1 - row, column - c0, c1 - column)
        return near, far + 1

    def ring(self, place: str, ring: int) -> list[K]:
        """What is filed exactly ``ring`` rows or columns away from a place's cell."""
        row, column = self.cell(place)
        cells = self.cells
        if ring == 0:
            return list(cells.get((row, column), ()))
        assert self.extent is not None
        r0, r1, c0, c1 = self.extent
        west, east = max(column - ring, c0), min(column + ring, c1)
        found: list[K] = []
        for r in range(max(row - ring, r0), min(row + ring, r1) + 1):
            if r == row - ring or r == row + ring:
                for c in range(west, east + 1):
                    found.extend(cells.get((r, c), ()))
            else:
                if column - ring >= c0:
                    found.extend(cells.get((r, column - ring), ()))
                if column + ring <= c1:
                    found.extend(cells.get((r, column + ring), ()))
        return found


@dataclass(slots=True, eq=False)
class _Rings(Generic[K]):
    """A search's progress through one index: the next ring and a bound on what it holds."""

    index: PlaceIndex[K]
    ring: int
    end: int
    at_least: float
    start: float
    per_km: float
    lift: Callable[[float], float] | None

    def bound(self) -> float:
        """A bound on what the next ring and beyond hold."""
        at_least = self.start + self.index.km_beyond(self.ring) * self.per_km
        return at_least if self.lift is None else self.lift(at_least)


def by_bound(
    place: str,
    indexes: Iterable[tuple[PlaceIndex[K], float, float, Callable[[float], float] | None]],
    bound: Callable[[K], tuple[float, T] | None],
    km: Callable[[str], float] | None = None,
) -> Iterator[tuple[float, T | None]]:
    """Things filed in the indexes, each with its ``bound`` (None: left out), in the order
    of their bounds (nearest ``place`` first, if bounds grow with the distance); between
    them, ``(b, None)``: nothing still to come has a bound below ``b`` (so a search may stop
    before the next ring of cells is looked at).

    Each index comes with a bound on what it holds at the place itself, the least its
    bound grows a straight-line km, and a function that never decreases that lifts such a
    bound to a tighter one (None: none): a ring of cells is searched only once no bound
    beyond it could be lower than one found. Given ``km`` (the straight-line km from a
    place to ``place``), a thing's ``bound`` is asked for only once no other could come
    before its bound by that distance."""
    searches = []
    for index, start, per_km, lift in indexes:
        first, end = index.rings(place)
        if first < end:
            search = _Rings(index, first, end, 0.0, start, per_km, lift)
            search.at_least = search.bound()
            searches.append(search)
    heap: list[tuple[float, int, T]] = []
    near: list[tuple[float, int, K]] = []  # by distance, their bound not yet asked for
    order = itertools.count()
    while True:
        beyond = min(searches, key=lambda s: s.at_least, default=None)
        limit = math.inf if beyond is None else beyond.at_least
        while True:
            soonest = heap[0][0] if heap else math.inf
            if near and near[0][0] <= limit and near[0][0] < soonest:
                found = bound(heapq.heappop(near)[2])
                if found is not None:
                    heapq.heappush(heap, (found[0], next(order), found[1]))
            elif heap and soonest <= limit:
                at, _, payload = heapq.heappop(heap)
                yield at, payload
            else:
                break
        if beyond is None:
            return
        yield limit, None
        for key in beyond.index.ring(place, beyond.ring):
            if km is not None:
                index = beyond.index
                at_least = beyond.start + km(index.where[key]) * beyond.per_km * SAFETY
                if beyond.lift is not None:
                    at_least = beyond.lift(at_least)
                heapq.heappush(near, (at_least, next(order), key))
                continue
            found = bound(key)
            if found is not None:
                heapq.heappush(heap, (found[0], next(order), found[1]))
        beyond.ring += 1
        if beyond.ring < beyond.end:
            beyond.at_least = beyond.bound()
        else:
            searches.remove(beyond)

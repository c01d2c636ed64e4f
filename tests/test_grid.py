"""The spatial index doctrine searches free units with, and the network's parts joined by
open ways: bounds that never exceed what is computed exactly (Hypothesis)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from random import Random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim import load_scenario
from sim.scenario.schema import Place
from sim.world.geography import RoadNetwork, great_circle_km
from sim.world.grid import Extent, PlaceIndex, by_bound

ROOT = Path(__file__).parents[1]

coordinates = st.tuples(
    st.floats(min_value=-60, max_value=60, allow_nan=False),
    st.floats(min_value=-170, max_value=170, allow_nan=False),
)


def _places(points: list[tuple[float, float]]) -> dict[str, Place]:
    return {
        f"p{k}": Place(id=f"p{k}", name=f"P{k}", nation="TH", kind="village", lat=lat, lon=lon)
        for k, (lat, lon) in enumerate(points)
    }


@settings(max_examples=60)
@given(st.lists(coordinates, min_size=2, max_size=40), st.integers(1, 20))
def test_nothing_in_a_ring_or_beyond_is_nearer_than_its_bound(
    points: list[tuple[float, float]], expected: int
) -> None:
    places = _places(points)
    index: PlaceIndex[str] = PlaceIndex(places, Extent.of(places), expected)
    for pid in places:
        index.add(pid, pid)
    for a, pa in places.items():
        row, column = index.cell(a)
        for b, pb in places.items():
            other_row, other_column = index.cell(b)
            ring = max(abs(other_row - row), abs(other_column - column))
            assert b in index.ring(a, ring)
            assert great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon) >= index.km_beyond(ring)


def _in_steps(km: float) -> float:
    """A bound lifted to the next 500 km (never lower, never decreasing)."""
    return math.ceil(km / 500.0) * 500.0


@settings(max_examples=60)
@given(st.lists(coordinates, min_size=1, max_size=30), st.integers(0, 29), st.sampled_from((0, 1)))
def test_a_ring_search_gives_everything_nearest_first(
    points: list[tuple[float, float]], at: int, lifted: int
) -> None:
    places = _places(points)
    origin = places[f"p{at % len(places)}"]
    index: PlaceIndex[str] = PlaceIndex(places, Extent.of(places), len(places))
    for pid in places:
        index.add(pid, pid)
    lift = _in_steps if lifted else None

    def km(key: str) -> tuple[float, str]:
        p = places[key]
        found = great_circle_km(origin.lat, origin.lon, p.lat, p.lon)
        return (found if lift is None else lift(found)), key

    search = by_bound(origin.id, [(index, 0.0, 1.0, lift)], km)
    found = [(bound, key) for bound, key in search if key]
    assert sorted(key for _, key in found) == sorted(places)
    bounds = [bound for bound, _ in found]
    assert bounds == sorted(bounds)


@settings(max_examples=60)
@given(
    st.lists(st.tuples(coordinates, st.floats(0, 500)), min_size=1, max_size=30),
    st.integers(0, 29),
    st.sampled_from((0, 1)),
)
def test_a_search_asking_for_bounds_by_distance_first_gives_the_same_in_the_same_order(
    points: list[tuple[tuple[float, float], float]], at: int, lifted: int
) -> None:
    """Asking for a thing's bound only once no other could come before its bound by the
    straight line gives every thing and mark a plain search gives, in the same order, and
    asks for fewer bounds before the first thing found."""
    places = _places([p for p, _ in points])
    detours = {f"p{k}": detour for k, (_, detour) in enumerate(points)}
    origin = places[f"p{at % len(places)}"]
    index: PlaceIndex[str] = PlaceIndex(places, Extent.of(places), len(places))
    for pid in places:
        index.add(pid, pid)
    lift = _in_steps if lifted else None
    asked: list[str] = []

    def km(place: str) -> float:
        p = places[place]
        return great_circle_km(p.lat, p.lon, origin.lat, origin.lon)

    def bound(key: str) -> tuple[float, str]:
        asked.append(key)
        found = km(key) + detours[key]  # a way longer than the straight line
        return (found if lift is None else lift(found)), key

    indexes = [(index, 0.0, 1.0, lift)]
    plain = list(by_bound(origin.id, indexes, bound))
    by_distance = list(by_bound(origin.id, indexes, bound, km))
    assert [b for b, _ in by_distance] == [b for b, _ in plain]
    assert [k is None for _, k in by_distance] == [k is None for _, k in plain]
    assert sorted(k for _, k in by_distance if k) == sorted(places)

    def asked_before_the_first(km: Callable[[str], float] | None) -> int:
        asked.clear()
        next(k for _, k in by_bound(origin.id, indexes, bound, km) if k)
        return len(asked)

    assert asked_before_the_first(km) <= asked_before_the_first(None)


def test_ways_join_two_places_exactly_when_a_route_is_found() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "sekong_flood_2018.toml")
    network = RoadNetwork.of(scenario)
    roads = [r.key for r in scenario.roads]
    nations = [None, frozenset({"LA"}), frozenset({"TH", "LA"}), frozenset({"KH", "LA"})]
    places = sorted(network.places)
    for closed in (frozenset(), frozenset(roads[::3]), frozenset(roads[1::2])):
        for territory in nations:
            for origin in places[::4]:
                if territory is not None and network.places[origin].nation not in territory:
                    continue
                for destination in places[::3]:
                    found = network.route(origin, destination, 60.0, closed, territory)
                    reaches = network.reaches(origin, destination, closed, territory)
                    assert reaches == (found is not None), (origin, destination, territory)


@settings(max_examples=40)
@given(st.floats(min_value=0.0, max_value=4 * 1440.0), st.integers(0, 10_000))
def test_an_aircraft_is_never_on_scene_before_its_bound(t: float, pick: int) -> None:
    """The cheap bound doctrine orders its searches by, day-only aircraft's daylight
    included, never exceeds the estimate it stands for."""
    from sim.model import Simulation
    from sim.model.estimates import earliest_arrival, travel_end

    sim = Simulation(load_scenario(ROOT / "scenarios" / "tri_border_wildfire_2024.toml"))
    aircraft = [u for u in sim.units if u.type.mode == "air"]
    assert any(u.type.day_only for u in aircraft)
    unit = aircraft[pick % len(aircraft)]
    places = sorted(sim.geography.places)
    origin, place = places[pick % len(places)], places[(pick // 7) % len(places)]
    eta = travel_end(sim, unit, origin, place, t)
    assert eta is not None and earliest_arrival(sim, unit, origin, t, place) <= eta


@settings(max_examples=20)
@given(st.randoms(use_true_random=False))
def test_a_search_carried_partway_finds_the_routes_of_a_whole_one(shuffle: Random) -> None:
    """Routes from one origin, asked for in any order, are those found when the farthest
    place is asked for first (which carries the search to its end)."""
    scenario = load_scenario(ROOT / "scenarios" / "sekong_flood_2018.toml")
    places = sorted(p.id for p in scenario.places)
    closed = frozenset(r.key for r in scenario.roads[::5])
    origin = places[shuffle.randrange(len(places))]

    def routes(order: list[str], whole: bool) -> dict[str, object]:
        network = RoadNetwork(scenario.places, scenario.roads, scenario.crossings)
        if whole:  # a place no way reaches: the search is carried to its end
            assert network.minutes(origin, "nowhere", 60.0, closed) is None
        return {p: network.route(origin, p, 60.0, closed) for p in order}

    whole = routes(places, whole=True)
    assume(sum(r is not None for r in whole.values()) > 1)
    order = list(places)
    shuffle.shuffle(order)
    assert routes(order, whole=False) == whole

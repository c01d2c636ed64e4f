"""Straight-line distances: the haversine against values known in closed form, and a
scenario's distances (kept per place) the same as worked out from the coordinates."""

from __future__ import annotations

import math
from itertools import product
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.scenario import load_scenario
from sim.world.geography import EARTH_RADIUS_KM, RoadNetwork, great_circle_km

latitudes = st.floats(-89.0, 89.0)
longitudes = st.floats(-180.0, 180.0)


def test_a_degree_along_the_equator_and_a_quarter_meridian() -> None:
    assert great_circle_km(0, 0, 0, 1) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)
    assert great_circle_km(0, 104, 90, 104) == pytest.approx(EARTH_RADIUS_KM * math.pi / 2)
    assert great_circle_km(15.12, 105.78, 15.12, 105.78) == 0.0


@given(latitudes, longitudes, latitudes, longitudes)
def test_the_distance_is_the_same_both_ways_and_never_beyond_half_the_earth(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    there = great_circle_km(lat1, lon1, lat2, lon2)
    assert there == pytest.approx(great_circle_km(lat2, lon2, lat1, lon1), abs=1e-9)
    assert 0 <= there <= math.pi * EARTH_RADIUS_KM + 1e-6


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The textbook haversine."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@given(latitudes, longitudes, latitudes, longitudes)
def test_the_distance_is_the_textbook_haversine_to_the_last_digit(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    assert great_circle_km(lat1, lon1, lat2, lon2) == _haversine(lat1, lon1, lat2, lon2)


def test_a_scenarios_distances_are_those_of_its_coordinates() -> None:
    scenario = load_scenario(Path(__file__).parent.parent / "scenarios" / "sekong_flood_2018.toml")
    network = RoadNetwork.of(scenario)
    places = {p.id: p for p in scenario.places}
    for a, b in product(list(places)[:40], repeat=2):
        expected = _haversine(places[a].lat, places[a].lon, places[b].lat, places[b].lon)
        assert network.distance_km(a, b) == expected  # exactly: travel times hang on it
        assert network.distance_km(a, b) == expected  # (and once kept)

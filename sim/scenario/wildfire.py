"""The ``[wildfire]`` section: a fire spreading on a grid over the region.

Assumptions of the model (``sim.world.fire``): the region is a grid of square cells; a
burning cell may ignite each of its eight neighbours at each step with a probability of
``spread`` × ``dryness`` × the neighbour's fuel × a wind factor (1 + wind/10 km/h ×
cos of the angle between the neighbour's direction and where the wind blows to, at least
0.1); a cell burns for ``burn_time`` then is burnt out. Crews on scene at a fire put out
burning cells within ``suppression_radius_km`` of their place; ground crews never work in
mined areas, where only aircraft reach the fire.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, Field

from sim.scenario.quantities import Duration
from sim.scenario.types import Id, Latitude, Longitude, Offset, Real, Section, Share

KM_PER_DEGREE = 111.32
"""Length of a degree of latitude (and of longitude at the equator)."""


def _ordered(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    south, west, north, east = box
    if not (south < north and west < east):
        raise ValueError(
            f"{list(box)} is not [south, west, north, east] with south < north and "
            "west < east; reorder the four numbers"
        )
    return box


Box = Annotated[tuple[Latitude, Longitude, Latitude, Longitude], AfterValidator(_ordered)]
"""[south, west, north, east] in degrees, south of north and west of east."""


def grid_shape(bounds: tuple[float, float, float, float], cell_km: float) -> tuple[int, int]:
    """Rows and columns of the fire grid over ``bounds``: square cells of ``cell_km``.

    A column is ``cell_km`` wide at the middle latitude of the bounds, so the number of
    columns is set there (the grid is as wide in cells at every latitude).
    """
    south, west, north, east = bounds
    dlat = cell_km / KM_PER_DEGREE
    dlon = cell_km / (KM_PER_DEGREE * math.cos(math.radians((south + north) / 2)))
    return max(1, math.ceil((north - south) / dlat)), max(1, math.ceil((east - west) / dlon))


Fuel = Annotated[Real, Field(ge=0, le=3)]


class FuelArea(Section):
    """[[wildfire.fuel]]: a land-cover area and how readily it burns (1 = average)."""

    name: str
    box: Box
    fuel: Fuel


class MinedArea(Section):
    """[[wildfire.mined]]: an area with landmines, closed to ground crews."""

    name: str
    box: Box


class Ignition(Section):
    """[[wildfire.ignitions]]: a fire starting at a point."""

    at: Offset
    lat: Latitude
    lon: Longitude


class RandomIgnitions(Section):
    """Fires starting at random times and points of a box (the dry season's risk)."""

    per_day: Real = Field(gt=0, le=100)
    box: Box


class Wildfire(Section):
    """[wildfire]: the grid, the weather, the fuel, mines and ignitions."""

    bounds: Box
    cell_km: Real = Field(default=1.0, gt=0.1, le=10)
    step: Duration = Field(default=30.0, validate_default=False, gt=0)
    spread: Share = Field(default=0.2, description="ignition chance per neighbour and step")
    dryness: Share = 0.7
    burn_time: Duration = Field(default=360.0, validate_default=False, gt=0)
    wind_toward_deg: Real = Field(default=0.0, ge=0, lt=360, description="0 = north, 90 = east")
    wind_kmh: Real = Field(default=0.0, ge=0, le=150)
    default_fuel: Fuel = 0.3
    fuel: tuple[FuelArea, ...] = ()
    mined: tuple[MinedArea, ...] = ()
    ignitions: tuple[Ignition, ...] = ()
    random_ignitions: RandomIgnitions | None = None
    fire_need: Id = Field(default="fire", description="the need of fighting a fire")
    village_need: Id = Field(default="evacuation", description="the need of a village reached")
    village_share: Share = Field(default=0.5, description="share of a village to evacuate")
    suppression_radius_km: Real = Field(default=5.0, gt=0, le=100)
    suppression: Share = Field(default=0.3, description="chance a crew puts out a cell a step")

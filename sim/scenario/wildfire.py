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
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from sim.scenario.quantities import Duration
from sim.scenario.types import Id, Latitude, Longitude, Name, Offset, PerDay, Real, Section, Share

if TYPE_CHECKING:  # defined with the scenario's other sections, which include this one
    from sim.scenario.schema import ScriptNames

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

    name: Name
    """What it is, e.g. "dry dipterocarp forest"."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    box: Box
    """[south, west, north, east] in degrees."""
    fuel: Fuel
    """How readily it burns: 0 (water) to 3; 1 = average."""


class MinedArea(Section):
    """[[wildfire.mined]]: an area with landmines, closed to ground crews."""

    name: Name
    """What it is, e.g. "mined border strip" (written on the map, in the area)."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    box: Box
    """[south, west, north, east] in degrees."""


class Ignition(Section):
    """[[wildfire.ignitions]]: a fire starting at a point."""

    at: Offset
    """When it starts: a duration after the start or a date-time."""
    lat: Latitude
    """Latitude, decimal degrees."""
    lon: Longitude
    """Longitude, decimal degrees."""


class RandomIgnitions(Section):
    """Fires starting at random times and points of a box (the dry season's risk)."""

    per_day: PerDay = Field(le=100)
    """Mean number of fires starting a day (0.001 to 100)."""
    box: Box
    """[south, west, north, east] in degrees: where they start."""


class Wildfire(Section):
    """[wildfire]: the grid, the weather, the fuel, mines and ignitions."""

    bounds: Box
    """The grid: [south, west, north, east] in degrees."""
    cell_km: Real = Field(default=1.0, gt=0.1, le=10)
    """Side of a grid cell, km."""
    step: Duration = Field(default=30.0, validate_default=False, gt=0)
    """Time step of the spread."""
    spread: Share = Field(default=0.2, description="ignition chance per neighbour and step")
    dryness: Share = 0.7
    """How dry the fuel is: 0 to 1."""
    burn_time: Duration = Field(default=360.0, validate_default=False, gt=0)
    """How long a cell burns."""
    wind_toward_deg: Real = Field(default=0.0, ge=0, lt=360, description="0 = north, 90 = east")
    wind_kmh: Real = Field(default=0.0, ge=0, le=150)
    """Wind speed, km/h."""
    default_fuel: Fuel = 0.3
    """Fuel where no [[wildfire.fuel]] area says otherwise."""
    fuel: tuple[FuelArea, ...] = ()
    """Land-cover areas; later ones overwrite earlier."""
    mined: tuple[MinedArea, ...] = ()
    """Mined areas, closed to ground crews."""
    ignitions: tuple[Ignition, ...] = ()
    """Fires starting at scripted points."""
    random_ignitions: RandomIgnitions | None = None
    """Fires starting at random."""
    fire_need: Id = Field(default="fire", description="the need of fighting a fire")
    village_need: Id = Field(default="evacuation", description="the need of a village reached")
    village_share: Share = Field(default=0.5, description="share of a village to evacuate")
    suppression_radius_km: Real = Field(default=5.0, gt=0, le=100)
    """Radius, km, of the sector one crew works from its place."""
    suppression: Share = Field(default=0.3, description="chance a crew puts out a cell a step")

"""A dispersed family of scenarios for the scale benchmark: units at distinct bases,
incidents spread over the region, both growing with the factor.

At factor F: a strip of 60 x F villages in a grid ten rows high, split into three nations
by longitude (TH, LA, KH), joined by rural roads to their grid neighbours, with a border
crossing (two posts, open 24 h) every fifth row where two nations meet; 40 x F units (boats,
trucks and a few helicopters), each at a village of its own, spread evenly over the strip,
a quarter as densely in Cambodia (whose units drive further and whose busy ones count
more); about 11 x F incidents a day over three days (rescue and supplies), drawn uniformly
over every village. Nothing is a copy of anything else, so no two free units set off from
the same place.
"""

from __future__ import annotations

from typing import Any

from sim.scenario import Scenario
from sim.scenario.loader import validate_scenario

ROWS = 10
VILLAGES_PER_FACTOR = 60
UNITS_PER_FACTOR = 40
INCIDENTS_PER_DAY_PER_FACTOR = 11.0
NATIONS = (("TH", "th", "DDPM"), ("LA", "lo", "NDMC"), ("KH", "km", "NCDM"))
STEP_DEG = 0.1
"""Grid spacing (about 11 km)."""
UNIT_TYPES = [
    {
        "id": "boat",
        "name": "Boat",
        "mode": "water",
        "speed_kmh": 30,
        "capacity": 8,
        "capabilities": ["rescue"],
        "mobilisation": "30min",
        "trip": "40min",
    },
    {
        "id": "truck",
        "name": "Truck",
        "mode": "road",
        "speed_kmh": 50,
        "capacity": 20,
        "capabilities": ["supplies", "rescue"],
        "mobilisation": "1h",
        "trip": "1h",
    },
    {
        "id": "helicopter",
        "name": "Helicopter",
        "mode": "air",
        "speed_kmh": 180,
        "capacity": 6,
        "capabilities": ["rescue"],
        "mobilisation": "20min",
        "trip": "30min",
        "day_only": True,
    },
]


def dispersed(factor: int) -> Scenario:
    """The dispersed scenario at ``factor`` (see the module docstring)."""
    columns = VILLAGES_PER_FACTOR * factor // ROWS
    band = -(-columns // 3)

    def nation_of(column: int) -> str:
        return NATIONS[min(column // band, 2)][0]

    def vid(row: int, column: int) -> str:
        return f"v{row}_{column}"

    places: list[dict[str, Any]] = []
    roads: list[dict[str, Any]] = []
    crossings: list[dict[str, Any]] = []
    for column in range(columns):
        for row in range(ROWS):
            places.append(
                {
                    "id": vid(row, column),
                    "name": f"Village {row}-{column}",
                    "nation": nation_of(column),
                    "kind": "village",
                    "lat": 14.0 + row * STEP_DEG,
                    "lon": 100.0 + column * STEP_DEG,
                    "population": 500,
                    "water_access": (row + column) % 2 == 0,
                }
            )
            if row:
                roads.append({"from": vid(row - 1, column), "to": vid(row, column)})
            if not column:
                continue
            west, east = nation_of(column - 1), nation_of(column)
            if west == east:
                roads.append({"from": vid(row, column - 1), "to": vid(row, column)})
            elif row % 5 == 0:
                posts = [f"p{row}_{column}_{west.lower()}", f"p{row}_{column}_{east.lower()}"]
                for post, nation, col in ((posts[0], west, column - 1), (posts[1], east, column)):
                    places.append(
                        {
                            "id": post,
                            "name": f"Post {row}-{column} {nation}",
                            "nation": nation,
                            "kind": "border_post",
                            "lat": 14.0 + row * STEP_DEG,
                            "lon": 100.0 + (col + (0.4 if col < column else -0.4)) * STEP_DEG,
                        }
                    )
                    roads.append({"from": vid(row, col), "to": post})
                crossings.append(
                    {"id": f"x{row}_{column}", "name": f"Crossing {row}-{column}", "posts": posts}
                )
    nations = []
    for n, (code, language, agency) in enumerate(NATIONS):
        eoc_column = min(n * band + band // 2, columns - 1)
        nations.append(
            {
                "code": code,
                "name": code,
                "language": language,
                "agency": agency,
                "report_delay": "15min",
                "eocs": [
                    {"id": f"eoc_{language}", "name": f"EOC {code}", "place": vid(5, eoc_column)}
                ],
            }
        )
    villages = [p for p in places if p["kind"] == "village"]
    units = []
    count = UNITS_PER_FACTOR * factor
    sites = [v for n, v in enumerate(villages) if v["nation"] != "KH" or n // ROWS % 4 == 0]
    for k in range(count):
        base = sites[k * len(sites) // count]
        kind = "helicopter" if k % 10 == 9 else ("boat" if base["water_access"] else "truck")
        units.append(
            {
                "id": f"u{k}",
                "nation": base["nation"],
                "agency": "a",
                "type": kind,
                "base": base["id"],
            }
        )
    data: dict[str, Any] = {
        "scenario": {
            "name": f"Dispersed x{factor}",
            "start": "2018-07-23T08:00:00+07:00",
            "duration": "3d",
        },
        "nations": nations,
        "places": places,
        "roads": roads,
        "crossings": crossings,
        "needs": [
            {"id": "rescue", "name": "Rescue", "target": "3h", "priority": 1, "max_units": 2},
            {"id": "supplies", "name": "Supplies", "target": "12h", "priority": 3, "max_units": 2},
        ],
        "unit_types": UNIT_TYPES,
        "units": units,
        "generators": [
            {
                "need": need,
                "places": [v["id"] for v in villages],
                "per_day": INCIDENTS_PER_DAY_PER_FACTOR * factor * share,
                "people": {"dist": "uniform", "low": 2, "high": 30},
            }
            for need, share in (("rescue", 0.6), ("supplies", 0.4))
        ],
        "coordination": {
            "mutual_assistance": {"pre_authorized": True},
            "channels": {"enabled": True, "default": {"kind": "hotline", "latency": "20min"}},
        },
    }
    scenario, _ = validate_scenario(data)
    return scenario

"""``borderdrill import``: a planner's own villages and roads (CSV or GeoJSON) as scenario tables.

CSV: one row a place, with the columns ``name``, ``nation``, ``lat``, ``lon`` and optionally
``id``, ``kind`` (default village), ``population``, ``water_access``; a row may also join its
place to another by ``road_to`` (an id of the file or of the library), with ``road_km`` and
``road_class``. A CSV whose columns are ``from`` and ``to`` (and optionally ``km``, ``class``,
``id``) is a list of roads instead.

GeoJSON: a FeatureCollection; a Point is a place (the same properties as the CSV columns),
a LineString a road (properties ``from`` and ``to``, else the places nearest its two ends).

A road without a length gets one: a drawn LineString its length along the line, any other
the great-circle distance between its ends times the detour factor of its class (1.3 on a
highway, 1.5 on a rural road or track) or the one given; each road says which in a comment.
The result is a part to include in a scenario.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from sim.library import Point, gazetteer
from sim.scenario.schema import ROAD_CLASS_DETOUR
from sim.scenario.types import PlaceKind, RoadClass
from sim.world.geography import great_circle_km

SNAP_KM = 2.0
"""A LineString end this near a place is taken to start or end there."""


class ImportProblem(ValueError):
    """Input that cannot be imported: the file, the row or feature, what is wrong and the fix."""

    def __init__(self, file: Path, where: str, message: str, fix: str) -> None:
        self.file, self.where, self.fix = file, where, fix
        super().__init__(f"{file}: {where}: {message}. Fix: {fix}")


@dataclass(frozen=True)
class _Place(Point):
    population: int
    file: Path
    where: str

    @property
    def source(self) -> str:
        return f"{self.file.name} {self.where}"


@dataclass
class _Road:
    a: str
    b: str
    road_class: str
    km: float | None
    file: Path
    where: str
    line_km: float | None = None
    id: str | None = None


@dataclass
class _Import:
    places: list[_Place] = field(default_factory=list)
    roads: list[_Road] = field(default_factory=list)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_km(a[0], a[1], b[0], b[1])


def slug(name: str) -> str:
    """An id from a name: "Ban Hat Xai" -> "ban_hat_xai" (empty for a name in another script)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:64]


class _Reader:
    """Reads one record's fields, each problem naming the file and the row or feature."""

    def __init__(self, file: Path, where: str, record: dict[str, Any]) -> None:
        self.file, self.where = file, where
        self.record = {str(k).strip().lower(): v for k, v in record.items()}

    def fail(self, message: str, fix: str) -> ImportProblem:
        return ImportProblem(self.file, self.where, message, fix)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.record.get(key)
        if value is None or str(value).strip() == "":
            if default is not None:
                return default
            raise self.fail(f"no {key}", f"give the {key} of every place")
        return str(value).strip()

    def number(self, key: str, low: float, high: float, fix: str) -> float:
        raw = self.text(key)
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(f"{key} '{raw}' is not a number", fix) from None
        if not (math.isfinite(value) and low <= value <= high):
            raise self.fail(f"{key} {raw} is out of range ({low:g} to {high:g})", fix)
        return value

    def optional_number(self, key: str, fix: str) -> float | None:
        if self.text(key, "") == "":
            return None
        return self.number(key, 0.001, 5000, fix)

    def flag(self, key: str) -> bool:
        raw = self.text(key, "false").lower()
        if raw in ("true", "yes", "1", "y", "x"):
            return True
        if raw in ("false", "no", "0", "n", ""):
            return False
        raise self.fail(f"{key} '{raw}' is not yes or no", f"write true or false in {key}")

    def place(self) -> _Place:
        name = self.text("name")
        pid = self.text("id", "") or slug(name)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", pid):
            raise self.fail(
                f"'{pid or name}' is not a usable id",
                "give an id column: lower-case letters, digits, '_' or '-'",
            )
        nation = self.text("nation").upper()
        if not re.fullmatch(r"[A-Z]{2}", nation):
            raise self.fail(f"nation '{nation}' is not a nation code", "write TH, LA or KH")
        kind = self.text("kind", "village").lower()
        kinds = get_args(PlaceKind)
        if kind not in kinds:
            raise self.fail(f"kind '{kind}' is not a kind of place", f"use one of {kinds}")
        population = self.text("population", "0")
        if not population.isdigit():
            raise self.fail(
                f"population '{population}' is not a whole number", "write e.g. 450, no commas"
            )
        return _Place(
            pid,
            name,
            nation,
            kind,
            self.number("lat", -90, 90, "write the latitude in decimal degrees, e.g. 14.81"),
            self.number("lon", -180, 180, "write the longitude in decimal degrees, e.g. 106.83"),
            self.flag("water_access"),
            int(population),
            self.file,
            self.where,
        )

    def road_class(self, key: str) -> str:
        value = self.text(key, "rural").lower()
        if value not in get_args(RoadClass):
            raise self.fail(
                f"{key} '{value}' is not a road class", f"use one of {get_args(RoadClass)}"
            )
        return value


def _csv_records(file: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem(
            file, "file", f"cannot be read ({exc})", "give a UTF-8 CSV file"
        ) from None
    rows = csv.DictReader(text.splitlines())
    if not rows.fieldnames:
        raise ImportProblem(file, "row 1", "no header row", "start with a row of column names")
    for number, row in enumerate(rows, start=2):
        yield f"row {number}", row


def _read_csv(file: Path, into: _Import) -> None:
    records = list(_csv_records(file))
    header = {h.strip().lower() for h in (records[0][1] if records else {})}
    for where, row in records:
        r = _Reader(file, where, row)
        if {"from", "to"} <= header:
            into.roads.append(
                _Road(
                    r.text("from"),
                    r.text("to"),
                    r.road_class("class"),
                    r.optional_number("km", "write the length in km, e.g. 12.5"),
                    file,
                    where,
                    id=r.text("id", "") or None,
                )
            )
            continue
        place = r.place()
        into.places.append(place)
        target = r.text("road_to", "")
        if target:
            into.roads.append(
                _Road(
                    place.id,
                    target,
                    r.road_class("road_class"),
                    r.optional_number("road_km", "write the length in km, e.g. 12.5"),
                    file,
                    where,
                )
            )


def _read_geojson(file: Path, into: _Import) -> None:
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportProblem(
            file, "file", f"is not readable GeoJSON ({exc})", "export it again as GeoJSON"
        ) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ImportProblem(
            file, "file", "has no features", "give a GeoJSON FeatureCollection of points and lines"
        )
    lines: list[tuple[_Reader, list[tuple[float, float]]]] = []
    for i, feature in enumerate(features):
        where = f"feature {i}"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if kind == "Point" and isinstance(coords, list) and len(coords) >= 2:
            r = _Reader(file, where, {**props, "lon": coords[0], "lat": coords[1]})
            into.places.append(r.place())
        elif kind == "LineString" and isinstance(coords, list) and len(coords) >= 2:
            points = []
            for j, c in enumerate(coords):
                r = _Reader(file, f"{where} point {j}", {"lon": c[0], "lat": c[1]})
                points.append(
                    (
                        r.number("lat", -90, 90, "fix the line"),
                        r.number("lon", -180, 180, "fix the line"),
                    )
                )
            lines.append((_Reader(file, where, props), points))
        else:
            raise ImportProblem(
                file,
                where,
                f"is a {kind or 'feature without geometry'}",
                "give Points and LineStrings",
            )
    for r, points in lines:
        length = sum(_km(p, q) for p, q in itertools.pairwise(points))
        ends = [r.text("from", "") or _snap(points[0], into, r), r.text("to", "")]
        ends[1] = ends[1] or _snap(points[-1], into, r)
        into.roads.append(
            _Road(
                ends[0],
                ends[1],
                r.road_class("class"),
                r.optional_number("km", "write the length in km, e.g. 12.5"),
                file,
                r.where,
                line_km=length,
                id=r.text("id", "") or None,
            )
        )


def _snap(point: tuple[float, float], data: _Import, r: _Reader) -> str:
    nearest = min(data.places, key=lambda p: _km(point, (p.lat, p.lon)), default=None)
    if nearest is None or _km(point, (nearest.lat, nearest.lon)) > SNAP_KM:
        raise r.fail(
            f"an end of the line is not within {SNAP_KM:g} km of a place",
            "give the road's from and to as properties, or end the line at a place",
        )
    return nearest.id


def import_places(files: list[Path], detour: float | None = None) -> str:
    """The scenario tables (TOML) for the places and roads of the files.

    Raises:
        ImportProblem: a file cannot be read or a row or feature is not usable.
    """
    data = _Import()
    for file in files:
        if file.suffix.lower() in (".geojson", ".json"):
            _read_geojson(file, data)
        elif file.suffix.lower() == ".csv":
            _read_csv(file, data)
        else:
            raise ImportProblem(file, "file", "is neither .csv nor .geojson", "export as either")
    seen: dict[str, str] = {}
    for p in data.places:
        if p.id in seen:
            raise ImportProblem(
                p.file,
                p.where,
                f"the id '{p.id}' is also that of {seen[p.id]}",
                "give the two places different ids (an id column)",
            )
        seen[p.id] = p.source
    known = {p.id: (p.lat, p.lon) for p in data.places}
    library = {e.id: (e.data["lat"], e.data["lon"]) for e in gazetteer() if e.section == "places"}
    out = [_HEADER.format(files=", ".join(f.name for f in files))]
    for p in data.places:
        out.append(_place_toml(p))
    for road in data.roads:
        ends = []
        for end in (road.a, road.b):
            where = known.get(end) or library.get(end)
            if where is None:
                raise ImportProblem(
                    road.file,
                    road.where,
                    f"the road's end '{end}' is neither a place of the import nor of the library",
                    "name a place of the file, or one `borderdrill places` lists",
                )
            ends.append(where)
        out.append(_road_toml(road, _km(ends[0], ends[1]), detour))
    return "\n".join(out)


_HEADER = """# Places and roads imported by `borderdrill import` from {files}.
# Include this file in a scenario:  include = ["this_file.toml", ...]; places named by
# roads but not defined here come from the library (add its region part to include).
# Road lengths: as given; else along the drawn line; else the great-circle distance
# between the ends times a detour factor (said on each road).
"""


def _place_toml(p: _Place) -> str:
    name = p.name.replace("\\", "\\\\").replace('"', '\\"')
    lines = [
        "[[places]]",
        f'id = "{p.id}"',
        f'name = "{name}"',
        f'nation = "{p.nation}"',
        f'kind = "{p.kind}"',
        f"lat = {p.lat}   # {p.source}",
        f"lon = {p.lon}",
    ]
    if p.population:
        lines.append(f"population = {p.population}")
    if p.water:
        lines.append("water_access = true")
    return "\n".join(lines) + "\n"


def _road_toml(road: _Road, straight_km: float, detour: float | None) -> str:
    if road.km is not None:
        km, note = road.km, f"as given ({road.file.name} {road.where})"
    elif road.line_km is not None:
        km, note = road.line_km, f"along the drawn line ({road.file.name} {road.where})"
    else:
        factor = detour if detour is not None else ROAD_CLASS_DETOUR[road.road_class]
        km = straight_km * factor
        note = (
            f"{straight_km:.1f} km great-circle x {factor:g} detour ({road.file.name} {road.where})"
        )
    lines = ["[[roads]]"]
    if road.id:
        lines.append(f'id = "{road.id}"')
    lines += [
        f'from = "{road.a}"',
        f'to = "{road.b}"',
        f"km = {max(round(km, 1), 0.1):g}   # {note}",
        f'class = "{road.road_class}"',
    ]
    return "\n".join(lines) + "\n"

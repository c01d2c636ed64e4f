"""``borderdrill import``: a planner's own villages and roads (CSV or GeoJSON) as scenario tables.

CSV: one row a place, with the columns ``name``, ``nation``, ``lat``, ``lon`` and optionally
``id``, ``kind`` (default village), ``population``, ``water_access``; a row may also join its
place to another by ``road_to`` (an id of the file or of the library), with ``road_km`` and
``road_class``. A CSV whose columns are ``from`` and ``to`` (and optionally ``km``, ``class``,
``id``) is a list of roads instead. The separator (comma, semicolon, tab or bar) is the one
that splits the header into known columns, and is said; with a separator other than the
comma, a decimal comma (``14,70``) is read as a number.

GeoJSON: a FeatureCollection; a Point is a place (the same properties as the CSV columns),
a LineString a road (properties ``from`` and ``to``, else the places nearest its two ends).

Names are kept as written, in any script; an id not given is made from the name, written
in Latin letters (``anyascii``: "ບ້ານຫາດຊາຍ" -> "banhadxagn"). A place far from every place
of the library (outside the border region it covers: "0, 0", or London) is warned.

A road without a length gets one: a drawn LineString its length along the line, any other
the great-circle distance between its ends times the detour factor of its class (1.3 on a
highway, 1.5 on a rural road or track) or the one given; each road says which in a comment.
The result is a part to include in a scenario, written by a TOML writer.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import numpy as np

from sim.library import Point, gazetteer
from sim.scenario.compose import MAX_FILE_BYTES, not_a_file
from sim.scenario.schema import MAX_PEOPLE, ROAD_CLASS_DETOUR
from sim.scenario.types import PlaceKind, RoadClass
from sim.world.geography import EARTH_RADIUS_KM, great_circle_km

SNAP_KM = 2.0
"""A LineString end this near a place is taken to start or end there."""
MAX_RECORDS = 10_000
"""Places and roads one import may hold: its part then stays readable (``MAX_FILE_BYTES``)."""
MAX_SHOWN = 100
"""Problems listed one by one; the rest are counted."""
REGION_KM = 150.0
"""A place farther than this from every place of the library lies outside the border region
the library's scenarios cover: warned."""
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
PLACE_COLUMNS = (
    *("name", "nation", "lat", "lon", "id", "kind", "population", "water_access"),
    *("road_to", "road_km", "road_class"),
)
ROAD_COLUMNS = ("from", "to", "km", "class", "id")
_ID = re.compile(r"[a-z0-9][a-z0-9_\-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Remark:
    """What is wrong (or odd) with a row or feature of a file, and the fix."""

    file: Path
    where: str
    message: str
    fix: str

    def describe(self) -> str:
        return f"{self.file}: {self.where}: {self.message}. Fix: {self.fix}"


class ImportProblem(ValueError):
    """Input that cannot be imported: every bad row or feature, each with its fix."""

    def __init__(self, problems: list[Remark]) -> None:
        self.problems = problems
        shown = [f"  {p.describe()}" for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            shown.append(f"  ... and {len(problems) - MAX_SHOWN} more problems")
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the import"
        one = problems[0].describe()
        super().__init__("\n".join([count, *shown]) if len(problems) > 1 else one)


@dataclass(frozen=True)
class Imported:
    """The TOML of an import, how each file was read, and what looked odd."""

    text: str
    notes: list[str]
    warnings: list[Remark]


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
    to_field: str = "to"
    """The field that names the road's far end (a places CSV's road_to)."""


@dataclass
class _Import:
    places: list[_Place] = field(default_factory=list)
    roads: list[_Road] = field(default_factory=list)
    problems: list[Remark] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, file: Path, where: str, message: str, fix: str) -> None:
        self.problems.append(Remark(file, where, message, fix))

    def full(self, file: Path, where: str) -> bool:
        """Whether the import already holds as many records as it may (then said, for the file)."""
        if len(self.places) + len(self.roads) < MAX_RECORDS:
            return False
        self.add(
            file,
            where,
            f"the import holds more than {MAX_RECORDS:,} places and roads",
            "import the places and roads of the exercise area only",
        )
        return True


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_km(a[0], a[1], b[0], b[1])


def slug(name: str) -> str:
    """An id from a name in any script: "Ban Hat Xai" -> "ban_hat_xai", "ບ້ານຫາດ" -> "banhad"."""
    from anyascii import anyascii

    return re.sub(r"[^a-z0-9]+", "_", anyascii(name).lower()).strip("_")[:64].rstrip("_")


class _Reader:
    """Reads one record's fields; each problem is noted with the file and the row or feature,
    and a field that is wrong reads as a harmless default."""

    def __init__(
        self, into: _Import, file: Path, where: str, record: dict[str, Any], decimal_comma: bool
    ) -> None:
        self.into, self.file, self.where = into, file, where
        self.record = {str(k).strip().lower(): v for k, v in record.items()}
        self.decimal_comma = decimal_comma
        self.bad = False

    def fail(self, message: str, fix: str) -> None:
        self.bad = True
        self.into.add(self.file, self.where, message, fix)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.record.get(key)
        if value is None or str(value).strip() == "":
            if default is None:
                self.fail(f"no {key}", f"give the {key} in every row")
                return ""
            return default
        if isinstance(value, dict | list):
            self.fail(f"{key} is a {type(value).__name__}", f"give {key} as a single value")
            return ""
        return str(value).strip()

    def number(self, key: str, low: float, high: float, fix: str) -> float:
        raw = self.text(key)
        if raw == "":
            return low
        if self.decimal_comma and re.fullmatch(r"-?\d+,\d+", raw):
            raw = raw.replace(",", ".")
        try:
            value = float(raw) if re.fullmatch(r"[0-9eE+\-.]+", raw) else None
        except ValueError:
            value = None
        if value is None:
            self.fail(f"{key} '{_short(raw)}' is not a number", fix)
            return low
        if not low <= value <= high:
            self.fail(f"{key} {_short(raw)} is out of range ({low:g} to {high:g})", fix)
            return low
        return value

    def optional_number(self, key: str, fix: str) -> float | None:
        if self.text(key, "") == "":
            return None
        return self.number(key, 0.001, 5000, fix)

    def flag(self, key: str) -> bool:
        raw = self.text(key, "false").lower()
        if raw in ("true", "yes", "1", "y", "x"):
            return True
        if raw not in ("false", "no", "0", "n", ""):
            self.fail(f"{key} '{_short(raw)}' is not yes or no", f"write true or false in {key}")
        return False

    def name(self) -> str:
        name = self.text("name")
        if _CONTROL.search(name):
            self.fail(
                f"the name {_short(name)!r} holds a line break or a control character",
                "write the name on one line, without control characters",
            )
        elif len(name) > 200:
            self.fail("the name is longer than 200 characters", "shorten it")
        return name

    def id(self, name: str) -> str:
        stated = self.text("id", "")
        pid = stated or slug(name)
        if stated and not (_ID.fullmatch(pid) and len(pid) <= 64):
            self.fail(
                f"the id '{_short(pid)}' is not usable",
                "write lower-case letters, digits, '_' or '-' (at most 64)",
            )
        elif not pid and name:
            self.fail(
                f"no id can be made from the name '{_short(name)}'",
                "give an id column: lower-case letters, digits, '_' or '-'",
            )
        return pid

    def place(self) -> _Place | None:
        name = self.name()
        pid = self.id(name)
        nation = self.text("nation").upper()
        if nation and not re.fullmatch(r"[A-Z]{2}", nation):
            self.fail(f"nation '{_short(nation)}' is not a nation code", "write TH, LA or KH")
        kind = self.text("kind", "village").lower()
        kinds = get_args(PlaceKind)
        if kind not in kinds:
            self.fail(f"kind '{_short(kind)}' is not a kind of place", f"use one of {kinds}")
        population = self.text("population", "0")
        if not re.fullmatch(r"[0-9]+", population) or int(population) > MAX_PEOPLE:
            self.fail(
                f"population '{_short(population)}' is not a whole number of people",
                f"write e.g. 450: digits 0-9 only, no commas, at most {MAX_PEOPLE:,}",
            )
            population = "0"
        lat = self.number("lat", -90, 90, "write the latitude in decimal degrees, e.g. 14.81")
        lon = self.number("lon", -180, 180, "write the longitude in decimal degrees, e.g. 106.83")
        water = self.flag("water_access")
        if self.bad:
            return None
        return _Place(
            pid, name, nation, kind, lat, lon, water, int(population), self.file, self.where
        )

    def road_class(self, key: str) -> str:
        value = self.text(key, "rural").lower()
        if value not in get_args(RoadClass):
            self.fail(
                f"{key} '{_short(value)}' is not a road class", f"use one of {get_args(RoadClass)}"
            )
        return value

    def road_id(self) -> str | None:
        stated = self.text("id", "")
        if stated and not (_ID.fullmatch(stated) and len(stated) <= 64):
            self.fail(
                f"the id '{_short(stated)}' is not usable",
                "write lower-case letters, digits, '_' or '-' (at most 64)",
            )
        return stated or None


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 3] + "..."


def _read_text(file: Path, into: _Import) -> str | None:
    """The file's text, if it is UTF-8 and not larger than an import may be."""
    if not_a_file(file):
        into.add(file, "file", "is a folder, a pipe or a device, not a file", "name a file")
        return None
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        into.add(file, "file", f"cannot be read ({exc.strerror or exc})", "check the path")
        return None
    if len(raw) > MAX_FILE_BYTES:
        into.add(
            file,
            "file",
            f"is larger than {MAX_FILE_BYTES // 2**20} MiB",
            "import the places and roads of the exercise area only",
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        into.add(file, "file", f"is not UTF-8 text (byte {exc.start})", "save it as UTF-8")
        return None


def _separator(header: str) -> str:
    """The separator that splits the header into the most known columns (comma on a tie)."""
    known = set(PLACE_COLUMNS + ROAD_COLUMNS)

    def score(sep: str) -> int:
        cells = next(csv.reader([header], delimiter=sep), [])
        return sum(c.strip().lower() in known for c in cells)

    return max(SEPARATORS, key=score)


def _csv_records(file: Path, into: _Import) -> Iterator[tuple[_Reader, bool]]:
    """A reader for each row with cells (and whether the file lists roads)."""
    text = _read_text(file, into)
    if text is None:
        return
    sep = _separator(text.split("\n", 1)[0])
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    number = 1
    try:
        header = [h.strip().lower() for h in next(rows, [])]
        if not any(header):
            into.add(file, "row 1", "no header row", "start with a row of column names")
            return
        roads = {"from", "to"} <= set(header)
        needed = ("from", "to") if roads else ("name", "nation", "lat", "lon")
        missing = [c for c in needed if c not in header]
        if missing:
            into.add(
                file,
                "row 1",
                f"no column {', '.join(missing)} (read as {SEPARATORS[sep]}-separated columns: "
                f"{', '.join(_short(h, 20) for h in header[:12])})",
                f"name the columns {', '.join(needed)} in the first row",
            )
            return
        into.notes.append(
            f"{file}: read as {SEPARATORS[sep]}-separated {'roads' if roads else 'places'} "
            f"(columns {', '.join(_short(h, 20) for h in header)})"
        )
        for number, cells in enumerate(rows, start=2):
            where = f"row {number}"
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                into.add(
                    file,
                    where,
                    f"has {len(cells)} cells but the header {len(header)}",
                    f"put a name holding a {SEPARATORS[sep]} in double quotes, or add the "
                    "column's name to the header",
                )
                continue
            if into.full(file, where):
                return
            record = dict(zip(header, cells, strict=False))
            yield _Reader(into, file, where, record, decimal_comma=sep != ","), roads
    except csv.Error as exc:
        into.add(file, f"row {number + 1}", f"cannot be read as CSV ({exc})", "close its quotes")


def _read_csv(file: Path, into: _Import) -> None:
    for r, roads in _csv_records(file, into):
        if roads:
            road = _Road(
                r.text("from"),
                r.text("to"),
                r.road_class("class"),
                r.optional_number("km", "write the length in km, e.g. 12.5"),
                file,
                r.where,
                id=r.road_id(),
            )
            if not r.bad:
                into.roads.append(road)
            continue
        place = r.place()
        if place is None:
            continue
        into.places.append(place)
        target = r.text("road_to", "")
        if target:
            road = _Road(
                place.id,
                target,
                r.road_class("road_class"),
                r.optional_number("road_km", "write the length in km, e.g. 12.5"),
                file,
                r.where,
                to_field="road_to",
            )
            if not r.bad:
                into.roads.append(road)


def _position(value: Any) -> tuple[float, float] | None:
    """(lat, lon) of a GeoJSON position [lon, lat, ...], if it is one."""
    if not isinstance(value, list) or len(value) < 2:
        return None
    lon, lat = value[0], value[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90):
        return None
    if not -180 <= lon <= 180:
        return None
    return float(lat), float(lon)


def _read_geojson(file: Path, into: _Import) -> None:
    text = _read_text(file, into)
    if text is None:
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        into.add(file, f"line {exc.lineno}", f"is not JSON ({exc.msg})", "export it again")
        return
    except RecursionError:
        into.add(file, "file", "is nested too deeply", "export it again as plain GeoJSON")
        return
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        into.add(
            file, "file", "has no features", "give a GeoJSON FeatureCollection of points and lines"
        )
        return
    into.notes.append(f"{file}: read as GeoJSON ({len(features)} features)")
    lines: list[tuple[_Reader, list[tuple[float, float]]]] = []
    for i, feature in enumerate(features):
        where = f"feature {i}"
        if into.full(file, where):
            return
        if not isinstance(feature, dict):
            into.add(file, where, "is not an object", 'write {"type": "Feature", ...}')
            continue
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            into.add(
                file,
                where,
                f"its properties are a {type(props).__name__}",
                'give properties as an object: {"name": "...", "nation": "LA"}',
            )
            continue
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if kind == "Point":
            at = _position(coords)
            if at is None:
                into.add(
                    file,
                    where,
                    "its point is not [longitude, latitude] within range",
                    "GeoJSON writes the longitude first: [106.83, 14.81]",
                )
                continue
            r = _Reader(into, file, where, {**props, "lat": at[0], "lon": at[1]}, False)
            place = r.place()
            if place is not None:
                into.places.append(place)
        elif kind == "LineString":
            found = [_position(c) for c in coords] if isinstance(coords, list) else []
            points = [p for p in found if p is not None]
            bad = [j for j, p in enumerate(found) if p is None]
            if len(found) < 2 or bad:
                into.add(
                    file,
                    f"{where} point {bad[0]}" if bad else where,
                    "is not a line of [longitude, latitude] points (at least two)",
                    "fix the line",
                )
                continue
            lines.append((_Reader(into, file, where, props, False), points))
        else:
            shown = _short(str(kind)) if kind else "feature without geometry"
            into.add(file, where, f"is a {shown}", "give Points and LineStrings")
    known = _radians([(p.lat, p.lon) for p in into.places])
    for r, points in lines:
        length = sum(_km(p, q) for p, q in itertools.pairwise(points))
        a = r.text("from", "") or _snap(points[0], into.places, known, r)
        b = r.text("to", "") or _snap(points[-1], into.places, known, r)
        road = _Road(
            a,
            b,
            r.road_class("class"),
            r.optional_number("km", "write the length in km, e.g. 12.5"),
            file,
            r.where,
            line_km=length,
            id=r.road_id(),
        )
        if not r.bad:
            into.roads.append(road)


def _snap(point: tuple[float, float], places: list[_Place], known: Any, r: _Reader) -> str:
    """The id of the place a line's end is at (``known``: their positions in radians)."""
    index, km = _nearest(known, *point)
    if km > SNAP_KM:
        r.fail(
            f"an end of the line is not within {SNAP_KM:g} km of a place",
            "give the road's from and to as properties, or end the line at a place",
        )
        return ""
    return places[index].id


def import_places(files: list[Path], detour: float | None = None) -> Imported:
    """The scenario tables (TOML) for the places and roads of the files.

    Raises:
        ImportProblem: a file cannot be read, or rows or features are not usable (all of
            them are listed).
    """
    data = _Import()
    for file in files:
        if file.suffix.lower() in (".geojson", ".json"):
            _read_geojson(file, data)
        elif file.suffix.lower() == ".csv":
            _read_csv(file, data)
        else:
            data.add(file, "file", "is neither .csv nor .geojson", "export as either")
    seen: dict[str, str] = {}
    for p in data.places:
        if p.id in seen:
            data.add(
                p.file,
                p.where,
                f"the id '{p.id}' is also that of {seen[p.id]}",
                "give the two places different ids (an id column)",
            )
        seen.setdefault(p.id, p.source)
    known = {p.id: (p.lat, p.lon) for p in data.places}
    library = {e.id: (e.data["lat"], e.data["lon"]) for e in gazetteer() if e.section == "places"}
    roads: list[tuple[_Road, float]] = []
    for road in data.roads:
        if road.a == road.b:
            data.add(
                road.file,
                road.where,
                f"{road.to_field} '{_short(road.b)}' is where the road starts; a road joins"
                " two different places",
                f"name the road's other end in {road.to_field}",
            )
            continue
        missing = [end for end in (road.a, road.b) if end not in known and end not in library]
        for end in missing:
            data.add(
                road.file,
                road.where,
                f"the road's end '{_short(end)}' is neither a place of the import nor of the "
                "library",
                "name a place of the file, or one `borderdrill places` lists",
            )
        if not missing:
            a, b = (known.get(end) or library[end] for end in (road.a, road.b))
            roads.append((road, _km(a, b)))
    if data.problems:
        raise ImportProblem(data.problems)
    tables = [_place_table(p) for p in data.places]
    tables += [_road_table(road, km, detour) for road, km in roads]
    header = _HEADER.format(files=", ".join(_comment(f.name) for f in files))
    return Imported("\n".join([header, *tables]), data.notes, _outside(data.places))


def _outside(places: list[_Place]) -> list[Remark]:
    """The places far from every place of the library: outside the region it covers."""
    library = _radians(
        [(e.data["lat"], e.data["lon"]) for e in gazetteer() if e.section == "places"]
    )
    warnings = []
    for p in places:
        km = _nearest(library, p.lat, p.lon)[1]
        if km > REGION_KM:
            warnings.append(
                Remark(
                    p.file,
                    p.where,
                    f"{p.name} ({p.lat:g}, {p.lon:g}) lies {km:,.0f} km from the nearest place "
                    "of the library, outside the border region the scenarios cover",
                    "check its lat and lon (decimal degrees, north and east positive)",
                )
            )
    return warnings


def _radians(points: list[tuple[float, float]]) -> Any:
    """Positions (lat, lon) as an array in radians, for ``_nearest``."""
    return np.radians(np.array(points, dtype=float).reshape(-1, 2))


def _nearest(known: Any, lat: float, lon: float) -> tuple[int, float]:
    """The index of the nearest of the ``known`` positions and its great-circle distance
    (infinite when there are none)."""
    if len(known) == 0:
        return -1, math.inf
    p, q = math.radians(lat), math.radians(lon)
    h = (
        np.sin((known[:, 0] - p) / 2) ** 2
        + math.cos(p) * np.cos(known[:, 0]) * np.sin((known[:, 1] - q) / 2) ** 2
    )
    index = int(np.argmin(h))
    return index, float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h[index])))


_HEADER = """# Places and roads imported by `borderdrill import` from {files}.
# Include this file in a scenario:  include = ["this_file.toml", ...]; places named by
# roads but not defined here come from the library (add its region part to include).
# Road lengths: as given; else along the drawn line; else the great-circle distance
# between the ends times a detour factor (said on each road).
"""


def _comment(text: str) -> str:
    """Text safe to write in a TOML comment: on one line, no control characters."""
    return _CONTROL.sub(" ", text)


def _table(section: str, values: dict[str, str | float | bool], note: str) -> str:
    """One item of an array section, its values written by the TOML writer (all flat)."""
    import tomli_w

    return f"# {_comment(note)}\n[[{section}]]\n" + tomli_w.dumps(values)


def _place_table(p: _Place) -> str:
    values: dict[str, str | float | bool] = {
        "id": p.id,
        "name": p.name,
        "nation": p.nation,
        "kind": p.kind,
        "lat": p.lat,
        "lon": p.lon,
    }
    if p.population:
        values["population"] = p.population
    if p.water:
        values["water_access"] = True
    return _table("places", values, p.source)


def _road_table(road: _Road, straight_km: float, detour: float | None) -> str:
    where = f"{road.file.name} {road.where}"
    if road.km is not None:
        km, note = road.km, f"as given ({where})"
    elif road.line_km is not None:
        km, note = road.line_km, f"along the drawn line ({where})"
    else:
        factor = detour if detour is not None else ROAD_CLASS_DETOUR[road.road_class]
        km = straight_km * factor
        note = f"{straight_km:.1f} km great-circle x {factor:g} detour ({where})"
    values: dict[str, str | float | bool] = {"id": road.id} if road.id else {}
    values |= {
        "from": road.a,
        "to": road.b,
        "km": max(round(km, 1), 0.1),
        "class": road.road_class,
    }
    return _table("roads", values, f"km: {note}")

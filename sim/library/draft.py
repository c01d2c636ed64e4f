"""``borderdrill new``: a small, commented scenario for a stretch of border, from the library.

The draft includes the gazetteer part that holds the crossing between the two nations
nearest the place asked for, the nations, the unit types (with their needs) and the 2018
coordination preset. It adds what a library cannot know: each nation's EOC and units at
the towns, bases and hospitals nearest the crossing, and a first MSEL. Every added figure
says it is a starting point to edit.
"""

from __future__ import annotations

import math
import textwrap
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any, Literal

from sim.library import NATIONS, Entry, Point, closures, find, gazetteer, read_part, roads
from sim.scenario.types import LOCAL_TIME
from sim.world.geography import great_circle_km

Hazard = Literal["flood", "wildfire"]
TEXTS: dict[str, Any] = tomllib.loads(
    resources.files("sim.library").joinpath("_draft/texts.toml").read_text("utf-8")
)
"""The texts a draft writes for its readers, in English, Thai, Lao and Khmer (templates;
not a library part a scenario includes)."""
NATION_NAMES = {code: names["en"] for code, names in TEXTS["nations"].items()}
SCRIPT_LANGUAGES = ("th", "lo", "km")


class DraftError(ValueError):
    """A request ``new`` cannot draft: the message says why and what to give instead."""


NEAR_KM = 100.0
"""``new`` refuses a crossing farther than this from the place asked for, unless told."""


@dataclass(frozen=True)
class Draft:
    """A drafted scenario, and the crossing chosen for it."""

    text: str
    crossing: str
    """The crossing's name and id."""
    km: float
    """Its distance from the place asked for (to the middle of its two posts)."""
    near: str
    """The place asked for: its name and id."""


_Place = Point


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_km(a[0], a[1], b[0], b[1])


def _part_places(part: str) -> dict[str, _Place]:
    """The places of a region part and of the parts it includes."""
    data = read_part(part)
    places: dict[str, _Place] = {}
    for name in data.get("include", []):
        places |= _part_places(name.removeprefix("library:"))
    for p in data.get("places", []):
        places[p["id"]] = _Place(
            p["id"],
            p["name"],
            p["nation"],
            p["kind"],
            p["lat"],
            p["lon"],
            bool(p.get("water_access")),
        )
    return places


def _parse_nations(text: str) -> tuple[str, str]:
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if len(codes) != 2 or len(set(codes)) != 2 or not set(codes) <= set(NATIONS):
        raise DraftError(
            f"--nations {text}: give two different nations of {', '.join(NATIONS)}, e.g. TH,LA"
        )
    return codes[0], codes[1]


def _where(near: str) -> tuple[str, tuple[float, float]]:
    """The name and position of a crossing or place of the library, by id or words of its name."""
    exact = [e for e in gazetteer() if e.id == near]
    found = exact or find(near.replace("_", " ").replace("-", " ").split())
    if not found:
        raise DraftError(
            f"--near {near}: no crossing or place of the library matches; "
            "list them with `borderdrill places`"
        )
    ids = {e.id for e in found}
    if len(ids) > 1:
        shown = ", ".join(sorted(ids)[:8]) + (" ..." if len(ids) > 8 else "")
        raise DraftError(f"--near {near}: several match ({shown}); give one id")
    entry = found[0]
    name = f"{entry.data['name']} ({entry.id})"
    if entry.section == "crossings":
        return name, _middle(entry, _part_places(entry.part))
    return name, (float(entry.data["lat"]), float(entry.data["lon"]))


def _middle(crossing: Entry, places: dict[str, _Place]) -> tuple[float, float]:
    """The point halfway between a crossing's two posts."""
    a, b = (places[p] for p in crossing.data["posts"])
    return (a.lat + b.lat) / 2, (a.lon + b.lon) / 2


def _crossing(
    pair: tuple[str, str], point: tuple[float, float]
) -> tuple[Entry, dict[str, _Place], float]:
    """The crossing between the two nations nearest a point, the places of its part, and
    its distance from the point."""
    best: tuple[float, Entry, dict[str, _Place]] | None = None
    for entry in gazetteer():
        if entry.section != "crossings":
            continue
        places = _part_places(entry.part)
        if {places[p].nation for p in entry.data["posts"]} != set(pair):
            continue
        km = _km(point, _middle(entry, places))
        if best is None or km < best[0]:
            best = (km, entry, places)
    if best is None:
        raise DraftError(
            f"the library has no crossing between {pair[0]} and {pair[1]}; "
            "list the crossings with `borderdrill places crossing`"
        )
    return best[1], best[2], best[0]


def _widest(part: str) -> str:
    """The region part that includes this one (its wider area), or the part itself."""
    for entry in gazetteer():
        data = read_part(entry.part)
        if f"library:{part}" in data.get("include", []):
            return entry.part
    return part


def _nearest(
    places: Iterable[_Place], nation: str, kinds: tuple[str, ...], to: tuple[float, float]
) -> _Place | None:
    fitting = [p for p in places if p.nation == nation and p.kind in kinds]
    return min(fitting, key=lambda p: _km(to, (p.lat, p.lon)), default=None)


WATER_TOWN_KM = 60.0
"""A flood draft bases boats and sets incidents in a river town this near the crossing."""


def _base_town(
    places: Iterable[_Place], nation: str, hazard: Hazard, centre: tuple[float, float]
) -> _Place | None:
    """The town of a nation where a draft bases its units and sets its incidents."""
    towns = [p for p in places if p.nation == nation and p.kind == "town"]
    if hazard == "flood":
        wet = [p for p in towns if p.water and _km(centre, (p.lat, p.lon)) <= WATER_TOWN_KM]
        towns = wet or towns
    return min(towns, key=lambda p: _km(centre, (p.lat, p.lon)), default=None)


def _is_air(place: _Place) -> bool:
    return place.kind == "airfield" or (place.kind == "base" and "air" in place.name.lower())


class _Raw(str):
    """TOML written as it is (a date-time)."""


class _Text(dict[str, Any]):
    """Authored text in languages, written a line a language (``synopsis.th = "…"``; a
    list of questions for ``discussion.th = […]``)."""


def _text(template: dict[str, str], **filled: dict[str, str]) -> _Text:
    """A template of ``TEXTS`` in each language, filled with names in that language."""
    return _Text(
        {
            lang: template[lang].format(**{key: said[lang] for key, said in filled.items()})
            for lang in ("en", *SCRIPT_LANGUAGES)
        }
    )


def _told(event: str, **filled: dict[str, str]) -> dict[str, _Text]:
    """An inject's texts for an event of ``TEXTS`` (a flood's need, a wildfire's event):
    what the players are told, the action expected and the question they discuss."""
    question = _text(TEXTS["discussion"][event], **filled)
    return {
        "synopsis": _text(TEXTS["synopsis"][event], **filled),
        "expected_action": _text(TEXTS["expected_action"][event], **filled),
        "discussion": _Text({lang: [text] for lang, text in question.items()}),
    }


def _bare(name: str) -> str:
    """A name without its note in brackets ("จำปาสัก (ตัวเมือง)" is "จำปาสัก")."""
    return name.split(" (")[0]


def _called(name: str, names: dict[str, str], beside: bool = True) -> dict[str, str]:
    """A library name in each language: in the language's script (every library place and
    crossing has it), with the romanised name beside it unless told not to or it has
    brackets of its own."""
    both = beside and "(" not in name
    return {"en": name} | {
        lang: f"{names[lang]} ({name})" if both else names[lang] for lang in SCRIPT_LANGUAGES
    }


def _toml(value: Any) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return str(value)


def _table(header: str, fields: dict[str, Any], notes: dict[str, str] | None = None) -> str:
    notes = notes or {}
    lines = [header]
    for key, value in fields.items():
        if isinstance(value, _Text):
            lines += [f"{key}.{lang} = {_toml(text)}" for lang, text in value.items()]
            continue
        note = f"   # {notes[key]}" if key in notes else ""
        lines.append(f"{key} = {_toml(value)}{note}")
    return "\n".join(lines) + "\n"


_UNITS: dict[Hazard, list[tuple[str, str, tuple[str, ...], int, str]]] = {
    # (unit type, base kinds, fallback kinds, count, agency)
    "flood": [
        ("rescue_boat", "town", ("town",), 2, "provincial rescue"),
        ("truck_convoy", "town", ("town",), 1, "army"),
        ("medical_team", "hospital", ("hospital", "town"), 1, "provincial hospital"),
        ("helicopter", "air", ("base", "airfield"), 1, "air force"),
    ],
    "wildfire": [
        ("fire_crew", "town", ("town",), 2, "forest fire control"),
        ("evac_truck", "town", ("town",), 1, "army"),
        ("ambulance", "hospital", ("hospital", "town"), 1, "provincial hospital"),
        ("bucket_helicopter", "air", ("base", "airfield"), 1, "air force"),
    ],
}
_AGENCY_SOURCE = {
    "ref": "Descriptive names of the kind of agency, machine-drafted by borderdrill new; "
    "write your agencies' own names",
    "as_of": "2026",
    "status": "recalled, unverified",
}
_OFFICE_SOURCE = {
    "ref": "A disaster office assumed at the town and named from the town's names in each "
    "script, machine-drafted by borderdrill new; write your office's own name",
    "as_of": "2026",
    "status": "recalled, unverified",
}
START: dict[Hazard, tuple[datetime, str]] = {
    "flood": (
        datetime(2025, 8, 15, 6, tzinfo=LOCAL_TIME),
        "the rainy season: set your exercise's date and time (UTC+7)",
    ),
    "wildfire": (
        datetime(2025, 3, 12, 10, tzinfo=LOCAL_TIME),
        "March, the height of the dry season: set your exercise's date (UTC+7)",
    ),
}
"""A start in the season of the hazard (the rains, the height of the dry season), and why."""
DURATION = timedelta(days=2)
"""How long a draft runs."""
AIR_RANGE_KM = 250.0
"""An air base farther than this from the crossing is left out of the draft."""


def _start(hazard: Hazard, places: dict[str, _Place]) -> tuple[datetime, str]:
    """The draft's start, in the season of the hazard and a year earlier as often as needed
    to lie outside every closure of the library that would close a crossing among these
    places, and a comment that says so (empty when it did not move)."""
    pairs = {
        frozenset(places[post].nation for post in e.data["posts"])
        for e in gazetteer()
        if e.section == "crossings" and all(post in places for post in e.data["posts"])
    }
    start = START[hazard][0]
    said = ""
    for closure in closures():
        began, ended = closure["from"], closure.get("until")
        pair = closure["between"]
        if frozenset(pair) not in pairs or began >= start + DURATION:
            continue
        if ended is not None and ended <= start:
            continue
        while began < start + DURATION:
            start = start.replace(year=start.year - 1)
        said += (
            textwrap.fill(
                f"The start is in {start.year}: the crossings between {NATION_NAMES[pair[0]]} and "
                f"{NATION_NAMES[pair[1]]} were closed from {began:%d %B %Y} ({closure['name']}; "
                f"{closure['source']['status']}; library:closures). A date inside that closure "
                "closes them in this scenario too, and `borderdrill validate` says so.",
                width=89,
                initial_indent="# ",
                subsequent_indent="# ",
            )
            + "\n"
        )
    return start, said


def draft_scenario(nations: str, hazard: Hazard, near: str, within_km: float | None = None) -> str:
    """The TOML text of a small scenario for the border near ``near``, ready to edit
    (``draft`` also tells the crossing chosen; here any distance is accepted by default).

    Raises:
        DraftError: as ``draft``.
    """
    return draft(nations, hazard, near, within_km).text


def draft(nations: str, hazard: Hazard, near: str, within_km: float | None = NEAR_KM) -> Draft:
    """A small scenario for the border near ``near``, ready to edit, and the crossing chosen.

    Raises:
        DraftError: the nations, the hazard or the place cannot be drafted from the library,
            or the nearest crossing between the nations is farther than ``within_km`` (None:
            any distance).
    """
    pair = _parse_nations(nations)
    named, point = _where(near)
    crossing, _, km = _crossing(pair, point)
    if within_km is not None and km > within_km:
        raise DraftError(
            f"--near {near}: the nearest {pair[0]}-{pair[1]} crossing, "
            f"{crossing.data['name']} ({crossing.id}), is {km:,.0f} km from {named}, more "
            f"than {within_km:g} km; give --within {math.ceil(km / 10) * 10} to draft it "
            "anyway, or a place near one (`borderdrill places crossing` lists them)"
        )
    return Draft(
        _draft_text(pair, hazard, crossing),
        f"{crossing.data['name']} ({crossing.id})",
        km,
        named,
    )


def _draft_text(pair: tuple[str, str], hazard: Hazard, crossing: Entry) -> str:
    part = _widest(crossing.part)
    places = _part_places(part)
    a, b = (places[p] for p in crossing.data["posts"])
    centre = ((a.lat + b.lat) / 2, (a.lon + b.lon) / 2)
    start, said = _start(hazard, places)
    named = {e.id: e.data["names"] for e in gazetteer() if "names" in e.data}
    at = _called(crossing.data["name"], named[crossing.id], beside=False)
    present = sorted({p.nation for p in places.values()}, key=lambda c: (c not in pair, c))
    out = [_header(hazard, part, crossing, pair, present)]
    out.append(
        said
        + _table(
            "[scenario]",
            {
                "name": _text(TEXTS["name"][hazard], crossing=at),
                "description": _text(
                    TEXTS["description"],
                    hazard=TEXTS["hazard"][hazard],
                    a=TEXTS["nations"][pair[0]],
                    b=TEXTS["nations"][pair[1]],
                    crossing=at,
                ),
                "start": _Raw(start.isoformat()),
                "duration": f"{DURATION.days}d",
            },
            {
                "start": START[hazard][1],
                "duration": "how long the exercise runs",
            },
        )
    )
    out.append(_table("[run]", {"seed": 1, "replications": 30}))
    out.append(
        _section("Nations: the EOC of each side is the disaster office nearest the crossing")
    )
    towns: dict[str, _Place] = {}
    for code in present:
        eoc = _nearest(places.values(), code, ("eoc",), centre) or _nearest(
            places.values(), code, ("town",), centre
        )
        if eoc is None:
            raise DraftError(f"the library has no town of {code} near {crossing.id}")
        town = _base_town(places.values(), code, hazard, centre)
        if code in pair:
            if town is None:
                raise DraftError(f"the library has no town of {code} near {crossing.id}")
            towns[code] = town
            note = "# Report delay: from knowing of a need to its report at the EOC (estimate).\n"
        else:
            note = (
                f"# {NATION_NAMES[code]} has places in {part} but no units here: it takes\n"
                "# part only if you give it some.\n"
            )
        if eoc.kind == "eoc":  # an office of the library: named in the scripts as its place
            office = {"name": eoc.name, **({"names": named[eoc.id]} if eoc.id in named else {})}
        else:  # an office assumed at the town, named from the town's names
            office = {
                "name": f"{TEXTS['office']['en'].format(town=eoc.name)} "
                "(assumed: the library has none here)"
            }
            if eoc.id in named:
                office["names"] = {
                    lang: TEXTS["office"][lang].format(town=_bare(named[eoc.id][lang]))
                    for lang in SCRIPT_LANGUAGES
                } | {"source": _OFFICE_SOURCE}
        out.append(
            _table("[[nations]]", {"code": code})
            + note
            + 'report_delay = { dist = "lognormal", median = "30min", p90 = "2h" }\n'
            + _table("[[nations.eocs]]", {"id": f"{code.lower()}_eoc", **office, "place": eoc.id})
        )
    out.append(
        _section(
            "Units: a first inventory at the towns, bases and hospitals nearest the crossing.\n"
            "# Numbers are a starting point (estimates): replace them with your order of battle."
        )
    )
    aircraft = False
    for code in pair:
        for unit_type, role, kinds, count, agency in _UNITS[hazard]:
            if role == "town":
                base: _Place | None = towns[code]
            elif role == "air":  # an airfield or an air base (not a park's or army's base)
                airfields = [p for p in places.values() if _is_air(p)]
                base = _nearest(airfields, code, kinds, centre)
            else:  # a hospital, else a town
                base = _nearest(places.values(), code, kinds[:1], centre) or _nearest(
                    places.values(), code, kinds[1:], centre
                )
            if base is None or (role == "air" and _km(centre, (base.lat, base.lon)) > AIR_RANGE_KM):
                continue
            aircraft = aircraft or role == "air"
            fields: dict[str, Any] = {
                "id": f"{code.lower()}_{unit_type}_{base.id}",
                "nation": code,
                "agency": agency[0].upper() + agency[1:],
                "agency_names": TEXTS["agencies"][agency] | {"source": _AGENCY_SOURCE},
                "type": unit_type,
                "base": base.id,
            }
            if count > 1:
                fields["count"] = count
            out.append(_table("[[units]]", fields, {"base": base.name}))
    if hazard == "flood":
        out.append(_flood_msel(pair, towns, named))
    else:
        out.append(_wildfire(pair, towns, places, crossing, centre, named, aircraft))
    out.append(_coordination(pair))
    return "\n".join(out)


def _section(text: str) -> str:
    rule = "# " + "-" * 87
    return f"{rule}\n# {text}\n{rule}\n"


def _header(
    hazard: Hazard, region: str, crossing: Entry, pair: tuple[str, str], present: list[str]
) -> str:
    part = f"library:{region}"
    types = f"library:unit_types/{hazard}"
    nations = "".join(f'    "library:nations/{c.lower()}",\n' for c in present)
    return (
        f"# A {hazard} at {crossing.data['name']} ({pair[0]}-{pair[1]}): a draft written by\n"
        "# `borderdrill new` from the library, ready to edit. It runs as it is; make it yours:\n"
        "# the date, the EOCs' report delays, the units you really have, the incidents of your\n"
        "# MSEL. Places, roads, crossings, unit types, needs and the coordination mechanisms\n"
        "# come from the parts included below, each figure with its source there; override\n"
        '# any of them by id in this file (README, "Scenario files from parts").\n'
        "# `borderdrill places` lists the places you can name.\n"
        "# The texts players read are also in Thai, Lao and Khmer (name.th, synopsis.lo,\n"
        "# discussion.km, ...), and so are the names of an office it assumes (names.th, ...):\n"
        "# MACHINE-DRAFTED, not yet reviewed by native speakers, who should check them (and\n"
        "# rewrite them with yours) before an exercise.\n\n"
        "include = [\n"
        f'    "{part}",\n'
        f"{nations}"
        f'    "{types}",\n'
        '    "library:coordination/2018",\n'
        "]\n"
    )


def _flood_msel(
    pair: tuple[str, str], towns: dict[str, _Place], named: dict[str, dict[str, str]]
) -> str:
    """A flood's MSEL: people cut off (or to move) in each nation's town, then casualties."""
    where = {code: _called(town.name, named[town.id]) for code, town in towns.items()}
    out = [
        _section(
            "MSEL: the incidents of the exercise (people counts are exercise figures: edit).\n"
            "# To let the river drive it instead, add [[gauges]] and flood = {...} on places\n"
            '# (README, "Floods").'
        )
    ]
    for hours, code, people, need in (
        # boats work where there is water; elsewhere, trucks evacuate
        (1, pair[0], 30, "rescue" if towns[pair[0]].water else "evacuation"),
        (2, pair[1], 30, "rescue" if towns[pair[1]].water else "evacuation"),
        (4, pair[1], 5, "medical"),
    ):
        fields = {"type": "incident", "at": f"{hours}h", "place": towns[code].id, "need": need}
        told = _told(need, town=where[code], nation=TEXTS["nations"][code])
        out.append(_table("[[injects]]", fields | {"people": people} | told))
    return "\n".join(out)


def _bearing(origin: tuple[float, float], to: tuple[float, float]) -> int:
    """The direction from one point to another, degrees from north (0 north, 90 east)."""
    north = to[0] - origin[0]
    east = (to[1] - origin[1]) * math.cos(math.radians(origin[0]))
    return round(math.degrees(math.atan2(east, north))) % 360


def _burning_road(
    pair: tuple[str, str], places: dict[str, _Place], centre: tuple[float, float]
) -> Entry | None:
    """The road within one of the two nations nearest the fire's start (the one it closes),
    among the roads of the draft's places."""

    def middle(road: Entry) -> tuple[float, float]:
        a, b = places[road.data["from"]], places[road.data["to"]]
        return (a.lat + b.lat) / 2, (a.lon + b.lon) / 2

    inside = [
        r
        for r in roads()
        if r.data.get("nation") in pair and r.data["from"] in places and r.data["to"] in places
    ]
    return min(inside, key=lambda r: _km(centre, middle(r)), default=None)


def _wildfire(
    pair: tuple[str, str],
    towns: dict[str, _Place],
    places: dict[str, _Place],
    crossing: Entry,
    centre: tuple[float, float],
    named: dict[str, dict[str, str]],
    aircraft: bool,
) -> str:
    """The fire round the crossing and its MSEL: villagers burned near the first nation's
    town, the wind turning the fire towards the second's, the nearest road closed by the
    fire, the wind dropping at nightfall and, where the draft has aircraft, smoke grounding
    them the next morning."""
    lat, lon = centre
    half = 0.2
    toward = _bearing(centre, (towns[pair[1]].lat, towns[pair[1]].lon))
    out = [
        _section(
            "The fire: a grid over the border round the crossing. Figures as in the shipped\n"
            "# wildfire scenario (estimates). The land cover is assumed dry dipterocarp forest\n"
            "# throughout (default_fuel): lay out your own with [[wildfire.fuel]] areas."
        )
        + _table(
            "[wildfire]",
            {
                "bounds": [
                    round(lat - half, 3),
                    round(lon - half, 3),
                    round(lat + half, 3),
                    round(lon + half, 3),
                ],
                "cell_km": 1.25,
                "step": "30min",
                "spread": 0.045,
                "dryness": 0.85,
                "burn_time": "3h",
                "wind_toward_deg": 30,
                "wind_kmh": 10,
                "default_fuel": 1.2,
                "fire_need": "fire",
                "village_need": "evacuation",
            },
            {
                "bounds": "[south, west, north, east]: 0.2° round the crossing",
                "dryness": "March afternoons (estimate)",
                "default_fuel": "dry dipterocarp forest (estimate: edit)",
                "wind_toward_deg": "a light south-south-westerly (estimate)",
            },
        )
        + "\n"
        + _table(
            "[[wildfire.ignitions]]",
            {"at": "1h", "lat": round(lat, 3), "lon": round(lon, 3)},
            {"lat": f"at the crossing {crossing.id}: move it to where your fire starts"},
        ),
        _section(
            "MSEL: what the fire and the weather do (the fire makes its own incidents as it\n"
            "# reaches villages). Times, people and winds are exercise figures: edit."
        ),
    ]
    first, second = ((code, _called(towns[code].name, named[towns[code].id])) for code in pair)
    nation = {code: TEXTS["nations"][code] for code in pair}
    fire = {"type": "incident", "at": "2h", "place": towns[first[0]].id, "need": "medical"}
    out.append(
        _table(
            "[[injects]]",
            fire | {"people": 2} | _told("burned", town=first[1], nation=nation[first[0]]),
        )
    )
    wind = {"type": "wind_shift", "at": "3h", "toward_deg": toward, "speed_kmh": 20}
    out.append(
        _table(
            "[[injects]]",
            wind | _told("wind", town=second[1], nation=nation[second[0]]),
            {"toward_deg": f"towards {towns[second[0]].name}"},
        )
    )
    road = _burning_road(pair, places, centre)
    if road is not None:
        ends = (road.data["from"], road.data["to"])
        written = {"en": road.data["name"]} | {
            lang: " – ".join(_bare(named[end][lang]) for end in ends) for lang in SCRIPT_LANGUAGES
        }
        closed = {"type": "road_closed", "at": "4h", "road": road.id, "for": "6h"}
        told = _told("road", road=_called(road.data["name"], written))
        out.append(_table("[[injects]]", closed | told, {"road": road.data["name"]}))
    night = {"type": "wind_shift", "at": "9h", "toward_deg": toward, "speed_kmh": 5}
    out.append(_table("[[injects]]", night | _told("night")))
    if aircraft:  # the next morning, 07:00 at the draft's start of 10:00
        smoke = {"type": "grounding", "at": "21h", "for": "4h"}
        out.append(_table("[[injects]]", smoke | _told("smoke")))
    return "\n".join(out)


def _coordination(pair: tuple[str, str]) -> str:
    a, b = pair
    return _section(
        "Coordination: the 2018 arrangements (library:coordination/2018): requests go by\n"
        "# diplomatic note, about 3 h, and are approved case by case. A what-if hotline between\n"
        "# the two EOCs is below; switch it on with --set coordination.channels.enabled=true"
    ) + _table(
        "[[coordination.channels.links]]",
        {
            "between": [a, b],
            "kind": "hotline",
            "latency": "15min",
            "reliability": 0.95,
            "resend_after": "30min",
        },
        {"latency": "duty officer to duty officer, an agreed form (estimate)"},
    )

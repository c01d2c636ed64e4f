"""The scenario file format: immutable pydantic models, one per TOML section.

Unknown keys are refused everywhere, so a typo never passes silently. Cross-references
between sections (a unit's base is a known place, ...) are checked in ``checks``; the value
types are in ``types`` and the coordination sections in ``coordination``.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator

from sim.scenario.coordination import Channel, Coordination, Party
from sim.scenario.quantities import CountDistribution, Duration, DurationDistribution, fixed
from sim.scenario.text import SCRIPTS, Questions, Text
from sim.scenario.types import (
    LOCAL_TIME,
    Count,
    Flag,
    Id,
    Latitude,
    Level,
    Line,
    LocalDatetime,
    Longitude,
    Mode,
    Name,
    NationCode,
    Offset,
    OpeningHours,
    PerDay,
    PlaceKind,
    Positive,
    Real,
    RoadClass,
    Section,
    Share,
    Source,
    Speed,
    plain_text,
)
from sim.scenario.wildfire import FuelArea, MinedArea, Wildfire

__all__ = [
    "LOCAL_TIME",
    "SCRIPTS",
    "Channel",
    "Coordination",
    "Id",
    "Section",
    "Text",
]

MAX_PEOPLE = 20_000_000
"""More people than any place of the region holds (Bangkok has about 11 million)."""

MAX_REPLICATIONS = 1_000_000
"""A hard limit; the run's budget (``sim.scenario.budget``) sets the usual, lower one."""

ROAD_CLASS_SPEED_KMH: dict[str, float] = {"highway": 70.0, "rural": 40.0, "track": 20.0}
"""Free-flow speed of a road class in the wet season (a unit drives at the lower of the two)."""

ROAD_CLASS_DETOUR: dict[str, float] = {"highway": 1.3, "rural": 1.5, "track": 1.5}
"""Road length over great-circle distance, used when a road gives no ``km``."""


class ScenarioInfo(Section):
    """[scenario]: what the exercise is and when it runs."""

    name: Text
    """The exercise's title, shown on reports (a string, or a table of languages)."""
    description: Text | None = None
    """What the exercise is about, in a few sentences."""
    start: LocalDatetime = Field(examples=["2018-07-23T20:00:00+07:00"])
    duration: Duration = Field(gt=0, examples=["3d", "36h"])


class RunSettings(Section):
    """[run]: default seed and number of replications."""

    seed: Count = Field(default=0, ge=0, le=2**63 - 1)
    """Seed of the random numbers (same seed, same results)."""
    replications: Count = Field(default=1, ge=1, le=MAX_REPLICATIONS)
    """How many replications `run` makes by default."""


ScriptName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(plain_text),
]


class ScriptNames(Section):
    """A name in the readers' own scripts: Thai, Lao and Khmer (each may be left out; the
    romanised ``name`` is shown beside it, and in its place where there is none)."""

    th: ScriptName | None = Field(default=None, examples=["ปากเซ"])
    """In Thai script."""
    lo: ScriptName | None = Field(default=None, examples=["ປາກເຊ"])
    """In Lao script."""
    km: ScriptName | None = Field(default=None, examples=["ប៉ាក់សេ"])
    """In Khmer script."""
    source: Source | None = None
    """Where the names come from (a name recalled but not checked: "recalled, unverified")."""

    @field_validator("th", "lo", "km")
    @classmethod
    def _in_its_script(cls, value: str | None, info: ValidationInfo) -> str | None:
        low, high, script = SCRIPTS[str(info.field_name)]
        if value is not None and not any(low <= ord(c) <= high for c in value):
            raise ValueError(
                f"{value!r} is not in {script} script; write the name as {script} readers do"
            )
        return value


for _area in (FuelArea, MinedArea):  # the wildfire's areas, named in the scripts too
    _area.model_rebuild(_types_namespace={"ScriptNames": ScriptNames})


class Eoc(Section):
    """An emergency operations centre that receives reports and dispatches its nation's units."""

    id: Id
    """Its id, e.g. "la_attapeu_eoc"."""
    name: Name
    """Its name, as on reports."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    place: Id
    """The place (id) where it sits."""


class Nation(Section):
    """[[nations]]: a nation, its disaster agency, working language and EOCs."""

    code: NationCode
    """ISO 3166 two-letter code: TH, LA or KH."""
    name: Name
    """The nation's name, as on reports."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
    """Working language, ISO 639 code (th, lo, km): messages across languages need interpreting."""
    agency: Name
    """The national disaster agency (DDPM, NDMC, NCDM)."""
    agency_names: ScriptNames | None = None
    """The agency's name in Thai, Lao and Khmer script, with their source."""
    report_delay: DurationDistribution = Field(
        default=fixed("15min"), description="from detection to the report reaching the EOC"
    )
    eocs: tuple[Eoc, ...] = Field(min_length=1)
    """Its emergency operations centres: an incident is reported to the nearest."""
    source: Source | None = None
    """Where its name, language and agency come from."""


class PlaceFlooding(Section):
    """When the water at a gauge reaches ``level``, people here are stranded."""

    gauge: Id
    """The gauge (id) whose reading floods the place."""
    level: Level = Field(description="the gauge reading (m) at which the place floods")
    need: Id = "rescue"
    """The need (id) of the people stranded."""
    stranded_share: Share = Field(default=0.3, description="share of the population stranded")
    priority: Count | None = Field(
        default=None, ge=1, le=5, description="severity here (default: the need's priority)"
    )


class RoadFlooding(Section):
    """The road is closed while the water at a gauge is at or above ``level``."""

    gauge: Id
    """The gauge (id) whose reading closes the road."""
    level: Level
    """The reading (m) at or above which the road is closed."""


class Place(Section):
    """[[places]]: a named point; villages carry a population."""

    id: Id
    """Its id: lower-case letters, digits, '_' or '-', e.g. "siem_pang"."""
    name: Name
    """Its name, as on reports and maps."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    nation: NationCode
    """The nation it is in (TH, LA, KH)."""
    kind: PlaceKind
    """town, village, base, airfield, hospital, shelter, border_post or eoc."""
    lat: Latitude = Field(examples=[14.81])
    """Latitude, decimal degrees (north positive)."""
    lon: Longitude = Field(examples=[106.83])
    """Longitude, decimal degrees (east positive)."""
    population: Count = Field(default=0, ge=0, le=MAX_PEOPLE)
    """People living there (villages): background incidents and flooding draw on it."""
    water_access: Flag = Field(default=False, description="boats can launch and work here")
    flood: PlaceFlooding | None = None
    """When the water at a gauge reaches a level, people here are stranded."""
    source: Source | None = None
    """Where its position (and population) come from."""


class Road(Section):
    """[[roads]]: a two-way road between two places."""

    id: Id | None = None
    """Its id for injects (default "from--to")."""
    from_: Id = Field(alias="from")
    """One end (a place id)."""
    to: Id
    """The other end (a place id)."""
    km: Real | None = Field(default=None, gt=0, le=5000, examples=[33])
    """Length in km (default: great-circle distance x 1.3 on highways, 1.5 otherwise)."""
    road_class: RoadClass = Field(default="rural", alias="class")
    """highway, rural or track: sets the wet-season speed (70, 40, 20 km/h)."""
    speed_kmh: Speed | None = Field(default=None, le=300)
    """Free-flow speed, km/h (1 to 300), instead of the class's."""
    flood: RoadFlooding | None = None
    """The road is closed while a gauge reads at or above a level."""
    source: Source | None = None
    """Where its length comes from."""

    @property
    def key(self) -> str:
        """The id injects use: the given id, else "from--to"."""
        return self.id or f"{self.from_}--{self.to}"

    @property
    def max_speed_kmh(self) -> float:
        return self.speed_kmh or ROAD_CLASS_SPEED_KMH[self.road_class]


class Crossing(Section):
    """[[crossings]]: a border crossing between two border posts of different nations."""

    id: Id
    """Its id, e.g. "chong_mek_vang_tao"."""
    name: Name
    """Its name, as on reports."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    posts: tuple[Id, Id]
    """Its two border posts (place ids), one in each nation."""
    hours: OpeningHours = Field(default="24h", examples=["07:00-17:00", "24h"])
    """Opening hours, "07:00-17:00" (local time) or "24h"."""
    lanes: Count = Field(default=1, ge=1, le=100)
    """Deployments processed at once."""
    processing: DurationDistribution = Field(
        default=fixed("30min"), description="customs, immigration and quarantine for one deployment"
    )
    source: Source | None = None
    """Where its hours and processing times come from."""

    def open_window_min(self) -> tuple[float, float] | None:
        """Opening and closing minute of the day, or None when open around the clock."""
        if self.hours == "24h":
            return None
        start, end = self.hours.split("-")
        h0, m0 = start.split(":")
        h1, m1 = end.split(":")
        return int(h0) * 60 + int(m0), int(h1) * 60 + int(m1)


class Closure(Section):
    """[[closures]]: every crossing between two nations closed for a time, a dated fact (a
    border shut by a conflict or an epidemic). A scenario dated inside it has those crossings
    closed, and `validate` says so."""

    id: Id
    """Its id, e.g. "th_kh_2025"."""
    name: Name
    """What closed them, as on reports."""
    between: tuple[NationCode, NationCode]
    """The two nations whose crossings are closed."""
    from_: LocalDatetime = Field(alias="from", examples=["2025-06-23T00:00:00+07:00"])
    """When they closed."""
    until: LocalDatetime | None = None
    """When they reopened (none: not known to have reopened)."""
    source: Source
    """Where the dates come from."""

    def closes(self, nations: set[str]) -> bool:
        """Whether it closes a crossing between these nations (of its two posts)."""
        return nations == set(self.between)

    def window_min(self, start: datetime) -> tuple[float, float]:
        """When it closes and reopens, in minutes after ``start`` (inf: it does not)."""
        closes = (self.from_ - start).total_seconds() / 60
        if self.until is None:
            return closes, math.inf
        return closes, (self.until - start).total_seconds() / 60


class UnitType(Section):
    """[[unit_types]]: what a kind of unit can do and how fast."""

    id: Id
    """Its id, e.g. "rescue_boat"."""
    name: Name
    """Its name, as on reports."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    mode: Mode
    """road, air (flies great-circle) or water (a boat trucked to the water)."""
    speed_kmh: Speed = Field(le=1000)
    """Travel speed, km/h (1 to 1000; on roads, the road's speed caps it)."""
    capacity: Count = Field(ge=1, le=10_000, description="people moved per trip on scene")
    capabilities: tuple[Id, ...] = Field(min_length=1, description="kinds of need it serves")
    mobilisation: DurationDistribution = fixed("30min")
    """From call-out to leaving base."""
    trip: DurationDistribution = Field(
        default=fixed("30min"), description="one round on scene: load, carry to safety, come back"
    )
    day_only: Flag = Field(default=False, description="flies only in daylight (helicopters)")
    source: Source | None = None
    """Where its speed, capacity and delays come from."""


class UnitGroup(Section):
    """[[units]]: ``count`` identical units of one type at one base."""

    id: Id
    """Its id; with count > 1 the units are id-1 ... id-N."""
    nation: NationCode
    """The nation it belongs to (TH, LA, KH)."""
    agency: Name
    """Who fields it, as on reports."""
    agency_names: ScriptNames | None = None
    """The agency's name in Thai, Lao and Khmer script, with their source (a group whose
    agency is its nation's takes the nation's names)."""
    type: Id
    """Its unit type (id)."""
    base: Id
    """Where it is based (a place id of its own nation)."""
    count: Count = Field(default=1, ge=1, le=500)
    """How many identical units."""
    joint: Flag = Field(default=False, description="a joint disaster response team")
    source: Source | None = None
    """Where its number, base and agency come from."""

    def unit_ids(self) -> list[str]:
        """The ids of the individual units: the group id, or id-1, id-2, ... when count > 1."""
        if self.count == 1:
            return [self.id]
        return [f"{self.id}-{i}" for i in range(1, self.count + 1)]


class Need(Section):
    """[[needs]]: a kind of need, its priority and its capability target."""

    id: Id
    """Its id, e.g. "rescue"."""
    name: Name
    """Its name, as on reports."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    target: Duration = Field(gt=0, description="first unit on scene within this of occurrence")
    priority: Count = Field(default=3, ge=1, le=5, description="1 is the most urgent")
    detection: DurationDistribution = Field(
        default=fixed("30min"), description="from occurrence until someone who can report knows"
    )
    averted_by_evacuation: Flag = Field(
        default=False, description="people who left on an evacuation order are not in need"
    )
    work: Literal["carry", "suppress"] = Field(
        default="carry", description="carry people in trips, or put out a fire"
    )
    max_units: Count = Field(
        default=4, ge=1, le=100, description="most units sent to one incident of this kind at once"
    )
    core_capability: Line = ""
    """The FEMA core capability it tests, for the HSEEP rating."""
    source: Source | None = None
    """Where its target and delays come from."""


class _Inject(Section):
    at: Offset = Field(examples=["6h", "2018-07-24T06:00:00+07:00"])
    """When: a duration after the start ("6h") or a date-time (UTC+7 without an offset)."""
    synopsis: Text | None = None
    """What the players are told (a string, or a table of languages: ``sim.scenario.text``)."""
    expected_action: Text | None = None
    """What the players are expected to do (for the evaluators)."""
    discussion: Questions = ()
    """Questions for the seats to discuss once it is delivered (HSEEP), each shown to the
    seats in ``discussion_for``."""
    discussion_for: tuple[Party, ...] = ()
    """The seats the questions are for (nation codes, "JCC"); without it, the nations the
    inject concerns (every seat when it concerns no nation in particular)."""


class IncidentInject(_Inject):
    """A scripted incident: a need at a place."""

    type: Literal["incident"]
    """An incident: a need at a place."""
    place: Id
    """Where (a place id)."""
    need: Id
    """What kind of need (id)."""
    people: Count = Field(ge=1, le=MAX_PEOPLE)
    """People in need."""
    priority: Count | None = Field(default=None, ge=1, le=5)
    """1 (most urgent) to 5; default the need's."""


class RoadClosedInject(_Inject):
    """A road closes, for a time or until reopened."""

    type: Literal["road_closed"]
    """A road closes."""
    road: str
    """The road's id (or "from--to")."""
    for_: Positive | None = Field(default=None, alias="for")
    """How long; without it, until a road_reopened inject."""


class RoadReopenedInject(_Inject):
    """A closed road reopens."""

    type: Literal["road_reopened"]
    """A closed road reopens."""
    road: str
    """The road's id (or "from--to")."""


class CrossingClosedInject(_Inject):
    """A border crossing closes, for a time or until reopened."""

    type: Literal["crossing_closed"]
    """A border crossing closes."""
    crossing: Id
    """The crossing's id."""
    for_: Positive | None = Field(default=None, alias="for")
    """How long; without it, until a crossing_reopened inject."""


class CrossingReopenedInject(_Inject):
    """A closed border crossing reopens."""

    type: Literal["crossing_reopened"]
    """A closed crossing reopens."""
    crossing: Id
    """The crossing's id."""


class UnitBreakdownInject(_Inject):
    """A unit breaks down; it finishes its current step, then is out of service for a time."""

    type: Literal["unit_breakdown"]
    """A unit breaks down."""
    unit: str
    """The unit's id (id-N for a unit of a group)."""
    for_: Duration = Field(alias="for", gt=0)
    """How long it is out of service."""


class GroundingInject(_Inject):
    """Weather grounds the aircraft of some nations (all when ``nations`` is empty)."""

    type: Literal["grounding"]
    """Weather grounds aircraft."""
    nations: tuple[NationCode, ...] = ()
    """Whose aircraft (all when empty)."""
    for_: Duration = Field(alias="for", gt=0)
    """How long."""


class ChannelOutageInject(_Inject):
    """The channel between two parties is down for a time."""

    type: Literal["channel_outage"]
    """A channel between two parties is down."""
    between: tuple[Party, Party]
    """The two parties: nation codes or "JCC"."""
    for_: Duration = Field(alias="for", gt=0)
    """How long."""


class WarningInject(_Inject):
    """A reading (an upstream gauge, a patrol) says the water will reach some places."""

    type: Literal["warning"]
    """A warning that the water will reach some places."""
    observed_by: NationCode
    """The nation that reads it (across the border only with information sharing)."""
    places: tuple[Id, ...] = Field(min_length=1)
    """The places warned (ids)."""


class WindShiftInject(_Inject):
    """The wind changes (for the wildfire)."""

    type: Literal["wind_shift"]
    """The wind changes (wildfire)."""
    toward_deg: Real = Field(ge=0, lt=360)
    """Where the wind blows to, degrees (0 north, 90 east)."""
    speed_kmh: Real = Field(ge=0, le=150)
    """Wind speed, km/h."""


Inject = Annotated[
    IncidentInject
    | WindShiftInject
    | ChannelOutageInject
    | WarningInject
    | RoadClosedInject
    | RoadReopenedInject
    | CrossingClosedInject
    | CrossingReopenedInject
    | UnitBreakdownInject
    | GroundingInject,
    Field(discriminator="type"),
]


class Hydrograph(Section):
    """A flood wave with random peak and timing: rise, peak, recession (metres, minutes).

    The level stays at ``base`` until ``peak_at - rise``, climbs along a half cosine to
    ``peak`` at ``peak_at``, then falls back towards ``base`` exponentially with time
    constant ``recession``.
    """

    base: Level
    """The level (m) with no flood wave."""
    peak: CountDistribution = Field(description="peak level (m): a number or a distribution")
    peak_at: DurationDistribution = Field(description="when the peak comes, after the start")
    rise: DurationDistribution = Field(description="from the start of the rise to the peak")
    recession: DurationDistribution = Field(description="time constant of the fall")


class FollowsGauge(Section):
    """A downstream gauge: the upstream rise above its base, later and smaller."""

    gauge: Id
    """The upstream gauge (id), listed above this one."""
    lag: Duration
    """How much later the wave arrives here."""
    attenuation: Share = 1.0
    """Share of the upstream rise that arrives here (1 = all)."""
    base: Level = Field(description="this gauge's level with no flood wave (m)")
    spread: Duration = Field(
        default=0.0,
        validate_default=False,
        description="the wave broadens over this much time on its way (a moving average)",
    )


class Gauge(Section):
    """[[gauges]]: a river gauge whose readings flood places and roads and warn downstream.

    Give exactly one of ``levels`` (a scripted series of [time, level] pairs, linear in
    between), ``hydrograph`` (a random flood wave) or ``follows`` (an upstream gauge).
    """

    id: Id
    """Its id, e.g. "sekong_siem_pang"."""
    name: Name
    """Its name, as on reports."""
    names: ScriptNames | None = None
    """Its name in Thai, Lao and Khmer script, with their source."""
    place: Id
    """Where it reads (a place id)."""
    levels: tuple[tuple[Duration, Level], ...] | None = Field(default=None, min_length=2)
    """A scripted series of [time, level (m)] pairs, linear in between."""
    hydrograph: Hydrograph | None = None
    """A random flood wave: rise, peak, recession."""
    follows: FollowsGauge | None = None
    """A downstream gauge: an upstream one's wave, later and smaller."""
    alarm: Level | None = Field(default=None, description="a reading at this level is a warning")
    warns: tuple[Id, ...] = Field(default=(), description="places the alarm warns")


class IncidentGenerator(Section):
    """[[generators]]: background incidents, a Poisson stream over some places.

    Places are drawn in proportion to their population (uniformly when none has one).
    """

    need: Id
    """The kind of need (id) of its incidents."""
    places: tuple[Id, ...] = Field(min_length=1)
    """Where they happen (ids), drawn in proportion to population."""
    per_day: PerDay = Field(le=1000, description="mean number of incidents a day (0.001 to 1000)")
    people: CountDistribution = fixed(1)
    """People in need in each incident."""
    start: Offset = Field(default=0.0, validate_default=False, description="when it starts")
    end: Offset | None = None
    """When it stops (default: the end of the scenario)."""


class Scenario(Section):
    """A whole scenario file, validated."""

    include: tuple[str, ...] = Field(
        default=(),
        description=(
            "parts this file is built on, read in order before its own tables: "
            '"library:..." parts shipped with borderdrill, or files relative to this one; '
            "an item with the id of an included one overrides the keys it gives"
        ),
        examples=[["library:region/sekong", "library:nations", "my_units.toml"]],
    )
    scenario: ScenarioInfo
    """What the exercise is and when it runs."""
    run: RunSettings = RunSettings()
    """Default seed and number of replications."""
    nations: tuple[Nation, ...] = Field(min_length=1)
    """The nations taking part, each with its EOCs."""
    places: tuple[Place, ...] = Field(min_length=1)
    """Named points: towns, villages, bases, airfields, hospitals, shelters, border posts, EOCs."""
    roads: tuple[Road, ...] = ()
    """Two-way roads between places."""
    crossings: tuple[Crossing, ...] = ()
    """Border crossings: two posts of different nations, with hours, lanes and processing."""
    closures: tuple[Closure, ...] = ()
    """Dated closures of every crossing between two nations."""
    gauges: tuple[Gauge, ...] = ()
    """River gauges whose readings flood places and roads and raise alarms."""
    wildfire: Wildfire | None = None
    """A fire spreading on a grid over the region."""
    needs: tuple[Need, ...] = Field(min_length=1)
    """Kinds of need, with their capability target and priority."""
    unit_types: tuple[UnitType, ...] = Field(min_length=1)
    """What each kind of unit can do and how fast."""
    units: tuple[UnitGroup, ...] = Field(min_length=1)
    """The units: groups of identical units of one type at one base."""
    injects: tuple[Inject, ...] = ()
    """The MSEL: scripted incidents, closures, breakdowns, groundings, outages, warnings."""
    generators: tuple[IncidentGenerator, ...] = ()
    """Background incidents: Poisson streams over some places."""
    coordination: Coordination = Coordination()
    """The coordination mechanisms, one sub-table each (off by default)."""

    def offset_min(self, at: Real | datetime) -> float:
        """Minutes after the scenario start of an ``Offset`` (a duration or a wall-clock time)."""
        if isinstance(at, datetime):
            return (at - self.scenario.start).total_seconds() / 60
        return at

    @property
    def duration_min(self) -> float:
        return self.scenario.duration

    def agencies(self) -> dict[tuple[str, str], ScriptNames | None]:
        """Each nation's agencies as written (its own and its units'), with their names in
        the scripts: the first given (a unit group of its nation's agency takes the
        nation's; ``checks`` refuses an agency named two ways)."""
        named: dict[tuple[str, str], ScriptNames | None] = {}
        given = [((n.code, n.agency), n.agency_names) for n in self.nations]
        for key, names in given + [((g.nation, g.agency), g.agency_names) for g in self.units]:
            if named.get(key) is None:
                named[key] = names
        return named

    def crossings_closed_by(self, closure: Closure) -> tuple[Crossing, ...]:
        """The crossings of the scenario between the two nations of a closure."""
        nation = {p.id: p.nation for p in self.places}
        return tuple(
            c for c in self.crossings if closure.closes({nation.get(post, "") for post in c.posts})
        )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors.

    A file with ``include`` may give only part of a scenario, and items that give only the
    keys they override: the types are checked everywhere, what is required only in a file
    without ``include``.
    """
    strict = Scenario.model_json_schema(by_alias=True)
    defs = strict.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **_rewrite(strict, keep_required=False),
        "title": "borderdrill scenario",
        "$defs": {
            **{name: _rewrite(d, keep_required=False) for name, d in defs.items()},
            **{f"Required{name}": _requirements(d) for name, d in defs.items()},
        },
        "if": {"required": ["include"]},
        "else": _requirements(strict),
    }


def _rewrite(node: Any, keep_required: bool) -> Any:
    """A schema without what a part may leave out (but the tags ``type`` and ``dist``)."""
    if isinstance(node, list):
        return [_rewrite(v, keep_required) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "required":
            tags = [k for k in value if k in ("type", "dist")]
            if tags:
                out[key] = tags
        elif key != "minItems":
            out[key] = _rewrite(value, keep_required)
    return out


_STRUCTURE = {"properties", "items", "prefixItems", "anyOf", "oneOf", "allOf", "$ref"}


def _requirements(node: Any) -> Any:
    """Only what must be given (required keys, at least one item), for a whole file."""
    if isinstance(node, list):
        return [_requirements(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/$defs/", "#/$defs/Required")
        elif key == "properties":
            out[key] = {k: _requirements(v) for k, v in value.items()}
        elif key == "oneOf":  # without the tags, several may match: any will do
            out["anyOf"] = _requirements(value)
        elif key in _STRUCTURE:
            out[key] = _requirements(value)
        elif key in ("required", "minItems", "description"):
            out[key] = value
    return out

"""The scenario file format: immutable pydantic models, one per TOML section.

Unknown keys are refused everywhere, so a typo never passes silently. Cross-references
between sections (a unit's base is a known place, ...) are checked in ``checks``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

from sim.scenario.quantities import (
    DURATION_JSON,
    CountDistribution,
    Duration,
    DurationDistribution,
    duration_minutes,
    fixed,
)

LOCAL_TIME = timezone(timedelta(hours=7), "UTC+7")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
"""Identifier: lower-case letters, digits, '_' and '-' (e.g. "siem_pang")."""

NationCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""ISO 3166 alpha-2 code: TH, LA, KH."""

PlaceKind = Literal[
    "town", "village", "base", "airfield", "hospital", "shelter", "border_post", "eoc"
]
RoadClass = Literal["highway", "rural", "track"]
Mode = Literal["road", "air", "water"]

ROAD_CLASS_SPEED_KMH: dict[str, float] = {"highway": 70.0, "rural": 40.0, "track": 20.0}
"""Free-flow speed of a road class in the wet season (a unit drives at the lower of the two)."""

ROAD_CLASS_DETOUR: dict[str, float] = {"highway": 1.3, "rural": 1.5, "track": 1.5}
"""Road length over great-circle distance, used when a road gives no ``km``."""


class Section(BaseModel):
    """Base of every scenario section: immutable, unknown keys refused."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, validate_default=True
    )


def _local_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a date and time; write e.g. 2018-07-23T20:00:00+07:00"
            ) from None
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TIME) if value.tzinfo else value.replace(tzinfo=LOCAL_TIME)
    if isinstance(value, date):
        raise ValueError(
            f"{value.isoformat()} is a date without a time; write e.g. "
            f"{value.isoformat()}T00:00:00+07:00"
        )
    raise ValueError(f"{value!r} is not a date and time; write e.g. 2018-07-23T20:00:00+07:00")


DATETIME_JSON = {
    "type": "string",
    "format": "date-time",
    "description": "a date and time, e.g. 2018-07-23T20:00:00+07:00 (UTC+7 when no offset)",
}

LocalDatetime = Annotated[datetime, BeforeValidator(_local_datetime), WithJsonSchema(DATETIME_JSON)]
"""A wall-clock instant in UTC+7 (all three nations): one without an offset is read as
UTC+7, one with another offset is converted."""


def _offset(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and re.match(r"^\d{4}-", value)):
        return _local_datetime(value)
    return duration_minutes(value)


Offset = Annotated[
    float | datetime,
    BeforeValidator(_offset),
    WithJsonSchema({"anyOf": [DURATION_JSON, DATETIME_JSON]}),
]
"""When something happens: a duration after the scenario start ("6h") or a wall-clock time
(a TOML date-time; without an offset it is read as UTC+7)."""

Share = Annotated[float, Field(ge=0, le=1)]
"""A share between 0 and 1."""

Count = Annotated[int, Strict()]
"""A whole number, written as one (not "12", not true)."""

Flag = Annotated[bool, Strict()]
"""true or false."""

Positive = Annotated[Duration, Field(gt=0), WithJsonSchema(DURATION_JSON)]


def _clock_hours(text: str) -> str:
    if text == "24h" or re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d", text):
        return text
    raise ValueError(f'\'{text}\' is not opening hours; write "07:00-17:00" or "24h"')


OpeningHours = Annotated[str, AfterValidator(_clock_hours)]


class ScenarioInfo(Section):
    """[scenario]: what the exercise is and when it runs."""

    name: str = Field(min_length=1)
    description: str = ""
    start: LocalDatetime
    duration: Duration = Field(gt=0)


class RunSettings(Section):
    """[run]: default seed and number of replications."""

    seed: Count = Field(default=0, ge=0)
    replications: Count = Field(default=1, ge=1)


class Eoc(Section):
    """An emergency operations centre that receives reports and dispatches its nation's units."""

    id: Id
    name: str
    place: Id


class Nation(Section):
    """[[nations]]: a nation, its disaster agency, working language and EOCs."""

    code: NationCode
    name: str
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
    agency: str
    report_delay: DurationDistribution = Field(
        default=fixed("15min"), description="from detection to the report reaching the EOC"
    )
    eocs: tuple[Eoc, ...] = Field(min_length=1)


class PlaceFlooding(Section):
    """When the water at a gauge reaches ``level``, people here are stranded."""

    gauge: Id
    level: float = Field(description="the gauge reading (m) at which the place floods")
    need: Id = "rescue"
    stranded_share: Share = Field(default=0.3, description="share of the population stranded")


class RoadFlooding(Section):
    """The road is closed while the water at a gauge is at or above ``level``."""

    gauge: Id
    level: float


class Place(Section):
    """[[places]]: a named point; villages carry a population."""

    id: Id
    name: str
    nation: NationCode
    kind: PlaceKind
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    population: Count = Field(default=0, ge=0)
    water_access: Flag = Field(default=False, description="boats can launch and work here")
    flood: PlaceFlooding | None = None


class Road(Section):
    """[[roads]]: a two-way road between two places."""

    id: Id | None = None
    from_: Id = Field(alias="from")
    to: Id
    km: float | None = Field(default=None, gt=0)
    road_class: RoadClass = Field(default="rural", alias="class")
    speed_kmh: float | None = Field(default=None, gt=0)
    flood: RoadFlooding | None = None

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
    name: str
    posts: tuple[Id, Id]
    hours: OpeningHours = "24h"
    lanes: Count = Field(default=1, ge=1)
    processing: DurationDistribution = Field(
        default=fixed("30min"), description="customs, immigration and quarantine for one deployment"
    )

    def open_window_min(self) -> tuple[float, float] | None:
        """Opening and closing minute of the day, or None when open around the clock."""
        if self.hours == "24h":
            return None
        start, end = self.hours.split("-")
        h0, m0 = start.split(":")
        h1, m1 = end.split(":")
        return int(h0) * 60 + int(m0), int(h1) * 60 + int(m1)


class UnitType(Section):
    """[[unit_types]]: what a kind of unit can do and how fast."""

    id: Id
    name: str
    mode: Mode
    speed_kmh: float = Field(gt=0)
    capacity: Count = Field(ge=1, description="people moved per trip on scene")
    capabilities: tuple[Id, ...] = Field(min_length=1, description="kinds of need it serves")
    mobilisation: DurationDistribution = fixed("30min")
    trip: DurationDistribution = Field(
        default=fixed("30min"), description="one round on scene: load, carry to safety, come back"
    )
    day_only: Flag = Field(default=False, description="flies only in daylight (helicopters)")


class UnitGroup(Section):
    """[[units]]: ``count`` identical units of one type at one base."""

    id: Id
    nation: NationCode
    agency: str
    type: Id
    base: Id
    count: Count = Field(default=1, ge=1, le=500)
    joint: Flag = Field(default=False, description="a joint disaster response team")

    def unit_ids(self) -> list[str]:
        """The ids of the individual units: the group id, or id-1, id-2, ... when count > 1."""
        if self.count == 1:
            return [self.id]
        return [f"{self.id}-{i}" for i in range(1, self.count + 1)]


class Need(Section):
    """[[needs]]: a kind of need, its priority and its capability target."""

    id: Id
    name: str
    target: Duration = Field(gt=0, description="first unit on scene within this of occurrence")
    priority: Count = Field(default=3, ge=1, le=5, description="1 is the most urgent")
    detection: DurationDistribution = Field(
        default=fixed("30min"), description="from occurrence until someone who can report knows"
    )
    averted_by_evacuation: Flag = Field(
        default=False, description="people who left on an evacuation order are not in need"
    )
    max_units: Count = Field(
        default=4, ge=1, le=100, description="most units sent to one incident of this kind at once"
    )
    core_capability: str = ""


class _Inject(Section):
    at: Offset
    synopsis: str = ""
    expected_action: str = ""


class IncidentInject(_Inject):
    """A scripted incident: a need at a place."""

    type: Literal["incident"]
    place: Id
    need: Id
    people: Count = Field(ge=1)
    priority: Count | None = Field(default=None, ge=1, le=5)


class RoadClosedInject(_Inject):
    """A road closes, for a time or until reopened."""

    type: Literal["road_closed"]
    road: str
    for_: Positive | None = Field(default=None, alias="for")


class RoadReopenedInject(_Inject):
    """A closed road reopens."""

    type: Literal["road_reopened"]
    road: str


class CrossingClosedInject(_Inject):
    """A border crossing closes, for a time or until reopened."""

    type: Literal["crossing_closed"]
    crossing: Id
    for_: Positive | None = Field(default=None, alias="for")


class CrossingReopenedInject(_Inject):
    """A closed border crossing reopens."""

    type: Literal["crossing_reopened"]
    crossing: Id


class UnitBreakdownInject(_Inject):
    """A unit breaks down; it finishes its current step, then is out of service for a time."""

    type: Literal["unit_breakdown"]
    unit: str
    for_: Duration = Field(alias="for", gt=0)


class GroundingInject(_Inject):
    """Weather grounds the aircraft of some nations (all when ``nations`` is empty)."""

    type: Literal["grounding"]
    nations: tuple[NationCode, ...] = ()
    for_: Duration = Field(alias="for", gt=0)


class ChannelOutageInject(_Inject):
    """The channel between two parties is down for a time."""

    type: Literal["channel_outage"]
    between: tuple[Party, Party]
    for_: Duration = Field(alias="for", gt=0)


class WarningInject(_Inject):
    """A reading (an upstream gauge, a patrol) says the water will reach some places."""

    type: Literal["warning"]
    observed_by: NationCode
    places: tuple[Id, ...] = Field(min_length=1)


Inject = Annotated[
    IncidentInject
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

    base: float
    peak: CountDistribution = Field(description="peak level (m): a number or a distribution")
    peak_at: DurationDistribution = Field(description="when the peak comes, after the start")
    rise: DurationDistribution = Field(description="from the start of the rise to the peak")
    recession: DurationDistribution = Field(description="time constant of the fall")


class FollowsGauge(Section):
    """A downstream gauge: the upstream rise above its base, later and smaller."""

    gauge: Id
    lag: Duration
    attenuation: Share = 1.0
    base: float = Field(description="this gauge's level with no flood wave (m)")


class Gauge(Section):
    """[[gauges]]: a river gauge whose readings flood places and roads and warn downstream.

    Give exactly one of ``levels`` (a scripted series of [time, level] pairs, linear in
    between), ``hydrograph`` (a random flood wave) or ``follows`` (an upstream gauge).
    """

    id: Id
    name: str
    place: Id
    levels: tuple[tuple[Duration, float], ...] | None = Field(default=None, min_length=2)
    hydrograph: Hydrograph | None = None
    follows: FollowsGauge | None = None
    alarm: float | None = Field(default=None, description="a reading at this level is a warning")
    warns: tuple[Id, ...] = Field(default=(), description="places the alarm warns")


class IncidentGenerator(Section):
    """[[generators]]: background incidents, a Poisson stream over some places.

    Places are drawn in proportion to their population (uniformly when none has one).
    """

    need: Id
    places: tuple[Id, ...] = Field(min_length=1)
    per_day: float = Field(gt=0, le=1000, description="mean number of incidents a day")
    people: CountDistribution = fixed(1)
    start: Offset = Field(default=0.0, validate_default=False, description="when it starts")
    end: Offset | None = None


Party = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2}|JCC)$")]
"""A nation code, or JCC for the joint coordination centre."""


class Channel(Section):
    """A way messages travel between two parties."""

    kind: Literal["hotline", "liaison", "diplomatic", "radio"] = "diplomatic"
    latency: DurationDistribution = Field(
        default=fixed("6h"), description="one message, sent to read"
    )
    reliability: Share = Field(default=1.0, description="chance a message arrives at all")
    resend_after: Positive = Field(
        default=fixed("2h").value,
        validate_default=False,
        description="a lost message is noticed and sent again after this",
    )


class ChannelLink(Channel):
    """[[coordination.channels.links]]: a dedicated channel between two parties."""

    between: tuple[Party, Party]


class Channels(Section):
    """Communication channels and protocols (source 000, 004).

    Without them (``enabled = false``) every message between parties goes the ``default``
    way: a diplomatic note through the ministries.
    """

    enabled: Flag = False
    default: Channel = Channel(
        kind="diplomatic",
        latency={"dist": "lognormal", "median": "6h", "p90": "1d"},
    )
    links: tuple[ChannelLink, ...] = ()


class MilitaryComms(Section):
    """Military communication systems that restore a channel during an outage (source 000)."""

    enabled: Flag = False
    restore: Positive = Field(
        default=120.0, validate_default=False, description="an outage lasts at most this long"
    )


class Language(Section):
    """Language barriers and interpreters (source 000).

    A message between two working languages waits for one of the receiving EOC's
    interpreters, unless the nations trained a common working language (``enabled``).
    """

    enabled: Flag = False
    interpreters: Count = Field(default=1, ge=1, description="interpreters on duty at each EOC")
    translation: DurationDistribution = Field(
        default=fixed("45min"), description="one message, with the interpreter"
    )


class InformationSharing(Section):
    """Intelligence and information sharing (source 000, 004).

    With it, an incident within ``border_zone_km`` of another nation's border post can be
    detected by that nation's border units, who pass it on; upstream readings reach
    downstream nations as warnings.
    """

    enabled: Flag = False
    border_zone_km: float = Field(default=15.0, ge=0)
    border_detection: DurationDistribution = Field(
        default=fixed("30min"), description="the other side's border units detecting it"
    )


class Agreement(Section):
    """A mutual assistance agreement between two nations for some unit types (all if none)."""

    between: tuple[NationCode, NationCode]
    unit_types: tuple[Id, ...] = ()


class MutualAssistance(Section):
    """Mutual assistance agreements (source 000).

    With ``pre_authorized``, deployments covered by ``agreements`` (every pair and type
    when none are listed) need no approval; anything else waits for case-by-case approval
    at the helping nation's national level, and may be refused.
    """

    pre_authorized: Flag = False
    agreements: tuple[Agreement, ...] = ()
    approval: DurationDistribution = Field(
        default=fixed("4h"), description="case-by-case national approval of a deployment"
    )
    refusal: Share = Field(default=0.0, description="chance a case-by-case request is refused")


class JointCentre(Section):
    """A joint coordination centre that sees all incidents and tasks any nation's units.

    (source 000 "coordinate and execute relief efforts"; 004 coordination between forces)
    """

    enabled: Flag = False
    place: Id | None = None


class JointTeams(Section):
    """Joint disaster response teams (source 000): units with ``joint = true`` exist only with it.

    They stand by at a joint base and deploy on either side without request or approval.
    """

    enabled: Flag = False


class BorderOperations(Section):
    """Coordinated border operations (source 004, 000): how crossings treat deployments."""

    enabled: Flag = False
    open_24h: Flag = True
    emergency_lane: Flag = Field(default=True, description="one more lane kept for deployments")
    fast_track: DurationDistribution = Field(
        default=fixed("10min"), description="processing of a deployment instead of the crossing's"
    )


class JointTraining(Section):
    """Joint training and doctrine alignment (source 000): a foreign unit's integration delay."""

    enabled: Flag = False
    untrained_integration: DurationDistribution = Field(
        default=fixed("2h"), description="briefing, procedures and equipment without joint training"
    )
    trained_integration: DurationDistribution = Field(
        default=fixed("20min"), description="the same after joint exercises"
    )


class LocalAuthorities(Section):
    """Local authorities and administrative leaders (source 004): village evacuation orders.

    A warning that reaches the EOC becomes a village evacuation order after a decision
    delay, shorter when local authorities are part of the coordination. People leave before
    the water if the order comes at least ``lead_needed`` before it; ``evacuated_share`` of
    them are then no longer stranded.
    """

    enabled: Flag = False
    order_delay: DurationDistribution = Field(
        default=fixed("6h"), description="warning to village order, without coordination"
    )
    coordinated_order_delay: DurationDistribution = Field(
        default=fixed("1h"), description="warning to village order, with it"
    )
    lead_needed: Duration = Field(default=120.0, validate_default=False)
    evacuated_share: Share = 0.8


class Coordination(Section):
    """[coordination]: the arrangements between nations, each a switch (MODEL.md)."""

    channels: Channels = Channels()
    military_comms: MilitaryComms = MilitaryComms()
    language: Language = Language()
    information_sharing: InformationSharing = InformationSharing()
    mutual_assistance: MutualAssistance = MutualAssistance()
    joint_centre: JointCentre = JointCentre()
    joint_teams: JointTeams = JointTeams()
    border_operations: BorderOperations = BorderOperations()
    joint_training: JointTraining = JointTraining()
    local_authorities: LocalAuthorities = LocalAuthorities()


class Scenario(Section):
    """A whole scenario file, validated."""

    scenario: ScenarioInfo
    run: RunSettings = RunSettings()
    nations: tuple[Nation, ...] = Field(min_length=1)
    places: tuple[Place, ...] = Field(min_length=1)
    roads: tuple[Road, ...] = ()
    crossings: tuple[Crossing, ...] = ()
    gauges: tuple[Gauge, ...] = ()
    needs: tuple[Need, ...] = Field(min_length=1)
    unit_types: tuple[UnitType, ...] = Field(min_length=1)
    units: tuple[UnitGroup, ...] = Field(min_length=1)
    injects: tuple[Inject, ...] = ()
    generators: tuple[IncidentGenerator, ...] = ()
    coordination: Coordination = Coordination()

    def offset_min(self, at: float | datetime) -> float:
        """Minutes after the scenario start of an ``Offset`` (a duration or a wall-clock time)."""
        if isinstance(at, datetime):
            return (at - self.scenario.start).total_seconds() / 60
        return at

    @property
    def duration_min(self) -> float:
        return self.scenario.duration

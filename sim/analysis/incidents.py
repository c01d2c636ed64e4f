"""One row per incident from a run's log: stage times, who responded, and where the time went.

The response time (on scene − occurred) is split along the chain of the first unit on
scene, so the parts add up exactly::

    detection + reporting + request + approval + waiting for a unit + mobilisation
    + no open route + grounded + travel + border

The waits for a route and for daylight, a grounding or a repair are read from the unit's
``no_route`` and ``waited`` records on its way; travel is what remains of the way.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sim import log
from sim.i18n import N_
from sim.log import JOINT, IncidentInfo, RunLog

STAGE_TIMES = (
    "occurred",
    "detected",
    "reported",
    "requested",
    "approved",
    "dispatched",
    "mobilised",
    "border_cleared",
    "on_scene",
    "integrated",
    "resolved",
)
"""Stage instants of an incident (MODEL.md), each in minutes from the scenario start."""

COMPONENTS = (
    "detection",
    "reporting",
    "request",
    "approval",
    "waiting_for_unit",
    "mobilisation",
    "no_route",
    "grounded",
    "travel",
    "border",
)
"""The parts the response time is split into, by cause."""

COMPONENT_NAMES = {
    "detection": N_("detection"),
    "reporting": N_("reporting"),
    "request": N_("request to a neighbour"),
    "approval": N_("approval"),
    "waiting_for_unit": N_("waiting for a free unit"),
    "mobilisation": N_("mobilisation"),
    "no_route": N_("no open route"),
    "grounded": N_("daylight, grounding or repair"),
    "travel": N_("travel"),
    "border": N_("border crossing"),
}
"""A planner's name for each part."""

COMPONENT_MEANINGS = {
    "detection": N_("from the moment the need arose until someone noticed it"),
    "reporting": N_("from noticing it until the report reached the EOC responsible for the place"),
    "request": N_(
        "from the report until the request for help reached the neighbour's EOC "
        "(only where a neighbour's unit came first; zero otherwise)"
    ),
    "approval": N_("from the request reaching the neighbour until it approved the deployment"),
    "waiting_for_unit": N_(
        "from the report (or the approval) until a unit was sent: every "
        "unit able to come was busy, or none could reach the place"
    ),
    "mobilisation": N_("from being sent until the unit left its base (crew called in, loaded)"),
    "no_route": N_(
        "on the way, waiting because every road to the place was closed "
        "(flooded, burning or closed by an inject)"
    ),
    "grounded": N_(
        "on the way, an aircraft waiting for daylight or for a grounding to lift, "
        "or a unit waiting for a repair"
    ),
    "travel": N_("driving, sailing or flying"),
    "border": N_("at border posts: the queue for a lane, opening hours, closures and processing"),
}
"""Each part in plain words, as the report defines it."""

NAN = math.nan

STATUSES = {
    "resolved": N_("resolved"),
    "ended": N_("ended"),
    "on scene": N_("on scene"),
    "en route": N_("en route"),
    "not sent": N_("not sent"),
}
"""The statuses of an incident at the end (``IncidentRow.status``), for translation."""

UNSERVED = ("en route", "not sent")
"""The statuses that count as unserved: nobody came, and the need went on to the end."""


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One incident of a run as every table tells it (incidents.csv, ``incident_frame``,
    ``Replications.incidents``, the report), built once from the run's log by
    ``incident_rows``. What each value means is said once, in ``COLUMNS`` (``units`` is
    the column ``units_sent``)."""

    info: IncidentInfo
    at: Mapping[str, float]
    """Its stage instants (``STAGE_TIMES``), minutes from the start; NaN: did not happen."""
    parts: Mapping[str, float]
    """The response time's split (``COMPONENTS``), minutes; NaN when nobody came."""
    units: tuple[str, ...]
    unit_nations: tuple[str, ...]
    first_unit: str
    first_nation: str
    carried: int
    due: bool
    """Whether its target time had come by the end (else it cannot count as missed)."""
    horizon_min: float
    """The run's length: an incident nobody reached waited until then at most."""

    @property
    def response_min(self) -> float:
        """On scene − occurred (NaN when nobody arrived)."""
        return self.at["on_scene"] - self.at["occurred"]

    @property
    def response_from_report_min(self) -> float:
        """On scene − reported: the responders' own clock."""
        return self.at["on_scene"] - self.at["reported"]

    @property
    def served(self) -> bool:
        return not math.isnan(self.at["on_scene"])

    @property
    def within_target(self) -> bool:
        return self.served and self.response_min <= self.info.target_min

    @property
    def waited_min(self) -> float:
        """The response time; for an incident no unit reached, the wait until it ended
        (a fire burnt out) or until the end of the exercise."""
        if self.served:
            return self.response_min
        ended = self.at["resolved"]
        return (self.horizon_min if math.isnan(ended) else ended) - self.at["occurred"]

    @property
    def counted(self) -> bool:
        """Whether it counts for the share within target: met, or its target time came."""
        return self.within_target or self.due

    @property
    def weight(self) -> int:
        """What its waiting counts for: its people, and at least one (a fire)."""
        return max(1, self.info.people)

    @property
    def late_person_hours(self) -> float:
        """People × hours waited beyond the target (0 when met or not yet due)."""
        if not self.counted:
            return 0.0
        return self.weight * max(0.0, self.waited_min - self.info.target_min) / 60

    @property
    def status(self) -> str:
        """resolved (help came and finished), ended (the need ended before any unit came,
        e.g. a fire that burnt out), on scene (work going on at the end), en route (units
        sent, none arrived) or not sent (no unit sent)."""
        if not math.isnan(self.at["resolved"]):
            return "resolved" if self.served else "ended"
        if self.served:
            return "on scene"
        return "en route" if self.units else "not sent"

    @property
    def unserved(self) -> bool:
        """No unit reached it and its need had not ended by the end (en route or not sent)."""
        return self.status in UNSERVED

    @property
    def foreign_help(self) -> bool:
        """Whether a unit of another nation was sent (a joint team is not another nation)."""
        return any(n not in (self.info.nation, JOINT) for n in self.unit_nations)

    @property
    def neighbour_first(self) -> bool:
        """Whether the first unit on scene came from another nation (not a joint team)."""
        return self.first_nation not in ("", self.info.nation, JOINT)

    @property
    def integration_min(self) -> float:
        """Integrated − on scene, for a foreign first unit (NaN otherwise)."""
        return self.at["integrated"] - self.at["on_scene"]


class Column(NamedTuple):
    """A column of the incident tables: what it means, and its value in a record."""

    meaning: str
    value: Callable[[IncidentRow], object]


STAGE_MEANINGS = {
    "occurred": "the need arose",
    "detected": "someone noticed it",
    "reported": "the report reached the EOC responsible for the place",
    "requested": "a request for help reached a neighbour's EOC",
    "approved": "the neighbour approved the deployment",
    "dispatched": "the responding unit (the first on scene, else the first sent) was sent",
    "mobilised": "that unit left its base",
    "border_cleared": "that unit cleared the border post",
    "on_scene": "the first unit arrived",
    "integrated": "that unit was working with those already there",
    "resolved": "the need ended (help finished, or it ended on its own)",
}
"""What each stage instant of an incident is (``STAGE_TIMES``)."""


def _stage(stage: str) -> Column:
    return Column(f"when {STAGE_MEANINGS[stage]}, minutes from the start", lambda r: r.at[stage])


def _part(part: str) -> Column:
    return Column(f"{COMPONENT_MEANINGS[part]}, minutes", lambda r: r.parts[part])


COLUMNS: dict[str, Column] = {
    "incident": Column("the incident's number in the run", lambda r: r.info.id),
    "place": Column("the place's id", lambda r: r.info.place),
    "place_name": Column("the place's name", lambda r: r.info.place_name),
    "nation": Column("the nation the place is in (code)", lambda r: r.info.nation),
    "need": Column("the kind of need (e.g. rescue)", lambda r: r.info.need),
    "people": Column("people in need", lambda r: r.info.people),
    "priority": Column("priority (1 is the most urgent)", lambda r: r.info.priority),
    "target_min": Column("target response time, minutes", lambda r: r.info.target_min),
    "source": Column(
        "what raised it: an inject (inject N), a flood at a gauge, the wildfire, or a "
        "background generator (generator N)",
        lambda r: r.info.source,
    ),
    "status": Column(
        "resolved, ended (the need ended before help came), on scene, en route or "
        "not sent, at the end of the run",
        lambda r: r.status,
    ),
    "within_target": Column(
        "whether the first unit came within the target time", lambda r: r.within_target
    ),
    "carried": Column("people carried to safety by the end", lambda r: r.carried),
    "response_min": Column(
        "occurred to first unit on scene, minutes (NaN: nobody came)", lambda r: r.response_min
    ),
    "response_from_report_min": Column(
        "reported to first unit on scene, minutes: the responders' own clock (NaN: nobody came)",
        lambda r: r.response_from_report_min,
    ),
    "waited_min": Column(
        "the response time, or for an incident nobody reached the wait until it "
        "ended or until the end of the run, minutes",
        lambda r: r.waited_min,
    ),
    **{f"{s}_at_min": _stage(s) for s in STAGE_TIMES},
    **{f"{part}_min": _part(part) for part in COMPONENTS},
    "units_sent": Column(
        "the units sent, in order of dispatch (ids; separated by commas in a frame, by "
        "semicolons in incidents.csv)",
        lambda r: r.units,
    ),
    "unit_nations": Column(
        "their nations, in the same order (codes, separated like the units)",
        lambda r: r.unit_nations,
    ),
    "first_unit": Column(
        "the first unit on scene (id; empty when nobody came)", lambda r: r.first_unit
    ),
    "first_nation": Column("that unit's nation (JOINT for a joint team)", lambda r: r.first_nation),
    "foreign_help": Column("whether a unit of another nation was sent", lambda r: r.foreign_help),
}
"""Every column of the incident tables (incidents.csv, ``incident_frame``,
``Replications.incidents``), each table taking those it shows; the ``*_min`` parts add up
to ``response_min``."""


def incident_rows(run: RunLog) -> list[IncidentRow]:
    """Every incident of a run, built once from its log: stage times, the response-time
    split, who was sent and who came first."""
    infos = run.incidents
    at = [dict.fromkeys(STAGE_TIMES, NAN) for _ in infos]
    carried = [0] * len(infos)
    units: list[list[str]] = [[] for _ in infos]
    unit_nation = {u.id: u.nation for u in run.units}
    per_unit: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    border_min: dict[tuple[int, str], float] = defaultdict(float)
    arrived: dict[tuple[int, str], float] = {}
    waits = unit_waits(run)
    for t, event, incident, unit, detail in run.events:
        if incident < 0 or event in log.DECISION_EVENTS:
            continue
        if event == log.TRIP:
            carried[incident] += int(detail)
        if not unit:
            stages = at[incident]
            if math.isnan(stages.get(event, 0.0)):
                stages[event] = t
            continue
        key = (incident, unit)
        if event in (log.NO_ROUTE, log.WAITED):
            continue
        if event == log.BORDER_ARRIVED:
            arrived[key] = t
        elif event == log.BORDER_CLEARED:
            border_min[key] += t - arrived.pop(key)
            per_unit[key].setdefault(event, t)
        else:
            per_unit[key].setdefault(event, t)
            if event == log.DISPATCHED and unit not in units[incident]:
                units[incident].append(unit)

    first: dict[int, tuple[float, str]] = {}
    for (incident, unit), times in per_unit.items():
        # an arrival after the need has ended is no response
        if log.ON_SCENE in times and not times[log.ON_SCENE] > at[incident]["resolved"]:
            candidate = (times[log.ON_SCENE], unit)
            if incident not in first or candidate < first[incident]:
                first[incident] = candidate
    rows = []
    for info, stages, sent in zip(infos, at, units, strict=True):
        incident = info.id
        parts = dict.fromkeys(COMPONENTS, NAN)
        first_unit = first[incident][1] if incident in first else ""
        unit = first_unit or (sent[0] if sent else "")
        if unit:
            times = per_unit[(incident, unit)]
            for stage in ("dispatched", "mobilised", "border_cleared", "on_scene", "integrated"):
                stages[stage] = times.get(stage, NAN)
            if not first_unit:  # no arrival before the need ended: nobody came in time
                stages["on_scene"] = stages["integrated"] = NAN
            else:
                parts = _split(
                    stages,
                    foreign=unit_nation[unit] not in (info.nation, JOINT),
                    border=border_min.get((incident, unit), 0.0),
                    waits=waits.get((incident, unit), []),
                )
        rows.append(
            IncidentRow(
                info,
                at=stages,
                parts=parts,
                units=tuple(sent),
                unit_nations=tuple(unit_nation[u] for u in sent),
                first_unit=first_unit,
                first_nation=unit_nation[first_unit] if first_unit else "",
                carried=carried[incident],
                due=stages["occurred"] + info.target_min <= run.horizon_min,
                horizon_min=run.horizon_min,
            )
        )
    return rows


def unit_waits(run: RunLog) -> dict[tuple[int, str], list[tuple[float, str, float]]]:
    """Each unit's waits on its way: (incident, unit) -> [(start, cause, minutes)].

    Causes: ``no_route`` (a ``no_route`` event: no open road), ``grounded`` (a ``waited``
    event: daylight, a grounding or a repair). A wait ends when it was due to, or at the
    unit's next event (a new task, a stand-down, a way reopening), or at the end.
    """
    waits: dict[tuple[int, str], list[tuple[float, str, float]]] = defaultdict(list)
    open_wait: dict[str, tuple[float, str, float, int]] = {}

    def close(unit: str, t: float) -> None:
        start, cause, due, incident = open_wait.pop(unit)
        waits[(incident, unit)].append((start, cause, min(t, due) - start))

    for r in run.records():
        if not r.unit or isinstance(r, log.Decision):
            continue
        t, unit = r.time_min, r.unit
        if unit in open_wait:
            close(unit, t)
        if r.event == log.NO_ROUTE:
            open_wait[unit] = (t, "no_route", math.inf, r.incident)
        elif isinstance(r, log.Wait):
            open_wait[unit] = (t, "grounded", t + r.minutes, r.incident)
    for unit in list(open_wait):
        close(unit, run.horizon_min)
    return waits


def _split(
    at: Mapping[str, float], foreign: bool, border: float, waits: list[tuple[float, str, float]]
) -> dict[str, float]:
    """The response time of an incident reached, split along its first unit's chain."""
    parts = {
        "detection": at["detected"] - at["occurred"],
        "reporting": at["reported"] - at["detected"],
    }
    tasked_from = at["reported"]
    if foreign:
        parts["request"] = at["requested"] - at["reported"]
        parts["approval"] = at["approved"] - at["requested"]
        tasked_from = at["approved"]
    else:
        parts["request"] = parts["approval"] = 0.0
    parts["waiting_for_unit"] = at["dispatched"] - tasked_from
    parts["mobilisation"] = at["mobilised"] - at["dispatched"]
    on_the_way = {"no_route": 0.0, "grounded": 0.0}
    for t, cause, minutes in waits:
        if at["mobilised"] <= t < at["on_scene"]:
            on_the_way[cause] += min(minutes, at["on_scene"] - t)
    parts.update(on_the_way)
    parts["travel"] = at["on_scene"] - at["mobilised"] - border - sum(on_the_way.values())
    parts["border"] = border
    return {part: parts[part] for part in COMPONENTS}

"""The run's tables as CSV: one row per incident, and the event log."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sim.analysis.incidents import COMPONENTS, STAGE_TIMES, IncidentRow
from sim.log import EVENT_FIELDS, RunLog
from sim.report.csv_cells import csv_text


def _number(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.2f}"


def _clock(start: datetime, minutes: float) -> str:
    return (
        ""
        if math.isnan(minutes)
        else (start + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
    )


INCIDENT_COLUMNS = (
    "incident",
    "place",
    "place_name",
    "nation",
    "need",
    "priority",
    "people",
    "source",
    "status",
    *(f"{s}_min" for s in STAGE_TIMES),
    "occurred_clock",
    "on_scene_clock",
    "response_min",
    "response_from_report_min",
    "target_min",
    "within_target",
    *(f"{c}_min" for c in COMPONENTS),
    "first_unit",
    "units",
    "unit_nations",
)


def incidents_csv(run: RunLog, rows: list[IncidentRow]) -> str:
    """incidents.csv: stage times (minutes from start), response time, its split, responders."""
    start = datetime.fromisoformat(run.start)
    return csv_text(INCIDENT_COLUMNS, (_incident_cells(start, r) for r in rows))


def _incident_cells(start: datetime, r: IncidentRow) -> list[object]:
    i = r.info
    return [
        i.id,
        i.place,
        i.place_name,
        i.nation,
        i.need,
        i.priority,
        i.people,
        i.source,
        r.status,
        *(_number(r.at[s]) for s in STAGE_TIMES),
        _clock(start, r.at["occurred"]),
        _clock(start, r.at["on_scene"]),
        _number(r.response_min),
        _number(r.response_from_report_min),
        f"{i.target_min:g}",
        "yes" if r.within_target else "no",
        *(_number(r.parts[c]) for c in COMPONENTS),
        r.first_unit,
        ";".join(r.units),
        ";".join(r.unit_nations),
    ]


def events_csv(run: RunLog) -> str:
    """events.csv: the event log, with the wall-clock time beside scenario minutes."""
    start = datetime.fromisoformat(run.start)
    return csv_text(
        [EVENT_FIELDS[0], "clock", *EVENT_FIELDS[1:]],
        (
            [f"{t:.2f}", _clock(start, t), event, "" if incident < 0 else incident, unit, detail]
            for t, event, incident, unit, detail in run.events
        ),
    )

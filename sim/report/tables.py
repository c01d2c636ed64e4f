"""The run's tables as CSV: one row per incident, and the event log."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sim.analysis.incidents import COLUMNS, COMPONENTS, STAGE_MEANINGS, STAGE_TIMES, IncidentRow
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
    *(f"{s}_at_min" for s in STAGE_TIMES),
    "occurred_clock",
    "on_scene_clock",
    "response_min",
    "response_from_report_min",
    "target_min",
    "within_target",
    *(f"{c}_min" for c in COMPONENTS),
    "first_unit",
    "units_sent",
    "unit_nations",
)
"""The columns of incidents.csv (``sim.analysis.incidents.COLUMNS`` says what each means),
with two clock columns: an instant's date and time."""

CLOCKS = {"occurred_clock": "occurred", "on_scene_clock": "on_scene"}
"""The clock columns, and the stage whose instant each writes as a date and time."""

HEADERS = {f"{s}_at_min": f"{s}_min" for s in STAGE_TIMES} | {"units_sent": "units"}
"""incidents.csv's own headers for some columns (as its readers have known them)."""

INCIDENT_CSV_MEANINGS = {
    HEADERS.get(name, name): (
        f"when {STAGE_MEANINGS[CLOCKS[name]]}, date and time at the scenario's start's offset"
        if name in CLOCKS
        else COLUMNS[name].meaning
    )
    for name in INCIDENT_COLUMNS
}
"""incidents.csv's headers and what each means (yes or no for a question, nothing where a
time did not happen)."""


def incidents_csv(run: RunLog, rows: list[IncidentRow]) -> str:
    """incidents.csv: stage times (minutes from start), response time, its split, responders."""
    start = datetime.fromisoformat(run.start)
    return csv_text(
        [HEADERS.get(name, name) for name in INCIDENT_COLUMNS],
        ([_cell(start, name, r) for name in INCIDENT_COLUMNS] for r in rows),
    )


def _cell(start: datetime, name: str, r: IncidentRow) -> object:
    """A column's value as incidents.csv writes it."""
    if name in CLOCKS:
        return _clock(start, r.at[CLOCKS[name]])
    value = COLUMNS[name].value(r)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, float):
        return f"{value:g}" if name == "target_min" else _number(value)
    return value


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

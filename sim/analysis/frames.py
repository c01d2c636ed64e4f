"""One run as pandas DataFrames: its incidents, units, decisions and waits.

Times are minutes: instants (``*_at_min``, ``time_min``, ``start_min``) count from the
scenario's start, durations (other ``*_min``) are lengths. NaN means "did not happen"
(an incident nobody reached has no ``on_scene_at_min``). Each frame's columns are listed,
with their meaning, in the mapping of the same name in upper case (``INCIDENT_COLUMNS``
...), which is also the frame's column order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import log
from sim.analysis.activity import STATES, time_in_states, unit_activity
from sim.analysis.decisions import decision_rows
from sim.analysis.incidents import COLUMNS, COMPONENTS, STAGE_TIMES, incident_rows
from sim.analysis.incidents import unit_waits as unit_waits_on_the_way
from sim.analysis.summary import unit_utilisation
from sim.log import RunLog

if TYPE_CHECKING:
    import pandas as pd

INCIDENT_COLUMNS: dict[str, str] = {
    name: COLUMNS[name].meaning
    for name in (
        "incident",
        "place",
        "place_name",
        "nation",
        "need",
        "people",
        "priority",
        "target_min",
        "status",
        "within_target",
        "carried",
        "response_min",
        "waited_min",
        *(f"{s}_at_min" for s in STAGE_TIMES),
        *(f"{part}_min" for part in COMPONENTS),
        "units_sent",
        "first_unit",
        "first_nation",
        "foreign_help",
    )
}
"""Columns of ``incident_frame`` (``sim.analysis.incidents.COLUMNS``); a list of units is
one comma-separated text; the ``*_min`` parts add up to ``response_min``."""

UNIT_COLUMNS: dict[str, str] = {
    "unit": "the unit's id",
    "nation": "its nation (code)",
    "agency": "its agency",
    "type": "its unit type",
    "mode": "how it moves: road, water or air",
    "base": "the place it is based at (id)",
    "tasks": "times it was dispatched",
    "tasked_min": "minutes from dispatch until released or stood down, summed",
    "utilisation": "tasked_min over the run's length (0 to 1)",
    **{f"{state.replace(' ', '_')}_min": f"minutes spent {state}" for state in STATES},
}
"""Columns of ``unit_frame``; the state minutes add up to the run's length."""

DECISION_COLUMNS: dict[str, str] = {
    "time_min": "when it was taken, minutes from the start",
    "incident": "the incident it is about (-1: none, e.g. an evacuation order)",
    "seat": "who decided: a nation's code, JCC, or the unit's commander",
    "kind": "what was decided (ask, approve, hold, ...)",
    "choice": "the choice made",
    "reason": "why (doctrine's rule, or that players took it)",
    "options": "the choices there were, comma-separated",
    "subject": "the incident's key, or the place of an evacuation order",
}
"""Columns of ``decision_frame``."""

WAIT_COLUMNS: dict[str, str] = {
    "unit": "the unit that waited",
    "incident": "the incident it was going to (-1: on its way home)",
    "cause": "no_route (every road closed), grounded (daylight, a grounding or a repair) or "
    "border (at a border post: queue, opening hours, processing)",
    "crossing": "the border crossing, for a border wait (else empty)",
    "start_min": "when the wait began, minutes from the start",
    "minutes": "how long it lasted, minutes (until the end of the run if it never ended)",
}
"""Columns of ``wait_frame``: every wait of a unit on its way, one a row."""


def incident_frame(run: RunLog) -> pd.DataFrame:
    """One row per incident of a run (``INCIDENT_COLUMNS``)."""
    import pandas as pd

    columns = [COLUMNS[name].value for name in INCIDENT_COLUMNS]
    rows = [[_cell(value(r)) for value in columns] for r in incident_rows(run)]
    return pd.DataFrame(rows, columns=list(INCIDENT_COLUMNS))


def _cell(value: object) -> object:
    """A frame's cell: a list of ids is one comma-separated text."""
    return ",".join(value) if isinstance(value, tuple) else value


def unit_frame(run: RunLog) -> pd.DataFrame:
    """One row per unit of a run (``UNIT_COLUMNS``)."""
    import pandas as pd

    activity = unit_activity(run)
    info = {u.id: u for u in run.units}
    rows = []
    for used in unit_utilisation(run):
        u = info[used["unit"]]
        states = time_in_states(activity[u.id])
        rows.append(
            [
                u.id,
                u.nation,
                u.agency,
                u.type,
                u.mode,
                u.base,
                used["tasks"],
                used["tasked_min"],
                used["utilisation"],
                *(states[s] for s in STATES),
            ]
        )
    return pd.DataFrame(rows, columns=list(UNIT_COLUMNS))


def decision_frame(run: RunLog) -> pd.DataFrame:
    """One row per decision of a run, in time order (``DECISION_COLUMNS``)."""
    import pandas as pd

    rows = []
    for d in decision_rows(run):
        options = ",".join(map(str, d.options))
        rows.append(
            (d.time_min, d.incident, d.seat, d.kind, d.choice, d.reason, options, d.subject)
        )
    return pd.DataFrame(rows, columns=list(DECISION_COLUMNS))


def wait_frame(run: RunLog) -> pd.DataFrame:
    """Every wait of a unit on its way (``WAIT_COLUMNS``), in time order: for a road, for
    daylight or a repair, and at border posts."""
    import pandas as pd

    rows = [
        [unit, incident, cause, "", start, minutes]
        for (incident, unit), waits in unit_waits_on_the_way(run).items()
        for start, cause, minutes in waits
    ]
    arrived: dict[tuple[int, str, str], float] = {}
    for t, event, incident, unit, crossing in run.events:
        if event == log.BORDER_ARRIVED:
            arrived[(incident, unit, crossing)] = t
        elif event == log.BORDER_CLEARED and (incident, unit, crossing) in arrived:
            start = arrived.pop((incident, unit, crossing))
            rows.append([unit, incident, "border", crossing, start, t - start])
    for (incident, unit, crossing), start in arrived.items():
        rows.append([unit, incident, "border", crossing, start, run.horizon_min - start])
    frame = pd.DataFrame(rows, columns=list(WAIT_COLUMNS))
    return frame.sort_values(["start_min", "unit"], kind="stable").reset_index(drop=True)

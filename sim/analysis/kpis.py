"""Key figures of one replication, flat, for statistics across replications.

Response times here count every incident whose target time came before the end; one that
no unit reached counts as waiting until the end (a lower bound). So a variant that
reaches more incidents, however late, never looks slower for it, and variants compare
fairly. (The single-run summary's ``response_min`` covers the incidents reached.)
"""

from __future__ import annotations

import math
from typing import Any

from sim.analysis.incidents import COMPONENTS, IncidentRow
from sim.analysis.summary import summarise
from sim.log import RunLog

NAN = math.nan

HEADLINE = (
    "response_median_min",
    "response_p90_min",
    "response_mean_min",
    "within_target",
    "unserved",
    "people_waiting_at_end",
    "utilisation_mean",
)
"""The figures a planner reads first; experiments rank and plot these."""

FALLBACKS = "decision_fallbacks"
"""Key figure of a replayed session: the players' decisions that did not apply."""
MEASURED = ("response_median_min", "within_target", "unserved")
"""The key figures a players' decision's consequence is measured on (``sim.experiment.debrief``)."""

KPIS: dict[str, str] = {
    "incidents": "incidents in the run (count)",
    "response_median_min": "median wait for help, minutes: occurred to first unit on scene, "
    "an incident no unit reached counting until the end (a lower bound)",
    "response_p90_min": "90th percentile of that wait, minutes",
    "response_mean_min": "mean of that wait, minutes",
    "response_from_report_median_min": "median time from the report to the first unit on "
    "scene, minutes, over the incidents reached",
    "within_target": "share of the incidents due by the end reached within their target "
    "time (0 to 1)",
    "unserved": "incidents no unit had reached, their need still on at the end (count)",
    "people_waiting_at_end": "people not yet carried to safety at the end (count)",
    "utilisation_mean": "mean share of the exercise the units were tasked (0 to 1)",
    **{
        f"stage_{part}_mean_min": f"mean {part.replace('_', ' ')} part of the response time, "
        "minutes, over the incidents reached (see sim.analysis.incidents.COMPONENTS)"
        for part in COMPONENTS
    },
    FALLBACKS: "the players' decisions that did not apply and fell back to doctrine "
    "(count; only in a variant replaying a played session, 0 beside it)",
}
"""Every key figure of a replication by name, with its meaning and unit."""

GROUPED: dict[str, str] = {
    "by_nation.<nation>.response_median_min": "median wait for help at the incidents of one "
    "nation (its code, e.g. LA), minutes",
    "by_nation.<nation>.within_target": "share within target at one nation's incidents",
    "by_need.<need>.response_median_min": "median wait for help at the incidents of one "
    "need (e.g. rescue), minutes",
    "by_need.<need>.within_target": "share within target at the incidents of one need",
    "by_nation.<nation>.late_person_hours": "person-hours waited beyond target at one "
    "nation's incidents: people (at least one an incident) times hours late",
    "by_need.<need>.late_person_hours": "person-hours waited beyond target at the incidents "
    "of one need: people (at least one an incident) times hours late",
}
"""Key figures by nation and by need: present for the nations and needs that had incidents."""


class UnknownKpi(ValueError):
    """A key figure name that the results do not have; the message lists those they have."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(
            f"no key figure {name!r}: the results have {', '.join(known)} "
            "(sim.analysis.kpis.KPIS says what each means)"
        )


def _number(value: Any) -> float:
    return NAN if value is None else float(value)


def replication_kpis(run: RunLog, rows: list[IncidentRow] | None = None) -> dict[str, float]:
    """The key figures of one run (``rows``: its incidents, when already built), by name
    (NaN where a figure is undefined)."""
    summary = summarise(run, rows)
    overall = summary["overall"]
    kpis = {
        "incidents": float(overall["incidents"]),
        "response_median_min": _number(overall["waited_min"]["median"]),
        "response_p90_min": _number(overall["waited_min"]["p90"]),
        "response_mean_min": _number(overall["waited_min"]["mean"]),
        "response_from_report_median_min": _number(overall["response_from_report_min"]["median"]),
        "within_target": _number(overall["within_target"]),
        "unserved": float(overall["unserved"]),
        "people_waiting_at_end": float(overall["people_waiting_at_end"]),
        "utilisation_mean": _number(summary["utilisation"]["mean"]),
    }
    for part in COMPONENTS:
        kpis[f"stage_{part}_mean_min"] = _number(overall["stages_mean_min"][part])
    for group in ("by_nation", "by_need"):
        for key, g in summary[group].items():
            kpis[f"{group}.{key}.response_median_min"] = _number(g["waited_min"]["median"])
            kpis[f"{group}.{key}.within_target"] = _number(g["within_target"])
            kpis[f"{group}.{key}.late_person_hours"] = float(g["late_person_hours"])
    return kpis

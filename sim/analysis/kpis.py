"""Key figures of one replication, flat, for statistics across replications.

Response times here count every incident whose target time came before the end; one that
no unit reached counts as waiting until the end (a lower bound). So a variant that
reaches more incidents, however late, never looks slower for it, and variants compare
fairly. (The single-run summary's ``response_min`` covers the incidents reached.)
"""

from __future__ import annotations

import math
from typing import Any

from sim.analysis.incidents import COMPONENTS, incident_rows
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


def _number(value: Any) -> float:
    return NAN if value is None else float(value)


def replication_kpis(run: RunLog) -> dict[str, float]:
    """The key figures of one run, by name (NaN where a figure is undefined)."""
    summary = summarise(run, incident_rows(run))
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
    return kpis

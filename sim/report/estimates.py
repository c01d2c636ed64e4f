"""How key figures and their confidence intervals are labelled and written for planners."""

from __future__ import annotations

from typing import Any

from sim.scenario import format_duration

LABELS = {
    "response_median_min": "median wait for help",
    "response_p90_min": "90th percentile wait for help",
    "response_mean_min": "mean wait for help",
    "response_from_report_median_min": "median response from the report",
    "within_target": "share of incidents within target",
    "unserved": "incidents unserved at the end",
    "people_waiting_at_end": "people still waiting at the end",
    "utilisation_mean": "mean unit utilisation",
    "incidents": "incidents",
}
"""The key figures a report shows, in order, with their labels.

Across replications the response figures are the *wait for help*: the response time, or
for an incident no unit reached, the wait until it ended or the exercise did.
"""


MECHANISM_NAMES: dict[str, str] = {
    "channels": "communication channels and protocols (hotlines)",
    "military_comms": "military communications",
    "language": "language: interpreters",
    "information_sharing": "information and intelligence sharing",
    "mutual_assistance": "mutual assistance: deployments pre-authorised",
    "joint_centre": "a joint coordination centre",
    "joint_teams": "joint disaster response teams",
    "border_operations": "coordinated border operations",
    "joint_training": "joint training and doctrine",
    "local_authorities": "local authorities order evacuations",
}
"""A planner's name for each mechanism (the arrangement an improvement plan would change)."""


def label(kpi: str, names: dict[str, str] | None = None) -> str:
    """A planner's name for a key figure; ``names`` names the nation or need of a figure
    by nation or by need (its code or id otherwise)."""
    if kpi in LABELS:
        return LABELS[kpi]
    if kpi.startswith("stage_"):
        return f"mean {kpi.removeprefix('stage_').removesuffix('_mean_min')} stage"
    group, key, name = kpi.split(".", 2) if kpi.count(".") >= 2 else ("", "", kpi)
    return f"{LABELS.get(name, name)}, {(names or {}).get(key, key)}" if group else kpi


def value(kpi: str, number: float | None, *, difference: bool = False) -> str:
    """A value of a key figure written in its unit (durations, shares, counts)."""
    if number is None:
        return "—"
    shown = round(number) if kpi.endswith("_min") else round(number, 3)
    sign = "+" if difference and shown > 0 else ("−" if difference and shown < 0 else "")
    size = abs(number) if difference else number
    if kpi.endswith("_min"):
        return sign + format_duration(size)
    if kpi.endswith(("within_target", "utilisation_mean")):
        return f"{sign}{size * 100:.1f} %" if not difference else f"{sign}{size * 100:.1f} points"
    return f"{sign}{size:.1f}"


def with_ci(
    kpi: str, estimate: dict[str, Any], *, difference: bool = False, replications: int = 0
) -> str:
    """'3h 05min (95 % CI 2h 52min to 3h 20min)', with n when fewer than ``replications``."""
    shown = value(kpi, estimate["mean"], difference=difference)
    fewer = f", n = {estimate['n']}" if estimate["n"] < replications else ""
    if estimate["ci_low"] is None:
        return shown + (f" (n = {estimate['n']})" if fewer else "")
    low = value(kpi, estimate["ci_low"], difference=difference)
    high = value(kpi, estimate["ci_high"], difference=difference)
    return f"{shown} (95 % CI {low} to {high}{fewer})"

"""How key figures and their confidence intervals are labelled and written for planners."""

from __future__ import annotations

from typing import Any

from sim.i18n import N_, Translator, translator

LABELS = {
    "response_median_min": N_("median wait for help"),
    "response_p90_min": N_("90th percentile wait for help"),
    "response_mean_min": N_("mean wait for help"),
    "response_from_report_median_min": N_("median response from the report"),
    "within_target": N_("share of incidents within target"),
    "unserved": N_("incidents unserved at the end"),
    "people_waiting_at_end": N_("people still waiting at the end"),
    "utilisation_mean": N_("mean unit utilisation"),
    "incidents": N_("incidents"),
}
"""The key figures a report shows, in order, with their labels.

Across replications the response figures are the *wait for help*: the response time, or
for an incident no unit reached, the wait until it ended or the exercise did.
"""


MECHANISM_NAMES: dict[str, str] = {
    "channels": N_("communication channels and protocols (hotlines)"),
    "military_comms": N_("military communications"),
    "language": N_("language: interpreters"),
    "information_sharing": N_("information and intelligence sharing"),
    "mutual_assistance": N_("mutual assistance: deployments pre-authorised"),
    "joint_centre": N_("a joint coordination centre"),
    "joint_teams": N_("joint disaster response teams"),
    "border_operations": N_("coordinated border operations"),
    "joint_training": N_("joint training and doctrine"),
    "local_authorities": N_("local authorities order evacuations"),
}
"""A planner's name for each mechanism (the arrangement an improvement plan would change)."""


def label(kpi: str, names: dict[str, str] | None = None, t: Translator | None = None) -> str:
    """A planner's name for a key figure, in the reader's language; ``names`` names the
    nation or need of a figure by nation or by need (its code or id otherwise)."""
    t = t or translator()
    if kpi in LABELS:
        return t(LABELS[kpi])
    if kpi.startswith("stage_"):
        return f"mean {kpi.removeprefix('stage_').removesuffix('_mean_min')} stage"
    group, key, name = kpi.split(".", 2) if kpi.count(".") >= 2 else ("", "", kpi)
    if not group:
        return kpi
    shown = t(LABELS[name]) if name in LABELS else name
    return f"{shown}, {(names or {}).get(key, key)}"


def value(
    kpi: str, number: float | None, *, difference: bool = False, t: Translator | None = None
) -> str:
    """A value of a key figure written in its unit (durations, shares, counts), in the
    reader's language."""
    t = t or translator()
    if number is None:
        return "—"
    shown = round(number) if kpi.endswith("_min") else round(number, 3)
    sign = "+" if difference and shown > 0 else ("−" if difference and shown < 0 else "")
    size = abs(number) if difference else number
    if kpi.endswith("_min"):
        return sign + t.duration(size)
    if kpi.endswith(("within_target", "utilisation_mean")):
        share = t.number(size * 100, 1)
        if difference:
            return sign + t("%(share)s points", share=share)
        return f"{share} %"
    return sign + t.number(size, 1)


def with_ci(
    kpi: str,
    estimate: dict[str, Any],
    *,
    difference: bool = False,
    replications: int = 0,
    t: Translator | None = None,
) -> str:
    """'3h 05min (95 % CI 2h 52min to 3h 20min)', with n when fewer than ``replications``,
    in the reader's language."""
    t = t or translator()
    shown = value(kpi, estimate["mean"], difference=difference, t=t)
    n = t.number(estimate["n"])
    fewer = f", n = {n}" if estimate["n"] < replications else ""
    if estimate["ci_low"] is None:
        return shown + (f" (n = {n})" if fewer else "")
    return t(
        "%(value)s (95 %(percent)s CI %(low)s to %(high)s%(fewer)s)",
        value=shown,
        percent="%",
        low=value(kpi, estimate["ci_low"], difference=difference, t=t),
        high=value(kpi, estimate["ci_high"], difference=difference, t=t),
        fewer=fewer,
    )

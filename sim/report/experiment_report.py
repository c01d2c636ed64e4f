"""The folder of a compare, assess or sweep experiment: figures, differences, report."""

from __future__ import annotations

import base64
import json
from typing import Any

from sim.analysis.replications import Replications
from sim.analysis.stats import Estimate
from sim.report import figures
from sim.report.csv_cells import frame_csv
from sim.report.estimates import LABELS, MECHANISM_NAMES, label, with_ci
from sim.report.html import environment
from sim.scenario import Scenario

HEADLINE = ("response_median_min", "response_p90_min")
"""The key figures experiments rank by."""

TITLES = {
    "compare": "Comparison of variants",
    "assess": "Which coordination arrangement matters most",
    "sweep": "Parameter sweep",
}


def _estimate(d: dict[str, Any]) -> Estimate:
    nan = float("nan")
    return Estimate(
        d["mean"] if d["mean"] is not None else nan,
        d["ci_low"] if d["ci_low"] is not None else nan,
        d["ci_high"] if d["ci_high"] is not None else nan,
        d["n"],
    )


MAX_CHANGES_SHOWN = 12


def headline_kpi(differences: dict[str, dict[str, Any]]) -> str:
    """The key figure to rank and headline by: of ``HEADLINE``, the one on which the most
    variants show a clear effect (95 % CI clear of zero); the median on a tie.

    ``differences``: variant -> key figure -> its paired difference from the baseline.
    """

    def clear(kpi: str) -> int:
        return sum(kpi in d and not _estimate(d[kpi]).spans_zero for d in differences.values())

    return max(HEADLINE, key=lambda kpi: (clear(kpi), -HEADLINE.index(kpi)))


def plain_name(variant: str) -> str:
    """An assessment variant ("mutual_assistance on") in plain words; others as named."""
    mechanism, _, switch = variant.rpartition(" ")
    if mechanism in MECHANISM_NAMES and switch in ("on", "off"):
        return f"{MECHANISM_NAMES[mechanism]}: switched {switch}"
    return variant


MAPPED_VARIANTS = 4
"""At most this many variants get a map of where they differ: the largest effects first."""


def _difference_maps(
    reps: Replications, summary: dict[str, Any], scenario: Scenario
) -> dict[str, bytes]:
    """Maps of the change in the mean wait at each place, for the variants that matter most."""
    from sim.report import maps
    from sim.report.map_data import difference_map_data

    headline = headline_kpi(summary["differences"])

    def effect(v: str) -> tuple[bool, float]:
        e = _estimate(summary["differences"][v][headline])
        return (e.spans_zero, -abs(e.mean) if e.n else 0.0)

    chosen = [v for v in sorted(reps.variants[1:], key=effect) if not reps.identical(v)]
    base = reps.place_waits(reps.baseline)
    pictures = {}
    for number, variant in enumerate(chosen[:MAPPED_VARIANTS], start=1):
        data = difference_map_data(
            scenario,
            f"Where it differs: {plain_name(variant)}",
            reps.place_waits(variant),
            base,
        )
        pictures[f"map_{number}"] = maps.difference_map(data).png
    return pictures


def experiment_files(
    kind: str,
    reps: Replications,
    description: str,
    provenance: dict[str, Any],
    changes: dict[str, list[str]] | None = None,
    scenario: Scenario | None = None,
) -> dict[str, bytes]:
    """The files of an experiment folder, by relative path.

    ``changes``: what each variant changes from the baseline, one ``path = value`` a line.
    ``scenario``: the baseline, to map where the variants differ (from kept incidents).
    """
    summary = {"kind": kind, "description": description, **reps.summary()}
    if changes is not None:
        summary["changes"] = changes
    pictures: dict[str, bytes] = {}
    for kpi in (*HEADLINE, "people_waiting_at_end"):
        rows = [
            (plain_name(v), _estimate(summary["differences"][v][kpi])) for v in reps.variants[1:]
        ]
        if kind == "sweep":
            if kpi in HEADLINE:
                points = [(v, _estimate(summary["variants"][v][kpi])) for v in reps.variants]
                pictures[f"sweep_{kpi}"] = figures.sweep_curve(points, label(kpi))
        elif rows:
            what = "Effect of each arrangement" if kind == "assess" else "Effect of each variant"
            title = f"{what} on the {label(kpi)}"
            unit = "" if kpi.endswith("_min") else "people"
            pictures[f"differences_{kpi}"] = figures.differences(rows, label(kpi), title, unit)

    if scenario is not None and reps.incident_rows and kind != "sweep":
        pictures.update(_difference_maps(reps, summary, scenario))

    headline = headline_kpi(
        {v: summary["differences"][v] for v in reps.variants[1:]} if kind != "sweep" else {}
    )

    def ranked(kpi: str) -> list[str]:
        return sorted(
            reps.variants[1:], key=lambda v: summary["differences"][v][kpi]["mean"] or 0.0
        )

    def row(v: str) -> dict[str, Any]:
        return {
            "name": plain_name(v) + (" (no effect in this scenario)" if reps.identical(v) else ""),
            **{
                k: with_ci(k, summary["differences"][v][k], difference=True, replications=reps.n)
                for k in (*HEADLINE, "people_waiting_at_end")
            },
            "clear_effect": {
                k: not _estimate(summary["differences"][v][k]).spans_zero
                for k in (*HEADLINE, "people_waiting_at_end")
            },
        }

    context = {
        "title": TITLES[kind],
        "description": description,
        "seed": reps.seed,
        "n": reps.n,
        "baseline": reps.baseline,
        "version": provenance["borderdrill"],
        "kpis": [(k, label(k)) for k in LABELS if k in summary["variants"][reps.baseline]],
        "variants": [
            {
                "name": v,
                "values": {
                    k: with_ci(k, summary["variants"][v][k], replications=reps.n)
                    for k in LABELS
                    if k in summary["variants"][v]
                },
            }
            for v in reps.variants
        ],
        "ranking": [row(v) for v in ranked(headline)],
        "headline": label(headline),
        "ranking_waiting": [row(v) for v in ranked("people_waiting_at_end")],
        "changes": [
            {
                "name": plain_name(v),
                "lines": (changes or {}).get(v, [])[:MAX_CHANGES_SHOWN],
                "more": max(0, len((changes or {}).get(v, [])) - MAX_CHANGES_SHOWN),
            }
            for v in reps.variants[1:]
        ]
        if changes is not None
        else [],
        "figures": {k: base64.b64encode(png).decode("ascii") for k, png in pictures.items()},
        "kind": kind,
        "maps": [
            base64.b64encode(png).decode("ascii")
            for name, png in pictures.items()
            if name.startswith("map_")
        ],
    }
    html = environment().get_template("experiment.html.j2").render(context)
    return {
        "kpis.csv": frame_csv(reps.kpis).encode("utf-8"),
        "summary.json": (json.dumps(summary, indent=2) + "\n").encode("utf-8"),
        "report.html": html.encode("utf-8"),
        **{f"figures/{name}.png": png for name, png in pictures.items()},
        "manifest.json": (json.dumps(provenance, indent=2) + "\n").encode("utf-8"),
    }

"""The folder of a compare, assess or sweep experiment: figures, differences, report."""

from __future__ import annotations

import base64
import json
from typing import Any

from sim.analysis.replications import Replications
from sim.analysis.stats import Estimate
from sim.i18n import N_, Translator, translator
from sim.report import figures
from sim.report.csv_cells import frame_csv
from sim.report.estimates import LABELS, MECHANISM_NAMES, label, with_ci
from sim.report.html import environment
from sim.report.marking import marked
from sim.scenario import Scenario

HEADLINE = ("response_median_min", "response_p90_min")
"""The key figures experiments rank by."""

TITLES = {
    "compare": N_("Comparison of variants"),
    "assess": N_("Which coordination arrangement matters most"),
    "sweep": N_("Parameter sweep"),
}

BASELINE = "baseline"
"""The base scenario's variant name (shown translated)."""


def _estimate(d: dict[str, Any]) -> Estimate:
    nan = float("nan")
    return Estimate(
        d["mean"] if d["mean"] is not None else nan,
        d["ci_low"] if d["ci_low"] is not None else nan,
        d["ci_high"] if d["ci_high"] is not None else nan,
        d["n"],
    )


def describe(kind: str, source_name: str, t: Translator | None = None) -> str:
    """The experiment in a few words, as its report's heading: "Comparison against sekong"."""
    t = t or translator()
    if kind == "compare":
        return t("Comparison against %(scenario)s", scenario=source_name)
    if kind == "assess":
        return t("Assessment of %(scenario)s", scenario=source_name)
    return t("Sweep of %(scenario)s", scenario=source_name)


MAX_CHANGES_SHOWN = 12


def headline_kpi(differences: dict[str, dict[str, Any]]) -> str:
    """The key figure to rank and headline by: of ``HEADLINE``, the one on which the most
    variants show a clear effect (95 % CI clear of zero); the median on a tie.

    ``differences``: variant -> key figure -> its paired difference from the baseline.
    """

    def clear(kpi: str) -> int:
        return sum(kpi in d and not _estimate(d[kpi]).spans_zero for d in differences.values())

    return max(HEADLINE, key=lambda kpi: (clear(kpi), -HEADLINE.index(kpi)))


def plain_name(variant: str, t: Translator | None = None) -> str:
    """An assessment variant ("mutual_assistance on") in plain words, the baseline by that
    word, in the reader's language; others as named."""
    t = t or translator()
    mechanism, _, switch = variant.rpartition(" ")
    if mechanism in MECHANISM_NAMES and switch in ("on", "off"):
        what = t(MECHANISM_NAMES[mechanism])
        if switch == "on":
            return t("%(arrangement)s: switched on", arrangement=what)
        return t("%(arrangement)s: switched off", arrangement=what)
    if variant == BASELINE:
        return t("baseline")
    return variant


MAPPED_VARIANTS = 4
"""At most this many variants get a map of where they differ: the largest effects first."""


def _difference_maps(
    reps: Replications, summary: dict[str, Any], scenario: Scenario, t: Translator
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
            t("Where it differs: %(variant)s", variant=plain_name(variant, t)),
            reps.place_waits(variant),
            base,
            t.lang,
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
    lang: str = "en",
    source_name: str | None = None,
) -> dict[str, bytes]:
    """The files of an experiment folder, by relative path.

    ``changes``: what each variant changes from the baseline, one ``path = value`` a line.
    ``scenario``: the baseline, to map where the variants differ (from kept incidents).
    ``lang``: the language of the report and its figures (``sim.i18n``); the CSV and JSON
    files keep their English field names. ``source_name``: the scenario's, for the
    report's heading in the reader's language (``description`` as it is otherwise).
    """
    t = translator(lang)
    summary = {"kind": kind, "description": description, **reps.summary()}
    if changes is not None:
        summary["changes"] = changes
    pictures: dict[str, bytes] = {}
    alts: dict[str, str] = {}
    for kpi in (*HEADLINE, "people_waiting_at_end"):
        rows = [
            (plain_name(v, t), _estimate(summary["differences"][v][kpi])) for v in reps.variants[1:]
        ]
        named = label(kpi, t=t)
        if kind == "sweep":
            if kpi in HEADLINE:
                points = [
                    (plain_name(v, t), _estimate(summary["variants"][v][kpi]))
                    for v in reps.variants
                ]
                pictures[f"sweep_{kpi}"] = figures.sweep_curve(points, named, t)
                alts[f"sweep_{kpi}"] = named
        elif rows:
            if kind == "assess":
                title = t("Effect of each arrangement on the %(figure)s", figure=named)
            else:
                title = t("Effect of each variant on the %(figure)s", figure=named)
            unit = "" if kpi.endswith("_min") else t("people")
            pictures[f"differences_{kpi}"] = figures.differences(rows, named, title, unit, t)
            alts[f"differences_{kpi}"] = title

    if scenario is not None and reps.incident_rows and kind != "sweep":
        pictures.update(_difference_maps(reps, summary, scenario, t))

    headline = headline_kpi(
        {v: summary["differences"][v] for v in reps.variants[1:]} if kind != "sweep" else {}
    )

    def ranked(kpi: str) -> list[str]:
        return sorted(
            reps.variants[1:], key=lambda v: summary["differences"][v][kpi]["mean"] or 0.0
        )

    def row(v: str) -> dict[str, Any]:
        return {
            "name": (
                t("%(variant)s (no effect in this scenario)", variant=plain_name(v, t))
                if reps.identical(v)
                else plain_name(v, t)
            ),
            **{
                k: with_ci(
                    k, summary["differences"][v][k], difference=True, replications=reps.n, t=t
                )
                for k in (*HEADLINE, "people_waiting_at_end")
            },
            "clear_effect": {
                k: not _estimate(summary["differences"][v][k]).spans_zero
                for k in (*HEADLINE, "people_waiting_at_end")
            },
        }

    context = {
        "lang": t.lang,
        **t.template_globals(),
        "title": t(TITLES[kind]),
        "description": describe(kind, source_name, t) if source_name else description,
        "seed": reps.seed,
        "n": t.number(reps.n),
        "baseline": plain_name(reps.baseline, t),
        "named_baseline": reps.baseline != BASELINE,
        "version": provenance["borderdrill"],
        "kpis": [(k, label(k, t=t)) for k in LABELS if k in summary["variants"][reps.baseline]],
        "variants": [
            {
                "name": plain_name(v, t),
                "values": {
                    k: with_ci(k, summary["variants"][v][k], replications=reps.n, t=t)
                    for k in LABELS
                    if k in summary["variants"][v]
                },
            }
            for v in reps.variants
        ],
        "ranking": [row(v) for v in ranked(headline)],
        "headline": label(headline, t=t),
        "ranking_waiting": [row(v) for v in ranked("people_waiting_at_end")],
        "changes": [
            {
                "name": plain_name(v, t),
                "lines": (changes or {}).get(v, [])[:MAX_CHANGES_SHOWN],
                "more": max(0, len((changes or {}).get(v, [])) - MAX_CHANGES_SHOWN),
            }
            for v in reps.variants[1:]
        ]
        if changes is not None
        else [],
        "alts": alts,
        "figures": {k: base64.b64encode(png).decode("ascii") for k, png in pictures.items()},
        "kind": kind,
        "maps": [
            base64.b64encode(png).decode("ascii")
            for name, png in pictures.items()
            if name.startswith("map_")
        ],
    }
    html = environment().get_template("experiment.html.j2").render(context)
    if scenario is not None:
        html = marked(html, scenario, lang)
    return {
        "kpis.csv": frame_csv(reps.kpis).encode("utf-8"),
        "summary.json": (json.dumps(summary, indent=2) + "\n").encode("utf-8"),
        "report.html": html.encode("utf-8"),
        **{f"figures/{name}.png": png for name, png in pictures.items()},
        "manifest.json": (json.dumps(provenance, indent=2) + "\n").encode("utf-8"),
    }

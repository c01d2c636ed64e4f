"""Everything one run leaves behind, as files: tables, summary, figures, report, provenance."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from sim import log
from sim.analysis import incident_rows, summarise
from sim.analysis.activity import unit_activity
from sim.analysis.replications import Replications
from sim.i18n import Translator, translator
from sim.log import GAUGE_STEP_MIN, RunLog
from sim.report import figures, maps
from sim.report.aar import after_action
from sim.report.csv_cells import frame_csv
from sim.report.html import render_report, stage_groups
from sim.report.map_data import run_map_data
from sim.report.msel import msel_rows
from sim.report.names import Names, plain
from sim.report.planners import aar_docx, msel_xlsx
from sim.report.tables import events_csv, incidents_csv
from sim.scenario import Scenario

DEPENDENCIES = (
    "simpy",
    "numpy",
    "scipy",
    "matplotlib",
    "click",
    "pydantic",
    "jinja2",
    "astral",
    "python-docx",
    "openpyxl",
)


def version() -> str:
    """The installed borderdrill version."""
    try:
        return metadata.version("borderdrill")
    except metadata.PackageNotFoundError:
        return "unknown"


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def manifest(
    scenario_path: str,
    scenario_sha256: str,
    seed: int,
    replication: int,
    command: list[str],
    overrides: Sequence[str] = (),
) -> dict[str, Any]:
    """Where a run came from: scenario checksum, what-if overrides, seed, command, versions."""
    packages = {}
    for name in DEPENDENCIES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "missing"
    return {
        "borderdrill": version(),
        "scenario_file": scenario_path,
        "scenario_sha256": scenario_sha256,
        "overrides": list(overrides),
        "seed": seed,
        "replication": replication,
        "command": command,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": packages,
    }


def _hydrographs(scenario: Scenario, run: RunLog, names: Names, t: Translator) -> bytes:
    thresholds: dict[str, list[tuple[float, str]]] = {}
    for place in scenario.places:
        if place.flood is not None:
            thresholds.setdefault(place.flood.gauge, []).append(
                (place.flood.level, plain(names.place(place.id)))
            )
    for road in scenario.roads:
        if road.flood is not None:
            thresholds.setdefault(road.flood.gauge, []).append(
                (road.flood.level, t("road %(road)s closes", road=names.road(road.key)))
            )
    for gauge in scenario.gauges:
        if gauge.alarm is not None:
            thresholds.setdefault(gauge.id, []).append(
                (gauge.alarm, t("alarm: warning downstream"))
            )
    level_of = {p.id: (p.flood.gauge, p.flood.level) for p in scenario.places if p.flood}
    flooded: dict[str, list[tuple[float, float]]] = {}
    for at, event, _, _, detail in run.events:
        if event == log.FLOODED:
            at_gauge, level = level_of[detail]
            flooded.setdefault(at_gauge, []).append((at, level))
    return figures.hydrographs(run.gauges, GAUGE_STEP_MIN, thresholds, flooded, names.gauges, t)


def run_files(
    scenario: Scenario,
    run: RunLog,
    provenance: dict[str, Any],
    replications: Replications | None = None,
    assessment: dict[str, Any] | None = None,
    players: dict[str, Any] | None = None,
    lang: str = "en",
) -> dict[str, bytes]:
    """The files of a run folder, by relative path.

    ``run`` is the replication whose story the report tells; ``replications``, when given,
    adds the key figures across all of them with confidence intervals; ``assessment``
    (the summary of an assess experiment of the same scenario) adds the improvement plan;
    ``players`` (a played session's decisions with their consequences, ``sim.experiment.debrief``)
    adds them to the summary and the report. ``lang`` is the report's language (``sim.i18n``).
    """
    t = translator(lang)  # an unknown language is refused before any work
    rows = incident_rows(run)
    summary = summarise(run, rows)
    if players is not None:
        summary["players"] = players
    names = Names.of(scenario, lang)
    pictures = {
        "response_by_nation": figures.response_by_nation(
            rows, summary["by_nation"], names.nations, t
        ),
        "stage_decomposition": figures.stage_decomposition(stage_groups(summary, names, t), t),
    }
    activity = unit_activity(run)
    ordered = sorted(run.units, key=lambda u: (u.nation, names.unit(u.id)))
    tasked = {u["unit"]: u["utilisation"] for u in summary["utilisation"]["units"]}
    timeline = [(names.unit(u.id), activity[u.id], tasked[u.id]) for u in ordered]
    pictures["unit_timeline"] = figures.unit_timeline(timeline, run.horizon_min, t)
    drawn = maps.run_map(run_map_data(scenario, run, rows, t.lang))
    pictures["map"] = drawn.png
    if run.gauges:
        pictures["hydrographs"] = _hydrographs(scenario, run, names, t)
    if run.fire:
        pictures["wildfire"] = figures.burned_area(run.fire, t)
    extra: dict[str, bytes] = {}
    if replications is not None:
        summary["replications"] = {
            "n": replications.n,
            "seed": replications.seed,
            "kpis": replications.summary()["variants"][replications.baseline],
        }
        pictures["replications"] = figures.replication_spread(
            replications.values("response_median_min"),
            replications.estimate("response_median_min"),
            t("median response time"),
            t,
        )
        extra["kpis.csv"] = frame_csv(replications.kpis).encode("utf-8")
    aar = after_action(scenario, run, rows, summary, assessment, lang)
    html = render_report(
        scenario,
        run,
        rows,
        summary,
        pictures,
        provenance["borderdrill"],
        aar,
        drawn.unlabelled,
        lang,
    )
    parts = {"unit_timeline": figures.unit_timeline_parts(timeline, run.horizon_min, t)}
    extra["aar.docx"] = aar_docx(aar, pictures, t, parts=parts)
    extra["msel.xlsx"] = msel_xlsx(
        scenario.scenario.name.in_language(t.lang),
        msel_rows(scenario, run, rows, t),
        t,
        words=aar.name_words,
    )
    files = {
        **extra,
        "incidents.csv": incidents_csv(run, rows).encode("utf-8"),
        "events.csv": events_csv(run).encode("utf-8"),
        "summary.json": _json(summary),
        "scenario.resolved.json": _json(scenario.model_dump(mode="json", by_alias=True)),
        "report.html": html.encode("utf-8"),
        **{f"figures/{name}.png": png for name, png in pictures.items()},
    }
    checksums = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    files["manifest.json"] = _json({**provenance, "files": checksums})
    return files

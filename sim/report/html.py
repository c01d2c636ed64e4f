"""The HTML report a planner opens offline: tables of the summary, figures embedded."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any

import jinja2

from sim.analysis.incidents import COMPONENT_MEANINGS, COMPONENT_NAMES, COMPONENTS, IncidentRow
from sim.analysis.summary import OVERLOADED
from sim.log import RunLog
from sim.model.arrangements import DESCRIPTIONS
from sim.report.aar import AfterAction, counted, people, rating, rating_rule
from sim.report.decisions import decision_context, players_context
from sim.report.estimates import LABELS, label, with_ci
from sim.report.msel import inject_outcome, run_clock, switched_on
from sim.report.names import Names
from sim.scenario import Scenario, format_duration


def basemap_source() -> str:
    """Where the map's borders and rivers come from, and their licence."""
    from sim.report.territory import basemap

    geometry = basemap()
    return f"{geometry['source']} Licence: {geometry['licence']}."


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report templates."""
    return _ENV


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("sim.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_ENV.filters["counted"] = counted


def _minutes(value: float | None) -> str:
    return "—" if value is None else format_duration(value)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _group_rows(
    groups: dict[str, Any],
    names: dict[str, str],
    targets: dict[str, float],
    capabilities: dict[str, str] | None = None,
    shares: dict[str, float | None] | None = None,
) -> list[dict[str, str]]:
    rows = []
    for key, g in groups.items():
        rows.append(
            {
                "name": names.get(key, key),
                "capability": (capabilities or {}).get(key, ""),
                "incidents": str(g["incidents"]),
                "waiting": str(g["people_waiting_at_end"]),
                "rating": rating((shares or {}).get(key, g["within_target"])),
                "people": str(g["people"]),
                "median": _minutes(g["response_min"]["median"]),
                "p90": _minutes(g["response_min"]["p90"]),
                "mean": _minutes(g["response_min"]["mean"]),
                "median_from_report": _minutes(g["response_from_report_min"]["median"]),
                "target": _minutes(targets[key]) if key in targets else "by need",
                "within": _share(g["within_target"]),
                "unserved": str(g["unserved"]),
            }
        )
    return rows


def stage_groups(summary: dict[str, Any], names: Names) -> dict[str, dict[str, float | None]]:
    """The groups of the stage chart and table: all incidents reached, each nation, and
    those whose first unit was the nation's own or came from a neighbour."""
    groups = {
        "all incidents reached": summary["overall"],
        **{names.nations.get(k, k): g for k, g in summary["by_nation"].items()},
        "first unit the nation's own": summary["by_first_responder"]["own"],
        "first unit from a neighbour": summary["by_first_responder"]["neighbour"],
    }
    return {name: g["stages_mean_min"] for name, g in groups.items() if g["response_min"]["count"]}


def _stage_counts(summary: dict[str, Any], names: Names) -> dict[str, tuple[int, float | None]]:
    groups = {
        "all incidents reached": summary["overall"],
        **{names.nations.get(k, k): g for k, g in summary["by_nation"].items()},
        "first unit the nation's own": summary["by_first_responder"]["own"],
        "first unit from a neighbour": summary["by_first_responder"]["neighbour"],
    }
    return {
        name: (g["response_min"]["count"], g["response_min"]["mean"]) for name, g in groups.items()
    }


def render_report(
    scenario: Scenario,
    run: RunLog,
    rows: list[IncidentRow],
    summary: dict[str, Any],
    figures: dict[str, bytes],
    version: str,
    aar: AfterAction,
    unlabelled: list[str] | None = None,
) -> str:
    """The report as one self-contained HTML page (``unlabelled``: names the map had no
    room to write)."""
    start = datetime.fromisoformat(run.start)
    clock = run_clock(run)

    names = Names.of(scenario)
    type_names = {t.id: t.name.split(" (")[0] for t in scenario.unit_types}
    need_names = names.needs
    targets = {n.id: n.target for n in scenario.needs}
    nation_names = {n.code: f"{n.name} ({n.code})" for n in scenario.nations}
    crossing_names = names.crossings
    overall = summary["overall"]
    stages = stage_groups(summary, names)
    counts = _stage_counts(summary, names)
    units = sorted(summary["utilisation"]["units"], key=lambda u: -u["utilisation"])
    across = summary.get("replications")
    context = {
        "replications": None
        if across is None
        else {
            "n": across["n"],
            "rows": [
                (label(k), with_ci(k, across["kpis"][k])) for k in LABELS if k in across["kpis"]
            ]
            + [
                (label(k, names.nations | names.needs), with_ci(k, e))
                for k, e in across["kpis"].items()
                if k.startswith(("by_nation.", "by_need.")) and k.endswith("response_median_min")
            ],
        },
        "unlabelled": unlabelled or [],
        "basemap_source": basemap_source(),
        "name": scenario.scenario.name,
        "description": scenario.scenario.description,
        "start": start.strftime("%A %d %B %Y, %H:%M"),
        "duration": format_duration(run.horizon_min),
        "seed": run.seed,
        "replication": run.replication,
        "version": version,
        "overall": {
            "incidents": overall["incidents"],
            "people": people(overall["people"]),
            "median": _minutes(overall["response_min"]["median"]),
            "p90": _minutes(overall["response_min"]["p90"]),
            "within": _share(overall["within_target"]),
            "unserved": overall["unserved"],
            "resolved": overall["resolved"],
            "ended": overall["ended_before_help"],
            "not_sent": overall["not_sent_at_end"],
            "carried": f"{overall['people_carried']:,}",
            "waiting": overall["people_waiting_at_end"],
            "not_yet_due": overall["not_yet_due"],
            "en_route": overall["en_route_at_end"],
            "on_scene": overall["on_scene_at_end"],
        },
        "by_need": _group_rows(
            summary["by_need"],
            need_names,
            targets,
            {n.id: n.core_capability for n in scenario.needs},
            {
                n.id: across["kpis"].get(f"by_need.{n.id}.within_target", {}).get("mean")
                for n in scenario.needs
            }
            if across
            else None,
        ),
        "rating_rule": rating_rule(),
        "aar": aar,
        "by_nation": _group_rows(summary["by_nation"], nation_names, {}),
        "components": [
            {"name": COMPONENT_NAMES[c], "meaning": COMPONENT_MEANINGS[c]} for c in COMPONENTS
        ],
        "stage_rows": [
            {
                "name": name,
                "n": counts[name][0],
                "cells": [_minutes(parts[c]) for c in COMPONENTS],
                "total": _minutes(counts[name][1]),
            }
            for name, parts in stages.items()
        ],
        "integration": _minutes(overall["integration_mean_min"]),
        "decisions": decision_context(run, summary, names, clock),
        "players": players_context(summary["players"], names, clock)
        if "players" in summary
        else None,
        "cross_border": {
            "requests": [
                {
                    "pair": pair.replace(">", " › "),
                    "requested": r["requested"],
                    "approved": r["approved"],
                    "refused": r["refused"],
                    "withdrawn": r["withdrawn"],
                    "request": _minutes(r["request_mean_min"]),
                    "approval": _minutes(r["approval_mean_min"]),
                }
                for pair, r in summary["cross_border"]["requests"].items()
            ],
            "helped": {
                pair.replace(">", " › "): n for pair, n in summary["cross_border"]["helped"].items()
            },
            "first": [
                {
                    "pair": pair.replace(">", " › "),
                    "incidents": f["incidents"],
                    "request": _minutes(f["request_mean_min"]),
                    "approval": _minutes(f["approval_mean_min"]),
                }
                for pair, f in summary["cross_border"]["first_on_scene"].items()
            ],
        },
        "messages": [
            {**m, "route": route, "delivery": _minutes(m["delivery_mean_min"])}
            for route, m in summary["communications"]["messages"].items()
        ],
        "outages": summary["communications"]["outages"],
        "evacuations": summary["evacuations"],
        "hazard_reached": "the fire" if run.fire else "the water",
        "crossings": [
            {
                "name": crossing_names.get(key, key),
                "passages": c["passages"],
                "mean": _minutes(c["wait_mean_min"]),
                "max": _minutes(c["wait_max_min"]),
                "waiting": c["waiting_at_end"],
                "closures": c["closures"],
            }
            for key, c in summary["crossings"].items()
        ],
        "units": [
            {
                **u,
                "name": names.unit(u["unit"]),
                "type": type_names.get(u["type"], u["type"]),
                "tasked": _minutes(u["tasked_min"]),
                "share": _share(u["utilisation"]),
                "flag": "overloaded"
                if u["utilisation"] > OVERLOADED
                else ("idle" if not u["tasks"] else ""),
            }
            for u in units
        ],
        "msel": _timeline(run, rows, clock, names),
        "incidents": [
            {
                "id": r.info.id,
                "occurred": clock(r.at["occurred"]),
                "place": r.info.place_name,
                "nation": r.info.nation,
                "need": need_names.get(r.info.need, r.info.need),
                "people": r.info.people,
                "response": format_duration(r.response_min) if r.served else "—",
                "met": "yes" if r.within_target else "no",
                "first_unit": names.unit(r.first_unit)
                if r.first_unit
                else (f"{names.unit(r.units[0])} (not arrived)" if r.units else "—"),
                "carried": f"{r.carried}/{r.info.people}",
                "status": r.status,
            }
            for r in rows
        ],
        "figures": {name: base64.b64encode(png).decode("ascii") for name, png in figures.items()},
    }
    return _ENV.get_template("report.html.j2").render(context)


def _timeline(
    run: RunLog, rows: list[IncidentRow], clock: Callable[[float], str], names: Names
) -> list[dict[str, Any]]:
    """The MSEL's injects and the arrangements switched on during play, in time order."""
    injects = [
        {
            "at": i.at_min,
            "clock": clock(i.at_min),
            "offset": format_duration(i.at_min),
            "type": i.type,
            "subject": i.subject,
            "synopsis": i.synopsis,
            "expected_action": i.expected_action,
            "outcome": inject_outcome(run, rows, clock, i, names),
        }
        for i in run.injects
    ]
    arrangements = [
        {
            "at": at,
            "clock": clock(at),
            "offset": format_duration(at),
            "type": "arrangement switched on",
            "subject": name,
            "synopsis": DESCRIPTIONS.get(name, name),
            "expected_action": "",
            "outcome": "in force from this time (see events.csv for what it touched)",
        }
        for at, name in switched_on(run)
    ]
    return sorted(injects + arrangements, key=lambda row: float(row["at"]))

"""The HTML report a planner opens offline: tables of the summary, figures embedded."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any

import jinja2

from sim.analysis.incidents import (
    COMPONENT_MEANINGS,
    COMPONENT_NAMES,
    COMPONENTS,
    STATUSES,
    IncidentRow,
)
from sim.analysis.summary import OVERLOADED
from sim.i18n import N_, Translator, translator
from sim.log import RunLog
from sim.model.arrangements import DESCRIPTIONS, TITLES
from sim.report.aar import AfterAction, counted, people, rating, rating_rule
from sim.report.decisions import decision_context, players_context
from sim.report.estimates import LABELS, label, with_ci
from sim.report.marking import marked
from sim.report.msel import (
    INJECT_TYPES,
    inject_outcome,
    inject_subject,
    run_clock,
    switched_on,
)
from sim.report.names import Names, in_script
from sim.scenario import Scenario
from sim.scenario.text import text_in


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
    extensions=["jinja2.ext.i18n"],
)
_ENV.filters["counted"] = jinja2.pass_context(
    lambda context, count, word: counted(count, word, translator(context["lang"]))
)
_ENV.policies["ext.i18n.trimmed"] = True
_ENV.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


MESSAGE_WORDS = {
    "report": N_("report"),
    "request": N_("request"),
    "warning": N_("warning"),
    "hotline": N_("hotline"),
    "liaison": N_("liaison"),
    "diplomatic": N_("diplomatic channel"),
    "radio": N_("radio"),
}
"""The purposes and channels of messages (``sim.model.comms``), for translation."""


def _route(route: str, names: Names, t: Translator) -> str:
    """A message route "request LA>TH diplomatic" in the reader's words."""
    if t.lang == "en":
        return route
    words = route.split()
    for i, word in enumerate(words):
        if word in MESSAGE_WORDS:
            words[i] = t(MESSAGE_WORDS[word])
        elif ">" in word:
            words[i] = " › ".join(names.nations.get(n, n) for n in word.split(">"))
    return " · ".join(words)


def _group_rows(
    t: Translator,
    groups: dict[str, Any],
    names: dict[str, str],
    targets: dict[str, float],
    capabilities: dict[str, str] | None = None,
    shares: dict[str, float | None] | None = None,
) -> list[dict[str, str]]:
    rows = []
    _minutes, _share = t.duration, t.percent
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
                "target": _minutes(targets[key]) if key in targets else t("by need"),
                "within": _share(g["within_target"]),
                "unserved": str(g["unserved"]),
            }
        )
    return rows


def _groups(summary: dict[str, Any], names: Names, t: Translator) -> dict[str, Any]:
    """All incidents reached, each nation, and those whose first unit was the nation's own
    or came from a neighbour, by their names in the reader's language."""
    return {
        t("all incidents reached"): summary["overall"],
        **{names.nations.get(k, k): g for k, g in summary["by_nation"].items()},
        t("first unit the nation's own"): summary["by_first_responder"]["own"],
        t("first unit from a neighbour"): summary["by_first_responder"]["neighbour"],
    }


def stage_groups(
    summary: dict[str, Any], names: Names, t: Translator | None = None
) -> dict[str, dict[str, float | None]]:
    """The groups of the stage chart and table (see ``_groups``), with their mean parts."""
    groups = _groups(summary, names, t or translator())
    return {name: g["stages_mean_min"] for name, g in groups.items() if g["response_min"]["count"]}


def _stage_counts(
    summary: dict[str, Any], names: Names, t: Translator
) -> dict[str, tuple[int, float | None]]:
    groups = _groups(summary, names, t)
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
    lang: str = "en",
) -> str:
    """The report as one self-contained HTML page in a reader's language (``unlabelled``:
    names the map had no room to write)."""
    t = translator(lang)
    _minutes, _share = t.duration, t.percent
    start = datetime.fromisoformat(run.start)
    clock = run_clock(run, t)

    names = Names.of(scenario, lang)
    type_names = {
        t.id: in_script(t.name, t.names, lang, romanised=False).split(" (")[0]
        for t in scenario.unit_types
    }
    need_names = names.needs
    targets = {n.id: n.target for n in scenario.needs}
    nation_names = {n.code: f"{names.nations[n.code]} ({n.code})" for n in scenario.nations}
    crossing_names = names.crossings
    overall = summary["overall"]
    stages = stage_groups(summary, names, t)
    counts = _stage_counts(summary, names, t)
    units = sorted(summary["utilisation"]["units"], key=lambda u: -u["utilisation"])
    across = summary.get("replications")
    context = {
        "replications": None
        if across is None
        else {
            "n": across["n"],
            "rows": [
                (label(k, t=t), with_ci(k, across["kpis"][k]))
                for k in LABELS
                if k in across["kpis"]
            ]
            + [
                (label(k, names.nations | names.needs, t), with_ci(k, e, t=t))
                for k, e in across["kpis"].items()
                if k.startswith(("by_nation.", "by_need.")) and k.endswith("response_median_min")
            ],
        },
        "unlabelled": unlabelled or [],
        "basemap_source": basemap_source(),
        "name": scenario.scenario.name.in_language(t.lang),
        "description": text_in(scenario.scenario.description, t.lang),
        "lang": t.lang,
        **t.template_globals(),
        "number": t.number,
        "start": t.datetime(start),
        "duration": _minutes(run.horizon_min),
        "seed": run.seed,
        "replication": run.replication,
        "version": version,
        "overall": {
            "incidents": overall["incidents"],
            "people": people(overall["people"], t),
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
            t,
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
        "rating_rule": rating_rule(t),
        "aar": aar,
        "by_nation": _group_rows(t, summary["by_nation"], nation_names, {}),
        "components": [
            {"name": t(COMPONENT_NAMES[c]), "meaning": t(COMPONENT_MEANINGS[c])} for c in COMPONENTS
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
        "decisions": decision_context(run, summary, names, clock, t),
        "players": players_context(summary["players"], names, clock, t)
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
            {**m, "route": _route(route, names, t), "delivery": _minutes(m["delivery_mean_min"])}
            for route, m in summary["communications"]["messages"].items()
        ],
        "outages": summary["communications"]["outages"],
        "evacuations": summary["evacuations"],
        "hazard_is_fire": bool(run.fire),
        **_wildfire_areas(scenario, t),
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
                "agency": names.agency(u["nation"], u["agency"]),
                "type": type_names.get(u["type"], u["type"]),
                "tasked": _minutes(u["tasked_min"]),
                "share": _share(u["utilisation"]),
                "overloaded": u["utilisation"] > OVERLOADED,
                "flag": t("overloaded")
                if u["utilisation"] > OVERLOADED
                else (t("idle") if not u["tasks"] else ""),
            }
            for u in units
        ],
        "msel": _timeline(scenario, run, rows, clock, names, t),
        "incidents": [
            {
                "id": r.info.id,
                "occurred": clock(r.at["occurred"]),
                "place": names.place(r.info.place),
                "nation": r.info.nation,
                "need": need_names.get(r.info.need, r.info.need),
                "people": r.info.people,
                "response": _minutes(r.response_min) if r.served else "—",
                "met": t("yes") if r.within_target else t("no"),
                "first_unit": names.unit(r.first_unit)
                if r.first_unit
                else (t("%(unit)s (not arrived)", unit=names.unit(r.units[0])) if r.units else "—"),
                "carried": f"{r.carried}/{r.info.people}",
                "status": t(STATUSES[r.status]),
            }
            for r in rows
        ],
        "figures": {name: base64.b64encode(png).decode("ascii") for name, png in figures.items()},
    }
    return marked(_ENV.get_template("report.html.j2").render(context), scenario, lang)


def _timeline(
    scenario: Scenario,
    run: RunLog,
    rows: list[IncidentRow],
    clock: Callable[[float], str],
    names: Names,
    t: Translator,
) -> list[dict[str, Any]]:
    """The MSEL's injects and the arrangements switched on during play, in time order."""
    injects = [
        {
            "at": i.at_min,
            "clock": clock(i.at_min),
            "offset": t.duration(i.at_min),
            "type": t(INJECT_TYPES.get(i.type, i.type)),
            "subject": inject_subject(scenario.injects[i.number], i.subject, names),
            "synopsis": text_in(scenario.injects[i.number].synopsis, t.lang),
            "expected_action": text_in(scenario.injects[i.number].expected_action, t.lang),
            "outcome": inject_outcome(run, rows, clock, i, names, t),
        }
        for i in run.injects
    ]
    arrangements = [
        {
            "at": at,
            "clock": clock(at),
            "offset": t.duration(at),
            "type": t("arrangement switched on"),
            "subject": t(TITLES.get(name, name)),
            "synopsis": t(DESCRIPTIONS.get(name, name)),
            "expected_action": "",
            "outcome": t("in force from this time (see events.csv for what it touched)"),
        }
        for at, name in switched_on(run)
    ]
    return sorted(injects + arrangements, key=lambda row: float(row["at"]))


def _wildfire_areas(scenario: Scenario, t: Translator) -> dict[str, Any]:
    """The wildfire's land cover (each fuel area and how readily it burns, then elsewhere)
    and its mined areas, named in the reader's script with the romanised name beside."""
    fire = scenario.wildfire
    if fire is None:
        return {"land_cover": [], "mined_areas": []}
    cover = [(in_script(a.name, a.names, t.lang), t.number(a.fuel, 2)) for a in fire.fuel]
    return {
        "land_cover": [*cover, (t("elsewhere"), t.number(fire.default_fuel, 2))],
        "mined_areas": [in_script(a.name, a.names, t.lang) for a in fire.mined],
    }

"""The MSEL of a run in HSEEP columns: each scripted inject, who controls and plays it,
what it exercises, and what followed in the run."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sim import log
from sim.analysis.incidents import IncidentRow
from sim.log import InjectInfo, RunLog
from sim.report.names import Names
from sim.report.planners import MselRow
from sim.scenario import Scenario, format_duration, schema

CAPABILITY_OF = {
    "road_closed": "Critical Transportation",
    "road_reopened": "Critical Transportation",
    "crossing_closed": "Critical Transportation",
    "crossing_reopened": "Critical Transportation",
    "unit_breakdown": "Logistics and Supply Chain Management",
    "grounding": "Critical Transportation",
    "channel_outage": "Operational Communications",
    "warning": "Intelligence and Information Sharing",
    "wind_shift": "Fire Management and Suppression",
}
"""The core capability an inject other than an incident exercises."""


def inject_nations(scenario: Scenario, inject: object) -> list[str]:
    """The nations an inject acts in (whose controller gives it, whose EOC plays it)."""
    places = {p.id: p.nation for p in scenario.places}
    match inject:
        case schema.IncidentInject():
            return [places[inject.place]]
        case schema.RoadClosedInject() | schema.RoadReopenedInject():
            road = next((r for r in scenario.roads if r.key == inject.road), None)
            return [places[road.from_]] if road is not None else []
        case schema.CrossingClosedInject() | schema.CrossingReopenedInject():
            crossing = next(c for c in scenario.crossings if c.id == inject.crossing)
            return sorted({places[p] for p in crossing.posts})
        case schema.UnitBreakdownInject():
            return sorted({g.nation for g in scenario.units if inject.unit.startswith(g.id)})
        case schema.GroundingInject():
            return list(inject.nations) or [n.code for n in scenario.nations]
        case schema.ChannelOutageInject():
            return [n for n in inject.between if n in {x.code for x in scenario.nations}]
        case schema.WarningInject():
            return sorted({places[p] for p in inject.places})
    return [n.code for n in scenario.nations]


def inject_subject(inject: object, subject: str, names: Names) -> str:
    """The inject's subject with names for the ids the log keeps."""
    match inject:
        case schema.RoadClosedInject() | schema.RoadReopenedInject():
            return subject.replace(inject.road, names.road(inject.road))
        case schema.UnitBreakdownInject():
            return subject.replace(inject.unit, names.unit_group(inject.unit))
        case schema.IncidentInject():
            return subject.replace(inject.need, names.needs.get(inject.need, inject.need))
        case schema.WarningInject():
            nation = names.nations.get(inject.observed_by, inject.observed_by)
            return subject.replace(f"{inject.observed_by} reading", f"{nation}'s reading", 1)
        case schema.GroundingInject() | schema.ChannelOutageInject():
            codes = inject.nations if isinstance(inject, schema.GroundingInject) else inject.between
            for code in codes:
                subject = re.sub(rf"\b{code}\b", names.nations.get(code, code), subject)
            return subject
    return subject


def msel_rows(scenario: Scenario, run: RunLog, rows: list[IncidentRow]) -> list[MselRow]:
    """One MSEL row per scripted inject, in time order, with what followed in the run."""
    names = Names.of(scenario)
    clock = run_clock(run)
    eocs = {n.code: ", ".join(e.name for e in n.eocs) for n in scenario.nations}
    needs = {n.id: n for n in scenario.needs}
    msel = []
    for number, info in enumerate(run.injects, start=1):
        inject = scenario.injects[info.number]
        nations = inject_nations(scenario, inject)
        if isinstance(inject, schema.IncidentInject):
            need = needs[inject.need]
            capability = (
                f"{need.core_capability or need.name}: first unit on scene within "
                f"{format_duration(need.target)}"
            )
        else:
            capability = CAPABILITY_OF.get(info.type, "Operational Coordination")
        msel.append(
            MselRow(
                number=number,
                scenario_time=format_duration(info.at_min),
                clock=clock(info.at_min),
                synopsis=info.synopsis or info.subject,
                inject=info.type.replace("_", " ")
                + f": {inject_subject(inject, info.subject, names)}",
                controller="Exercise control, "
                + (" / ".join(names.nations.get(n, n) for n in nations) or "all")
                + " cell",
                player="; ".join(eocs[n] for n in nations if n in eocs) or "every EOC",
                expected_action=info.expected_action,
                capability=capability,
                outcome=inject_outcome(run, rows, clock, info, names),
                discussion="\n".join(inject.discussion),
            )
        )
    return msel


def switched_on(run: RunLog) -> list[tuple[float, str]]:
    """The arrangements switched on during the run (in a played exercise), with when."""
    return [(t, detail) for t, event, _, _, detail in run.events if event == log.ARRANGEMENT_ON]


def run_clock(run: RunLog) -> Callable[[float], str]:
    """Minutes from the start -> the wall-clock time ("Mon 23 Jul 21:10", UTC+7)."""
    start = datetime.fromisoformat(run.start)

    def clock(minutes: float) -> str:
        return (start + timedelta(minutes=minutes)).strftime("%a %d %b %H:%M")

    return clock


def inject_outcome(
    run: RunLog,
    rows: list[IncidentRow],
    clock: Callable[[float], str],
    info: InjectInfo,
    names: Names,
) -> str:
    """What followed an inject in the run, in a sentence."""
    if info.at_min >= run.horizon_min:
        return "after the end of the exercise: did not happen"
    if info.type != "incident":
        return "in force from this time (see events.csv for what it touched)"
    source = f"inject {info.number}"
    row = next((r for r in rows if r.info.source == source), None)
    if row is None:
        return "did not happen before the end"
    if not row.served:
        return f"no unit on scene by the end ({row.status})"
    parts = [
        f"first unit ({names.unit_in_full(row.first_unit)}) on scene {clock(row.at['on_scene'])}, "
        f"{format_duration(row.response_min)} after it occurred"
    ]
    parts.append("target met" if row.within_target else "target missed")
    if row.status == "resolved":
        parts.append(f"resolved {clock(row.at['resolved'])}")
    if row.foreign_help:
        parts.append(
            "with help from "
            + ", ".join(
                sorted(names.nations.get(n, n) for n in set(row.unit_nations) - {row.info.nation})
            )
        )
    return "; ".join(parts)

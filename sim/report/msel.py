"""The MSEL of a run in HSEEP columns: each scripted inject, who controls and plays it,
what it exercises, and what followed in the run."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sim import log
from sim.analysis.incidents import STATUSES, IncidentRow
from sim.i18n import N_, Translator, translator
from sim.log import InjectInfo, RunLog
from sim.report.aar import people
from sim.report.names import Names, in_script
from sim.report.planners import MselRow
from sim.scenario import Scenario, schema
from sim.scenario.injects import inject_nations
from sim.scenario.text import text_in

CAPABILITY_OF = {
    "road_closed": N_("Critical Transportation"),
    "road_reopened": N_("Critical Transportation"),
    "crossing_closed": N_("Critical Transportation"),
    "crossing_reopened": N_("Critical Transportation"),
    "unit_breakdown": N_("Logistics and Supply Chain Management"),
    "grounding": N_("Critical Transportation"),
    "channel_outage": N_("Operational Communications"),
    "warning": N_("Intelligence and Information Sharing"),
    "wind_shift": N_("Fire Management and Suppression"),
}
"""The core capability an inject other than an incident exercises."""

INJECT_TYPES = {
    "incident": N_("incident"),
    "road_closed": N_("road closed"),
    "road_reopened": N_("road reopened"),
    "crossing_closed": N_("crossing closed"),
    "crossing_reopened": N_("crossing reopened"),
    "unit_breakdown": N_("unit breakdown"),
    "grounding": N_("grounding"),
    "channel_outage": N_("channel outage"),
    "warning": N_("warning"),
    "wind_shift": N_("wind shift"),
}
"""Each kind of inject in words."""


def inject_subject(inject: object, subject: str, names: Names) -> str:
    """The inject's subject with names for the ids the log keeps (in the reader's
    language: ``names.lang``)."""
    if names.lang != "en":
        return _subject_in(inject, subject, names, translator(names.lang))
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


def _subject_in(inject: object, subject: str, names: Names, t: Translator) -> str:
    """An inject's subject in a reader's language, from its fields (an inject of another
    kind: ``subject`` as it is)."""
    nations = names.nations
    match inject:
        case schema.IncidentInject():
            subject = t(
                "%(people)s, %(need)s at %(place)s",
                people=people(inject.people, t),
                need=names.needs.get(inject.need, inject.need),
                place=names.place(inject.place),
            )
        case schema.RoadClosedInject() | schema.RoadReopenedInject():
            subject = names.road(inject.road)
        case schema.CrossingClosedInject() | schema.CrossingReopenedInject():
            subject = names.crossings.get(inject.crossing, inject.crossing)
        case schema.UnitBreakdownInject():
            subject = names.unit_group(inject.unit)
        case schema.GroundingInject():
            grounded = ", ".join(nations.get(n, n) for n in inject.nations)
            subject = grounded or t("all nations")
        case schema.ChannelOutageInject():
            subject = " – ".join(nations.get(n, n) for n in inject.between)
        case schema.WindShiftInject():
            subject = t(
                "wind toward %(degrees)s°, %(speed)s km/h",
                degrees=t.number(inject.toward_deg),
                speed=t.number(inject.speed_kmh),
            )
        case schema.WarningInject():
            subject = t(
                "%(nation)s's reading for %(places)s",
                nation=nations.get(inject.observed_by, inject.observed_by),
                places=", ".join(names.place(p) for p in inject.places),
            )
        case _:
            return subject
    lasting: float | None = getattr(inject, "for_", None)
    return subject + (t(" for %(duration)s", duration=t.duration(lasting)) if lasting else "")


def msel_rows(
    scenario: Scenario, run: RunLog, rows: list[IncidentRow], t: Translator | None = None
) -> list[MselRow]:
    """One MSEL row per scripted inject, in time order, with what followed in the run, in
    the reader's language."""
    t = t or translator()
    names = Names.of(scenario, t.lang)
    clock = run_clock(run, t)
    eocs = {
        n.code: ", ".join(in_script(e.name, e.names, t.lang) for e in n.eocs)
        for n in scenario.nations
    }
    needs = {n.id: n for n in scenario.needs}
    msel = []
    for number, info in enumerate(run.injects, start=1):
        inject = scenario.injects[info.number]
        nations = inject_nations(scenario, inject)
        if isinstance(inject, schema.IncidentInject):
            need = needs[inject.need]
            capability = t(
                "%(capability)s: first unit on scene within %(target)s",
                capability=t(need.core_capability)
                if need.core_capability
                else names.needs[need.id],
                target=t.duration(need.target),
            )
        else:
            capability = t(CAPABILITY_OF.get(info.type, "Operational Coordination"))
        msel.append(
            MselRow(
                number=number,
                scenario_time=t.duration(info.at_min),
                clock=clock(info.at_min),
                synopsis=text_in(inject.synopsis, t.lang)
                or inject_subject(inject, info.subject, names),
                inject=f"{t(INJECT_TYPES.get(info.type, info.type))}: "
                f"{inject_subject(inject, info.subject, names)}",
                controller=t(
                    "Exercise control, %(nations)s cell",
                    nations=" / ".join(names.nations.get(n, n) for n in nations) or t("all"),
                ),
                player="; ".join(eocs[n] for n in nations if n in eocs) or t("every EOC"),
                expected_action=text_in(inject.expected_action, t.lang),
                capability=capability,
                outcome=inject_outcome(run, rows, clock, info, names, t),
                discussion="\n".join(q.in_language(t.lang) for q in inject.discussion),
            )
        )
    return msel


def switched_on(run: RunLog) -> list[tuple[float, str]]:
    """The arrangements switched on during the run (in a played exercise), with when."""
    return [(t, detail) for t, event, _, _, detail in run.events if event == log.ARRANGEMENT_ON]


def run_clock(run: RunLog, t: Translator | None = None) -> Callable[[float], str]:
    """Minutes from the start -> the wall-clock time ("Mon 23 Jul 21:10", UTC+7), in the
    reader's language."""
    start = datetime.fromisoformat(run.start)
    moment = (t or translator()).moment

    def clock(minutes: float) -> str:
        return moment(start + timedelta(minutes=minutes))

    return clock


def inject_outcome(
    run: RunLog,
    rows: list[IncidentRow],
    clock: Callable[[float], str],
    info: InjectInfo,
    names: Names,
    t: Translator | None = None,
) -> str:
    """What followed an inject in the run, in a sentence of the reader's language."""
    t = t or translator()
    if info.at_min >= run.horizon_min:
        return t("after the end of the exercise: did not happen")
    if info.type != "incident":
        return t("in force from this time (see events.csv for what it touched)")
    source = f"inject {info.number}"
    row = next((r for r in rows if r.info.source == source), None)
    if row is None:
        return t("did not happen before the end")
    if not row.served:
        return t("no unit on scene by the end (%(status)s)", status=t(STATUSES[row.status]))
    parts = [
        t(
            "first unit (%(unit)s) on scene %(time)s, %(after)s after it occurred",
            unit=names.unit_in_full(row.first_unit),
            time=clock(row.at["on_scene"]),
            after=t.duration(row.response_min),
        )
    ]
    parts.append(t("target met") if row.within_target else t("target missed"))
    if row.status == "resolved":
        parts.append(t("resolved %(time)s", time=clock(row.at["resolved"])))
    if row.foreign_help:
        helpers = ", ".join(
            sorted(names.nations.get(n, n) for n in set(row.unit_nations) - {row.info.nation})
        )
        parts.append(t("with help from %(nations)s", nations=helpers))
    return "; ".join(parts)

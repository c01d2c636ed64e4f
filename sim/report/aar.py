"""The After-Action Report / Improvement Plan (HSEEP) of a run, as plain data.

The HTML report and the Word document both render ``AfterAction``. Findings are ranked
by what they cost, in person-hours: the people of an incident (at least one, so a fire
with nobody in it counts as one) times the hours they waited beyond its capability target
(or in a cause of delay). Each finding points to the
figure of the run that backs it. Findings come from the finders in ``FINDERS``, each
reading the run's analysis; a new kind of finding (e.g. from decision records) is one
more finder there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sim.analysis.incidents import COMPONENT_NAMES, COMPONENTS, IncidentRow
from sim.analysis.stats import wilson_interval
from sim.analysis.summary import OVERLOADED
from sim.log import RunLog
from sim.report.estimates import MECHANISM_NAMES, with_ci
from sim.report.names import Names
from sim.scenario import Scenario, format_duration

RATINGS = ((0.9, "P"), (0.75, "S"), (0.5, "M"), (0.0, "U"))
"""HSEEP ratings by the share of incidents that met their capability target (at least ...)."""

RATING_NAMES = {
    "P": "performed without challenges",
    "S": "performed with some challenges",
    "M": "performed with major challenges",
    "U": "unable to be performed",
}

MECHANISM_CAPABILITIES = {
    "channels": "Operational Communications",
    "military_comms": "Operational Communications",
    "language": "Operational Communications",
    "information_sharing": "Intelligence and Information Sharing",
    "mutual_assistance": "Operational Coordination",
    "joint_centre": "Operational Coordination",
    "joint_teams": "Mass Search and Rescue Operations",
    "border_operations": "Logistics and Supply Chain Management",
    "joint_training": "Operational Coordination",
    "local_authorities": "Critical Transportation",
}
"""The core capability each coordination arrangement serves."""


def rating(share: float | None) -> str:
    """The HSEEP rating (P, S, M, U) of a share of incidents within target."""
    if share is None or math.isnan(share):
        return "—"
    return next(letter for floor, letter in RATINGS if share >= floor)


def rating_rule() -> str:
    """The rating rule in words."""
    return (
        "; ".join(
            f"{letter} ({RATING_NAMES[letter]}) at {floor:.0%} or more"
            for floor, letter in RATINGS[:-1]
        )
        + f"; U ({RATING_NAMES['U']}) below {RATINGS[-2][0]:.0%}"
    )


@dataclass(frozen=True)
class Finding:
    """One strength or area for improvement, backed by a figure of the run."""

    title: str
    detail: str
    cost_person_hours: float | None
    """What it cost: person-hours waited beyond target (None: not measurable here)."""
    evidence: str
    """The report section (anchor id) whose figure or table backs it."""
    evidence_name: str


@dataclass(frozen=True)
class CapabilityRow:
    """Analysis of one capability target: need, core capability, target, share, rating."""

    need: str
    capability: str
    target: str
    incidents: int
    share: str
    rating: str


@dataclass(frozen=True)
class PlanRow:
    """One row of the improvement plan (HSEEP)."""

    capability: str
    area: str
    action: str
    owners: str
    effect: str
    effect_waiting: str


@dataclass(frozen=True)
class Contact:
    """A point of contact: a nation's agency and its EOC; the person is the planner's to add."""

    nation: str
    agency: str
    eoc: str
    place: str


@dataclass(frozen=True)
class Raised:
    """What the room said of one capability target, beside its measured rating: the
    strengths and areas for improvement raised in the hot wash, and the observers' notes."""

    target: str
    rating: str
    strengths: list[str]
    improvements: list[str]
    observations: list[str]


@dataclass(frozen=True)
class Said:
    """What the players and observers said in a played exercise (HSEEP discussion)."""

    raised: list[Raised]
    reasons: list[str]
    """Each reason a seat gave with a decision, in a sentence."""
    questions: list[str]
    """Each inject's discussion questions, with when and for whom."""


@dataclass
class AfterAction:
    """Everything the AAR/IP says, ready to render."""

    name: str
    dates: str
    hazard: str
    scope: str
    organisations: list[str]
    summary: str
    mission_area: str
    objectives: list[str]
    scenario_summary: str
    contacts: list[Contact]
    capabilities: list[CapabilityRow]
    strengths: list[Finding]
    findings: list[Finding]
    plan: list[PlanRow] = field(default_factory=list)
    plan_note: str = ""
    said: Said | None = None
    """What the room said (a played exercise's session only)."""


@dataclass(frozen=True)
class Context:
    """What finders read: the run, its incident rows and summary, names."""

    scenario: Scenario
    run: RunLog
    rows: list[IncidentRow]
    summary: dict[str, Any]
    names: Names

    def late_person_hours(self, rows: list[IncidentRow]) -> float:
        """People × hours waited beyond the target, over incidents whose target came."""
        total = 0.0
        for r in rows:
            if r.counted:
                late = r.waited_min(self.run.horizon_min) - r.info.target_min
                total += weight(r) * max(0.0, late) / 60
        return total


def weight(row: IncidentRow) -> int:
    """What an incident's waiting counts for: its people, and at least one (a fire)."""
    return max(1, row.info.people)


def people(count: int) -> str:
    """ "1 person", "12 people"."""
    return f"{count:,} {'person' if count == 1 else 'people'}"


def incidents(count: int) -> str:
    """ "1 incident", "12 incidents"."""
    return counted(count, "incident")


def counted(count: int, word: str) -> str:
    """ "1 unit", "3 units": a count and its noun, singular or plural (with an "s")."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


HAZARD_WORDS = ("wildfire", "flash flood", "flood", "storm", "landslide", "earthquake", "fire")


def hazard_of(scenario: Scenario, run: RunLog) -> str:
    """The hazard exercised: the fire or the flood the run modelled, else the first
    hazard the scenario's name or description names."""
    if run.fire:
        return "wildfire"
    text = f"{scenario.scenario.name} {scenario.scenario.description}".lower()
    named = next((word for word in HAZARD_WORDS if word in text), None)
    if named:
        return named
    return "flood" if run.gauges else "incidents of several kinds"


RELEVANT_KM = 60.0
"""A crossing farther than this from every incident and every unit that moved is not
reported as unused: nobody would have taken it."""


def _hours(minutes: float | None) -> str:
    return "—" if minutes is None or math.isnan(minutes) else format_duration(minutes)


def capability_findings(ctx: Context) -> list[Finding]:
    """Each capability target rated below P: its share within target and what it cost."""
    found = []
    for need in ctx.scenario.needs:
        rows = [r for r in ctx.rows if r.info.need == need.id and r.counted]
        if not rows:
            continue
        met = sum(r.within_target for r in rows)
        share = met / len(rows)
        low, high = wilson_interval(met, len(rows))
        letter = rating(share)
        text = (
            f"In replication 0, {met} of {incidents(len(rows))} ({share:.0%}, 95 % CI {low:.0%} "
            f"to {high:.0%}) had their first unit on scene within {_hours(need.target)}"
        )
        across = ctx.summary.get("replications")
        key = f"by_need.{need.id}.within_target"
        if across and key in across["kpis"] and across["kpis"][key]["mean"] is not None:
            letter = rating(across["kpis"][key]["mean"])
            text += (
                f"; over {across['n']} replications {with_ci('within_target', across['kpis'][key])}"
            )
        if letter == "P":
            continue  # a strength (``_strengths``), not an area for improvement
        title = f"{need.name}: rated {letter} ({RATING_NAMES[letter]})"
        found.append(
            Finding(
                title,
                text + ".",
                ctx.late_person_hours(rows),
                "by-need",
                "capability targets table",
            )
        )
    return found


def delay_findings(ctx: Context) -> list[Finding]:
    """The largest delay beyond target and its cause, and the cause that cost the most over
    the incidents that missed their target (an incident that met it is no area to improve)."""
    served = [r for r in ctx.rows if r.served and r.counted and not r.within_target]
    if not served:
        return []
    worst = max(served, key=lambda r: r.response_min)
    part = max(COMPONENTS, key=lambda c: worst.parts[c])
    who = (
        f"{people(worst.info.people)} waited"
        if worst.info.people
        else f"The {ctx.names.needs.get(worst.info.need, worst.info.need).lower()} waited"
    )
    found = [
        Finding(
            f"Largest delay: {_hours(worst.response_min)} at {worst.info.place_name}",
            f"{who} {_hours(worst.response_min)} for the first unit "
            f"({ctx.names.unit_in_full(worst.first_unit)}); the largest part was "
            f"{COMPONENT_NAMES[part]}: {_hours(worst.parts[part])}.",
            ctx.late_person_hours([worst]),
            "stages",
            "chart of where the time went, by cause",
        )
    ]
    person_hours = {
        c: sum(weight(r) * r.parts[c] for r in served) / 60 for c in COMPONENTS if c != "travel"
    }
    cause = max(person_hours, key=lambda c: person_hours[c])
    if person_hours[cause] > 0:
        mean = sum(r.parts[cause] for r in served) / len(served)
        most = max(served, key=lambda r: weight(r) * r.parts[cause])
        found.append(
            Finding(
                f"Most waiting beyond target was {COMPONENT_NAMES[cause]}",
                f"{COMPONENT_NAMES[cause].capitalize()} took {_hours(mean)} on average over "
                f"the {incidents(len(served))} reached after their target: "
                f"{person_hours[cause]:,.0f} person-hours of the people's wait, the most at "
                f"{most.info.place_name} ({people(weight(most))}, "
                f"{_hours(most.parts[cause])}).",
                person_hours[cause],
                "stages",
                "chart of where the time went, by cause",
            )
        )
    return found


def unit_findings(ctx: Context) -> list[Finding]:
    """Overloaded units, and units never tasked while incidents waited for a free unit."""
    units = ctx.summary["utilisation"]["units"]
    overloaded = [u for u in units if u["utilisation"] > OVERLOADED]
    idle = [u for u in units if not u["tasks"]]
    waiting = sum(weight(r) * r.parts["waiting_for_unit"] for r in ctx.rows if r.served) / 60
    found = []
    if overloaded:
        names = "; ".join(ctx.names.unit_in_full(u["unit"]) for u in overloaded[:6])
        more = f" and {len(overloaded) - 6} more" if len(overloaded) > 6 else ""
        found.append(
            Finding(
                f"{counted(len(overloaded), 'unit')} overloaded "
                f"(tasked over {OVERLOADED:.0%} of the time)",
                f"{names}{more}. Meanwhile incidents waited {waiting:,.0f} person-hours for a "
                "free unit (counted in the cost of waiting for a free unit, not again here).",
                None,
                "units",
                "unit timeline",
            )
        )
    if idle and waiting >= 1:
        nations = sorted({u["nation"] for u in idle})
        by_nation = {n: sum(u["nation"] == n for u in idle) for n in nations}
        listed = ", ".join(f"{ctx.names.nations.get(k, k)}: {v}" for k, v in by_nation.items())
        found.append(
            Finding(
                f"{counted(len(idle), 'unit')} never tasked",
                f"Never tasked ({listed}) while incidents waited {waiting:,.0f} person-hours for "
                "a free unit: capacity a request or a standing arrangement could have used.",
                None,
                "units",
                "unit timeline",
            )
        )
    return found


def crossing_findings(ctx: Context) -> list[Finding]:
    """Crossings near the exercise, between nations that asked each other for help, that
    no deployment used (or any crossing closed), and why; requests refused or withdrawn."""
    used = ctx.summary["crossings"]
    found = []
    near = _exercise_points(ctx)
    requests = ctx.summary["cross_border"]["requests"]
    nation = {p.id: p.nation for p in ctx.scenario.places}
    nations_of = {c.id: {nation.get(p, "") for p in c.posts} for c in ctx.scenario.crossings}
    for crossing in ctx.scenario.crossings:
        c = used.get(crossing.id)
        if c and c["passages"]:
            continue
        asked = any({a, b} == nations_of[crossing.id] for a, b in (p.split(">") for p in requests))
        relevant = asked and _within(ctx, crossing.posts, near, RELEVANT_KM)
        if not (c and c["closures"]) and not relevant:
            continue
        why = (
            "it was closed " + ("once" if c["closures"] == 1 else f"{c['closures']} times")
            if c and c["closures"]
            else "no unit was routed through it (no request needed it, or another way was faster)"
        )
        found.append(
            Finding(
                f"Crossing never used: {crossing.name}",
                f"No deployment crossed here; {why}.",
                None,
                "crossings",
                "border crossings table",
            )
        )
    for pair, r in requests.items():
        unused = r["refused"] + r["withdrawn"]
        if unused:
            asking, asked = pair.split(">")
            found.append(
                Finding(
                    f"Requests {asking} › {asked} not used: {r['refused']} refused, "
                    f"{r['withdrawn']} withdrawn",
                    f"Of {counted(r['requested'], 'request')}, "
                    f"{r['approved']} {'was' if r['approved'] == 1 else 'were'} approved"
                    + (
                        "; a refused one was declined by the nation asked (its units kept at "
                        "home, or no clearance)"
                        if r["refused"]
                        else ""
                    )
                    + (
                        "; a withdrawn one arrived after the incident no longer needed anyone"
                        if r["withdrawn"]
                        else ""
                    )
                    + f" (mean report to request {_hours(r['request_mean_min'])}).",
                    None,
                    "cross-border",
                    "cross-border requests table",
                )
            )
    return found


def _exercise_points(ctx: Context) -> set[str]:
    """The places the run used: its incidents and the bases of the units that moved."""
    bases = {u: g.base for g in ctx.scenario.units for u in g.unit_ids()}
    return {r.info.place for r in ctx.rows} | {
        bases[u] for r in ctx.rows for u in r.units if u in bases
    }


def _within(ctx: Context, posts: tuple[str, str], points: set[str], km: float) -> bool:
    """Whether a post is within ``km`` (great circle) of one of ``points``."""
    from sim.world.geography import great_circle_km

    where = {p.id: (p.lat, p.lon) for p in ctx.scenario.places}
    return any(
        great_circle_km(*where[post], *where[point]) <= km
        for post in posts
        for point in points
        if post in where and point in where
    )


def chain_findings(ctx: Context) -> list[Finding]:
    """The cross-border chain of each pair of nations, told for its first incident reached:
    request sent, received by the other side (after interpreting), approved, border
    crossed, help on scene. A chain that missed the target is an area for improvement
    (its strength counterpart is in ``_strengths``)."""
    return [f for f, met in _chains(ctx) if not met]


def _chains(ctx: Context) -> list[tuple[Finding, bool]]:
    nation_of = {u: g.nation for g in ctx.scenario.units for u in g.unit_ids()}
    flying = {u.id for u in ctx.run.units if u.mode == "air"}
    eoc_of = {n.code: n.eocs[0].name for n in ctx.scenario.nations}
    clock = _clock(ctx.run)
    rows = {r.info.id: r for r in ctx.rows}
    steps: dict[tuple[int, str], dict[str, Any]] = {}
    for t, event, incident, unit, detail in ctx.run.events:
        if event == "message_sent" and detail.startswith("request "):
            pair = detail.split()[1]
            steps.setdefault((incident, pair), {"sent": t})
        elif event in ("message_interpreted", "message_delivered") and detail.startswith(
            "request "
        ):
            key = (incident, detail.split()[1])
            if key in steps:
                steps[key].setdefault(event, t)
        elif event == "approved" and (incident, detail) in steps:
            steps[(incident, detail)].setdefault("approved", t)
        elif event in ("border_cleared", "on_scene"):
            for (i, pair), chain in steps.items():
                if i == incident and nation_of.get(unit) == pair.split(">")[1]:
                    if event == "border_cleared":
                        chain.setdefault("crossed", {}).setdefault(unit, (t, detail))
                    else:
                        chain.setdefault("on_scene", (t, unit))
    found: list[tuple[Finding, bool]] = []
    told: set[str] = set()
    for (incident, pair), chain in sorted(steps.items(), key=lambda kv: kv[1]["sent"]):
        row = rows.get(incident)
        if pair in told or row is None or "on_scene" not in chain or "approved" not in chain:
            continue
        told.add(pair)
        asking, helper = pair.split(">")
        reached = chain.get("message_delivered", chain["sent"])
        interpreted = " after interpreting" if "message_interpreted" in chain else ""
        parts = [
            f"request {clock(chain['sent'])}",
            f"reached {eoc_of.get(helper, helper)} {clock(reached)}{interpreted}",
            f"approved {clock(chain['approved'])}",
        ]
        t, unit = chain["on_scene"]
        crossed = chain.get("crossed", {}).get(unit)  # by the unit first on scene
        if crossed is not None:
            at, crossing = crossed
            parts.append(f"crossed at {ctx.names.crossings.get(crossing, crossing)} {clock(at)}")
        elif unit in flying:
            parts.append("flew across the border")
        parts.append(f"{ctx.names.unit_in_full(unit)} on scene {clock(t)}")
        met = bool(row.counted and row.within_target)
        verdict = "within" if met else "beyond"
        found.append(
            (
                Finding(
                    f"Cross-border chain {ctx.names.nations.get(asking, asking)} › "
                    f"{ctx.names.nations.get(helper, helper)} at {row.info.place_name}",
                    " → ".join(parts)
                    + f": help on scene {_hours(t - row.at['occurred'])} after the incident, "
                    f"{verdict} the target of {_hours(row.info.target_min)}.",
                    None if met else ctx.late_person_hours([row]),
                    "cross-border",
                    "cross-border tables",
                ),
                met,
            )
        )
    return found


def _clock(run: RunLog) -> Callable[[float], str]:
    from sim.report.msel import run_clock

    return run_clock(run)


def unserved_findings(ctx: Context) -> list[Finding]:
    """Incidents nobody reached, and the people still waiting at the end."""
    rows = [r for r in ctx.rows if r.unserved]
    if not rows:
        return []
    left = sum(r.info.people - r.carried for r in rows)
    cost = sum(
        max(1, r.info.people - r.carried) * (ctx.run.horizon_min - r.at["occurred"]) / 60
        for r in rows
    )
    places = ", ".join(sorted({r.info.place_name for r in rows})[:5])
    return [
        Finding(
            f"{incidents(len(rows))} unserved at the end",
            f"No unit reached {places}; {people(left)} there were still waiting when the "
            "exercise ended.",
            cost,
            "map",
            "map (red crosses)",
        )
    ]


def decision_findings(ctx: Context) -> list[Finding]:
    """Why incidents waited with nobody on the way, and requests that went unanswered."""
    from sim.report.decisions import REASONS

    decisions = ctx.summary["decisions"]
    found = []
    holds = sorted(decisions["hold_min"].items(), key=lambda kv: -kv[1])
    if holds:
        reason, minutes = holds[0]
        found.append(
            Finding(
                f"Incidents waited {_hours(minutes)} in all with nobody on the way",
                f"The main reason: {REASONS.get(reason, reason)}. (Counted as incident time, "
                "not people; the cost is in the waits for a free unit and unserved incidents.)",
                None,
                "decisions",
                "decisions table",
            )
        )
    unanswered = decisions["by_kind"].get("ask", {}).get("unanswered", 0)
    if unanswered:
        found.append(
            Finding(
                f"{counted(unanswered, 'request')} unanswered long enough for another nation "
                "to be asked",
                "A request that stays unanswered ties an incident to help that may not come; "
                "a channel or a pre-authorisation shortens the wait for an answer.",
                None,
                "decisions",
                "decisions table",
            )
        )
    return found


Finder = Callable[[Context], list[Finding]]
FINDERS: tuple[Finder, ...] = (
    capability_findings,
    delay_findings,
    unit_findings,
    unserved_findings,
    crossing_findings,
    chain_findings,
    decision_findings,
)
"""Every finder, each reading the run's analysis; findings are ranked by cost together."""


def _strengths(ctx: Context) -> list[Finding]:
    found = []
    for need in ctx.scenario.needs:
        rows = [r for r in ctx.rows if r.info.need == need.id and r.counted]
        if rows:
            share = sum(r.within_target for r in rows) / len(rows)
            text = f"In replication 0, {share:.0%} of {incidents(len(rows))} met the target"
            across = ctx.summary.get("replications")
            key = f"by_need.{need.id}.within_target"
            if across and key in across["kpis"] and across["kpis"][key]["mean"] is not None:
                share = across["kpis"][key]["mean"]  # rated as the capability findings are
                text += f"; over {across['n']} replications {share:.0%}"
            if rating(share) == "P":
                found.append(
                    Finding(
                        f"{need.name}: rated P ({RATING_NAMES['P']})",
                        f"{text} (target {_hours(need.target)}).",
                        None,
                        "by-need",
                        "capability targets table",
                    )
                )
    found += [f for f, met in _chains(ctx) if met]
    for pair, f in ctx.summary["cross_border"]["first_on_scene"].items():
        asking, helper = pair.split(">")
        found.append(
            Finding(
                f"Help across the border: {ctx.names.nations.get(helper, helper)} was first on "
                f"scene in {ctx.names.nations.get(asking, asking)}",
                f"{incidents(f['incidents'])}, after a mean {_hours(f['request_mean_min'])} "
                f"to request and {_hours(f['approval_mean_min'])} to approve.",
                None,
                "cross-border",
                "cross-border tables",
            )
        )
    return found


def after_action(
    scenario: Scenario,
    run: RunLog,
    rows: list[IncidentRow],
    summary: dict[str, Any],
    assessment: dict[str, Any] | None = None,
) -> AfterAction:
    """The AAR/IP of a run; ``assessment`` (an assess experiment's summary) adds the plan."""
    names = Names.of(scenario)
    ctx = Context(scenario, run, rows, summary, names)
    findings = [f for finder in FINDERS for f in finder(ctx)]
    findings.sort(key=lambda f: (f.cost_person_hours is None, -(f.cost_person_hours or 0.0)))
    overall = summary["overall"]
    across = summary.get("replications")
    counted = [r for r in rows if r.counted]
    met = sum(r.within_target for r in counted)
    hazard = hazard_of(scenario, run)
    text = (
        f"{overall['incidents']} incidents affecting {people(overall['people'])} over "
        f"{format_duration(run.horizon_min)}. The first unit was on scene within the capability "
        f"target for {met} of {len(counted)} incidents"
        + (
            f" ({met / len(counted):.0%}, 95 % CI {wilson_interval(met, len(counted))[0]:.0%} to "
            f"{wilson_interval(met, len(counted))[1]:.0%})"
            if counted
            else ""
        )
        + f"; {overall['unserved']} unserved and {people(overall['people_waiting_at_end'])} "
        "still waiting at the end (replication 0)."
    )
    if across:
        text += (
            f" Over {across['n']} replications: median wait for help "
            f"{with_ci('response_median_min', across['kpis']['response_median_min'])}, within "
            f"target {with_ci('within_target', across['kpis']['within_target'])}."
        )
    if findings and findings[0].cost_person_hours:
        title = findings[0].title
        text += f" The costliest finding: {title[0].lower()}{title[1:]}."
    start = run.start[:10]
    aar = AfterAction(
        name=scenario.scenario.name,
        dates=f"{start}, {format_duration(run.horizon_min)} simulated",
        hazard=hazard,
        scope="Tabletop exercise of joint disaster response across the "
        + ", ".join(n.name for n in scenario.nations)
        + " border (simulated with borderdrill)",
        organisations=[f"{n.name}: {n.agency}" for n in scenario.nations]
        + sorted({f"{g.agency} ({g.nation})" for g in scenario.units}),
        summary=text,
        mission_area=MISSION_AREA,
        objectives=objectives(scenario),
        scenario_summary=_scenario_summary(scenario, run, hazard),
        contacts=contacts(scenario),
        capabilities=_capabilities(ctx, across),
        strengths=_strengths(ctx),
        findings=findings,
    )
    discussion = summary.get("players", {}).get("discussion")
    if discussion is not None:
        aar.said = said(ctx, discussion, aar.capabilities)
    if assessment is not None:
        aar.plan, aar.plan_note = improvement_plan(scenario, assessment)
    else:
        aar.plan_note = EMPTY_PLAN
    return aar


def said(ctx: Context, discussion: dict[str, Any], rated: list[CapabilityRow]) -> Said:
    """What the room said (``sim.play.discussion.record``), by capability target."""
    from sim.play.discussion import HOTWASH_KINDS, ROOM
    from sim.report.decisions import _player_decision

    clock, nations = _clock(ctx.run), ctx.names.nations

    def who(seat: str) -> str:
        if seat == ROOM:
            return "the room"
        return "the joint centre" if seat == "JCC" else nations.get(seat, seat)

    raised = []
    for need, row in zip(ctx.scenario.needs, rated, strict=True):
        points = {kind: [] for kind in HOTWASH_KINDS}  # type: dict[str, list[str]]
        for h in discussion["hotwash"]:
            if h["target"] == need.id:
                points[h["kind"]].append(f"{h['text']} (raised by {who(h['raised_by'])})")
        notes = [
            f"{n['text']} ({who(n['seat'])}'s seat, {clock(n['at'])})"
            for n in discussion["notes"]
            if n["target"] == need.id
        ]
        if notes or any(points.values()):
            target = f"{need.name}{f' ({need.core_capability})' if need.core_capability else ''}"
            named = RATING_NAMES.get(row.rating)
            shown = f"{row.rating} ({named})" if named else row.rating
            raised.append(Raised(target, shown, points["strength"], points["improvement"], notes))
    reasons = []
    for r in discussion["reasons"]:
        kind = r["kind"] or r["action"]  # a decision's kind, or the action taken
        place_id = str(r["subject"]).split("/")[0]
        place = ctx.names.places.get(place_id, place_id)
        what = _player_decision(kind, r["choice"], place, ctx.names)
        about = f" ({place})" if kind not in ("arrange", "evacuate") else ""
        reasons.append(f"{clock(r['at'])}, {who(r['seat'])} {what}{about}: “{r['reason']}”")
    questions = [
        f"Inject {q['inject'] + 1}, {clock(q['at'])}, for "
        + ", ".join(who(s) for s in q["for"])
        + ": "
        + " ".join(q["questions"])
        for q in discussion["questions"]
    ]
    return Said(raised, reasons, questions)


MISSION_AREA = "Response"
"""The HSEEP mission area: what the simulation measures is the response."""

EMPTY_PLAN = (
    "No assessment was run, so no corrective action has been measured yet. To fill the plan: "
    "run again with --assess (or --assess-from an assess folder), which measures what "
    "changing each coordination arrangement would do and writes a row for each that helps "
    "clearly; or, after the hot wash, write a row for each area for improvement above: the "
    "core capability, the corrective action, the organisation that owns it, and its start "
    "and completion dates."
)
"""What the improvement plan says when no assessment measured it, and how to fill it."""


def objectives(scenario: Scenario) -> list[str]:
    """One objective per capability target of the scenario, measurable as the report rates it."""
    floor = RATINGS[0][0]
    return [
        f"{need.core_capability or need.name}: for at least {floor:.0%} of the incidents of "
        f"{need.name[0].lower()}{need.name[1:]}, the first unit on scene within "
        f"{_hours(need.target)} of the incident"
        for need in scenario.needs
    ]


def _scenario_summary(scenario: Scenario, run: RunLog, hazard: str) -> str:
    info = scenario.scenario
    start = datetime.fromisoformat(run.start).strftime("%a %d %b %Y %H:%M")
    text = f"{info.description} " if info.description else ""
    return text + (
        f"A {hazard} exercise from {start} (UTC+7) for {format_duration(run.horizon_min)}: "
        f"{counted(len(scenario.injects), 'inject')} in the MSEL, "
        f"{counted(len(scenario.units), 'group')} of units of "
        + ", ".join(n.name for n in scenario.nations)
        + "."
    )


def contacts(scenario: Scenario) -> list[Contact]:
    """Each nation's agency and EOCs, where the planner adds the person to call."""
    places = {p.id: p.name for p in scenario.places}
    return [
        Contact(nation.name, nation.agency, eoc.name, places.get(eoc.place, eoc.place))
        for nation in scenario.nations
        for eoc in nation.eocs
    ]


def _capabilities(ctx: Context, across: dict[str, Any] | None) -> list[CapabilityRow]:
    rows = []
    for need in ctx.scenario.needs:
        mine = [r for r in ctx.rows if r.info.need == need.id and r.counted]
        share: float | None = sum(r.within_target for r in mine) / len(mine) if mine else None
        shown = "—" if share is None else f"{share:.0%}"
        if across and f"by_need.{need.id}.within_target" in across["kpis"]:
            estimate = across["kpis"][f"by_need.{need.id}.within_target"]
            share = estimate["mean"]
            shown = with_ci("within_target", estimate)
        rows.append(
            CapabilityRow(
                need.name,
                need.core_capability or "—",
                _hours(need.target),
                len(mine),
                shown,
                rating(share),
            )
        )
    return rows


def _owners(scenario: Scenario, mechanism: str) -> str:
    agencies = [f"{n.agency} ({n.code})" for n in scenario.nations]
    if mechanism == "joint_centre":
        return "AHA Centre with " + ", ".join(agencies)
    if mechanism == "military_comms":
        return "armed forces liaison of " + ", ".join(n.name for n in scenario.nations)
    if mechanism == "border_operations":
        return "customs, immigration and quarantine at " + ", ".join(
            c.name for c in scenario.crossings
        )
    if mechanism == "local_authorities":
        return "provincial and district authorities of " + ", ".join(
            n.name for n in scenario.nations
        )
    return ", ".join(agencies)


def improvement_plan(scenario: Scenario, assessment: dict[str, Any]) -> tuple[list[PlanRow], str]:
    """Plan rows for the arrangements whose change measurably shortened the wait for help
    or left fewer people waiting (95 % CI clear of zero), largest effect first."""
    rows: list[tuple[float, PlanRow]] = []
    n = assessment.get("replications", 0)
    for variant, diff in assessment["differences"].items():
        mechanism, _, switch = variant.rpartition(" ")
        if mechanism not in MECHANISM_NAMES:
            continue
        median, waiting = diff["response_median_min"], diff["people_waiting_at_end"]
        faster = median["ci_high"] is not None and median["ci_high"] < 0
        fewer = waiting["ci_high"] is not None and waiting["ci_high"] < 0
        if not (faster or fewer):
            continue
        verb = "Put in place" if switch == "on" else "Reconsider"
        rows.append(
            (
                median["mean"] or 0.0,
                PlanRow(
                    capability=MECHANISM_CAPABILITIES[mechanism],
                    area=("without " if switch == "on" else "with ") + MECHANISM_NAMES[mechanism],
                    action=f"{verb}: {MECHANISM_NAMES[mechanism]}",
                    owners=_owners(scenario, mechanism),
                    effect=with_ci("response_median_min", median, difference=True),
                    effect_waiting=with_ci("people_waiting_at_end", waiting, difference=True),
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    note = (
        f"From an assessment of {n} replications a variant on common random numbers: each "
        "arrangement switched in turn from the scenario's setting. Listed: those whose 95 % "
        "confidence interval shows a shorter median wait for help or fewer people still waiting. "
        "Start and completion dates are for the planners to set."
    )
    if not rows:
        note += " No arrangement had an effect clear of zero in this assessment."
    return [r for _, r in rows], note

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
from sim.i18n import N_, Translator, translator
from sim.log import RunLog
from sim.report.estimates import MECHANISM_NAMES, with_ci
from sim.report.marking import name_words
from sim.report.names import Names, in_script
from sim.scenario import Scenario
from sim.scenario.text import text_in

RATINGS = ((0.9, "P"), (0.75, "S"), (0.5, "M"), (0.0, "U"))
"""HSEEP ratings by the share of incidents that met their capability target (at least ...)."""

RATING_NAMES = {
    "P": N_("performed without challenges"),
    "S": N_("performed with some challenges"),
    "M": N_("performed with major challenges"),
    "U": N_("unable to be performed"),
}

MECHANISM_CAPABILITIES = {
    "channels": N_("Operational Communications"),
    "military_comms": N_("Operational Communications"),
    "language": N_("Operational Communications"),
    "information_sharing": N_("Intelligence and Information Sharing"),
    "mutual_assistance": N_("Operational Coordination"),
    "joint_centre": N_("Operational Coordination"),
    "joint_teams": N_("Mass Search and Rescue Operations"),
    "border_operations": N_("Logistics and Supply Chain Management"),
    "joint_training": N_("Operational Coordination"),
    "local_authorities": N_("Critical Transportation"),
}
"""The core capability each coordination arrangement serves."""

CORE_CAPABILITIES = (
    N_("Mass Search and Rescue Operations"),
    N_("Public Health, Healthcare and Emergency Medical Services"),
    N_("Critical Transportation"),
    N_("Fire Management and Suppression"),
    N_("Operational Coordination"),
    N_("Operational Communications"),
)
"""HSEEP core capabilities the library's needs name: a scenario's ``core_capability`` is
shown translated when it is one of these (or of ``MECHANISM_CAPABILITIES``)."""


def rating(share: float | None) -> str:
    """The HSEEP rating (P, S, M, U) of a share of incidents within target."""
    if share is None or math.isnan(share):
        return "—"
    return next(letter for floor, letter in RATINGS if share >= floor)


def rating_rule(t: Translator | None = None) -> str:
    """The rating rule in words, in the reader's language."""
    t = t or translator()
    rules = [
        t(
            "%(letter)s (%(meaning)s) at %(share)s or more",
            letter=letter,
            meaning=t(RATING_NAMES[letter]),
            share=t.percent(floor),
        )
        for floor, letter in RATINGS[:-1]
    ]
    below = t(
        "%(letter)s (%(meaning)s) below %(share)s",
        letter="U",
        meaning=t(RATING_NAMES["U"]),
        share=t.percent(RATINGS[-2][0]),
    )
    return "; ".join([*rules, below])


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
    name_words: tuple[str, ...] = ()
    """The words of names a printed line must not cut (``sim.report.marking.name_words``)."""


@dataclass(frozen=True)
class Context:
    """What finders read: the run, its incident rows and summary, names."""

    scenario: Scenario
    run: RunLog
    rows: list[IncidentRow]
    summary: dict[str, Any]
    names: Names
    t: Translator

    @property
    def reached_late(self) -> list[IncidentRow]:
        """The incidents help reached after their target: the areas to improve."""
        return [r for r in self.rows if r.served and r.counted and not r.within_target]

    def late_person_hours(self, rows: list[IncidentRow]) -> float:
        """People × hours waited beyond the target, over incidents whose target came."""
        return sum(r.late_person_hours for r in rows)


def people(count: int, t: Translator | None = None) -> str:
    """ "1 person", "12 people"."""
    t = t or translator()
    return t.ngettext("%(num)s person", "%(num)s people", count)


def incidents(count: int, t: Translator | None = None) -> str:
    """ "1 incident", "12 incidents"."""
    return counted(count, "incident", t)


COUNTED: dict[str, Callable[[Translator, int], str]] = {
    "incident": lambda t, n: t.ngettext("%(num)s incident", "%(num)s incidents", n),
    "unit": lambda t, n: t.ngettext("%(num)s unit", "%(num)s units", n),
    "request": lambda t, n: t.ngettext("%(num)s request", "%(num)s requests", n),
    "inject": lambda t, n: t.ngettext("%(num)s inject", "%(num)s injects", n),
    "group": lambda t, n: t.ngettext("%(num)s group", "%(num)s groups", n),
    "channel outage": lambda t, n: t.ngettext(
        "%(num)s channel outage", "%(num)s channel outages", n
    ),
    "village evacuation order": lambda t, n: t.ngettext(
        "%(num)s village evacuation order", "%(num)s village evacuation orders", n
    ),
    "warning": lambda t, n: t.ngettext("%(num)s warning", "%(num)s warnings", n),
}
"""The nouns the report counts, each with its singular and plural (for translation)."""


def counted(count: int, word: str, t: Translator | None = None) -> str:
    """ "1 unit", "3 units": a count and its noun, singular or plural, in the reader's
    language (a noun not in ``COUNTED`` takes an "s")."""
    t = t or translator()
    if word in COUNTED:
        return COUNTED[word](t, count)
    return f"{t.number(count)} {word}{'' if count == 1 else 's'}"


HAZARD_WORDS = ("wildfire", "flash flood", "flood", "storm", "landslide", "earthquake", "fire")

HAZARD_NAMES = {
    "wildfire": N_("wildfire"),
    "flash flood": N_("flash flood"),
    "flood": N_("flood"),
    "storm": N_("storm"),
    "landslide": N_("landslide"),
    "earthquake": N_("earthquake"),
    "fire": N_("fire"),
    "incidents of several kinds": N_("incidents of several kinds"),
}
"""Each hazard's word, for translation."""


def hazard_of(scenario: Scenario, run: RunLog) -> str:
    """The hazard exercised: the fire or the flood the run modelled, else the first
    hazard the scenario's name or description names."""
    if run.fire:
        return "wildfire"
    info = scenario.scenario
    text = f"{info.name.en} {text_in(info.description, 'en')}".lower()
    named = next((word for word in HAZARD_WORDS if word in text), None)
    if named:
        return named
    return "flood" if run.gauges else "incidents of several kinds"


RELEVANT_KM = 60.0
"""A crossing farther than this from every incident and every unit that moved is not
reported as unused: nobody would have taken it."""


def _hours(minutes: float | None, t: Translator | None = None) -> str:
    return (t or translator()).duration(minutes)


def capability_findings(ctx: Context) -> list[Finding]:
    """Each capability target rated below P: its share within target and what it cost."""
    t = ctx.t
    found = []
    for need in ctx.scenario.needs:
        rows = [r for r in ctx.rows if r.info.need == need.id and r.counted]
        if not rows:
            continue
        met = sum(r.within_target for r in rows)
        share = met / len(rows)
        low, high = wilson_interval(met, len(rows))
        letter = rating(share)
        cost = ctx.late_person_hours(rows)
        text = t(
            "In replication 0, %(met)s of %(incidents)s (%(share)s, 95 %% CI %(low)s to "
            "%(high)s) had their first unit on scene within %(target)s",
            met=met,
            incidents=incidents(len(rows), t),
            share=t.percent(share),
            low=t.percent(low),
            high=t.percent(high),
            target=_hours(need.target, t),
        )
        across = ctx.summary.get("replications")
        key = f"by_need.{need.id}.within_target"
        if across and key in across["kpis"] and across["kpis"][key]["mean"] is not None:
            letter = rating(across["kpis"][key]["mean"])
            text += t(
                "; over %(n)s replications %(share)s",
                n=across["n"],
                share=with_ci("within_target", across["kpis"][key], t=t),
            )
            late = across["kpis"].get(f"by_need.{need.id}.late_person_hours")
            if late and late["mean"] is not None:  # the cost of the same replications
                cost = late["mean"]
                text += t(
                    "; waiting beyond the target cost a mean of %(hours)s person-hours a "
                    "replication (95 %% CI %(low)s to %(high)s)",
                    hours=t.number(cost),
                    low=t.number(_or_nan(late["ci_low"])),
                    high=t.number(_or_nan(late["ci_high"])),
                )
        if letter == "P":
            continue  # a strength (``_strengths``), not an area for improvement
        title = t(
            "%(need)s: rated %(letter)s (%(meaning)s)",
            need=ctx.names.needs.get(need.id, need.name),
            letter=letter,
            meaning=t(RATING_NAMES[letter]),
        )
        found.append(
            Finding(
                title,
                text + t("."),
                cost,
                "by-need",
                t("capability targets table"),
            )
        )
    return found


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def delay_findings(ctx: Context) -> list[Finding]:
    """The largest delay beyond target and its cause, and the cause that cost the most over
    the incidents that missed their target (an incident that met it is no area to improve)."""
    t = ctx.t
    served = ctx.reached_late
    if not served:
        return []
    worst = max(served, key=lambda r: r.response_min)
    part = max(COMPONENTS, key=lambda c: worst.parts[c])
    place = ctx.names.place(worst.info.place)
    if worst.info.people:
        who = t("%(people)s waited", people=people(worst.info.people, t))
    else:
        who = t("The %(need)s waited", need=ctx.names.needs.get(worst.info.need, worst.info.need))
    found = [
        Finding(
            t(
                "Largest delay: %(time)s at %(place)s",
                time=_hours(worst.response_min, t),
                place=place,
            ),
            t(
                "%(who)s %(time)s for the first unit (%(unit)s); the largest part was "
                "%(part)s: %(part_time)s.",
                who=who,
                time=_hours(worst.response_min, t),
                unit=ctx.names.unit_in_full(worst.first_unit),
                part=t(COMPONENT_NAMES[part]),
                part_time=_hours(worst.parts[part], t),
            ),
            ctx.late_person_hours([worst]),
            "stages",
            t("chart of where the time went, by cause"),
        )
    ]
    person_hours = {
        c: sum(r.weight * r.parts[c] for r in served) / 60 for c in COMPONENTS if c != "travel"
    }
    cause = max(person_hours, key=lambda c: person_hours[c])
    if person_hours[cause] > 0:
        mean = sum(r.parts[cause] for r in served) / len(served)
        most = max(served, key=lambda r: r.weight * r.parts[cause])
        found.append(
            Finding(
                t("Most waiting beyond target was %(cause)s", cause=t(COMPONENT_NAMES[cause])),
                t(
                    "%(cause)s took %(mean)s on average over the %(incidents)s reached after "
                    "their target: %(hours)s person-hours of the people's wait, the most at "
                    "%(place)s (%(people)s, %(time)s).",
                    cause=_capitalised(t(COMPONENT_NAMES[cause])),
                    mean=_hours(mean, t),
                    incidents=incidents(len(served), t),
                    hours=t.number(person_hours[cause]),
                    place=ctx.names.place(most.info.place),
                    people=people(most.weight, t),
                    time=_hours(most.parts[cause], t),
                ),
                person_hours[cause],
                "stages",
                t("chart of where the time went, by cause"),
            )
        )
    return found


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def unit_findings(ctx: Context) -> list[Finding]:
    """Overloaded units, and units never tasked while incidents waited for a free unit."""
    t = ctx.t
    units = ctx.summary["utilisation"]["units"]
    overloaded = [u for u in units if u["utilisation"] > OVERLOADED]
    idle = [u for u in units if not u["tasks"]]
    # as the cost of waiting for a free unit among the causes of delay counts it
    waiting = sum(r.weight * r.parts["waiting_for_unit"] for r in ctx.reached_late) / 60
    found = []
    if overloaded:
        names = "; ".join(ctx.names.unit_in_full(u["unit"]) for u in overloaded[:6])
        more = t(" and %(n)s more", n=len(overloaded) - 6) if len(overloaded) > 6 else ""
        found.append(
            Finding(
                t(
                    "%(units)s overloaded (tasked over %(share)s of the time)",
                    units=counted(len(overloaded), "unit", t),
                    share=t.percent(OVERLOADED),
                ),
                t(
                    "%(names)s%(more)s. Meanwhile incidents waited %(hours)s person-hours for a "
                    "free unit (counted in the cost of waiting for a free unit, not again here).",
                    names=names,
                    more=more,
                    hours=t.number(waiting),
                ),
                None,
                "units",
                t("unit timeline"),
            )
        )
    if idle and waiting >= 1:
        nations = sorted({u["nation"] for u in idle})
        by_nation = {n: sum(u["nation"] == n for u in idle) for n in nations}
        listed = ", ".join(f"{ctx.names.nations.get(k, k)}: {v}" for k, v in by_nation.items())
        found.append(
            Finding(
                t("%(units)s never tasked", units=counted(len(idle), "unit", t)),
                t(
                    "Never tasked (%(listed)s) while incidents waited %(hours)s person-hours "
                    "for a free unit: capacity a request or a standing arrangement could have "
                    "used.",
                    listed=listed,
                    hours=t.number(waiting),
                ),
                None,
                "units",
                t("unit timeline"),
            )
        )
    return found


def crossing_findings(ctx: Context) -> list[Finding]:
    """Crossings near the exercise, between nations that asked each other for help, that
    no deployment used (or any crossing closed), and why; requests refused or withdrawn."""
    t = ctx.t
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
            t.ngettext("it was closed once", "it was closed %(num)s times", c["closures"])
            if c and c["closures"]
            else t(
                "no unit was routed through it (no request needed it, or another way was faster)"
            )
        )
        found.append(
            Finding(
                t(
                    "Crossing never used: %(crossing)s",
                    crossing=ctx.names.crossings.get(crossing.id, crossing.name),
                ),
                t("No deployment crossed here; %(why)s.", why=why),
                None,
                "crossings",
                t("border crossings table"),
            )
        )
    for pair, r in requests.items():
        unused = r["refused"] + r["withdrawn"]
        if unused:
            asking, asked = pair.split(">")
            found.append(
                Finding(
                    t(
                        "Requests %(asking)s › %(asked)s not used: %(refused)s refused, "
                        "%(withdrawn)s withdrawn",
                        asking=ctx.names.nations.get(asking, asking),
                        asked=ctx.names.nations.get(asked, asked),
                        refused=r["refused"],
                        withdrawn=r["withdrawn"],
                    ),
                    _approved(r["requested"], r["approved"], t)
                    + (
                        t(
                            "; a refused one was declined by the nation asked (its units kept "
                            "at home, or no clearance)"
                        )
                        if r["refused"]
                        else ""
                    )
                    + (
                        t("; a withdrawn one arrived after the incident no longer needed anyone")
                        if r["withdrawn"]
                        else ""
                    )
                    + t(
                        " (mean report to request %(time)s).",
                        time=_hours(r["request_mean_min"], t),
                    ),
                    None,
                    "cross-border",
                    t("cross-border requests table"),
                )
            )
    return found


def _approved(requested: int, approved: int, t: Translator) -> str:
    """ "Of 3 requests, 1 was approved", in the reader's language."""
    requests = counted(requested, "request", t)
    return t.ngettext(
        "Of %(requests)s, %(num)s was approved",
        "Of %(requests)s, %(num)s were approved",
        approved,
        requests=requests,
    )


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
    t = ctx.t
    nation_of = {u: g.nation for g in ctx.scenario.units for u in g.unit_ids()}
    flying = {u.id for u in ctx.run.units if u.mode == "air"}
    eoc_of = {
        n.code: in_script(n.eocs[0].name, n.eocs[0].names, t.lang) for n in ctx.scenario.nations
    }
    clock = _clock(ctx.run, t)
    rows = {r.info.id: r for r in ctx.rows}
    steps: dict[tuple[int, str], dict[str, Any]] = {}
    for at, event, incident, unit, detail in ctx.run.events:
        if event == "message_sent" and detail.startswith("request "):
            pair = detail.split()[1]
            steps.setdefault((incident, pair), {"sent": at})
        elif event in ("message_interpreted", "message_delivered") and detail.startswith(
            "request "
        ):
            key = (incident, detail.split()[1])
            if key in steps:
                steps[key].setdefault(event, at)
        elif event == "approved" and (incident, detail) in steps:
            steps[(incident, detail)].setdefault("approved", at)
        elif event in ("border_cleared", "on_scene"):
            for (i, pair), chain in steps.items():
                if i == incident and nation_of.get(unit) == pair.split(">")[1]:
                    if event == "border_cleared":
                        chain.setdefault("crossed", {}).setdefault(unit, (at, detail))
                    else:
                        chain.setdefault("on_scene", (at, unit))
    found: list[tuple[Finding, bool]] = []
    told: set[str] = set()
    for (incident, pair), chain in sorted(steps.items(), key=lambda kv: kv[1]["sent"]):
        row = rows.get(incident)
        if pair in told or row is None or "on_scene" not in chain or "approved" not in chain:
            continue
        told.add(pair)
        asking, helper = pair.split(">")
        reached = chain.get("message_delivered", chain["sent"])
        eoc = eoc_of.get(helper, helper)
        parts = [
            t("request %(time)s", time=clock(chain["sent"])),
            t("reached %(eoc)s %(time)s after interpreting", eoc=eoc, time=clock(reached))
            if "message_interpreted" in chain
            else t("reached %(eoc)s %(time)s", eoc=eoc, time=clock(reached)),
            t("approved %(time)s", time=clock(chain["approved"])),
        ]
        at, unit = chain["on_scene"]
        crossed = chain.get("crossed", {}).get(unit)  # by the unit first on scene
        if crossed is not None:
            crossed_at, crossing = crossed
            parts.append(
                t(
                    "crossed at %(crossing)s %(time)s",
                    crossing=ctx.names.crossings.get(crossing, crossing),
                    time=clock(crossed_at),
                )
            )
        elif unit in flying:
            parts.append(t("flew across the border"))
        parts.append(
            t("%(unit)s on scene %(time)s", unit=ctx.names.unit_in_full(unit), time=clock(at))
        )
        met = bool(row.counted and row.within_target)
        outcome = (
            t(
                "help on scene %(time)s after the incident, within the target of %(target)s.",
                time=_hours(at - row.at["occurred"], t),
                target=_hours(row.info.target_min, t),
            )
            if met
            else t(
                "help on scene %(time)s after the incident, beyond the target of %(target)s.",
                time=_hours(at - row.at["occurred"], t),
                target=_hours(row.info.target_min, t),
            )
        )
        found.append(
            (
                Finding(
                    t(
                        "Cross-border chain %(asking)s › %(helper)s at %(place)s",
                        asking=ctx.names.nations.get(asking, asking),
                        helper=ctx.names.nations.get(helper, helper),
                        place=ctx.names.place(row.info.place),
                    ),
                    " → ".join(parts) + ": " + outcome,
                    None if met else ctx.late_person_hours([row]),
                    "cross-border",
                    t("cross-border tables"),
                ),
                met,
            )
        )
    return found


def _clock(run: RunLog, t: Translator) -> Callable[[float], str]:
    from sim.report.msel import run_clock

    return run_clock(run, t)


def unserved_findings(ctx: Context) -> list[Finding]:
    """Incidents nobody reached, and the people still waiting at the end."""
    t = ctx.t
    rows = [r for r in ctx.rows if r.unserved]
    if not rows:
        return []
    left = sum(r.info.people - r.carried for r in rows)
    cost = sum(
        max(1, r.info.people - r.carried) * (ctx.run.horizon_min - r.at["occurred"]) / 60
        for r in rows
    )
    places = ", ".join(sorted({ctx.names.place(r.info.place) for r in rows})[:5])
    return [
        Finding(
            t("%(incidents)s unserved at the end", incidents=incidents(len(rows), t)),
            t(
                "No unit reached %(places)s; %(people)s there were still waiting when the "
                "exercise ended.",
                places=places,
                people=people(left, t),
            ),
            cost,
            "map",
            t("map (red crosses)"),
        )
    ]


def decision_findings(ctx: Context) -> list[Finding]:
    """Why incidents waited with nobody on the way, and requests that went unanswered."""
    from sim.report.decisions import REASONS

    t = ctx.t
    decisions = ctx.summary["decisions"]
    found = []
    holds = sorted(decisions["hold_min"].items(), key=lambda kv: -kv[1])
    if holds:
        reason, minutes = holds[0]
        found.append(
            Finding(
                t(
                    "Incidents waited %(time)s in all with nobody on the way",
                    time=_hours(minutes, t),
                ),
                t(
                    "The main reason: %(reason)s. (Counted as incident time, not people; the "
                    "cost is in the waits for a free unit and unserved incidents.)",
                    reason=t(REASONS.get(reason, reason)),
                ),
                None,
                "decisions",
                t("decisions table"),
            )
        )
    unanswered = decisions["by_kind"].get("ask", {}).get("unanswered", 0)
    if unanswered:
        found.append(
            Finding(
                t(
                    "%(requests)s unanswered long enough for another nation to be asked",
                    requests=counted(unanswered, "request", t),
                ),
                t(
                    "A request that stays unanswered ties an incident to help that may not "
                    "come; a channel or a pre-authorisation shortens the wait for an answer."
                ),
                None,
                "decisions",
                t("decisions table"),
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
    t = ctx.t
    found = []
    for need in ctx.scenario.needs:
        rows = [r for r in ctx.rows if r.info.need == need.id and r.counted]
        if rows:
            share = sum(r.within_target for r in rows) / len(rows)
            text = t(
                "In replication 0, %(share)s of %(incidents)s met the target",
                share=t.percent(share),
                incidents=incidents(len(rows), t),
            )
            across = ctx.summary.get("replications")
            key = f"by_need.{need.id}.within_target"
            if across and key in across["kpis"] and across["kpis"][key]["mean"] is not None:
                share = across["kpis"][key]["mean"]  # rated as the capability findings are
                text += t(
                    "; over %(n)s replications %(share)s", n=across["n"], share=t.percent(share)
                )
            if rating(share) == "P":
                found.append(
                    Finding(
                        t(
                            "%(need)s: rated %(letter)s (%(meaning)s)",
                            need=ctx.names.needs.get(need.id, need.name),
                            letter="P",
                            meaning=t(RATING_NAMES["P"]),
                        ),
                        t(
                            "%(text)s (target %(target)s).",
                            text=text,
                            target=_hours(need.target, t),
                        ),
                        None,
                        "by-need",
                        t("capability targets table"),
                    )
                )
    found += [f for f, met in _chains(ctx) if met]
    for pair, f in ctx.summary["cross_border"]["first_on_scene"].items():
        if rating(f.get("within_target")) != "P":
            continue  # help that came, but late: the chain's area for improvement says so
        asking, helper = pair.split(">")
        found.append(
            Finding(
                t(
                    "Help across the border: %(helper)s was first on scene in %(asking)s",
                    helper=ctx.names.nations.get(helper, helper),
                    asking=ctx.names.nations.get(asking, asking),
                ),
                t(
                    "%(incidents)s, after a mean %(request)s to request and %(approval)s to "
                    "approve.",
                    incidents=incidents(f["incidents"], t),
                    request=_hours(f["request_mean_min"], t),
                    approval=_hours(f["approval_mean_min"], t),
                ),
                None,
                "cross-border",
                t("cross-border tables"),
            )
        )
    return found


def after_action(
    scenario: Scenario,
    run: RunLog,
    rows: list[IncidentRow],
    summary: dict[str, Any],
    assessment: dict[str, Any] | None = None,
    lang: str = "en",
) -> AfterAction:
    """The AAR/IP of a run in the reader's language; ``assessment`` (an assess experiment's
    summary) adds the plan."""
    t = translator(lang)
    names = Names.of(scenario, lang)
    ctx = Context(scenario, run, rows, summary, names, t)
    findings = [f for finder in FINDERS for f in finder(ctx)]
    findings.sort(key=lambda f: (f.cost_person_hours is None, -(f.cost_person_hours or 0.0)))
    overall = summary["overall"]
    across = summary.get("replications")
    counted = [r for r in rows if r.counted]
    met = sum(r.within_target for r in counted)
    hazard = hazard_of(scenario, run)
    share = ""
    if counted:
        low, high = wilson_interval(met, len(counted))
        share = t(
            " (%(share)s, 95 %% CI %(low)s to %(high)s)",
            share=t.percent(met / len(counted)),
            low=t.percent(low),
            high=t.percent(high),
        )
    text = t(
        "%(incidents)s incidents affecting %(people)s over %(duration)s. The first unit was "
        "on scene within the capability target for %(met)s of %(counted)s incidents%(share)s; "
        "%(unserved)s unserved and %(waiting)s still waiting at the end (replication 0).",
        incidents=overall["incidents"],
        people=people(overall["people"], t),
        duration=_hours(run.horizon_min, t),
        met=met,
        counted=len(counted),
        share=share,
        unserved=overall["unserved"],
        waiting=people(overall["people_waiting_at_end"], t),
    )
    if across:
        text += t(
            " Over %(n)s replications: median wait for help %(median)s, within target %(within)s.",
            n=across["n"],
            median=with_ci("response_median_min", across["kpis"]["response_median_min"], t=t),
            within=with_ci("within_target", across["kpis"]["within_target"], t=t),
        )
    if findings and findings[0].cost_person_hours:
        title = findings[0].title
        title = title[0].lower() + title[1:]
        text += t(" The costliest finding: %(title)s.", title=title)
    start = datetime.fromisoformat(run.start)
    nations = ", ".join(names.nations.get(n.code, n.name) for n in scenario.nations)
    aar = AfterAction(
        name=scenario.scenario.name.in_language(lang),
        dates=t(
            "%(date)s, %(duration)s simulated",
            date=t.date(start) if lang != "en" else run.start[:10],
            duration=_hours(run.horizon_min, t),
        ),
        hazard=t(HAZARD_NAMES[hazard]),
        scope=t(
            "Tabletop exercise of joint disaster response across the %(nations)s border "
            "(simulated with borderdrill)",
            nations=nations,
        ),
        organisations=_organisations(scenario, names),
        summary=text,
        mission_area=t(MISSION_AREA),
        objectives=objectives(scenario, t, names),
        scenario_summary=_scenario_summary(scenario, run, hazard, t, nations),
        contacts=contacts(scenario, names),
        capabilities=_capabilities(ctx, across),
        strengths=_strengths(ctx),
        findings=findings,
        name_words=name_words(scenario, lang),
    )
    discussion = summary.get("players", {}).get("discussion")
    if discussion is not None:
        aar.said = said(ctx, discussion, aar.capabilities)
    if assessment is not None:
        aar.plan, aar.plan_note = improvement_plan(scenario, assessment, t)
    else:
        aar.plan_note = t(EMPTY_PLAN)
    return aar


def said(ctx: Context, discussion: dict[str, Any], rated: list[CapabilityRow]) -> Said:
    """What the room said (``sim.decisions.discussion.record``), by capability target."""
    from sim.decisions.discussion import HOTWASH_KINDS, ROOM
    from sim.report.decisions import _player_decision

    t = ctx.t
    clock, nations = _clock(ctx.run, t), ctx.names.nations

    def who(seat: str) -> str:
        if seat == ROOM:
            return t("the room")
        return t("the joint centre") if seat == "JCC" else nations.get(seat, seat)

    raised = []
    for need, row in zip(ctx.scenario.needs, rated, strict=True):
        points = {kind: [] for kind in HOTWASH_KINDS}  # type: dict[str, list[str]]
        for h in discussion["hotwash"]:
            if h["target"] == need.id:
                points[h["kind"]].append(
                    t("%(text)s (raised by %(who)s)", text=h["text"], who=who(h["raised_by"]))
                )
        notes = [
            t(
                "%(text)s (%(who)s's seat, %(time)s)",
                text=n["text"],
                who=who(n["seat"]),
                time=clock(n["at"]),
            )
            for n in discussion["notes"]
            if n["target"] == need.id
        ]
        if notes or any(points.values()):
            name = ctx.names.needs.get(need.id, need.name)
            target = f"{name} ({t(need.core_capability)})" if need.core_capability else name
            named = RATING_NAMES.get(row.rating)
            shown = f"{row.rating} ({t(named)})" if named else row.rating
            raised.append(Raised(target, shown, points["strength"], points["improvement"], notes))
    reasons = []
    for r in discussion["reasons"]:
        kind = r["kind"] or r["action"]  # a decision's kind, or the action taken
        place_id = str(r["subject"]).split("/")[0]
        place = ctx.names.places.get(place_id, place_id)
        what = _player_decision(kind, r["choice"], place, ctx.names, t)
        about = f" ({place})" if kind not in ("arrange", "evacuate") else ""
        reasons.append(f"{clock(r['at'])}, {who(r['seat'])} {what}{about}: “{r['reason']}”")
    questions = [
        t(
            "Inject %(number)s, %(time)s, for %(seats)s: %(questions)s",
            number=q["inject"] + 1,
            time=clock(q["at"]),
            seats=", ".join(who(s) for s in q["for"]),
            questions=" ".join(
                q.in_language(t.lang) for q in ctx.scenario.injects[q["inject"]].discussion
            ),
        )
        for q in discussion["questions"]
    ]
    return Said(raised, reasons, questions)


MISSION_AREA = N_("Response")
"""The HSEEP mission area: what the simulation measures is the response."""

EMPTY_PLAN = N_(
    "No assessment was run, so no corrective action has been measured yet. To fill the plan: "
    "run again with --assess (or --assess-from an assess folder), which measures what "
    "changing each coordination arrangement would do and writes a row for each that helps "
    "clearly; or, after the hot wash, write a row for each area for improvement above: the "
    "core capability, the corrective action, the organisation that owns it, and its start "
    "and completion dates."
)
"""What the improvement plan says when no assessment measured it, and how to fill it."""


def objectives(
    scenario: Scenario, t: Translator | None = None, names: Names | None = None
) -> list[str]:
    """One objective per capability target of the scenario, measurable as the report rates it."""
    t = t or translator()
    names = names or Names.of(scenario)
    floor = RATINGS[0][0]
    objectives = []
    for need in scenario.needs:
        name = names.needs.get(need.id, need.name)
        capability = t(need.core_capability) if need.core_capability else name
        objectives.append(
            t(
                "%(capability)s: for at least %(share)s of the incidents of %(need)s, the "
                "first unit on scene within %(target)s of the incident",
                capability=capability,
                share=t.percent(floor),
                need=f"{name[0].lower()}{name[1:]}" if t.lang == "en" else name,
                target=_hours(need.target, t),
            )
        )
    return objectives


def _scenario_summary(
    scenario: Scenario, run: RunLog, hazard: str, t: Translator, nations: str
) -> str:
    info = scenario.scenario
    start = datetime.fromisoformat(run.start)
    text = f"{info.description.in_language(t.lang)} " if info.description else ""
    return text + t(
        "A %(hazard)s exercise from %(start)s (UTC+7) for %(duration)s: %(injects)s in the "
        "MSEL, %(groups)s of units of %(nations)s.",
        hazard=t(HAZARD_NAMES[hazard]),
        start=start.strftime("%a %d %b %Y %H:%M") if t.lang == "en" else t.datetime(start),
        duration=_hours(run.horizon_min, t),
        injects=counted(len(scenario.injects), "inject", t),
        groups=counted(len(scenario.units), "group", t),
        nations=nations,
    )


def _organisations(scenario: Scenario, names: Names) -> list[str]:
    """Each nation's agency, then the other agencies fielding units: "nation: agency"."""
    nations = [(n.code, n.agency) for n in scenario.nations]
    fielding = sorted({(g.nation, g.agency) for g in scenario.units} - set(nations))
    return [
        f"{names.nations.get(code, code)}: {names.agency(code, a)}"
        for code, a in nations + fielding
    ]


def contacts(scenario: Scenario, names: Names | None = None) -> list[Contact]:
    """Each nation's agency and EOCs, where the planner adds the person to call."""
    names = names or Names.of(scenario)
    return [
        Contact(
            names.nations.get(nation.code, nation.name),
            names.agency(nation.code, nation.agency),
            in_script(eoc.name, eoc.names, names.lang),
            names.place(eoc.place),
        )
        for nation in scenario.nations
        for eoc in nation.eocs
    ]


def _capabilities(ctx: Context, across: dict[str, Any] | None) -> list[CapabilityRow]:
    rows = []
    for need in ctx.scenario.needs:
        mine = [r for r in ctx.rows if r.info.need == need.id and r.counted]
        share: float | None = sum(r.within_target for r in mine) / len(mine) if mine else None
        shown = ctx.t.percent(share)
        if across and f"by_need.{need.id}.within_target" in across["kpis"]:
            estimate = across["kpis"][f"by_need.{need.id}.within_target"]
            share = estimate["mean"]
            shown = with_ci("within_target", estimate, t=ctx.t)
        rows.append(
            CapabilityRow(
                ctx.names.needs.get(need.id, need.name),
                ctx.t(need.core_capability) if need.core_capability else "—",
                _hours(need.target, ctx.t),
                len(mine),
                shown,
                rating(share),
            )
        )
    return rows


def _owners(scenario: Scenario, mechanism: str, t: Translator) -> str:
    names = Names.of(scenario, t.lang)
    agencies = ", ".join(names.agency(n.code, n.agency) for n in scenario.nations)
    nations = ", ".join(names.nations[n.code] for n in scenario.nations)
    if mechanism == "joint_centre":
        return t("AHA Centre with %(agencies)s", agencies=agencies)
    if mechanism == "military_comms":
        return t("armed forces liaison of %(nations)s", nations=nations)
    if mechanism == "border_operations":
        return t(
            "customs, immigration and quarantine at %(crossings)s",
            crossings=", ".join(names.crossings[c.id] for c in scenario.crossings),
        )
    if mechanism == "local_authorities":
        return t("provincial and district authorities of %(nations)s", nations=nations)
    return agencies


def improvement_plan(
    scenario: Scenario, assessment: dict[str, Any], t: Translator | None = None
) -> tuple[list[PlanRow], str]:
    """Plan rows for the arrangements whose change measurably shortened the wait for help
    or left fewer people waiting (95 % CI clear of zero), largest effect first."""
    t = t or translator()
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
        arrangement = t(MECHANISM_NAMES[mechanism])
        on = switch == "on"
        rows.append(
            (
                median["mean"] or 0.0,
                PlanRow(
                    capability=t(MECHANISM_CAPABILITIES[mechanism]),
                    area=t("without %(arrangement)s", arrangement=arrangement)
                    if on
                    else t("with %(arrangement)s", arrangement=arrangement),
                    action=t("Put in place: %(arrangement)s", arrangement=arrangement)
                    if on
                    else t("Reconsider: %(arrangement)s", arrangement=arrangement),
                    owners=_owners(scenario, mechanism, t),
                    effect=with_ci("response_median_min", median, difference=True, t=t),
                    effect_waiting=with_ci("people_waiting_at_end", waiting, difference=True, t=t),
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    note = t(
        "From an assessment of %(n)s replications a variant on common random numbers: each "
        "arrangement switched in turn from the scenario's setting. Listed: those whose 95 %% "
        "confidence interval shows a shorter median wait for help or fewer people still "
        "waiting. Start and completion dates are for the planners to set.",
        n=n,
    )
    if not rows:
        note += t(" No arrangement had an effect clear of zero in this assessment.")
    return [r for _, r in rows], note

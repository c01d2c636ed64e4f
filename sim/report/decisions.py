"""The report's account of decisions: why incidents waited, and who asked, answered, recalled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sim.analysis.decisions import HOLD_REASONS, decision_rows
from sim.analysis.kpis import MEASURED
from sim.decisions.points import approves, only_type
from sim.i18n import N_, Translator, translator
from sim.log import RunLog
from sim.model.arrangements import TITLES
from sim.report.names import Names
from sim.scenario import Scenario

KINDS = {
    "hold": N_("incidents held with nobody on the way"),
    "assign": N_("units assigned"),
    "stand_down": N_("units stood down on the way"),
    "ask": N_("neighbours asked for help"),
    "approve": N_("requests answered"),
    "evacuate": N_("village evacuation orders"),
    "arrange": N_("arrangements switched on during play"),
    "offer": N_("units offered to a neighbour unprompted"),
    "accept": N_("offers of help answered"),
}
"""Kinds of decision in plain words, in the order the report lists them."""

REASONS = {
    "nearest": N_("the free unit that would arrive first"),
    "sooner": N_("it would arrive before every unit already on the way"),
    "reinforce": N_("people outnumbered one round of trips"),
    "faster_unit": N_("a sooner unit took its place"),
    "not_needed": N_("nobody was left to pick up"),
    "misses_target": N_("own units could not arrive within the target"),
    "arrives_sooner": N_("another nation's unit would arrive sooner (joint centre)"),
    "refused_elsewhere": N_("another nation had refused"),
    "unanswered": N_("an earlier request went unanswered"),
    "pre_authorised": N_("pre-authorised by a mutual assistance agreement"),
    "case_by_case": N_("decided case by case"),
    "warning": N_("a warning reached the village leaders"),
    "replayed": N_("taken as recorded"),
    "fallback": N_("the recorded choice no longer applied: standing procedure"),
    "not_sooner": N_("the help already on its way would be there as soon"),
    "not_possible": N_("the unit offered could no longer go"),
    **HOLD_REASONS,
}
"""Each reason a decision gives, in plain words."""

SHOWN_KINDS = ("ask", "approve", "offer", "accept", "stand_down", "evacuate", "arrange")
"""The decisions the report lists one by one (assignments are many: they are counted)."""
ANSWERS = ("approve", "accept")
"""Kinds whose "no" is listed too (an answer to a neighbour)."""

LISTED_AT_MOST = 60


def decision_context(
    run: RunLog,
    summary: dict[str, Any],
    names: Names,
    clock: Callable[[float], str],
    t: Translator | None = None,
) -> dict[str, Any]:
    """What the report's decision section shows, in the reader's language."""
    t = t or translator()
    decisions = summary["decisions"]
    places = {i.id: names.place(i.place) for i in run.incidents}

    def because(reason: str) -> str:
        return t(REASONS[reason]) if reason in REASONS else reason

    waits = [
        {
            "reason": because(reason),
            "time": t.duration(minutes),
        }
        for reason, minutes in sorted(decisions["hold_min"].items(), key=lambda kv: -kv[1])
    ]
    rows = decision_rows(run)
    why: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for r in rows:
        reason = because(r.reason)
        if r.kind == "approve":
            reason = (
                t("approved: %(reason)s", reason=reason)
                if approves(r.choice)
                else t("refused: %(reason)s", reason=reason)
            )
        elif r.kind == "accept":
            reason = (
                t("accepted: %(reason)s", reason=reason)
                if r.choice == "yes"
                else t("declined: %(reason)s", reason=reason)
            )
        why.setdefault(r.kind, Counter())[reason] += 1
    kinds = [
        {
            "kind": t(KINDS[kind]) if kind in KINDS else kind,
            "count": sum(reasons.values()),
            "reasons": "; ".join(f"{r} ({n})" for r, n in reasons.most_common()),
        }
        for kind, reasons in why.items()
        if reasons
    ]

    def what(kind: str, choice: str, incident: int) -> str:
        place = places.get(incident, "")
        if kind == "ask":
            return t(
                "asks %(nation)s for help at %(place)s",
                nation=names.nations.get(choice, choice),
                place=place,
            )
        if kind == "approve":
            only = only_type(choice)
            if not approves(choice):
                return t("refuses the request for %(place)s", place=place)
            if only is not None:
                return t(
                    "approves the request for %(place)s, %(type)s only",
                    place=place,
                    type=names.unit_types.get(only, only),
                )
            return t("approves the request for %(place)s", place=place)
        if kind == "accept":
            if choice == "yes":
                return t("accepts the offer for %(place)s", place=place)
            return t("declines the offer for %(place)s", place=place)
        if kind == "offer":
            return t("offers the %(unit)s for %(place)s", unit=names.unit(choice), place=place)
        if kind == "stand_down":
            return t(
                "stands down %(unit)s on its way to %(place)s", unit=names.unit(choice), place=place
            )
        if kind == "arrange":
            return t("switches on: %(arrangement)s", arrangement=TITLES.get(choice, choice))
        return t("orders %(place)s evacuated", place=names.places.get(choice, choice))

    listed = [
        {
            "time": clock(r.time_min),
            "seat": _who(r.seat, names, t),
            "decision": what(r.kind, r.subject if r.kind == "evacuate" else r.choice, r.incident),
            "reason": because(r.reason),
        }
        for r in rows
        if r.kind in SHOWN_KINDS and (r.kind in ANSWERS or r.choice not in ("wait", "keep", "no"))
    ]
    return {
        "count": decisions["count"],
        "waits": waits,
        "kinds": kinds,
        "listed": listed[:LISTED_AT_MOST],
        "more": max(0, len(listed) - LISTED_AT_MOST),
    }


def _player_decision(
    kind: str, choice: str, place: str, names: Names, t: Translator | None = None
) -> str:
    """A player's (or doctrine's) choice at a decision point, in words."""
    t = t or translator()
    if kind == "assign":
        if choice == "wait":
            return t("sends no unit yet")
        return t("sends the %(unit)s", unit=names.units_in_full.get(choice, choice))
    if kind == "ask":
        if choice == "wait":
            return t("does not ask for help yet")
        return t("asks %(nation)s for help", nation=names.nations.get(choice, choice))
    if kind == "approve":
        only = only_type(choice)
        if not approves(choice):
            return t("refuses the request")
        if only is not None:
            return t("approves the request, %(type)s only", type=names.unit_types.get(only, only))
        return t("approves the request")
    if kind == "accept":
        return t("accepts the offer") if choice == "yes" else t("declines the offer")
    if kind == "offer":
        return t("offers the %(unit)s", unit=names.units_in_full.get(choice, choice))
    if kind == "stand_down":
        if choice == "keep":
            return t("keeps the unit going")
        return t("stands down the %(unit)s", unit=names.units_in_full.get(choice, choice))
    if kind == "arrange":
        return t("switches on: %(arrangement)s", arrangement=TITLES.get(choice, choice))
    if choice == "no":
        return t("orders no evacuation")
    return t("orders %(place)s evacuated", place=place)


def players_context(
    players: dict[str, Any],
    names: Names,
    clock: Callable[[float], str],
    t: Translator | None = None,
) -> dict[str, Any]:
    """What the report shows of a played session: each of the players' decisions with its
    measured consequence (``sim.experiment.debrief``)."""
    t = t or translator()
    from sim.report.estimates import with_ci

    rows = []
    for r in players["decisions"]:
        place_id = r["subject"].split("/")[0]
        place = "" if r["kind"] == "arrange" else names.places.get(place_id, place_id)
        late = r["at_min"] - r["raised_at_min"]
        effect = r["effect"]
        rows.append(
            {
                "time": clock(r["at_min"]),
                "seat": _who(r["decider"], names, t),
                "about": place,
                "decision": (t("unprompted: ") if r["action"] else "")
                + _player_decision(r["kind"], r["choice"], place, names, t),
                "doctrine": _player_decision(r["kind"], r["proposal"], place, names, t)
                if r["proposal"]
                else "—",
                "late": t.duration(late) if late > 0 else "",
                "changes": [
                    _change(kpi, effect[kpi], t) if r["changed"] else (t("no change"), "")
                    for kpi in MEASURED
                ],
                "changed": r["changed"],
                "wait": with_ci(
                    "response_median_min", effect["response_median_min"], difference=True, t=t
                ),
                "weight": _clear_of_zero(effect["response_median_min"]),
            }
        )
    heaviest = max(rows, key=lambda row: row["weight"], default=None)
    return {
        "rows": rows,
        "replications": players["replications"],
        "heaviest": heaviest if heaviest and heaviest["weight"] > 0 else None,
        "not_applied": t(
            "The players took %(taken)s decisions and actions in the session; %(departed)s of "
            "them departed from what doctrine would have done (another choice, waiting "
            "included, or an unprompted action), and are measured here. In the replication "
            "they were played in, %(fallbacks)s fell back to doctrine; across the replications "
            "of this run, %(mean)s a replication on average (a choice no longer among the "
            "options, a point that did not arise, or an action no longer possible).",
            taken=players["by_players"],
            departed=players["departures"],
            fallbacks=players["fallbacks_in_replication_0"],
            mean=t.number(players["fallbacks_mean"], 1),
        ),
    }


def _clear_of_zero(estimate: dict[str, Any]) -> float:
    """The size of a change whose 95 % CI excludes zero (0 when it does not, or has none)."""
    low, high = estimate["ci_low"], estimate["ci_high"]
    if low is None or high is None or low <= 0 <= high:
        return 0.0
    return abs(float(estimate["mean"]))


def _change(kpi: str, estimate: dict[str, Any], t: Translator) -> tuple[str, str]:
    """A measured change and its interval, apart: ('+38min', '95 % CI +12min to +1h 02min'),
    in the reader's language."""
    from sim.report.estimates import with_ci

    value, _, interval = with_ci(kpi, estimate, difference=True, t=t).partition(" (")
    return value, interval.removesuffix(")")


def _who(seat: str, names: Names, t: Translator | None = None) -> str:
    t = t or translator()
    if seat.endswith("-local"):
        return t("village leaders, %(nation)s", nation=names.nations.get(seat[:-6], seat[:-6]))
    if seat == "facilitator":
        return t("the facilitator")
    return t("joint centre") if seat == "JCC" else names.nations.get(seat, seat)


def weightiest_decision(
    players: dict[str, Any], scenario: Scenario, t: Translator | None = None
) -> str | None:
    """The players' decision that weighed most on the wait for help, in a line of the
    reader's language (None if none changed it)."""
    t = t or translator()
    start = scenario.scenario.start

    def clock(minutes: float) -> str:
        return t.moment(start + timedelta(minutes=minutes))

    heaviest = players_context(players, Names.of(scenario, t.lang), clock, t)["heaviest"]
    if heaviest is None:
        return None
    values = {k: heaviest[k] for k in ("seat", "decision", "about", "time", "wait")}
    if heaviest["about"]:
        return t(
            "%(seat)s %(decision)s (%(about)s) at %(time)s: median wait for help %(wait)s", **values
        )
    return t("%(seat)s %(decision)s at %(time)s: median wait for help %(wait)s", **values)

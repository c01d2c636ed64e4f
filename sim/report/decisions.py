"""The report's account of decisions: why incidents waited, and who asked, answered, recalled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sim.analysis.decisions import HOLD_REASONS, decision_rows
from sim.log import RunLog
from sim.report.names import Names
from sim.scenario import format_duration

KINDS = {
    "hold": "incidents held with nobody on the way",
    "assign": "units assigned",
    "stand_down": "units stood down on the way",
    "ask": "neighbours asked for help",
    "approve": "requests answered",
    "evacuate": "village evacuation orders",
}
"""Kinds of decision in plain words, in the order the report lists them."""

REASONS = {
    "nearest": "the free unit that would arrive first",
    "sooner": "it would arrive before every unit already on the way",
    "reinforce": "people outnumbered one round of trips",
    "faster_unit": "a sooner unit took its place",
    "not_needed": "nobody was left to pick up",
    "misses_target": "own units could not arrive within the target",
    "arrives_sooner": "another nation's unit would arrive sooner (joint centre)",
    "refused_elsewhere": "another nation had refused",
    "unanswered": "an earlier request went unanswered",
    "pre_authorised": "pre-authorised by a mutual assistance agreement",
    "case_by_case": "decided case by case",
    "warning": "a warning reached the village leaders",
    "replayed": "taken as recorded",
    "fallback": "the recorded choice no longer applied: standing procedure",
    **HOLD_REASONS,
}
"""Each reason a decision gives, in plain words."""

SHOWN_KINDS = ("ask", "approve", "stand_down", "evacuate")
"""The decisions the report lists one by one (assignments are many: they are counted)."""

LISTED_AT_MOST = 60


def decision_context(
    run: RunLog, summary: dict[str, Any], names: Names, clock: Callable[[float], str]
) -> dict[str, Any]:
    """What the report's decision section shows."""
    decisions = summary["decisions"]
    places = {i.id: i.place_name for i in run.incidents}
    waits = [
        {
            "reason": REASONS.get(reason, reason),
            "time": format_duration(minutes),
        }
        for reason, minutes in sorted(decisions["hold_min"].items(), key=lambda kv: -kv[1])
    ]
    rows = decision_rows(run)
    why: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for r in rows:
        reason = REASONS.get(r.reason, r.reason)
        if r.kind == "approve":
            reason = f"{'approved' if r.choice == 'yes' else 'refused'}: {reason}"
        why.setdefault(r.kind, Counter())[reason] += 1
    kinds = [
        {
            "kind": KINDS.get(kind, kind),
            "count": sum(reasons.values()),
            "reasons": "; ".join(f"{r} ({n})" for r, n in reasons.most_common()),
        }
        for kind, reasons in why.items()
        if reasons
    ]

    def who(seat: str) -> str:
        if seat.endswith("-local"):
            return f"village leaders, {names.nations.get(seat[:-6], seat[:-6])}"
        return "joint centre" if seat == "JCC" else names.nations.get(seat, seat)

    def what(kind: str, choice: str, incident: int) -> str:
        place = places.get(incident, "")
        if kind == "ask":
            return f"asks {names.nations.get(choice, choice)} for help at {place}"
        if kind == "approve":
            return f"{'approves' if choice == 'yes' else 'refuses'} the request for {place}"
        if kind == "stand_down":
            return f"stands down {names.unit(choice)} on its way to {place}"
        return f"orders {names.places.get(choice, choice)} evacuated"

    listed = [
        {
            "time": clock(r.time_min),
            "seat": who(r.seat),
            "decision": what(r.kind, r.subject if r.kind == "evacuate" else r.choice, r.incident),
            "reason": REASONS.get(r.reason, r.reason),
        }
        for r in rows
        if r.kind in SHOWN_KINDS and (r.kind == "approve" or r.choice not in ("wait", "keep", "no"))
    ]
    return {
        "count": decisions["count"],
        "waits": waits,
        "kinds": kinds,
        "listed": listed[:LISTED_AT_MOST],
        "more": max(0, len(listed) - LISTED_AT_MOST),
    }

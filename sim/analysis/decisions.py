"""Decisions read back from a run's log: who decided what, why, and what waiting cost.

Every ``decision`` event (``sim.log.parse_decision``) becomes a row. Holds (an incident
with nobody on the way, and why) are measured: a hold lasts until a unit is sent to the
incident, the incident ends, or the exercise does, so the report can say why help came
late.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, NamedTuple

from sim import log
from sim.i18n import N_
from sim.log import RunLog, parse_decision

HOLD_REASONS = {
    "no_capable_unit": N_("no unit of the nation can serve this need there"),
    "no_free_unit": N_("every capable unit was busy or broken down"),
    "no_route": N_("capable units were free but no road was open to the place"),
    "reserve": N_("the nation kept its units at home: it was threatened itself"),
}
"""Why an incident waited with nobody on the way, in plain words."""


class DecisionRow(NamedTuple):
    """One decision of a run."""

    time_min: float
    incident: int
    seat: str
    kind: str
    choice: str
    reason: str
    options: tuple[str, ...]
    subject: str
    """The incident's key, or the place (an evacuation order)."""
    point: int = -1
    """The decision point's id (-1: a hold)."""


def decision_rows(run: RunLog) -> list[DecisionRow]:
    """Every decision of a run, in time order."""
    rows = []
    for t, event, incident, _, detail in run.events:
        if event == log.DECISION:
            d = parse_decision(detail)
            rows.append(DecisionRow(t, incident, *d))
    return rows


def hold_minutes(run: RunLog) -> dict[str, float]:
    """Minutes incidents waited with nobody on the way, by the reason last given."""
    held: dict[int, tuple[float, str]] = {}
    minutes: dict[str, float] = defaultdict(float)

    def end(incident: int, t: float) -> None:
        start, reason = held.pop(incident)
        minutes[reason] += t - start

    for t, event, incident, _, detail in run.events:
        if incident < 0:
            continue
        if event == log.DECISION:
            d = parse_decision(detail)
            if d.kind == "hold":
                if incident in held:
                    end(incident, t)
                held[incident] = (t, d.reason)
        elif event in (log.DISPATCHED, log.RESOLVED) and incident in held:
            end(incident, t)
    for incident in list(held):
        end(incident, run.horizon_min)
    return dict(minutes)


def decision_summary(run: RunLog) -> dict[str, Any]:
    """Counts of decisions by kind, choice and reason, and what holds cost, ready for JSON."""
    rows = decision_rows(run)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_kind[r.kind][r.reason] += 1
    asked = Counter(f"{r.seat}>{r.choice}" for r in rows if r.kind == "ask" and r.choice != "wait")
    answered = Counter(f"{r.seat}:{r.choice}:{r.reason}" for r in rows if r.kind == "approve")
    return {
        "count": len(rows),
        "by_kind": {kind: dict(sorted(c.items())) for kind, c in sorted(by_kind.items())},
        "asked": dict(sorted(asked.items())),
        "answers": dict(sorted(answered.items())),
        "hold_min": {k: round(v, 1) for k, v in sorted(hold_minutes(run).items())},
    }

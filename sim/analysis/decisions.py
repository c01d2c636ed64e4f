"""Decisions read back from a run's log: who decided what, why, and what waiting cost.

Every ``decision`` event (a ``sim.log.Decision``) is a row. Holds (an incident
with nobody on the way, and why) are measured: a hold lasts until a unit is sent to the
incident, the incident ends, or the exercise does, so the report can say why help came
late.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sim import log
from sim.i18n import N_
from sim.log import Decision, RunLog

HOLD_REASONS = {
    "no_capable_unit": N_("no unit of the nation can serve this need there"),
    "no_free_unit": N_("every capable unit was busy or broken down"),
    "no_route": N_("capable units were free but no road was open to the place"),
    "reserve": N_("the nation kept its units at home: it was threatened itself"),
}
"""Why an incident waited with nobody on the way, in plain words."""


def decision_rows(run: RunLog) -> list[Decision]:
    """Every decision of a run (answered, not opened or overtaken), in time order."""
    return [d for d in run.decisions if d.event == log.DECISION]


def hold_minutes(run: RunLog) -> dict[str, float]:
    """Minutes incidents waited with nobody on the way, by the reason last given."""
    held: dict[int, tuple[float, str]] = {}
    minutes: dict[str, float] = defaultdict(float)

    def end(incident: int, t: float) -> None:
        start, reason = held.pop(incident)
        minutes[reason] += t - start

    for r in run.records():
        if r.incident < 0:
            continue
        if isinstance(r, Decision):
            if r.event == log.DECISION and r.kind == "hold":
                if r.incident in held:
                    end(r.incident, r.time_min)
                held[r.incident] = (r.time_min, r.reason)
        elif r.event in (log.DISPATCHED, log.RESOLVED) and r.incident in held:
            end(r.incident, r.time_min)
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

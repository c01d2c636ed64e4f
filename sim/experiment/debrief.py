"""The players' decisions, each with its measured consequence, for the debrief.

A decision's consequence is what it changed: replication by replication, the session
replayed whole against the session replayed with that one decision left to doctrine
(taken by doctrine as soon as its point was raised; an unprompted action not taken), on
common random numbers. A positive change in the wait for help means the players'
decision made help slower than doctrine would have.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sim.analysis.kpis import MEASURED, replication_kpis
from sim.analysis.stats import paired_difference
from sim.decisions.discussion import record
from sim.decisions.replay import PlayedSession, replay_run
from sim.experiment.executors import batch_size, run_tasks, workers
from sim.scenario import Scenario

REPLICATIONS = 30
"""Replications a decision's consequence is measured over (at most; as many as the run's
when it has fewer)."""


def _measure(
    scenario: Scenario,
    played: PlayedSession,
    seed: int,
    without: int | None,
    replications: Sequence[int],
) -> list[tuple[int | None, int, tuple[float, ...]]]:
    """Key figures of some replications of the session, with one decision left out."""
    out = []
    for replication in replications:
        run, _ = replay_run(scenario, played, seed, replication, without, rebuild=False)
        kpis = replication_kpis(run)
        out.append((without, replication, tuple(kpis[k] for k in MEASURED)))
    return out


def consequences(
    scenario: Scenario,
    played: PlayedSession,
    n: int,
    seed: int,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
) -> list[dict[str, Any]]:
    """Each of the players' decisions and actions that departed from doctrine, in the order
    taken, with the measured change it made to each of ``MEASURED`` (a paired difference
    with its 95 % CI over ``n`` replications) and in how many replications it changed
    anything at all. (A choice that was doctrine's own changes nothing.)"""
    chosen = played.departures
    if not chosen:
        return []
    jobs = workers(jobs)
    size = batch_size(n * (len(chosen) + 1), jobs)
    tasks = [
        (scenario, played, seed, without, tuple(range(start, min(n, start + size))))
        for without in (None, *chosen)
        for start in range(0, n, size)
    ]
    values: dict[int | None, dict[int, tuple[float, ...]]] = {}
    for without, replication, figures in run_tasks(
        _measure,
        tasks,
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        total=n * (len(chosen) + 1),
    ):
        values.setdefault(without, {})[replication] = figures
    whole = [values[None][r] for r in range(n)]
    rows = []
    for index in chosen:
        t = played.taken[index]
        alone = [values[index][r] for r in range(n)]
        rows.append(
            {
                "at_min": t.at,
                "raised_at_min": t.raised_at,
                "seat": t.seat,
                "decider": t.decider,
                "kind": t.kind,
                "subject": t.subject,
                "choice": t.choice,
                "proposal": t.proposal,
                "action": t.action,
                "changed": sum(not _same(a, w) for a, w in zip(alone, whole, strict=True)),
                "replications": n,
                "effect": {
                    kpi: paired_difference([w[k] for w in whole], [a[k] for a in alone]).as_dict()
                    for k, kpi in enumerate(MEASURED)
                },
            }
        )
    return rows


def _same(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True))


def debrief(
    scenario: Scenario,
    played: PlayedSession,
    n: int,
    seed: int,
    fallbacks: Sequence[float],
    **options: Any,
) -> dict[str, Any]:
    """The players' part of a run's summary: how many of their decisions did not apply
    (``fallbacks``: by replication, the played one first) and each decision with its
    consequence over ``min(n, REPLICATIONS)`` replications (``options``: how to run them,
    as for ``consequences``)."""
    measured = min(n, REPLICATIONS)
    return {
        "by_players": len(played.by_players),
        "departures": len(played.departures),
        "fallbacks_in_replication_0": int(fallbacks[0]),
        "fallbacks_mean": sum(fallbacks) / len(fallbacks),
        "replications": measured,
        "decisions": consequences(scenario, played, measured, seed, **options),
        "discussion": record(played.scenario, played.commands, played.said, played.ended_at),
    }


def runs_needed(played: PlayedSession, n: int) -> int:
    """Replications the consequences of the players' decisions take, beside the run's ``n``."""
    return min(n, REPLICATIONS) * (len(played.departures) + 1)

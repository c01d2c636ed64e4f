"""Many replications of one or more scenario variants, on common random numbers.

Replication ``r`` of seed ``s`` draws every source from ``SeedSequence(s, spawn_key=(r,
source))`` (see ``sim.model.random``), whichever worker runs it and whichever variant it
belongs to: results do not depend on the number of workers, and variants differ only by
their own arrangements (common random numbers). A variant may also carry recorded
decisions (a played session): each replication takes them again where they still apply,
and counts the ones that fell back to doctrine (``decision_fallbacks``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.analysis.incidents import COMPONENTS, incident_rows
from sim.analysis.kpis import replication_kpis
from sim.analysis.replications import KpiTable, Replications
from sim.experiment.executors import batch_size, default_jobs, run_tasks
from sim.model import simulate
from sim.model.decisions import RecordedDecision, Replay
from sim.scenario import Scenario
from sim.scenario.budget import check_budget

FALLBACKS = "decision_fallbacks"
"""Key figure of a replayed session: recorded decisions that no longer applied."""


def simulate_batch(
    variant: str,
    scenario: Scenario,
    seed: int,
    replications: Sequence[int],
    keep_incidents: bool,
    decisions: tuple[RecordedDecision, ...] | None = None,
) -> list[tuple[str, int, dict[str, float], list[tuple[Any, ...]]]]:
    """Run some replications of one variant (in a worker): key figures and incident rows.

    With ``decisions``, each replication replays them (see ``Replay``) and its key
    figures count the ones that fell back to doctrine.
    """
    out = []
    for replication in replications:
        replay = Replay(decisions) if decisions is not None else None
        run = simulate(scenario, seed=seed, replication=replication, policy=replay)
        rows = []
        if keep_incidents:
            rows = [
                (
                    variant,
                    replication,
                    r.info.id,
                    r.info.place,
                    r.info.nation,
                    r.info.need,
                    r.info.people,
                    r.carried,
                    r.status,
                    r.at["occurred"],
                    r.response_min,
                    r.waited_min(run.horizon_min),
                    r.within_target,
                    *(r.parts[p] for p in COMPONENTS),
                )
                for r in incident_rows(run)
            ]
        kpis = replication_kpis(run)
        if replay is not None:
            kpis[FALLBACKS] = float(replay.fallbacks)
        out.append((variant, replication, kpis, rows))
    return out


def run_variants(
    variants: Mapping[str, Scenario],
    n: int,
    seed: int,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    keep_incidents: bool = False,
    allow_large: bool = False,
    decisions: Mapping[str, Sequence[RecordedDecision]] | None = None,
) -> Replications:
    """Run ``n`` replications of each variant on the same seeds.

    ``decisions``: recorded decisions by variant name; when given, every variant replays
    its own (none: doctrine throughout) and reports ``decision_fallbacks``.

    Raises:
        BudgetError: the run would go beyond a soft limit of ``sim.scenario.budget`` and
            ``allow_large`` is false (nothing is run).
    """
    if n < 1:
        raise ValueError("at least one replication is needed")
    first = next(iter(variants.values()))
    check_budget(list(variants.values()), n, file=first.scenario.name, allow_large=allow_large)
    jobs = jobs or default_jobs()
    size = batch_size(n * len(variants), jobs)
    tasks = [
        (
            name,
            scenario,
            seed,
            tuple(range(start, min(n, start + size))),
            keep_incidents,
            None if decisions is None else tuple(decisions.get(name, ())),
        )
        for name, scenario in variants.items()
        for start in range(0, n, size)
    ]
    pending: dict[str, dict[int, dict[str, float]]] = {name: {} for name in variants}
    tables = {name: KpiTable() for name in variants}
    incidents: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
    for variant, replication, kpis, rows in run_tasks(
        simulate_batch,
        tasks,
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        total=n * len(variants),
    ):
        # store in replication order as soon as the next one is in, whatever order they come
        waiting = pending[variant]
        waiting[replication] = kpis
        table = tables[variant]
        while len(table.rows) in waiting:
            table.add(waiting.pop(len(table.rows)))
        if keep_incidents:
            incidents[(variant, replication)] = rows
    order = list(variants)
    return Replications(
        seed=seed,
        n=n,
        variants=order,
        tables=tables,
        incident_rows=[row for v in order for r in range(n) for row in incidents.get((v, r), [])],
    )


def replicate(
    scenario: Scenario,
    n: int | None = None,
    seed: int | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    keep_incidents: bool = True,
    allow_large: bool = False,
    decisions: Sequence[RecordedDecision] | None = None,
) -> Replications:
    """Run ``n`` replications of a scenario (default: its ``[run]`` settings), replaying
    ``decisions`` (a played session's) in each when given.

    Example:
        >>> reps = replicate(load_scenario("scenarios/sekong_flood_2018.toml"), n=100)
        >>> reps.estimate("response_median_min")    # mean with 95 % CI
        >>> reps.kpis, reps.incidents                # tidy pandas DataFrames
    """
    n = scenario.run.replications if n is None else n
    seed = scenario.run.seed if seed is None else seed
    return run_variants(
        {scenario.scenario.name: scenario},
        n,
        seed,
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        keep_incidents=keep_incidents,
        allow_large=allow_large,
        decisions=None if decisions is None else {scenario.scenario.name: decisions},
    )

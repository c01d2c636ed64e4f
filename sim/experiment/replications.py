"""Many replications of one or more scenario variants, on common random numbers.

Replication ``r`` of seed ``s`` draws every source from ``SeedSequence(s, spawn_key=(r,
source))`` (see ``sim.model.random``), whichever worker runs it and whichever variant it
belongs to: results do not depend on the number of workers, and variants differ only by
their own arrangements (common random numbers). A variant may also carry a played
session: each replication takes the players' decisions again where they still apply (see
``sim.decisions.replay``), and counts the ones that fell back to doctrine (``decision_fallbacks``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.analysis.incidents import IncidentRow, incident_rows
from sim.analysis.kpis import FALLBACKS, replication_kpis
from sim.analysis.replications import KpiTable, Replications, kept_incident
from sim.experiment.executors import batch_size, run_tasks, workers
from sim.experiment.options import DEFAULTS, RunOptions
from sim.log import RunLog
from sim.model import simulate
from sim.scenario import Scenario
from sim.scenario.budget import check_budget

if TYPE_CHECKING:
    from sim.decisions.replay import PlayedSession


def run_once(
    scenario: Scenario, seed: int, replication: int, played: PlayedSession | None = None
) -> tuple[RunLog, list[IncidentRow], dict[str, float]]:
    """One replication (replaying a played session when given): its log, its incidents and
    its key figures."""
    if played is None:
        run = simulate(scenario, seed=seed, replication=replication)
        rows = incident_rows(run)
        return run, rows, replication_kpis(run, rows)
    from sim.decisions.replay import replay_run

    run, not_applied = replay_run(scenario, played, seed, replication)
    rows = incident_rows(run)
    return run, rows, replication_kpis(run, rows) | {FALLBACKS: float(not_applied)}


def simulate_batch(
    variant: str,
    scenario: Scenario,
    seed: int,
    replications: Sequence[int],
    keep_incidents: bool,
    played: PlayedSession | None = None,
    count_fallbacks: bool = False,
) -> list[tuple[str, int, dict[str, float], list[tuple[Any, ...]]]]:
    """Run some replications of one variant (in a worker): key figures and, when kept, the
    incidents.

    With ``played``, each replication replays the session; with ``count_fallbacks`` (or
    ``played``) its key figures count the players' decisions that fell back to doctrine.
    """
    out = []
    for replication in replications:
        _, rows, kpis = run_once(scenario, seed, replication, played)
        if count_fallbacks:
            kpis.setdefault(FALLBACKS, 0.0)  # doctrine's variant beside a played one
        kept = [kept_incident(variant, replication, r) for r in rows] if keep_incidents else []
        out.append((variant, replication, kpis, kept))
    return out


def run_variants(
    variants: Mapping[str, Scenario],
    n: int,
    seed: int,
    *,
    options: RunOptions = DEFAULTS,
    keep_incidents: bool = False,
    played: Mapping[str, PlayedSession] | None = None,
) -> Replications:
    """Run ``n`` replications of each variant on the same seeds (the first is the baseline).

    ``played``: played sessions by variant name, replayed in that variant's replications
    (the others: doctrine throughout), which also report ``decision_fallbacks``.

    Raises:
        BudgetError: the run would go beyond a soft limit of ``sim.scenario.budget`` and
            ``options.allow_large`` is false (nothing is run).
    """
    if n < 1:
        raise ValueError("at least one replication is needed")
    first = next(iter(variants.values()))
    check_budget(
        list(variants.values()), n, file=first.scenario.name.en, allow_large=options.allow_large
    )
    jobs = workers(options.jobs)
    size = batch_size(n * len(variants), jobs)
    tasks = [
        (
            name,
            scenario,
            seed,
            tuple(range(start, min(n, start + size))),
            keep_incidents,
            None if played is None else played.get(name),
            played is not None,
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
        scheduler=options.scheduler,
        progress=options.progress,
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
    *,
    n: int | None = None,
    seed: int | None = None,
    played: PlayedSession | None = None,
    options: RunOptions = DEFAULTS,
    keep_incidents: bool = True,
) -> Replications:
    """Run ``n`` replications of a scenario (default: its ``[run]`` settings; with a
    ``played`` session, the session's seed), replaying the session in each when given.

    ``keep_incidents``: keep one row per replication and incident (``incidents``); false
    saves memory over many replications.

    Raises:
        BudgetError: the work goes beyond a soft limit and ``options.allow_large`` is false.

    Example:
        >>> reps = replicate(load_scenario("scenarios/sekong_flood_2018.toml"), n=100)
        >>> reps.estimate("response_median_min")    # mean with 95 % CI
        >>> reps.frame(), reps.incidents             # tidy pandas DataFrames
    """
    n = scenario.run.replications if n is None else n
    if seed is None:
        seed = played.seed if played is not None else scenario.run.seed
    return run_variants(
        {scenario.scenario.name.en: scenario},
        n,
        seed,
        options=options,
        keep_incidents=keep_incidents,
        played=None if played is None else {scenario.scenario.name.en: played},
    )

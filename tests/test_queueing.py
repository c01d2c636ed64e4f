"""The simulator against queueing theory: a scenario that is an M/M/c queue.

``scenarios/mmc.toml`` reduces the model to M/M/3: Poisson incidents at one village that is
also the units' base and the EOC, no detection, reporting, mobilisation or travel time, one
person per incident carried in one exponential trip, one unit per incident, one priority
(so the EOC serves in report order). The wait for a unit (dispatched − reported) must then
follow Erlang C, and the event log must obey Little's law.

The runs are independent replications of one seed; a confidence interval is taken across
replication means (batch means are not needed: replications are independent). With fixed
seeds the tests are deterministic; the intervals are 95 %, so an honest failure of a
correct model with other seeds is possible about one time in twenty per interval (seeds
1-20 missed 3 of 100 intervals). Offline, 400 replications (seeds 21-60) gave a mean wait of
45.31 ± 0.37 min (standard error) against Erlang C's 45.42, and P(wait) 0.5675 against 0.5678.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from pathlib import Path

import pytest
from queueing import (
    GRID,
    GridResult,
    Point,
    PriorityResult,
    erlang_b,
    erlang_c,
    mean_wait,
    run_point,
    run_priority,
    wait_tail,
)

from sim import Scenario, incident_rows, load_scenario, log, simulate
from sim.scenario.quantities import Exponential, Fixed

SCENARIO = Path(__file__).parent / "scenarios" / "mmc.toml"
SEED = 1
REPLICATIONS = 10
"""Ten replications of the scenario's 100 days: about 5,100 incidents each after warm-up."""
WARM_UP_MIN = 5 * 1440.0
"""Incidents reported in the first five days are left out (the queue starts empty)."""
T_975_DF9 = 2.262157162740992
"""The 0.975 quantile of Student's t with 9 degrees of freedom (REPLICATIONS − 1)."""


def interval(values: list[float]) -> tuple[float, float]:
    """The 95 % confidence interval of the mean of ``REPLICATIONS`` independent values."""
    assert len(values) == REPLICATIONS
    half = T_975_DF9 * statistics.stdev(values) / math.sqrt(len(values))
    centre = statistics.fmean(values)
    return centre - half, centre + half


@dataclass(frozen=True)
class Queue:
    """The M/M/c parameters the scenario stands for (minutes)."""

    c: int
    lam: float
    mu: float


def queue_of(scenario: Scenario) -> Queue:
    """Read λ, μ and c off the scenario, checking it really is an M/M/c queue."""
    (generator,) = scenario.generators
    (unit_type,) = scenario.unit_types
    (group,) = scenario.units
    (need,) = scenario.needs
    (nation,) = scenario.nations
    assert len(scenario.places) == 1 and not scenario.injects and not scenario.roads
    assert generator.people == Fixed(value=1) and unit_type.capacity == 1
    assert need.max_units == 1
    for delay in (need.detection, nation.report_delay, unit_type.mobilisation):
        assert delay == Fixed(value=0)
    assert isinstance(unit_type.trip, Exponential)
    return Queue(c=group.count, lam=generator.per_day / 1440, mu=1 / unit_type.trip.mean)


@dataclass(frozen=True)
class Replication:
    """What one replication measured over its window (after the warm-up, to the end)."""

    waits: list[float]
    """Dispatched − reported of incidents reported in the window and dispatched by the end."""
    services: list[float]
    """Resolved − dispatched of the same, when resolved by the end."""
    sojourns: list[float]
    """Resolved − reported of incidents reported in the window and resolved by the end."""
    arrivals: int
    """Incidents reported in the window."""
    window_min: float
    in_system_mean: float
    """Time-average number of incidents reported but not resolved, over the window."""


def in_system_mean(events: list[tuple[float, str, int, str, str]], t0: float, t1: float) -> float:
    """Integrate the count of incidents reported but not yet resolved over [t0, t1].

    The log is in time order; incidents already in the system at ``t0`` count from ``t0``.
    """
    count = 0
    area = 0.0
    last = t0
    for t, event, _, unit, _ in events:
        if unit or event not in (log.REPORTED, log.RESOLVED) or t > t1:
            continue
        if t > t0:
            area += count * (t - last)
            last = t
        count += 1 if event == log.REPORTED else -1
    area += count * (t1 - last)
    return area / (t1 - t0)


def replicate(scenario: Scenario, replication: int) -> Replication:
    run = simulate(scenario, seed=SEED, replication=replication)
    end = run.horizon_min
    rows = [r for r in incident_rows(run) if WARM_UP_MIN <= r.at["reported"] <= end]
    dispatched = [r for r in rows if not math.isnan(r.at["dispatched"])]
    resolved = [r for r in dispatched if not math.isnan(r.at["resolved"])]
    return Replication(
        waits=[r.at["dispatched"] - r.at["reported"] for r in dispatched],
        services=[r.at["resolved"] - r.at["dispatched"] for r in resolved],
        sojourns=[r.at["resolved"] - r.at["reported"] for r in resolved],
        arrivals=len(rows),
        window_min=end - WARM_UP_MIN,
        in_system_mean=in_system_mean(run.events, WARM_UP_MIN, end),
    )


@pytest.fixture(scope="module")
def mmc() -> tuple[Queue, list[Replication]]:
    scenario = load_scenario(SCENARIO)
    return queue_of(scenario), [replicate(scenario, r) for r in range(REPLICATIONS)]


def test_mean_wait_matches_erlang_c(mmc: tuple[Queue, list[Replication]]) -> None:
    q, runs = mmc
    expected = mean_wait(q.c, q.lam, q.mu)  # 45.4 min for c = 3, a = 2.25
    low, high = interval([statistics.fmean(r.waits) for r in runs])
    assert low <= expected <= high, (expected, low, high)
    assert high - low < 0.5 * expected  # precise enough to mean something


def test_probability_of_waiting_matches_erlang_c(mmc: tuple[Queue, list[Replication]]) -> None:
    q, runs = mmc
    expected = erlang_c(q.c, q.lam / q.mu)  # 0.568
    low, high = interval([sum(w > 0 for w in r.waits) / len(r.waits) for r in runs])
    assert low <= expected <= high, (expected, low, high)
    assert high - low < 0.15 * expected


def test_waits_are_first_come_first_served(mmc: tuple[Queue, list[Replication]]) -> None:
    # The mean wait and the chance of waiting are the same whatever the order of service
    # (as long as it ignores service times), so they cannot tell FIFO from LIFO. The tail
    # can: FIFO gives P(wait > t) = C(c, a)·exp(−(cμ − λ)t); at t = 1/(cμ − λ) that is
    # C/e = 0.209, where LIFO gives about 0.12 (its waits are shorter, but with a long tail).
    q, runs = mmc
    t = 1 / (q.c * q.mu - q.lam)
    expected = wait_tail(q.c, q.lam, q.mu, t)
    low, high = interval([sum(w > t for w in r.waits) / len(r.waits) for r in runs])
    assert low <= expected <= high, (expected, low, high)
    assert high - low < 0.5 * expected


def test_service_time_is_one_trip(mmc: tuple[Queue, list[Replication]]) -> None:
    q, runs = mmc
    low, high = interval([statistics.fmean(r.services) for r in runs])
    assert low <= 1 / q.mu <= high, (1 / q.mu, low, high)


def test_littles_law(mmc: tuple[Queue, list[Replication]]) -> None:
    # L = λW holds on every sample path, up to the incidents that straddle the window's
    # ends; an incident that stayed in the system without ever being resolved (lost from
    # the queue, a unit that never came back) would break it.
    q, runs = mmc
    for run in runs:
        arrival_rate = run.arrivals / run.window_min
        in_system = arrival_rate * statistics.fmean(run.sojourns)
        assert abs(run.in_system_mean - in_system) / run.in_system_mean < 0.02
    # and L agrees with the M/M/c value λ(W_q + 1/μ)
    expected = q.lam * (mean_wait(q.c, q.lam, q.mu) + 1 / q.mu)
    low, high = interval([r.in_system_mean for r in runs])
    assert low <= expected <= high, (expected, low, high)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.75, 0.9, 0.99])
def test_erlang_c_reduces_to_mm1_and_mm2(rho: float) -> None:
    mu = 1 / 60
    lam = rho * mu
    # M/M/1: an arrival waits when the server is busy, with probability ρ; W_q = ρ/(μ − λ)
    assert erlang_c(1, rho) == pytest.approx(rho, rel=1e-12)
    assert mean_wait(1, lam, mu) == pytest.approx(rho / (mu - lam), rel=1e-12)
    # M/M/2 (ρ = λ/2μ): C = 2ρ²/(1 + ρ), W_q = ρ²/(μ(1 − ρ²))
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)
    assert mean_wait(2, 2 * lam, mu) == pytest.approx(rho**2 / (mu * (1 - rho**2)), rel=1e-12)


@pytest.mark.parametrize(
    ("c", "a", "expected"), [(2, 1.0, 1 / 3), (3, 2.0, 4 / 9), (3, 2.25, 0.5678)]
)
def test_erlang_c_textbook_values(c: int, a: float, expected: float) -> None:
    # C(2, 1) = 1/3 and C(3, 2) = 4/9 by hand; C(3, 2.25) = 0.5678 is the scenario's
    assert erlang_c(c, a) == pytest.approx(expected, abs=1e-4)
    b = erlang_b(c, a)  # the standard identity C = B / (1 − ρ(1 − B))
    assert erlang_c(c, a) == pytest.approx(b / (1 - a / c * (1 - b)), rel=1e-12)


def test_erlang_c_refuses_an_unstable_queue() -> None:
    with pytest.raises(ValueError, match="no steady state"):
        erlang_c(3, 3.0)


# --- the grid: c = 1, 3, 10 and ρ = 0.5, 0.8, 0.95 (tests/queueing.py says how) --------


@pytest.fixture(scope="module", params=GRID, ids=lambda p: f"c{p.c}-rho{p.rho}")
def grid_point(request: pytest.FixtureRequest) -> GridResult:
    point: Point = request.param
    return run_point(point)


def test_grid_probability_of_waiting_matches_erlang_c(grid_point: GridResult) -> None:
    p = grid_point.point
    expected = erlang_c(p.c, p.load)
    assert grid_point.drained  # every measured arrival was served: no censored waits
    assert grid_point.waiting.covers(expected), (expected, grid_point.waiting)
    assert grid_point.waiting.half_width < 0.1, grid_point.waiting


def test_grid_mean_wait_matches_erlang_c(grid_point: GridResult) -> None:
    # At ρ = 0.95 the mean wait is reported (docs/validation.md), not tested: 6,000 arrivals
    # are a few relaxation times of the queue, the replication means are very skewed and
    # their interval covers too rarely (seeds 1-8 at c = 3: two misses at 99.75 %).
    p = grid_point.point
    if p.rho > 0.9:
        pytest.skip("the mean wait at ρ = 0.95 needs far longer runs than CI affords")
    expected = mean_wait(p.c, p.lam, 1 / 60)
    assert grid_point.wait.covers(expected), (expected, grid_point.wait)
    # precise enough to mean something: the interval tells the wait from no wait at all,
    # half-width under the wait itself (or ±1 min where the wait is under a minute: c = 10,
    # ρ = 0.5 waits 0.4 min); at 99.7 % with 20 replications the width varies a lot with
    # the sample path (0.4 to 0.8 of the wait at c = 10, ρ = 0.8 over two versions)
    assert grid_point.wait.half_width < max(expected, 1.0), grid_point.wait


@pytest.fixture(scope="module")
def priority() -> PriorityResult:
    return run_priority()


def test_priority_waits_match_cobham(priority: PriorityResult) -> None:
    # Non-preemptive priority M/M/1 at ρ = 0.35 + 0.35: urgent incidents wait 64.6 min,
    # routine 215.4 min (Cobham). The model's dispatch takes priority, then report time,
    # and never stops a unit at work for a more urgent call.
    for estimate, expected in zip(priority.waits, priority.expected, strict=True):
        assert estimate.covers(expected), (expected, estimate)
        assert estimate.half_width < 0.4 * expected, estimate  # 0.25-0.29 seen
    urgent, routine = priority.waits
    assert urgent.high < routine.low

"""Queueing theory and the simulator reduced to queues: shared by tests/test_queueing.py and
scripts/validation.py (which writes the evidence into docs/validation.md).

``scenarios/mmc.toml`` reduces the model to an M/M/c queue: Poisson incidents at one village
that is also the units' base and the EOC, no detection, reporting, mobilisation or travel
time, one person per incident carried in one exponential trip (mean 60 min), one unit per
incident. Its copies here change the number of units ``c``, the arrival rate (for a
utilisation ``ρ = λ/cμ``) and, for the priority queue, add a second kind of need.

Two ways to measure a steady state without a long warm-up bias:

- **M/M/c, a stationary start.** Each replication starts with ``N₀`` incidents already
  reported, ``N₀`` drawn from the stationary distribution of the number in system (with
  exponential services, the residual service of those in service is again exponential, so
  the queue is in steady state from time 0). Only the incidents arriving in the window
  ``(0, T]`` are measured; arrivals stop at ``T`` and the queue drains (FIFO: later
  arrivals never change an earlier one's wait).
- **Priority M/M/1, a warm-up.** The stationary state of two classes has no simple form,
  so the queue starts empty and incidents reported before the warm-up are left out;
  arrivals go on after the window so that low-priority waits see the later urgent ones.

A replication's estimate is the sum of the waits of the arrivals in its window divided by
the *expected* number of arrivals, λT: in steady state the expected sum is exactly λT
times the mean wait, whereas the plain mean of each replication's waits is biased low
(congested replications have more arrivals but count once). Estimates are means over
independent replications with a confidence interval from Student's t, made sharper with
control variates whose expectations are known exactly (Lavenberg and Welch): the number in
system at the start of the window, the mean service time, the number of arrivals. The
controlled estimate is the intercept of a least-squares fit of the replication means on
the controls' deviations from their expectations, its interval from the fit's standard
error on ``R − 1 − q`` degrees of freedom.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from sim import Scenario, incident_rows, load_scenario, simulate
from sim.analysis.incidents import IncidentRow
from sim.scenario.schema import IncidentInject

SCENARIO = Path(__file__).parent / "scenarios" / "mmc.toml"
SERVICE_MIN = 60.0
"""Mean service time of the queue scenarios (one exponential trip), minutes."""
CHECKS = 9 + 6 + 2
"""Intervals the tests check at once: the chance of waiting at the nine points of the grid,
the mean wait at the six with ρ ≤ 0.8, and the two classes of the priority queue."""
CONFIDENCE = 1 - 0.05 / CHECKS
"""Each interval at 99.7 % (Bonferroni), so that a correct engine fails one of them with a
probability under 5 %; one at 95 % would fail about two times in three."""


# --- theory -----------------------------------------------------------------------------


def erlang_c(c: int, a: float) -> float:
    """Erlang C: the probability that an arrival to an M/M/c queue has to wait.

    ``c`` servers, offered load ``a = λ/μ`` erlangs, stable only when ``a < c``::

        C(c, a) = (a^c / c!) · c / (c − a)  /  (Σ_{k=0}^{c−1} a^k / k!  +  (a^c / c!) · c / (c − a))
    """
    if not 0 < a < c:
        raise ValueError(f"an M/M/{c} queue with load {a} has no steady state")
    waiting = a**c / math.factorial(c) * c / (c - a)
    return waiting / (sum(a**k / math.factorial(k) for k in range(c)) + waiting)


def mean_wait(c: int, lam: float, mu: float) -> float:
    """Mean wait in queue of M/M/c (FIFO or any order blind to service times): C(c, a)/(cμ − λ)."""
    return erlang_c(c, lam / mu) / (c * mu - lam)


def wait_tail(c: int, lam: float, mu: float, t: float) -> float:
    """P(wait > t) in a FIFO M/M/c queue: C(c, a) · exp(−(cμ − λ) t)."""
    return erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def erlang_b(c: int, a: float) -> float:
    """Erlang B (blocking) by its recursion, to cross-check ``erlang_c`` independently."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def mean_in_system(c: int, a: float) -> float:
    """L of M/M/c: a + C(c, a) · ρ/(1 − ρ), with ρ = a/c."""
    rho = a / c
    return a + erlang_c(c, a) * rho / (1 - rho)


def stationary_counts(c: int, a: float) -> np.ndarray:
    """P(N = n) for the number in an M/M/c system, n = 0, 1, ... (cut where it is < 1e-15)."""
    rho = a / c
    top = c + math.ceil(math.log(1e-15) / math.log(rho)) + 1
    n = np.arange(top)
    log_p = np.array(
        [
            k * math.log(a) - math.lgamma(k + 1)
            if k < c
            else k * math.log(a) - math.lgamma(c + 1) - (k - c) * math.log(c)
            for k in n
        ]
    )
    p = np.exp(log_p - log_p.max())
    return np.asarray(p / p.sum())


def cobham_waits(lams: Sequence[float], mu: float) -> list[float]:
    """Mean waits in queue of a non-preemptive priority M/M/1, classes in priority order.

    Cobham (1954): W_k = W₀ / ((1 − σ_{k−1})(1 − σ_k)), σ_k the load of classes 1..k and
    W₀ = Σ λ_i E[S_i²]/2 the mean residual work found in service (E[S²] = 2/μ² here).
    """
    w0 = sum(lam * 2 / mu**2 for lam in lams) / 2
    waits, sigma = [], 0.0
    for lam in lams:
        before, sigma = sigma, sigma + lam / mu
        if sigma >= 1:
            raise ValueError("a priority queue with load ≥ 1 has no steady state")
        waits.append(w0 / ((1 - before) * (1 - sigma)))
    return waits


# --- estimates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its confidence interval."""

    mean: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


def plain(values: Sequence[float], confidence: float = CONFIDENCE) -> Estimate:
    """The t interval of the mean of independent values."""
    n = len(values)
    half = stats.t.ppf((1 + confidence) / 2, n - 1) * statistics.stdev(values) / math.sqrt(n)
    centre = statistics.fmean(values)
    return Estimate(centre, centre - half, centre + half)


def controlled(
    values: Sequence[float], controls: np.ndarray, confidence: float = CONFIDENCE
) -> Estimate:
    """The control-variate estimate of the mean of ``values``.

    ``controls``: one row a replication, the controls' deviations from their known means.
    """
    y = np.asarray(values, dtype=float)
    design = np.column_stack([np.ones(y.size), controls])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    dof = y.size - design.shape[1]
    residual = y - design @ coef
    variance = float(residual @ residual) / dof * np.linalg.inv(design.T @ design)[0, 0]
    half = stats.t.ppf((1 + confidence) / 2, dof) * math.sqrt(variance)
    return Estimate(float(coef[0]), float(coef[0]) - half, float(coef[0]) + half)


# --- the M/M/c grid ---------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One M/M/c configuration and how much of it to simulate."""

    c: int
    rho: float
    customers: int
    """Arrivals measured in all, over ``REPLICATIONS`` replications."""

    @property
    def lam(self) -> float:
        return self.rho * self.c / SERVICE_MIN

    @property
    def load(self) -> float:
        return self.lam * SERVICE_MIN


REPLICATIONS = 20
GRID = [
    Point(c, rho, customers)
    for c in (1, 3, 10)
    for rho, customers in ((0.5, 3000), (0.8, 4000), (0.95, 6000))
]
"""The grid of the issue: c = 1, 3, 10 and ρ = 0.5, 0.8, 0.95. Heavier loads get more
arrivals (their waits vary far more); together about 39,000 arrivals."""


@dataclass(frozen=True)
class GridResult:
    point: Point
    wait: Estimate
    """Mean wait for a unit (dispatched − reported), controlled."""
    waiting: Estimate
    """Share of arrivals that waited at all, controlled."""
    drained: bool
    """Every arrival of the window was dispatched before the end."""


def mmc_scenario(base: Scenario, point: Point, window_min: float, already: int) -> Scenario:
    """``base`` as M/M/c at ``point``: arrivals over the window, ``already`` in at time 0."""
    drain = 40 * SERVICE_MIN / (point.c * (1 - point.rho)) + 10 * SERVICE_MIN
    start_queue = tuple(
        IncidentInject.model_validate(
            {"type": "incident", "at": "0min", "place": "village", "need": "rescue", "people": 1}
        )
        for _ in range(already)
    )
    (generator,) = base.generators
    (units,) = base.units
    return base.model_copy(
        update={
            "scenario": base.scenario.model_copy(update={"duration": window_min + drain}),
            "units": (units.model_copy(update={"count": point.c}),),
            "generators": (
                generator.model_copy(update={"per_day": point.lam * 1440, "end": window_min}),
            ),
            "injects": start_queue,
        }
    )


def run_point(point: Point, seed: int = 1) -> GridResult:
    """Simulate ``point`` in ``REPLICATIONS`` stationary-start replications."""
    base = load_scenario(SCENARIO)
    rng = np.random.default_rng([seed, point.c, round(point.rho * 100)])
    probabilities = stationary_counts(point.c, point.load)
    window = point.customers / REPLICATIONS / point.lam
    waits, waited, controls, drained = [], [], [], True
    for replication in range(REPLICATIONS):
        already = int(rng.choice(probabilities.size, p=probabilities))
        run = simulate(mmc_scenario(base, point, window, already), seed, replication)
        rows = incident_rows(run)
        measured = [r for r in rows if 0 < r.at["reported"] <= window]
        served = _served(rows)
        wait = [r.at["dispatched"] - r.at["reported"] for r in measured]
        drained = drained and not any(math.isnan(w) for w in wait)
        expected_arrivals = point.lam * window
        waits.append(sum(wait) / expected_arrivals)
        waited.append(sum(w > 0 for w in wait) / expected_arrivals)
        controls.append(
            [
                already - mean_in_system(point.c, point.load),
                statistics.fmean(served) - SERVICE_MIN,
                len(measured) - point.lam * window,
            ]
        )
    x = np.array(controls)
    return GridResult(point, controlled(waits, x), controlled(waited, x), drained)


def _served(rows: Sequence[IncidentRow]) -> list[float]:
    return [r.at["resolved"] - r.at["dispatched"] for r in rows if not math.isnan(r.at["resolved"])]


# --- the priority M/M/1 -----------------------------------------------------------------

PRIORITY_LAMS = (0.35 / SERVICE_MIN, 0.35 / SERVICE_MIN)
"""Urgent and routine arrivals per minute: ρ = 0.35 + 0.35 = 0.7."""
PRIORITY_REPLICATIONS = 20
PRIORITY_WARM_UP_MIN = 3 * 1440.0
"""Three days: twice the relaxation time of the queue, 1/μ(1 − √ρ)² ≈ 37 h; the control on
the number in system when it ends takes up what is left of the empty start."""
PRIORITY_WINDOW_MIN = 30 * 1440.0
"""Thirty days a replication: about 5,000 arrivals in all."""


@dataclass(frozen=True)
class PriorityResult:
    waits: tuple[Estimate, ...]
    """Mean wait of each class, urgent first, controlled."""
    expected: tuple[float, ...]


def priority_scenario(base: Scenario) -> Scenario:
    """``base`` as a two-class non-preemptive priority M/M/1 (urgent = priority 1)."""
    (need,) = base.needs
    (unit_type,) = base.unit_types
    (generator,) = base.generators
    (units,) = base.units
    needs = tuple(
        need.model_copy(update={"id": name, "name": name, "priority": priority})
        for name, priority in (("urgent", 1), ("routine", 2))
    )
    end = PRIORITY_WARM_UP_MIN + PRIORITY_WINDOW_MIN
    return base.model_copy(
        update={
            "scenario": base.scenario.model_copy(update={"duration": end + 2 * 1440}),
            "needs": needs,
            "unit_types": (unit_type.model_copy(update={"capabilities": ("urgent", "routine")}),),
            "units": (units.model_copy(update={"count": 1}),),
            "generators": tuple(
                generator.model_copy(update={"need": n.id, "per_day": lam * 1440})
                for n, lam in zip(needs, PRIORITY_LAMS, strict=True)
            ),
        }
    )


def run_priority(seed: int = 1) -> PriorityResult:
    """Simulate the priority queue; controls: number in system at the window's start, the
    mean service time and the arrivals of each class."""
    scenario = priority_scenario(load_scenario(SCENARIO))
    t0, t1 = PRIORITY_WARM_UP_MIN, PRIORITY_WARM_UP_MIN + PRIORITY_WINDOW_MIN
    rho = sum(PRIORITY_LAMS) * SERVICE_MIN
    per_class: list[list[float]] = [[], []]
    controls = []
    for replication in range(PRIORITY_REPLICATIONS):
        rows = incident_rows(simulate(scenario, seed, replication))
        in_system = sum(r.at["reported"] <= t0 < _left(r) for r in rows)
        counts = []
        for k, need in enumerate(("urgent", "routine")):
            measured = [r for r in rows if r.info.need == need and t0 < r.at["reported"] <= t1]
            per_class[k].append(sum(_waits(measured)) / (PRIORITY_LAMS[k] * PRIORITY_WINDOW_MIN))
            counts.append(len(measured) - PRIORITY_LAMS[k] * PRIORITY_WINDOW_MIN)
        controls.append(
            [in_system - rho / (1 - rho), statistics.fmean(_served(rows)) - SERVICE_MIN, *counts]
        )
    x = np.array(controls)
    return PriorityResult(
        tuple(controlled(w, x) for w in per_class),
        tuple(cobham_waits(PRIORITY_LAMS, 1 / SERVICE_MIN)),
    )


def _left(row: IncidentRow) -> float:
    resolved = row.at["resolved"]
    return math.inf if math.isnan(resolved) else resolved


def _waits(rows: Sequence[IncidentRow]) -> list[float]:
    waits = [r.at["dispatched"] - r.at["reported"] for r in rows]
    if any(math.isnan(w) for w in waits):
        raise AssertionError("an incident of the window was never dispatched")
    return waits

"""Statistics across replications: means with 95 % confidence intervals, paired differences.

Key figures (times, counts, shares: never negative) get bootstrap percentile intervals,
which stay within the values the replications took (never a negative count or wait, nor
a share above one); paired differences, which may take either sign, get Student-t ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 20240101
"""Bootstrap intervals are drawn from a fixed stream, so the same results give the same CI."""


def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom (two-sided 95 %)."""
    if df < 1:
        return math.nan
    from scipy import stats

    return float(stats.t.ppf(0.975, df))


@dataclass(frozen=True)
class Estimate:
    """A mean across replications with its 95 % confidence interval (NaN bounds when
    there are fewer than two values; everything NaN and ``n == 0`` when there are none).

    The names are those of its dict form (``as_dict``) and of the results' frames."""

    mean: float
    ci_low: float
    ci_high: float
    n: int

    def as_dict(self) -> dict[str, float | int | None]:
        """``{"mean", "ci_low", "ci_high", "n"}`` rounded to 4 decimals, None for NaN (JSON)."""

        def clean(v: float) -> float | None:
            return None if math.isnan(v) else round(v, 4)

        return {
            "mean": clean(self.mean),
            "ci_low": clean(self.ci_low),
            "ci_high": clean(self.ci_high),
            "n": self.n,
        }

    @property
    def low(self) -> float:
        """The same as ``ci_low`` (its earlier name, still read by the report's figures)."""
        return self.ci_low

    @property
    def high(self) -> float:
        """The same as ``ci_high`` (its earlier name, still read by the report's figures)."""
        return self.ci_high

    @property
    def spans_zero(self) -> bool:
        """Whether the interval holds zero (or there is none): no clear effect."""
        return self.n < 2 or math.isnan(self.ci_low) or self.ci_low <= 0.0 <= self.ci_high


def _numbers(values: Iterable[float]) -> np.ndarray:
    return np.array([v for v in values if not math.isnan(v)], dtype=float)


def mean_ci(values: Iterable[float], *, bounded: bool = False) -> Estimate:
    """Mean and 95 % confidence interval of the values that are numbers.

    ``bounded``: the values are times, counts or shares (with a floor, and a ceiling for
    shares); the interval is a bootstrap percentile interval, within the smallest and
    largest value observed. Otherwise Student's t.
    """
    data = _numbers(values)
    n = int(data.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(data.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    if bounded:
        if float(data.min()) == float(data.max()):
            return Estimate(mean, mean, mean, n)
        low, high = bootstrap_mean_ci(data)
        return Estimate(mean, low, high, n)
    half = t_quantile_975(n - 1) * float(data.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def bootstrap_mean_ci(data: np.ndarray) -> tuple[float, float]:
    """95 % bootstrap percentile interval of the mean (reproducible)."""
    from scipy import stats

    result = stats.bootstrap(
        (data,),
        np.mean,
        confidence_level=0.95,
        n_resamples=BOOTSTRAP_RESAMPLES,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(BOOTSTRAP_SEED),
    )
    interval = result.confidence_interval
    return float(interval.low), float(interval.high)


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """95 % Wilson score interval of a share of ``trials`` (within 0 and 1)."""
    if trials <= 0:
        return math.nan, math.nan
    from scipy import stats

    z = float(stats.norm.ppf(0.975))
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2)) / (1 + z * z / trials)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes >= trials else min(1.0, centre + half)
    return low, high


def paired_difference(variant: Sequence[float], base: Sequence[float]) -> Estimate:
    """Mean of variant − base over replications run on the same seeds, with its 95 % CI."""
    return mean_ci(v - b for v, b in zip(variant, base, strict=True))

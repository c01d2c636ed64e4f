"""Statistics across replications: means with Student-t confidence intervals, paired differences."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_T975 = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281)
Z975 = 1.959963984540054


def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom (two-sided 95 %).

    Exact table to 10 degrees of freedom, then the Cornish-Fisher expansion (error < 1e-4).
    """
    if df < 1:
        return math.nan
    if df <= len(_T975):
        return _T975[df - 1]
    z = Z975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


@dataclass(frozen=True)
class Estimate:
    """A mean across replications with its 95 % confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int | None]:
        def clean(v: float) -> float | None:
            return None if math.isnan(v) else round(v, 4)

        return {
            "mean": clean(self.mean),
            "ci_low": clean(self.low),
            "ci_high": clean(self.high),
            "n": self.n,
        }


def mean_ci(values: Iterable[float]) -> Estimate:
    """Mean and 95 % Student-t confidence interval of the values that are numbers."""
    data = np.array([v for v in values if not math.isnan(v)], dtype=float)
    n = int(data.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(data.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    half = t_quantile_975(n - 1) * float(data.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def paired_difference(variant: Sequence[float], base: Sequence[float]) -> Estimate:
    """Mean of variant − base over replications run on the same seeds, with its 95 % CI."""
    return mean_ci(v - b for v, b in zip(variant, base, strict=True))

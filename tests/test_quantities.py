"""Durations with units and the distributions of the scenario format."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from sim.scenario import format_duration, parse_duration
from sim.scenario.quantities import (
    Z90,
    CountDistribution,
    DurationDistribution,
    Exponential,
    Fixed,
    LogNormal,
    Triangular,
    Uniform,
)


class NumpySource:
    """A RandomSource over ``numpy.random.default_rng``, drawn in batches for speed."""

    def __init__(self, seed: int, batch: int = 4096) -> None:
        rng = np.random.default_rng(seed)
        self._uniform = self._stream(lambda: rng.random(batch))
        self._normal = self._stream(lambda: rng.standard_normal(batch))
        self._exponential = self._stream(lambda: rng.standard_exponential(batch))

    @staticmethod
    def _stream(make: object) -> Iterator[float]:
        while True:
            yield from make().tolist()  # type: ignore[operator]

    def uniform(self) -> float:
        return next(self._uniform)

    def normal(self) -> float:
        return next(self._normal)

    def exponential(self) -> float:
        return next(self._exponential)


class ScriptedSource:
    """A RandomSource that replays given standard variates (so Hypothesis picks them)."""

    def __init__(self, uniforms: list[float], normals: list[float], exps: list[float]) -> None:
        self._u, self._n, self._e = iter(uniforms), iter(normals), iter(exps)

    def uniform(self) -> float:
        return next(self._u)

    def normal(self) -> float:
        return next(self._n)

    def exponential(self) -> float:
        return next(self._e)


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45min", 45),
        ("2h", 120),
        ("1d", 1440),
        ("1h30min", 90),
        ("90s", 1.5),
        ("30sec", 0.5),
        ("1.5h", 90),
        ("1d 6h", 1800),
        ("2h 05min", 125),
        ("0min", 0),
    ],
)
def test_parse_duration(text: str, minutes: float) -> None:
    assert parse_duration(text) == pytest.approx(minutes)


@pytest.mark.parametrize("text", ["45", "2 hours", "", " ", "-1h", "h", "2x", "1h30", "5mins"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a duration|negative"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0min"),
        (45, "45min"),
        (60, "1h 00min"),
        (125, "2h 05min"),
        (59.6, "1h 00min"),
        (1440, "1d"),
        (1440 + 5, "1d 0h 05min"),
        (1440 + 180, "1d 3h"),
        (1440 + 185, "1d 3h 05min"),
        (math.inf, "—"),
        (math.nan, "—"),
    ],
)
def test_format_duration(minutes: float, text: str) -> None:
    assert format_duration(minutes) == text


@given(st.integers(min_value=0, max_value=60 * 24 * 400))
def test_format_then_parse_round_trips(minutes: int) -> None:
    assert parse_duration(format_duration(minutes)) == minutes


# --- reading distributions ---------------------------------------------------------------

DURATION = TypeAdapter(DurationDistribution)
COUNT = TypeAdapter(CountDistribution)


def test_duration_distribution_forms() -> None:
    assert DURATION.validate_python("45min") == Fixed(value=45)
    tri = DURATION.validate_python(
        {"dist": "triangular", "low": "20min", "mode": "30min", "high": "1h"}
    )
    assert isinstance(tri, Triangular)
    assert (tri.low, tri.mode, tri.high) == (20, 30, 60)
    logn = DURATION.validate_python({"dist": "lognormal", "median": "40min", "p90": "2h"})
    assert isinstance(logn, LogNormal)
    assert (logn.median, logn.p90) == (40, 120)
    exp = DURATION.validate_python({"dist": "exponential", "mean": "1h"})
    assert isinstance(exp, Exponential)
    assert exp.mean == 60


def test_count_distribution_forms() -> None:
    assert COUNT.validate_python(40) == Fixed(value=40)
    uni = COUNT.validate_python({"dist": "uniform", "low": 2, "high": 12})
    assert isinstance(uni, Uniform)
    assert uni.mean == 7


@pytest.mark.parametrize(
    "value",
    [
        30,  # no unit
        {"dist": "uniform", "low": 10, "high": "1h"},  # no unit inside the table
        {"dist": "triangular", "low": "1h", "mode": "30min", "high": "2h"},
        {"dist": "lognormal", "median": "2h", "p90": "2h"},
        {"dist": "uniform", "low": "1h", "high": "30min"},
        {"dist": "normal", "mean": "1h"},
        {"dist": "exponential", "mean": "0min"},
    ],
)
def test_duration_distribution_refuses(value: object) -> None:
    with pytest.raises(ValidationError):
        DURATION.validate_python(value)


def test_closed_form_means() -> None:
    assert Fixed(value=12).mean == 12
    assert Uniform(dist="uniform", low=10, high=30).mean == 20
    assert Triangular(dist="triangular", low=10, mode=20, high=60).mean == 30
    assert Exponential(dist="exponential", mean=25).mean == 25
    logn = LogNormal(dist="lognormal", median=40, p90=120)
    sigma = math.log(3) / Z90
    assert logn.sigma == pytest.approx(sigma)
    assert logn.mean == pytest.approx(40 * math.exp(sigma**2 / 2))


# --- sampling ----------------------------------------------------------------------------

minutes = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)
unit_interval = st.floats(min_value=0, max_value=1, exclude_max=True)
N_DRAWS = 20


@settings(max_examples=200)
@given(
    a=minutes,
    b=minutes,
    us=st.lists(unit_interval, min_size=N_DRAWS, max_size=N_DRAWS),
)
def test_uniform_draws_stay_within_bounds(a: float, b: float, us: list[float]) -> None:
    low, high = sorted((a, b))
    dist = Uniform(dist="uniform", low=low, high=high)
    source = ScriptedSource(us, [], [])
    tol = 4 * math.ulp(high)  # rounding of low + (high - low) * u
    for _ in us:
        x = dist.draw(source)
        assert x >= 0
        assert low - tol <= x <= high + tol, (low, high, x)


@settings(max_examples=200)
@given(
    abc=st.lists(minutes, min_size=3, max_size=3),
    us=st.lists(
        st.one_of(unit_interval, st.sampled_from([0.0, 0.5, 1 - 2**-53])),
        min_size=N_DRAWS,
        max_size=N_DRAWS,
    ),
)
def test_triangular_draws_stay_within_bounds(abc: list[float], us: list[float]) -> None:
    low, mode, high = sorted(abc)
    dist = Triangular(dist="triangular", low=low, mode=mode, high=high)
    source = ScriptedSource(us, [], [])
    # The inverse CDF is exact only up to rounding: a draw may miss low or high by an ulp
    # of high (found by Hypothesis at low=1.8e-163, mode=5.5e-138, high=1), never more,
    # and never below zero.
    tol = 4 * math.ulp(high)
    for _ in us:
        x = dist.draw(source)
        assert x >= 0
        assert low - tol <= x <= high + tol, (low, mode, high, x)


@settings(max_examples=200)
@given(
    median=st.floats(min_value=1e-3, max_value=1e4),
    spread=st.floats(min_value=1.001, max_value=50),
    mean=st.floats(min_value=1e-3, max_value=1e4),
    normals=st.lists(st.floats(min_value=-8, max_value=8), min_size=N_DRAWS, max_size=N_DRAWS),
    exps=st.lists(st.floats(min_value=0, max_value=50), min_size=N_DRAWS, max_size=N_DRAWS),
)
def test_lognormal_and_exponential_draws_are_non_negative(
    median: float, spread: float, mean: float, normals: list[float], exps: list[float]
) -> None:
    logn = LogNormal(dist="lognormal", median=median, p90=median * spread)
    expo = Exponential(dist="exponential", mean=mean)
    source = ScriptedSource([], normals, exps)
    for _ in range(N_DRAWS):
        assert logn.draw(source) >= 0
        assert expo.draw(source) >= 0


@settings(max_examples=50)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_every_distribution_draws_no_less_than_its_least_with_a_real_source(seed: int) -> None:
    # (doctrine bounds a search for the unit ready first on ``least``)
    source = NumpySource(seed, batch=256)
    dists = [
        Fixed(value=5),
        Uniform(dist="uniform", low=0, high=10),
        Uniform(dist="uniform", low=3.7, high=3.7 + 1e-9),
        Triangular(dist="triangular", low=0.1, mode=0.1, high=10),
        Triangular(dist="triangular", low=0, mode=0, high=10),
        Triangular(dist="triangular", low=0, mode=10, high=10),
        LogNormal(dist="lognormal", median=1, p90=40),
        Exponential(dist="exponential", mean=1),
    ]
    for dist in dists:
        assert 0 <= dist.least <= dist.mean
        for _ in range(100):
            assert dist.draw(source) >= dist.least


SAMPLE = 20_000
DISTRIBUTIONS = [
    Fixed(value=17),
    Uniform(dist="uniform", low=10, high=70),
    Triangular(dist="triangular", low=20, mode=30, high=60),
    Triangular(dist="triangular", low=0, mode=0, high=30),
    Triangular(dist="triangular", low=5, mode=40, high=40),
    LogNormal(dist="lognormal", median=40, p90=120),
    Exponential(dist="exponential", mean=25),
]


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=lambda d: repr(d))
def test_sample_mean_matches_mean(dist: object) -> None:
    source = NumpySource(seed=20180723)
    xs = np.array([dist.draw(source) for _ in range(SAMPLE)])  # type: ignore[attr-defined]
    se = xs.std(ddof=1) / math.sqrt(SAMPLE)
    expected = dist.mean  # type: ignore[attr-defined]
    assert abs(xs.mean() - expected) <= 4 * se + 1e-9 * max(1.0, expected)


@pytest.mark.parametrize("dist", DISTRIBUTIONS[1:5], ids=lambda d: repr(d))
def test_bounded_sample_spans_its_range(dist: object) -> None:
    """Guards the bounds test: draws reach near both ends, not just stay inside."""
    source = NumpySource(seed=7)
    xs = np.array([dist.draw(source) for _ in range(SAMPLE)])  # type: ignore[attr-defined]
    width = dist.high - dist.low  # type: ignore[attr-defined]
    assert xs.min() < dist.low + 0.05 * width  # type: ignore[attr-defined]
    assert xs.max() > dist.high - 0.05 * width  # type: ignore[attr-defined]


@pytest.mark.parametrize(("median", "p90"), [(40.0, 120.0), (10.0, 11.0), (300.0, 3000.0)])
def test_lognormal_median_and_p90_match_empirically(median: float, p90: float) -> None:
    dist = LogNormal(dist="lognormal", median=median, p90=p90)
    source = NumpySource(seed=1)
    xs = np.array([dist.draw(source) for _ in range(SAMPLE)])
    # fraction below each quantile; standard errors are 0.0035 and 0.0021 at n = 20,000
    assert np.mean(xs <= median) == pytest.approx(0.5, abs=0.015)
    assert np.mean(xs <= p90) == pytest.approx(0.9, abs=0.01)
    assert np.median(xs) == pytest.approx(median, rel=0.03)

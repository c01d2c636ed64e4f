"""Aimed fuzzing of the loader: every kind of field gets the values that break programs.

Random mutation of whole files rarely lands on a date near year 9999 or a box around the
globe, so each strategy here aims at one kind of field (dates, durations, distributions,
coordinates, bounds, counts, nested and truncated TOML) and writes it into a valid file.
The loader must either accept the file or raise ``ScenarioError`` (the user-error family,
which the command line turns into exit status 2); and whatever it accepts within its
budget must run one replication to the end.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SCENARIOS

from sim.model import simulate
from sim.scenario import ScenarioError, parse_scenario
from sim.scenario.budget import estimate

TINY = (SCENARIOS / "tiny.toml").read_text()
FIRE = (SCENARIOS / "wildfire.toml").read_text()
FUZZ = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], database=None)


def toml(value: Any) -> str:
    """A value written as TOML (floats with nan and inf, dates, strings, lists, tables)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def with_line(text: str, key: str, value: Any, occurrence: int = 0) -> str:
    """The text with the ``occurrence``-th ``key = ...`` line given another value."""
    lines = [m for m in re.finditer(rf"^{re.escape(key)} = .*$", text, flags=re.M)]
    line = lines[occurrence]
    return text[: line.start()] + f"{key} = {toml(value)}" + text[line.end() :]


def must_load_or_refuse(text: str) -> None:
    """Accepted, or refused as a user error; and an accepted one runs to its end."""
    try:
        scenario, _ = parse_scenario(text, "fuzzed.toml")
    except ScenarioError as exc:
        assert exc.problems and "fuzzed.toml" in str(exc)
        return
    if not estimate([scenario], 1).over():
        run = simulate(scenario, seed=0)
        assert all(math.isfinite(t) and t <= scenario.duration_min + 1e-6 for t, *_ in run.events)


# the values that break programs, for each kind of field
special_floats = st.sampled_from(
    [0.0, -0.0, 1e-320, 1e308, -1e308, math.nan, math.inf, -math.inf, 90.0000001, -180.5, 1e15]
)
any_float = st.one_of(st.floats(allow_nan=True, allow_infinity=True), special_floats)
degrees = st.one_of(
    special_floats,
    st.sampled_from([-90.0, 90.0, -180.0, 180.0, 0.0, 14.4, 14.6, 105.15, 105.4]),
    st.floats(-200, 200),
)
any_int = st.one_of(
    st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, -1, 10**8, 10**12, 2**63 - 1])
)
number_text = st.one_of(
    st.integers(0, 10**6).map(str),
    st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:.6f}"),
    st.integers(1, 500).map(lambda n: "9" * n),
    st.sampled_from(["0", "1e400", "-5", "0.0000001", "1.", ".5", "nan", "inf"]),
)
duration_text = st.builds(
    lambda n, unit, more: f"{n}{unit}{more}",
    number_text,
    st.sampled_from(["min", "h", "d", "s", "sec", "", "m", "H", " min", "years"]),
    st.sampled_from(["", "30min", " 1h", "-1h"]),
)
durations = st.one_of(duration_text, any_float, any_int, st.sampled_from([True, [], {}]))
edge_dates = st.sampled_from(
    [
        datetime(1, 1, 1, 0, 0),
        datetime(1, 1, 1, 12, 0),
        datetime(1899, 12, 31, 23, 59),
        datetime(2200, 12, 31, 23, 59),
        datetime(9999, 12, 31, 12, 0),
        datetime(9999, 12, 31, 23, 59),
    ]
)
dates = st.builds(
    datetime,
    st.sampled_from([1, 2, 1899, 1900, 2200, 2201, 9998, 9999]),
    st.sampled_from([1, 12]),
    st.sampled_from([1, 31]),
    st.sampled_from([0, 23]),
    st.sampled_from([0, 59]),
)
dates = st.builds(
    lambda when, minutes: when.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.one_of(
        edge_dates,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    ),
    st.sampled_from([-(23 * 60 + 59), -12 * 60, -5 * 60, 0, 7 * 60, 14 * 60, 23 * 60 + 59]),
)
distributions = st.fixed_dictionaries(
    {"dist": st.sampled_from(["fixed", "uniform", "triangular", "lognormal", "exponential", "x"])},
    optional={
        key: st.one_of(duration_text, any_float)
        for key in ("value", "low", "mode", "high", "median", "p90", "mean")
    },
)
lognormals = st.fixed_dictionaries(
    {
        "dist": st.just("lognormal"),
        "median": st.sampled_from(["1s", "0.001s", "1min", "1h", "0." + "0" * 300 + "1s"]),
        "p90": st.sampled_from(["2min", "10d", "3000d", "3650d", "99999d"]),
    }
)


@FUZZ
@example(datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))))
@example(datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))))
@given(when=st.one_of(dates, st.sampled_from(["2018-07-23", "23:00", "2018-13-01T00:00:00"])))
def test_any_start_date(when: Any) -> None:
    must_load_or_refuse(with_line(TINY, "start", when))


@FUZZ
@given(when=st.one_of(dates, durations))
def test_any_inject_time(when: Any) -> None:
    must_load_or_refuse(with_line(TINY, "at", when))


@FUZZ
@given(
    key=st.sampled_from(["duration", "target", "detection", "mobilisation", "trip"]),
    value=durations,
)
def test_any_duration(key: str, value: Any) -> None:
    must_load_or_refuse(with_line(TINY, key, value))


@FUZZ
@given(
    key=st.sampled_from(["trip", "mobilisation", "report_delay", "detection"]), dist=distributions
)
def test_any_distribution(key: str, dist: dict[str, Any]) -> None:
    must_load_or_refuse(with_line(TINY, key, dist))


@FUZZ
@example("trip", {"dist": "lognormal", "median": "0." + "0" * 300 + "1s", "p90": "1h"})
@given(key=st.sampled_from(["trip", "mobilisation", "detection"]), dist=lognormals)
def test_any_lognormal_spread(key: str, dist: dict[str, Any]) -> None:
    must_load_or_refuse(with_line(TINY, key, dist))


@FUZZ
@given(
    key=st.sampled_from(["lat", "lon", "km", "speed_kmh"]), which=st.integers(0, 1), value=any_float
)
def test_any_coordinate_or_length(key: str, which: int, value: float) -> None:
    must_load_or_refuse(with_line(TINY, key, value, min(which, TINY.count(f"\n{key} = ") - 1)))


@FUZZ
@example([14.0, 106.0, math.inf, 107.0], 1.0)
@example([-90.0, -180.0, 90.0, 180.0], 10.0)
@example([-90.0, -180.0, 0.0, 180.0], 5.0)
@example([15.0, 107.0, 14.0, 106.0], 1.0)
@given(
    box=st.one_of(st.lists(degrees, min_size=4, max_size=4), st.lists(any_float, max_size=5)),
    cell_km=st.one_of(any_float, st.sampled_from([0.11, 10.0])),
)
def test_any_wildfire_bounds(box: list[float], cell_km: float) -> None:
    must_load_or_refuse(with_line(with_line(FIRE, "bounds", box), "cell_km", cell_km))


@FUZZ
@example("people", 10**12)
@given(
    key=st.sampled_from(["people", "population", "capacity", "seed", "priority"]),
    value=st.one_of(any_int, any_float),
)
def test_any_count(key: str, value: int | float) -> None:
    must_load_or_refuse(with_line(TINY, key, value))


@FUZZ
@example(10**9)
@given(value=any_int)
def test_any_replications(value: int) -> None:
    must_load_or_refuse(TINY.replace("seed = 1\n", f"seed = 1\nreplications = {value}\n"))


@FUZZ
@given(
    depth=st.integers(1, 4000),
    opening=st.sampled_from(["[", "{ a = ", "[{ a = "]),
    where=st.sampled_from(["x", "scenario.extra", "units"]),
)
def test_any_nesting(depth: int, opening: str, where: str) -> None:
    closing = {"[": "]", "{ a = ": " }", "[{ a = ": " }]"}[opening]
    value = opening * depth + "1" + closing * depth
    must_load_or_refuse(TINY + f"\n[extra]\n{where} = {value}\n")


@FUZZ
@given(cut=st.integers(0, len(TINY)), tail=st.sampled_from(["", "[", "[[", '"', "x = ", "\\"]))
def test_any_truncation(cut: int, tail: str) -> None:
    must_load_or_refuse(TINY[:cut] + tail)

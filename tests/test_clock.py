"""Daylight on the scenario clock: the first time the sun is up, and the first time a
flight or trip of a given length fits before sunset, found for any time and length."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.world.clock import MINUTES_PER_DAY, Clock

DAYS = 6
START = datetime(2018, 7, 23, 8, tzinfo=timezone(timedelta(hours=7)))
CLOCK = Clock(START, 14.8, 106.8, DAYS * MINUTES_PER_DAY)
"""The Sekong scenario's start, region and six days."""

times = st.floats(-2 * MINUTES_PER_DAY, (DAYS + 3) * MINUTES_PER_DAY, allow_nan=False)
lengths = st.floats(0, 1.2 * MINUTES_PER_DAY, allow_nan=False)


def _day_of(t: float) -> tuple[float, float] | None:
    """The day whose daylight holds t (None: the sun is down, or beyond the days known)."""
    return next(((r, s) for r, s in CLOCK.daylight if r <= t <= s), None)


def test_daylight_is_about_thirteen_hours_a_day_in_july_at_the_tri_border() -> None:
    lengths = [(s - r) / 60 for r, s in CLOCK.daylight]
    assert all(12.5 < hours < 13.5 for hours in lengths)
    rises = [r for r, _ in CLOCK.daylight]
    assert all(b - a == pytest.approx(MINUTES_PER_DAY, abs=3) for a, b in pairwise(rises))


@given(times)
def test_the_sun_is_up_at_the_first_daylight_and_not_before(t: float) -> None:
    up = CLOCK.next_daylight(t)
    last_sunset = CLOCK.daylight[-1][1]
    if t >= last_sunset:  # beyond the days known: no constraint
        assert up == t
        return
    assert up >= t and _day_of(up) is not None
    if up > t:  # the sun was down from t until then
        assert _day_of(t) is None
        assert not any(t < r < up for r, _ in CLOCK.daylight)


@given(times, lengths)
def test_a_flight_starts_at_the_first_time_it_ends_by_sunset(t: float, minutes: float) -> None:
    start = CLOCK.daylight_for(t, minutes)
    fits = [max(t, r) for r, s in CLOCK.daylight if max(t, r) + minutes <= s]
    if not fits:  # longer than a day, or beyond the days known: no constraint
        assert start == t
        return
    assert start == min(fits)
    day = _day_of(start)
    assert day is not None and start + minutes <= day[1]

"""Scenario minutes against the wall clock: time of day, opening hours, and daylight.

Daylight is sunrise to sunset (the sun's upper limb, with refraction) at the region's
mean latitude and longitude, computed by ``astral``.
"""

from __future__ import annotations

import bisect
import itertools
from datetime import UTC, datetime, timedelta

from astral import Observer
from astral.sun import sunrise, sunset

MINUTES_PER_DAY = 1440.0


class Clock:
    """Converts simulation minutes to local wall-clock time for one scenario."""

    def __init__(self, start: datetime, lat: float, lon: float, duration_min: float) -> None:
        self.start = start
        offset = start.utcoffset() or timedelta(0)
        self.utc_offset_h = offset.total_seconds() / 3600
        self.start_of_day_min = start.hour * 60 + start.minute + start.second / 60
        self.lat, self.lon = lat, lon
        days = int(duration_min // MINUTES_PER_DAY) + 3
        self.daylight = [self._daylight_of(day) for day in range(-1, days)]
        self._sunsets = [sets for _, sets in self.daylight]

    def time_of_day_min(self, t: float) -> float:
        """Local minute of the day at simulation time t."""
        return (self.start_of_day_min + t) % MINUTES_PER_DAY

    def next_open(self, t: float, window: tuple[float, float] | None) -> float:
        """The first time at or after t when a daily window (open, close minute) is open."""
        if window is None:
            return t
        open_min, close_min = window
        now = self.time_of_day_min(t)
        if open_min <= close_min:
            if open_min <= now < close_min:
                return t
            wait = (open_min - now) % MINUTES_PER_DAY
        else:  # open overnight, e.g. 22:00-06:00
            if now >= open_min or now < close_min:
                return t
            wait = open_min - now
        return t + wait

    def next_daylight(self, t: float) -> float:
        """The first time at or after t with the sun up."""
        day = bisect.bisect_right(self._sunsets, t)  # the first day whose sun sets after t
        if day < len(self.daylight):
            return max(t, self.daylight[day][0])
        return t  # beyond the scenario: no constraint

    def daylight_for(self, t: float, duration_min: float) -> float:
        """The first time at or after t from which ``duration_min`` fits before sunset."""
        first = bisect.bisect_left(self._sunsets, t + duration_min)  # (none before can)
        for rise, sets in itertools.islice(self.daylight, first, None):
            start = max(t, rise)
            if start + duration_min <= sets:
                return start
        return t  # longer than a day, or beyond the scenario: no constraint

    def _daylight_of(self, day: int) -> tuple[float, float]:
        """Sunrise and sunset of a scenario day, in simulation minutes."""
        date = (self.start + timedelta(days=day)).date()
        observer = Observer(latitude=self.lat, longitude=self.lon)
        zone = self.start.tzinfo or UTC
        midnight = datetime.combine(date, datetime.min.time(), zone)
        day_start = (midnight - self.start).total_seconds() / 60
        try:
            rise = (sunrise(observer, date, zone) - self.start).total_seconds() / 60
            sets = (sunset(observer, date, zone) - self.start).total_seconds() / 60
        except ValueError:  # polar day or night: no daylight rule to apply
            return day_start, day_start + MINUTES_PER_DAY
        # astral gives the events of the date in UTC; keep those of the local day
        while rise < day_start:
            rise += MINUTES_PER_DAY
        while sets < rise:
            sets += MINUTES_PER_DAY
        return rise, sets

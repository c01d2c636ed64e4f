"""Scenario minutes against the wall clock: time of day, opening hours, and daylight.

Daylight uses the standard sunrise equation (solar declination, equation of time,
0.833° for refraction and the sun's disc) at the region's mean latitude and longitude;
it is good to a few minutes, which is what flight rules need.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

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
        for rise, sets in self.daylight:
            if t < sets:
                return max(t, rise)
        return t  # beyond the scenario: no constraint

    def _daylight_of(self, day: int) -> tuple[float, float]:
        """Sunrise and sunset of a scenario day, in simulation minutes."""
        date = (self.start + timedelta(days=day)).date()
        n = date.timetuple().tm_yday
        decl = math.radians(-23.44) * math.cos(2 * math.pi / 365 * (n + 10))
        b = 2 * math.pi / 365 * (n - 81)
        eot_min = 9.87 * math.sin(2 * b) - 7.53 * math.cos(b) - 1.5 * math.sin(b)
        phi = math.radians(self.lat)
        cos_h = (math.sin(math.radians(-0.833)) - math.sin(phi) * math.sin(decl)) / (
            math.cos(phi) * math.cos(decl)
        )
        half_day_min = math.degrees(math.acos(max(-1.0, min(1.0, cos_h)))) * 4
        noon_local = 720 - 4 * self.lon - eot_min + self.utc_offset_h * 60
        midnight = day * MINUTES_PER_DAY - self.start_of_day_min
        return midnight + noon_local - half_day_min, midnight + noon_local + half_day_min

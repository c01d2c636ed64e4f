"""The record of July 2018 and the same facts read off runs of the default scenario.

Shared by tests/test_backtest.py (a few replications, in CI) and scripts/validation.py (the
table of docs/validation.md). Each fact has its source, the recorded value, how it is read
from one replication's event log, and a window: the values the record allows. One rule judges a
fact, in the tests and on the page alike (``reproduced``): on every seed, the mean of the
replications lies in the window and so does the value of at least ``SHARE_FLOOR`` of them.
Times are hours after the collapse (20:00 on 23 July 2018, UTC+7).

The record is split in two. Calibration facts are those the scenario was built or fitted
on (the Siem Pang readings fitted the river's lag and spread, the Sanamxay flooding set
the wave, the counts of people set the villages' populations, the units kept at home set
the reserves): reproducing them shows the fit, not the model. Held-out facts are the
response's own timings and counts, which no parameter was set on: they are the test.
The split was declared on 3 December 2026, after the scenario was written (its author
knew the whole record); from then on a held-out fact must not be used to tune anything,
and a change that tunes to one moves it to calibration, in this file, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim import RunLog, incident_rows, load_scenario, simulate
from sim.analysis.incidents import IncidentRow
from sim.log import BORDER_CLEARED, DISPATCHED, GAUGE_STEP_MIN, ON_SCENE, TRIP

SCENARIO = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"
START = "20:00 on 23 July"


def hours(day: int, hh: int, mm: int = 0) -> float:
    """Hours after the collapse of a wall-clock time in July 2018."""
    return (day - 23) * 24 + hh - 20 + mm / 60


@dataclass(frozen=True)
class Run:
    """One replication, read once."""

    log: RunLog
    rows: list[IncidentRow]
    unit_nation: dict[str, str]
    by_road: set[str]
    """Units that travel by road or water (they cross at border posts; aircraft fly over)."""

    @classmethod
    def of(cls, log: RunLog) -> Run:
        nations = {u.id: u.nation for u in log.units}
        return cls(log, incident_rows(log), nations, {u.id for u in log.units if u.mode != "air"})


CALIBRATION = "calibration"
HELD_OUT = "held out"
SHARE_FLOOR = 0.8
"""A reproduced fact has the value of at least this share of replications in its window."""


@dataclass(frozen=True)
class Fact:
    """A fact of the record and the model's reading of it."""

    name: str
    source: str
    recorded: str
    """The record in words."""
    low: float
    high: float
    """The window: the values the record allows, [low, high]."""
    unit: str
    read: Callable[[Run], float]
    """The value in one replication (nan when it did not happen)."""
    role: str = HELD_OUT
    """CALIBRATION (the scenario was set on it) or HELD_OUT (nothing was)."""
    tuned_by: str = ""
    """For a calibration fact: what in the scenario was set on it."""

    def values(self, runs: list[Run]) -> list[float]:
        return [self.read(run) for run in runs]

    def inside(self, value: float) -> bool:
        """Whether one replication's value lies in the window (never, if it did not happen)."""
        return not math.isnan(value) and self.low <= value <= self.high

    def share_inside(self, runs: list[Run]) -> float:
        """The share of replications whose value lies in the window."""
        return sum(self.inside(v) for v in self.values(runs)) / len(runs)

    def mean(self, runs: list[Run]) -> float:
        """The mean over the replications where it happened (nan if in none)."""
        happened = [v for v in self.values(runs) if not math.isnan(v)]
        return sum(happened) / len(happened) if happened else math.nan

    def holds_on(self, runs: list[Run]) -> bool:
        """The rule on one seed's replications: the mean in the window, and the value of at
        least ``SHARE_FLOOR`` of them."""
        return self.inside(self.mean(runs)) and self.share_inside(runs) >= SHARE_FLOOR

    def short_seeds(self, by_seed: dict[int, list[Run]]) -> list[int]:
        """The seeds on which the rule does not hold."""
        return [seed for seed, runs in by_seed.items() if not self.holds_on(runs)]


REPLICATIONS = 50
"""Replications a seed: the page and the test judge the very same runs."""


def runs_of_the_check() -> dict[int, list[Run]]:
    """The runs a fact is judged on: ``REPLICATIONS`` on each of the scenario's own seed, 1
    and 2."""
    scenario = load_scenario(SCENARIO)
    return {
        seed: [Run.of(simulate(scenario, seed=seed, replication=r)) for r in range(REPLICATIONS)]
        for seed in (scenario.run.seed, 1, 2)
    }


def reproduced(fact: Fact, by_seed: dict[int, list[Run]]) -> bool:
    """The one rule: the fact holds on every seed (mean and share, each seed on its own)."""
    return not fact.short_seeds(by_seed)


NOT_REPRODUCED: dict[str, str] = {
    "Thai teams cross at Chong Mek": (
        "in 18% to 36% of replications (by seed) the Lao request and the Thai approval "
        "come sooner than in 2018 (the report, request and approval delays are drawn from "
        "distributions with long tails both ways), so the teams reach Chong Mek while it is "
        "open on 24 July and cross by day; the record's night crossing is the model's most "
        "common outcome, not its only one"
    ),
    "Thai teams at work in Laos": (
        "follows from the crossing: a team that crossed by day on 24 July is at work in "
        "Sanamxay before 25 July"
    ),
    "People carried to safety in Laos by noon on 25 July": (
        "the count is in the window mostly when Thai boats are at work in Sanamxay in the "
        "morning; when they come only around noon on 25 July (as in most replications of seed "
        "1), the Lao units and village boats alone carry about 1,800 "
        "to 2,200 people by noon, at the window's floor of 2,000: the model brings people out "
        "more slowly than the count of 2,851 says, or that count (of the whole day, its hour "
        "unknown) was made later than noon"
    ),
}
"""The held-out facts the model does not reproduce (on some seed, the mean outside the window
or fewer than ``SHARE_FLOOR`` of the replications in it), and why."""


def level_at(gauge: str, at_h: float) -> Callable[[Run], float]:
    def read(run: Run) -> float:
        return float(run.log.gauges[gauge][round(at_h * 60 / GAUGE_STEP_MIN)])

    return read


def peak_level(gauge: str) -> Callable[[Run], float]:
    return lambda run: float(max(run.log.gauges[gauge]))


def peak_time(gauge: str) -> Callable[[Run], float]:
    def read(run: Run) -> float:
        return float(np.argmax(run.log.gauges[gauge])) * GAUGE_STEP_MIN / 60

    return read


def first_crossing(nation: str, crossing: str) -> Callable[[Run], float]:
    """When the first unit of ``nation`` cleared ``crossing`` (nan if none did)."""

    def read(run: Run) -> float:
        times = [
            t
            for t, event, _, unit, detail in run.log.events
            if event == BORDER_CLEARED and detail == crossing and run.unit_nation[unit] == nation
        ]
        return min(times) / 60 if times else math.nan

    return read


def first_on_scene_abroad(nation: str, host: str) -> Callable[[Run], float]:
    """When the first road or boat unit of ``nation`` was on scene at an incident in ``host``."""

    def read(run: Run) -> float:
        where = {r.info.id: r.info.nation for r in run.rows}
        times = [
            t
            for t, event, incident, unit, _ in run.log.events
            if event == ON_SCENE
            and where.get(incident) == host
            and unit in run.by_road
            and run.unit_nation[unit] == nation
        ]
        return min(times) / 60 if times else math.nan

    return read


def dispatches_abroad(nation: str, host: str) -> Callable[[Run], float]:
    """How many times units of ``nation`` were sent to incidents in ``host``."""

    def read(run: Run) -> float:
        where = {r.info.id: r.info.nation for r in run.rows}
        return float(
            sum(
                event == DISPATCHED
                and where.get(incident) == host
                and run.unit_nation.get(unit) == nation
                for _, event, incident, unit, _ in run.log.events
            )
        )

    return read


def people_in_need(nation: str) -> Callable[[Run], float]:
    return lambda run: float(sum(r.info.people for r in run.rows if r.info.nation == nation))


def carried_by(nation: str, at_h: float) -> Callable[[Run], float]:
    """People carried to safety in ``nation`` by ``at_h``."""

    def read(run: Run) -> float:
        where = {r.info.id: r.info.nation for r in run.rows}
        return float(
            sum(
                int(detail.split()[0])
                for t, event, incident, _, detail in run.log.events
                if event == TRIP and t <= at_h * 60 and where.get(incident) == nation
            )
        )

    return read


def last_carried(place: str) -> Callable[[Run], float]:
    """When the last person of the incidents at ``place`` was carried (nan if never)."""

    def read(run: Run) -> float:
        ids = {r.info.id for r in run.rows if r.info.place == place and r.info.need != "medical"}
        times = [t for t, event, i, _, _ in run.log.events if event == TRIP and i in ids]
        return max(times) / 60 if times else math.nan

    return read


def first_flooded(places: tuple[str, ...]) -> Callable[[Run], float]:
    def read(run: Run) -> float:
        times = [
            t
            for t, event, _, _, subject in run.log.events
            if event == "flooded" and subject in places
        ]
        return min(times) / 60 if times else math.nan

    return read


SANAMXAY = ("ban_mai", "ban_hinlad", "ban_yai_thae", "ban_tha_hin")

FACTS = [
    Fact(
        "Sanamxay villages flooded",
        "Vientiane Times; press reports, 24 July 2018",
        "the night of 23 July, within hours of 20:00",
        0.5,
        3.0,
        "h after 20:00 on 23 July",
        first_flooded(SANAMXAY),
        CALIBRATION,
        "the Ban Mai wave and the lags of the gauges upstream",
    ),
    Fact(
        "Thai teams cross at Chong Mek",
        "Thai press reports, 25 July 2018",
        "the night of 24-25 July (waiting at the post at night)",
        hours(24, 18),
        hours(25, 8),
        "h",
        first_crossing("TH", "chong_mek_vang_tao"),
    ),
    Fact(
        "Thai teams at work in Laos",
        "Thai press reports, 25-26 July 2018",
        "in Sanamxay from 25 July",
        hours(25, 0),
        hours(25, 18),
        "h",
        first_on_scene_abroad("TH", "LA"),
    ),
    Fact(
        "Cambodian units sent to Laos",
        "Cambodian press, 25-26 July 2018 (units kept for Stung Treng)",
        "none: Cambodia was flooding and kept its units",
        0.0,
        0.1,
        "dispatches",
        dispatches_abroad("KH", "LA"),
        CALIBRATION,
        "Cambodia's reserve (it keeps every unit while under warning)",
    ),
    Fact(
        "Lao units sent to Cambodia",
        "2018 reports name none (Laos was the disaster area)",
        "none",
        0.0,
        0.1,
        "dispatches",
        dispatches_abroad("LA", "KH"),
        CALIBRATION,
        "Laos's reserve (it keeps all its units)",
    ),
    Fact(
        "Siem Pang level, morning of 25 July",
        "Stung Treng provincial reports via Cambodian press, 25 July 2018",
        "about 11.3 m",
        11.0,
        11.6,
        "m",
        level_at("sekong_siem_pang", hours(25, 8)),
        CALIBRATION,
        "the Siem Pang gauge's lag, spread, attenuation and base, fitted to these readings",
    ),
    Fact(
        "Siem Pang level, evening of 25 July",
        "Cambodian press, 25 July 2018 (alarm level reached)",
        "about 11.5 m",
        11.3,
        11.8,
        "m",
        level_at("sekong_siem_pang", hours(25, 19)),
        CALIBRATION,
        "the Siem Pang gauge's lag, spread, attenuation and base, fitted to these readings",
    ),
    Fact(
        "Siem Pang level, 10:30 on 26 July",
        "Cambodian press, 26 July 2018",
        "11.98 m, rising about 2 cm an hour",
        11.8,
        12.15,
        "m",
        level_at("sekong_siem_pang", hours(26, 10, 30)),
        CALIBRATION,
        "the Siem Pang gauge's lag, spread, attenuation and base, fitted to these readings",
    ),
    Fact(
        "Siem Pang peak level",
        "GEOGRAPHY notes; Cambodian press, 26 July 2018",
        "12.10 m",
        11.9,
        12.3,
        "m",
        peak_level("sekong_siem_pang"),
        CALIBRATION,
        "the Siem Pang gauge's lag, spread, attenuation and base, fitted to these readings",
    ),
    Fact(
        "Siem Pang peak time",
        "Cambodian press, 26 July 2018",
        "15:10 on 26 July",
        hours(26, 12),
        hours(26, 18),
        "h",
        peak_time("sekong_siem_pang"),
        CALIBRATION,
        "the Siem Pang gauge's lag, spread, attenuation and base, fitted to these readings",
    ),
    Fact(
        "People needing help in Laos",
        "Lao authorities via press, 25 July 2018: 2,851 rescued, more than 3,000 awaiting",
        "about 6,000",
        5100.0,
        6900.0,
        "people",
        people_in_need("LA"),
        CALIBRATION,
        "the populations and stranded shares of the Sanamxay villages",
    ),
    Fact(
        "People carried to safety in Laos by noon on 25 July",
        "Lao authorities via press, 25 July 2018 (the count of that day; read at noon)",
        "2,851 rescued",
        2000.0,
        3700.0,
        "people",
        carried_by("LA", hours(25, 12)),
    ),
    Fact(
        "Xai Don Khong: the last of the stranded brought out",
        "press reports, 26 July 2018 (about 800 on high ground until 26 July)",
        "26 July",
        hours(26, 0),
        hours(27, 0),
        "h",
        last_carried("ban_xai_don_khong"),
    ),
    Fact(
        "People needing help in Cambodia",
        "Stung Treng provincial authority via press, 26 July 2018",
        "5,619 evacuated by 26 July (25,000 planned)",
        5000.0,
        7000.0,
        "people",
        people_in_need("KH"),
        CALIBRATION,
        "the populations of the Siem Pang and Sesan communes",
    ),
]

"""Backtest: the default scenario against the record of July 2018 (tests/record_2018.py).

Twenty replications of ``scenarios/sekong_flood_2018.toml`` with its own seed: the mean
of each fact must lie within its tolerance, and what happened in 2018 must happen in
nearly every replication (Thai teams crossing, the Xai Don Khong villagers brought out).
docs/validation.md gives the same facts over 100 replications with confidence intervals
(``python scripts/validation.py``).
"""

from __future__ import annotations

import math
import statistics

import pytest
from record_2018 import FACTS, SCENARIO, Fact, Run

from sim import load_scenario, simulate

REPLICATIONS = 20


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    scenario = load_scenario(SCENARIO)
    return [Run.of(simulate(scenario, replication=r)) for r in range(REPLICATIONS)]


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.name)
def test_fact_within_tolerance(runs: list[Run], fact: Fact) -> None:
    values = [fact.read(run) for run in runs]
    happened = [v for v in values if not math.isnan(v)]
    assert len(happened) >= 0.9 * len(values), f"{fact.name}: in {len(happened)} of {len(values)}"
    mean = statistics.fmean(happened)
    assert fact.low <= mean <= fact.high, f"{fact.name}: {mean:.2f} not in {fact.low}..{fact.high}"


def test_cambodia_keeps_its_units_and_says_why(runs: list[Run]) -> None:
    # the reserve is a decision with its reason in the log, not a silent omission
    from sim.log import DECISION, parse_decision

    reasons = {
        parse_decision(detail).reason
        for run in runs
        for _, event, _, _, detail in run.log.events
        if event == DECISION and parse_decision(detail).seat.startswith("KH")
    }
    assert any("reserve" in r for r in reasons), reasons

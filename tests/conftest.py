"""Shared fixtures: the run folder of each shipped scenario, made once per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Properties are judged on what they assert, never on how long an example takes: a shared,
# loaded machine must not fail a test on Hypothesis' per-example deadline.
settings.register_profile("borderdrill", deadline=None)
settings.load_profile("borderdrill")

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.fixture(scope="session")
def shipped_runs() -> dict[str, tuple[Any, Any, dict[str, bytes]]]:
    """Scenario, replication-0 log and run-folder files of every shipped scenario."""
    from sim.model import simulate
    from sim.report import run_files
    from sim.scenario import load_scenario

    runs = {}
    for path in SHIPPED:
        scenario = load_scenario(path)
        run = simulate(scenario, seed=scenario.run.seed)
        runs[path.stem] = (scenario, run, run_files(scenario, run, {"borderdrill": "test"}))
    return runs

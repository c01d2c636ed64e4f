"""Helpers the tests share: tiny scenarios with a change applied."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.scenario import Scenario
from sim.scenario.loader import validate_scenario

SCENARIOS = Path(__file__).parent / "scenarios"

Change = Callable[[dict[str, Any]], None]


def load_with(name: str, change: Change | None = None) -> Scenario:
    """A test scenario (by file name) with ``change`` applied to its data, validated."""
    data = tomllib.loads((SCENARIOS / name).read_text())
    if change is not None:
        change(data)
    return validate_scenario(data)[0]


def slow_lao_boat(data: dict[str, Any]) -> None:
    """tiny_border.toml: add a Lao boat at Pakse that takes 3 h to mobilise."""
    data["unit_types"].append({**data["unit_types"][0], "id": "slow_boat", "mobilisation": "3h"})
    data["units"].append(
        {"id": "la-boat", "nation": "LA", "agency": "army", "type": "slow_boat", "base": "pakse"}
    )

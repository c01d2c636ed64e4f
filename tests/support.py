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


def refused(args: list[str], *expected: str) -> str:
    """Run the command line; assert a clean refusal (exit 2, no traceback) naming ``expected``."""
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for text in expected:
        assert text in result.output, result.output
    return result.output

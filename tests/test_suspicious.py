"""Valid but suspicious input: validate and run warn, one line each, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

HERE = Path(__file__).parent / "scenarios"


def _changed(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (HERE / name).read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


CASES = {
    "people_beyond_population": (
        "tiny.toml",
        "people = 20",
        "people = 800",
        "injects[0].people: 800 people at Sanamxay, where 500 live",
        "lower people, or correct places[1].population",
    ),
    "flood_where_no_one_lives": (
        "flood.toml",
        "population = 500",
        "population = 0",
        "places[1].flood: strands a share of the population of Sanamxay, which is 0",
        "give places[1].population",
    ),
    "crossing_open_for_an_instant": (
        "tiny_border.toml",
        'hours = "09:00-17:00"',
        'hours = "09:00-09:00"',
        "crossings[0].hours: '09:00-09:00' opens and closes at the same minute",
        'write "24h"',
    ),
}


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_suspicious_input_is_warned_with_the_fix(case: str, command: str, tmp_path: Path) -> None:
    name, old, new, warning, fix = CASES[case]
    path = _changed(tmp_path, name, old, new)
    args = [command, str(path)] + (["-o", str(tmp_path / "out")] if command == "run" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if warning in line]
    assert len(lines) == 1, result.output
    assert "warning:" in lines[0] and f"Fix: {fix}" in lines[0]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_unchanged_scenarios_give_no_such_warning(case: str) -> None:
    name, _, _, warning, _ = CASES[case]
    result = CliRunner().invoke(main, ["validate", str(HERE / name)])
    assert result.exit_code == 0 and warning.split(":")[0] not in result.output


@pytest.mark.parametrize(
    ("people", "warned"), [(5_000, False), (5_001, True), (20_000, True)], ids=str
)
def test_people_beyond_any_village_are_warned_when_it_states_no_population(
    people: int, warned: bool, tmp_path: Path
) -> None:
    """The rule: a village that states no population holds at most 5,000 people."""
    text = (HERE / "tiny.toml").read_text()
    text = text.replace("population = 500\n", "").replace("people = 20", f"people = {people}")
    path = tmp_path / "tiny.toml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    expected = (
        f"injects[0].people: {people:,} people at Sanamxay, a village that states no "
        "population: more than any village of the region holds (5,000). "
        "Fix: lower people, or give places[1].population"
    )
    assert (expected in result.output) == warned, result.output

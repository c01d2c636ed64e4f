"""Absurd input refused up front: nesting, overflowing numbers, --set values (exit 2, no trace)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import refused

from sim.scenario import ScenarioError, parse_duration, read_scenario

HERE = Path(__file__).parent / "scenarios"
TINY = HERE / "tiny.toml"


@pytest.mark.parametrize("opening", ["[", "{ a = "])
def test_toml_nested_thousands_deep_is_refused_naming_the_file(
    tmp_path: Path, opening: str
) -> None:
    closing = "]" if opening == "[" else "}"
    deep = tmp_path / "deep.toml"
    deep.write_text(TINY.read_text() + "\nx = " + opening * 5000 + "1" + closing * 5000 + "\n")
    with pytest.raises(ScenarioError, match="nested too deeply"):
        read_scenario(deep)
    refused(["validate", str(deep)], "deep.toml", "nested too deeply")
    out = tmp_path / "out"
    refused(["run", str(deep), "-o", str(out)], "deep.toml", "nested too deeply")
    assert not out.exists()


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("run.replications=1000000000", "run.replications"),
        ("scenario.duration=1000000d", "longer than 10 years"),
        ("places[1].lat=nan", "finite number"),
        ("roads[0].km=inf", "finite number"),
        ("injects[0].people=100000000", "injects[0].people"),
        ("scenario.start=9999-12-31T23:00:00-05:00", "outside the years"),
        ("x=" + "[" * 3000 + "]" * 3000, "nested too deeply"),
    ],
)
def test_absurd_set_values_are_refused_before_running(
    tmp_path: Path, override: str, expected: str
) -> None:
    out = tmp_path / "o"
    refused(["run", str(TINY), "-o", str(out), "--set", override], expected)
    assert not out.exists()


@pytest.mark.parametrize("text", ["9" * 400 + "min", "99999999h", "1000000d", "3651d"])
def test_durations_beyond_ten_years_arerefused(text: str) -> None:
    with pytest.raises(ValueError, match="longer than 10 years"):
        parse_duration(text)


def test_the_longest_duration_is_accepted() -> None:
    assert parse_duration("3650d") == 3650 * 1440

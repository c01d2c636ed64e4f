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


def _changed(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of a test scenario with one exact piece replaced (or, with ``old`` empty,
    ``new`` added at the end)."""
    text = (HERE / name).read_text(encoding="utf-8")
    assert not old or text.count(old) == 1, old
    changed = tmp_path / name
    changed.write_text(text.replace(old, new) if old else f"{text}\n{new}\n", encoding="utf-8")
    return changed


def _refused_by_validate_and_run(path: Path, tmp_path: Path, *expected: str) -> None:
    refused(["validate", str(path)], path.name, *expected)
    out = tmp_path / "out"
    refused(["run", str(path), "-o", str(out)], path.name, *expected)
    assert not out.exists()


SOURCE = '{ ref = "a note", as_of = "2018", status = "estimate" }'
GENERATOR = '[[generators]]\nneed = "rescue"\nplaces = ["sanamxay"]\nper_day = 1\n'


@pytest.mark.parametrize(
    ("name", "old", "new", "path"),
    [
        ("tiny.toml", 'at = "1h"', "at = 2018-07-23", "injects[0].at"),
        ("tiny.toml", "", GENERATOR + "start = 2018-07-23", "generators[0].start"),
        ("tiny.toml", "", GENERATOR + "end = 2018-07-24", "generators[0].end"),
        (
            "tiny.toml",
            "",
            '[[injects]]\ntype = "road_closed"\nat = 2018-07-23\nroad = "attapeu--sanamxay"',
            "injects[1].at",
        ),
        (
            "tiny.toml",
            "",
            '[[closures]]\nid = "c"\nname = "A closure"\nbetween = ["LA", "TH"]\n'
            f"from = 2018-07-01\nsource = {SOURCE}",
            "closures[0].from",
        ),
        (
            "tiny.toml",
            "start = 2018-07-23T08:00:00+07:00",
            'start = "2018-07-23"',
            "scenario.start",
        ),
        (
            "wildfire.toml",
            '{ at = "1h", lat = 14.50',
            "{ at = 2024-03-10, lat = 14.50",
            "wildfire.ignitions[0].at",
        ),
    ],
)
def test_a_date_without_a_time_is_refused_in_every_time_field(
    tmp_path: Path, name: str, old: str, new: str, path: str
) -> None:
    scenario = _changed(tmp_path, name, old, new)
    _refused_by_validate_and_run(scenario, tmp_path, f"{path}: ", "is a date without a time")

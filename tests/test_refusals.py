"""Absurd input refused up front: nesting, overflowing numbers, --set values (exit 2, no trace)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from support import refused

from sim.scenario import ScenarioError, parse_duration, read_scenario
from sim.scenario.loader import validate_scenario

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


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('name = "Tiny"', r'name = "Ti\u0000ny"', "scenario.name"),
        ('name = "Sanamxay"', r'name = "San\u0007amxay"', "places[1].name"),
        ('name = "Sanamxay"', r'name = "San\namxay"', "places[1].name"),
        ('agency = "Attapeu rescue"', r'agency = "Attapeu\u007f rescue"', "units[0].agency"),
        ('synopsis = "Twenty', r'synopsis = "\u001bTwenty', "injects[0].synopsis"),
        ('synopsis = "Twenty', r'synopsis.en = "\u0085Twenty', "injects[0].synopsis.en"),
    ],
)
def test_a_control_character_in_a_text_is_refused(
    tmp_path: Path, old: str, new: str, path: str
) -> None:
    scenario = _changed(tmp_path, "tiny.toml", old, new)
    _refused_by_validate_and_run(scenario, tmp_path, f"{path}: ", "control character")


def test_a_control_character_set_on_the_command_line_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    output = refused(
        ["run", str(TINY), "-o", str(out), "--set", r'scenario.name="a\u0000b"'],
        "scenario.name: ",
        "control character, U+0000 at character 2",
        "(set with --set)",
    )
    assert "\x00" not in output
    assert not out.exists()


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('name = "Sanamxay"', 'name = ""', "places[1].name"),
        ('agency = "Attapeu rescue"', 'agency = "  "', "units[0].agency"),
    ],
)
def test_a_blank_name_is_refused(tmp_path: Path, old: str, new: str, path: str) -> None:
    scenario = _changed(tmp_path, "tiny.toml", old, new)
    _refused_by_validate_and_run(scenario, tmp_path, f"{path}: ", "the name is blank; give one")


def test_a_lone_surrogate_is_refused() -> None:
    data = tomllib.loads(TINY.read_text(encoding="utf-8"))
    data["places"][1]["name"] = "San\ud800amxay"
    with pytest.raises(ScenarioError, match=r"places\[1\].name: .*U\+D800"):
        validate_scenario(data)


def test_line_breaks_and_tabs_stay_allowed_in_a_synopsis(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    scenario = _changed(
        tmp_path, "tiny.toml", 'synopsis = "Twenty', r'synopsis = "Roofs:\n\tTwenty'
    )
    result = CliRunner().invoke(main, ["validate", str(scenario)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("name", "old", "new", "path"),
    [
        ("tiny.toml", "speed_kmh = 60", "speed_kmh = 1e-300", "unit_types[0].speed_kmh"),
        ("tiny.toml", "km = 40", "km = 40\nspeed_kmh = 0.5", "roads[0].speed_kmh"),
        (
            "tiny.toml",
            "",
            GENERATOR.replace("per_day = 1", "per_day = 1e-300"),
            "generators[0].per_day",
        ),
        (
            "wildfire.toml",
            "ignitions = [",
            "random_ignitions = { per_day = 1e-9, box = [14.4, 105.2, 14.6, 105.4] }\n"
            "ignitions = [",
            "wildfire.random_ignitions.per_day",
        ),
    ],
)
def test_speeds_and_rates_too_small_to_happen_are_refused(
    tmp_path: Path, name: str, old: str, new: str, path: str
) -> None:
    scenario = _changed(tmp_path, name, old, new)
    _refused_by_validate_and_run(scenario, tmp_path, f"{path}: ", "greater than or equal to")


def test_a_unit_at_walking_pace_is_accepted(tmp_path: Path) -> None:
    scenario = _changed(tmp_path, "tiny.toml", "speed_kmh = 60", "speed_kmh = 1")
    assert read_scenario(scenario).scenario.unit_types[0].speed_kmh == 1


def test_a_gauge_series_of_one_reading_says_two_are_needed(tmp_path: Path) -> None:
    scenario = _changed(
        tmp_path,
        "flood.toml",
        'levels = [["0h", 2.0], ["1h", 2.0], ["3h", 10.0], ["11h", 2.0]]',
        'levels = [["0h", 2.0]]',
    )
    output = refused(
        ["validate", str(scenario)], "gauges[0].levels: needs at least 2 entries (has 1)"
    )
    assert "at least one" not in output
    out = tmp_path / "out"
    refused(["run", str(scenario), "-o", str(out)], "gauges[0].levels: ")
    assert not out.exists()

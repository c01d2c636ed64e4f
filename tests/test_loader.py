"""Loading scenario files: the valid example, warnings, error messages and line finding."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sim.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    read_scenario,
)
from sim.scenario.loader import validate_scenario
from sim.scenario.locate import locate_line
from sim.scenario.schema import LOCAL_TIME, IncidentInject

TINY = Path(__file__).parent / "scenarios" / "tiny.toml"
TINY_TEXT = TINY.read_text(encoding="utf-8")


def tiny_data() -> dict[str, Any]:
    return tomllib.loads(TINY_TEXT)


def tiny_with(old: str, new: str) -> str:
    """The text of tiny.toml with one exact, unique piece replaced."""
    assert TINY_TEXT.count(old) == 1, old
    return TINY_TEXT.replace(old, new)


# --- the valid example -------------------------------------------------------------------


def test_tiny_loads_without_warnings() -> None:
    loaded = read_scenario(TINY)
    assert loaded.warnings == []
    assert loaded.path == TINY
    assert loaded.sha256 == hashlib.sha256(TINY.read_bytes()).hexdigest()
    s = loaded.scenario
    assert isinstance(s, Scenario)
    assert s.scenario.name.en == "Tiny"
    assert s.duration_min == 1440
    assert s.run.seed == 1
    assert [n.code for n in s.nations] == ["LA"]
    assert s.nations[0].eocs[0].place == "attapeu"
    assert [p.id for p in s.places] == ["attapeu", "sanamxay"]
    assert s.places[1].population == 500 and s.places[1].water_access
    assert s.roads[0].key == "attapeu--sanamxay"
    assert s.roads[0].from_ == "attapeu" and s.roads[0].km == 40
    assert s.needs[0].target == 180
    assert s.unit_types[0].trip.mean == 40
    assert s.units[0].unit_ids() == ["la-boat"]
    inject = s.injects[0]
    assert isinstance(inject, IncidentInject)
    assert s.offset_min(inject.at) == 60
    assert inject.people == 20


def test_load_scenario_returns_the_scenario() -> None:
    assert load_scenario(TINY) == read_scenario(TINY).scenario


def test_defaults_are_filled_in() -> None:
    s = load_scenario(TINY)
    assert s.run.replications == 1
    assert s.units[0].count == 1
    assert s.places[0].population == 0 and not s.places[0].water_access
    assert s.roads[0].id is None and s.roads[0].max_speed_kmh == 40
    assert s.crossings == () and s.generators == ()


# --- warnings ----------------------------------------------------------------------------

EXTRA_NEED = """
[[needs]]
id = "medical"
name = "Medical evacuation"
target = "6h"
"""


def test_warning_when_no_unit_can_serve_a_need() -> None:
    data = tiny_data()
    data["needs"].append({"id": "medical", "name": "Medical evacuation", "target": "6h"})
    text = tiny_with("\n[[unit_types]]", EXTRA_NEED + "\n[[unit_types]]")
    assert tomllib.loads(text) == data  # the text is the data, so lines can be found in it

    scenario, warnings = validate_scenario(data, "extra_need.toml", text)

    assert [n.id for n in scenario.needs] == ["rescue", "medical"]
    assert len(warnings) == 1
    (warning,) = warnings
    assert warning.path == "needs[1]"
    assert "'medical'" in warning.message
    assert warning.hint
    header = text.splitlines().index('id = "medical"')  # 0-based row of id = 1-based header
    assert warning.line == header
    assert text.splitlines()[header - 1] == "[[needs]]"


def test_no_warning_once_a_unit_serves_the_need() -> None:
    data = tiny_data()
    data["needs"].append({"id": "medical", "name": "Medical evacuation", "target": "6h"})
    data["unit_types"][0]["capabilities"] = ["rescue", "medical"]
    _, warnings = validate_scenario(data, "x.toml")
    assert warnings == []


def test_warning_for_an_inject_after_the_end() -> None:
    data = tiny_data()
    data["injects"][0]["at"] = "2d"
    _, warnings = validate_scenario(data, "late.toml", TINY_TEXT)
    assert [w.path for w in warnings] == ["injects[0].at"]
    assert warnings[0].line == TINY_TEXT.splitlines().index('at = "1h"') + 1


def test_warning_without_text_has_no_line() -> None:
    data = tiny_data()
    data["needs"].append({"id": "medical", "name": "Medical evacuation", "target": "6h"})
    _, warnings = validate_scenario(data, "x.toml")
    assert [w.line for w in warnings] == [None]


# --- error messages ----------------------------------------------------------------------


def test_problem_describe_with_line_path_and_hint() -> None:
    p = Problem("units[0].base", "unknown place 'atapeu'", "did you mean 'attapeu'?", 69)
    assert (
        p.describe()
        == "line 69, units[0].base: unknown place 'atapeu'. Fix: did you mean 'attapeu'?"
    )


def test_problem_describe_without_line_or_hint() -> None:
    assert Problem("run.seed", "must be positive").describe() == "run.seed: must be positive."
    assert (
        Problem("", "not valid TOML", line=3).describe() == "line 3, (top level): not valid TOML."
    )


def test_scenario_error_message_format() -> None:
    problems = [
        Problem("units[0].base", "unknown place 'atapeu'", "did you mean 'attapeu'?", 69),
        Problem("run.seeds", "unknown key 'seeds'"),
    ]
    err = ScenarioError(Path("exercises/attapeu.toml"), problems)
    lines = str(err).splitlines()
    assert lines[0] == "exercises/attapeu.toml: 2 problems in the scenario"
    assert (
        lines[1] == "  line 69, units[0].base: unknown place 'atapeu'. Fix: did you mean 'attapeu'?"
    )
    assert lines[2] == "  run.seeds: unknown key 'seeds'."
    assert err.file == "exercises/attapeu.toml"
    assert err.problems == problems


def test_scenario_error_singular() -> None:
    err = ScenarioError("a.toml", [Problem("x", "bad")])
    assert str(err).splitlines()[0] == "a.toml: 1 problem in the scenario"


def test_loader_error_names_file_first_then_located_lines() -> None:
    text = tiny_with('base = "attapeu"', 'base = "atapeu"')
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "exercise.toml")
    lines = str(info.value).splitlines()
    assert lines[0] == "exercise.toml: 1 problem in the scenario"
    row = text.splitlines().index('base = "atapeu"') + 1
    assert lines[1].startswith(f"  line {row}, units[0].base: unknown place 'atapeu'.")
    assert "did you mean 'attapeu'?" in lines[1]


def test_toml_syntax_error_gives_its_line() -> None:
    text = tiny_with("km = 40", "km = = 40")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "broken.toml")
    (problem,) = info.value.problems
    assert problem.line == text.splitlines().index("km = = 40") + 1
    assert problem.message.startswith("not valid TOML")
    assert f"line {problem.line}, " in str(info.value)
    assert "(at line" not in problem.message  # tomllib's own position is not repeated


def test_all_problems_are_reported_together() -> None:
    text = tiny_with('base = "attapeu"', 'base = "atapeu"')
    text = text.replace('type = "boat"', 'type = "bote"')
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "two.toml")
    assert sorted(p.path for p in info.value.problems) == ["units[0].base", "units[0].type"]
    assert str(info.value).splitlines()[0] == "two.toml: 2 problems in the scenario"


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as info:
        read_scenario(missing)
    assert str(info.value).startswith(f"{missing}: 1 problem")
    assert "cannot read the file" in info.value.problems[0].message


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(TINY_TEXT.replace("Tiny", "Tin\u00ff").encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    assert "not UTF-8" in info.value.problems[0].message


def test_validate_without_text_gives_no_lines() -> None:
    data = tiny_data()
    data["units"][0]["base"] = "atapeu"
    with pytest.raises(ScenarioError) as info:
        validate_scenario(data, "x.toml")
    assert [p.line for p in info.value.problems] == [None]
    assert "line" not in str(info.value).splitlines()[1]


# --- locate_line -------------------------------------------------------------------------


def row_of(line: str, after: int = 0) -> int:
    """1-based number of the first line of tiny.toml equal to ``line`` past line ``after``."""
    return TINY_TEXT.splitlines().index(line, after) + 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (["scenario"], "[scenario]"),
        (["scenario", "start"], "start = 2018-07-23T08:00:00+07:00"),
        (["scenario", "duration"], 'duration = "1d"'),
        (["run", "seed"], "seed = 1"),
        (["nations", 0], "[[nations]]"),
        (["nations", 0, "report_delay"], 'report_delay = "10min"'),
        (["nations", 0, "eocs", 0], "[[nations.eocs]]"),
        (["nations", 0, "eocs", 0, "place"], 'place = "attapeu"'),
        (["places", 0, "id"], 'id = "attapeu"'),
        (["places", 1, "population"], "population = 500"),
        (["roads", 0, "from"], 'from = "attapeu"'),
        (["unit_types", 0, "capabilities", 0], 'capabilities = ["rescue"]'),
        (["units", 0, "base"], 'base = "attapeu"'),
        (["injects", 0, "at"], 'at = "1h"'),
        (["injects", 0, "people"], "people = 20"),
    ],
)
def test_locate_line_in_tiny(path: list[str | int], line: str) -> None:
    assert locate_line(TINY_TEXT, path) == row_of(line)


def test_locate_line_second_array_table() -> None:
    second = row_of("[[places]]", row_of("[[places]]"))
    assert locate_line(TINY_TEXT, ["places", 1]) == second
    assert locate_line(TINY_TEXT, ["places", 1, "id"]) == row_of('id = "sanamxay"')
    assert locate_line(TINY_TEXT, ["places", 1, "kind"]) == second + 4


def test_locate_line_falls_back_to_enclosing_table() -> None:
    # a key that is not written (a missing key) is placed at its table's header
    assert locate_line(TINY_TEXT, ["units", 0, "count"]) == row_of("[[units]]")
    assert locate_line(TINY_TEXT, ["scenario", "description"]) == row_of("[scenario]")


def test_locate_line_unknown_gives_none() -> None:
    assert locate_line(TINY_TEXT, ["generators", 0, "need"]) is None
    assert locate_line(TINY_TEXT, ["places", 5, "id"]) is None
    assert locate_line("", ["scenario"]) is None


# --- immutability ------------------------------------------------------------------------


def test_loaded_scenario_is_immutable() -> None:
    loaded = read_scenario(TINY)
    s = loaded.scenario
    with pytest.raises(ValidationError, match="frozen"):
        s.scenario.name = "Changed"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        s.units[0].count = 3  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        s.unit_types[0].trip.value = 1  # type: ignore[union-attr,misc]
    with pytest.raises(ValidationError, match="frozen"):
        s.run = s.run  # type: ignore[misc]
    assert isinstance(s.units, tuple) and isinstance(s.unit_types[0].capabilities, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.path = Path("elsewhere.toml")  # type: ignore[misc]
    assert s.scenario.name.en == "Tiny" and s.units[0].count == 1


def test_copy_of_the_data_does_not_change_the_scenario() -> None:
    data = tiny_data()
    scenario, _ = validate_scenario(data)
    data["units"][0]["base"] = "sanamxay"
    data["unit_types"][0]["capabilities"].append("other")
    assert scenario.units[0].base == "attapeu"
    assert scenario.unit_types[0].capabilities == ("rescue",)


# --- times -------------------------------------------------------------------------------


def test_naive_start_is_read_as_utc_plus_7() -> None:
    text = tiny_with("start = 2018-07-23T08:00:00+07:00", "start = 2018-07-23T08:00:00")
    scenario, _ = parse_scenario(text)
    start = scenario.scenario.start
    assert start.utcoffset() == timedelta(hours=7)
    assert start == datetime(2018, 7, 23, 1, 0, tzinfo=UTC)
    assert start.tzinfo == LOCAL_TIME


def test_start_with_another_offset_is_converted_to_utc_plus_7() -> None:
    text = tiny_with("start = 2018-07-23T08:00:00+07:00", "start = 2018-07-23T01:00:00Z")
    scenario, _ = parse_scenario(text)
    assert scenario.scenario.start.utcoffset() == timedelta(hours=7)
    assert scenario.scenario.start == datetime(2018, 7, 23, 8, 0, tzinfo=LOCAL_TIME)


@pytest.mark.parametrize(
    ("at", "minutes"),
    [
        ("2018-07-23T09:30:00+07:00", 90),
        ("2018-07-23T02:30:00Z", 90),  # the same instant in UTC
        ("2018-07-23T09:30:00", 90),  # local, read as UTC+7
        ("2018-07-24T07:59:00+07:00", 1439),
        ("2018-07-23T08:00:00+07:00", 0),
    ],
)
def test_offset_min_of_a_datetime_inject(at: str, minutes: float) -> None:
    text = tiny_with('at = "1h"', f"at = {at}")
    scenario, warnings = parse_scenario(text)
    inject = scenario.injects[0]
    assert isinstance(inject.at, datetime)
    assert scenario.offset_min(inject.at) == pytest.approx(minutes)
    assert warnings == []


def test_offset_min_of_a_duration_is_itself() -> None:
    scenario = load_scenario(TINY)
    assert scenario.offset_min(75.0) == 75.0
    assert scenario.offset_min(scenario.injects[0].at) == 60


def test_datetime_inject_at_the_end_warns() -> None:
    text = tiny_with('at = "1h"', "at = 2018-07-24T08:00:00+07:00")
    _, warnings = parse_scenario(text)
    assert [w.path for w in warnings] == ["injects[0].at"]


# --- once loader bugs: each of these failed before its fix ---------------------------------


def test_naive_datetime_string_start_is_read_as_utc_plus_7() -> None:
    text = tiny_with("start = 2018-07-23T08:00:00+07:00", 'start = "2018-07-23T08:00"')
    text = text.replace('at = "1h"', "at = 2018-07-23T09:00:00+07:00")
    scenario, _ = parse_scenario(text)
    assert scenario.scenario.start.utcoffset() == timedelta(hours=7)


def test_inject_at_without_unit_is_refused_as_such() -> None:
    text = tiny_with('at = "1h"', "at = 30")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    (problem,) = info.value.problems
    assert "no unit" in problem.message


def test_boolean_duration_is_refused() -> None:
    data = tiny_data()
    data["scenario"]["duration"] = True
    with pytest.raises(ScenarioError):
        validate_scenario(data)


def test_grounding_of_an_unknown_nation_is_refused() -> None:
    data = tiny_data()
    data["injects"].append({"type": "grounding", "at": "2h", "nations": ["VN"], "for": "3h"})
    with pytest.raises(ScenarioError) as info:
        validate_scenario(data)
    assert [p.path for p in info.value.problems] == ["injects[1].nations[0]"]


def test_duplicate_eoc_id_is_reported_where_it_is_written() -> None:
    data = tiny_data()
    data["nations"][0]["eocs"].append(copy.deepcopy(data["nations"][0]["eocs"][0]))
    with pytest.raises(ScenarioError) as info:
        validate_scenario(data)
    assert [p.path for p in info.value.problems] == ["nations[0].eocs[1].id"]


def test_default_distributions_are_distributions() -> None:
    data = tiny_data()
    del data["needs"][0]["detection"]
    del data["unit_types"][0]["trip"]
    del data["nations"][0]["report_delay"]
    s, _ = validate_scenario(data)
    # the defaults are written as text ("30min") and must be parsed like the file's values
    assert s.needs[0].detection.mean == 30
    assert s.unit_types[0].trip.mean == 30
    assert s.nations[0].report_delay.mean == 15
    assert s.coordination.channels.default.latency.median == 360


def test_generator_default_start_is_the_scenario_start() -> None:
    data = tiny_data()
    data["generators"] = [{"need": "rescue", "places": ["sanamxay"], "per_day": 2}]
    scenario, _ = validate_scenario(data)
    assert scenario.offset_min(scenario.generators[0].start) == 0.0


def test_generator_ending_before_it_starts_is_refused() -> None:
    data = tiny_data()
    data["generators"] = [
        {"need": "rescue", "places": ["sanamxay"], "per_day": 2, "start": "10h", "end": "2h"}
    ]
    with pytest.raises(ScenarioError) as info:
        validate_scenario(data)
    assert [p.path for p in info.value.problems] == ["generators[0].end"]


def test_numbers_and_flags_are_not_coerced_from_text() -> None:
    data = tiny_data()
    data["places"][1]["population"] = "500"
    data["places"][1]["water_access"] = "yes"
    with pytest.raises(ScenarioError) as info:
        validate_scenario(data)
    assert sorted(p.path for p in info.value.problems) == [
        "places[1].population",
        "places[1].water_access",
    ]


def test_quoted_numbers_are_refused() -> None:
    data = tiny_data()
    data["places"][0]["lat"] = "14.81"
    data["roads"][0]["km"] = "40"
    with pytest.raises(ScenarioError) as info:
        validate_scenario(data)
    assert sorted(p.path for p in info.value.problems) == ["places[0].lat", "roads[0].km"]
    assert all("without quotes" in p.hint for p in info.value.problems)

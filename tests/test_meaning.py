"""Checks of meaning: each warning fires on a scenario made to trip it, with its fix,
and the shipped scenarios give none of them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import SCENARIOS

from sim.cli import main
from sim.scenario import Problem, read_scenario
from sim.scenario.loader import validate_scenario
from sim.world.reach import route_warnings

SHIPPED = sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml"))


def warnings_of(name: str, change: Any) -> list[Problem]:
    data = tomllib.loads((SCENARIOS / name).read_text())
    change(data)
    scenario, warnings = validate_scenario(data)
    return [*warnings, *route_warnings(scenario)]


def only(warnings: list[Problem], path: str) -> Problem:
    found = [w for w in warnings if w.path == path]
    assert len(found) == 1, [w.describe() for w in warnings]
    assert found[0].hint
    return found[0]


def test_a_crossing_no_road_reaches() -> None:
    def drop_lao_roads(data: dict[str, Any]) -> None:
        data["roads"] = [r for r in data["roads"] if "vang_tao" not in (r["from"], r["to"])]

    warning = only(warnings_of("tiny_border.toml", drop_lao_roads), "crossings[0].posts")
    assert "no road reaches 'vang_tao'" in warning.message
    assert "[[roads]]" in warning.hint


def test_a_crossing_cut_off_from_every_base() -> None:
    def island(data: dict[str, Any]) -> None:
        data["places"].append({**data["places"][0], "id": "far", "name": "Far"})
        data["roads"].append({"from": "far", "to": "chong_mek", "km": 5})
        data["roads"] = [r for r in data["roads"] if r["from"] != "ubon"]

    warning = only(warnings_of("tiny_border.toml", island), "crossings[0]")
    assert "no road or boat unit can reach the crossing" in warning.message


def test_a_flood_level_above_the_highest_reading() -> None:
    def too_high(data: dict[str, Any]) -> None:
        data["places"][1]["flood"] = {"gauge": "g", "level": 12.5}
        data["gauges"] = [
            {"id": "g", "name": "G", "place": "attapeu", "levels": [["0h", 2.0], ["6h", 10.0]]},
            {
                "id": "down",
                "name": "Down",
                "place": "sanamxay",
                "follows": {"gauge": "g", "lag": "2h", "attenuation": 0.5, "base": 1.0},
                "alarm": 5.5,
            },
        ]

    warnings = warnings_of("tiny.toml", too_high)
    flood = only(warnings, "places[1].flood.level")
    assert "12.5 m is above the highest reading gauge 'g' can give (10 m)" in flood.message
    assert "never floods" in flood.message
    alarm = only(warnings, "gauges[1].alarm")  # 1 + 0.5 x (10 - 2) = 5 m at most
    assert "(5 m)" in alarm.message and "never sounds" in alarm.message


def test_a_reachable_level_gives_no_warning() -> None:
    def reached(data: dict[str, Any]) -> None:
        data["places"][1]["flood"] = {"gauge": "g", "level": 10.0}
        data["gauges"] = [
            {"id": "g", "name": "G", "place": "attapeu", "levels": [["0h", 2.0], ["6h", 10.0]]}
        ]

    assert warnings_of("tiny.toml", reached) == []


def test_a_unit_based_in_another_nations_place() -> None:
    def lao_boat_in_ubon(data: dict[str, Any]) -> None:
        data["units"].append(
            {"id": "la-boat", "nation": "LA", "agency": "army", "type": "boat", "base": "ubon"}
        )

    warning = only(warnings_of("tiny_border.toml", lao_boat_in_ubon), "units[1].base")
    assert "a LA unit based at 'ubon', a place in TH" in warning.message


def test_requests_by_the_default_channel_say_which_and_how_slow() -> None:
    def no_channel(data: dict[str, Any]) -> None:
        del data["coordination"]["channels"]

    warning = only(warnings_of("tiny_border.toml", no_channel), "coordination.channels")
    assert "LA-TH travel by the default channel (diplomatic" in warning.message
    assert "on average a message" in warning.message
    assert "[[coordination.channels.links]]" in warning.hint


def test_a_dedicated_link_silences_the_default_channel_warning() -> None:
    def hotline(data: dict[str, Any]) -> None:
        data["coordination"]["channels"] = {
            "enabled": True,
            "links": [{"between": ["LA", "TH"], "kind": "hotline", "latency": "15min"}],
        }

    assert warnings_of("tiny_border.toml", hotline) == []


def test_a_need_no_unit_reaches_within_its_target() -> None:
    def far(data: dict[str, Any]) -> None:
        data["roads"][0]["km"] = 200  # Attapeu - Sanamxay: 5 h at 40 km/h

    warning = only(warnings_of("tiny.toml", far), "injects[0]")
    assert "within its target of 3h" in warning.message
    assert "'la-boat', needs about 5h 30min (mobilisation 30min + travel 5h" in warning.message


def test_a_flooded_place_no_unit_serves() -> None:
    def dry_village(data: dict[str, Any]) -> None:
        del data["places"][1]["water_access"]
        data["places"][1]["flood"] = {"gauge": "g", "level": 5.0}
        data["gauges"] = [
            {"id": "g", "name": "G", "place": "attapeu", "levels": [["0h", 2.0], ["6h", 10.0]]}
        ]

    warnings = warnings_of("tiny.toml", dry_village)
    assert "no unit can serve 'rescue' at 'sanamxay'" in only(warnings, "places[1].flood").message


def test_an_inject_after_the_end() -> None:
    def late(data: dict[str, Any]) -> None:
        data["injects"][0]["at"] = "2d"

    warning = only(warnings_of("tiny.toml", late), "injects[0].at")
    assert "after the scenario ends" in warning.message


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_give_no_warning_of_meaning(path: Path) -> None:
    source = read_scenario(path)
    warnings = [*source.warnings, *route_warnings(source.scenario)]
    unmeant = [w.describe() for w in warnings if not w.path.endswith(".joint")]
    assert unmeant == []  # (a joint team kept as a what-if is warned of on purpose)


def test_run_prints_the_warnings_before_it_starts(tmp_path: Path) -> None:
    text = (SCENARIOS / "tiny.toml").read_text().replace("km = 40", "km = 200")
    path = tmp_path / "far.toml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"  warning: {path}: line ")
    assert "within its target of 3h" in lines[0]
    assert len([line for line in lines if "warning:" in line]) == 1

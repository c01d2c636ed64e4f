"""The shipped scenarios: warning-free, the Sekong file short, the joint-team what-if apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent
SCENARIOS = ROOT / "scenarios"
ALL = sorted([*SCENARIOS.glob("*.toml"), *SCENARIOS.glob("what-if/*.toml")])


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_shipped_scenarios_validate_without_a_warning(path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_the_sekong_file_stays_short() -> None:
    lines = (SCENARIOS / "sekong_flood_2018.toml").read_text().splitlines()
    # its names in Thai, Lao and Khmer script are translations, one line an item: not counted
    assert len([line for line in lines if not line.startswith("names = ")]) < 900


def test_the_joint_team_what_if_is_the_scenario_plus_the_team() -> None:
    base = load_scenario(SCENARIOS / "sekong_flood_2018.toml")
    joint = load_scenario(SCENARIOS / "what-if" / "sekong_joint_teams.toml")
    assert not base.coordination.joint_teams.enabled and joint.coordination.joint_teams.enabled
    added = {g.id for g in joint.units} - {g.id for g in base.units}
    assert added == {"joint_boat_pakse"} and all(g.joint for g in joint.units if g.id in added)
    assert not any(g.joint for g in base.units)
    assert joint.injects == base.injects and joint.places == base.places


def test_the_sekong_msel_asks_the_room_about_its_key_injects() -> None:
    from sim.play.discussion import inject_seats

    scenario = load_scenario(SCENARIOS / "sekong_flood_2018.toml")
    asked = {
        (inject.type, ",".join(inject_seats(scenario, inject))): len(inject.discussion)
        for inject in scenario.injects
        if inject.discussion
    }
    assert asked == {
        ("warning", "LA"): 2,  # the dam staff's warning, at night
        ("grounding", "TH,LA,KH"): 1,
        ("warning", "KH"): 1,  # the Cambodian alert: what to keep, what to lend
        ("channel_outage", "LA,KH"): 1,
        ("incident", "KH,TH,LA"): 2,  # Siem Pang ordered out: asking, or offering, help
        ("crossing_closed", "KH,LA"): 1,
    }

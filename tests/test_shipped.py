"""The shipped scenarios: warning-free, the Sekong file short, the joint-team what-if apart."""

from __future__ import annotations

import re
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


TRANSLATION = re.compile(r"^((agency_)?names|[a-z_]+\.(th|lo|km)) = ")
"""A line that only gives a translation: an item's (or an agency's) names in Thai, Lao and
Khmer script, or an authored text in one of those languages (``synopsis.th = ...``)."""


def english_lines(text: str) -> list[str]:
    """The lines of a scenario file but its translations (a translated text written over
    several lines, ``description.th = \"\"\"...\"\"\"``, all of it)."""
    kept, inside = [], False
    for line in text.splitlines():
        if inside:
            inside = '"""' not in line
        elif TRANSLATION.match(line):
            inside = line.count('"""') == 1
        else:
            kept.append(line)
    return kept


def test_the_sekong_file_stays_short() -> None:
    text = (SCENARIOS / "sekong_flood_2018.toml").read_text()
    # what it says in Thai, Lao and Khmer is translation: not counted
    assert len(english_lines(text)) < 900
    assert 'synopsis.th = "' in text  # translated, each language on its own line


def test_translations_are_left_out_of_the_count_and_nothing_else() -> None:
    text = '''name.en = "Flood"
name.th = "อุทกภัย"
description.en = """
Two lines."""
description.km = """
ពីរ \\
បន្ទាត់"""
names = { th = "ปากเซ" }
synopsis.lo = "ນ້ຳຖ້ວມ"
thresholds = 3
'''
    assert english_lines(text) == [
        'name.en = "Flood"',
        'description.en = """',
        'Two lines."""',
        "thresholds = 3",
    ]


def test_the_joint_team_what_if_is_the_scenario_plus_the_team() -> None:
    base = load_scenario(SCENARIOS / "sekong_flood_2018.toml")
    joint = load_scenario(SCENARIOS / "what-if" / "sekong_joint_teams.toml")
    assert not base.coordination.joint_teams.enabled and joint.coordination.joint_teams.enabled
    added = {g.id for g in joint.units} - {g.id for g in base.units}
    assert added == {"joint_boat_pakse"} and all(g.joint for g in joint.units if g.id in added)
    assert not any(g.joint for g in base.units)
    assert joint.injects == base.injects and joint.places == base.places


def test_the_sekong_msel_asks_the_room_about_its_key_injects() -> None:
    from sim.decisions.discussion import inject_seats

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

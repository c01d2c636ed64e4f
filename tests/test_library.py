"""The library of the region: every gazetteer part makes a valid scenario, and
`borderdrill places` finds its entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.library import gazetteer, read_part
from sim.scenario import read_scenario
from sim.scenario.compose import library_parts

REGIONS = [p for p in library_parts() if p.startswith("library:region/")]


@pytest.mark.parametrize("part", REGIONS)
def test_each_region_part_is_a_valid_piece_of_scenario(part: str, tmp_path: Path) -> None:
    name = part.removeprefix("library:")
    places = [e.data for e in gazetteer() if e.part == name and e.section == "places"]
    nations = sorted({p["nation"] for p in places})
    eocs = "".join(
        f'[[nations]]\ncode = "{code}"\n[[nations.eocs]]\nid = "eoc_{code.lower()}"\n'
        f'name = "EOC"\nplace = "{next(p["id"] for p in places if p["nation"] == code)}"\n'
        for code in nations
    )
    town = next(p["id"] for p in places if p["kind"] == "town")
    text = (
        f'include = ["{part}", "library:unit_types/flood", '
        + ", ".join(f'"library:nations/{c.lower()}"' for c in nations)
        + "]\n"
        '[scenario]\nname = "t"\nstart = 2024-01-01T00:00:00\nduration = "1d"\n'
        f"{eocs}"
        f'[[units]]\nid = "u"\nnation = "{nations[0]}"\nagency = "a"\ntype = "helicopter"\n'
        f'base = "{town}"\n'
    )
    path = tmp_path / "s.toml"
    path.write_text(text)
    scenario = read_scenario(path).scenario
    assert len(scenario.places) >= len(places)
    ends = {r.from_ for r in scenario.roads} | {r.to for r in scenario.roads}
    for crossing in scenario.crossings:  # every crossing is reached by road on both sides
        assert set(crossing.posts) <= ends, crossing.id


def test_every_place_road_and_crossing_says_its_source_date_and_status() -> None:
    for part in REGIONS:
        data = read_part(part.removeprefix("library:"))
        for section in ("places", "roads", "crossings"):
            for entry in data.get(section, []):
                where = f"{part} {section} {entry.get('id') or entry.get('from')}"
                source = entry.get("source")
                assert source, where
                assert source["status"] in ("checked", "estimate", "recalled, unverified"), where
                assert re.fullmatch(r"\d{4}(-\d{2})?(-\d{2})?", source["as_of"]), where
                assert len(source["ref"]) > 8, where
    # nothing could be checked against a publication here: none claims it was
    assert not any(
        e.data["source"]["status"] == "checked" for e in gazetteer() if "source" in e.data
    )


def test_places_shows_each_entrys_status_date_and_source() -> None:
    result = CliRunner().invoke(main, ["places", "pailin"])
    assert result.exit_code == 0
    assert "recalled, unverified, as of 2024:" in result.output


def test_places_finds_by_words() -> None:
    result = CliRunner().invoke(main, ["places", "chong", "mek"])
    assert result.exit_code == 0
    assert "chong_mek_vang_tao" in result.output and "library:region/sekong" in result.output
    assert "chong_chom" not in result.output


def test_places_filters_by_nation_code() -> None:
    result = CliRunner().invoke(main, ["places", "LA", "hospital"])
    lines = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert lines and all(" LA " in line for line in lines)
    assert any("Attapeu provincial hospital" in line for line in lines)


def test_places_without_a_match_says_so() -> None:
    result = CliRunner().invoke(main, ["places", "atlantis"])
    assert result.exit_code == 2 and "no place or crossing matches" in result.output


def test_places_lists_the_parts() -> None:
    result = CliRunner().invoke(main, ["places", "--parts"])
    assert "library:region/emerald_triangle" in result.output.splitlines()

"""The library of the region: every gazetteer part makes a valid scenario, and
`borderdrill places` finds its entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.library import gazetteer, reusable, roads
from sim.scenario import read_scenario
from sim.scenario.compose import library_parts
from sim.scenario.types import Source

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


def test_every_entry_of_the_library_says_its_source_date_and_status() -> None:
    entries = [*gazetteer(), *roads(), *reusable()]
    sections = {e.section for e in entries}
    assert sections == {
        "places",
        "roads",
        "crossings",
        "closures",
        "nations",
        "needs",
        "unit_types",
        "units",
        "coordination",
    }
    for entry in entries:
        where = f"library:{entry.part} {entry.section} {entry.id}"
        assert entry.source is not None, where
        source = Source.model_validate(entry.source)  # the scenario format's own check
        assert len(source.ref) > 8, where
    parts = {e.part for e in entries}  # every part but the shipped scenario's pieces
    assert parts == {p.removeprefix("library:") for p in library_parts()}
    # nothing could be checked against a publication here: none claims it was
    assert not [e.id for e in entries if e.source and e.source["status"] == "checked"]


def test_a_source_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        'include = ["library:nations/th"]\n[[nations]]\ncode = "TH"\n'
        'source = { ref = "my memory", as_of = "last year", status = "sure" }\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "nations[0].source.as_of" in result.output
    assert "nations[0].source.status" in result.output


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
    assert result.exit_code == 2 and "no place, road or crossing matches" in result.output


def test_places_lists_the_parts() -> None:
    result = CliRunner().invoke(main, ["places", "--parts"])
    assert "library:region/emerald_triangle" in result.output.splitlines()


def test_places_lists_roads_with_their_length_and_source() -> None:
    result = CliRunner().invoke(main, ["places", "road", "sisophon"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    (road,) = [i for i, line in enumerate(lines) if line.startswith("route5_poipet_sisophon")]
    assert "road         KH  49 km, highway" in lines[road]
    assert "Poipet – Sisophon" in lines[road]
    assert lines[road + 1].startswith("    recalled, unverified, as of 2024: ")


def test_places_says_a_crossing_is_closed_from_mid_2025() -> None:
    result = CliRunner().invoke(main, ["places", "khlong_luek_poipet"])
    assert "closed from 23 June 2025: Thai-Cambodian border conflict" in result.output
    assert "recalled, unverified" in result.output
    chong_mek = CliRunner().invoke(main, ["places", "chong_mek_vang_tao"]).output
    assert "closed from" not in chong_mek


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            ["unit", "types", "flood"],
            "rescue_boat                      unit type    water, 60 km/h",
        ),
        (
            ["coordination", "channels"],
            "channels                         coordination not in force",
        ),
        (["KH", "units"], "kh_boat_stung_treng"),
        (["nations", "LA"], "recalled, unverified, as of 2024"),
        (["closures"], "th_kh_2025                       closure      TH-KH from 2025-06-23"),
    ],
)
def test_library_lists_the_other_entries_with_their_sources(
    words: list[str], expected: str
) -> None:
    result = CliRunner().invoke(main, ["library", *words])
    assert result.exit_code == 0, result.output
    assert expected in result.output
    lines = result.output.splitlines()
    assert all(line.startswith("    ") for line in lines[1::2])  # a source under each entry


def test_library_without_a_match_says_so() -> None:
    result = CliRunner().invoke(main, ["library", "atlantis"])
    assert result.exit_code == 2 and "no entry of the library matches" in result.output

"""Every place and crossing of the library and of the shipped scenarios, every EOC and agency
of theirs, every fuel and mined area of their wildfires, and every named river of the base
map, is named in Thai, Lao and Khmer script, each name in its own script only, with the
source of the names."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from support import unmarked

from sim.library import gazetteer
from sim.report.names import in_script, plain
from sim.report.territory import basemap
from sim.scenario.schema import SCRIPTS, ScriptNames

SHIPPED = Path(__file__).parent.parent / "scenarios"


def _shipped() -> list[tuple[str, dict[str, Any]]]:
    entries = []
    for path in sorted([*SHIPPED.glob("*.toml"), *SHIPPED.glob("what-if/*.toml")]):
        data = tomllib.loads(path.read_text())
        for section in ("places", "crossings"):
            # an entry without a name changes a library entry by id and keeps its names
            named = [e for e in data.get(section, []) if "name" in e]
            entries += [(f"{path.stem}: {e['id']}", e) for e in named]
        for nation in data.get("nations", []):  # the nations' EOCs, where the file names them
            eocs = [e for e in nation.get("eocs", []) if "name" in e]
            entries += [(f"{path.stem}: {e['id']}", e) for e in eocs]
        for section in ("fuel", "mined"):  # the wildfire's areas: land cover, mined strips
            areas = data.get("wildfire", {}).get(section, [])
            entries += [(f"{path.stem}: {section} area {e['name']}", e) for e in areas]
    return entries


def _rivers() -> list[tuple[str, dict[str, Any]]]:
    """Each river the base map names, with its entry of the rivers' names (or none)."""
    names = tomllib.loads((Path(__file__).parent.parent / "sim/report/rivers.toml").read_text())
    named = sorted({line["name"] for line in basemap()["rivers"] if line.get("name")})
    return [(f"river {r}", {"names": names[r]} if r in names else {}) for r in named]


ENTRIES = [(f"{e.part}: {e.id}", e.data) for e in gazetteer()] + _shipped() + _rivers()


@pytest.mark.parametrize(("where", "entry"), ENTRIES, ids=[where for where, _ in ENTRIES])
def test_each_place_and_crossing_is_named_in_each_script_with_its_source(
    where: str, entry: dict[str, Any]
) -> None:
    assert "names" in entry, f"{where} has no names = {{ th = ..., lo = ..., km = ... }}"
    names = ScriptNames.model_validate(entry["names"])
    assert names.source is not None and names.source.ref, f"{where}: the names have no source"
    for lang, (low, high, script) in SCRIPTS.items():
        name = getattr(names, lang)
        assert name, f"{where} has no {script} name"
        others = [c for c in name if any(lo <= ord(c) <= hi for lo, hi, _ in SCRIPTS.values())]
        assert all(low <= ord(c) <= high for c in others), f"{where}: {name!r} mixes scripts"


@pytest.mark.parametrize(("where", "entry"), ENTRIES, ids=[where for where, _ in ENTRIES])
def test_a_map_label_keeps_no_note_of_a_name(where: str, entry: dict[str, Any]) -> None:
    # a note within a note left a bracket: a map's line began with ")"
    for lang in SCRIPTS:
        written = entry["names"][lang]
        label = in_script(
            entry.get("name", written), ScriptNames(**entry["names"]), lang, notes=False
        )
        script = label.removesuffix(f" ({plain(entry.get('name', written))})")
        assert "(" not in script and ")" not in script, (where, label)
        assert plain(written) in label and not plain(written).startswith(")")


def test_vientiane_capitals_office_is_labelled_without_its_note() -> None:
    (office,) = [e for e in gazetteer() if e.id == "vientiane_dmc"]
    names = ScriptNames(**office.data["names"])
    name = office.data["name"]
    assert in_script(name, names, "th", notes=False) == (
        "สำนักงานจัดการภัยพิบัตินครหลวงเวียงจันทน์ (Vientiane Capital disaster management office)"
    )
    assert in_script(name, names, "km", notes=False).startswith(
        "ការិយាល័យគ្រប់គ្រងគ្រោះមហន្តរាយរាជធានីវៀងចន្ទ (Vientiane"
    )


def test_a_thai_wildfire_report_names_its_land_cover_and_mined_areas_in_thai(
    shipped_runs: dict[str, tuple[Any, Any, dict[str, bytes]]],
) -> None:
    from sim.report import run_files
    from sim.report.names import plain

    scenario, run, _ = shipped_runs["tri_border_wildfire_2024"]
    files = run_files(scenario, run, {"borderdrill": "test"}, lang="th")
    html = unmarked(files["report.html"].decode())
    assert "ความง่ายในการลุกไหม้" in html  # the land cover's table, headed in Thai
    for area in [*scenario.wildfire.fuel, *scenario.wildfire.mined]:
        assert f"{area.names.th} ({plain(area.name)})" in html, area.name


def _agencies() -> list[tuple[str, Any]]:
    """Each agency of the shipped scenarios (the library's nations and units with them), and
    of a fresh draft of another stretch of border, with its names in the scripts."""
    import tempfile

    from sim.library.draft import draft_scenario
    from sim.scenario import load_scenario

    scenarios = [load_scenario(path) for path in sorted(SHIPPED.glob("**/*.toml"))]
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "draft.toml"
        draft.write_text(draft_scenario("TH,LA", "flood", "nakhon_phanom_thakhek"), "utf-8")
        scenarios.append(load_scenario(draft))
    return [
        (f"{scenario.scenario.name.en}: {nation} {agency}", names)
        for scenario in scenarios
        for (nation, agency), names in scenario.agencies().items()
    ]


AGENCIES = _agencies()


@pytest.mark.parametrize(("where", "names"), AGENCIES, ids=[where for where, _ in AGENCIES])
def test_each_agency_is_named_in_each_script_with_its_source(where: str, names: Any) -> None:
    assert names is not None, f"{where} has no agency_names = {{ th = ..., lo = ..., km = ... }}"
    assert names.source is not None and names.source.status != "checked"  # none checked here
    assert all(getattr(names, lang) for lang in SCRIPTS), where

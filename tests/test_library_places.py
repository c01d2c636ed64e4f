"""The library's figures for the Thai-Cambodian border at Aranyaprathet - Poipet, and border
posts drawn on their own side of the map's border line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.library import gazetteer
from sim.report.territory import basemap, crossings

HEARTLAND = {"TH": (102.5, 15.0), "LA": (106.0, 16.5), "KH": (104.5, 12.8)}
"""A point (lon, lat) well inside each nation: a place is on its nation's side of the
drawn borders when the line to it crosses them an even number of times."""


def _entries(section: str) -> dict[str, dict[str, object]]:
    return {e.id: e.data for e in gazetteer() if e.section == section}


def _road(a: str, b: str) -> dict[str, object]:
    for part in {e.part for e in gazetteer()}:
        from sim.library import read_part

        for road in read_part(part).get("roads", []):
            if {road["from"], road["to"]} == {a, b}:
                return dict(road)
    raise AssertionError(f"no road {a} - {b}")


def _inside_map(place: dict[str, object]) -> bool:
    region = basemap()["region"]
    lat, lon = float(place["lat"]), float(place["lon"])  # type: ignore[arg-type]
    return bool(region["south"] < lat < region["north"] and region["west"] < lon < region["east"])


@pytest.mark.parametrize("post", [e.id for e in gazetteer() if e.data.get("kind") == "border_post"])
def test_each_border_post_is_drawn_on_its_own_side_of_the_border(post: str) -> None:
    place = _entries("places")[post]
    if not _inside_map(place):
        pytest.skip("beyond the shipped base map")
    at = np.array([(place["lon"], place["lat"])], dtype=float)
    heart = np.array([HEARTLAND[str(place["nation"])]])
    assert int(crossings(at, heart)[0, 0]) % 2 == 0, f"{post} is across the drawn border"


def test_poipet_is_a_town_with_its_hospital_and_sisophons() -> None:
    places = _entries("places")
    assert places["poipet_town"]["kind"] == "town"
    assert 90_000 <= int(places["poipet_town"]["population"]) <= 110_000  # type: ignore[call-overload]
    hospitals = {k for k, p in places.items() if p["kind"] == "hospital"}
    assert {"poipet_hospital", "sisophon_hospital"} <= hospitals


def test_the_crossings_opened_or_missing_near_poipet_are_there() -> None:
    found = _entries("crossings")
    assert found["ban_nong_ian_stung_bot"]["posts"] == ["ban_nong_ian", "stung_bot"]
    assert "phnom_dey" in found["ban_khao_din_phnom_dey"]["posts"]  # type: ignore[operator]


def test_distances_and_hours_follow_the_published_figures() -> None:
    assert 17 <= _road("psar_prum", "pailin")["km"] <= 20  # type: ignore[operator]
    assert 48 <= _road("poipet_town", "sisophon")["km"] <= 50  # type: ignore[operator]
    poipet = _entries("crossings")["khlong_luek_poipet"]
    assert poipet["hours"] == "06:00-22:00"
    source = poipet["source"]
    assert source["status"] == "recalled, unverified"  # type: ignore[index]
    assert "closed from mid-2025" in source["ref"]  # type: ignore[index]


def test_the_two_posts_of_each_crossing_face_each_other() -> None:
    from sim.world.geography import great_circle_km

    places = _entries("places")
    for crossing in _entries("crossings").values():
        a, b = (places[p] for p in crossing["posts"])  # type: ignore[attr-defined]
        apart = great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])  # type: ignore[arg-type]
        assert apart < 5.0, f"{crossing['name']}: posts {apart:.1f} km apart"


def test_a_draft_at_poipet_puts_the_cambodian_incidents_in_poipet(tmp_path: Path) -> None:
    from sim.library.draft import draft_scenario
    from sim.scenario import read_scenario

    path = tmp_path / "poipet.toml"
    path.write_text(draft_scenario("TH,KH", "flood", "khlong_luek_poipet"), encoding="utf-8")
    scenario = read_scenario(path).scenario
    nation = {p.id: p.nation for p in scenario.places}
    where = [str(getattr(i, "place", "")) for i in scenario.injects]
    cambodian = {place for place in where if nation.get(place) == "KH"}
    assert cambodian == {"poipet_town"}  # not Sisophon, 45 km away

"""`borderdrill import`: a planner's villages and roads become scenario tables to include."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SCENARIOS

from sim.cli import main
from sim.scenario import read_scenario
from sim.world.geography import great_circle_km

VILLAGES = """name,nation,kind,lat,lon,population,water_access,road_to,road_class,road_km
Ban Hat Xai,LA,village,14.70,106.70,450,yes,attapeu,rural,
Ban Don,LA,village,14.72,106.74,300,no,ban_hat_xai,track,6.5
"""


def imported(tmp_path: Path, name: str, text: str, *options: str) -> tuple[int, str, Path]:
    source = tmp_path / name
    source.write_text(text)
    out = tmp_path / "imported.toml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out), *options])
    return result.exit_code, result.output, out


def test_a_csv_of_villages_becomes_places_and_roads(tmp_path: Path) -> None:
    code, output, out = imported(tmp_path, "villages.csv", VILLAGES)
    assert code == 0, output
    data = tomllib.loads(out.read_text())
    hat = data["places"][0]
    assert (hat["id"], hat["population"], hat["water_access"]) == ("ban_hat_xai", 450, True)
    first, second = data["roads"]
    straight = great_circle_km(14.70, 106.70, 14.81, 106.83)  # Attapeu from the library
    assert first["km"] == pytest.approx(straight * 1.5, abs=0.05)  # rural: detour 1.5
    assert "great-circle x 1.5 detour" in out.read_text()
    assert second["km"] == 6.5  # as given


def test_the_detour_factor_can_be_stated(tmp_path: Path) -> None:
    _, _, out = imported(tmp_path, "villages.csv", VILLAGES, "--detour", "1.2")
    first = tomllib.loads(out.read_text())["roads"][0]
    assert first["km"] == pytest.approx(
        great_circle_km(14.70, 106.70, 14.81, 106.83) * 1.2, abs=0.05
    )


def test_the_import_is_a_part_a_scenario_includes(tmp_path: Path) -> None:
    imported(tmp_path, "villages.csv", VILLAGES)
    tiny = (SCENARIOS / "tiny.toml").read_text()
    scenario = tmp_path / "s.toml"
    scenario.write_text('include = ["imported.toml"]\n' + tiny)
    places = {p.id for p in read_scenario(scenario).scenario.places}
    assert {"ban_hat_xai", "ban_don", "attapeu"} <= places


def test_geojson_points_and_drawn_lines(tmp_path: Path) -> None:
    line = [[106.70, 14.70], [106.72, 14.71], [106.74, 14.72]]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.70, 14.70]},
            "properties": {"name": "Ban Hat Xai", "nation": "LA", "population": 450},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.74, 14.72]},
            "properties": {"name": "Ban Don", "nation": "LA"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": line},
            "properties": {"class": "track"},
        },
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    code, output, out = imported(tmp_path, "survey.geojson", text)
    assert code == 0, output
    (road,) = tomllib.loads(out.read_text())["roads"]
    drawn = great_circle_km(14.70, 106.70, 14.71, 106.72) + great_circle_km(
        14.71, 106.72, 14.72, 106.74
    )
    assert (road["from"], road["to"]) == ("ban_hat_xai", "ban_don")  # ends snapped to places
    assert road["km"] == pytest.approx(drawn, abs=0.05)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("v.csv", "name,nation,lat,lon\nBan X,LA,abc,106\n", "row 2: lat 'abc' is not a number"),
        ("v.csv", "name,nation,lat,lon\nBan X,LA,95,106\n", "row 2: lat 95 is out of range"),
        ("v.csv", "name,nation,lat,lon\nBan X,Laos,14,106\n", "nation 'LAOS' is not a nation"),
        ("v.csv", "name,nation,lat,lon\nบ้าน,TH,14,106\n", "is not a usable id"),
        ("v.csv", "name,nation,lat,lon,population\nB,LA,14,106,1 200\n", "not a whole number"),
        (
            "v.csv",
            "name,nation,lat,lon\nBan X,LA,14,106\nBan X,LA,14.1,106\n",
            "row 3: the id 'ban_x' is also that of v.csv row 2",
        ),
        (
            "v.csv",
            "name,nation,lat,lon,road_to\nBan X,LA,14,106,nowhere\n",
            "the road's end 'nowhere' is neither",
        ),
        ("s.geojson", "{not json", "is not readable GeoJSON"),
        (
            "s.geojson",
            json.dumps(
                {"type": "FeatureCollection", "features": [{"geometry": {"type": "Polygon"}}]}
            ),
            "feature 0: is a Polygon",
        ),
        ("v.txt", "x", "is neither .csv nor .geojson"),
    ],
)
def test_bad_input_is_refused_with_file_row_and_fix(
    name: str, text: str, expected: str, tmp_path: Path
) -> None:
    code, output, out = imported(tmp_path, name, text)
    assert code == 2
    assert expected in output and name in output and "Fix:" in output
    assert "Traceback" not in output
    assert not out.exists()

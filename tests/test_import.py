"""`borderdrill import`: a planner's villages and roads become scenario tables to include."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

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


def imported(tmp_path: Path, name: str, text: str | bytes, *options: str) -> tuple[int, str, Path]:
    source = tmp_path / name
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    out = tmp_path / "imported.toml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output, out


def feature_collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def point(lon: Any, lat: Any, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


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
        ("v.csv", "name,nation,lat,lon\n---,TH,14,106\n", "no id can be made from the name"),
        ("v.csv", "name,nation,lat,lon,population\nB,LA,14,106,²\n", "not a whole number"),
        ("v.csv", 'name,nation,lat,lon\n"Ban\nX",LA,14,106\n', "holds a line break"),
        ("v.csv", "name,nation,lat,lon\nBan X, Nua,LA,14,106\n", "has 5 cells but the header 4"),
        ("v.csv", "name;nation;lat;lon\nBan X;LA;14;106;;x\n", "has 6 cells but the header 4"),
        ("v.csv", "nom,pays,lat,lon\nBan X,LA,14,106\n", "no column name, nation"),
        ("v.csv", b"name,nation,lat,lon\nM\xe9ang,LA,14,106\n", "is not UTF-8 text"),
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
        ("s.geojson", "{not json", "line 1: is not JSON"),
        ("s.geojson", "[" * 100_000 + "]" * 100_000, "is nested too deeply"),
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
    name: str, text: str | bytes, expected: str, tmp_path: Path
) -> None:
    code, output, out = imported(tmp_path, name, text)
    assert code == 2
    assert expected in output and name in output and "Fix:" in output
    assert "Traceback" not in output
    assert not out.exists()


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        ({**point(106.7, 14.7), "properties": ["Ban X", "LA"]}, "its properties are a list"),
        ({**point(106.7, 14.7), "properties": "Ban X"}, "its properties are a str"),
        (point(106.7, "14.7", name="Ban X", nation="LA"), "its point is not [longitude"),
        (
            {"geometry": {"type": "LineString", "coordinates": [[106.7, 14.7], 5]}},
            "feature 0 point 1: is not a line",
        ),
        (
            {"geometry": {"type": "LineString", "coordinates": [[106.7, 14.7], [106.8]]}},
            "feature 0 point 1: is not a line",
        ),
        ({"geometry": {"type": "LineString", "coordinates": [[106.7, 14.7]]}}, "at least two"),
        (point(106.7, 14.7, name={"th": "x"}, nation="LA"), "name is a dict"),
        ("feature", "feature 0: is not an object"),
    ],
)
def test_geojson_of_the_wrong_shape_is_refused(feature: Any, expected: str, tmp_path: Path) -> None:
    code, output, out = imported(tmp_path, "s.geojson", feature_collection(feature))
    assert code == 2 and expected in output and "Fix:" in output
    assert not out.exists()


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        "name,nation,lat,lon,population\n"
        "Ban A,LA,14.7,106.7,10\n"
        "Ban B,LA,north,106.7,10\n"
        "Ban C,Laos,14.7,106.7,ten\n"
        "Ban D,LA,14.7,106.8,20\n"
        "Ban E,LA,14.7,999,20\n"
    )
    code, output, out = imported(tmp_path, "v.csv", text)
    assert code == 2 and not out.exists()
    assert "4 problems in the import" in output
    assert "row 3: lat 'north' is not a number" in output
    assert "row 4: nation 'LAOS'" in output and "row 4: population 'ten'" in output
    assert "row 6: lon 999 is out of range" in output


def test_names_in_thai_lao_and_khmer_are_kept_and_get_latin_ids(tmp_path: Path) -> None:
    text = (
        "name,nation,lat,lon\n"
        "บ้านหาดทราย,TH,15.30,105.45\n"
        "ບ້ານຫາດຊາຍ,LA,14.70,106.70\n"
        "ភូមិស្វាយ,KH,13.60,105.90\n"
    )
    code, output, out = imported(tmp_path, "v.csv", text)
    assert code == 0, output
    places = tomllib.loads(out.read_text("utf-8"))["places"]
    assert [p["name"] for p in places] == ["บ้านหาดทราย", "ບ້ານຫາດຊາຍ", "ភូមិស្វាយ"]
    assert [p["id"] for p in places] == ["banhadthray", "banhadxagn", "phoumesvay"]


def test_a_semicolon_export_with_decimal_commas_is_read_and_said(tmp_path: Path) -> None:
    text = "name;nation;lat;lon;population\nBan Hat Xai, Nua;LA;14,70;106,70;450\n"
    code, output, out = imported(tmp_path, "v.csv", text)
    assert code == 0, output
    assert "read as semicolon-separated places" in output
    (place,) = tomllib.loads(out.read_text())["places"]
    assert (place["name"], place["lat"], place["lon"]) == ("Ban Hat Xai, Nua", 14.7, 106.7)


def test_what_a_file_holds_cannot_write_other_tables(tmp_path: Path) -> None:
    """Names and ids go through a TOML writer: quotes, brackets and newlines stay values."""
    sneaky = 'Ban "X" ]]\n[[units]]\nid = "ghost"'
    features = [
        point(106.70, 14.70, name='Ban ]] [[units]] \\ "Hat"', nation="LA"),
        point(106.74, 14.72, name="Ban Don", nation="LA"),
        {
            "geometry": {"type": "LineString", "coordinates": [[106.70, 14.70], [106.74, 14.72]]},
            "properties": {"id": sneaky},
        },
    ]
    code, output, out = imported(tmp_path, "s.geojson", feature_collection(*features))
    assert code == 2 and "is not usable" in output and not out.exists()
    features[2]["properties"] = {"id": "track-1"}
    code, output, out = imported(tmp_path, "s.geojson", feature_collection(*features))
    assert code == 0, output
    data = tomllib.loads(out.read_text())
    assert set(data) == {"places", "roads"}
    assert data["places"][0]["name"] == 'Ban ]] [[units]] \\ "Hat"'


def test_points_outside_the_border_region_are_warned(tmp_path: Path) -> None:
    text = feature_collection(
        point(0, 0, name="Null Island", nation="LA"),
        point(-0.13, 51.51, name="London", nation="TH"),
        point(106.7, 14.7, name="Ban Hat Xai", nation="LA"),
    )
    code, output, out = imported(tmp_path, "s.geojson", text)
    assert code == 0 and out.exists()
    warnings = [line for line in output.splitlines() if "warning:" in line]
    assert len(warnings) == 2
    assert "Null Island (0, 0) lies" in warnings[0] and "outside the border region" in output
    assert "London" in warnings[1]
    swapped = feature_collection(point(14.7, 106.7, name="Swapped", nation="LA"))
    code, output, _ = imported(tmp_path, "swapped.geojson", swapped, "--force")
    assert code == 2 and "writes the longitude first" in output


def test_a_file_larger_than_a_part_may_be_is_refused_unread(tmp_path: Path) -> None:
    from sim.scenario.compose import MAX_FILE_BYTES

    row = "Ban X,LA,14.7,106.7\n"
    text = "name,nation,lat,lon\n" + row * (MAX_FILE_BYTES // len(row) + 1)
    code, output, out = imported(tmp_path, "v.csv", text)
    assert code == 2 and "is larger than 4 MiB" in output and not out.exists()


def test_more_places_than_an_import_may_hold_are_refused(tmp_path: Path) -> None:
    from sim.library.imports import MAX_RECORDS

    rows = "".join(f"Ban {i},LA,14.7,106.7\n" for i in range(MAX_RECORDS + 5))
    code, output, _ = imported(tmp_path, "v.csv", "name,nation,lat,lon\n" + rows)
    assert code == 2 and f"more than {MAX_RECORDS:,} places and roads" in output


def test_many_bad_rows_are_counted_beyond_the_first_hundred(tmp_path: Path) -> None:
    rows = "".join(f"Ban {i},LA,north,106.7\n" for i in range(150))
    code, output, _ = imported(tmp_path, "v.csv", "name,nation,lat,lon\n" + rows)
    assert code == 2 and "150 problems in the import" in output
    assert "row 101: lat 'north'" in output and "row 102" not in output
    assert "... and 50 more problems" in output


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "v.csv",
            "name,nation,lat,lon,road_to\nBan A,LA,14.8,106.6,ban_a\n",
            "v.csv: row 2: road_to 'ban_a' is where the road starts; a road joins two different"
            " places. Fix: name the road's other end in road_to",
        ),
        (
            "r.csv",
            "from,to\nattapeu,attapeu\n",
            "r.csv: row 2: to 'attapeu' is where the road starts",
        ),
        (
            "s.geojson",
            feature_collection(
                point(106.6, 14.8, name="Ban A", nation="LA"),
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[106.6, 14.8], [106.61, 14.81], [106.6, 14.8]],
                    },
                },
            ),
            "s.geojson: feature 1: to 'ban_a' is where the road starts",
        ),
    ],
)
def test_a_road_back_to_where_it_starts_is_refused(
    name: str, text: str, expected: str, tmp_path: Path
) -> None:
    """The scenario would refuse it: the import says so first, and writes nothing."""
    code, output, out = imported(tmp_path, name, text)
    assert code == 2, output
    assert expected in output and "Traceback" not in output
    assert not out.exists()

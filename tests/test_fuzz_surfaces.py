"""Aimed fuzzing of the surfaces around the loader: parts a scenario includes, and import.

Parts: random include graphs (cycles, diamonds, missing, binary and Latin-1 parts, names
that climb out of the library or hold control characters). The loader must build the
scenario or raise ``ScenarioError``, nothing else.

Import: CSV rows and GeoJSON features made of the texts and values that break programs
(separators, quotes, line breaks, control characters, other scripts, wrong JSON types).
The import must refuse with ``ImportProblem`` naming the file, or write TOML that reads
back to exactly the places and roads given, with nothing else in it.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SCENARIOS

from sim.library.imports import ImportProblem, import_places
from sim.scenario import ScenarioError, read_scenario

FUZZ = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], database=None)
TINY = (SCENARIOS / "tiny.toml").read_text()
SPLIT = TINY.index("[[needs]]")
WORLD = TINY[TINY.index("[[places]]") : SPLIT]
TOP = TINY[: TINY.index("[[places]]")]
REST = TINY[SPLIT:]

part_names = st.sampled_from(["p0.toml", "p1.toml", "p2.toml", "p3.toml"])
odd_names = st.sampled_from(
    [
        "missing.toml",
        "./p1.toml",
        "sub/../p2.toml",
        "library:region/sekong",
        "library:../../cli",
        "library:/etc/hostname",
        "p\x00.toml",
        "p\n.toml",
        "",
        ".",
        "x" * 400,
    ]
)
contents = st.one_of(
    st.just(WORLD.encode()),
    st.just(b""),
    st.binary(max_size=40),
    st.just('[[places]]\nid = "m"\nname = "M\u00e9ang"\n'.encode("latin-1")),
    st.just(b"include = 3\n"),
    st.just(b"[[places]\n"),
)


@FUZZ
@given(
    includes=st.lists(
        st.lists(st.one_of(part_names, odd_names), max_size=3), min_size=4, max_size=4
    ),
    bodies=st.lists(contents, min_size=4, max_size=4),
    top=st.lists(st.one_of(part_names, odd_names), min_size=1, max_size=3),
)
def test_any_include_graph_is_built_or_refused(
    includes: list[list[str]], bodies: list[bytes], top: list[str], tmp_path_factory: Any
) -> None:
    folder: Path = tmp_path_factory.mktemp("parts")
    (folder / "sub").mkdir()
    for i, (names, body) in enumerate(zip(includes, bodies, strict=True)):
        listed = ", ".join(json.dumps(n) for n in names)
        (folder / f"p{i}.toml").write_bytes(f"include = [{listed}]\n".encode() + body)
    main = folder / "main.toml"
    main.write_text(f"include = [{', '.join(json.dumps(n) for n in top)}]\n{TOP}{REST}")
    try:
        source = read_scenario(main)
    except ScenarioError as exc:
        assert exc.problems and str(main) in str(exc)
        return
    assert {"attapeu", "sanamxay"} <= {p.id for p in source.scenario.places}


tricky_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            'Ban "Hat" Xai',
            "Ban, Nua",
            "Ban; Tai",
            "line\nbreak",
            "tab\there",
            "]] [[units]]",
            'x"\n[[units]]\nid = "ghost',
            "\\",
            "บ้านหาดทราย",
            "ບ້ານຫາດຊາຍ",
            "ភូមិស្វាយ",
            "²",
            "١٢",
            "1e400",
            "nan",
            "-0",
            "14,70",
        ]
    ),
)
coordinate = st.one_of(
    st.floats(min_value=13.5, max_value=15.5).map(lambda v: f"{v:.4f}"),
    tricky_text,
)
longitude = st.one_of(
    st.floats(min_value=105.0, max_value=107.0).map(lambda v: f"{v:.4f}"), tricky_text
)
place_rows = st.lists(
    st.tuples(
        tricky_text,
        st.sampled_from(["LA", "TH", "KH", "la", "Laos", ""]),
        coordinate,
        longitude,
        st.one_of(st.integers(0, 10**9).map(str), tricky_text),
    ),
    min_size=1,
    max_size=8,
)


def csv_text(rows: list[tuple[str, ...]], sep: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(["name", "nation", "lat", "lon", "population"])
    writer.writerows(rows)
    return buffer.getvalue()


def must_import_or_refuse(file: Path) -> dict[str, Any] | None:
    """The data of the TOML written, or None when refused (naming the file)."""
    try:
        imported = import_places([file])
    except ImportProblem as exc:
        assert exc.problems and all(p.file == file for p in exc.problems)
        return None
    data = tomllib.loads(imported.text)
    assert set(data) <= {"places", "roads"}
    return data


@FUZZ
@given(rows=place_rows, sep=st.sampled_from([",", ";", "\t"]), raw=st.booleans())
def test_any_places_csv_is_imported_exactly_or_refused(
    rows: list[tuple[str, ...]], sep: str, raw: bool, tmp_path_factory: Any
) -> None:
    file = tmp_path_factory.mktemp("csv") / "v.csv"
    # raw: cells joined without quoting, as a careless export writes them
    header = sep.join(["name", "nation", "lat", "lon", "population"])
    text = header + "\n" + "\n".join(sep.join(r) for r in rows) if raw else csv_text(rows, sep)
    file.write_text(text, encoding="utf-8")
    data = must_import_or_refuse(file)
    if data is None or raw:
        return
    written = [r[0].strip() for r in rows if any(cell.strip() for cell in r)]
    assert [p["name"] for p in data.get("places", [])] == written


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | tricky_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=6,
)
positions = st.one_of(st.tuples(st.floats(105, 107), st.floats(13.5, 15.5)).map(list), json_values)
features = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "geometry": st.one_of(
            st.fixed_dictionaries({"type": st.just("Point"), "coordinates": positions}),
            st.fixed_dictionaries(
                {"type": st.just("LineString"), "coordinates": st.lists(positions, max_size=4)}
            ),
            json_values,
        ),
        "properties": st.one_of(
            st.fixed_dictionaries(
                {"name": tricky_text, "nation": st.sampled_from(["LA", "TH", "x"])},
                optional={"id": tricky_text, "population": json_values, "class": json_values},
            ),
            json_values,
        ),
    }
)


@FUZZ
@given(items=st.lists(st.one_of(features, json_values), max_size=6))
def test_any_geojson_is_imported_or_refused(items: list[Any], tmp_path_factory: Any) -> None:
    file = tmp_path_factory.mktemp("geojson") / "s.geojson"
    file.write_text(json.dumps({"type": "FeatureCollection", "features": items}))
    data = must_import_or_refuse(file)
    if data is not None:
        given_names = {
            str(f["properties"]["name"]).strip()
            for f in items
            if isinstance(f, dict) and isinstance(f.get("properties"), dict)
            if "name" in f["properties"]
        }
        assert {p["name"] for p in data.get("places", [])} <= given_names


@pytest.mark.parametrize("depth", [10, 100_000])
def test_deeply_nested_geojson_is_refused_or_read(depth: int, tmp_path: Path) -> None:
    file = tmp_path / "s.geojson"
    nested = "[" * depth + "]" * depth
    file.write_text(f'{{"type": "FeatureCollection", "features": [{nested}]}}')
    assert must_import_or_refuse(file) is None

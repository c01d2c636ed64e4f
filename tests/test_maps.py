"""Maps: base geometry shipped with the package, labels that never overlap, names not ids."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from sim.analysis import incident_rows
from sim.model import simulate
from sim.report import maps
from sim.report.labels import Label, crosses, place_labels
from sim.report.map_data import run_map_data
from sim.report.territory import basemap
from sim.scenario import load_scenario
from sim.scenario.schema import SCRIPTS

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _labels_touching_markers(drawn: maps.Drawn) -> list[tuple[float, ...]]:
    """Label boxes closer to a marker's centre than an incident's marker reaches (its
    largest, the unserved cross of 60 pt²) plus 1 pt, in the printed map's pixels."""
    reach = (math.sqrt(60) / 2 + 1) * maps.DPI / 72
    return [
        box
        for box in drawn.label_boxes
        for x, y in drawn.markers
        if math.hypot(max(box[0] - x, 0, x - box[2]), max(box[1] - y, 0, y - box[3])) < reach
    ]


def test_basemap_ships_small_with_source_and_licence() -> None:
    path = ROOT / "sim" / "report" / "basemap.json"
    assert path.stat().st_size < 400_000
    geometry = basemap()
    assert "World Data Bank II" in geometry["source"] and geometry["licence"]
    named = {line["name"] for line in geometry["rivers"] if line["name"]}
    assert {"Mekong", "Sekong", "Sesan"} <= named
    assert geometry["borders"] and geometry["coast"]
    region = geometry["region"]
    for layer in ("borders", "rivers"):
        for line in geometry[layer]:
            for lon, lat in line["lonlat"]:
                assert region["west"] - 1 <= lon <= region["east"] + 1
                assert region["south"] - 1 <= lat <= region["north"] + 1


@settings(max_examples=15)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.floats(min_value=0, max_value=1),
            st.text(alphabet="abcdefghij ", min_size=1, max_size=18),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_labels_never_overlap(points: list[tuple[float, float, str]]) -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(-0.1, 1.1)
    fig.canvas.draw()
    placed, left_off = place_labels(ax, [Label(x, y, text) for x, y, text in points])
    plt.close(fig)
    assert len(placed) + len(left_off) == len(points)
    for a, b in itertools.combinations(placed, 2):
        assert not _overlap(a.box, b.box)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_run_map_names_places_and_keeps_labels_apart(path: Path) -> None:
    scenario = load_scenario(path)
    run = simulate(scenario, seed=scenario.run.seed)
    data = run_map_data(scenario, run, incident_rows(run))
    assert all(not p.name.islower() or " " in p.name for p in data.places)  # names, not ids
    ids = {p.id for p in scenario.places}
    assert not ids & {p.name for p in data.places}
    drawn = maps.run_map(data)
    assert drawn.png.startswith(b"\x89PNG")
    for a, b in itertools.combinations(drawn.label_boxes, 2):
        assert not _overlap(a, b)
    assert len(drawn.road_lines) == len(data.roads)
    for box in drawn.label_boxes:  # no name written across a road
        assert not [line for line in drawn.road_lines if crosses(box, *line)], box
    assert not _labels_touching_markers(drawn)  # nor over a place's or an incident's marker
    assert not drawn.unlabelled  # every name finds room, in full or as a number in the key
    if run.fire:
        assert data.fire is not None
    else:
        assert any(p.flooded for p in data.places)
    assert any(r.closed for r in data.roads) == any(e[1] == "road_closed" for e in run.events)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_language_names_every_place_of_the_map(path: Path) -> None:
    """A name with no room (a Thai one beside its romanised name is twice as long as the
    English) is written as a number, named in the key below the map: readers of every
    language see the same places named."""
    scenario = load_scenario(path)
    run = simulate(scenario, seed=scenario.run.seed)
    rows = incident_rows(run)
    named = {}
    for lang in ("en", "th", "lo", "km"):
        data = run_map_data(scenario, run, rows, lang)
        drawn = maps.run_map(data)
        assert not drawn.unlabelled, lang
        named[lang] = {(lb.x, lb.y) for lb in drawn.labelled}
        shown = data.shown(maps.view(data))
        places = {(p.lon, p.lat) for p in shown if p.kind != "border_post"}
        assert places <= named[lang], (lang, places - named[lang])
        if data.fire is not None:  # the mined areas are named too, in the reader's script
            assert {(lon, lat) for _, lat, lon in data.fire.mined_names} <= named[lang]
            if lang != "en":
                low, high, _ = SCRIPTS[lang]
                assert all(
                    any(low <= ord(c) <= high for c in n) for n, _, _ in data.fire.mined_names
                )
        assert [int(entry.split()[0]) for entry in drawn.key] == list(range(1, len(drawn.key) + 1))
        if lang != "en":  # in the reader's script, the romanised name beside
            low, high, _ = SCRIPTS[lang]
            assert all(any(low <= ord(c) <= high for c in entry) for entry in drawn.key)
    assert named["th"] == named["lo"] == named["km"] == named["en"]


def test_nothing_is_downloaded_at_run_time() -> None:
    source = (ROOT / "sim" / "report" / "maps.py").read_text()
    assert "urllib" not in source and "http" not in source
    assert json.loads((ROOT / "sim" / "report" / "basemap.json").read_text())["rivers"]


def test_compare_report_maps_where_the_variants_differ(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "c"
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(ROOT / "tests" / "scenarios" / "tiny_border.toml"),
            "--variant",
            "preauthorised",
            "--set",
            "coordination.mutual_assistance.pre_authorized=true",
            "-n",
            "4",
            "-o",
            str(out),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "map_1.png").read_bytes().startswith(b"\x89PNG")
    html = (out / "report.html").read_text()
    assert "Where the variants differ" in html
    assert "coordination.mutual_assistance.pre_authorized = true" in html


def _draft(tmp_path: Path, nations: str, near: str) -> Path:
    from sim.library.draft import draft_scenario

    path = tmp_path / f"{near}.toml"
    path.write_text(draft_scenario(nations, "flood", near), encoding="utf-8")
    return path


PAIRS = [
    ("TH,LA", "chong_mek_vang_tao"),
    ("TH,KH", "khlong_luek_poipet"),
    ("LA,KH", "nong_nok_khiene_trapeang_kriel"),
]
HEARTLAND = {"Thailand": (102.5, 15.0), "Laos": (106.0, 16.5), "Cambodia": (104.5, 12.8)}
"""A point (lon, lat) well inside each nation (as in test_library_places)."""


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[1])
def test_each_nation_is_named_inside_its_own_territory_on_a_cropped_map(
    pair: tuple[str, str], tmp_path: Path
) -> None:
    import numpy as np

    from sim.report.territory import crossings, name_anchors

    scenario = load_scenario(_draft(tmp_path, *pair))
    run = simulate(scenario, seed=1)
    rows = incident_rows(run)
    data = run_map_data(scenario, run, rows)
    south, west, north, east = bounds = maps.view(data)
    anchors = name_anchors(data.shown_nations(bounds), bounds)
    assert len(anchors) == 2
    for name, (lon, lat) in anchors.items():
        assert south < lat < north and west < lon < east
        heart = np.array([HEARTLAND[name]])
        assert int(crossings(np.array([(lon, lat)]), heart)[0, 0]) % 2 == 0, name
    # cropped to what the exercise used: its incidents, not the far end of the library part
    for incident in data.incidents:
        assert south < incident.lat < north and west < incident.lon < east
    assert len(data.shown(bounds)) < len(data.places)
    drawn = maps.run_map(data)
    assert drawn.png.startswith(b"\x89PNG")
    # every crossing on the map is named, even one boxed in by roads
    on_map = {
        name for name, lat, lon in data.crossings if south < lat < north and west < lon < east
    }
    assert on_map and not on_map & set(drawn.unlabelled)
    assert not _labels_touching_markers(drawn)


@settings(max_examples=200)
@given(
    st.tuples(*[st.floats(min_value=-5, max_value=5)] * 4),
    st.floats(min_value=-4, max_value=4),
    st.floats(min_value=-4, max_value=4),
)
def test_a_segment_crosses_a_box_when_a_point_of_it_lies_inside(
    ends: tuple[float, float, float, float], x: float, y: float
) -> None:
    box = (x, y, x + 1.0, y + 0.5)
    a, b = ends[:2], ends[2:]
    samples = [(a[0] + (b[0] - a[0]) * t / 400, a[1] + (b[1] - a[1]) * t / 400) for t in range(401)]
    inside = any(box[0] <= px <= box[2] and box[1] <= py <= box[3] for px, py in samples)
    if inside:  # sampling finds only some crossings: it must never find one that is denied
        assert crosses(box, a, b)
    gap = 0.01  # a segment that stays beside the box, however long, never crosses it
    assert not crosses(box, (x - 5.0, y - gap), (x + 6.0, y - gap))
    assert not crosses(box, (x - 1.0, y + 0.5 + gap + 1.0), (x + 1.0 - gap, y + 0.5 + gap))


def test_labels_keep_off_the_lines_given() -> None:
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.canvas.draw()
    cross = [((0.0, 0.5), (1.0, 0.5)), ((0.5, 0.0), (0.5, 1.0))]
    placed, _ = place_labels(ax, [Label(0.5, 0.5, "Junction town")], lines=cross)
    pixels = [tuple(tuple(ax.transData.transform(p)) for p in line) for line in cross]
    plt.close(fig)
    assert len(placed) == 1
    assert not any(crosses(placed[0].box, *line) for line in pixels)


def test_leader_lines_are_dotted_unlike_the_solid_roads() -> None:
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.canvas.draw()
    crowd = [Label(0.5, 0.5, f"name {k}") for k in range(8)]
    placed, _ = place_labels(ax, crowd)
    leaders = [t.arrow_patch for t in ax.texts if getattr(t, "arrow_patch", None)]
    plt.close(fig)
    assert leaders and len(placed) > 2
    assert all(patch.get_linestyle() not in ("-", "solid") for patch in leaders)


def test_only_a_crossings_name_is_written_across_roads_that_box_it_in() -> None:
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.canvas.draw()
    grid = [((x / 20, 0.0), (x / 20, 1.0)) for x in range(21)]  # roads every few pixels
    name = "A border crossing with a long name"
    placed, left_off = place_labels(
        ax, [Label(0.3, 0.3, name, essential=True), Label(0.7, 0.7, "A village")], lines=grid
    )
    plt.close(fig)
    assert [p.label.text for p in placed] == [name]
    assert [label.text for label in left_off] == ["A village"]


def test_a_places_name_is_written_on_its_own_side_of_a_border() -> None:
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.canvas.draw()
    border = [((0.0, 0.55), (1.0, 0.55))]  # a place just below a border, room only above it
    crowd = [Label(x / 10, 0.5 - dy, "x" * 6, leader=False) for x in range(11) for dy in (0.1, 0.2)]
    place = Label(0.5, 0.5, "A village")
    placed, _ = place_labels(ax, [*crowd, place], borders=border)
    line = ax.transData.transform((0.0, 0.55))[1]
    plt.close(fig)
    mine = [p for p in placed if p.label is place]
    assert not mine or mine[0].box[3] < line  # below the border, or left off and listed


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_place_of_a_shipped_scenario_is_drawn_on_its_own_side(path: Path) -> None:
    import numpy as np

    from sim.report.territory import crossings

    scenario = load_scenario(path)
    nation = {n.code: n.name for n in scenario.nations}
    across = {
        p.id
        for p in scenario.places
        if int(crossings(np.array([(p.lon, p.lat)]), np.array([HEARTLAND[nation[p.nation]]]))[0, 0])
        % 2
    }
    assert across == set()


def test_a_map_writes_a_name_without_its_notes_wherever_they_are() -> None:
    """A crossing's note in the middle of its name goes, not the rest of the name."""
    from sim.report.names import in_script
    from sim.scenario.schema import ScriptNames

    name = "Khlong Luek (Aranyaprathet) - Poipet"
    names = ScriptNames(th="คลองลึก (อรัญประเทศ) - ปอยเปต")
    assert in_script(name, names, "en", notes=False) == "Khlong Luek - Poipet"
    assert in_script(name, names, "th", notes=False) == "คลองลึก - ปอยเปต (Khlong Luek - Poipet)"
    assert in_script(name, names, "lo", notes=False) == "Khlong Luek - Poipet"  # none in Lao

"""The room's screen and what a map or a printed page says: the projector's map drawn to be
read across a room, every map naming the time it shows (and the page saying when a newer one
is being drawn), roads named by their ends, and printed arrangements saying what is off."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from support import as_sent, load_with

from sim.decisions.commands import PROJECTOR
from sim.decisions.exercise import Exercise
from sim.decisions.session import create_session
from sim.play.server import PROJECTOR_ASPECT, PROJECTOR_SCALE, PlayServer, create_app
from sim.play.views import projector_view
from sim.report import maps
from sim.report.labels import GAP_PT


def _named_road(data: dict[str, Any]) -> None:
    data["roads"][2]["id"] = "pakse_track"  # Pakse - Ban Hat, named for injects
    data["injects"].append({"type": "road_closed", "at": "30min", "road": "pakse_track"})


def _server(tmp_path: Path) -> tuple[PlayServer, TestClient]:
    session = create_session(tmp_path / "s.jsonl", "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(load_with("tiny_border.toml", _named_road), session)
    return server, TestClient(create_app(server), follow_redirects=False)


def test_the_projector_map_is_drawn_to_be_read_across_the_room(tmp_path: Path) -> None:
    server, _ = _server(tmp_path)
    server.perform(as_sent({"do": "advance", "to": 120}))
    assert server.map_of(PROJECTOR) is not server.map_of("facilitator")
    page, room = server.map_data(), server.map_data(scale=PROJECTOR_SCALE)
    assert page.title == "Tiny border, as at Mon 23 Jul 10:00"
    assert room.title == "As at Mon 23 Jul 10:00"  # (the scenario's name is on the screen)
    drawn = {name: maps.run_map(data) for name, data in (("page", page), ("room", room))}

    def size(d: maps.Drawn) -> tuple[float, float]:
        heights = [b[3] - b[1] for b in d.label_boxes]
        return statistics.median(heights), max(x for _, _, x, _ in d.label_boxes)

    (page_text, page_wide), (room_text, room_wide) = size(drawn["page"]), size(drawn["room"])
    # about as many pixels, names about PROJECTOR_SCALE times as tall
    assert abs(room_wide / page_wide - 1) < 0.25
    assert room_text / page_text > 0.8 * PROJECTOR_SCALE
    server.close()


def test_a_page_says_when_its_map_shows_an_earlier_time(tmp_path: Path) -> None:
    server, client = _server(tmp_path)
    fac = f"/facilitator/{server.tokens['facilitator']}"

    def behind_note_shown() -> bool:
        found = re.search(
            r'<p class="note map-behind" id="map-behind"( hidden)?>', client.get(fac).text
        )
        assert found
        return found[1] is None

    server.perform(as_sent({"do": "advance", "to": 30}))
    drawer = server.map_of("facilitator")
    drawer.version, drawer.drawn_for = 1, server.revision  # drawn for this revision
    assert not behind_note_shown()
    server.perform(as_sent({"do": "advance", "to": 60}))  # the map in hand is of the time before
    assert behind_note_shown()
    server.close()


def test_the_projector_names_a_road_by_its_ends() -> None:
    ex = Exercise(load_with("tiny_border.toml", _named_road), 0, ["LA", "TH"])
    ex.perform(as_sent({"do": "advance", "to": 40}))
    assert "Road Pakse – Ban Hat closed" in projector_view(ex)["changes"]


def test_a_printed_seat_page_says_which_arrangements_are_not_in_force(tmp_path: Path) -> None:
    server, client = _server(tmp_path)
    page = client.get(f"/seat/LA/{server.tokens['LA']}").text
    rows = page.split('<table class="arrangements">')[1].split("</table>")[0].split("<tr")[2:]
    assert len(rows) == 3
    for row in rows:
        now = row.split("</td>")[2]
        printed = re.sub(r"<form.*?</form>", "", now, flags=re.S)  # forms are not printed
        assert re.sub(r"<[^>]+>", "", printed).strip() == "not in force", now
    server.close()


def _sekong_at_eight(tmp_path: Path) -> maps.MapData:
    """The Sekong exercise's projector map in Lao, twelve hours in (a wide, flat extent)."""
    from sim.scenario.loader import load_scenario

    session = create_session(tmp_path / "s.jsonl", "Sekong", "abc", 0, ["TH", "LA", "KH"])
    server = PlayServer(load_scenario(SCENARIOS / "sekong_flood_2018.toml"), session)
    server.perform(as_sent({"do": "advance", "to": 720}))
    data = server.map_data("lo", PROJECTOR_SCALE)
    server.close()
    return data


SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_the_projector_map_fills_its_panel_legend_inset_key_and_names_apart(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from dataclasses import replace
    from io import BytesIO

    from PIL import Image

    data = _sekong_at_eight(tmp_path)
    south, west, north, east = maps.view(data)
    assert (east - west) / (north - south) > 2  # wide in longitude, narrow in latitude
    crossings: list[tuple[str, Any, Any]] = []
    insets: list[Any] = []
    keys: list[Any] = []
    printed = maps._png

    def measured(fig: Any) -> bytes:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        legend = ax.get_legend()
        entries = [legend, *legend.get_texts()]
        for inset in (a for a in ax.child_axes if a.get_label() == maps.REGION):
            title = inset.title.get_window_extent(renderer)
            insets.append(inset)
            crossings.extend(
                (e.get_label() or e.get_text(), e, title)
                for e in entries
                if e.get_window_extent(renderer).overlaps(title)
            )
        beside = [  # the frame, the legend, the inset and the colour bar
            ax.get_window_extent(renderer),
            legend.get_window_extent(renderer),
            *(a.get_tightbbox(renderer) for a in ax.child_axes),
        ]
        for key in (t for t in ax.texts if t.get_gid() == maps.KEY):
            box = key.get_window_extent(renderer)
            keys.append(box)
            crossings.extend((key.get_text(), a, box) for a in beside if a.overlaps(box))
        return printed(fig)

    monkeypatch.setattr(maps, "_png", measured)
    projector = maps.run_map(data)
    width, height = Image.open(BytesIO(projector.png)).size
    assert 0.97 < width / height / PROJECTOR_ASPECT < 1.03, (width, height)  # no empty sides
    assert projector.key and keys  # the names with no room are named beside the map
    flat = maps.run_map(replace(data, aspect=0.0))  # a page's shape: the legend reaches low
    assert insets and not crossings, crossings
    gap = GAP_PT * maps.DPI * PROJECTOR_SCALE / 72 * 0.99  # names a script's marks apart
    for drawn in (projector, flat):
        boxes = drawn.label_boxes
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = (
                    a[2] + gap <= b[0]
                    or b[2] + gap <= a[0]
                    or a[3] + gap <= b[1]
                    or b[3] + gap <= a[1]
                )
                assert apart, (a, b)


def _crowded_villages() -> list[maps.Place]:
    """Sixteen Thai villages in a tight grid: too crowded to name them all on the map."""
    return [
        maps.Place(
            f"บ้านหนองบัว {i} (Ban Nong Bua {i})",
            "village",
            15.1 + 0.012 * (i % 4),
            105.6 + 0.012 * (i // 4),
        )
        for i in range(16)
    ]


def test_every_place_the_projector_map_marks_is_named_in_a_key_beside_it() -> None:
    """A crowded projector map (its names large, read across the room) writes a name with
    no room as a number and names it in a key beside the map, where the screen has room:
    every place it marks is named, and the map keeps to the panel's shape."""
    from io import BytesIO

    from PIL import Image

    villages = _crowded_villages()
    town = maps.Place("ปากเซ (Pakse)", "town", 15.12, 105.78, "LA", eoc=True)
    data = maps.MapData(
        "As at Mon 23 Jul 10:00",
        places=[*villages, town],
        aspect=PROJECTOR_ASPECT,
        scale=PROJECTOR_SCALE,
        lang="th",
    )
    drawn = maps.run_map(data)
    assert not drawn.unlabelled
    numbers = [int(entry.split()[0]) for entry in drawn.key]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3
    in_key = {" ".join(entry.split()[1:]) for entry in drawn.key}
    written = {" ".join(label.text.split()) for label in drawn.labelled}
    marked = {p.name for p in data.shown(maps.view(data))}  # the same in every language
    assert len(drawn.markers) == len(marked)  # (the map marks these, and no other)
    assert marked <= written | in_key, marked - written - in_key
    assert in_key <= marked  # (the key names places of the map, nothing else)
    width, height = Image.open(BytesIO(drawn.png)).size
    assert 0.97 < width / height / PROJECTOR_ASPECT < 1.03, (width, height)  # no empty sides


def test_a_number_written_for_a_name_is_ringed_apart_from_the_next(monkeypatch: Any) -> None:
    """Two numbers side by side with a leader line between them read as a range ("3-6"):
    each number written for a name is ringed, and no two rings touch."""
    from matplotlib.patches import BoxStyle

    rings: list[Any] = []
    printed = maps._png

    def measured(fig: Any) -> bytes:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for text in fig.axes[0].texts:
            if text.get_text().isdigit() and text.get_gid() != maps.KEY:
                patch = text.get_bbox_patch()
                assert isinstance(patch.get_boxstyle(), BoxStyle.Circle), text.get_text()
                assert patch.get_edgecolor()[3] > 0  # a visible ring
                ring, digits = patch.get_window_extent(renderer), text.get_window_extent(renderer)
                assert ring.contains((digits.x0 + digits.x1) / 2, (digits.y0 + digits.y1) / 2)
                rings.append(ring)
        return printed(fig)

    monkeypatch.setattr(maps, "_png", measured)
    villages = _crowded_villages()
    data = maps.MapData(
        "As at Mon 23 Jul 10:00",
        places=villages,
        aspect=PROJECTOR_ASPECT,
        scale=PROJECTOR_SCALE,
        lang="th",
    )
    drawn = maps.run_map(data)
    assert len(rings) == len(drawn.key) >= 3
    for i, a in enumerate(rings):
        for b in rings[i + 1 :]:
            assert not a.overlaps(b), (a, b)

"""The room's screen and what a map or a printed page says: the projector's map drawn to be
read across a room, every map naming the time it shows (and the page saying when a newer one
is being drawn), roads named by their ends, and printed arrangements saying what is off."""

from __future__ import annotations

import itertools
import re
import statistics
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from support import as_sent, load_with

from sim.decisions.commands import PROJECTOR
from sim.decisions.exercise import Exercise
from sim.decisions.session import create_session
from sim.i18n import TRANSLATED
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


SCREENS = {1280: (791, 598), 1920: (1218, 932)}
"""The projector's map panel (its content box, in pixels) on a 1280x720 and a 1920x1080
screen, as Chromium lays the page out (``test_play_browser`` checks it)."""
LEGIBLE = {1280: 9.6, 1920: 15.0}
"""The smallest a name may be on the projector's map (pixels of type), on each screen: the
names of the Sekong scenario's map, read from the back of a room."""


@pytest.fixture(scope="module")
def poipet(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A fresh draft of ``borderdrill new`` for a stretch of the Thai-Cambodian border: its
    places' names, in each script, are long words without spaces."""
    from sim.library.draft import draft_scenario
    from sim.scenario.loader import load_scenario

    path = tmp_path_factory.mktemp("draft") / "poipet.toml"
    path.write_text(draft_scenario("TH,KH", "flood", "poipet"), encoding="utf-8")
    return load_scenario(path)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_drafted_stretchs_projector_key_is_read_across_the_room(
    poipet: Any, lang: str, tmp_path: Path, monkeypatch: Any
) -> None:
    """The names in the key beside the projector's map of a draft of another stretch of
    border (long names, in the reader's script) are drawn at least as large as the Sekong
    scenario's names on a 1280x720 and a 1920x1080 screen, a line of an entry breaks only
    between words (before a word for a kind of place or of an office, where a script writes
    no space), and the key crosses neither the map, the legend, the colour bar nor the
    inset."""
    from io import BytesIO

    from PIL import Image

    from sim.report.marking import PLACE_KINDS

    session = create_session(tmp_path / "s.jsonl", "Poipet", "abc", 0, ["TH", "KH"])
    server = PlayServer(poipet, session)
    server.perform(as_sent({"do": "advance", "to": 540}))
    data = server.map_data(lang, PROJECTOR_SCALE)
    server.close()
    found: dict[str, Any] = {}
    printed = maps._png

    def measured(fig: Any) -> bytes:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        keys = [t for t in ax.texts if t.get_gid() == maps.KEY]
        found["sizes"] = [t.get_fontsize() for t in keys]
        found["dpi"] = fig.dpi
        beside = [
            ax.get_window_extent(renderer),
            ax.get_legend().get_window_extent(renderer),
            *(a.get_tightbbox(renderer) for a in ax.child_axes),
        ]
        boxes = [k.get_window_extent(renderer) for k in keys]
        found["crossed"] = [(i, b) for i, k in enumerate(boxes) for b in beside if b.overlaps(k)]
        found["columns"] = [(i, j) for i, j in itertools.combinations(boxes, 2) if i.overlaps(j)]
        return printed(fig)

    monkeypatch.setattr(maps, "_png", measured)
    drawn = maps.run_map(data)
    width, height = Image.open(BytesIO(drawn.png)).size
    assert drawn.key and found["sizes"] and not drawn.unlabelled
    assert found["crossed"] == [] and found["columns"] == []
    for screen, (panel_width, panel_height) in SCREENS.items():
        shown = min(panel_width / width, panel_height / height)
        pixels = min(found["sizes"]) / 72 * found["dpi"] * shown
        assert pixels >= LEGIBLE[screen], (screen, pixels)
    starts = [
        word for words in (PLACE_KINDS, maps.NAME_WORDS) for w in words.values() for word in w
    ]
    written = {maps._unwrapped(label) for label in drawn.labelled}  # as they are
    for entry in drawn.key:
        number, first = entry.split("\n")[0].split(maxsplit=1)
        parts = [first, *(line.strip() for line in entry.split("\n")[1:])]
        glued = "".join(parts).replace(" ", "")
        (name,) = [n for n in written if n.replace(" ", "") == glued]  # the whole name
        at = 0
        for part, after in itertools.pairwise(parts):
            at = name.index(part, at) + len(part)
            if name[at] != " ":  # a line ends inside a run of letters: before a word
                assert any(after.startswith(w) for w in starts), (part, after)
        assert number.isdigit()


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (  # before a word for a kind of place, and between an office's words
            "คณะกรรมการจัดการภัยพิบัติจังหวัดบันเตียเมียนเจย (Banteay Meanchey)",
            ["คณะกรรมการจัดการภัยพิบัติ", "จังหวัดบันเตียเมียนเจย", "(Banteay Meanchey)"],
        ),
        (
            "ຄະນະກຳມະການຄຸ້ມຄອງໄພພິບັດແຂວງບັນເຕຍມີໄຊ",
            ["ຄະນະກຳມະການຄຸ້ມຄອງໄພພິບັດ", "ແຂວງບັນເຕຍມີໄຊ"],
        ),
        (
            "គណៈកម្មាធិការគ្រប់គ្រងគ្រោះមហន្តរាយខេត្តបន្ទាយមានជ័យ",
            ["គណៈកម្មាធិការគ្រប់គ្រង", "គ្រោះមហន្តរាយ", "ខេត្តបន្ទាយមានជ័យ"],
        ),
        ("ตัวเมืองปทุมพร (Pathoumphone district centre)", None),  # "ตัวเมือง" kept whole
    ],
)
def test_a_long_name_in_a_script_breaks_between_words_only(
    name: str, lines: list[str] | None
) -> None:
    """A name in Thai, Lao or Khmer script, written without spaces, breaks on a map or in
    its key before a word for a kind of place or of an office only, and is read back whole
    for the key."""
    filled = maps._fill(name, 24).split("\n")
    if lines is not None:
        assert filled == lines
    assert maps._unwrapped(maps._named(0, 0, name)) == name
    assert not maps._fill(name, 3).startswith("ตัว\n")  # the shortest line: still whole

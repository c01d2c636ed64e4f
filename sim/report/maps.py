"""Maps of the region from plain data: borders, rivers, places, roads, incidents, hazards.

Nothing here knows about scenarios or logs: callers pass ``MapData`` (names, points,
lines and values), so the report and the exercise's play mode draw the same map. The
base geometry (borders, coast, main rivers) ships with the package in ``basemap.json``;
nothing is downloaded. Labels are placed so they never overlap (``sim.report.labels``); a
name with no room is written as a number and named in a key, below the map or, on a
screen's panel (the projector's), beside it: every place the map marks is named.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim.i18n import N_, Translator, translator
from sim.report.fonts import use_script_fonts
from sim.report.labels import Label, Placed, Segment, place_labels
from sim.report.marking import PLACE_KINDS
from sim.report.names import in_script
from sim.report.territory import basemap, name_anchors, river_names

use_script_fonts()

KIND_STYLE = {
    "town": ("s", 6.0, "#37474f"),
    "village": ("o", 4.0, "#546e7a"),
    "base": ("^", 6.0, "#1565c0"),
    "airfield": ("D", 5.0, "#1565c0"),
    "hospital": ("P", 6.0, "#00897b"),
    "shelter": ("h", 6.0, "#6a1b9a"),
    "border_post": ("|", 8.0, "#000000"),
    "eoc": ("*", 10.0, "#f9a825"),
}
"""Marker, size and colour of each kind of place."""
NATION_COLOURS = {"TH": "#1565c0", "LA": "#c62828", "KH": "#2e7d32"}
MARGIN_DEG = 0.15
MIN_SPAN_DEG = 0.8
NAME_WIDTH = 24
"""Characters a line of a place's name on the map (longer names wrap, never cut)."""
FOCUS = N_("incidents, units that moved, crossings used, EOCs")
"""What a cropped map shows, as its note says."""


@dataclass(frozen=True)
class Place:
    """A named point: its kind decides the marker; ``eoc`` marks an EOC there."""

    name: str
    kind: str
    lat: float
    lon: float
    nation: str = ""
    eoc: bool = False
    flooded: str = ""
    """When it flooded (a clock time), or "" if it did not."""


@dataclass(frozen=True)
class Road:
    """A road between two points; ``closed`` says when it was closed ("" if never)."""

    start: tuple[float, float]
    end: tuple[float, float]
    closed: str = ""


@dataclass(frozen=True)
class Incident:
    """An incident at a point: its response time in minutes, or None when no unit came."""

    lat: float
    lon: float
    response_min: float | None
    ended: bool = False
    """No unit came, but the need ended on its own (a fire burnt out)."""


@dataclass(frozen=True)
class Fire:
    """The cells a fire reached on a grid over ``bounds`` (south, west, north, east)."""

    bounds: tuple[float, float, float, float]
    burnt: list[list[float]]
    mined: list[list[float]] = field(default_factory=list)
    mined_names: list[tuple[str, float, float]] = field(default_factory=list)
    """Each mined area's name with its middle (lat, lon): written in the area."""


@dataclass(frozen=True)
class Change:
    """A value at a point for a difference map (e.g. minutes sooner or later)."""

    name: str
    lat: float
    lon: float
    value: float


@dataclass(frozen=True)
class Units:
    """A seat's units at one place: how many, where those on the move are heading, and
    why any of them cannot move ("" when all can)."""

    lat: float
    lon: float
    count: int
    nation: str = ""
    heading: tuple[tuple[float, float], ...] = ()
    """The points (lat, lon) its moving units are heading for."""
    stuck: str = ""
    """Why a unit here has no route (its name and the reason), to write beside it."""


@dataclass
class MapData:
    """Everything a run map shows, as plain values (lat, lon in degrees)."""

    title: str
    places: list[Place] = field(default_factory=list)
    roads: list[Road] = field(default_factory=list)
    crossings: list[tuple[str, float, float]] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    fire: Fire | None = None
    changes: list[Change] = field(default_factory=list)
    changes_label: str = ""
    nations: list[tuple[str, float, float]] = field(default_factory=list)
    """Each nation's name with each of its places (name, lat, lon): the name is written
    inside the nation's own territory, on the side of the drawn border its places are."""
    focus: list[tuple[float, float]] = field(default_factory=list)
    """The points (lat, lon) the exercise used: the map is cropped to them with a margin
    and an inset shows where they are in the region; empty: every place is shown."""
    units: list[Units] = field(default_factory=list)
    """A seat's own units, by place (the seat's map in play)."""
    live: bool = False
    """Drawn during play: an incident no unit has reached yet may still be reached."""
    shows: str = ""
    """The time it shows, as the room reads it (during play)."""
    scale: float = 1.0
    """How much larger its type and markers are drawn against the map (the projector's,
    read from the back of a room): the same pixels, the map's inches shrunk."""
    aspect: float = 0.0
    """The printed map's width over its height when it must fill a screen's panel (the
    projector's): the crop is widened around its middle to fit, and marks the places of
    the crop (``view``) only, the same in every language; 0: the crop's own shape."""
    lang: str = "en"
    """The reader's language (``sim.i18n``): the legend, the axes and the notes are in it;
    the names are given in it."""

    def shown(self, bounds: tuple[float, float, float, float]) -> list[Place]:
        """The places inside ``bounds`` (south, west, north, east)."""
        south, west, north, east = bounds
        return [p for p in self.places if south <= p.lat <= north and west <= p.lon <= east]

    def shown_nations(
        self, bounds: tuple[float, float, float, float]
    ) -> list[tuple[str, float, float]]:
        """The rows of ``nations`` inside ``bounds``."""
        south, west, north, east = bounds
        return [n for n in self.nations if south <= n[1] <= north and west <= n[2] <= east]


def view(data: MapData) -> tuple[float, float, float, float]:
    """The south, west, north, east of what the map shows, with a margin: what the
    exercise used (``data.focus``), else every place."""
    points = data.focus or [(p.lat, p.lon) for p in data.places]
    lats = [lat for lat, _ in points] + [c.lat for c in data.changes]
    lons = [lon for _, lon in points] + [c.lon for c in data.changes]
    if data.fire is not None:
        s, w, n, e = data.fire.bounds
        lats += [s, n]
        lons += [w, e]
    if not lats:
        region = basemap()["region"]
        return region["south"], region["west"], region["north"], region["east"]
    south, north = _widen(min(lats) - MARGIN_DEG, max(lats) + MARGIN_DEG)
    west, east = _widen(min(lons) - MARGIN_DEG, max(lons) + MARGIN_DEG)
    return south, west, north, east


def _widen(low: float, high: float) -> tuple[float, float]:
    """A span of at least ``MIN_SPAN_DEG`` around the same middle (a map of one place)."""
    if high - low >= MIN_SPAN_DEG:
        return low, high
    middle = (low + high) / 2
    return middle - MIN_SPAN_DEG / 2, middle + MIN_SPAN_DEG / 2


def _base(ax: Any, bounds: tuple[float, float, float, float], lang: str) -> list[Label]:
    """Draw the coast, borders and rivers; returns the labels of the named rivers, in the
    reader's script with the romanised name beside."""
    south, west, north, east = bounds
    geometry = basemap()
    ax.set_facecolor("#fbfbf8")
    ax.add_collection(
        LineCollection(
            [line["lonlat"] for line in geometry["coast"]],
            colors="#78909c",
            linewidths=0.7,
            zorder=1,
        )
    )
    rivers = geometry["rivers"]
    for named, colour, width in ((False, "#bbdefb", 0.6), (True, "#64b5f6", 1.4)):
        ax.add_collection(
            LineCollection(
                [r["lonlat"] for r in rivers if bool(r.get("name")) == named],
                colors=colour,
                linewidths=width,
                zorder=1,
            )
        )
    labels: dict[str, Label] = {}
    for line in rivers:
        xy = np.array(line["lonlat"])
        named = bool(line.get("name"))
        if named and line["name"] not in labels:
            inside = xy[
                (xy[:, 0] > west) & (xy[:, 0] < east) & (xy[:, 1] > south) & (xy[:, 1] < north)
            ]
            if len(inside):
                x, y = inside[len(inside) // 2]
                name = in_script(line["name"], river_names().get(line["name"]), lang)
                labels[line["name"]] = Label(
                    float(x), float(y), name, colour="#1e88e5", size=7, weight="normal"
                )
    ax.add_collection(
        LineCollection(
            [line["lonlat"] for line in geometry["borders"]],
            colors="#424242",
            linewidths=1.1,
            linestyles="-.",
            zorder=2,
        )
    )
    return list(labels.values())


def _frame(
    ax: Any, bounds: tuple[float, float, float, float], t: Translator, degrees: bool = True
) -> None:
    """The frame's extent in true proportions, with its degrees of longitude and latitude
    (``degrees``; a room's screen, read for its places, leaves them off for their room)."""
    south, west, north, east = bounds
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))  # true proportions
    if not degrees:
        ax.tick_params(length=0, labelleft=False, labelbottom=False)
        return
    ax.tick_params(labelsize=7)
    ax.set_xlabel(t("longitude (°E)"), fontsize=8)
    ax.set_ylabel(t("latitude (°N)"), fontsize=8)


DPI = 120
"""The maps' resolution, drawn and saved alike: labels are measured as they are printed."""


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


@dataclass
class Drawn:
    """A drawn map: the PNG, and the names there was no room to write on it."""

    png: bytes
    unlabelled: list[str]
    """The names with no room even for a number."""
    label_boxes: list[tuple[float, float, float, float]]
    """Where the names went, in the printed map's pixels (``DPI``)."""
    road_lines: list[Segment] = field(default_factory=list)
    """The roads drawn, in the same display pixels as ``label_boxes``."""
    markers: list[tuple[float, float]] = field(default_factory=list)
    """The places and incidents drawn, in the same pixels."""
    labelled: list[Label] = field(default_factory=list)
    """The names written on the map, in full or as a number."""
    key: list[str] = field(default_factory=list)
    """The key below the map (beside it on a panel's map): each number written for lack of
    room, with its name."""
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """The south, west, north and east of what the map shows (a panel's map marks the
    places of ``view`` only)."""


KEY_WIDTH = 62
"""Characters a line of the key below the map holds (two columns within the map's width)."""
KEY_BESIDE_WIDTH = 30
"""Characters a line of the key beside a panel's map holds (a column the frame's height)."""
KEY_SIZE = 7.0
"""The size of a key's type below the map (points)."""
KEY_BESIDE_SIZES: tuple[float, ...] = (10.0, 9.0, 8.0, KEY_SIZE)
"""The sizes of type a key beside a panel's map may be written in (points), the largest
first: the largest that makes the figure at most ``KEY_ROOM`` wider than the smallest does
(a short key, or one whose names break into short lines, is written larger)."""
KEY_ROOM = 0.03
"""How much wider a key in larger type may make the figure (a share of its width): the
rest of the map is drawn that much smaller on the screen."""
KEY = "key"
"""The id of a key's columns in the figure."""
KEY_GAP_PT = 12.0
"""The room between the key beside the map and what it stands beside (points)."""


def _write_names(
    ax: Any,
    labels: list[Label],
    keep_clear: list[tuple[float, float]],
    lines: list[Segment],
    borders: list[Segment],
    beside: bool = False,
    under_legend: bool = True,
    sizes: tuple[float, ...] = KEY_BESIDE_SIZES,
) -> tuple[list[Placed], list[str], list[str], float, float]:
    """Write the names without overlaps; a name with no room is written as a number and
    listed with its name in a key below everything else of the figure (``beside``: beside
    it in one of ``sizes`` of type, see ``_key_beside``). Returns the names placed, the
    key's entries, the names left off (no room even for a number), the width the key adds
    beside the figure (inches) and the size of its type (points)."""
    placed, left_off = place_labels(
        ax, labels, keep_clear=keep_clear, lines=lines, borders=borders, numbered=True
    )
    entries = [
        (p.number, _unwrapped(p.label)) for p in sorted(placed, key=lambda p: p.number) if p.number
    ]
    names = [lb.text for lb in left_off]
    if not entries:
        return placed, [], names, 0.0, sizes[0]
    if beside:
        key, width, size = _key_beside(ax, entries, under_legend, sizes)
        return placed, key, names, width, size
    return placed, _key(ax, entries), names, 0.0, KEY_SIZE


def _entry(number: int, name: str, width: int) -> str:
    """A key's entry: the number, then the name on lines of at most ``width`` characters,
    broken between words, the lines after the first indented."""
    return _fill(name, width, f"{number}  ", "    ")


NAME_WORDS = {
    "th": (
        *("คณะกรรมการ", "สำนักงาน", "จัดการ", "ภัยพิบัติ", "ป้องกัน", "บรรเทา", "สาธารณภัย"),
        *("แห่งชาติ", "ส่งต่อ"),
    ),
    "lo": ("ຄະນະກຳມະການ", "ຫ້ອງການ", "ຄຸ້ມຄອງ", "ໄພພິບັດ", "ປ້ອງກັນ", "ບັນເທົາ", "ແຫ່ງຊາດ", "ສົ່ງຕໍ່"),
    "km": (
        *("គណៈកម្មាធិការ", "ការិយាល័យ", "គ្រប់គ្រង", "គ្រោះមហន្តរាយ", "បង្ការ", "កាត់បន្ថយ"),
        "បង្អែក",
    ),
}
"""Words of the disaster agencies' offices and of the hospitals written without a space
before the next ("คณะกรรมการจัดการภัยพิบัติ", "committee for disaster management"): a line of
a name may begin with one, as with a word for a kind of place (``PLACE_KINDS``)."""
_PREPOSED = "\u0e40-\u0e44\u0ec0-\u0ec4"
"""Thai and Lao vowels written before the consonant they follow in speech."""


def _width(text: str) -> int:
    """The characters of a text that take room on a line (not the marks above and below
    a letter of Thai, Lao or Khmer, nor Khmer's sign for a letter written below)."""
    return sum(1 for c in text if unicodedata.category(c) != "Mn" and c != "\u17d2")


def _pieces(name: str) -> list[tuple[str, bool]]:
    """A name's pieces a line may end after, each with whether a space comes before it: its
    words, and a word in Thai, Lao or Khmer script (written without spaces) broken before
    each word for a kind of place or of an agency's name in it ("คณะกรรมการ", "จัดการ",
    "ภัยพิบัติ", "จังหวัดบันเตียเมียนเจย"): a line breaks between words, never inside one."""
    pieces: list[tuple[str, bool]] = []
    for n, word in enumerate(name.split()):
        kinds = [
            k
            for words in (PLACE_KINDS, NAME_WORDS)
            for w in words.values()
            for k in w
            if k[0] in word
        ]
        start, i = 0, 0
        while i < len(word):
            kind = max((k for k in kinds if word.startswith(k, i)), key=len, default="")
            if (
                kind
                and _width(word[start:i]) >= 2
                and not re.match(f"[{_PREPOSED}\u17d2]", word[i - 1])
                and not unicodedata.category(word[i]).startswith("M")
                and not (
                    i + len(kind) < len(word)
                    and unicodedata.category(word[i + len(kind)]).startswith("M")
                )
            ):
                pieces.append((word[start:i], bool(n) and start == 0))
                start = i
            i += len(kind) or 1
        pieces.append((word[start:], bool(n) and start == 0))
    return pieces


def _fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """A text on lines of at most ``width`` characters that take room (``_width``), broken
    between words (``_pieces``), the first line after ``first`` and the others after
    ``rest``; a word longer than a line is written whole on a line of its own."""
    lines: list[str] = []
    line, empty = first, True
    for piece, spaced in _pieces(text):
        longer = line + (" " if spaced and not empty else "") + piece
        if not empty and _width(longer) > width:
            lines.append(line)
            line, empty = rest + piece, False
        else:
            line, empty = longer, False
    return "\n".join([*lines, line])


def _key(ax: Any, entries: list[tuple[int, str]]) -> list[str]:
    """Write ``entries`` in two columns below everything else of the figure, each column
    within half the map's width (lines wrapped narrower until they fit); returns them as
    written."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    bottom = fig.get_tightbbox(renderer).y0 * fig.dpi  # inches to pixels
    frame = ax.get_window_extent(renderer)
    below = (bottom - frame.y0) * 72 / fig.dpi  # points
    width = KEY_WIDTH
    while True:
        key = [_entry(number, name, width) for number, name in entries]
        half = (len(key) + 1) // 2
        columns = [  # in points from the frame, as the crop note: any scale
            _key_column(ax, lines, (column / 2, 0.0), (0, below - 6))
            for column, lines in enumerate((key[:half], key[half:]))
        ]
        widest = max(c.get_window_extent(renderer).width for c in columns)
        room = frame.width / 2 - 8 * fig.dpi / 72
        if widest <= room or width <= KEY_WIDTH // 3:
            return key
        for c in columns:
            c.remove()
        width = max(KEY_WIDTH // 3, int(width * room / widest))


def _key_column(
    ax: Any,
    lines: list[str],
    corner: tuple[float, float],
    offset: tuple[float, float],
    size: float = KEY_SIZE,
) -> Any:
    """A column of a key's entries, its top ``offset`` points from ``corner`` of the frame
    (axes fraction): in points, so at any scale."""
    return ax.annotate(
        "\n".join(lines),
        corner,
        xycoords="axes fraction",
        xytext=offset,
        textcoords="offset points",
        fontsize=size,
        color="#212121",
        va="top",
        annotation_clip=False,
        gid=KEY,
    )


def _key_beside(
    ax: Any,
    entries: list[tuple[int, str]],
    under_legend: bool = True,
    sizes: tuple[float, ...] = KEY_BESIDE_SIZES,
) -> tuple[list[str], float, float]:
    """Write ``entries`` beside the map (a panel's map has no room below it): in the
    legend's column between the legend and the inset (``under_legend``), then in columns
    beside everything else of the figure from the frame's top, none reaching below the
    frame; in the largest type of ``sizes`` that makes the figure at most ``KEY_ROOM``
    wider than the smallest does. Returns them as written, the width they add to the
    figure (inches) and the size of their type (points)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    right = fig.get_tightbbox(renderer).x1 * fig.dpi  # inches to pixels
    frame = ax.get_window_extent(renderer)
    to_pt = 72 / fig.dpi
    gap = KEY_GAP_PT / to_pt
    legend = ax.get_legend().get_window_extent(renderer)
    regions = [a for a in ax.child_axes if a.get_label() == REGION]
    floor = max((a.get_tightbbox(renderer).y1 for a in regions), default=frame.y0 - gap) + gap

    def column(lines: list[str], x: float, y: float, size: float) -> Any:
        return _key_column(ax, lines, (1.0, 1.0), (x, y), size)  # from the frame's top right

    def written_in(size: float) -> tuple[list[str], list[Any], float]:
        """The key in type of ``size`` points: its entries, its columns and the width it
        adds to the figure (inches)."""
        width = round(KEY_BESIDE_WIDTH * KEY_SIZE / size)  # a line as wide in any type
        key = [_entry(number, name, width) for number, name in entries]
        x, y = (
            ((legend.x0 - frame.x1) * to_pt, (legend.y0 - frame.y1) * to_pt - KEY_GAP_PT)
            if under_legend
            else ((right - frame.x1) * to_pt + KEY_GAP_PT, 0.0)
        )
        done: list[Any] = []
        lines: list[str] = []
        written = column(lines, x, y, size)
        for entry in key:
            longer = column([*lines, entry], x, y, size)
            bottom = floor if y < 0 else frame.y0  # under the legend: above the inset
            if longer.get_window_extent(renderer).y0 < bottom and (lines or y < 0):
                longer.remove()  # no room below the frame: a column of its own, from the top
                x = (max(right, written.get_window_extent(renderer).x1) - frame.x1) * to_pt
                if lines:
                    done.append(written)  # the column is full
                else:
                    written.remove()
                x, y, lines = x + KEY_GAP_PT, 0.0, []
                written = column(lines, x, y, size)
                longer = column([entry], x, y, size)
            written.remove()
            written, lines = longer, [*lines, entry]
        done.append(written)
        end = max(c.get_window_extent(renderer).x1 for c in done)
        return key, done, max(0.0, float(end - right) / fig.dpi)

    smallest = written_in(sizes[-1])
    room = smallest[2] + KEY_ROOM * (right / fig.dpi + smallest[2])
    for size in sizes[:-1]:
        key, columns, added = written_in(size)
        if added <= room:
            for c in smallest[1]:
                c.remove()
            return key, added, size
        for c in columns:
            c.remove()
    return smallest[0], smallest[2], sizes[-1]


def _fire(ax: Any, fire: Fire) -> None:
    south, west, north, east = fire.bounds
    burnt = np.array(fire.burnt, dtype=float)
    if burnt.size:
        ax.imshow(
            np.where(burnt > 0, 1.0, np.nan),
            origin="lower",
            cmap="autumn",
            extent=(west, east, south, north),
            alpha=0.55,
            zorder=2,
            interpolation="nearest",
        )
    mined = np.array(fire.mined, dtype=float)
    if mined.size and mined.any() and min(mined.shape) >= 2:
        ax.contourf(
            np.linspace(west, east, mined.shape[1]),
            np.linspace(south, north, mined.shape[0]),
            mined,
            levels=[0.5, 1.5],
            hatches=["////"],
            colors="none",
            zorder=2,
        )


def _incidents(
    ax: Any, fig: Any, incidents: list[Incident], t: Translator
) -> list[tuple[float, float]]:
    """Incidents coloured by response time; several at a place spread on a small ring."""
    at: dict[tuple[float, float], list[Incident]] = {}
    for incident in incidents:
        at.setdefault((incident.lat, incident.lon), []).append(incident)
    reached = [i.response_min / 60 for i in incidents if i.response_min is not None]
    norm = Normalize(vmin=0, vmax=max(reached, default=1.0) or 1.0)
    points: list[tuple[float, float]] = []
    for (lat, lon), group in at.items():
        for k, incident in enumerate(group):
            angle = 2 * math.pi * k / len(group)
            radius = 0.018 if len(group) > 1 else 0.0
            x, y = lon + radius * math.cos(angle), lat + radius * math.sin(angle)
            points.append((x, y))
            if incident.response_min is not None:
                ax.scatter(
                    x,
                    y,
                    c=[incident.response_min / 60],
                    cmap="plasma_r",
                    norm=norm,
                    s=46,
                    edgecolors="black",
                    linewidths=0.5,
                    zorder=5,
                )
            elif incident.ended:
                ax.scatter(x, y, s=46, facecolors="none", edgecolors="#757575", zorder=5)
            else:
                ax.scatter(x, y, s=60, marker="X", color="#d50000", edgecolors="black", zorder=5)
    if reached:
        mappable = plt.cm.ScalarMappable(norm=norm, cmap="plasma_r")
        fig.subplots_adjust(right=FRAME_RIGHT)
        bar = fig.colorbar(mappable, cax=ax.inset_axes(COLOUR_BAR, label=BAR))
        bar.set_label(t("response time (hours)"), fontsize=8)
        bar.ax.tick_params(labelsize=7)
    return points


def _beside_frame(ax: Any) -> float:
    """Where the legend's column begins (axes fraction): past the colour bar, its ticks
    and its label (measured: a label in a script may reach past the frame's share kept for
    it on a narrow frame), or just past the frame when there is none (no room left empty
    beside it)."""
    bars = [a for a in ax.child_axes if a.get_label() == BAR]
    if not bars:
        return 1.04
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    right = max(b.get_tightbbox(renderer).x1 for b in bars) + BAR_GAP_PT * ax.figure.dpi / 72
    return max(1.18, float((right - frame.x0) / frame.width))


BAR = "colour bar"
"""The label of the response times' colour bar."""
BAR_GAP_PT = 6.0
"""The room between the colour bar's label and the legend's column beside it (points)."""


COLOUR_BAR = (1.03, 0.225, 0.035, 0.55)
"""Where the response times' colour bar goes beside the frame (axes fraction): it keeps
to the frame's height however tall the figure it is drawn in."""
FRAME_RIGHT = 0.77
"""The frame's right edge (figure fraction) when the colour bar stands beside it: the room
a colour bar of matplotlib's own takes from the frame."""


def run_map(data: MapData) -> Drawn:
    """The map of one run: places by kind, roads (closed ones marked with when),
    crossings, EOCs and bases, incidents by response time, flooding or the fire. A name
    with no room is written as a number and named in a key: below the map, or beside it
    on a panel's map (``data.aspect``), whose crop is fitted with the key's width."""
    beside = bool(data.aspect)
    roads = _road_lines(data)
    bounds, key_width, under_legend, sizes = view(data), 0.0, True, KEY_BESIDE_SIZES
    for attempt in range(KEY_FITS):
        if beside:
            bounds, (fig, ax, ordered, markers), shape = _filling(data, bounds, key_width)
        else:
            fig, ax, ordered, markers = _drawing(data, bounds)
        placed, key, left_off, width, size = _write_names(
            ax, ordered, markers, roads, _border_lines(bounds), beside, under_legend, sizes
        )
        if not under_legend:  # the next fit's key no larger: they settle
            sizes = tuple(s for s in sizes if s <= size)
        fitted = abs(width - key_width) <= 0.02 * max(width, key_width)
        if not beside or fitted or attempt == KEY_FITS - 1:
            break  # the key is in the room kept for it (or the last fit is printed)
        plt.close(fig)
        # a key the room between the legend and the inset does not hold goes in columns of
        # its own, the crop fitted with their width (a frame grown taller to hold it there
        # would leave the panel's sides empty)
        under_legend, key_width = False, width
        bounds = _reshaped(bounds, shape, data.aspect, key_width)
    to_px = ax.transData.transform
    return Drawn(
        _png(fig),
        left_off,
        [p.box for p in placed],
        _in_pixels(ax, roads),
        [(float(x), float(y)) for x, y in (to_px(m) for m in markers)],
        [p.label for p in placed],
        key,
        bounds,
    )


KEY_FITS = 3
"""How many times a panel's map is fitted to the width of its key at most (each fit may
number other names); the last is printed, its key wider than kept for it if it must be."""

Drawing = tuple[Any, Any, list[Label], list[tuple[float, float]]]
"""A map drawn but for its names (``_drawing``)."""
Shape = tuple[float, float, float, float]
"""A drawn map's width and height as printed, the height of its frame with the title and
notes above and below it, and its frame's height (inches)."""
FITS = 4
"""How many drawings a fit to a panel's shape takes at most."""


def _filling(
    data: MapData, bounds: tuple[float, float, float, float], beside: float = 0.0
) -> tuple[tuple[float, float, float, float], Drawing, Shape]:
    """``bounds`` widened in latitude or longitude around their middle until the printed
    map (legend, colour bar and notes included, and ``beside`` inches more for its key) is
    ``data.aspect`` times as wide as tall; the map drawn within them, and its shape."""
    for attempt in range(FITS):
        drawing = _drawing(data, bounds)
        shape = _shape(drawing[0], drawing[1])
        refitted = _reshaped(bounds, shape, data.aspect, beside)
        if refitted == bounds or attempt == FITS - 1:
            return bounds, drawing, shape
        plt.close(drawing[0])
        bounds = refitted
    raise AssertionError("the last attempt returns")


def _shape(fig: Any, ax: Any) -> Shape:
    """How large a drawn map is printed, without its inset (it hangs below the legend:
    it follows the frame), how tall its frame is with the notes above and below it (the
    legend beside it may reach lower), and how tall the frame is (inches)."""
    renderer = fig.canvas.get_renderer()
    beside = [*(a for a in ax.child_axes if a.get_label() == REGION), ax.get_legend()]
    for artist in beside[:-1]:
        artist.set_visible(False)
    whole = fig.get_tightbbox(renderer)  # inches, as printed
    beside[-1].set_visible(False)
    framed = fig.get_tightbbox(renderer)
    for artist in beside:
        artist.set_visible(True)
    frame = ax.get_window_extent(renderer).height / fig.dpi
    return whole.width, whole.height, framed.height, frame


def _reshaped(
    bounds: tuple[float, float, float, float], shape: Shape, aspect: float, beside: float
) -> tuple[float, float, float, float]:
    """``bounds`` widened in latitude or longitude around their middle so that a map of
    ``shape`` with ``beside`` inches more is ``aspect`` times as wide as tall (the frame
    keeps its width); the same bounds when it is within 2 %, or when the legend alone is
    taller than that shape allows."""
    width, whole_height, framed, height = shape
    wide = width + beside
    wanted = wide / aspect - (framed - height)  # the frame's height
    if abs(wide / whole_height / aspect - 1) < 0.02 or wanted <= 0.2 * height:
        return bounds
    south, west, north, east = bounds
    if wanted > height:  # taller: more latitude
        half = (north - south) * wanted / height / 2
        middle = (south + north) / 2
        return middle - half, west, middle + half, east
    half = (east - west) * height / wanted / 2  # wider: more longitude, the frame shorter
    middle = (west + east) / 2
    return south, middle - half, north, middle + half


def _drawing(data: MapData, bounds: tuple[float, float, float, float]) -> Drawing:
    """The map drawn within ``bounds`` but for its names: the figure, its axes, the names
    to place (most important first) and the markers they must not cover."""
    marked = view(data)  # (a panel's map shows more: it marks the same in every language)
    shown = data.shown(marked)
    t = translator(data.lang)
    tall = 20.0 if data.aspect else 9.5  # room to grow taller: the frame's width binds
    fig, ax = plt.subplots(figsize=(11.5 / data.scale, tall / data.scale), dpi=DPI * data.scale)
    labels = _base(ax, bounds, data.lang)
    if data.fire is not None:
        _fire(ax, data.fire)
    for road in data.roads:
        (lat1, lon1), (lat2, lon2) = road.start, road.end
        ax.plot(
            [lon1, lon2],
            [lat1, lat2],
            color="#d32f2f" if road.closed else "#9e9e9e",
            linewidth=1.6 if road.closed else 0.9,
            linestyle="--" if road.closed else "-",
            zorder=3,
        )
        if road.closed:
            labels.append(
                Label(
                    (lon1 + lon2) / 2,
                    (lat1 + lat2) / 2,
                    road.closed,
                    colour="#d32f2f",
                    size=6,
                    own_side=False,
                )
            )
    for place in shown:
        marker, size, colour = KIND_STYLE.get(place.kind, ("o", 4.0, "#546e7a"))
        if place.flooded:
            ax.plot(place.lon, place.lat, "o", markersize=14, color="#4fc3f7", alpha=0.6, zorder=3)
        ax.plot(place.lon, place.lat, marker, markersize=size, color=colour, zorder=4)
        if place.eoc:
            ax.plot(
                place.lon,
                place.lat,
                "*",
                markersize=12,
                color="#f9a825",
                mec="black",
                mew=0.4,
                zorder=4,
            )
    crossings = _crossings_in(data, marked)
    mined = _mined_names(data.fire, marked) if data.fire is not None else []
    for _, lat, lon in crossings:
        ax.plot(lon, lat, marker="H", markersize=9, color="white", mec="black", mew=1.0, zorder=4)
    points = _incidents(ax, fig, data.incidents, t)
    unit_labels = _units(ax, data.units, t)
    points += [(u.lon, u.lat) for u in data.units]
    _frame(ax, bounds, t, degrees=not data.aspect)
    ax.set_title(data.title, fontsize=11)
    place_labels_ = _place_names(shown, crossings, t)
    ax.legend(
        handles=_legend(data, shown, t),
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(_beside_frame(ax), 1.0),
        frameon=False,
    )
    _crop_note(ax, data, bounds, len(shown), t)
    fig.draw_without_rendering()  # laid out, measured as printed
    closures = [lb for lb in labels if lb.colour == "#d32f2f"]
    rivers = [lb for lb in labels if lb not in closures]
    ordered = [
        *_nation_names(data, bounds),
        *place_labels_[:1],
        *unit_labels,
        *closures,
        *place_labels_[1:],
        *mined,
        *rivers,
    ]
    markers = [*points, *((p.lon, p.lat) for p in shown)]  # unnamed ones too (border posts)
    return fig, ax, ordered, markers


def _mined_names(fire: Fire, bounds: tuple[float, float, float, float]) -> list[Label]:
    """The names of the mined areas whose middle the map shows, to write beside it (on the
    middle's side of the borders, as a place's)."""
    south, west, north, east = bounds
    return [
        _named(lon, lat, name, colour=MINED, size=6.5)
        for name, lat, lon in fire.mined_names
        if south <= lat <= north and west <= lon <= east
    ]


MINED = "#4e342e"
"""The colour of a mined area's name."""


def _border_lines(bounds: tuple[float, float, float, float]) -> list[Segment]:
    """The drawn national borders near the map, as segments (lon, lat)."""
    south, west, north, east = bounds
    margin = 1.0
    found: list[Segment] = []
    for line in basemap()["borders"]:
        points = [(float(x), float(y)) for x, y in line["lonlat"]]
        found += [
            (a, b)
            for a, b in itertools.pairwise(points)
            if west - margin <= a[0] <= east + margin and south - margin <= a[1] <= north + margin
        ]
    return found


def _road_lines(data: MapData) -> list[Segment]:
    """Each road as a segment (lon, lat)."""
    return [((r.start[1], r.start[0]), (r.end[1], r.end[0])) for r in data.roads]


def _in_pixels(ax: Any, lines: list[Segment]) -> list[Segment]:
    to_px = ax.transData.transform
    return [
        (
            (float(to_px(a)[0]), float(to_px(a)[1])),
            (float(to_px(b)[0]), float(to_px(b)[1])),
        )
        for a, b in lines
    ]


def _crossings_in(
    data: MapData, bounds: tuple[float, float, float, float]
) -> list[tuple[str, float, float]]:
    south, west, north, east = bounds
    return [c for c in data.crossings if south <= c[1] <= north and west <= c[2] <= east]


REGION = "region"
"""The label of a cropped map's inset of the region."""
INSET_HEIGHT = 0.36
"""The inset's height at most, a fraction of the frame's, from the frame's foot."""
NOTE_WIDTH = 130
"""Characters a line of the note under the map holds (within the map's width)."""


def _crop_note(
    ax: Any, data: MapData, bounds: tuple[float, float, float, float], shown: int, t: Translator
) -> None:
    """When the map is cropped to what the exercise used: say so, and draw an inset of
    the region with the cropped area outlined."""
    left_out = len(data.places) - shown
    if not data.focus or left_out <= 0:
        return
    note = t.ngettext(
        "Cropped to what the exercise used (%(focus)s), with a margin; %(num)s more place"
        " of the scenario lies outside.",
        "Cropped to what the exercise used (%(focus)s), with a margin; %(num)s more places"
        " of the scenario lie outside.",
        left_out,
        focus=t(FOCUS),
    )
    ax.annotate(  # below the axis's label, in points: clear of it in any script and scale
        textwrap.fill(note, round(NOTE_WIDTH / data.scale)),  # (under the frame)
        (0.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -38 if ax.get_xlabel() else -6),
        textcoords="offset points",
        fontsize=7,
        color="#424242",
        va="top",
    )
    lats = [p.lat for p in data.places]
    lons = [p.lon for p in data.places]
    south, west, north, east = bounds
    middle_lat, middle_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    half = max(max(lats) - min(lats), max(lons) - min(lons), 2 * (north - south), 3.0) / 2 + 0.3
    region = (middle_lat - half, middle_lon - half, middle_lat + half, middle_lon + half)
    top = _below_legend(ax, INSET_HEIGHT)
    inset = ax.inset_axes((_beside_frame(ax), top - INSET_HEIGHT, 0.42, INSET_HEIGHT), label=REGION)
    geometry = basemap()
    for key, colour, style in (("coast", "#78909c", "-"), ("borders", "#424242", "-.")):
        inset.add_collection(
            LineCollection(
                [line["lonlat"] for line in geometry[key]],
                colors=colour,
                linewidths=0.6,
                linestyles=style,
            )
        )
    inset.add_collection(
        LineCollection(
            [r["lonlat"] for r in geometry["rivers"] if r.get("name")],
            colors="#64b5f6",
            linewidths=0.6,
        )
    )
    inset.plot(lons, lats, ".", markersize=2, color="#546e7a")
    inset.add_patch(
        Rectangle((west, south), east - west, north - south, fill=False, color="#d32f2f", lw=1.2)
    )
    inset.set_xlim(region[1], region[3])
    inset.set_ylim(region[0], region[2])
    inset.set_aspect(1 / math.cos(math.radians(middle_lat)))
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor("#fbfbf8")
    inset.set_title(t("where in the region (red: this map)"), fontsize=7, pad=6)


def _nation_names(data: MapData, bounds: tuple[float, float, float, float]) -> list[Label]:
    """Each nation's name, inside its own territory, away from the borders."""
    inside = data.shown_nations(bounds)
    return [
        Label(lon, lat, name.upper(), colour="#9e9e9e", size=11, weight="bold", leader=False)
        for name, (lon, lat) in name_anchors(inside, bounds).items()
    ]


STUCK = "#b71c1c"
"""The colour of a unit with no route, and of why."""


def _units(ax: Any, units: list[Units], t: Translator) -> list[Label]:
    """A seat's units: a triangle in the nation's colour at each place (how many beside
    it), an arrow to where moving ones head, a red ring and why for one with no route."""
    labels = []
    for u in units:
        colour = NATION_COLOURS.get(u.nation, "#37474f")
        for lat, lon in u.heading:
            ax.annotate(
                "",
                xy=(lon, lat),
                xytext=(u.lon, u.lat),
                arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.2},
                zorder=5,
            )
        if u.stuck:
            ax.plot(u.lon, u.lat, "o", markersize=17, mfc="none", mec=STUCK, mew=2.0, zorder=6)
            labels.append(_named(u.lon, u.lat, u.stuck, colour=STUCK, size=7))
        ax.plot(u.lon, u.lat, "^", markersize=10, color=colour, mec="black", mew=0.6, zorder=6)
        if u.count > 1:
            count = t.ngettext("%(num)s unit", "%(num)s units", u.count)
            labels.append(Label(u.lon, u.lat, count, colour=colour, size=7))
    return labels


def _below_legend(ax: Any, top: float) -> float:
    """Where an inset's top goes (axes fraction): at ``top``, or lower if the legend beside
    the map reaches down that far (a wide, flat map)."""
    legend = ax.get_legend()
    if legend is None:
        return top
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    lowest = legend.get_window_extent(renderer).y0
    title = INSET_TITLE_PT * ax.figure.dpi / 72  # the inset's title goes above the inset
    frame = ax.get_window_extent(renderer)
    return min(top, float((lowest - title - frame.y0) / frame.height))


INSET_TITLE_PT = 7 + 6 + 6
"""The height the inset's title takes above it: its type, its pad and a margin for the
legend's last marker, drawn larger than its line (points)."""


def _place_names(
    shown: list[Place], crossings: list[tuple[str, float, float]], t: Translator
) -> list[Label]:
    """Names to write, most important first: EOCs, crossings, towns, then the rest."""
    rank = {"eoc": 0, "town": 1, "base": 3, "airfield": 3, "hospital": 4, "village": 2}
    ordered = sorted(shown, key=lambda p: (0 if p.eoc else rank.get(p.kind, 5), p.name))
    labels = [
        _named(lon, lat, name, size=7, weight="bold", colour="#212121", essential=True)
        for name, lat, lon in crossings
    ]
    for place in ordered:
        if place.kind == "border_post":
            continue  # the crossing carries the name
        flooded = t(" (flooded %(time)s)", time=place.flooded) if place.flooded else ""
        text = place.name + flooded
        labels.append(_named(place.lon, place.lat, text, size=7))
    return labels


def _wrapped(name: str) -> str:
    """A name on lines of at most ``NAME_WIDTH`` characters, broken between words."""
    return _fill(name, NAME_WIDTH)


@dataclass(frozen=True)
class Named(Label):
    """A name written on lines (``_wrapped``), and as it is: a line may break between two
    words of a script written without a space between them."""

    name: str = ""


def _named(x: float, y: float, name: str, **style: Any) -> Label:
    """The label of a name, written on lines."""
    return Named(x, y, _wrapped(name), name=name, **style)


def _unwrapped(label: Label) -> str:
    """A label's name as it is, not on lines."""
    return label.name if isinstance(label, Named) else " ".join(label.text.split())


KIND_NAMES = {
    "eoc": N_("disaster office"),
    "border_post": N_("border post"),
    "town": N_("town"),
    "village": N_("village"),
    "base": N_("base"),
    "airfield": N_("airfield"),
    "hospital": N_("hospital"),
    "shelter": N_("shelter"),
}


def _legend(data: MapData, shown: list[Place], t: Translator) -> list[Any]:
    kinds = sorted({p.kind for p in shown if p.kind != "border_post" and not p.eoc})
    handles: list[Any] = [
        Line2D(
            [],
            [],
            marker=KIND_STYLE[k][0],
            linestyle="",
            color=KIND_STYLE[k][2],
            markersize=KIND_STYLE[k][1],
            label=t(KIND_NAMES.get(k, k)),
        )
        for k in kinds
        if k in KIND_STYLE
    ]
    if any(p.eoc for p in shown):
        handles.append(
            Line2D(
                [],
                [],
                marker="*",
                linestyle="",
                color="#f9a825",
                mec="black",
                markersize=10,
                label=t("EOC of the exercise"),
            )
        )
    if data.crossings:
        handles.append(
            Line2D(
                [],
                [],
                marker="H",
                linestyle="",
                color="white",
                mec="black",
                markersize=8,
                label=t("border crossing"),
            )
        )
    handles += [
        Line2D([], [], color="#9e9e9e", label=t("road")),
        Line2D([], [], color="#d32f2f", linestyle="--", label=t("road closed (when)")),
        Line2D([], [], color="#424242", linestyle="-.", label=t("national border")),
        Line2D([], [], color="#64b5f6", linewidth=1.4, label=t("main river")),
    ]
    if data.incidents:
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color="#f0f921",
                mec="black",
                label=t("incident (colour: response time)"),
            ),
            Line2D(
                [],
                [],
                marker="X",
                linestyle="",
                color="#d50000",
                mec="black",
                label=t("no unit on scene yet") if data.live else t("unserved: no unit came"),
            ),
        ]
        if any(i.ended for i in data.incidents):
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    color="none",
                    mec="#757575",
                    label=t("ended before any unit came"),
                )
            )
    if data.units:
        handles.append(
            Line2D(
                [],
                [],
                marker="^",
                linestyle="",
                color=NATION_COLOURS.get(data.units[0].nation, "#37474f"),
                mec="black",
                markersize=9,
                label=t("your units (arrow: on the way)"),
            )
        )
    if any(u.stuck for u in data.units):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                mfc="none",
                mec=STUCK,
                mew=2.0,
                markersize=12,
                label=t("a unit with no route (why)"),
            )
        )
    if any(p.flooded for p in shown):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color="#4fc3f7",
                alpha=0.6,
                markersize=12,
                label=t("flooded"),
            )
        )
    if data.fire is not None:
        handles.append(Patch(color="#ff8f00", alpha=0.6, label=t("burnt by the fire")))
        handles.append(Patch(facecolor="none", hatch="////", label=t("mined area")))
    return handles


def _signed(minutes: float, t: Translator) -> str:
    """A change in minutes, signed: "−25 min", "+1.4 h" (in words of the reader's
    language in another language: "−19 ម៉ោង 30 នាទី")."""
    if t.lang != "en":
        return ("−" if minutes < 0 else "+") + t.duration(abs(minutes))
    text = f"{minutes:+.0f} min" if abs(minutes) < 60 else f"{minutes / 60:+.1f} h"
    return text.replace("-", "−")


def difference_map(data: MapData) -> Drawn:
    """Where variants differ: each place's change (``data.changes``), green where help
    came sooner, red where later, on the base map with roads and crossings."""
    bounds = view(data)
    fig, ax = plt.subplots(figsize=(9, 7.5), dpi=DPI)
    labels = _base(ax, bounds, data.lang)
    for road in data.roads:
        (lat1, lon1), (lat2, lon2) = road.start, road.end
        ax.plot([lon1, lon2], [lat1, lat2], color="#bdbdbd", linewidth=0.8, zorder=3)
    for _, lat, lon in data.crossings:
        ax.plot(lon, lat, marker="H", markersize=8, color="white", mec="black", zorder=4)
    values = np.array([c.value for c in data.changes]) / 60
    limit = float(np.nanmax(np.abs(values), initial=0.0)) or 1.0
    norm = Normalize(vmin=-limit, vmax=limit)
    for change, value in zip(data.changes, values, strict=True):
        ax.scatter(
            change.lon,
            change.lat,
            c=[value],
            cmap="RdYlGn_r",
            norm=norm,
            s=30 + 140 * abs(value) / limit,
            edgecolors="black",
            linewidths=0.5,
            zorder=5,
        )
    bar = fig.colorbar(
        plt.cm.ScalarMappable(norm=norm, cmap="RdYlGn_r"), ax=ax, shrink=0.6, pad=0.02
    )
    bar.set_label(data.changes_label, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    _frame(ax, bounds, translator(data.lang))
    ax.set_title(data.title, fontsize=11)
    names = [
        *_nation_names(data, bounds),
        *(
            Label(lon, lat, name, size=7, weight="bold", essential=True)
            for name, lat, lon in data.crossings
        ),
    ] + [
        Label(c.lon, c.lat, f"{c.name} {_signed(c.value, translator(data.lang))}", size=7)
        for c in sorted(data.changes, key=lambda c: -abs(c.value))
        if abs(c.value) >= 1.0
    ]
    fig.canvas.draw()
    roads = _road_lines(data)
    placed, key, left_off, _, _ = _write_names(
        ax,
        [*names, *labels],
        [(c.lon, c.lat) for c in data.changes],
        roads,
        _border_lines(bounds),
    )
    return Drawn(
        _png(fig),
        left_off,
        [p.box for p in placed],
        _in_pixels(ax, roads),
        labelled=[p.label for p in placed],
        key=key,
        bounds=bounds,
    )

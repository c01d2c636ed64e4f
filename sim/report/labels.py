"""Labels that never overlap: greedy placement around each point, in display space.

Each label tries positions around its point, nearest first, and takes the first where its
box stays inside the axes, clear of every label already placed and of every point's marker,
and off every line given (roads). Only an essential label (a crossing's name) boxed in by
roads on every side is written across one, on its pale backing, rather than left off. When
numbering is asked for, a name with no room is written as a number (the caller lists the
numbers' names in a key); a label with no room even so is left off and returned, so the
caller can list it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RADII_PT = (4.0, 9.0, 16.0, 26.0, 40.0, 56.0, 76.0, 100.0)
"""Distances (points) from the point at which a label is tried, nearest first."""
DIRECTIONS = 24
MARKER_PT = 5.0
"""Half the size of the box kept clear around every point."""
GAP_PT = 1.5
"""The room kept between two names: a script's marks above and below its letters (Lao,
Thai, Khmer) reach beyond the measured box."""


@dataclass(frozen=True)
class Label:
    """A text to write beside a point (data coordinates)."""

    x: float
    y: float
    text: str
    colour: str = "#1d1d1d"
    size: float = 7.0
    weight: str = "normal"
    leader: bool = True
    """Draw a leader line to the point when the label sits away from it."""
    own_side: bool = True
    """Written on its point's side of the borders given (a place's name; not a road's)."""
    essential: bool = False
    """Written across a road when boxed in by roads, rather than left off (a crossing's
    name)."""


LEADER = {"arrowstyle": "-", "linewidth": 0.6, "linestyle": (0, (1, 1.5)), "alpha": 0.8}
"""Leader lines: dotted in the label's colour, unlike any road or border of the map."""


BACKING = {"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}
"""A pale backing behind each label, so it reads over burnt ground, floods and hatching."""
NUMBER = {"boxstyle": "circle,pad=0.2", "facecolor": "white", "linewidth": 0.6}
"""A number written for a name is ringed (in the label's colour): two numbers side by side,
a leader line between them, cannot be read as a range ("3-6")."""


@dataclass(frozen=True)
class Placed:
    """Where a label went: its text artist and its box in display pixels."""

    label: Label
    box: tuple[float, float, float, float]
    number: int = 0
    """Written as this number for lack of room (its name goes in a key); 0: written out."""


def _overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


Segment = tuple[tuple[float, float], tuple[float, float]]
"""A straight line between two points."""


def place_labels(
    ax: Any,
    labels: Sequence[Label],
    keep_clear: Sequence[tuple[float, float]] = (),
    lines: Sequence[Segment] = (),
    borders: Sequence[Segment] = (),
    numbered: bool = False,
) -> tuple[list[Placed], list[Label]]:
    """Write ``labels`` on ``ax`` without overlaps; returns those placed and those left off.

    ``keep_clear``: more points (data coordinates) whose markers labels must not cover;
    ``lines``: segments (data coordinates) only an essential label crosses, when it has no
    other room; ``borders``: segments a label on its own side (a place's: with a leader, not
    essential) neither crosses nor is separated from its point by; ``numbered``: a label with
    a leader and no room is written as the next number (1, 2, ...) instead.
    Call after the axes limits are final.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    area = (frame.x0, frame.y0, frame.x1, frame.y1)
    to_px = ax.transData.transform
    marker = MARKER_PT * scale
    obstacles: list[tuple[float, float, float, float]] = []
    for x, y in [*((lb.x, lb.y) for lb in labels), *keep_clear]:
        px, py = to_px((x, y))
        obstacles.append((px - marker, py - marker, px + marker, py + marker))
    segments = [(tuple(to_px(a)), tuple(to_px(b))) for a, b in lines]
    frontier = [(tuple(to_px(a)), tuple(to_px(b))) for a, b in borders]
    placed: list[Placed] = []
    left_off: list[Label] = []
    for label in labels:
        text = ax.annotate(
            label.text,
            (label.x, label.y),
            xytext=(0, 0),
            textcoords="offset points",
            fontsize=label.size,
            color=label.colour,
            fontweight=label.weight,
            zorder=6,
            bbox=BACKING,
        )
        number = 0
        spot = _spot(text, label, renderer, to_px, scale, area, obstacles, segments, frontier)
        if spot is None and numbered and label.leader:
            number = 1 + sum(1 for p in placed if p.number)
            text.set_text(str(number))
            text.set_bbox({**NUMBER, "edgecolor": label.colour})
            spot = _spot(
                text, label, renderer, to_px, scale, area, obstacles, segments, frontier, True
            )
        if spot is None:
            text.remove()
            left_off.append(label)
            continue
        px, py = to_px((label.x, label.y))
        box = _extent(text, renderer, bool(number))
        width, height = box.width, box.height
        x0, y0, radius = spot
        if number:  # by its middle: the ring is wider than the number
            text.set_position(((x0 + width / 2 - px) / scale, (y0 + height / 2 - py) / scale))
            text.set_horizontalalignment("center")
            text.set_verticalalignment("center")
        else:
            text.set_position(((x0 - px) / scale, (y0 - py) / scale))
            text.set_horizontalalignment("left")
            text.set_verticalalignment("bottom")
        if label.leader and radius > RADII_PT[1]:
            ax.annotate(
                "",
                (label.x, label.y),
                xytext=((x0 + width / 2 - px) / scale, (y0 + height / 2 - py) / scale),
                textcoords="offset points",
                arrowprops={**LEADER, "color": label.colour},
                zorder=5,
            )
        found = (x0, y0, x0 + width, y0 + height)
        obstacles.append(found)
        placed.append(Placed(label, found, number))
    return placed, left_off


def _extent(text: Any, renderer: Any, ringed: bool) -> Any:
    """The box a label takes (pixels): a number's ring, else the text."""
    if ringed:
        text.update_bbox_position_size(renderer)
        return text.get_bbox_patch().get_window_extent(renderer)
    return text.get_window_extent(renderer)


def _spot(
    text: Any,
    label: Label,
    renderer: Any,
    to_px: Any,
    scale: float,
    area: tuple[float, float, float, float],
    obstacles: list[tuple[float, float, float, float]],
    segments: Sequence[Segment],
    frontier: Sequence[Segment],
    ringed: bool = False,
) -> tuple[float, float, float] | None:
    """Where ``text`` (the label as written; ``ringed``: a number in its ring) goes: the
    lower-left corner of its box and the radius from its point, or None when there is no
    room."""
    box = _extent(text, renderer, ringed)
    width, height = box.width, box.height
    px, py = to_px((label.x, label.y))
    sides = _near(frontier, px, py, RADII_PT[-1] * scale + width + height)
    if label.essential or not label.leader or not label.own_side:
        sides = []
    spot = _find_spot(px, py, width, height, scale, area, obstacles, segments, sides)
    if spot is None and segments and label.essential:  # boxed in: across a road
        spot = _find_spot(px, py, width, height, scale, area, obstacles, (), sides)
    return spot


def _find_spot(
    px: float,
    py: float,
    width: float,
    height: float,
    scale: float,
    area: tuple[float, float, float, float],
    obstacles: list[tuple[float, float, float, float]],
    segments: Sequence[Segment],
    sides: Sequence[Segment] = (),
) -> tuple[float, float, float] | None:
    """The lower-left corner (pixels) of the first free box around a point, and its radius."""
    gap = GAP_PT * scale
    for radius_pt in RADII_PT:
        radius = radius_pt * scale
        for k in range(DIRECTIONS):
            angle = 2 * math.pi * k / DIRECTIONS
            dx, dy = math.cos(angle), math.sin(angle)
            # anchor the box's near side on the circle, so it grows away from the point
            x0 = px + radius * dx - width * (0.5 - 0.5 * dx)
            y0 = py + radius * dy - height * (0.5 - 0.5 * dy)
            box = (x0, y0, x0 + width, y0 + height)
            spaced = (x0 - gap, y0 - gap, x0 + width + gap, y0 + height + gap)
            inside = (
                box[0] >= area[0] and box[1] >= area[1] and box[2] <= area[2] and box[3] <= area[3]
            )
            if (
                inside
                and not any(_overlaps(spaced, o) for o in obstacles)
                and not any(crosses(box, a, b) for a, b in segments)
                and not any(
                    crosses(box, a, b) or _meet((px, py), _centre(box), a, b) for a, b in sides
                )
            ):
                return x0, y0, radius_pt
    return None


def crosses(box: Sequence[float], a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether the segment from ``a`` to ``b`` touches the box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0  # Liang-Barsky: clip the segment's parameter range to the box
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
        if t0 > t1:
            return False
    return True


def _near(lines: Sequence[Segment], x: float, y: float, reach: float) -> list[Segment]:
    """The segments with an end or their middle within ``reach`` of a point (pixels)."""
    found = []
    for a, b in lines:
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        if any(abs(p[0] - x) <= reach and abs(p[1] - y) <= reach for p in (a, b, middle)):
            found.append((a, b))
    return found


def _centre(box: Sequence[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _meet(p: Sequence[float], q: Sequence[float], a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether segment p-q crosses segment a-b (touching counts)."""

    def turn(o: Sequence[float], u: Sequence[float], v: Sequence[float]) -> float:
        return (u[0] - o[0]) * (v[1] - o[1]) - (u[1] - o[1]) * (v[0] - o[0])

    d1, d2 = turn(a, b, p), turn(a, b, q)
    d3, d4 = turn(p, q, a), turn(p, q, b)
    return d1 * d2 <= 0 and d3 * d4 <= 0 and not (d1 == d2 == 0)


def spread(positions: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Positions moved apart to at least ``gap`` from each other, kept within [low, high]
    where room allows, in the same order (for a column of labels beside an axis)."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    moved = [positions[i] for i in order]
    for i in range(1, len(moved)):
        moved[i] = max(moved[i], moved[i - 1] + gap)
    overflow = moved[-1] - high if moved else 0.0
    if overflow > 0:
        moved[-1] -= overflow
        for i in range(len(moved) - 2, -1, -1):
            moved[i] = min(moved[i], moved[i + 1] - gap)
    if moved and moved[0] < low:
        shift = low - moved[0]
        moved = [m + shift for m in moved]
    result = [0.0] * len(moved)
    for rank, i in enumerate(order):
        result[i] = moved[rank]
    return result

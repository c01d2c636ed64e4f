"""The shipped base map, its rivers' names, and which side of its borders a point lies on.

Two points are on the same side when the straight line between them crosses no drawn
border line. A nation's name goes at the point of the map deepest inside the area whose
nearest place, seen without crossing a border, is one of its own.
"""

from __future__ import annotations

import functools
import json
import math
import tomllib
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from sim.scenario.schema import ScriptNames

GRID = 24
"""Candidate points per side of the map when looking for where a nation's name goes."""
CHUNK = 32
"""Lines tested at once (keeps the arrays of a whole-region map small)."""
INNER = 0.12
"""Share of each side of the map kept free of nation names (the frame, the legend)."""


@functools.cache
def basemap() -> dict[str, Any]:
    """The shipped base geometry: region, source, licence, coast, borders, rivers."""
    text = resources.files("sim.report").joinpath("basemap.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def river_names() -> dict[str, ScriptNames]:
    """The base map's named rivers in Thai, Lao and Khmer script, with their source."""
    text = resources.files("sim.report").joinpath("rivers.toml").read_text("utf-8")
    return {name: ScriptNames.model_validate(v) for name, v in tomllib.loads(text).items()}


@functools.cache
def _segments() -> np.ndarray:
    """Every drawn border segment as rows (x1, y1, x2, y2) in degrees (lon, lat)."""
    rows = []
    for line in basemap()["borders"]:
        xy = np.asarray(line["lonlat"], dtype=float)
        rows.append(np.hstack([xy[:-1], xy[1:]]))
    return np.vstack(rows)


def _segments_near(points: np.ndarray) -> np.ndarray:
    """The border segments that reach into the box around ``points`` ((lon, lat) rows)."""
    seg = _segments()
    low, high = points.min(axis=0), points.max(axis=0)
    keep = (
        (np.maximum(seg[:, 0], seg[:, 2]) >= low[0])
        & (np.minimum(seg[:, 0], seg[:, 2]) <= high[0])
        & (np.maximum(seg[:, 1], seg[:, 3]) >= low[1])
        & (np.minimum(seg[:, 1], seg[:, 3]) <= high[1])
    )
    near: np.ndarray = seg[keep]
    return near


def crossings(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many drawn border segments each line ``starts[i] -> ends[j]`` crosses, as an
    array of shape (len(starts), len(ends)); points are (lon, lat) rows."""
    seg = _segments_near(np.vstack([starts, ends]))
    if len(starts) > CHUNK:
        return np.vstack(
            [_crossed(starts[k : k + CHUNK], ends, seg) for k in range(0, len(starts), CHUNK)]
        )
    return _crossed(starts, ends, seg)


def _crossed(starts: np.ndarray, ends: np.ndarray, seg: np.ndarray) -> np.ndarray:
    p = starts[:, None, None, :]
    r = ends[None, :, None, :] - p
    q = seg[None, None, :, :2]
    s = seg[None, None, :, 2:] - q
    denominator = r[..., 0] * s[..., 1] - r[..., 1] * s[..., 0]
    qp = q - p
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (qp[..., 0] * s[..., 1] - qp[..., 1] * s[..., 0]) / denominator
        u = (qp[..., 0] * r[..., 1] - qp[..., 1] * r[..., 0]) / denominator
    hit = (denominator != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    counts: np.ndarray = hit.sum(axis=2)
    return counts


def same_side(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the line from ``a`` to ``b`` (lon, lat) crosses no drawn border."""
    return int(crossings(np.array([a]), np.array([b]))[0, 0]) == 0


def _distance_to_borders(points: np.ndarray, cos_lat: float) -> np.ndarray:
    """Distance (degrees of latitude) from each point to the nearest drawn border segment
    (infinite when none is near)."""
    seg = _segments_near(points)
    if not len(seg):
        return np.full(len(points), np.inf)
    scale = np.array([cos_lat, 1.0])
    a = seg[None, :, :2] * scale
    b = seg[None, :, 2:] * scale
    p = points[:, None, :] * scale
    ab = b - a
    length = (ab**2).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(((p - a) * ab).sum(axis=2) / length, 0.0, 1.0)
    t = np.nan_to_num(t)
    nearest = a + t[..., None] * ab
    distance: np.ndarray = np.sqrt(((p - nearest) ** 2).sum(axis=2)).min(axis=1)
    return distance


def name_anchors(
    places: Sequence[tuple[str, float, float]], bounds: tuple[float, float, float, float]
) -> dict[str, tuple[float, float]]:
    """Where each nation's name goes (lon, lat) on a map of ``bounds`` (south, west,
    north, east): inside its own territory as far from any border as the map allows.

    ``places`` are (nation, lat, lon) of the places drawn; a nation with no point of the
    map on its side is left out.
    """
    south, west, north, east = bounds
    if not places:
        return {}
    dx, dy = (east - west) * INNER, (north - south) * INNER
    xs = np.linspace(west + dx, east - dx, GRID)
    ys = np.linspace(south + dy, north - dy, GRID)
    grid = np.array([(x, y) for y in ys for x in xs])
    cos_lat = math.cos(math.radians((south + north) / 2))
    nations = [n for n, _, _ in places]
    where = np.array([(lon, lat) for _, lat, lon in places])
    seen = crossings(grid, where) == 0
    gap = np.sqrt((((grid[:, None, :] - where[None, :, :]) * [cos_lat, 1.0]) ** 2).sum(axis=2))
    gap = np.where(seen, gap, np.inf)
    nearest = gap.argmin(axis=1)
    visible = np.isfinite(gap.min(axis=1))
    depth = _distance_to_borders(grid, cos_lat)
    anchors: dict[str, tuple[float, float]] = {}
    for nation in dict.fromkeys(nations):
        mine = visible & np.array([nations[k] == nation for k in nearest])
        if mine.any():
            best = int(np.argmax(np.where(mine, depth, -1.0)))
            anchors[nation] = (float(grid[best, 0]), float(grid[best, 1]))
    return anchors

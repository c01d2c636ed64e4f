"""Server time of the exercise's clock moves on the default scenario, against one full run.

Plays the default scenario with every nation's seat held, letting every decision lapse to
doctrine, and prints

- "run to the next decision or inject": the median and the slowest step (goal: each
  within 100 ms), and
- rewinding to 10 %, 50 % and 90 % of the exercise (the run replayed from the start with
  the commands issued before): the slowest (goal: within 1 s),

each also as a ratio against one whole doctrine replication in the same run; and
- replaying the session in five other replications (``run --decisions``), against the same
  five replications under doctrine.

    .venv/bin/python benchmarks/bench_play.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from sim import load_scenario
from sim.model import simulate
from sim.play.exercise import Exercise, branch
from sim.play.replay import played, replay_run

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"


def main() -> None:
    scenario = load_scenario(DEFAULT)
    seats = [n.code for n in scenario.nations]
    started = time.perf_counter()
    simulate(scenario)
    whole = time.perf_counter() - started

    exercise = Exercise(scenario, scenario.run.seed, seats)
    steps = []
    while not exercise.finished:
        started = time.perf_counter()
        exercise.perform({"do": "next"})
        steps.append(time.perf_counter() - started)
    rewinds = []
    for share in (0.1, 0.5, 0.9):
        started = time.perf_counter()
        Exercise(
            scenario, scenario.run.seed, seats, branch(exercise.commands, share * exercise.horizon)
        )
        rewinds.append(time.perf_counter() - started)
    print(f"one doctrine replication: {whole * 1000:.0f} ms")
    median = statistics.median(steps)
    print(
        f"next decision or inject ({len(steps)} moves): median {median * 1000:.1f} ms,"
        f" slowest {max(steps) * 1000:.1f} ms ({max(steps) / whole:.2f} of a replication;"
        " goal: within 100 ms)"
    )
    print(
        f"rewind: slowest {max(rewinds) * 1000:.0f} ms ({max(rewinds) / whole:.2f} of a"
        " replication; goal: within 1 s)"
    )
    session = played(exercise)
    started = time.perf_counter()
    for replication in range(1, 6):
        simulate(scenario, replication=replication)
    doctrine = time.perf_counter() - started
    started = time.perf_counter()
    for replication in range(1, 6):
        replay_run(scenario, session, session.seed, replication)
    replayed = time.perf_counter() - started
    print(
        f"session replayed in 5 other replications: {replayed * 1000:.0f} ms against"
        f" {doctrine * 1000:.0f} ms under doctrine ({replayed / doctrine:.2f}×)"
    )


if __name__ == "__main__":
    main()

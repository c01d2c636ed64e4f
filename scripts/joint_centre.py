"""What the joint coordination centre does in the Sekong scenario, counted from the event
logs: the numbers behind its row in docs/coordination.md.

    .venv/bin/python scripts/joint_centre.py            # 100 replications a seed, about 4 min
    .venv/bin/python scripts/joint_centre.py -n 20

For the centre alone and the centre with dedicated channels (its liaison links), on seeds
1 and 2, it counts a replication's requests for help by who asked whom (a ``decision`` of
kind ``ask``: seat ``JCC`` for the centre), how the asked nation answered (``decision`` of
kind ``approve``, with its reason), the units sent on the centre's requests, and how long
after Laos had asked for an incident the centre heard of it (its ``report`` message
delivered). A request the centre makes is logged as ``requested``/``refused``/``approved``
under the incident's nation (``LA>KH``), as the request is made on its behalf.
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from pathlib import Path

from sim import load_scenario, simulate
from sim.log import DECISION, DISPATCHED, MESSAGE_DELIVERED, RunLog

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "sekong_flood_2018.toml"
VARIANTS = {
    "joint centre alone": ["coordination.joint_centre.enabled=true"],
    "joint centre with channels": [
        "coordination.joint_centre.enabled=true",
        "coordination.channels.enabled=true",
    ],
}
SEEDS = (1, 2)


def counted(run: RunLog, counts: Counter[str], lags: list[float]) -> None:
    """Add one replication's requests, answers and units sent to ``counts``, and to
    ``lags`` how long after Laos asked for an incident the centre heard of it."""
    laos_asked: dict[int, float] = {}
    centre_asked: dict[int, set[str]] = {}
    answers: dict[tuple[int, str], tuple[float, str]] = {}
    for dec in run.decisions:
        if dec.event != DECISION:
            continue
        if dec.kind == "ask" and dec.choice != "wait":
            counts[f"asks: {dec.seat} asks {dec.choice}"] += 1
            if dec.seat == "JCC":
                centre_asked.setdefault(dec.incident, set()).add(dec.choice)
            elif dec.seat == "LA":
                laos_asked.setdefault(dec.incident, dec.time_min)
        elif dec.kind == "approve":
            answers[(dec.incident, dec.seat)] = (dec.time_min, dec.choice)
            counts[f"answers: {dec.seat} {dec.choice} ({dec.reason})"] += 1
            if dec.seat in centre_asked.get(dec.incident, ()):
                counts[f"answers to the centre: {dec.seat} {dec.choice} ({dec.reason})"] += 1
    heard: dict[int, float] = {}
    for t, event, incident, _, detail in run.events:
        if event == MESSAGE_DELIVERED and detail.startswith("report ") and ">JCC " in detail:
            heard.setdefault(incident, t)
        elif event == DISPATCHED and detail in centre_asked.get(incident, ()):
            approved = answers.get((incident, detail))
            if approved is not None and approved[1] == "yes" and approved[0] <= t:
                counts["units sent to incidents the centre asked their nation for"] += 1
    counts["incidents reported to the centre"] += len(heard)
    for incident, asked in laos_asked.items():
        if incident in heard and heard[incident] >= asked:
            lags.append(heard[incident] - asked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100, help="replications a seed")
    n = parser.parse_args().n
    for name, overrides in VARIANTS.items():
        scenario = load_scenario(SCENARIO, overrides)
        print(f"\n{name} ({' '.join(overrides)}), {n} replications a seed, a replication:\n")
        by_seed: dict[int, Counter[str]] = {}
        lags: dict[int, list[float]] = {}
        for seed in SEEDS:
            by_seed[seed], lags[seed] = Counter(), []
            for replication in range(n):
                counted(simulate(scenario, seed, replication), by_seed[seed], lags[seed])
        print("| | " + " | ".join(f"seed {s}" for s in SEEDS) + " |")
        print("| --- |" + " ---: |" * len(SEEDS))
        for key in sorted(set().union(*by_seed.values())):
            print(f"| {key} | " + " | ".join(f"{by_seed[s][key] / n:.2f}" for s in SEEDS) + " |")
        medians = [f"{statistics.median(lags[s]):.0f}" if lags[s] else "—" for s in SEEDS]
        print(
            "| median minutes from Laos' request to the centre's report | "
            + " | ".join(medians)
            + " |"
        )


if __name__ == "__main__":
    main()

"""The AAR's cross-border chain: its steps in the order they happened, the crossing told
being the one of the unit first on scene (an aircraft flies across)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sim import incident_rows, load_scenario, simulate, summarise
from sim.report.aar import after_action

SEKONG = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"
WHEN = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2} \w{3}) (\d{2}:\d{2})")


def test_each_chain_is_told_in_the_order_it_happened() -> None:
    scenario = load_scenario(SEKONG)
    chains = []
    for replication in range(3):
        run = simulate(scenario, seed=scenario.run.seed, replication=replication)
        aar = after_action(scenario, run, incident_rows(run), summarise(run))
        chains += [
            f.detail
            for f in [*aar.findings, *aar.strengths]
            if f.title.startswith("Cross-border chain")
        ]
    assert chains
    for chain in chains:
        steps = chain.split(": help on scene")[0].split(" → ")
        times = [
            datetime.strptime(f"2018 {m.group(2)} {m.group(3)}", "%Y %d %b %H:%M")
            for step in steps
            if (m := WHEN.search(step))
        ]
        assert times == sorted(times), chain
        on_scene = steps[-1]
        if "helicopter" in on_scene.lower():  # flown, not driven through a border post
            assert not any(step.startswith("crossed at") for step in steps), chain

"""Write the played session the notebook ``players_against_doctrine.ipynb`` measures.

A short exercise on the Sekong flood: Laos's seat holds back its first ``HELD`` requests
for help (``wait`` where doctrine would ask a neighbour at once) and otherwise takes
doctrine's proposals; Thailand's points are left to doctrine. Run it
again after the scenario file changes (the session names the file's checksum):

    .venv/bin/python scripts/notebook_session.py
"""

from __future__ import annotations

from pathlib import Path

from sim import read_scenario
from sim.model import decisions as d
from sim.play.exercise import point_key
from sim.play.server import PlayServer
from sim.play.session import create_session

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "sekong_flood_2018.toml"
SESSION = ROOT / "notebooks" / "sekong_played.jsonl"
STOP_AT_MIN = 24 * 60
"""The exercise runs its first day; doctrine plays on from there."""
HELD = 3


def main() -> None:
    source = read_scenario(SCENARIO)
    SESSION.unlink(missing_ok=True)
    session = create_session(SESSION, source.scenario.scenario.name, source.sha256, 0, ["LA", "TH"])
    server = PlayServer(source.scenario, session, "scenarios/sekong_flood_2018.toml")
    held = 0
    while not server.exercise.finished and server.exercise.now < STOP_AT_MIN:
        for item in server.exercise.open_points("LA"):
            if item.point.kind == d.ASK and held < HELD:
                choice, held = "wait", held + 1
            else:
                choice = item.point.proposal.choice
            server.perform(
                {"do": "decide", "seat": "LA", "point": item.number}
                | {"key": point_key(item.point), "choice": choice}
            )
        server.perform({"do": "next"})
    print(f"wrote {SESSION.relative_to(ROOT)}: {len(session.commands)} commands")


if __name__ == "__main__":
    main()

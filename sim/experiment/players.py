"""The players of a played exercise measured against doctrine, from the Python API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.experiment.options import DEFAULTS, RunOptions
from sim.experiment.results import Experiment
from sim.experiment.variants import compare

if TYPE_CHECKING:
    from sim.play.replay import PlayedSession


def measure_players(
    played: PlayedSession,
    *,
    n: int | None = None,
    seed: int | None = None,
    options: RunOptions = DEFAULTS,
) -> Experiment:
    """The players' decisions against doctrine, on the scenario they played: the variant
    ``"players"`` replays the session in every replication, the baseline is doctrine
    throughout (the same as ``compare(played.scenario, {}, played=played)``).

    ``difference(kpi, "players")`` is what the players' decisions changed altogether;
    ``decisions()`` measures each decision that departed from doctrine on its own;
    ``values("decision_fallbacks", "players")`` counts, by replication, the decisions that
    no longer applied. Default seed: the session's.

    Example:
        >>> played = load_played("scenarios/sekong_flood_2018.toml", "reports/play.jsonl")
        >>> exp = measure_players(played, n=30)
        >>> exp.ranking(), exp.decisions(), exp.weightiest()
    """
    return compare(played.scenario, {}, n=n, seed=seed, played=played, options=options)

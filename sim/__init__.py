"""borderdrill: a discrete-event simulator of joint disaster response on the TH-LA-KH border.

The public API follows the data flow:

- a scenario: ``load_scenario`` (or ``read_scenario``, keeping its file and checksum);
- one run: ``simulate`` gives a ``RunLog``; ``incident_frame``, ``unit_frame``,
  ``decision_frame`` and ``wait_frame`` make it pandas DataFrames (``summarise``: the
  report's summary); ``run_scenario`` writes a whole run folder with the report;
- replications: ``replicate`` gives ``Replications`` (key figures ``KPIS``, each an
  ``Estimate`` with its 95 % CI);
- experiments, all of one shape ``f(base, ..., *, n, seed, played, options)``: ``compare``,
  ``assess``, ``sweep``, run as ``RunOptions`` say, give an ``Experiment`` with
  ``frame()``, ``ranking()`` and ``write(folder)``;
- a played exercise: ``load_played`` reads its session (``play_scripted`` plays one by a
  script); ``measure_players`` (or ``compare(..., played=...)``) measures the players'
  decisions against doctrine.

The names are imported on first use, so that ``import sim`` (and the command line's start)
does not pay for the model, pandas and matplotlib until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.analysis import incident_rows, summarise
    from sim.analysis.frames import decision_frame, incident_frame, unit_frame, wait_frame
    from sim.analysis.kpis import KPIS, UnknownKpi
    from sim.analysis.replications import Replications
    from sim.analysis.stats import Estimate
    from sim.decisions.replay import PlayedSession, load_played
    from sim.experiment import (
        Experiment,
        RunOptions,
        RunResult,
        assess,
        compare,
        measure_players,
        play_scripted,
        replicate,
        run_scenario,
        sweep,
    )
    from sim.log import RunLog
    from sim.model import Simulation, simulate
    from sim.scenario import Scenario, ScenarioError, ScenarioFile, load_scenario, read_scenario

_HOMES = {
    "Estimate": "sim.analysis.stats",
    "Experiment": "sim.experiment",
    "KPIS": "sim.analysis.kpis",
    "PlayedSession": "sim.decisions.replay",
    "Replications": "sim.analysis.replications",
    "RunLog": "sim.log",
    "RunOptions": "sim.experiment",
    "RunResult": "sim.experiment",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "ScenarioFile": "sim.scenario",
    "Simulation": "sim.model",
    "UnknownKpi": "sim.analysis.kpis",
    "assess": "sim.experiment",
    "compare": "sim.experiment",
    "decision_frame": "sim.analysis.frames",
    "incident_frame": "sim.analysis.frames",
    "incident_rows": "sim.analysis",
    "load_played": "sim.decisions.replay",
    "load_scenario": "sim.scenario",
    "measure_players": "sim.experiment",
    "play_scripted": "sim.experiment",
    "read_scenario": "sim.scenario",
    "replicate": "sim.experiment",
    "run_scenario": "sim.experiment",
    "simulate": "sim.model",
    "summarise": "sim.analysis",
    "sweep": "sim.experiment",
    "unit_frame": "sim.analysis.frames",
    "wait_frame": "sim.analysis.frames",
}

__all__ = [
    "KPIS",
    "Estimate",
    "Experiment",
    "PlayedSession",
    "Replications",
    "RunLog",
    "RunOptions",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ScenarioFile",
    "Simulation",
    "UnknownKpi",
    "assess",
    "compare",
    "decision_frame",
    "incident_frame",
    "incident_rows",
    "load_played",
    "load_scenario",
    "measure_players",
    "play_scripted",
    "read_scenario",
    "replicate",
    "run_scenario",
    "simulate",
    "summarise",
    "sweep",
    "unit_frame",
    "wait_frame",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its home module on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])

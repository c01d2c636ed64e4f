"""borderdrill: a discrete-event simulator of joint disaster response on the TH-LA-KH border.

The public API follows the data flow: ``load_scenario`` -> ``simulate`` -> ``incident_rows``
and ``summarise`` -> ``run_scenario`` (a whole run folder with the report); experiments:
``replicate``, ``compare``, ``assess``, ``sweep`` (results with tidy pandas DataFrames);
a played exercise: ``load_played`` (its session, to replay with ``replicate(played=...)``).

The names are imported on first use, so that ``import sim`` (and the command line's start)
does not pay for the model, pandas and matplotlib until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.analysis import incident_rows, summarise
    from sim.analysis.replications import Replications
    from sim.experiment import RunResult, assess, compare, replicate, run_scenario, sweep
    from sim.log import RunLog
    from sim.model import Simulation, simulate
    from sim.play.replay import load_played
    from sim.scenario import Scenario, ScenarioError, load_scenario, read_scenario

_HOMES = {
    "Replications": "sim.analysis.replications",
    "RunLog": "sim.log",
    "RunResult": "sim.experiment",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "Simulation": "sim.model",
    "assess": "sim.experiment",
    "compare": "sim.experiment",
    "incident_rows": "sim.analysis",
    "load_played": "sim.play.replay",
    "load_scenario": "sim.scenario",
    "read_scenario": "sim.scenario",
    "replicate": "sim.experiment",
    "run_scenario": "sim.experiment",
    "simulate": "sim.model",
    "summarise": "sim.analysis",
    "sweep": "sim.experiment",
}

__all__ = [
    "Replications",
    "RunLog",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "assess",
    "compare",
    "incident_rows",
    "load_played",
    "load_scenario",
    "read_scenario",
    "replicate",
    "run_scenario",
    "simulate",
    "summarise",
    "sweep",
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

"""borderdrill: a discrete-event simulator of joint disaster response on the TH-LA-KH border.

The public API follows the data flow: ``load_scenario`` -> ``simulate`` -> ``incident_rows``
and ``summarise`` -> ``run_scenario`` (a whole run folder with the report).
"""

from sim.analysis import incident_rows, summarise
from sim.experiment import RunResult, run_scenario
from sim.log import RunLog
from sim.model import Simulation, simulate
from sim.scenario import Scenario, ScenarioError, load_scenario, read_scenario

__all__ = [
    "RunLog",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "incident_rows",
    "load_scenario",
    "read_scenario",
    "run_scenario",
    "simulate",
    "summarise",
]

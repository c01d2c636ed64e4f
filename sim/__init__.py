"""borderdrill: a discrete-event simulator of joint disaster response on the TH-LA-KH border.

The public API follows the data flow: ``load_scenario`` -> ``simulate`` -> ``incident_rows``
and ``summarise`` -> ``run_scenario`` (a whole run folder with the report); experiments:
``replicate``, ``compare``, ``assess``, ``sweep`` (results with tidy pandas DataFrames).
"""

from sim.analysis import incident_rows, summarise
from sim.analysis.replications import Replications
from sim.experiment import RunResult, assess, compare, replicate, run_scenario, sweep
from sim.log import RunLog
from sim.model import Simulation, simulate
from sim.scenario import Scenario, ScenarioError, load_scenario, read_scenario

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
    "load_scenario",
    "read_scenario",
    "replicate",
    "run_scenario",
    "simulate",
    "summarise",
    "sweep",
]

"""Running scenarios: one run to a folder, replications, what-if variants, executors."""

from sim.analysis.replications import Replications
from sim.experiment.folders import RunResult, default_folder, run_scenario
from sim.experiment.replications import replicate, run_variants
from sim.experiment.variants import MECHANISMS, assess, compare, sweep

__all__ = [
    "MECHANISMS",
    "Replications",
    "RunResult",
    "assess",
    "compare",
    "default_folder",
    "replicate",
    "run_scenario",
    "run_variants",
    "sweep",
]

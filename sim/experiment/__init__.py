"""Running scenarios: one run to a folder, replications, what-if experiments, executors."""

from sim.analysis.replications import Replications
from sim.experiment.folders import RunResult, default_folder, run_scenario
from sim.experiment.options import RunOptions
from sim.experiment.players import measure_players, play_scripted
from sim.experiment.replications import replicate, run_variants
from sim.experiment.results import PLAYERS, Experiment
from sim.experiment.variants import MECHANISMS, assess, compare, sweep

__all__ = [
    "MECHANISMS",
    "PLAYERS",
    "Experiment",
    "Replications",
    "RunOptions",
    "RunResult",
    "assess",
    "compare",
    "default_folder",
    "measure_players",
    "play_scripted",
    "replicate",
    "run_scenario",
    "run_variants",
    "sweep",
]

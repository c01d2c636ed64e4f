"""The scenario file format: models, durations and distributions, loading and its errors."""

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import ScenarioFile, load_scenario, parse_scenario, read_scenario
from sim.scenario.quantities import format_duration, parse_duration
from sim.scenario.schema import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioFile",
    "format_duration",
    "load_scenario",
    "parse_duration",
    "parse_scenario",
    "read_scenario",
]

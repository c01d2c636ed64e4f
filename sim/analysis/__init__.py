"""Metrics from a run's event log (no SimPy here): incident rows and summaries."""

from sim.analysis.decisions import decision_rows, decision_summary
from sim.analysis.incidents import COMPONENTS, STAGE_TIMES, IncidentRow, incident_rows
from sim.analysis.replications import Replications
from sim.analysis.stats import Estimate, mean_ci, paired_difference
from sim.analysis.summary import response_stats, summarise, unit_utilisation

__all__ = [
    "COMPONENTS",
    "STAGE_TIMES",
    "Estimate",
    "IncidentRow",
    "Replications",
    "decision_rows",
    "decision_summary",
    "incident_rows",
    "mean_ci",
    "paired_difference",
    "response_stats",
    "summarise",
    "unit_utilisation",
]

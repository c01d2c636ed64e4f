"""Turning a run into files for people: CSV tables, figures, the HTML report, the run folder."""

from sim.report.experiment_report import experiment_files
from sim.report.output import OutputError, OutputExistsError, check_replaceable, write_folder
from sim.report.run_folder import manifest, run_files, version

__all__ = [
    "OutputError",
    "OutputExistsError",
    "check_replaceable",
    "experiment_files",
    "manifest",
    "run_files",
    "version",
    "write_folder",
]

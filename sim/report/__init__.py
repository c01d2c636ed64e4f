"""Turning a run into files for people: CSV tables, figures, the HTML report, the run folder."""

from sim.report.output import OutputExistsError, write_folder
from sim.report.run_folder import manifest, run_files, version

__all__ = ["OutputExistsError", "manifest", "run_files", "version", "write_folder"]

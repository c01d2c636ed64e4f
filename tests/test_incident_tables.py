"""The incident tables (incidents.csv, the notebook frame, the replications' table) tell
each incident alike: they are one record, written three ways."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from sim import RunOptions, incident_frame, incident_rows, load_scenario, replicate, simulate
from sim.analysis import COMPONENTS, STAGE_TIMES
from sim.analysis.incidents import COLUMNS
from sim.report.tables import INCIDENT_CSV_MEANINGS, incidents_csv

MECH = Path(__file__).parent / "scenarios" / "mechanisms.toml"


def _minutes(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.2f}"


def test_the_csv_the_frame_and_the_replications_tell_each_incident_alike() -> None:
    scenario = load_scenario(MECH)
    run = simulate(scenario, seed=4)
    frame = incident_frame(run)
    written = incidents_csv(run, incident_rows(run))
    cells = list(csv.DictReader(io.StringIO(written)))
    assert len(cells) == len(frame) == len(run.incidents) > 0
    assert list(cells[0]) == list(INCIDENT_CSV_MEANINGS)  # every header is documented
    assert frame["foreign_help"].any() and (frame["status"] != "resolved").any()
    for cell, row in zip(cells, frame.to_dict("records"), strict=True):
        for name in ("incident", "place", "place_name", "nation", "need", "people", "priority"):
            assert cell[name] == str(row[name])
        assert cell["status"] == row["status"] and cell["first_unit"] == row["first_unit"]
        assert cell["within_target"] == ("yes" if row["within_target"] else "no")
        assert cell["response_min"] == _minutes(row["response_min"])
        for stage in STAGE_TIMES:
            assert cell[f"{stage}_min"] == _minutes(row[f"{stage}_at_min"])
        for part in COMPONENTS:
            assert cell[f"{part}_min"] == _minutes(row[f"{part}_min"])
        assert cell["units"].split(";") == row["units_sent"].split(",")

    reps = replicate(scenario, n=2, seed=4, options=RunOptions(jobs=1, progress=False))
    kept = reps.incidents
    first = kept[kept["replication"] == 0].drop(columns=["variant", "replication"])
    assert set(first.columns) <= set(COLUMNS)
    pd.testing.assert_frame_equal(first.reset_index(drop=True), frame[list(first.columns)])

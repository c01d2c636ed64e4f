"""Scenario text written to CSV can never run as a spreadsheet formula (OWASP)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.report.csv_cells import csv_text, frame_csv, neutralise

HERE = Path(__file__).parent / "scenarios"
FORMULA = '=HYPERLINK("http://x")'


@pytest.mark.parametrize("text", [FORMULA, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"])
def test_text_a_spreadsheet_would_run_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("cell", ["-3.50", "+2", "-1e3", -3.5, -7, 0, "Sanamxay", "", None])
def test_numbers_and_plain_text_are_left_alone(cell: object) -> None:
    assert neutralise(cell) == cell


def test_negative_numbers_stay_numbers_in_tables() -> None:
    frame = pd.DataFrame({"variant": ["@x", "b"], "change": [-1.5, 2.0], "n": [-3, 4]})
    rows = list(csv.DictReader(io.StringIO(frame_csv(frame))))
    assert [r["variant"] for r in rows] == ["'@x", "b"]
    assert [float(r["change"]) for r in rows] == [-1.5, 2.0]
    assert [int(r["n"]) for r in rows] == [-3, 4]
    assert csv_text(["a", "b"], [["-1.25", "=1"]]) == "a,b\n-1.25,'=1\n"


def test_a_run_writes_no_live_formula_in_any_csv(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.toml"
    text = (HERE / "tiny.toml").read_text()
    scenario.write_text(text.replace('name = "Sanamxay"', "name = '" + FORMULA + "'"))
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", str(scenario), "-o", str(out), "-n", "2", "--set", 'scenario.name="@SUM(1)"']
    )
    assert result.exit_code == 0, result.output
    incidents = list(csv.DictReader((out / "incidents.csv").open()))
    assert incidents[0]["place_name"] == "'" + FORMULA
    assert float(incidents[0]["response_min"]) > 0
    kpis = list(csv.DictReader((out / "kpis.csv").open()))
    assert {row["variant"] for row in kpis} == {"'@SUM(1)"}
    for name in ("incidents.csv", "events.csv", "kpis.csv"):
        for row in csv.reader((out / name).open()):
            for cell in row:
                assert not cell.startswith(("=", "@", "\t", "\r")), (name, cell)
                assert not cell.startswith(("+", "-")) or float(cell) is not None, (name, cell)

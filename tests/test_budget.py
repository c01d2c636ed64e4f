"""Runs that would exhaust memory or never end are refused before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import refused

from sim.cli import MAX_REPLICATIONS, main
from sim.scenario import load_scenario
from sim.scenario.budget import LIMITS, BudgetError, Limit, check_budget, estimate
from sim.scenario.schema import MAX_REPLICATIONS as SCHEMA_MAX_REPLICATIONS

HERE = Path(__file__).parent / "scenarios"
TINY = str(HERE / "tiny.toml")
SHIPPED = sorted((Path(__file__).parents[1] / "scenarios").glob("*.toml"))
ZERO_TRIP_CROWD = ["--set", "unit_types[0].trip=0min", "--set", "injects[0].people=10000000"]


def _must_not_simulate(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before the refusal")

    monkeypatch.setattr("sim.experiment.replications.simulate", refuse)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_shipped_scenarios_are_well_within_budget(path: Path) -> None:
    scenario = load_scenario(path)
    assert not estimate([scenario], 1000).over()


def test_a_zero_minute_trip_for_ten_million_people_is_refused_naming_the_trips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _must_not_simulate(monkeypatch)
    out = tmp_path / "o"
    output = refused(["run", TINY, "-o", str(out), *ZERO_TRIP_CROWD], "trips", "--allow-large")
    assert "1,250,000 trips" in output  # 10 million people, 8 a boat
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["run", TINY, "--set", "run.replications=500000"],
        ["run", TINY, "-n", "500000"],
        ["compare", TINY, "--variant", "v", "--set", "units[0].count=2", "-n", "100000"],
        ["assess", TINY, "-n", "20000"],
        ["sweep", TINY, "--param", "units[0].count=1,2,3", "-n", "40000"],
    ],
    ids=["run-file", "run-n", "compare", "assess", "sweep"],
)
def test_too_many_replications_are_refused_before_running(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _must_not_simulate(monkeypatch)
    out = tmp_path / "o"
    refused([*args, "-o", str(out)], "replications", "more than the limit of 100,000")
    assert not out.exists()


def test_a_billion_replications_is_refused_by_the_option_itself() -> None:
    refused(["run", TINY, "-n", "1000000000"], "--replications")
    assert MAX_REPLICATIONS == SCHEMA_MAX_REPLICATIONS


def test_allow_large_goes_beyond_a_soft_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tight = Limit("trips", 1, "trips a replication", "injects", "carry fewer")
    monkeypatch.setattr("sim.scenario.budget.LIMITS", (tight,))
    refused(["run", TINY, "-o", str(tmp_path / "a")], "trips")
    result = CliRunner().invoke(main, ["run", TINY, "-o", str(tmp_path / "b"), "--allow-large"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b" / "report.html").is_file()


def test_the_python_api_refuses_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from sim import replicate, run_scenario

    _must_not_simulate(monkeypatch)
    scenario = load_scenario(TINY)
    with pytest.raises(BudgetError, match="replications"):
        replicate(scenario, n=500_000)
    with pytest.raises(BudgetError, match="trips"):
        run_scenario(TINY, overrides=ZERO_TRIP_CROWD[1::2])
    assert check_budget([scenario], 500_000, file=TINY, allow_large=True).runs == 500_000


def test_validate_warns_of_a_run_beyond_the_budget(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text(Path(TINY).read_text().replace("seed = 1", "seed = 1\nreplications = 500000"))
    result = CliRunner().invoke(main, ["validate", str(big)])
    assert result.exit_code == 0
    assert "warning:" in result.output and "run.replications" in result.output


def test_every_limit_names_a_figure_of_the_estimate() -> None:
    fields = set(estimate([load_scenario(TINY)], 1).__dataclass_fields__)
    assert {limit.figure for limit in LIMITS} <= fields


@pytest.mark.parametrize("where", ["under_a_file", "unwritable"])
def test_an_output_folder_that_cannot_be_written_is_refused_before_simulating(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _must_not_simulate(monkeypatch)
    if where == "under_a_file":
        (tmp_path / "a_file").write_text("x")
        out = tmp_path / "a_file" / "sub" / "run"
        expected = "is a file"
    else:
        out = Path("/proc/borderdrill-no-such-place/run")  # nothing may be made in /proc
        expected = "cannot write in"
    refused(["run", TINY, "-o", str(out)], expected)
    refused(["assess", TINY, "-n", "2", "-o", str(out)], expected)
    assert not out.exists()


def test_an_experiment_default_folder_that_cannot_be_written_is_refused_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _must_not_simulate(monkeypatch)
    monkeypatch.chdir(tmp_path)
    Path("reports").write_text("a file where the reports folder would go")
    refused(["assess", TINY, "-n", "2"], "is a file")
    refused(["run", TINY], "is a file")

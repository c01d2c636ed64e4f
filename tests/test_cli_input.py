"""Bad values of the command line's options and paths: exit 2, the option and the fix
said, no traceback, nothing written and nothing deleted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import cli
from sim.cli import main
from sim.decisions import session
from sim.experiment.executors import JOBS_PER_CORE, default_jobs, workers
from sim.scenario.schema import RunSettings

HERE = Path(__file__).parent / "scenarios"
TINY = str(HERE / "tiny.toml")
BORDER = str(HERE / "tiny_border.toml")
PLACES = "name,nation,lat,lon,road_to\nBan A,LA,14.8,106.6,attapeu\n"


def refused(args: list[str], *expected: str) -> str:
    """The output of a command refused as bad input, checked for ``expected``."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    for text in expected:
        assert text in result.output, (text, result.output)
    return result.output


def contents(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "20001"])
def test_new_refuses_a_distance_that_is_not_a_number_in_range(value: str, tmp_path: Path) -> None:
    out = tmp_path / "my.toml"
    args = ["new", str(out), "--nations", "TH,KH", "--near", "nakhon_phanom_thakhek"]
    output = refused([*args, "--within", value], "Invalid value for '--within'")
    assert "0<=x<=20000" in output or "is not a number: give one from 0 to 20000" in output
    assert not out.exists()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0.5"])
def test_import_refuses_a_detour_that_is_not_a_number_in_range(value: str, tmp_path: Path) -> None:
    source = tmp_path / "v.csv"
    source.write_text(PLACES, encoding="utf-8")
    out = tmp_path / "o.toml"
    output = refused(
        ["import", str(source), "-o", str(out), "--detour", value], "Invalid value for '--detour'"
    )
    assert "1.0<=x<=3.0" in output or "is not a number: give one from 1 to 3" in output
    assert not out.exists()


def test_the_seed_bound_is_the_scenario_formats() -> None:
    bound = RunSettings.model_json_schema()["properties"]["seed"]["maximum"]
    assert cli.MAX_SEED == session.MAX_SEED == bound == 2**63 - 1


@pytest.mark.parametrize(
    "args",
    [
        ["run", TINY, "-o", "{out}"],
        ["run", BORDER, "-o", "{out}", "--decisions", "{out}.jsonl"],
        ["play", BORDER, "--session", "{out}.jsonl"],
        ["compare", TINY, "--variant", "a", "--set", "run.replications=2", "-o", "{out}"],
        ["assess", TINY, "-o", "{out}"],
        ["sweep", TINY, "--param", "coordination.language.interpreters=1,2", "-o", "{out}"],
    ],
)
@pytest.mark.parametrize("seed", [str(2**63), "99999999999999999999999", "-1"])
def test_every_command_bounds_the_seed(args: list[str], seed: str, tmp_path: Path) -> None:
    """A seed beyond the scenario format's would make a run or a session nothing could
    replay."""
    out = tmp_path / "out"
    refused(
        [a.format(out=out) for a in args] + ["--seed", seed],
        "Invalid value for '--seed'",
        "0<=x<=9223372036854775807",
    )
    assert list(tmp_path.iterdir()) == []


def test_the_largest_seed_plays_and_replays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.jsonl"
    monkeypatch.setattr("sim.play.server.serve", lambda *_: None)
    result = CliRunner().invoke(
        main, ["play", BORDER, "--session", str(path), "--seed", str(2**63 - 1)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text().splitlines()[0])["seed"] == 2**63 - 1
    replayed = CliRunner().invoke(
        main, ["run", BORDER, "--decisions", str(path), "-o", str(tmp_path / "o"), "--quiet"]
    )
    assert replayed.exit_code == 0, replayed.output


def test_jobs_beyond_the_work_or_the_cores_are_not_started() -> None:
    assert workers(None) == default_jobs()
    assert workers(1) == 1
    assert workers(10**30) == JOBS_PER_CORE * default_jobs()
    shown = " ".join(CliRunner().invoke(main, ["run", "--help"]).output.split())
    assert "More than four a core, or than there is work for, are not started" in shown


def test_many_jobs_give_the_same_results(tmp_path: Path) -> None:
    runs = {}
    for jobs in ("1", "3000"):
        out = tmp_path / jobs
        args = ["run", TINY, "-o", str(out), "-n", "3", "--jobs", jobs, "--quiet"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        runs[jobs] = (out / "kpis.csv").read_text()
    assert runs["1"] == runs["3000"]


@pytest.mark.parametrize(
    "args",
    [
        ["run", TINY, "-n", "1"],
        ["compare", TINY, "--variant", "a", "--set", "run.replications=2", "-n", "2"],
        ["assess", TINY, "-n", "2"],
        ["sweep", TINY, "--param", "coordination.language.interpreters=1,2", "-n", "2"],
    ],
)
def test_force_keeps_a_folder_a_run_did_not_write(args: list[str], tmp_path: Path) -> None:
    """Another tool's manifest.json does not make a folder a run folder."""
    folder = tmp_path / "webapp"
    (folder / "src").mkdir(parents=True)
    (folder / "manifest.json").write_text('{"name": "my-webapp"}')
    (folder / "notes.txt").write_text("important")
    (folder / "src" / "app.js").write_text("code")
    before = contents(folder)
    refused(
        [*args, "-o", str(folder), "--force", "--quiet"],
        f"{folder} holds files but is not a borderdrill run folder",
        "--force only replaces run folders: choose another folder with -o",
    )
    assert contents(folder) == before
    assert (folder / "notes.txt").read_text() == "important"
    assert [p.name for p in tmp_path.iterdir()] == ["webapp"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "{pipe}"], "Invalid value for 'SCENARIO': '{pipe}' is not a file"),
        (["validate", "{pipe}"], "Invalid value for 'FILES...': '{pipe}' is not a file"),
        (["play", "{pipe}"], "Invalid value for 'SCENARIO': '{pipe}' is not a file"),
        (["assess", "{pipe}"], "Invalid value for 'SCENARIO': '{pipe}' is not a file"),
        (["compare", "{pipe}", "--variant", "a"], "error: {pipe} is not a file (a folder, pipe"),
        (["import", "{pipe}"], "Invalid value for 'FILES...': '{pipe}' is not a file"),
        (["run", TINY, "--decisions", "{pipe}"], "Invalid value for '--decisions'"),
    ],
)
def test_a_pipe_as_a_file_is_refused_not_waited_on(
    args: list[str], expected: str, tmp_path: Path
) -> None:
    pipe = tmp_path / "scenario.toml"
    os.mkfifo(pipe)
    refused([a.format(pipe=pipe) for a in args], expected.format(pipe=pipe), "give a")
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.toml"]


def test_force_replaces_the_folders_runs_and_experiments_write(tmp_path: Path) -> None:
    for args in (
        ["run", TINY, "-n", "2", "--assess"],
        ["compare", TINY, "--variant", "a", "--set", "run.replications=2", "-n", "2"],
    ):
        out = tmp_path / args[0]
        for force in ([], ["--force"]):
            result = CliRunner().invoke(main, [*args, "-o", str(out), "--quiet", *force])
            assert result.exit_code == 0, result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_given_to_the_python_api_is_refused_not_waited_on(tmp_path: Path) -> None:
    from sim import read_scenario
    from sim.library.imports import ImportProblem, import_places
    from sim.scenario.errors import ScenarioError

    pipe = tmp_path / "places.csv"
    os.mkfifo(pipe)
    with pytest.raises(ScenarioError, match="is a folder, a pipe or a device, not a file"):
        read_scenario(pipe)
    with pytest.raises(ImportProblem, match="is a folder, a pipe or a device, not a file"):
        import_places([pipe])


def test_a_sweep_grid_too_large_is_refused_before_its_points_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.experiment import variants

    def made(*_: object) -> None:
        raise AssertionError("a point of the grid was made")

    monkeypatch.setattr(variants, "sweep_variants", made)
    approvals = ",".join(f"{minutes}min" for minutes in range(1, 1001))
    delays = ",".join(f"{minutes}min" for minutes in range(1, 101))
    out = tmp_path / "out"
    refused(
        [
            "sweep", TINY, "-n", "100", "-o", str(out),
            "--param", f"coordination.mutual_assistance.approval={approvals}",
            "--param", f"nations[0].report_delay={delays}",
        ],
        "use fewer values in the grid (100,000 points)",
        "run.replications: ",
    )  # fmt: skip
    assert not out.exists()

"""Runs that would exhaust memory or never end are refused before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import refused

from sim.cli import MAX_REPLICATIONS, main
from sim.scenario import load_scenario
from sim.scenario.budget import LIMITS, BudgetError, Limit, _problem, check_budget, estimate
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


TINY_BORDER = HERE / "tiny_border.toml"
WILDFIRE = HERE / "wildfire.toml"
STORM = [
    "--set",
    "scenario.duration=3650d",
    "--set",
    "coordination.channels.default.latency=1s",
    "--set",
    "coordination.channels.default.reliability=0",
    "--set",
    "coordination.channels.default.resend_after=1s",
]


def _border_file(tmp_path: Path, channel: str) -> str:
    """Tiny border over ten years, its default channel's table replaced by ``channel``."""
    text = TINY_BORDER.read_text().replace('duration = "2d"', 'duration = "3650d"')
    text = text.replace('kind = "diplomatic"\nlatency = "2h"\n', channel)
    path = tmp_path / "border.toml"
    path.write_text(text)
    return str(path)


NEVER = 'latency = "1s"\nreliability = 0.0\nresend_after = "1s"\n'


def _crowd_file(tmp_path: Path) -> str:
    """Tiny with 4,001 boats at one base and a thousand incidents a day (about 9 s a
    replication when measured)."""
    groups = "".join(
        f'\n[[units]]\nid = "u{i}"\nnation = "LA"\nagency = "A"\ntype = "boat"\n'
        'base = "attapeu"\ncount = 500\n'
        for i in range(8)
    )
    generator = (
        '\n[[generators]]\nneed = "rescue"\nplaces = ["sanamxay"]\nper_day = 1000\npeople = 50\n'
    )
    path = tmp_path / "crowd.toml"
    path.write_text(Path(TINY).read_text() + groups + generator)
    return str(path)


def test_a_channel_that_never_delivers_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _must_not_simulate(monkeypatch)
    out = tmp_path / "o"
    output = refused(
        ["run", str(TINY_BORDER), "-n", "1", "-o", str(out), *STORM],
        "coordination.channels.default.reliability",
        "resend_after",
        "lost messages resent",
        "--allow-large",
    )
    assert "limit of 2 GiB" in output
    assert not out.exists()
    result = CliRunner().invoke(main, ["validate", _border_file(tmp_path, NEVER)])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "warning:" in result.output
    assert "coordination.channels.default.reliability" in result.output


def test_resent_messages_are_counted() -> None:
    def resends(*overrides: str) -> float:
        sets = ["scenario.duration=1d", *overrides]
        return estimate([load_scenario(TINY_BORDER, sets)], 1).resends

    assert resends() == 0  # every message arrives
    assert resends("coordination.channels.default.reliability=0.5") == 2  # 2 messages, 1 each
    # nothing arrives: resent every 2 min (1 min on the way, 1 min to notice) all day long
    never = [
        "coordination.channels.default.reliability=0",
        "coordination.channels.default.latency=1min",
        "coordination.channels.default.resend_after=1min",
    ]
    assert resends(*never) == 2 * 720


def test_a_dedicated_channel_that_loses_messages_is_named(tmp_path: Path) -> None:
    path = Path(_border_file(tmp_path, 'latency = "2h"\n'))
    links = '[[coordination.channels.links]]\nbetween = ["LA", "TH"]\n'
    path.write_text(f"{path.read_text()}\n[coordination.channels]\nenabled = true\n{links}{NEVER}")
    refused(["run", str(path), "-o", str(tmp_path / "o")], "coordination.channels.links[0]")


def test_a_crowd_of_units_counts_in_the_estimate(tmp_path: Path) -> None:
    crowd = load_scenario(_crowd_file(tmp_path))
    found = estimate([crowd], 1000)
    assert found.units == 4001
    assert 8 / 3600 * 1000 <= found.hours < 24  # measured: about 9 s a replication
    assert found.hours > 5 * estimate([load_scenario(TINY)], 1000).hours
    assert not found.over()


def test_too_much_work_for_the_units_is_refused_naming_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _must_not_simulate(monkeypatch)
    out = tmp_path / "o"
    output = refused(
        ["run", _crowd_file(tmp_path), "-n", "10000", "--jobs", "1", "-o", str(out)],
        "units: ",
        "hours of computing",
        "limit of 24 hours",
        "fewer units",
    )
    assert "Traceback" not in output
    assert not out.exists()


def test_random_ignitions_are_named_when_they_make_the_incidents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _must_not_simulate(monkeypatch)
    text = WILDFIRE.read_text().replace('duration = "1d"', 'duration = "3650d"')
    text = text.replace(
        "[wildfire]\n",
        "[wildfire]\nrandom_ignitions = { per_day = 100, box = [14.40, 105.15, 14.60, 105.40] }\n",
    )
    path = tmp_path / "fires.toml"
    path.write_text(text)
    out = tmp_path / "o"
    output = refused(
        ["run", str(path), "-n", "1", "-o", str(out)],
        "wildfire.random_ignitions.per_day: ",
        "incidents a replication",
        "lower wildfire.random_ignitions.per_day",
        "limit of 2 GiB",
    )
    assert "generators" not in output
    assert not out.exists()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "warning:" in result.output and "wildfire.random_ignitions.per_day" in result.output
    assert "generators" not in result.output


def test_every_limit_says_its_unit() -> None:
    found = estimate([load_scenario(TINY)], 1)
    for limit in LIMITS:
        high = Limit(limit.figure, 0, limit.unit, limit.path, limit.fix, limit.short)
        text = _problem(found, high).message
        assert f"limit of 0 {limit.short or limit.unit} " in text

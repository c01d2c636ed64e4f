"""Replications, variants and executors: reproducible whatever runs them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import load_scenario, read_scenario
from sim.analysis.stats import mean_ci, t_quantile_975
from sim.cli import main
from sim.experiment import RunOptions, compare, replicate
from sim.experiment.variants import MECHANISMS, assessment_variants
from sim.report.experiment_report import plain_name

HERE = Path(__file__).parent / "scenarios"
MECH = HERE / "mechanisms.toml"
TWO = RunOptions(jobs=2, progress=False)


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(MECH)


def test_results_do_not_depend_on_the_number_of_workers(scenario) -> None:  # type: ignore[no-untyped-def]
    one = replicate(scenario, n=12, seed=5, options=RunOptions(jobs=1, progress=False))
    two = replicate(scenario, n=12, seed=5, options=RunOptions(jobs=2, progress=False))
    assert one.kpis.equals(two.kpis)
    assert one.incidents.equals(two.incidents)
    assert len(one.incidents) > 12


def test_dask_local_cluster_gives_the_same_results(scenario) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    local = replicate(scenario, n=8, seed=5, options=RunOptions(jobs=2, progress=False))
    dask = replicate(
        scenario, n=8, seed=5, options=RunOptions(jobs=2, scheduler="local", progress=False)
    )
    assert local.kpis.equals(dask.kpis)


def test_confidence_intervals_shrink_as_replications_grow(scenario) -> None:  # type: ignore[no-untyped-def]
    widths = []
    for n in (10, 40, 160):
        estimate = replicate(
            scenario, n=n, seed=1, options=RunOptions(jobs=2, progress=False), keep_incidents=False
        ).estimate("response_median_min")
        assert estimate.ci_low < estimate.mean < estimate.ci_high
        widths.append(estimate.ci_high - estimate.ci_low)
    # the half-width falls like 1/sqrt(n): about half for four times the replications
    assert widths[0] > widths[1] > widths[2]
    assert 0.3 < widths[2] / widths[1] < 0.75


def test_a_scenario_against_itself_differs_by_exactly_zero(scenario) -> None:  # type: ignore[no-untyped-def]
    reps = compare(scenario, {"same": scenario}, n=10, seed=3, options=TWO)
    assert reps.identical("same")
    for kpi in ("response_median_min", "response_p90_min", "within_target"):
        difference = reps.difference(kpi, "same")
        assert difference.mean == 0.0 and difference.ci_low == 0.0 and difference.ci_high == 0.0


def test_a_saving_mechanism_shows_a_negative_paired_difference(scenario) -> None:  # type: ignore[no-untyped-def]
    preauth = ["coordination.mutual_assistance.pre_authorized=true"]
    reps = compare(MECH, {"preauth": preauth}, n=20, seed=3, options=TWO)
    difference = reps.difference("response_mean_min", "preauth")
    assert difference.ci_high < 0  # significantly faster: approval took a median 4 h


def test_assessment_turns_each_mechanism_the_other_way() -> None:
    variants = assessment_variants(MECH)
    assert list(variants) == ["baseline", *(f"{m} on" for m in MECHANISMS)]
    preauth = variants["mutual_assistance on"].coordination.mutual_assistance
    assert preauth.pre_authorized is True
    turned_off = assessment_variants(read_scenario(MECH, ["coordination.language.enabled=true"]))
    assert "language off" in turned_off


def test_t_quantiles_and_intervals() -> None:
    assert t_quantile_975(1) == pytest.approx(12.7062, abs=1e-4)
    assert t_quantile_975(20) == pytest.approx(2.0860, abs=1e-3)
    assert t_quantile_975(120) == pytest.approx(1.9799, abs=1e-3)
    estimate = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    assert estimate.mean == 3.0
    assert estimate.ci_high - 3.0 == pytest.approx(2.7764 * math.sqrt(2.5) / math.sqrt(5), rel=1e-4)
    assert math.isnan(mean_ci([7.0]).ci_low) and mean_ci([]).n == 0


def test_run_with_replications_reports_intervals(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", str(MECH), "-n", "8", "--jobs", "2", "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "8 replications" in result.output and "95 % CI" in result.output
    summary = json.loads((out / "summary.json").read_text())
    median = summary["replications"]["kpis"]["response_median_min"]
    assert median["n"] == 8 and median["ci_low"] < median["mean"] < median["ci_high"]
    assert len((out / "kpis.csv").read_text().splitlines()) == 9
    assert "Across 8 replications" in (out / "report.html").read_text()


def test_compare_assess_and_sweep_from_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    compared = runner.invoke(
        main,
        [
            "compare",
            str(MECH),
            "--variant",
            "preauth",
            "--set",
            "coordination.mutual_assistance.pre_authorized=true",
            "-n",
            "6",
            "--jobs",
            "2",
            "-o",
            str(tmp_path / "c"),
            "--quiet",
        ],
    )
    assert compared.exit_code == 0, compared.output
    line = next(t for t in compared.output.splitlines() if t.startswith("  preauth: "))
    headline = line.split(";")[0]  # the key figure where the effect is clear comes first
    assert "wait for help −" in headline and "no clear effect" not in headline, line
    summary = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert summary["variants"].keys() == {"baseline", "preauth"}
    assert (tmp_path / "c" / "figures" / "differences_response_median_min.png").exists()

    assessed = runner.invoke(
        main, ["assess", str(MECH), "-n", "4", "--jobs", "2", "-o", str(tmp_path / "a"), "--quiet"]
    )
    assert assessed.exit_code == 0, assessed.output
    report = (tmp_path / "a" / "report.html").read_text()
    assert all(plain_name(f"{m} on") in report for m in MECHANISMS)

    swept = runner.invoke(
        main,
        [
            "sweep",
            str(MECH),
            "--param",
            "coordination.mutual_assistance.approval=1h,4h,12h",
            "-n",
            "4",
            "--jobs",
            "2",
            "-o",
            str(tmp_path / "s"),
            "--quiet",
        ],
    )
    assert swept.exit_code == 0, swept.output
    variants = json.loads((tmp_path / "s" / "summary.json").read_text())["variants"]
    assert len(variants) == 3
    assert (tmp_path / "s" / "figures" / "sweep_response_median_min.png").exists()


def test_compare_without_variants_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(MECH), "-o", str(tmp_path / "c")])
    assert result.exit_code == 2 and "nothing to compare" in result.output
    bad = CliRunner().invoke(
        main,
        [
            "compare",
            str(MECH),
            "--variant",
            "x",
            "--set",
            "coordination.nope=1",
            "-o",
            str(tmp_path / "c"),
        ],
    )
    assert bad.exit_code == 2 and "coordination.nope" in bad.output
    assert not (tmp_path / "c").exists()


def test_compare_two_scenario_files(tmp_path: Path) -> None:
    # without the day-long outage of the test scenario, so requests can go at once
    text = MECH.read_text()
    start = text.index('[[injects]]\ntype = "channel_outage"')
    text = text[:start] + text[text.index("[coordination.channels]") :]
    base = tmp_path / "base.toml"
    base.write_text(text)
    hotline = tmp_path / "hotline.toml"
    hotline.write_text(
        text.replace("[coordination.channels]", "[coordination.channels]\nenabled = true")
    )
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(base),
            str(hotline),
            "-n",
            "20",
            "--jobs",
            "2",
            "-o",
            str(tmp_path / "c"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert list(summary["variants"]) == ["baseline", "hotline"]
    # a hotline instead of diplomatic notes: requests arrive sooner, and so does help
    assert summary["differences"]["hotline"]["stage_request_mean_min"]["ci_high"] < -60
    assert summary["differences"]["hotline"]["response_mean_min"]["mean"] < 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--variant", "baseline", "--set", "coordination.language.enabled=true"], "must differ"),
        (
            ["--variant", "a", "--set", "coordination.language.enabled=true", "--variant", "a"],
            "must differ",
        ),
        (["--variant", "--set", "coordination.language.enabled=true"], "needs a value"),
    ],
)
def test_compare_refuses_ambiguous_variants(tmp_path: Path, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(main, ["compare", str(MECH), *args, "-o", str(tmp_path / "c")])
    assert result.exit_code == 2 and expected in result.output
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    "params",
    [
        ["coordination.mutual_assistance.approval=1h"],
        ["coordination.mutual_assistance.approval=1h,1h"],
        [
            "coordination.mutual_assistance.approval=1h,4h",
            "coordination.mutual_assistance.approval=2h",
        ],
    ],
)
def test_sweep_refuses_grids_that_lose_points(tmp_path: Path, params: list[str]) -> None:
    args = [a for p in params for a in ("--param", p)]
    result = CliRunner().invoke(main, ["sweep", str(MECH), *args, "-o", str(tmp_path / "s")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_an_unreachable_scheduler_is_a_clean_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(MECH),
            "-n",
            "2",
            "--scheduler",
            "nonsense",
            "-o",
            str(tmp_path / "r"),
            "--quiet",
        ],
    )
    assert result.exit_code == 2 and "cannot reach the Dask scheduler" in result.output

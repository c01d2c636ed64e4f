"""The same scenario and seed give the same numbers; another seed gives others."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import load_scenario, simulate
from sim.cli import main

SCENARIOS = Path(__file__).parents[1] / "scenarios"
DEFAULT = SCENARIOS / "sekong_flood_2018.toml"


def run_csvs(folder: Path, seed: int) -> tuple[str, str, str]:
    result = CliRunner().invoke(
        main, ["run", str(DEFAULT), "-o", str(folder), "--seed", str(seed), "-n", "1"]
    )
    assert result.exit_code == 0, result.output
    return tuple((folder / f).read_text() for f in ("incidents.csv", "events.csv", "summary.json"))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def seed_11(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """The files of one run on seed 11, shared by the two comparisons below."""
    return run_csvs(tmp_path_factory.mktemp("seed") / "run", 11)


def test_same_seed_same_files(tmp_path: Path, seed_11: tuple[str, str, str]) -> None:
    assert run_csvs(tmp_path / "run", 11) == seed_11


def test_other_seed_other_numbers(tmp_path: Path, seed_11: tuple[str, str, str]) -> None:
    assert run_csvs(tmp_path / "run", 12)[0] != seed_11[0]


def test_replications_draw_independent_streams() -> None:
    scenario = load_scenario(DEFAULT)
    first = simulate(scenario, seed=3, replication=0).events
    assert simulate(scenario, seed=3, replication=0).events == first
    assert simulate(scenario, seed=3, replication=1).events != first


def test_entity_streams_draw_the_standard_distributions_and_repeat_by_key() -> None:
    from scipy import stats

    from sim.model.random import streams

    draws = streams(7, 0)
    uniform = [draws.of("work", f"u{i}").uniform() for i in range(4000)]
    exponential = [draws.of("border", f"u{i}").exponential() for i in range(4000)]
    normal = [draws.of("comms", f"m{i}").normal() for i in range(4000)]
    assert stats.kstest(uniform, "uniform").pvalue > 1e-3
    assert stats.kstest(exponential, "expon").pvalue > 1e-3
    assert stats.kstest(normal, "norm").pvalue > 1e-3
    again = streams(7, 0).of("work", "u3")
    assert [again.uniform(), again.uniform()] == [
        streams(7, 0).of("work", "u3").uniform(),
        draws.of("work", "u3").uniform(),
    ]
    assert streams(7, 1).of("work", "u3").uniform() != streams(7, 0).of("work", "u3").uniform()

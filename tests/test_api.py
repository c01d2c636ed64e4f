"""The Python API as an analyst uses it from a notebook (issue: the API as tidy as the CLI).

One shape for the experiments, typed run options, results as DataFrames, checked key
figure names, Dask clients, the players measured against doctrine, a quiet progress bar.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim import (
    KPIS,
    Estimate,
    RunOptions,
    UnknownKpi,
    assess,
    compare,
    decision_frame,
    incident_frame,
    load_played,
    load_scenario,
    measure_players,
    play_scripted,
    read_scenario,
    replicate,
    simulate,
    sweep,
    unit_frame,
    wait_frame,
)
from sim.analysis import frames
from sim.analysis.activity import STATES
from sim.analysis.kpis import GROUPED
from sim.experiment import executors

ROOT = Path(__file__).parents[1]
TESTS = Path(__file__).parent / "scenarios"
MECH = TESTS / "mechanisms.toml"
TINY = TESTS / "tiny_border.toml"
QUICK = RunOptions(jobs=1, progress=False)
PREAUTH = "coordination.mutual_assistance.pre_authorized=true"
MECHANISMS = load_scenario(MECH)


# 1. one shape, typed options, documented functions


def test_the_three_experiments_have_one_shape() -> None:
    shapes = {f.__name__: inspect.signature(f).parameters for f in (compare, assess, sweep)}
    for name, parameters in shapes.items():
        keyword = [p for p in parameters.values() if p.kind is p.KEYWORD_ONLY]
        assert [p.name for p in keyword] == ["n", "seed", "played", "options"], name
        assert next(iter(parameters)) == "base"
        doc = inspect.getdoc(getattr(sim, name)) or ""
        assert "run_variants" not in doc and "Example" in doc


def test_a_misspelt_option_is_refused_where_it_is_written() -> None:
    with pytest.raises(TypeError, match="no option 'job'; the options are jobs, scheduler"):
        RunOptions(job=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="job"):
        compare(MECH, {"preauth": [PREAUTH]}, job=2)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="jobs"):
        RunOptions(jobs=0)
    with pytest.raises(TypeError, match="scheduler"):
        RunOptions(scheduler=8786)


def test_the_base_may_be_a_path_a_read_file_or_a_scenario() -> None:
    as_path = compare(MECH, {"preauth": [PREAUTH]}, n=3, seed=2, options=QUICK)
    as_file = compare(read_scenario(MECH), {"preauth": [PREAUTH]}, n=3, seed=2, options=QUICK)
    preauth = load_scenario(MECH, [PREAUTH])
    in_memory = compare(load_scenario(MECH), {"preauth": preauth}, n=3, seed=2, options=QUICK)
    assert as_path.frame().equals(as_file.frame())
    assert as_path.frame().equals(in_memory.frame())
    with pytest.raises(ValueError, match="needs the base scenario as a file"):
        compare(load_scenario(MECH), {"preauth": [PREAUTH]}, n=3, options=QUICK)


def test_results_have_a_frame_a_ranking_and_a_folder(tmp_path: Path) -> None:
    result = assess(MECH, n=4, seed=1, options=RunOptions(jobs=2, progress=False))
    frame = result.frame()
    assert len(frame) == 4 * 11 and set(frame["replication"]) == {0, 1, 2, 3}
    ranking = result.ranking()
    assert list(ranking.columns) == list(sim.analysis.replications.RANKING_COLUMNS)
    assert ranking["mean"].is_monotonic_increasing  # the largest saving first
    top = ranking.iloc[0]
    change = result.difference("response_median_min", top["variant"])
    assert (top["mean"], top["ci_low"], top["ci_high"]) == pytest.approx(
        (change.mean, change.ci_low, change.ci_high), nan_ok=True
    )
    assert top["clear"] == (not change.spans_zero)
    folder = result.write(tmp_path / "assessed")
    assert (folder / "report.html").exists() and (folder / "kpis.csv").exists()
    assert "Assessment of mechanisms.toml" in (folder / "report.html").read_text()


# 2. a single run as DataFrames


def test_a_run_gives_documented_frames() -> None:
    run = simulate(load_scenario(MECH), seed=4)
    incidents, units = incident_frame(run), unit_frame(run)
    decisions, waits = decision_frame(run), wait_frame(run)
    assert list(incidents.columns) == list(frames.INCIDENT_COLUMNS)
    assert list(units.columns) == list(frames.UNIT_COLUMNS)
    assert list(decisions.columns) == list(frames.DECISION_COLUMNS)
    assert list(waits.columns) == list(frames.WAIT_COLUMNS)
    assert len(incidents) == len(run.incidents) and len(units) == len(run.units)
    # the parts of the response time add up to it, for every incident reached
    reached = incidents[incidents["response_min"].notna()]
    parts = reached[[f"{p}_min" for p in sim.analysis.COMPONENTS]].sum(axis=1)
    assert len(reached) > 0 and (parts - reached["response_min"]).abs().max() < 1e-6
    assert (reached["on_scene_at_min"] - reached["occurred_at_min"]).equals(reached["response_min"])
    # every unit's time is in one state or another, from start to end
    states = units[[c for c in units.columns if c.endswith("_min") and c != "tasked_min"]]
    assert states.sum(axis=1).sub(run.horizon_min).abs().max() < 1e-6
    assert decisions["time_min"].is_monotonic_increasing
    assert (
        set(waits["cause"]) <= {"no_route", "grounded", "border"} and (waits["minutes"] >= 0).all()
    )
    border = waits[waits["cause"] == "border"]
    assert (border["crossing"] != "").all()


@settings(max_examples=20)
@given(seed=st.integers(0, 10_000), replication=st.integers(0, 50))
def test_frames_add_up_whatever_the_seed(seed: int, replication: int) -> None:
    run = simulate(MECHANISMS, seed=seed, replication=replication)
    incidents, units = incident_frame(run), unit_frame(run)
    reached = incidents[incidents["response_min"].notna()]
    parts = reached[[f"{p}_min" for p in sim.analysis.COMPONENTS]].sum(axis=1)
    assert ((parts - reached["response_min"]).abs() < 1e-6).all()
    assert (incidents["waited_min"] >= incidents["response_min"].fillna(0)).all()
    states = units[[f"{s.replace(' ', '_')}_min" for s in STATES]].sum(axis=1)
    assert ((states - run.horizon_min).abs() < 1e-6).all()
    waits = wait_frame(run)
    assert ((waits["start_min"] + waits["minutes"]) <= run.horizon_min + 1e-6).all()


def test_border_waits_agree_with_the_incidents_border_part() -> None:
    run = simulate(load_scenario(MECH), seed=4)
    incidents, waits = incident_frame(run), wait_frame(run)
    served = incidents[incidents["response_min"].notna() & (incidents["border_min"] > 0)]
    assert len(served) > 0
    for _, row in served.iterrows():
        mine = waits[(waits["incident"] == row["incident"]) & (waits["unit"] == row["first_unit"])]
        assert mine[mine["cause"] == "border"]["minutes"].sum() == pytest.approx(row["border_min"])


# 3. sweeps: one column per parameter


def test_a_sweep_has_a_column_per_parameter_to_plot_against() -> None:
    grid = {
        "coordination.mutual_assistance.approval": ["1h", "4h"],
        "coordination.mutual_assistance.pre_authorized": [False, True],
    }
    result = sweep(MECH, grid, n=2, seed=1, options=QUICK)
    frame = result.frame()
    approval = "coordination.mutual_assistance.approval"
    assert list(frame.columns[:3]) == [
        "variant",
        approval,
        "coordination.mutual_assistance.pre_authorized",
    ]
    assert sorted(set(frame[approval])) == [60.0, 240.0]  # durations in minutes
    assert frame[approval].dtype.kind == "f"
    assert set(frame["coordination.mutual_assistance.pre_authorized"]) == {False, True}
    assert len(result.ranking()) == 3 and approval in result.ranking().columns
    means = frame.groupby(approval)["response_mean_min"].mean()
    assert means[60.0] < means[240.0]  # quicker approval, quicker help


# 4. key figure names


def test_a_misspelt_key_figure_names_the_known_ones() -> None:
    reps = replicate(load_scenario(MECH), n=2, seed=1, options=QUICK)
    with pytest.raises(UnknownKpi) as raised:
        reps.estimate("response_median")
    assert "response_median_min" in str(raised.value) and "within_target" in str(raised.value)
    with pytest.raises(UnknownKpi):
        reps.ranking("response_median")
    with pytest.raises(ValueError, match="no variant 'nope'"):
        reps.estimate("response_median_min", "nope")


def test_every_key_figure_is_documented() -> None:
    reps = replicate(load_scenario(MECH), n=2, seed=1, options=QUICK)
    patterns = [p.split("<")[0] for p in GROUPED]
    for name in reps.kpi_names():
        assert name in KPIS or (
            any(name.startswith(p) for p in patterns)
            and name.rsplit(".", 1)[1] in {g.rsplit(".", 1)[1] for g in GROUPED}
        ), name
    assert set(KPIS) - set(reps.kpi_names()) == {"decision_fallbacks"}


def test_estimate_names_are_those_of_its_dict_form() -> None:
    estimate = Estimate(1.0, 0.5, 1.5, 3)
    assert [f.name for f in dataclasses.fields(Estimate)] == list(estimate.as_dict())
    assert estimate.as_dict() == {"mean": 1.0, "ci_low": 0.5, "ci_high": 1.5, "n": 3}


# 5. Dask


def test_a_dask_client_is_used_and_the_local_cluster_reused() -> None:
    distributed = pytest.importorskip("distributed")
    scenario = load_scenario(MECH)
    here = replicate(scenario, n=6, seed=5, options=QUICK)
    with distributed.Client(processes=False, n_workers=1, dashboard_address=":0") as client:
        remote = replicate(
            scenario, n=6, seed=5, options=RunOptions(scheduler=client, progress=False)
        )
        assert client.status == "running"  # the caller's client is left open
    assert here.frame().equals(remote.frame())
    local = RunOptions(jobs=1, scheduler="local", progress=False)
    try:
        first = replicate(scenario, n=2, seed=5, options=local)
        cluster = executors._local[1].cluster
        second = replicate(scenario, n=2, seed=5, options=local)
        assert executors._local[1].cluster is cluster  # not a fresh cluster every call
        assert first.frame().equals(second.frame())
    finally:
        executors.close_local_clusters()


# 6. the players measured against doctrine, in public


def _scripted(tmp_path: Path, choice: str) -> sim.PlayedSession:
    """A session on the tiny border scenario in which Laos answers its one point."""
    return play_scripted(TINY, tmp_path / f"{choice}.jsonl", lambda point: choice, seats=["LA"])


def test_players_are_measured_against_doctrine_from_the_public_api(tmp_path: Path) -> None:
    assert {"load_played", "measure_players", "play_scripted", "PlayedSession"} <= set(sim.__all__)
    played = _scripted(tmp_path, "wait")
    assert load_played(TINY, tmp_path / "wait.jsonl").taken == played.taken
    result = measure_players(played, n=3, options=QUICK)
    assert result.seed == played.seed and result.variants == ["baseline", "players"]
    assert result.estimate("unserved", "players").mean == 1  # Laos waited and never asked
    assert result.difference("unserved", "players").mean == 1
    (decision,) = result.decisions().itertuples()
    assert (decision.kind, decision.choice, decision.proposal) == ("ask", "wait", "TH")
    assert decision.unserved_mean == 1 and decision.changed == 3
    assert "Laos does not ask for help yet" in (result.weightiest() or "")
    same = compare(TINY, {}, n=3, played=played, options=QUICK)
    assert same.frame().equals(result.frame())
    with pytest.raises(ValueError, match="replays no played session"):
        assess(TINY, n=2, options=QUICK).decisions()


def test_a_scripted_seat_is_refused_a_choice_it_does_not_have(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'nonsense' for ask"):
        play_scripted(TINY, tmp_path / "x.jsonl", lambda point: "nonsense", seats=["LA"])
    with pytest.raises(ValueError, match="seats: give some of LA, TH"):
        play_scripted(TINY, tmp_path / "y.jsonl", lambda point: None, seats=["XX"])
    # doctrine's own answers, scripted, are doctrine: nothing to measure
    agreed = play_scripted(
        TINY, tmp_path / "z.jsonl", lambda point: point.proposal.choice, seats=["LA", "TH"]
    )
    assert agreed.by_players and not agreed.departures


# 7. quiet progress


def test_no_progress_bar_means_no_tqdm_at_all() -> None:
    code = textwrap.dedent(
        f"""
        import sys, warnings
        warnings.simplefilter("error")
        from sim import RunOptions, load_scenario, replicate
        replicate(load_scenario({str(MECH)!r}), n=2, options=RunOptions(jobs=1, progress=False))
        assert "tqdm" not in sys.modules, "tqdm imported"
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr


# issue 19, item 6: local workers end with the parent, even after kill -9


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_parent_is_killed() -> None:
    code = textwrap.dedent(
        f"""
        from sim import RunOptions, load_scenario, replicate
        options = RunOptions(jobs=2, progress=False)
        replicate(load_scenario({str(MECH)!r}), n=100_000, options=options, keep_incidents=False)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", code])
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) >= 2, "the workers never started"
        time.sleep(1.0)  # well into the run
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10 * executors.PARENT_CHECK_S + 5
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        for worker in workers:  # never leave one behind, even when the test fails
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)


# the reference


def test_the_api_reference_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("api_docs", ROOT / "scripts" / "api_docs.py")
    assert spec is not None and spec.loader is not None
    api_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(api_docs)
    written = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert written == api_docs.render(), "docs/api.md is out of date: run scripts/api_docs.py"
    for name in sim.__all__:
        assert f"### `{name}`" in written

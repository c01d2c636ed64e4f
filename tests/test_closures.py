"""Dated closures (``[[closures]]``): every crossing between two nations is closed while one
lasts; a scenario dated inside it is warned, a draft for the pair is dated outside it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from support import load_with

from sim import simulate
from sim.library import closures
from sim.library.draft import draft_scenario
from sim.log import BORDER_CLEARED, CROSSING_CLOSED, CROSSING_REOPENED
from sim.scenario import read_scenario
from sim.scenario.checks import check_references
from sim.scenario.errors import ScenarioError
from sim.scenario.types import LOCAL_TIME

SOURCE = {"ref": "a test's own closure", "as_of": "2018-07", "status": "recalled, unverified"}


def closed(start: str, until: str | None = None) -> Any:
    """tiny_border.toml with the TH-LA crossings closed from ``start`` (to ``until``)."""

    def change(data: dict[str, Any]) -> None:
        closure = {"id": "c", "name": "A test closure", "between": ["LA", "TH"], "from": start}
        if until is not None:
            closure["until"] = until
        data["closures"] = [closure | {"source": SOURCE}]

    return change


def test_a_closure_over_the_whole_run_keeps_the_crossing_shut_and_is_said() -> None:
    scenario = load_with("tiny_border.toml", closed("2018-07-01T00:00:00+07:00"))
    warnings = check_references(scenario)[1]
    said = [w.describe() for w in warnings if w.path == "closures[0]"]
    assert len(said) == 1
    assert "Chong Mek - Vang Tao is closed for the whole exercise" in said[0]
    assert "recalled, unverified" in said[0] and "01 July 2018" in said[0]
    log = simulate(scenario, seed=1)
    assert (0.0, CROSSING_CLOSED) in [(t, e) for t, e, *_ in log.events]
    assert not [e for e in log.events if e[1] == BORDER_CLEARED]  # the Thai boat never crosses


def test_the_map_writes_when_a_crossing_was_closed() -> None:
    from sim import incident_rows
    from sim.report.map_data import run_map_data

    scenario = load_with(
        "tiny_border.toml", closed("2018-07-01T00:00:00+07:00", "2018-07-24T08:00:00+07:00")
    )
    run = simulate(scenario, seed=1)
    (name,) = [name for name, _, _ in run_map_data(scenario, run, incident_rows(run)).crossings]
    assert name == "Chong Mek - Vang Tao (closed Mon 08:00–Tue 08:00)"


def test_a_closure_that_ends_inside_the_run_reopens_the_crossing_then() -> None:
    scenario = load_with(
        "tiny_border.toml", closed("2018-07-01T00:00:00+07:00", "2018-07-24T08:00:00+07:00")
    )
    said = [w.describe() for w in check_references(scenario)[1] if w.path == "closures[0]"]
    assert "closed until 1d into the exercise" in said[0]
    log = simulate(scenario, seed=1)
    reopened = [t for t, e, *_ in log.events if e == CROSSING_REOPENED]
    assert reopened == [24 * 60]
    cleared = [t for t, e, *_ in log.events if e == BORDER_CLEARED]
    assert cleared and min(cleared) >= 24 * 60


def test_a_closure_outside_the_run_changes_nothing() -> None:
    base = load_with("tiny_border.toml")
    scenario = load_with(
        "tiny_border.toml", closed("2017-01-01T00:00:00+07:00", "2017-06-01T00:00:00+07:00")
    )
    assert not [w for w in check_references(scenario)[1] if w.path.startswith("closures")]
    assert simulate(scenario, seed=1).events == simulate(base, seed=1).events


def test_an_inject_does_not_lift_a_closure() -> None:
    def reopen(data: dict[str, Any]) -> None:
        closed("2018-07-01T00:00:00+07:00")(data)
        data["injects"].append(
            {"type": "crossing_reopened", "at": "2h", "crossing": "chong_mek_vang_tao"}
        )

    log = simulate(load_with("tiny_border.toml", reopen), seed=1)
    assert not [e for e in log.events if e[1] in (BORDER_CLEARED, CROSSING_REOPENED)]


@pytest.mark.parametrize(
    ("closure", "expected"),
    [
        ({"between": ["TH", "TH"]}, "closures[0].between: names TH twice"),
        ({"until": "2018-06-01T00:00:00+07:00"}, "closures[0].until: is not after its start"),
    ],
)
def test_a_closure_that_cannot_be_is_refused(closure: dict[str, Any], expected: str) -> None:
    def change(data: dict[str, Any]) -> None:
        closed("2018-07-01T00:00:00+07:00")(data)
        data["closures"][0] |= closure

    with pytest.raises(ScenarioError) as refused:
        load_with("tiny_border.toml", change)
    assert expected in str(refused.value)


def test_the_library_closes_the_thai_cambodian_crossings_from_mid_2025() -> None:
    (closure,) = [c for c in closures() if set(c["between"]) == {"TH", "KH"}]
    assert closure["from"] == datetime(2025, 6, 23, tzinfo=LOCAL_TIME)
    assert closure["source"]["status"] == "recalled, unverified"  # nothing checked here


@pytest.mark.parametrize("hazard", ["flood", "wildfire"])
def test_a_thai_cambodian_draft_is_dated_outside_the_closure_and_says_why(
    hazard: str, tmp_path: Path
) -> None:
    path = tmp_path / "draft.toml"
    path.write_text(draft_scenario("TH,KH", hazard, "khlong_luek_poipet"), encoding="utf-8")
    source = read_scenario(path)
    assert source.scenario.scenario.start < datetime(2025, 6, 23, tzinfo=LOCAL_TIME)
    assert not [w for w in source.warnings if w.path.startswith("closures")]
    if hazard == "flood":  # the rainy season of 2025 is inside it: a year earlier, said so
        assert source.scenario.scenario.start.year == 2024
        said = " ".join(line.removeprefix("# ") for line in path.read_text().splitlines())
        assert "were closed from 23 June 2025" in said


def test_a_thai_cambodian_scenario_dated_inside_the_closure_is_warned(tmp_path: Path) -> None:
    path = tmp_path / "draft.toml"
    text = draft_scenario("TH,KH", "flood", "khlong_luek_poipet")
    path.write_text(text.replace("start = 2024-", "start = 2025-"), encoding="utf-8")
    source = read_scenario(path)
    (warning,) = [w.describe() for w in source.warnings if w.path.startswith("closures")]
    assert "Khlong Luek (Aranyaprathet) - Poipet" in warning and "library:closures/th_kh" in warning
    cleared = [e for e in simulate(source.scenario, seed=1).events if e[1] == BORDER_CLEARED]
    assert not cleared


def test_a_draft_without_thai_cambodian_crossings_keeps_the_season_of_2025(
    tmp_path: Path,
) -> None:
    path = tmp_path / "draft.toml"
    path.write_text(draft_scenario("TH,LA", "flood", "nakhon_phanom_thakhek"), encoding="utf-8")
    assert read_scenario(path).scenario.scenario.start.year == 2025


def test_a_draft_whose_gazetteer_holds_a_closed_crossing_moves_too(tmp_path: Path) -> None:
    # the Emerald Triangle holds Chong Sa-Ngam - Choam besides Chong Mek: a TH-LA draft there
    # would have it closed in 2025
    path = tmp_path / "draft.toml"
    path.write_text(draft_scenario("TH,LA", "flood", "chong_mek"), encoding="utf-8")
    source = read_scenario(path)
    assert source.scenario.scenario.start.year == 2024 and not source.warnings
    said = " ".join(line.removeprefix("# ") for line in path.read_text().splitlines())
    assert "the crossings between Thailand and Cambodia were closed from 23 June 2025" in said

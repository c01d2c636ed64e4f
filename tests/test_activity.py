"""The unit timeline: what each unit was doing, read from the event log."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from support import load_with

from sim import load_scenario, simulate
from sim.analysis import unit_utilisation
from sim.analysis.activity import STATES, Span, unit_activity

HERE = Path(__file__).parent / "scenarios"
ROOT = Path(__file__).parent.parent


def test_local_rescue_unit_timeline() -> None:
    # the boat of test_timeline's hand-computed rescue: sent at 90, leaves 120, on scene
    # 180 until released at 300, home at 360
    log = simulate(load_scenario(HERE / "tiny.toml"))
    spans = unit_activity(log)["la-boat"]
    assert [(s.start, s.end, s.state) for s in spans] == [
        (0.0, 90.0, "idle"),
        (90.0, 120.0, "mobilising"),
        (120.0, 180.0, "travelling"),
        (180.0, 300.0, "on scene"),
        (300.0, 360.0, "returning"),
        (360.0, log.horizon_min, "idle"),
    ]


def test_border_wait_shows_as_its_own_state() -> None:
    log = simulate(load_scenario(HERE / "tiny_border.toml"))
    states = {s.state for spans in unit_activity(log).values() for s in spans}
    assert "at border" in states


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.stem)
def test_spans_cover_the_exercise_without_gaps(path: Path) -> None:
    scenario = load_scenario(path)
    log = simulate(scenario, seed=scenario.run.seed)
    activity = unit_activity(log)
    assert set(activity) == {u.id for u in log.units}
    tasked = {u["unit"]: u["tasked_min"] for u in unit_utilisation(log)}
    for unit, spans in activity.items():
        assert spans[0].start == 0.0 and spans[-1].end == pytest.approx(log.horizon_min)
        for a, b in itertools.pairwise(spans):
            assert a.end == pytest.approx(b.start) and a.start < a.end
        assert all(s.state in STATES for s in spans)
        busy = sum(
            s.end - s.start
            for s in spans
            if s.incident >= 0 and s.state not in ("idle", "returning", "down")
        )
        # tasked time (dispatched to released) is what the timeline shows as busy, less
        # a breakdown that struck while tasked
        assert busy <= tasked[unit] + 0.1
        assert busy >= tasked[unit] - sum(s.end - s.start for s in spans if s.state == "down") - 0.1


def test_a_breakdown_shows_as_down() -> None:
    def breakdown(data: dict) -> None:  # type: ignore[type-arg]
        data.setdefault("injects", []).append(
            {"at": "10min", "type": "unit_breakdown", "unit": "la-boat", "for": "2h"}
        )

    log = simulate(load_with("tiny.toml", breakdown))
    spans = unit_activity(log)["la-boat"]
    assert Span(10.0, 130.0, "down") in spans

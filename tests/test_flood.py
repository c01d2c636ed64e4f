"""The flood hazard: gauges, closures, strandings and warnings, computed by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import load_with

from sim import incident_rows, load_scenario, simulate
from sim.log import GAUGE_STEP_MIN
from sim.world.hydrology import crossings, gauge_levels, time_grid

HERE = Path(__file__).parent / "scenarios"
FLOOD = HERE / "flood.toml"


def world_events(log: Any) -> list[tuple[float, str, str]]:
    kinds = {"road_closed", "road_reopened", "gauge_alarm", "flooded", "evacuation_ordered"}
    return [(t, e, d) for t, e, _, _, d in log.events if e in kinds]


def test_a_scripted_hydrograph_closes_and_floods_at_exact_times() -> None:
    # Attapeu: 2 m until 60 min, +1 m every 15 min to 10 m at 180, then -1 m an hour to 2 m.
    # The road (8 m) closes at 150 and reopens at 300; the alarm (9 m) sounds at 165.
    # Sanamxay reads 1 m + 0.8 x the Attapeu rise, 2 h later: 6 m needs 8.25 m at Attapeu
    # (153.75) + 120 = 273.75. The order (6 h after the warning, uncoordinated) comes at 525.
    log = simulate(load_scenario(FLOOD))
    assert world_events(log) == [
        (150.0, "road_closed", "attapeu--sanamxay"),
        (165.0, "gauge_alarm", "attapeu_gauge"),
        (273.75, "flooded", "sanamxay"),
        (300.0, "road_reopened", "attapeu--sanamxay"),
        (525.0, "evacuation_ordered", "sanamxay"),
    ]
    (row,) = incident_rows(log)
    assert row.info.people == 50  # 10 % of 500 stranded
    assert row.info.source == "flood at sanamxay_gauge"
    assert row.at["occurred"] == 273.75


def test_a_downstream_gauge_peaks_after_its_upstream_one_by_the_lag() -> None:
    levels = gauge_levels(load_scenario(FLOOD), np.random.default_rng(0))  # type: ignore[arg-type]
    t = time_grid(1440)
    up, down = levels["attapeu_gauge"], levels["sanamxay_gauge"]
    assert t[np.argmax(down)] - t[np.argmax(up)] == 120.0
    assert down.max() == pytest.approx(1.0 + 0.8 * (10.0 - 2.0))
    assert len(up) == len(t) and t[1] - t[0] == GAUGE_STEP_MIN


def test_crossings_are_interpolated_between_steps() -> None:
    levels = np.interp(time_grid(600), [0, 125, 600], [0.0, 5.0, 0.0])
    assert crossings(levels, 2.0) == [(50.0, True), pytest.approx((410.0, False))]
    assert crossings(np.full(10, 3.0), 2.0) == [(0.0, True)]


def test_a_coordinated_warning_in_time_spares_most_of_the_village() -> None:
    def coordinated(data: dict[str, Any]) -> None:
        data["needs"][0]["averted_by_evacuation"] = True
        data["coordination"] = {
            "local_authorities": {
                "enabled": True,
                "coordinated_order_delay": "10min",
                "lead_needed": "1h",
            }
        }

    log = simulate(load_with("flood.toml", coordinated))
    # alarm at 165, order at 175, water at 273.75: 98.75 min of lead, enough; 80 % leave
    assert (175.0, "evacuation_ordered", "sanamxay") in world_events(log)
    (row,) = incident_rows(log)
    assert row.info.people == 10


def random_wave(data: dict[str, Any]) -> None:
    data["gauges"][0].pop("levels")
    data["gauges"][0]["hydrograph"] = {
        "base": 2.0,
        "peak": {"dist": "uniform", "low": 8, "high": 12},
        "peak_at": {"dist": "uniform", "low": "3h", "high": "9h"},
        "rise": "2h",
        "recession": "6h",
    }


def test_random_flood_waves_differ_by_seed_and_are_common_to_variants() -> None:
    def trained(data: dict[str, Any]) -> None:
        random_wave(data)
        data["coordination"] = {"joint_training": {"enabled": True}}

    base = load_with("flood.toml", random_wave)
    a, b = simulate(base, seed=4), simulate(base, seed=5)
    assert a.gauges["attapeu_gauge"] != b.gauges["attapeu_gauge"]
    assert 8.0 <= max(a.gauges["attapeu_gauge"]) <= 12.0
    # another arrangement of the same scenario floods the same way (common random numbers)
    assert simulate(load_with("flood.toml", trained), seed=4).gauges == a.gauges


def test_the_report_shows_the_hydrographs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, ["run", str(FLOOD), "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "figures" / "hydrographs.png").exists()
    assert "The flood" in (tmp_path / "r" / "report.html").read_text()


def test_a_flood_and_scripted_closures_never_undo_each_other() -> None:
    def also_scripted(data: dict[str, Any]) -> None:
        data["injects"] = [
            {"type": "road_closed", "at": "2h", "road": "attapeu--sanamxay", "for": "1h"},
            {"type": "road_closed", "at": "4h", "road": "attapeu--sanamxay", "for": "10h"},
        ]

    log = simulate(load_with("flood.toml", also_scripted))
    # the flood holds the road from 150 to 300, the injects from 120 to 180 and 240 to 840:
    # closed once at 120, open again only when the last hold is released at 840
    road = [(t, e) for t, e, _, _, d in log.events if d == "attapeu--sanamxay"]
    assert road == [(120.0, "road_closed"), (840.0, "road_reopened")]


def test_a_place_can_flood_with_its_own_severity() -> None:
    def severe(data: dict[str, Any]) -> None:
        data["places"][1]["flood"]["priority"] = 1
        data["needs"][0]["priority"] = 3

    (row,) = incident_rows(simulate(load_with("flood.toml", severe)))
    assert row.info.priority == 1


def test_a_level_touched_exactly_at_a_step_closes_and_reopens_the_road() -> None:
    def touch(data: dict[str, Any]) -> None:
        data["gauges"][0]["levels"] = [["0h", 2.0], ["1h", 2.0], ["3h", 8.0], ["11h", 2.0]]

    log = simulate(load_with("flood.toml", touch))
    road = [(t, e) for t, e, _, _, d in log.events if d == "attapeu--sanamxay"]
    assert road == [(180.0, "road_closed"), (180.0, "road_reopened")]


def test_a_spread_wave_arrives_lower_and_lasts_longer() -> None:
    def broadened(data: dict[str, Any]) -> None:
        data["gauges"][1]["follows"]["spread"] = "4h"

    sharp = gauge_levels(load_scenario(FLOOD), np.random.default_rng(0))  # type: ignore[arg-type]
    flat = gauge_levels(load_with("flood.toml", broadened), np.random.default_rng(0))  # type: ignore[arg-type]
    a, b = sharp["sanamxay_gauge"], flat["sanamxay_gauge"]
    assert b.max() < a.max()
    assert (b > 1.5).sum() > (a > 1.5).sum()  # above its base for longer
    assert np.argmax(b) > np.argmax(a)  # and peaks later


def test_a_hydrographs_leader_lines_cross_no_other_name(monkeypatch: Any) -> None:
    from matplotlib.path import Path as Line
    from matplotlib.text import Text

    from sim.report import figures

    drawn: list[Any] = []

    def keep(fig: Any) -> bytes:
        fig.canvas.draw()
        drawn.append(fig)
        return b""

    monkeypatch.setattr(figures, "_png", keep)
    # seven levels close together, as below the Xe Pian dam: names must spread far
    marks = [(2.5 + 0.5 * i, f"place number {i} with a long name") for i in range(7)]
    figures.hydrographs({"g": [2.0, 10.0, 3.0]}, 60.0, {"g": marks}, {}, {"g": "gauge"})
    (fig,) = drawn
    renderer = fig.canvas.get_renderer()
    notes = [a for a in fig.axes[0].texts if a.arrow_patch is not None]
    assert len(notes) == 7
    for note in notes:
        leader = note.arrow_patch.get_path().transformed(note.arrow_patch.get_transform())
        for other in notes:
            if other is not note:
                box = Text.get_window_extent(other, renderer)  # the name, not its leader
                assert not Line(leader.vertices).intersects_bbox(box, filled=True), (
                    note.get_text(),
                    other.get_text(),
                )

"""The wildfire: spread with the wind, suppression, mines, villages and roads."""

from __future__ import annotations

from typing import Any

import numpy as np
from support import load_with

from sim import incident_rows
from sim.model import Simulation

SEEDS = range(8)


def run(change: Any = None, seed: int = 0) -> Simulation:
    sim = Simulation(load_with("wildfire.toml", change), seed=seed)
    sim.run()
    return sim


def only_the_first_fire(data: dict[str, Any]) -> None:
    data["wildfire"]["ignitions"] = data["wildfire"]["ignitions"][:1]


def unfought(data: dict[str, Any]) -> None:
    only_the_first_fire(data)
    data["wildfire"]["suppression"] = 0.0


def burnt_either_side(change: Any, axis: int) -> tuple[int, int]:
    """Cells burnt beyond and before the first ignition along an axis (0 north, 1 east)."""
    ahead = behind = 0
    for seed in SEEDS:
        grid = run(change, seed).fire.grid  # type: ignore[union-attr]
        origin = grid.cell(14.50, 105.30)[axis]  # type: ignore[index]
        burnt = np.argwhere(grid.ever_burnt)[:, axis]
        ahead += int((burnt > origin).sum())
        behind += int((burnt < origin).sum())
    return ahead, behind


def test_fire_spreads_further_downwind_than_upwind() -> None:
    east, west = burnt_either_side(unfought, axis=1)
    # the wind blows toward the east at 20 km/h: three times the spread chance that way
    assert east > 2 * west


def test_a_wind_shift_turns_the_fire() -> None:
    def to_the_north(data: dict[str, Any]) -> None:
        unfought(data)
        data["injects"] = [{"type": "wind_shift", "at": "0min", "toward_deg": 0, "speed_kmh": 20}]

    north, south = burnt_either_side(to_the_north, axis=0)
    assert north > 2 * south


def test_suppression_reduces_the_burned_area_on_common_random_numbers() -> None:
    def fought(data: dict[str, Any]) -> None:
        only_the_first_fire(data)
        data["wildfire"]["suppression"] = 0.8

    less = []
    for seed in SEEDS:
        free = run(unfought, seed).fire.grid.ever_burnt.sum()  # type: ignore[union-attr]
        fought_area = run(fought, seed).fire.grid.ever_burnt.sum()  # type: ignore[union-attr]
        less.append(fought_area < free)
        assert fought_area <= free * 1.1
    assert sum(less) >= len(SEEDS) - 1


def test_ground_crews_never_work_in_mined_cells() -> None:
    outside = 0
    for seed in SEEDS:
        sim = run(seed=seed)
        grid = sim.fire.grid  # type: ignore[union-attr]
        assert not (grid.put_out_by_ground & grid.mined).any()
        outside += int(grid.put_out_by_ground.sum())
        in_mines = [r for r in incident_rows(sim.log) if r.info.place == "mine_post"]
        assert in_mines and all(u == "heli" for r in in_mines for u in r.units)
    assert outside > 0  # they do work, outside the minefield


def test_fire_reaching_a_village_raises_an_evacuation_and_closes_roads() -> None:
    sim = run(unfought, seed=1)
    events = [(e, d) for _, e, _, _, d in sim.log.events]
    assert ("fire_reached", "ban_east") in events
    evacuations = [r for r in incident_rows(sim.log) if r.info.need == "evacuation"]
    assert [r.info.people for r in evacuations] == [100]  # half of 200
    assert ("road_closed", "ban_fire--ban_east") in events
    assert sim.log.fire["series"][-1][2] == int(sim.fire.grid.ever_burnt.sum())  # type: ignore[union-attr]


def test_aircraft_fight_fire_only_in_daylight_and_when_not_grounded() -> None:
    sim = Simulation(load_with("wildfire.toml"), seed=0)  # starts at 12:00
    fire = sim.fire
    assert fire is not None
    heli = next(u for u in sim.units if u.id == "heli")
    crew = next(u for u in sim.units if u.id == "crew-1")
    assert fire.can_work(heli) and fire.can_work(crew)
    sim.env.run(until=9 * 60)  # 21:00
    assert not fire.can_work(heli) and fire.can_work(crew)
    sim.env.run(until=20 * 60)  # 08:00 next day
    assert fire.can_work(heli)
    sim.grounded_until["TH"] = sim.env.now + 60
    assert not fire.can_work(heli) and fire.can_work(crew)


def test_a_fire_from_an_inject_is_worked_like_any_need() -> None:
    def inject_fire(data: dict[str, Any]) -> None:
        data["wildfire"]["ignitions"] = []
        data["injects"] = [
            {"type": "incident", "at": "1h", "place": "ban_east", "need": "fire", "people": 1}
        ]

    sim = run(inject_fire)
    (row,) = incident_rows(sim.log)
    assert row.status == "resolved"


def test_an_ignition_where_nothing_burns_raises_no_fire() -> None:
    def in_the_paddies(data: dict[str, Any]) -> None:
        data["wildfire"]["fuel"] = [
            {"name": "water", "box": [14.40, 105.15, 14.60, 105.40], "fuel": 0.0}
        ]

    sim = run(in_the_paddies)
    assert not sim.log.incidents and not sim.fire.grid.ever_burnt.any()  # type: ignore[union-attr]


def test_points_outside_the_grid_have_no_cell() -> None:
    grid = run().fire.grid  # type: ignore[union-attr]
    assert grid.cell(14.40 - grid.dlat / 2, 105.15 - grid.dlon / 2) is None
    assert grid.cell(14.40 + grid.dlat / 2, 105.15 + grid.dlon / 2) == (0, 0)


def test_an_ignition_between_steps_starts_on_time() -> None:
    def in_between(data: dict[str, Any]) -> None:
        data["wildfire"]["ignitions"][1]["at"] = "1h50min"

    log = run(in_between).log
    assert [t for t, e, *_ in log.events if e == "fire_ignited"] == [60.0, 110.0]


def test_wildfire_geometry_is_checked() -> None:
    import pytest

    from sim.scenario import ScenarioError

    def upside_down(data: dict[str, Any]) -> None:
        data["wildfire"]["bounds"] = [14.60, 105.15, 14.40, 105.40]

    def huge(data: dict[str, Any]) -> None:
        data["wildfire"]["bounds"] = [0.0, 0.0, 10.0, 10.0]
        data["wildfire"]["cell_km"] = 0.11

    for change, path in ((upside_down, "wildfire.bounds"), (huge, "wildfire.cell_km")):
        with pytest.raises(ScenarioError) as info:
            load_with("wildfire.toml", change)
        assert [p.path for p in info.value.problems] == [path]


def test_a_one_cell_high_grid_with_mines_is_drawn() -> None:
    from sim.report import manifest, run_files

    def thin(data: dict[str, Any]) -> None:
        data["wildfire"]["bounds"] = [14.42, 105.20, 14.425, 105.30]

    scenario = load_with("wildfire.toml", thin)
    log = Simulation(scenario, seed=0).run()
    files = run_files(scenario, log, manifest("wildfire.toml", "-", 0, 0, []))
    assert "figures/wildfire.png" in files


def test_a_fire_that_burns_out_unreached_has_ended_not_waited_until_the_end() -> None:
    from sim import summarise
    from sim.analysis.kpis import replication_kpis

    def nobody_to_fight_it(data: dict[str, Any]) -> None:
        only_the_first_fire(data)
        data["units"] = [u for u in data["units"] if u["id"] == "truck"]

    log = run(nobody_to_fight_it).log
    (fire,) = [r for r in incident_rows(log) if r.info.need == "fire"]
    assert fire.status == "ended" and fire.info.people == 0  # a fire is no people to carry
    assert fire.waited_min == fire.at["resolved"] - fire.at["occurred"]
    overall = summarise(log)["overall"]
    assert overall["ended_before_help"] == 1
    assert (
        overall["resolved"]
        + overall["ended_before_help"]
        + overall["unserved"]
        + overall["on_scene_at_end"]
        == overall["incidents"]
    )
    assert replication_kpis(log)["incidents"] == overall["incidents"]


def test_an_ignition_that_cannot_catch_is_logged() -> None:
    def twice_in_one_cell(data: dict[str, Any]) -> None:
        data["wildfire"]["ignitions"] = [
            {"at": "1h", "lat": 14.50, "lon": 105.30},
            {"at": "1h30min", "lat": 14.50, "lon": 105.30},
        ]

    events = [e for _, e, *_ in run(twice_in_one_cell).log.events]
    assert events.count("fire_ignited") == 1 and events.count("ignition_failed") == 1

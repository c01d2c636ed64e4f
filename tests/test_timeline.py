"""Tiny scenarios whose every stage time is computed by hand (see the comments)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from support import load_with, slow_lao_boat

from sim import incident_rows, load_scenario, simulate

HERE = Path(__file__).parent / "scenarios"


def unit_events(log: Any, unit: str) -> list[tuple[float, str]]:
    """What a unit did (decisions about it left out)."""
    return [(t, e) for t, e, _, u, _ in log.events if u == unit and e != "decision"]


def test_local_rescue_timeline() -> None:
    # Incident at 60. Detection 20 -> 80; report 10 -> 90, when the boat is dispatched;
    # mobilisation 30 -> 120; 40 km at min(60 boat, 40 rural) km/h = 60 min -> 180 on scene;
    # 20 people in trips of 8, 8, 4 at 40 min each -> 220, 260, 300 resolved; back at 360.
    log = simulate(load_scenario(HERE / "tiny.toml"))
    assert [(t, e) for t, e, i, u, _ in log.events if i == 0 and not u] == [
        (60.0, "occurred"),
        (80.0, "detected"),
        (90.0, "reported"),
        (300.0, "resolved"),
    ]
    assert unit_events(log, "la-boat") == [
        (90.0, "dispatched"),
        (120.0, "mobilised"),
        (180.0, "on_scene"),
        (220.0, "trip"),
        (260.0, "trip"),
        (300.0, "trip"),
        (300.0, "released"),
        (360.0, "returned"),
    ]
    row = incident_rows(log)[0]
    assert row.response_min == 120.0
    assert row.response_from_report_min == 90.0
    assert row.within_target  # target 3 h
    assert row.parts == {
        "detection": 20.0,
        "reporting": 10.0,
        "request": 0.0,
        "approval": 0.0,
        "waiting_for_unit": 0.0,
        "mobilisation": 30.0,
        "no_route": 0.0,
        "grounded": 0.0,
        "travel": 60.0,
        "border": 0.0,
    }


def test_cross_border_timeline_waits_for_the_crossing_to_open() -> None:
    # Laos has no boat: at the report (90) its EOC asks Thailand by diplomatic note (2 h)
    # and the Thai EOC's interpreter reads it (30 min) -> requested 240; approval 4 h ->
    # 480, Thai boat dispatched at 480, mobilised 510, 60 km of highway at 60 km/h ->
    # Chong Mek at 570 = 17:30 local, closed (09:00-17:00). It opens at 09:00 the next day
    # (1500); processing 30 min -> 1530; 40 km rural -> 1590 on scene; integration 1 h
    # -> 1650; three trips -> 1770 resolved.
    log = simulate(load_scenario(HERE / "tiny_border.toml"))
    stages = {"occurred", "detected", "reported", "requested", "approved", "resolved"}
    assert [(t, e, d) for t, e, i, u, d in log.events if i == 0 and e in stages] == [
        (60.0, "occurred", "ban_hat"),
        (80.0, "detected", "LA"),
        (90.0, "reported", "pakse_eoc"),
        (240.0, "requested", "LA>TH"),
        (480.0, "approved", "LA>TH"),
        (1770.0, "resolved", ""),
    ]
    assert [(t, e) for t, e, i, _, _ in log.events if e.startswith("message")] == [
        (90.0, "message_sent"),
        (240.0, "message_interpreted"),
        (240.0, "message_delivered"),
    ]
    assert unit_events(log, "th-boat")[:8] == [
        (480.0, "dispatched"),
        (510.0, "mobilised"),
        (570.0, "border_arrived"),
        (1530.0, "border_cleared"),
        (1590.0, "on_scene"),
        (1650.0, "integrated"),
        (1690.0, "trip"),
        (1730.0, "trip"),
    ]
    row = incident_rows(log)[0]
    assert row.response_min == 1530.0
    assert row.parts == {
        "detection": 20.0,
        "reporting": 10.0,
        "request": 150.0,
        "approval": 240.0,
        "waiting_for_unit": 0.0,
        "mobilisation": 30.0,
        "no_route": 0.0,
        "grounded": 0.0,
        "travel": 120.0,
        "border": 960.0,
    }
    assert sum(row.parts.values()) == row.response_min
    assert row.foreign_help and not row.within_target


def test_round_the_clock_crossing_takes_only_processing() -> None:
    def open_all_day(data: dict[str, Any]) -> None:
        data["crossings"][0]["hours"] = "24h"

    row = incident_rows(simulate(load_with("tiny_border.toml", open_all_day)))[0]
    assert row.parts["border"] == 30.0
    assert row.response_min == 1530.0 - 930.0


def crossing_closed_between(closes: str, reopens: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["crossings"][0]["hours"] = "24h"
        for kind, at in (("crossing_closed", closes), ("crossing_reopened", reopens)):
            data["injects"].append({"type": kind, "at": at, "crossing": "chong_mek_vang_tao"})

    return change


def test_reopening_wakes_dispatch_for_an_unreachable_incident() -> None:
    # closed at 420, before the approval (480): no Thai unit can reach Ban Hat, so none is
    # sent; the reopening at 720 dispatches the boat: 720 + 30 + 60 + 30 + 60 = 900.
    log = simulate(load_with("tiny_border.toml", crossing_closed_between("7h", "12h")))
    row = incident_rows(log)[0]
    assert row.at["dispatched"] == 720.0
    assert row.at["on_scene"] == 900.0


def test_unit_without_open_route_waits_and_retries() -> None:
    # closed at 500, while the boat mobilises (480-510): at departure there is no open
    # route, so it waits; the reopening at 710 sets it off at once: 710 + 60 + 30 + 60 = 860.
    log = simulate(load_with("tiny_border.toml", crossing_closed_between("8h20min", "11h50min")))
    assert (510.0, "no_route") in unit_events(log, "th-boat")
    assert incident_rows(log)[0].at["on_scene"] == 860.0


def test_priority_one_incident_gets_the_only_unit_first() -> None:
    def two_incidents(data: dict[str, Any]) -> None:
        data["needs"].append(
            {
                "id": "supplies",
                "name": "Supplies",
                "target": "12h",
                "priority": 4,
                "detection": "20min",
            }
        )
        data["unit_types"][0]["capabilities"] = ["rescue", "supplies"]
        data["injects"] = [
            {"type": "incident", "at": "1h", "place": "sanamxay", "need": "supplies", "people": 8},
            {"type": "incident", "at": "1h", "place": "sanamxay", "need": "rescue", "people": 8},
            {"type": "unit_breakdown", "at": "0min", "unit": "la-boat", "for": "100min"},
        ]

    log = simulate(load_with("tiny.toml", two_incidents))
    rows = {r.info.need: r for r in incident_rows(log)}
    # Both wait from their report (90) for the boat, repaired at 100. Rescue (priority 1)
    # goes first although reported second: mobilised 130, on scene 190, one trip to 230.
    # Released there, the boat takes the supplies at once (no mobilisation): on scene 230.
    assert rows["rescue"].at["dispatched"] == 100.0
    assert rows["rescue"].at["on_scene"] == 190.0
    assert rows["supplies"].at["dispatched"] == 230.0
    assert rows["supplies"].at["on_scene"] == 230.0


def test_nearest_unit_by_estimated_arrival_is_sent() -> None:
    def second_boat_nearer(data: dict[str, Any]) -> None:
        data["places"].append(
            {
                "id": "near",
                "name": "Near",
                "nation": "LA",
                "kind": "base",
                "lat": 14.79,
                "lon": 106.66,
            }
        )
        data["roads"].append({"from": "near", "to": "sanamxay", "km": 4, "class": "rural"})
        data["units"].append(
            {"id": "near-boat", "nation": "LA", "agency": "army", "type": "boat", "base": "near"}
        )

    log = simulate(load_with("tiny.toml", second_boat_nearer))
    row = incident_rows(log)[0]
    assert row.first_unit == "near-boat"
    assert row.at["on_scene"] == 90.0 + 30 + 6  # 4 km at 40 km/h


def test_helicopter_waits_for_daylight() -> None:
    def night_helicopter(data: dict[str, Any]) -> None:
        data["scenario"]["start"] = "2018-07-23T20:00:00+07:00"
        data["unit_types"][0].update(mode="air", speed_kmh=180, day_only=True)

    log = simulate(load_with("tiny.toml", night_helicopter))
    row = incident_rows(log)[0]
    # reported at 21:30 and mobilised at 22:00, it cannot fly before sunrise (~05:35 on
    # 24 July at this latitude); then about 22 km at 180 km/h.
    sunrise_min = 9 * 60 + 35  # 20:00 -> 05:35 next day
    assert row.at["on_scene"] == pytest.approx(sunrise_min + 7.2, abs=5)
    assert not math.isnan(row.at["resolved"])


def test_grounding_delays_aircraft() -> None:
    def grounded(data: dict[str, Any]) -> None:
        data["unit_types"][0].update(mode="air", speed_kmh=180)
        data["injects"].append({"type": "grounding", "at": "1h30min", "for": "5h"})

    row = incident_rows(simulate(load_with("tiny.toml", grounded)))[0]
    # mobilised at 120, grounded until 390, then ~7 min of flight
    assert row.at["on_scene"] == pytest.approx(390 + 7.2, abs=1)


def test_breakdown_takes_the_unit_out_of_service() -> None:
    def breakdown(data: dict[str, Any]) -> None:
        data["injects"].append(
            {"type": "unit_breakdown", "at": "30min", "unit": "la-boat", "for": "3h"}
        )

    log = simulate(load_with("tiny.toml", breakdown))
    row = incident_rows(log)[0]
    # down from 30 to 210: not dispatched at the report (90), dispatched when repaired
    assert row.at["dispatched"] == 210.0
    assert row.at["on_scene"] == 210.0 + 30 + 60


def test_unserved_when_no_unit_can_serve() -> None:
    def no_water(data: dict[str, Any]) -> None:
        data["places"][1]["water_access"] = False

    log = simulate(load_with("tiny.toml", no_water))
    row = incident_rows(log)[0]
    assert row.status == "not sent" and row.unserved and not row.within_target
    assert math.isnan(row.response_min)


def test_reinforcement_stops_at_the_needs_max_units() -> None:
    def big_incident(data: dict[str, Any]) -> None:
        data["units"][0]["count"] = 5
        data["needs"][0]["max_units"] = 2
        data["injects"][0]["people"] = 400

    log = simulate(load_with("tiny.toml", big_incident))
    dispatched = {u for _, e, _, u, _ in log.events if e == "dispatched"}
    # 400 people would take all five boats, but a rescue gets at most two at once
    assert dispatched == {"la-boat-1", "la-boat-2"}


# --- regressions: each of these failed before its fix ---------------------------------------


def test_no_neighbour_is_asked_when_an_own_unit_meets_the_target() -> None:
    def lao_boat(data: dict[str, Any]) -> None:
        data["units"].append(
            {"id": "la-boat", "nation": "LA", "agency": "army", "type": "boat", "base": "pakse"}
        )

    log = simulate(load_with("tiny_border.toml", lao_boat))
    # reported at 90, the Lao boat is on scene at 90 + 30 + 30 = 150, within the 3 h target
    assert incident_rows(log)[0].at["on_scene"] == 150.0
    assert not [e for e in log.events if e[1] in ("requested", "message_sent")]


def test_priority_holds_across_the_eocs_of_one_nation() -> None:
    def two_eocs(data: dict[str, Any]) -> None:
        data["nations"][0]["eocs"].append(
            {"id": "sanamxay_eoc", "name": "Sanamxay district", "place": "sanamxay"}
        )
        data["needs"].append(
            {
                "id": "welfare",
                "name": "Welfare check",
                "target": "1d",
                "priority": 5,
                "detection": "0min",
            }
        )
        data["unit_types"][0]["capabilities"] = ["rescue", "welfare"]
        data["places"][0]["water_access"] = True
        data["injects"] = [
            {"type": "unit_breakdown", "at": "0min", "unit": "la-boat", "for": "2h"},
            {"type": "incident", "at": "20min", "place": "sanamxay", "need": "rescue", "people": 8},
            {"type": "incident", "at": "1h", "place": "attapeu", "need": "welfare", "people": 1},
        ]

    log = simulate(load_with("tiny.toml", two_eocs))
    rows = {r.info.need: r for r in incident_rows(log)}
    # the rescue (priority 1, Sanamxay's EOC) is reported at 50, the welfare check
    # (priority 5, Attapeu's EOC) at 70; when the boat is repaired at 120 it takes the rescue
    assert rows["rescue"].at["dispatched"] == 120.0
    assert rows["welfare"].at["dispatched"] > rows["rescue"].at["resolved"] - 1


def test_unit_turns_away_from_a_closed_crossing_to_another() -> None:
    def second_crossing(data: dict[str, Any]) -> None:
        data["crossings"][0]["hours"] = "24h"
        data["places"] += [
            {
                "id": "khemmarat",
                "name": "Khemmarat post",
                "nation": "TH",
                "kind": "border_post",
                "lat": 15.1,
                "lon": 105.4,
            },
            {
                "id": "ban_phao",
                "name": "Ban Phao post",
                "nation": "LA",
                "kind": "border_post",
                "lat": 15.08,
                "lon": 105.45,
            },
        ]
        data["roads"] += [
            {"from": "chong_mek", "to": "khemmarat", "km": 20, "class": "rural"},
            {"from": "ban_phao", "to": "ban_hat", "km": 40, "class": "rural"},
        ]
        data["crossings"].append(
            {
                "id": "khemmarat_ban_phao",
                "name": "Khemmarat - Ban Phao",
                "posts": ["khemmarat", "ban_phao"],
                "processing": "30min",
            }
        )
        data["injects"].append(
            {"type": "crossing_closed", "at": "9h", "crossing": "chong_mek_vang_tao"}
        )

    log = simulate(load_with("tiny_border.toml", second_crossing))
    # the boat leaves at 510 for Chong Mek (570), finds it closed since 540, drives 20 km of
    # rural road to Khemmarat (30 min), crosses (30 min) and drives 40 km: on scene 690
    crossed = [d for _, e, _, u, d in log.events if u == "th-boat" and e == "border_cleared"]
    assert crossed[0] == "khemmarat_ban_phao"
    assert incident_rows(log)[0].at["on_scene"] == 690.0


def test_unit_with_no_way_home_stays_ready_where_it_is() -> None:
    def cut_off(data: dict[str, Any]) -> None:
        data["injects"] += [
            {"type": "road_closed", "at": "4h", "road": "attapeu--sanamxay"},
            {"type": "incident", "at": "6h", "place": "sanamxay", "need": "rescue", "people": 4},
        ]

    log = simulate(load_with("tiny.toml", cut_off))
    second = incident_rows(log)[1]
    # released at Sanamxay at 300 with the road closed since 240: it stays, and takes the
    # next Sanamxay incident (reported at 390) on the spot, without mobilising
    assert second.at["dispatched"] == 390.0 and second.at["on_scene"] == 390.0
    assert not [e for e in log.events if e[1] == "no_route"]


def test_a_timed_reopening_does_not_undo_a_later_closure() -> None:
    def closures(data: dict[str, Any]) -> None:
        data["injects"] = [
            {"type": "road_closed", "at": "0min", "road": "attapeu--sanamxay", "for": "30min"},
            {"type": "road_closed", "at": "10min", "road": "attapeu--sanamxay"},
        ]

    log = simulate(load_with("tiny.toml", closures))
    # closed at 0 and held by the second closure when the first one's 30 min are over
    assert [e[1] for e in log.events if e[1].startswith("road")] == ["road_closed"]


def test_crossing_hours_are_local_whatever_offset_the_start_has() -> None:
    def utc_start(data: dict[str, Any]) -> None:
        data["scenario"]["start"] = "2018-07-23T01:00:00Z"  # 08:00 in UTC+7

    assert (
        incident_rows(simulate(load_with("tiny_border.toml", utc_start)))[0].at["border_cleared"]
        == 1530.0
    )


def test_a_unit_held_at_a_closed_crossing_is_stood_down_when_no_longer_needed() -> None:
    def closed_while_on_the_way(data: dict[str, Any]) -> None:
        slow_lao_boat(data)
        data["unit_types"][1]["mobilisation"] = "6h"
        data["coordination"]["mutual_assistance"]["pre_authorized"] = True
        data["injects"].append(
            {"type": "crossing_closed", "at": "5h20min", "crossing": "chong_mek_vang_tao"}
        )

    log = simulate(load_with("tiny_border.toml", closed_while_on_the_way))
    # The Lao boat would arrive at 90 + 360 + 30 = 480 > 240. The Thai boat could: 90 + 30
    # + 60 + wait for 09:00 (180) + 30 + 40 = 250, plus the note's 2 h = 370 < 480, so Laos
    # asks Thailand (read at 240, pre-authorised). The Thai boat mobilises (270) and reaches
    # Chong Mek at 330, closed since 320: no open route, it waits. The Lao boat arrives at
    # 480 and loads its last 4 people at 560: the waiting Thai boat is stood down at once
    # and drives home (620).
    assert unit_events(log, "th-boat") == [
        (240.0, "dispatched"),
        (270.0, "mobilised"),
        (330.0, "no_route"),
        (560.0, "stood_down"),
        (620.0, "returned"),
    ]
    stand_down = [e for e in log.events if e[1] == "decision" and " stand_down " in e[4]]
    assert stand_down == [
        (
            560.0,
            "decision",
            0,
            "th-boat",
            "TH stand_down th-boat not_needed [th-boat,keep] ban_hat/rescue/60.0000/inject_0 #5",
        )
    ]
    row = incident_rows(log)[0]
    assert row.first_unit == "la-boat" and row.at["resolved"] == 600.0

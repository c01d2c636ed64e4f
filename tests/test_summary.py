"""What the summary and report say about a run, on tiny scenarios computed by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import load_with, slow_lao_boat

from sim import incident_rows, load_scenario, simulate, summarise
from sim.report import manifest, run_files

HERE = Path(__file__).parent / "scenarios"


def test_people_carried_and_resolved() -> None:
    overall = summarise(simulate(load_scenario(HERE / "tiny.toml")))["overall"]
    assert overall["people_carried"] == 20 and overall["people_waiting_at_end"] == 0
    assert overall["resolved"] == 1 and overall["within_target"] == 1.0


def test_a_unit_on_its_way_at_the_end_is_en_route_and_the_target_not_yet_due() -> None:
    def short(data: dict[str, Any]) -> None:
        data["scenario"]["duration"] = "2h40min"  # the boat would arrive at 180

    log = simulate(load_with("tiny.toml", short))
    row = incident_rows(log)[0]
    assert row.status == "en route" and row.first_unit == "" and row.units == ("la-boat",)
    overall = summarise(log)["overall"]
    assert overall["people_waiting_at_end"] == 20 and overall["en_route_at_end"] == 1
    # occurred at 60 with a 3 h target: due at 240, after the end at 160
    assert overall["not_yet_due"] == 1 and overall["within_target"] is None


def test_crossing_waits_are_summarised() -> None:
    crossings = summarise(simulate(load_scenario(HERE / "tiny_border.toml")))["crossings"]
    # out: arrives 17:30 after closing, cleared 09:30 next day (960 min); back: 30 min
    assert crossings["chong_mek_vang_tao"] == {
        "passages": 2,
        "wait_mean_min": 495.0,
        "wait_max_min": 960.0,
        "waiting_at_end": 0,
        "closures": 0,
    }


def test_a_request_made_moot_is_withdrawn_not_approved() -> None:
    def outage(data: dict[str, Any]) -> None:
        slow_lao_boat(data)
        data["unit_types"][1]["mobilisation"] = "6h"
        data["coordination"]["mutual_assistance"]["pre_authorized"] = True
        data["injects"].append(
            {"type": "channel_outage", "at": "1h30min", "between": ["LA", "TH"], "for": "10h"}
        )

    log = simulate(load_with("tiny_border.toml", outage))
    # the Lao boat cannot arrive within the target (90 + 360 + 30 = 480 > 240) and the Thai
    # boat could sooner (370, pre-authorised): Laos asks Thailand at 90, but the channel is
    # down until 690; the note is read at 690 + 120 + 30 = 840. The Lao boat carried
    # everyone by 600, so the request is withdrawn and no Thai unit is sent
    flows = summarise(log)["cross_border"]
    assert flows["requests"]["LA>TH"]["requested"] == 1
    assert flows["requests"]["LA>TH"]["approved"] == 0
    assert flows["requests"]["LA>TH"]["withdrawn"] == 1
    assert flows["helped"] == {}


def test_report_lists_injects_after_the_end() -> None:
    def late(data: dict[str, Any]) -> None:
        data["injects"].append(
            {"type": "grounding", "at": "2d", "for": "1h", "synopsis": "Storm after the exercise"}
        )

    scenario = load_with("tiny.toml", late)
    run = simulate(scenario)
    html = run_files(scenario, run, manifest("tiny.toml", "-", 1, 0, []))["report.html"].decode()
    assert "Storm after the exercise" in html and "after the end of the exercise" in html


def test_an_incident_never_reached_counts_as_waiting_until_the_end() -> None:
    from sim.analysis.kpis import replication_kpis

    def dry(data: dict[str, Any]) -> None:
        data["places"][1]["water_access"] = False  # the boat cannot work there

    run = simulate(load_with("tiny.toml", dry))
    # occurred at 60, never reached, the day ends at 1440: it waited 1380 min
    assert replication_kpis(run)["response_median_min"] == 1380.0
    assert summarise(run)["overall"]["response_min"]["median"] is None  # of those reached


def test_hseep_ratings_follow_the_share_within_target() -> None:
    from sim.report.aar import rating

    assert [rating(x) for x in (1.0, 0.9, 0.89, 0.75, 0.6, 0.5, 0.49, 0.0, None)] == [
        "P",
        "P",
        "S",
        "S",
        "M",
        "M",
        "U",
        "U",
        "—",
    ]
    scenario = load_with("tiny.toml")
    html = run_files(scenario, simulate(scenario), manifest("t", "-", 1, 0, []))["report.html"]
    assert b"U (unable to be performed) below 50%" in html and b"<b>P</b>" in html


def test_a_unit_stood_down_at_the_border_is_not_counted_as_waiting_there() -> None:
    from sim import log
    from sim.analysis.summary import crossings
    from sim.log import RunLog

    events = [
        log.Event(10.0, log.BORDER_ARRIVED, 1, "boat-1", "x"),
        log.Event(11.0, log.BORDER_ARRIVED, 2, "boat-2", "x"),
        log.Event(12.0, log.BORDER_ARRIVED, 3, "boat-3", "x"),
        log.Event(20.0, log.STOOD_DOWN, 1, "boat-1", "base"),
        log.Event(25.0, log.BORDER_CLEARED, 3, "boat-3", "x"),
    ]
    run = RunLog("s", 0, 0, 100.0, "2024-01-01T00:00:00+07:00", [], [], {}, events=events)
    found = crossings(run)["x"]
    assert found["waiting_at_end"] == 1  # boat-2 only: boat-1 left, boat-3 crossed
    assert found["passages"] == 1 and found["wait_mean_min"] == 13.0

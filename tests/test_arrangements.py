"""Coordination arrangements switched on mid-run: their effect from that instant, on tiny
scenarios timed by hand, and the same run as the scenario file with them in force."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import load_with

from sim import incident_rows
from sim.log import RunLog
from sim.model import Simulation
from sim.model.arrangements import ARRANGEMENTS, NAMES, ArrangementRefused
from sim.scenario import Scenario
from sim.world.geography import RoadNetwork

Switches = Sequence[tuple[float, str]]


def run(scenario: Scenario, switches: Switches = (), seed: int | None = None) -> RunLog:
    """A run with each arrangement switched on at its time (minutes from the start)."""
    sim = Simulation(scenario, seed)
    for at, name in switches:
        if at > sim.env.now:
            sim.env.run(until=at)
        sim.switch_on(name)
    return sim.run()


def without_switches(log: RunLog) -> list[tuple[float, str, int, str, str]]:
    return [e for e in log.events if e[1] != "arrangement_on"]


def unit_events(log: RunLog, unit: str) -> list[tuple[float, str]]:
    return [(t, e) for t, e, _, u, _ in log.events if u == unit and e != "decision"]


def tiny_border(change: Any = None) -> Scenario:
    return load_with("tiny_border.toml", change)


# tiny_border.toml (see tests/test_timeline.py): the Thai boat reaches Chong Mek at 570
# (17:30), after the crossing (09:00-17:00, 30 min processing) has closed; it opens at 1500.


def test_opening_24h_lets_a_unit_waiting_at_a_closed_post_through_at_once() -> None:
    # switched on at 600 (18:00): processing 30 -> 630; 40 km rural -> 690 on scene;
    # integration 1 h -> 750; three trips of 40 min -> 870 resolved.
    log = run(tiny_border(), [(600.0, "open_24h")])
    assert (600.0, "arrangement_on", -1, "", "open_24h") in log.events
    assert unit_events(log, "th-boat")[2:5] == [
        (570.0, "border_arrived"),
        (630.0, "border_cleared"),
        (690.0, "on_scene"),
    ]
    row = incident_rows(log)[0]
    assert row.at["resolved"] == 870.0
    assert row.parts["border"] == 60.0  # 30 min waiting, 30 processing


def test_opening_24h_before_the_unit_arrives_estimates_with_the_new_hours() -> None:
    # switched on at 300, before the approval (480): the boat is planned on scene at
    # 510 + 60 + 30 (processing) + 60 = 660, not after the night's closure, and is.
    log = run(tiny_border(), [(300.0, "open_24h")])
    row = incident_rows(log)[0]
    assert row.at["dispatched"] == 480.0
    assert row.at["on_scene"] == 660.0


def test_a_nation_looks_again_at_once_when_the_crossings_open_24h() -> None:
    # An incident at 8 h (16:00), reported at 510; Laos's own boat takes 10 h to mobilise:
    # on scene at 1140, past the 3 h target. Thailand's boat would reach Chong Mek at 600,
    # after it closes, so asking (2 h note + 4 h approval) brings nothing sooner. Opened
    # 24 h at 540, Laos looks again then: the Thai boat would now be there at 540 + 30 +
    # 60 + 30 + 60 + 360 = 1080, so Laos asks at once (read at 540 + 120 + 30 = 690);
    # approved at 930, the Thai boat is on scene at 930 + 30 + 60 + 30 + 60 = 1110.
    def slow_lao_boat_late_incident(data: dict[str, Any]) -> None:
        slow = {**data["unit_types"][0], "id": "slow_boat", "mobilisation": "10h"}
        data["unit_types"].append(slow)
        data["units"].append(
            {
                "id": "la-boat",
                "nation": "LA",
                "agency": "army",
                "type": "slow_boat",
                "base": "pakse",
            }
        )
        data["injects"][0]["at"] = "8h"

    scenario = tiny_border(slow_lao_boat_late_incident)
    assert incident_rows(run(scenario))[0].at["on_scene"] == 1140.0
    log = run(scenario, [(540.0, "open_24h")])
    row = incident_rows(log)[0]
    assert (row.at["requested"], row.at["approved"], row.at["on_scene"]) == (690.0, 930.0, 1110.0)
    assert row.first_unit == "th-boat"


def test_fast_track_applies_to_processing_that_starts_after_the_switch() -> None:
    # switched on at 600 while the boat waits for the opening at 1500: its processing
    # then takes the fast track's 10 min -> 1510 instead of 1530.
    log = run(tiny_border(), [(600.0, "fast_track")])
    assert unit_events(log, "th-boat")[3] == (1510.0, "border_cleared")
    # switched on at 1510, during the processing (1500-1530): it keeps the crossing's 30 min
    log = run(tiny_border(), [(1510.0, "fast_track")])
    assert unit_events(log, "th-boat")[3] == (1530.0, "border_cleared")


def test_fast_track_routes_plan_with_its_mean_without_touching_other_runs() -> None:
    scenario = tiny_border()
    before = without_switches(run(scenario))
    sim = Simulation(scenario)
    assert sim.geography.route("ubon", "ban_hat", 60.0).estimate_min == 60 + 30 + 60  # type: ignore[union-attr]
    sim.switch_on("fast_track")
    assert sim.geography.route("ubon", "ban_hat", 60.0).estimate_min == 60 + 10 + 60  # type: ignore[union-attr]
    assert sim.crossings["chong_mek_vang_tao"].processing.mean == 10.0
    sim.run()
    # the routes other runs of the scenario share still count the crossing's own 30 min
    shared = RoadNetwork.of(scenario).route("ubon", "ban_hat", 60.0, frozenset())
    assert shared is not None and shared.estimate_min == 150.0
    assert without_switches(run(scenario)) == before


def test_opening_the_joint_centre_reports_open_incidents_and_later_ones() -> None:
    # a second incident at 5 h, reported at 300 + 20 + 10 = 330. The centre opens at 100:
    # Pakse reports the first incident (reported at 90) at once, by diplomatic note (2 h,
    # no interpreting for the centre) -> read at 220; the second at its report, 330 -> 450.
    def second_incident(data: dict[str, Any]) -> None:
        data["injects"].append(
            {"type": "incident", "at": "5h", "place": "ban_hat", "need": "rescue", "people": 4}
        )

    log = run(tiny_border(second_incident), [(100.0, "joint_centre")])
    to_centre = [
        (t, e, i) for t, e, i, _, d in log.events if e.startswith("message") and "LA>JCC" in d
    ]
    assert to_centre == [
        (100.0, "message_sent", 0),
        (220.0, "message_delivered", 0),
        (330.0, "message_sent", 1),
        (450.0, "message_delivered", 1),
    ]
    # without it, nothing goes to the centre
    plain = run(tiny_border(second_incident))
    assert not any("JCC" in e[4] for e in plain.events)


def test_a_resolved_incident_is_not_reported_to_a_centre_opened_later() -> None:
    log = run(tiny_border(), [(1800.0, "joint_centre")])  # resolved at 1770
    assert not any("JCC" in e[4] for e in log.events)


def _border_without_extras(data: dict[str, Any], *, open_24h: bool, fast_track: Any) -> None:
    data["coordination"]["border_operations"] = {
        "enabled": True,
        "open_24h": open_24h,
        "emergency_lane": False,
        "fast_track": fast_track,
    }


def _mechanisms(change: Any = None) -> Scenario:
    def without_outage(data: dict[str, Any]) -> None:
        data["injects"] = [i for i in data["injects"] if i["type"] != "channel_outage"]
        if change is not None:
            change(data)

    return load_with("mechanisms.toml", without_outage)


def _open_24h_in_file(data: dict[str, Any]) -> None:
    # open round the clock, with no emergency lane and the crossing's own processing as
    # the "fast track": border operations bring nothing else
    processing = data["crossings"][0]["processing"]
    _border_without_extras(data, open_24h=True, fast_track=processing)


def _fast_track_in_file(data: dict[str, Any]) -> None:
    fast_track = data["coordination"]["border_operations"]["fast_track"]
    _border_without_extras(data, open_24h=False, fast_track=fast_track)


def _joint_centre_in_file(data: dict[str, Any]) -> None:
    data["coordination"].setdefault("joint_centre", {})["enabled"] = True


@pytest.mark.parametrize(
    ("name", "in_file"),
    [
        ("open_24h", _open_24h_in_file),
        ("fast_track", _fast_track_in_file),
        ("joint_centre", _joint_centre_in_file),
    ],
)
def test_switched_on_at_the_start_is_the_scenario_with_it_in_force(name: str, in_file: Any) -> None:
    switched, enabled = _mechanisms(), _mechanisms(in_file)
    differs = 0
    for seed in range(6):
        log = run(switched, [(0.0, name)], seed)
        assert log.events[0] == (0.0, "arrangement_on", -1, "", name)
        assert without_switches(log) == run(enabled, seed=seed).events
        differs += without_switches(log) != run(switched, seed=seed).events
    assert differs  # and the arrangement does change the run


def test_refusals_change_nothing() -> None:
    sim = Simulation(tiny_border())
    sim.env.run(until=600)
    sim.switch_on("open_24h")
    events = list(sim.log.events)
    for name, why in [
        ("open_24h", "in force already"),
        ("bridges", "unknown arrangement 'bridges'"),
    ]:
        with pytest.raises(ArrangementRefused, match=why) as refused:
            sim.switch_on(name)
        assert isinstance(refused.value, ValueError)
        assert sim.log.events == events
        assert sim.in_force == {"open_24h"}
    # in force from the file: refused too
    enabled = Simulation(_mechanisms(_fast_track_in_file))
    assert enabled.in_force == {"fast_track"}
    with pytest.raises(ArrangementRefused, match="in force already"):
        enabled.switch_on("fast_track")


def test_every_arrangement_is_described_for_the_pages() -> None:
    assert NAMES == ("joint_centre", "open_24h", "fast_track")
    assert all(a.title and a.description and "\n" not in a.description for a in ARRANGEMENTS)


@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow])
@given(
    at=st.floats(min_value=0, max_value=3 * 1440),
    name=st.sampled_from(NAMES),
    seed=st.integers(min_value=0, max_value=50),
)
def test_a_switch_leaves_the_incidents_and_their_reports_as_they_were(
    at: float, name: str, seed: int
) -> None:
    # common random numbers: the same incidents occur, are detected and reported at the
    # same times whatever is switched on, and when
    scenario = _mechanisms()

    def reports(log: RunLog) -> list[tuple[float, str, int]]:
        kinds = ("occurred", "detected", "reported")
        return [(t, e, i) for t, e, i, u, _ in log.events if e in kinds and not u]

    assert reports(run(scenario, [(at, name)], seed)) == reports(run(scenario, seed=seed))


def test_the_report_lists_a_switch_in_the_timeline_and_events_csv() -> None:
    from sim.report.run_folder import manifest, run_files

    scenario = tiny_border()
    log = run(scenario, [(600.0, "open_24h")])
    files = run_files(scenario, log, manifest("tiny_border.toml", "-", 0, 0, []))
    html = files["report.html"].decode()
    timeline = html[html.index('id="msel"') : html.index('id="incidents"')]
    # the inject at 09:00, then the switch at 18:00 (the run starts at 08:00)
    assert timeline.index("Mon 23 Jul 09:00") < timeline.index("Mon 23 Jul 18:00")
    assert "arrangement switched on" in timeline and "Run the border crossings 24 h" in timeline
    assert "600.00,2018-07-23 18:00,arrangement_on,,,open_24h" in files["events.csv"].decode()

"""Decisions that look again: regressions of what a planner saw go wrong, on tiny scenarios.

tiny_border.toml: a village (Ban Hat) in Laos, a Thai boat at Ubon behind the Chong Mek
crossing (09:00-17:00), requests by a 2 h diplomatic note read by an interpreter (30 min),
4 h case-by-case approval; the scenario starts at 08:00.
"""

from __future__ import annotations

from typing import Any

from support import load_with, slow_lao_boat

from sim import incident_rows, simulate
from sim.log import DECISION, RunLog


def unit_events(log: RunLog, unit: str) -> list[tuple[float, str]]:
    return [(t, e) for t, e, _, u, _ in log.events if u == unit and e != "decision"]


def decisions(log: RunLog, kind: str) -> list[tuple[float, int, Any]]:
    return [
        (d.time_min, d.incident, d) for d in log.decisions if d.event == DECISION and d.kind == kind
    ]


def thai_village_flooded(data: dict[str, Any]) -> None:
    """40 people to rescue at Ban Tai, 10 km from Ubon, from the start: the Thai boat's work."""
    data["places"].append(
        {
            "id": "ban_tai",
            "name": "Ban Tai",
            "nation": "TH",
            "kind": "village",
            "lat": 15.2,
            "lon": 104.9,
            "population": 100,
            "water_access": True,
        }
    )
    data["roads"].append({"from": "ubon", "to": "ban_tai", "km": 10, "class": "rural"})
    data["injects"].insert(
        0, {"type": "incident", "at": "0min", "place": "ban_tai", "need": "rescue", "people": 40}
    )


def lao_boat_down_until_19h(data: dict[str, Any]) -> None:
    slow_lao_boat(data)
    data["unit_types"][1]["mobilisation"] = "30min"
    data["injects"].append(
        {"type": "unit_breakdown", "at": "0min", "unit": "la-boat", "for": "11h"}
    )


def test_a_nearer_unit_that_frees_up_is_sent_and_a_slower_one_recalled() -> None:
    def eight_people(data: dict[str, Any]) -> None:
        lao_boat_down_until_19h(data)
        data["injects"][0]["people"] = 8

    log = simulate(load_with("tiny_border.toml", eight_people))
    # Laos has no free boat at the report (90): it asks Thailand, approved at 480. The Thai
    # boat reaches Chong Mek at 570 (17:30), closed for the night until 09:00 (1500). The Lao
    # boat is repaired at 660 (19:00): 30 min to mobilise, 30 min to Ban Hat -> 720, much
    # sooner than the Thai boat's 1570, so it is sent, and the Thai boat is stood down.
    row = incident_rows(log)[0]
    assert row.first_unit == "la-boat" and row.at["on_scene"] == 720.0
    assigned = [(t, d.choice, d.reason) for t, _, d in decisions(log, "assign")]
    assert assigned == [(480.0, "th-boat", "nearest"), (660.0, "la-boat", "sooner")]
    stood = [(t, d.choice, d.reason) for t, _, d in decisions(log, "stand_down")]
    assert stood == [(660.0, "th-boat", "faster_unit")]
    assert (660.0, "border_left") in unit_events(log, "th-boat")


def test_a_unit_through_a_border_sooner_than_planned_is_sent_at_once() -> None:
    """The Thai boat, home from Ban Hat, waits at Vang Tao to cross (any time from 5 min to
    16 h, 8 h planned). Ban Khan, 5 km from Chong Mek, is flooded meanwhile: a second Thai
    boat is sent from Surin, 265 km away. Whenever the first boat is through before the
    second arrives, it is sent at that instant (by 8 min), and the second one stood down."""

    def ban_khan_flooded(data: dict[str, Any]) -> None:
        crossing = data["crossings"][0]
        del crossing["hours"]
        crossing["processing"] = {"dist": "uniform", "low": "5min", "high": "16h"}
        data["needs"][0]["max_units"] = 1
        data["places"] += [
            {"id": "ban_khan", "name": "Ban Khan", "nation": "TH", "kind": "village",
             "lat": 15.14, "lon": 105.43, "population": 100, "water_access": True},
            {"id": "surin", "name": "Surin", "nation": "TH", "kind": "town",
             "lat": 14.88, "lon": 103.49},
        ]  # fmt: skip
        data["roads"] += [
            {"from": "chong_mek", "to": "ban_khan", "km": 5, "class": "rural"},
            {"from": "surin", "to": "ubon", "km": 200, "class": "highway"},
        ]
        data["units"].append({**data["units"][0], "id": "th-boat-far", "base": "surin"})
        data["injects"].append(
            {
                "type": "incident",
                "at": "1930min",
                "place": "ban_khan",
                "need": "rescue",
                "people": 5,
            }
        )
        data["scenario"]["duration"] = "3d"

    scenario = load_with("tiny_border.toml", ban_khan_flooded)
    through_in_time = 0
    for seed in range(12):
        log = simulate(scenario, seed)
        assigned = [d for _, i, d in decisions(log, "assign") if i == 1]
        far_planned = float(assigned[0].options[0].fact)  # (the soonest, as offered)
        cleared = [t for t, e in unit_events(log, "th-boat") if e == "border_cleared"][-1]
        if assigned[0].choice != "th-boat-far" or cleared >= far_planned - 7.5:
            continue  # the first boat was free first, or through too late
        through_in_time += 1
        sent = [(d.time_min, d.choice) for d in assigned]
        assert sent == [(1965.0, "th-boat-far"), (cleared, "th-boat")]
        stood = [(t, d.choice) for t, i, d in decisions(log, "stand_down") if i == 1]
        assert stood == [(cleared, "th-boat-far")]
        (on_scene,) = [t for t, e in unit_events(log, "th-boat") if e == "on_scene"][-1:]
        assert on_scene == cleared + 7.5  # 5 km at 40 km/h on a rural road
    assert through_in_time > 0


def test_a_neighbour_busy_at_report_time_is_still_asked_and_comes_when_free() -> None:
    log = simulate(load_with("tiny_border.toml", thai_village_flooded))
    # the Thai boat is busy at Ban Tai from 30 min on (5 trips of 40 min); Laos has no boat
    # and asks Thailand at its report all the same; the boat comes once free and approved
    lao = next(r for r in incident_rows(log) if r.info.place == "ban_hat")
    assert [d.choice for _, i, d in decisions(log, "ask") if i == lao.info.id] == ["TH"]
    assert lao.at["requested"] == 240.0 and lao.at["approved"] == 480.0
    assert lao.first_unit == "th-boat" and lao.status == "resolved"


def test_a_refused_request_is_asked_again_later() -> None:
    def always_refused(data: dict[str, Any]) -> None:
        data["coordination"]["mutual_assistance"].update(refusal=1.0, ask_again_after="3h")

    log = simulate(load_with("tiny_border.toml", always_refused))
    asks = [(t, d.choice, d.reason) for t, _, d in decisions(log, "ask")]
    refusals = [t for t, e, *_ in log.events if e == "refused"]
    # asked at 90, refused at 480; asked again 3 h later (660), and so on
    assert asks[:2] == [(90.0, "TH", "misses_target"), (660.0, "TH", "refused_elsewhere")]
    assert refusals[0] == 480.0 and len(refusals) >= 2


def test_the_joint_centre_adds_to_national_asking() -> None:
    def with_centre(data: dict[str, Any]) -> None:
        data["coordination"]["joint_centre"] = {"enabled": True}

    log = simulate(load_with("tiny_border.toml", with_centre))
    # Laos still asks Thailand at the report, by its own channel; the centre finds the
    # request made and does not ask twice
    sent = [(t, d) for t, e, _, _, d in log.events if e == "message_sent"]
    assert (90.0, "request LA>TH diplomatic") in sent
    assert (90.0, "report LA>JCC diplomatic") in sent
    assert not any(d.startswith("request JCC") for _, d in sent)


def test_a_joint_team_aircraft_is_grounded_with_the_nation_it_is_in() -> None:
    def joint_helicopter(data: dict[str, Any]) -> None:
        data["unit_types"][0].update(mode="air", speed_kmh=180)
        data["units"][0]["joint"] = True
        data["coordination"] = {"joint_teams": {"enabled": True}}
        data["injects"].append({"type": "grounding", "at": "0min", "nations": ["LA"], "for": "4h"})

    log = simulate(load_with("tiny.toml", joint_helicopter))
    # dispatched at the report (90), mobilised 120; grounded over Laos until 240
    assert (120.0, "waited") in unit_events(log, "la-boat")
    assert incident_rows(log)[0].at["on_scene"] > 240.0


def test_day_only_aircraft_neither_fly_nor_work_after_sunset() -> None:
    def evening_helicopter(data: dict[str, Any]) -> None:
        data["unit_types"][0].update(mode="air", speed_kmh=180, day_only=True)
        data["injects"][0]["at"] = "9h"  # 17:00, sunset about 18:27

    scenario = load_with("tiny.toml", evening_helicopter)
    log = simulate(scenario)
    from sim.model import Simulation

    clock = Simulation(scenario).clock
    trips = [t for t, e in unit_events(log, "la-boat") if e == "trip"]
    assert trips
    for end in trips:  # each 40-minute trip starts and ends in daylight
        assert clock.next_daylight(end - 40) == end - 40
        assert clock.daylight_for(end - 40, 40) == end - 40


def test_a_road_closed_after_departure_turns_the_unit_back() -> None:
    def flooded_on_the_way(data: dict[str, Any]) -> None:
        data["roads"][0]["id"] = "r1"
        data["injects"].append({"type": "road_closed", "at": "150min", "road": "r1", "for": "2h"})

    log = simulate(load_with("tiny.toml", flooded_on_the_way))
    # left at 120 for 60 min; the road closes at 150: back at Attapeu by 180, no route
    # until it reopens at 270, then 60 min -> 330
    assert unit_events(log, "la-boat")[:6] == [
        (90.0, "dispatched"),
        (120.0, "mobilised"),
        (150.0, "turned_back"),
        (180.0, "no_route"),
        (330.0, "on_scene"),
        (370.0, "trip"),
    ]


def test_a_breakdown_on_the_way_stops_the_unit_where_it_is() -> None:
    def breaks_down(data: dict[str, Any]) -> None:
        data["injects"].append(
            {"type": "unit_breakdown", "at": "150min", "unit": "la-boat", "for": "1h"}
        )

    log = simulate(load_with("tiny.toml", breaks_down))
    # half-way at 150, stopped for an hour: on scene at 180 + 60 = 240
    assert incident_rows(log)[0].at["on_scene"] == 240.0


def test_a_threatened_nation_keeps_its_reserve_and_lends_once_safe() -> None:
    def thai_flood_and_reserve(data: dict[str, Any]) -> None:
        thai_village_flooded(data)
        data["coordination"]["mutual_assistance"].update(
            pre_authorized=True, reserves=[{"nation": "TH", "unit_type": "boat", "keep": 1}]
        )

    log = simulate(load_with("tiny_border.toml", thai_flood_and_reserve))
    lao = next(r for r in incident_rows(log) if r.info.place == "ban_hat")
    thai = next(r for r in incident_rows(log) if r.info.place == "ban_tai")
    # while Thailand has its own people to rescue its only boat is its reserve: Laos does not
    # ask it (it could not lend); once Ban Tai is resolved Laos asks and the boat comes
    asks = [t for t, i, _ in decisions(log, "ask") if i == lao.info.id]
    assert asks and asks[0] >= thai.at["resolved"]
    assert lao.first_unit == "th-boat"
    holds = [d.reason for _, i, d in decisions(log, "hold") if i == lao.info.id]
    assert holds[0] == "no_capable_unit"


def test_a_request_that_only_the_reserve_could_meet_is_refused() -> None:
    def warned_thailand(data: dict[str, Any]) -> None:
        data["coordination"]["mutual_assistance"].update(
            pre_authorized=True, reserves=[{"nation": "TH", "keep": 1}]
        )
        data["coordination"]["information_sharing"] = {"enabled": True}
        data["places"][0]["population"] = 0
        data["injects"].append(
            {"type": "warning", "at": "2h", "observed_by": "TH", "places": ["ubon"]}
        )

    log = simulate(load_with("tiny_border.toml", warned_thailand))
    # asked at 90 (Thailand not yet warned); warned at 120, so at the request's reading
    # (240) its one boat is its reserve: refused, with the reason
    answers = [(t, d.choice, d.reason) for t, _, d in decisions(log, "approve")]
    assert answers[0] == (240.0, "no", "reserve")


def test_a_boat_freed_from_lending_goes_to_the_most_urgent_neighbour_incident() -> None:
    """Thailand, warned, keeps one of its two boats at home: it lends one to Ban Hat
    (supplies, priority 2) and holds Ban Mai (rescue, priority 1) for its reserve. When its
    seat sends the lent boat to Ban Tai at home instead, the other may be lent: it goes to
    Ban Mai, the more urgent, not to Ban Hat, whose boat was taken."""
    from support import lao_village

    from sim.decisions.commands import Advance, Assign, Decide
    from sim.decisions.exercise import Exercise, point_key

    def warned_thailand_with_two_boats(data: dict[str, Any]) -> None:
        data["needs"].append({**data["needs"][0], "id": "supplies", "target": "6h", "priority": 2})
        data["unit_types"][0]["capabilities"] = ["rescue", "supplies"]
        data["units"].append({**data["units"][0], "id": "th-boat-2"})
        data["injects"][0]["need"] = "supplies"
        thai_village_flooded(data)
        data["injects"][0].update(at="5h", people=8)  # Ban Tai
        lao_village(data, "ban_mai", 15, 15.05, 105.75)
        data["injects"] += [
            {"type": "incident", "at": "2h", "place": "ban_mai", "need": "rescue", "people": 20},
            {"type": "warning", "at": "0min", "observed_by": "TH", "places": ["ubon"]},
        ]
        data["coordination"]["mutual_assistance"].update(
            pre_authorized=True, reserves=[{"nation": "TH", "unit_type": "boat", "keep": 1}]
        )

    scenario = load_with("tiny_border.toml", warned_thailand_with_two_boats)
    exercise = Exercise(scenario, 0, ("TH",), [Advance(to=330)])  # Thailand's doctrine so far
    by_place = {i.place.id: i for i in exercise.sim.incidents}
    ban_hat, ban_mai, ban_tai = by_place["ban_hat"], by_place["ban_mai"], by_place["ban_tai"]
    assert [u.id for u in ban_hat.assigned] == ["th-boat"]  # lent at 240, on its way
    assert ban_mai.assigned == [] and ban_mai.requests["TH"][0] == "approved"
    assert exercise.sim.log.decisions[-1].reason == "reserve"  # Ban Mai held at 300
    exercise.perform(Advance(to=400, wait_for_seats=True))  # Ban Tai reported at 335
    (offered,) = exercise.open_points("TH")
    assert (offered.point.incident, offered.point.proposal.choice) == (ban_tai.id, "th-boat-2")
    exercise.perform(
        Decide(seat="TH", point=offered.point.id, key=point_key(offered.point), choice="wait")
    )
    exercise.perform(Assign(seat="TH", incident=ban_tai.id, unit="th-boat"))
    (offered,) = exercise.open_points("TH")
    assert (offered.point.incident, offered.point.proposal.choice) == (ban_mai.id, "th-boat-2")
    # Ban Hat waits: the boat is offered to Ban Mai (not "no route")
    holds = [d.reason for _, i, d in decisions(exercise.sim.log, "hold") if i == ban_hat.id]
    assert holds[-1] == "no_free_unit"


def test_the_summary_says_why_help_came_late() -> None:
    from support import SCENARIOS

    from sim import load_scenario, summarise

    summary = summarise(simulate(load_scenario(SCENARIOS / "tiny_border.toml")))["decisions"]
    # Laos has no boat: its incident waits from the report (90) until the Thai boat is sent
    # at the approval (480); it asks Thailand once, which approves case by case
    assert summary["hold_min"] == {"no_capable_unit": 390.0}
    assert summary["asked"] == {"LA>TH": 1}
    assert summary["answers"] == {"TH:yes:case_by_case": 1}
    assert summary["by_kind"]["assign"] == {"nearest": 1}


def test_the_report_tells_who_decided_what_and_why() -> None:
    from support import SCENARIOS

    from sim import load_scenario
    from sim.report import manifest, run_files

    scenario = load_scenario(SCENARIOS / "tiny_border.toml")
    run = simulate(scenario)
    html = run_files(scenario, run, manifest("tiny_border.toml", "-", 1, 0, []))["report.html"]
    text = html.decode()
    section = text[text.index('id="decisions"') : text.index('id="crossings"')]
    assert "no unit of the nation can serve this need there" in section
    assert "6h 30min" in section  # Ban Hat waited from the report (90) to the dispatch (480)
    assert "asks Thailand" in section and "for help at Ban Hat" in section
    assert "approves the request for Ban Hat" in section
    assert "approved: decided case by case (1)" in section


def test_the_after_action_report_names_why_incidents_waited() -> None:
    from support import SCENARIOS

    from sim import load_scenario
    from sim.report import manifest, run_files

    scenario = load_scenario(SCENARIOS / "tiny_border.toml")
    run = simulate(scenario)
    html = run_files(scenario, run, manifest("tiny_border.toml", "-", 1, 0, []))["report.html"]
    aar = html.decode().split('id="aar"')[1].split('id="replications"')[0]
    assert "Incidents waited 6h 30min in all with nobody on the way" in aar
    assert "no unit of the nation can serve this need there" in aar

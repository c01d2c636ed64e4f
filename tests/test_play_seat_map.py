"""A seat's own map: its units (a unit with no route marked, and why), the incidents it
knows of, the roads closed now; served only to the seat and its observers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from support import as_sent, load_with

from sim.decisions.exercise import Exercise, point_key
from sim.decisions.session import create_session
from sim.play.seat_map import seat_map_data
from sim.play.server import PlayServer, create_app
from sim.play.views import seat_view
from sim.report import maps


def _cut_off(data: dict[str, Any]) -> None:
    """tiny_border.toml: a Lao boat at Pakse, and the road to Ban Hat closing under it."""
    data["units"].append(
        {"id": "la-boat", "nation": "LA", "agency": "army", "type": "boat", "base": "pakse"}
    )
    data["injects"].append(
        {"type": "road_closed", "at": "125min", "road": "pakse--ban_hat", "for": "10h"}
    )


def _stuck() -> Exercise:
    ex = Exercise(load_with("tiny_border.toml", _cut_off), 0, ["LA", "TH"])
    ex.perform(as_sent({"do": "advance", "to": 90, "wait_for_seats": True}))
    (send,) = [p for p in ex.open_points("LA") if p.point.kind == "assign"]
    ex.perform(
        as_sent(
            {"do": "decide", "seat": "LA", "point": send.number}
            | {"key": point_key(send.point), "choice": "la-boat"}
        )
    )
    ex.perform(as_sent({"do": "advance", "to": 140}))  # back at Pakse, no way to Ban Hat
    return ex


def test_a_seat_map_shows_its_units_incidents_and_why_a_unit_has_no_route() -> None:
    ex = _stuck()
    data = seat_map_data(ex, "LA")
    assert data.title == "Laos, as at Mon 23 Jul 10:20"
    (pakse,) = [u for u in data.units if u.stuck]
    why = "no route to Ban Hat (roads closed or flooded)"
    assert pakse.stuck == f"Rescue boat team from Pakse: {why}"
    assert [r.closed for r in data.roads if r.closed] == ["closed since Mon 23 Jul 10:05"]
    assert len(data.incidents) == 1  # the rescue at Ban Hat
    sent = [x for x in seat_view(ex, "LA", True)["decisions"] if x["what"] == "Send a unit"]
    assert sent[0]["choice"] == "LA Rescue boat team from Pakse"  # named, not its id
    drawn = maps.run_map(data)
    assert drawn.png.startswith(b"\x89PNG")
    assert not [t for t in drawn.unlabelled if "no route" in t]  # the reason is written
    # Thailand's map: its own units, and the incident only once Laos's request reached it
    thai = seat_map_data(ex, "TH")
    assert not [u for u in thai.units if u.stuck]
    (asked,) = [i for i in ex.sim.incidents if "TH" in i.requests]
    assert not thai.incidents  # (the request, a diplomatic note, is on its way)
    ex.perform(as_sent({"do": "advance", "to": asked.requests["TH"][1] + 150}))
    assert len(seat_map_data(ex, "TH").incidents) == 1
    places = {(p.lat, p.lon): p.nation for p in ex.scenario.places}
    assert {places[u.lat, u.lon] for u in thai.units} == {"TH"}


def test_each_seat_gets_its_own_map(tmp_path: Path) -> None:
    scenario = load_with("tiny_border.toml", _cut_off)
    session = create_session(tmp_path / "s.jsonl", "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(scenario, session)
    client = TestClient(create_app(server), follow_redirects=False)
    tokens = server.tokens
    la, watch = f"/seat/LA/{tokens['LA']}", f"/observe/LA/{tokens['LA:observer']}"
    assert f'data-map="{la}/map.png"' in client.get(la).text
    assert f'data-map="{watch}/map.png"' in client.get(watch).text
    assert client.get(f"{la}/map.png").status_code == 200
    assert server.map_of("LA").wanted and not server.map_of("facilitator").wanted
    assert server.map_of("LA:observer") is server.map_of("LA")
    refused = [
        client.get(f"/seat/LA/{tokens['TH']}/map.png"),
        client.get(f"/observe/LA/{tokens['TH:observer']}/map.png"),
    ]
    assert [r.status_code for r in refused] == [403, 403]
    server.close()


def test_units_at_places_on_one_spot_share_one_marker() -> None:
    """A hospital given the town's own coordinates: the medical team there and the boat in
    town are one marker of 2 units, not two markers drawn one on the other."""

    def hospital_in_ubon(data: dict[str, Any]) -> None:
        ubon = next(p for p in data["places"] if p["id"] == "ubon")
        data["places"].append(
            {**ubon, "id": "ubon_hospital", "name": "Ubon hospital", "kind": "hospital"}
        )
        data["units"].append({**data["units"][0], "id": "th-boat-2", "base": "ubon_hospital"})

    ex = Exercise(load_with("tiny_border.toml", hospital_in_ubon), 0, ["TH"])
    (ubon,) = seat_map_data(ex, "TH").units
    assert ubon.count == 2

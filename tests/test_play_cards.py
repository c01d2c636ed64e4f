"""What a seat's page shows to decide on: a request card with the requester, the need, the
people, the seat's own units that could go and what sending them leaves at home; names in
full, never ids; cards told apart; a unit with no route not shown as travelling."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from support import as_sent, load_with

from sim import load_scenario
from sim.decisions.exercise import Exercise, point_key
from sim.decisions.session import create_session
from sim.play.server import PlayServer, create_app
from sim.play.views import facilitator_view, seat_view

TINY = Path(__file__).parent / "scenarios" / "tiny_border.toml"
DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"


def test_a_seat_asked_for_help_sees_what_it_weighs(tmp_path: Path) -> None:
    session = create_session(tmp_path / "s.jsonl", "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(load_scenario(TINY), session)
    client = TestClient(create_app(server), follow_redirects=False)
    ex = server.exercise
    while not ex.open_points("TH"):
        for item in ex.open_points("LA"):  # Laos asks Thailand
            choice = "TH" if item.point.kind == "ask" else item.point.proposal.choice
            server.perform(
                as_sent(
                    {"do": "decide", "seat": "LA", "point": item.number}
                    | {"key": point_key(item.point), "choice": choice}
                )
            )
        server.perform(as_sent({"do": "next"}))
        ex = server.exercise
    page = client.get(f"/seat/TH/{server.tokens['TH']}").text
    card = " ".join(page.split('class="request"')[1].split("</div>")[0].split())
    assert "<strong>Laos</strong> asks for help: <strong>Rescue of stranded people</strong>" in card
    assert "at Ban Hat (Laos), 20 of 20 people still waiting" in card
    assert "<td>TH Rescue boat team from Ubon Ratchathani</td><td>on scene about" in card
    assert "<td>leaves 0 of 1 at home</td>" in card
    # the incident it is asked about is among those it knows of
    incidents = page.split('class="incidents-section"')[1].split("</section>")[0]
    assert "Rescue of stranded people at Ban Hat" in incidents


def test_the_seats_pages_name_everything_in_full_on_the_default_scenario() -> None:
    scenario = load_scenario(DEFAULT)
    seats = [n.code for n in scenario.nations]
    ex = Exercise(scenario, scenario.run.seed, seats)
    unit_ids = {u.id for u in ex.sim.units}
    blocked_seen = requests_seen = 0
    while ex.now < 1600:
        for seat in seats:
            view = seat_view(ex, seat, True)
            titles = Counter(f"{p['title']}: {p['about']}" for p in view["points"])
            assert max(titles.values(), default=1) == 1, titles
            for p in view["points"]:
                shown = [p["about"], *(o["label"] for o in p["options"]), *p["facts"]]
                if p["request"]:
                    requests_seen += 1
                    card = p["request"]
                    assert card["asker"] and card["need"] and card["people"] > 0
                    shown += [u["name"] for u in card["units"]]
                assert not any(re.search(r"\w…|…\w", text) for text in shown), shown
                assert not unit_ids & {word for text in shown for word in text.split()}
            for u in view["units"]:
                unit = next(x for x in ex.sim.units if x.id == u["id"])
                if unit.blocked and unit.task is not None:
                    blocked_seen += 1
                    assert u["state"].startswith("no route to "), u
        view = facilitator_view(ex, True)
        for row in view["units"]:
            assert row["name"] not in unit_ids
        for row in view["decisions"]:  # an evacuation names its village
            assert row["about"], row
        ex.perform(as_sent({"do": "next"}))
    assert requests_seen  # blocked units, where there are any, are checked above


def test_a_unit_with_no_route_is_not_shown_travelling() -> None:
    def lao_boat_cut_off(data: dict[str, Any]) -> None:
        data["units"].append(
            {"id": "la-boat", "nation": "LA", "agency": "army", "type": "boat", "base": "pakse"}
        )
        data["injects"].append(  # closes under the boat on its way (it left Pakse at 120)
            {"type": "road_closed", "at": "125min", "road": "pakse--ban_hat", "for": "10h"}
        )

    ex = Exercise(load_with("tiny_border.toml", lao_boat_cut_off), 0, ["LA"])
    ex.perform(as_sent({"do": "advance", "to": 90, "wait_for_seats": True}))
    (send,) = [p for p in ex.open_points("LA") if p.point.kind == "assign"]
    ex.perform(
        as_sent(
            {"do": "decide", "seat": "LA", "point": send.number}
            | {"key": point_key(send.point), "choice": "la-boat"}
        )
    )
    ex.perform(as_sent({"do": "advance", "to": 140}))  # back at Pakse at 130, no way to Ban Hat
    (boat,) = [u for u in seat_view(ex, "LA", True)["units"] if u["id"] == "la-boat"]
    assert boat["state"].startswith("no route to Ban Hat"), boat

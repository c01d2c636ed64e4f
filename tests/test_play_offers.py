"""Offering help unprompted: a seat offers one of its units to a neighbour's incident it has
heard of; the offer travels over the channel between the two, the neighbour's seat accepts
or declines it with a reason, an accepted unit sets off, and the session replays it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from support import as_sent, load_with

from sim import log
from sim.decisions import points as d
from sim.decisions.commands import Refused
from sim.decisions.exercise import Exercise, point_key
from sim.decisions.replay import played, played_session, replay_run
from sim.decisions.session import create_session, read_session
from sim.play.server import PlayServer, create_app


def _watched(data: dict[str, Any]) -> None:
    """Thailand's border units watch Ban Hat, across the Mekong (information sharing)."""
    data.setdefault("coordination", {})["information_sharing"] = {
        "enabled": True,
        "border_zone_km": 40,
        "border_detection": "5min",
    }


SCENARIO = load_with("tiny_border.toml", _watched)


def _server(tmp_path: Path) -> tuple[PlayServer, TestClient]:
    session = create_session(tmp_path / "s.jsonl", "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(SCENARIO, session)
    return server, TestClient(create_app(server), follow_redirects=False)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _until(server: PlayServer, done: Any) -> None:
    """Move the clock, Laos waiting on its own points, until ``done()``."""
    while not done():
        for item in server.exercise.open_points("LA"):
            if item.point.kind != d.ACCEPT:
                form = {"point": item.number, "key": point_key(item.point), "choice": "wait"}
                server.perform(as_sent({"do": "decide", "seat": "LA"} | form))
        server.perform(as_sent({"do": "next"}))


def test_a_seat_offers_a_unit_to_an_incident_it_has_heard_of(tmp_path: Path) -> None:
    server, client = _server(tmp_path)
    th, la = (f"/seat/{s}/{server.tokens[s]}" for s in ("TH", "LA"))
    offer = {"action": "offer", "incident": "0", "unit": "th-boat", "reason": "we are close"}
    # before Thailand has heard of the Lao incident, it cannot offer help with it
    _until(server, lambda: server.exercise.sim.incidents)
    assert "act-offer" not in client.get(th).text
    before = server.session.path.read_bytes()
    refused = client.post(f"{th}/act", data=offer, follow_redirects=True)
    assert "the seat has heard of no such open incident of a neighbour" in refused.text
    assert server.session.path.read_bytes() == before

    # its border units see it and its EOC passes the report across: now it has heard of it
    _until(server, lambda: server.exercise.heard_of("TH"))
    page = client.get(th).text
    form = _text(page.split('class="row offer-form"')[1].split("</form>")[0])
    assert "Offer TH Rescue boat team from Ubon Ratchathani" in form
    assert "to help with Rescue of stranded people at Ban Hat (Laos)" in form
    assert "Rescue of stranded people at Ban Hat" in _text(page.split("incidents-section")[1])
    assert client.post(f"{th}/act", data=offer).status_code == 303
    offered = read_session(server.session.path).commands[-1]
    assert offered.action == "offer" and offered.target == "th-boat"
    assert offered.reason == "we are close"

    # the offer travels like a request: the channel between the two, an interpreter
    ex = server.exercise
    sent_at = ex.now
    _until(server, lambda: server.exercise.open_points("LA"))
    _until(server, lambda: any(p.point.kind == d.ACCEPT for p in server.exercise.open_points()))
    ex = server.exercise
    events = ex.sim.log.events
    (sent,) = [e for e in events if e[1] == log.MESSAGE_SENT and e[4].startswith("offer ")]
    (delivered,) = [e for e in events if e[1] == log.MESSAGE_DELIVERED and e[4] == sent[4]]
    assert sent[0] == sent_at and sent[4] == "offer TH>LA diplomatic"
    assert any(e[1] == log.MESSAGE_INTERPRETED and e[4] == sent[4] for e in events)
    assert delivered[0] == ex.now > sent_at + 60  # (a diplomatic note takes 2 h)

    # Laos's seat weighs it on a card: who offers what, when it would be there
    card = _text(client.get(la).text.split('class="pending"')[1].split("</section>")[0])
    assert "Answer an offer of help: Rescue of stranded people at Ban Hat" in card
    assert "Thailand offers its TH Rescue boat team from Ubon Ratchathani" in card
    assert re.search(r"accept on scene about \w{3} \d\d \w{3} \d\d:\d\d", card)
    (item,) = [p for p in ex.open_points("LA") if p.point.kind == d.ACCEPT]
    answer = {"point": item.number, "key": point_key(item.point), "choice": "yes"}
    assert (
        client.post(f"{la}/decide", data=answer | {"reason": "no boat of our own"}).status_code
        == 303
    )

    # accepted: the boat sets off at once for Thailand, logged with the seat's reason
    ex = server.exercise
    dispatched = [e for e in ex.sim.log.events if e[1] == log.DISPATCHED and e[3] == "th-boat"]
    assert [(e[0], e[4]) for e in dispatched] == [(ex.now, "TH")]
    answered = read_session(server.session.path).commands[-1]
    assert (answered.kind, answered.choice, answered.reason) == (
        "accept",
        "yes",
        "no boat of our own",
    )
    assert "Thailand agreed" not in _text(client.get(la).text)  # no request was made

    # the session file replays the exercise exactly, offer and answer included
    session = read_session(server.session.path)
    replayed = played_session(SCENARIO, session)
    live = Exercise(SCENARIO, 0, session.seats, session.commands).finish().events
    run, not_applied = replay_run(SCENARIO, replayed, 0, 0, rebuild=False)
    as_played = [(*e[:4], e[4].replace(" replayed ", " player ")) for e in run.events]
    assert as_played == live and not_applied == 0  # (a choice replayed is marked so)
    decisions = [x for x in run.decisions if x.event == log.DECISION]
    assert [(x.seat, x.kind, x.choice) for x in decisions if x.kind in (d.OFFER, d.ACCEPT)] == [
        ("TH", d.OFFER, "th-boat"),
        ("LA", d.ACCEPT, "yes"),
    ]


def _heard(ex: Exercise) -> None:
    while not ex.heard_of("TH"):
        ex.perform(as_sent({"do": "next"}))
    assert ex.now < 120  # its border units saw it, well before Laos asked anyone


def test_an_offer_passes_the_checks_doctrine_keeps() -> None:
    def lao_boat_on_it(data: dict[str, Any]) -> None:
        _watched(data)
        data["needs"][0]["max_units"] = 1
        data["units"].append(
            {"id": "la-boat", "nation": "LA", "agency": "army", "type": "boat", "base": "pakse"}
        )

    ex = Exercise(load_with("tiny_border.toml", lao_boat_on_it), 0, ["LA", "TH"])
    _heard(ex)
    (incident,) = ex.heard_of("TH")
    while not incident.assigned:  # Laos hears of it too, and sends its boat
        ex.perform(as_sent({"do": "advance", "to": ex.now + 5}))
    assert [u.id for u in incident.assigned] == ["la-boat"]
    offer = {"do": "act", "seat": "TH", "action": "offer", "incident": incident.id}
    refusals = [
        (offer | {"unit": "th-boat"}, "1 already on it, the most this need takes at once"),
        (offer | {"unit": "la-boat"}, "the seat cannot task this unit"),
        (
            offer | {"seat": "LA", "unit": "la-boat"},
            "the seat has heard of no such open incident of a neighbour",
        ),
    ]
    for command, why in refusals:
        before = list(ex.sim.log.events)
        try:
            ex.perform(as_sent(command))
        except Refused as refused:
            assert str(refused) == why
        else:
            raise AssertionError(f"{command} was taken")
        assert ex.sim.log.events == before and ex.commands[-1].do != "act"


def test_an_offer_left_to_doctrine_or_declined() -> None:
    for answer, sent in ((None, True), ("no", False)):
        ex = Exercise(SCENARIO, 0, ["LA", "TH"])
        _heard(ex)
        (incident,) = ex.heard_of("TH")
        ex.perform(
            as_sent(
                {"do": "act", "seat": "TH", "action": "offer"}
                | {"incident": incident.id, "unit": "th-boat"}
            )
        )
        while not any(p.point.kind == d.ACCEPT for p in ex.open_points("LA")):
            ex.perform(as_sent({"do": "next"}))
        (item,) = [p for p in ex.open_points("LA") if p.point.kind == d.ACCEPT]
        assert item.point.proposal == d.Choice(d.YES, d.SOONER)  # Laos has no boat at all
        if answer is not None:
            form = {"point": item.number, "key": point_key(item.point), "choice": answer}
            ex.perform(as_sent({"do": "decide", "seat": "LA"} | form))
        ex.perform(as_sent({"do": "advance", "to": ex.now + 1}))  # (a point still open lapses)
        (taken,) = [t for t in ex.taken if t.kind == d.ACCEPT]
        assert taken.choice == (answer or d.LEFT_TO_DOCTRINE)
        boat = ex.sim.unit("th-boat")
        assert (boat.task is incident) == sent
        session = played(ex)
        assert len(session.departures) == (1 if sent else 2)  # the offer, and a "no"


def _offer(ex: Exercise, incident: Any, unit: str = "th-boat") -> None:
    offer = {"action": "offer", "incident": incident.id, "unit": unit}
    ex.perform(as_sent({"do": "act", "seat": "TH"} | offer))


def _accept_lines(ex: Exercise) -> list[str]:
    return [e[4] for e in ex.sim.log.events if e[1] == log.DECISION and " accept " in e[4]]


def test_a_unit_is_offered_once_until_the_answer() -> None:
    ex = Exercise(SCENARIO, 0, ["LA", "TH"])
    _heard(ex)
    (incident,) = ex.heard_of("TH")
    _offer(ex, incident)
    for _ in range(2):  # while it travels, and while it waits on Laos's card
        try:
            _offer(ex, incident)
        except Refused as refused:
            assert str(refused) == "this unit is offered already: wait for the answer"
        else:
            raise AssertionError("the same unit was offered twice")
        while not any(p.point.kind == d.ACCEPT for p in ex.open_points("LA")):
            ex.perform(as_sent({"do": "next"}))
    sent = [e for e in ex.sim.log.events if e[1] == log.MESSAGE_SENT]
    assert sum(1 for e in sent if e[4].startswith("offer TH>LA")) == 1


def test_an_offer_whose_unit_was_tasked_elsewhere_meanwhile_is_declined_without_a_card() -> None:
    def thai_village(data: dict[str, Any]) -> None:
        _watched(data)
        data["places"].append(
            {"id": "ban_tha", "name": "Ban Tha", "nation": "TH", "kind": "village"}
            | {"lat": 15.2, "lon": 105.0, "population": 100, "water_access": True}
        )
        data["roads"].append({"from": "ubon", "to": "ban_tha", "km": 15, "class": "rural"})
        data["injects"].append(
            {"type": "incident", "at": "3h", "place": "ban_tha", "need": "rescue", "people": 10}
        )

    ex = Exercise(load_with("tiny_border.toml", thai_village), 0, ["LA", "TH"])
    _heard(ex)
    (lao,) = ex.heard_of("TH")
    _offer(ex, lao)
    boat = ex.sim.unit("th-boat")
    while boat.task is None:  # Thailand's own incident: its seat sends the boat there
        for item in ex.open_points("TH"):
            form = {"point": item.number, "key": point_key(item.point)}
            ex.perform(
                as_sent({"do": "decide", "seat": "TH", "choice": item.point.proposal.choice} | form)
            )
        ex.perform(as_sent({"do": "advance", "to": ex.now + 5}))
    thai = boat.task
    assert thai is not lao
    while not _accept_lines(ex):
        assert not any(p.point.kind == d.ACCEPT for p in ex.open_points("LA"))
        ex.perform(as_sent({"do": "advance", "to": ex.now + 5}))
    (line,) = _accept_lines(ex)
    assert line.startswith("LA accept no not_possible ")
    assert boat.task is thai  # the boat stays where its own seat sent it


def test_an_offer_that_arrives_when_nobody_is_left_is_declined_as_not_needed() -> None:
    def small(data: dict[str, Any]) -> None:
        _watched(data)
        data["injects"][0]["people"] = 5
        data["units"].append(
            {"id": "la-boat", "nation": "LA", "agency": "army", "type": "boat", "base": "pakse"}
        )

    ex = Exercise(load_with("tiny_border.toml", small), 0, ["TH"])
    while not ex.heard_of("TH"):
        ex.perform(as_sent({"do": "advance", "to": ex.now + 5}))
    (incident,) = ex.heard_of("TH")
    _offer(ex, incident)
    ex.perform(as_sent({"do": "advance", "to": 600}))
    assert incident.remaining == 0
    (line,) = _accept_lines(ex)
    assert line.startswith("LA accept no not_needed ")
    assert ex.sim.unit("th-boat").task is None


def test_a_request_in_flight_is_withdrawn_once_the_helpers_offer_is_accepted() -> None:
    ex = Exercise(SCENARIO, 0, ["LA", "TH"])
    _heard(ex)
    (incident,) = ex.heard_of("TH")
    _offer(ex, incident)
    (ask,) = [p for p in ex.open_points("LA") if p.point.kind == d.ASK]
    ex.perform(
        as_sent(
            {"do": "decide", "seat": "LA", "choice": "TH"}
            | {"point": ask.number, "key": point_key(ask.point)}
        )
    )
    while not any(p.point.kind == d.ACCEPT for p in ex.open_points("LA")):
        ex.perform(as_sent({"do": "next"}))
    (card,) = [p for p in ex.open_points("LA") if p.point.kind == d.ACCEPT]
    ex.perform(
        as_sent(
            {"do": "decide", "seat": "LA", "choice": "yes"}
            | {"point": card.number, "key": point_key(card.point)}
        )
    )
    ex.perform(as_sent({"do": "advance", "to": 900}))
    kinds = [e[1] for e in ex.sim.log.events if e[2] == incident.id]
    assert log.WITHDRAWN in kinds and log.REFUSED not in kinds and log.APPROVED not in kinds
    assert not [t for t in ex.taken if t.kind == d.APPROVE]  # Thailand is not asked to approve
    assert incident.requests["TH"][0] == "approved"

"""Decision points with an identity and a life cycle: regressions of what players saw go
wrong (issue "One plan", behaviours 12, 13, 15 and 16), on tiny scenarios, and the rules
as properties.

tiny_border.toml: Laos has no boat and asks Thailand for one (see tests/test_decisions.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import as_sent, lao_village, load_with, slow_lao_boat
from test_decisions import lao_boat_down_until_19h

from sim import log
from sim.decisions import points as d
from sim.decisions.commands import Refused
from sim.decisions.exercise import Exercise, point_key
from sim.decisions.players import OpenPoint
from sim.decisions.replay import played, replay_run
from sim.model.simulation import Simulation


def _stop_at(ex: Exercise, kind: str, seat: str) -> OpenPoint:
    """Move the clock from one decision stop to the next until a seat has a point of a kind."""
    while not ex.finished:
        found = [p for p in ex.open_points(seat) if p.point.kind == kind]
        if found:
            return found[0]
        ex.perform(as_sent({"do": "next"}))
    raise AssertionError(f"no {kind} point for {seat}")


def _decide(ex: Exercise, item: OpenPoint, choice: str) -> None:
    ex.perform(
        as_sent(
            {"do": "decide", "seat": item.seat, "point": item.number}
            | {"key": point_key(item.point), "choice": choice}
        )
    )


def _life(ex: Exercise, number: int) -> list[tuple[str, log.Decision]]:
    """What the log says became of a point, in order."""
    return [(dec.event, dec) for dec in ex.sim.log.decisions if dec.point == number]


def test_an_answer_is_logged_against_the_point_it_answers() -> None:
    """Behaviour 12: a seat agreeing with doctrine has its choice logged against the very
    question it answered: the card's id, its options as they stood."""
    ex = Exercise(load_with("tiny_border.toml", slow_lao_boat), 0, ["LA"])
    send = _stop_at(ex, d.ASSIGN, "LA")
    shown = send.point.options
    _decide(ex, send, send.point.proposal.choice)
    ((opened, first), (answered, dec)) = _life(ex, send.number)
    assert (opened, answered) == (log.DECISION_OPENED, log.DECISION)
    assert (dec.seat, dec.kind, dec.choice, dec.reason) == ("LA", d.ASSIGN, "la-boat", d.PLAYER)
    assert dec.options == first.options == shown


def test_a_stand_down_answer_is_carried_out_and_logged() -> None:
    """Behaviour 12: Thailand's seat answers the point to stand its boat down when the Lao
    boat, repaired, comes sooner: the boat leaves, and the answer is logged."""

    def eight_people(data: dict[str, Any]) -> None:
        lao_boat_down_until_19h(data)
        data["injects"][0]["people"] = 8

    ex = Exercise(load_with("tiny_border.toml", eight_people), 0, ["LA", "TH"])
    for kind, seat in ((d.ASK, "LA"), (d.APPROVE, "TH"), (d.ASSIGN, "TH"), (d.ASSIGN, "LA")):
        item = _stop_at(ex, kind, seat)
        _decide(ex, item, item.point.proposal.choice)
    stand_down = _stop_at(ex, d.STAND_DOWN, "TH")
    assert (stand_down.point.question, stand_down.point.at_min) == ("th-boat", 660.0)
    _decide(ex, stand_down, "th-boat")
    (answer,) = [dec for kind, dec in _life(ex, stand_down.number) if kind == log.DECISION]
    assert (answer.choice, answer.reason) == ("th-boat", d.PLAYER)
    left = [e[:2] for e in ex.sim.log.events if e[3] == "th-boat" and e[0] == 660.0]
    assert (660.0, log.STOOD_DOWN) in left


def _lao_boat_misses_the_target(data: dict[str, Any]) -> None:
    """A Lao boat that takes 30 h to mobilise: Thailand's boat, asked, would come sooner."""
    slow_lao_boat(data)
    data["unit_types"][1]["mobilisation"] = "30h"


def test_no_ask_while_an_open_point_would_send_a_unit_in_time() -> None:
    """Behaviour 13: while Laos's seat has a card to send its own boat, in time, it is not
    also asked whether to ask Thailand; once it says wait, it is."""
    ex = Exercise(load_with("tiny_border.toml", slow_lao_boat), 0, ["LA"])
    send = _stop_at(ex, d.ASSIGN, "LA")
    assert [p.point.kind for p in ex.open_points("LA")] == [d.ASSIGN]
    _decide(ex, send, "wait")
    ask = _stop_at(ex, d.ASK, "LA")
    assert ask.point.proposal == d.Choice("TH", d.MISSES_TARGET)


def test_an_ask_answered_after_a_send_is_carried_out() -> None:
    """Behaviour 13: Laos's seat has a card to send its own (late) boat and one to ask
    Thailand, whose boat would come sooner; it sends the boat, then asks: the request goes,
    logged against the ask card's id."""
    ex = Exercise(load_with("tiny_border.toml", _lao_boat_misses_the_target), 0, ["LA"])
    send = _stop_at(ex, d.ASSIGN, "LA")
    ask = _stop_at(ex, d.ASK, "LA")
    assert {p.number for p in ex.open_points("LA")} == {send.number, ask.number}
    _decide(ex, send, "la-boat")
    assert ask.number in {p.number for p in ex.open_points("LA")}  # still needed: late
    _decide(ex, ask, "TH")
    (answer,) = [dec for kind, dec in _life(ex, ask.number) if kind == log.DECISION]
    assert (answer.choice, answer.reason) == ("TH", d.PLAYER)
    sent = [e for e in ex.sim.log.events if e[1] == log.MESSAGE_SENT and "request" in e[4]]
    assert sent and sent[0][0] == ex.now


def test_an_ask_overtaken_is_closed_logged_and_its_answer_refused() -> None:
    """Behaviour 13: the seat asks Thailand through its own action while the card asking
    the same is open: the card is overtaken (nobody is left to ask), logged, and
    answering it is refused."""
    ex = Exercise(load_with("tiny_border.toml", _lao_boat_misses_the_target), 0, ["LA"])
    ask = _stop_at(ex, d.ASK, "LA")
    ex.perform(as_sent({"do": "act", "seat": "LA", "action": "ask", "incident": 0, "nation": "TH"}))
    (closed,) = _life(ex, ask.number)[1:]
    assert closed[0] == log.DECISION_OVERTAKEN and closed[1].choice == "-"
    with pytest.raises(Refused, match="no longer open") as refusal:
        _decide(ex, ask, "TH")
    assert refusal.value.status == 409


def _two_villages_two_boats(data: dict[str, Any]) -> None:
    """Two Lao boats at Pakse (one slow), and a second village flooded at the same time."""
    slow_lao_boat(data)
    data["units"].append(
        {"id": "la-fast", "nation": "LA", "agency": "army", "type": "boat", "base": "pakse"}
    )
    lao_village(data, "ban_nok", 12, lat=15.05, lon=105.75, population=200)
    data["injects"].append(
        {"type": "incident", "at": "1h", "place": "ban_nok", "need": "rescue", "people": 20}
    )


def test_a_unit_proposed_on_one_card_is_not_offered_on_another() -> None:
    """Behaviour 15: two incidents, two boats: each card proposes its own boat; choosing one
    card's boat on the other card refreshes that card, and the stale card is refused."""
    ex = Exercise(load_with("tiny_border.toml", _two_villages_two_boats), 0, ["LA"])
    _stop_at(ex, d.ASSIGN, "LA")
    cards = [p for p in ex.open_points("LA") if p.point.kind == d.ASSIGN]
    assert len(cards) == 2
    proposals = [c.point.proposal.choice for c in cards]
    assert sorted(proposals) == ["la-boat", "la-fast"]
    offered = [{o.choice for o in c.point.options} - {"wait"} for c in cards]
    assert not offered[0] & offered[1]  # no unit on two cards
    first, second = cards
    _decide(ex, first, first.point.proposal.choice)
    (refreshed,) = [p for p in ex.open_points("LA") if p.point.kind == d.ASSIGN]
    assert refreshed.number == second.number  # the other card was never about that unit
    sent = {e[3] for e in ex.sim.log.events if e[1] == log.DISPATCHED}
    assert sent == {first.point.proposal.choice}


def test_a_unit_already_sent_cannot_be_chosen() -> None:
    """Behaviour 15: a unit sent unprompted elsewhere is no longer on any open card: the card
    that offered it is overtaken by one that does not, and answering the old one is refused
    (never silently sending another unit)."""
    ex = Exercise(load_with("tiny_border.toml", _two_villages_two_boats), 0, ["LA"])
    _stop_at(ex, d.ASSIGN, "LA")
    first, second = (p for p in ex.open_points("LA") if p.point.kind == d.ASSIGN)
    taken = first.point.proposal.choice
    ex.perform(
        as_sent(
            {"do": "act", "seat": "LA", "action": "assign", "incident": second.point.incident}
            | {"unit": taken}
        )
    )
    assert first.number not in {p.number for p in ex.open_points("LA")}
    assert _life(ex, first.number)[-1][0] == log.DECISION_OVERTAKEN
    with pytest.raises(Refused, match="no longer open"):
        _decide(ex, first, taken)
    assert all(taken not in {o.choice for o in p.point.options} for p in ex.open_points())
    sent = [(e[2], e[3]) for e in ex.sim.log.events if e[1] == log.DISPATCHED]
    assert sent == [(second.point.incident, taken)]


def test_a_move_that_waits_for_the_seats_stops_at_each_point() -> None:
    """Behaviour 16, with the facilitator's setting on: the clock stops at the point's own
    instant, and the seat decides there."""
    ex = Exercise(load_with("tiny_border.toml", slow_lao_boat), 0, ["LA"])
    ex.perform(as_sent({"do": "advance", "to": 600, "wait_for_seats": True}))
    (send,) = ex.open_points("LA")
    assert ex.now == send.point.at_min < 600
    _decide(ex, send, "la-boat")
    ex.perform(as_sent({"do": "advance", "to": 600, "wait_for_seats": True}))
    assert ex.now == 600 and not ex.open_points()


# properties


@st.composite
def _plays(draw: st.DrawFn) -> list[tuple[str, int]]:
    """A played exercise as moves: answer an open point with option k, let it lapse on a
    clock move, or move on by some minutes."""
    return draw(
        st.lists(
            st.tuples(st.sampled_from(["answer", "next", "advance"]), st.integers(0, 240)),
            max_size=25,
        )
    )


def _scenario(data: dict[str, Any]) -> None:
    """Two villages; a slow Lao boat, a fast one down until 19:00, the Thai boat to ask."""
    _two_villages_two_boats(data)
    data["unit_types"][1]["mobilisation"] = "30h"
    data["injects"].append(
        {"type": "unit_breakdown", "at": "0min", "unit": "la-fast", "for": "11h"}
    )


SCENARIOS = (
    load_with("tiny_border.toml", _scenario),
    load_with("tiny_border.toml", _two_villages_two_boats),
)


def _only_its_point_changed(ex: Exercise, others: dict[int, d.DecisionPoint]) -> None:
    """After an answer, every other point open before it is still open as it stood (same
    question and options), or was closed as overtaken, logged, at that instant."""
    still = {p.number: p.point for p in ex.open_points()}
    for number, point in others.items():
        if number in still:
            assert still[number] == point, number
        else:
            ends = [
                x
                for x in ex.sim.log.decisions
                if x.point == number and x.event != "decision_opened"
            ]
            assert [(x.event, x.time_min) for x in ends] == [(log.DECISION_OVERTAKEN, ex.now)], (
                number
            )


def _play(moves: list[tuple[str, int]], seed: int) -> Exercise:
    ex = Exercise(SCENARIOS[seed % 2], seed, ["LA", "TH"])
    for move, k in moves:
        if ex.finished:
            break
        points = ex.open_points()
        if move == "answer" and points:
            item = points[k % len(points)]
            others = {p.number: p.point for p in points if p.number != item.number}
            _decide(ex, item, item.point.options[k % len(item.point.options)].choice)
            _only_its_point_changed(ex, others)
        elif move == "next":
            ex.perform(as_sent({"do": "next"}))
        else:
            ex.perform(as_sent({"do": "advance", "to": ex.now + k}))
    return ex


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(_plays(), st.integers(0, 3))
def test_every_point_ends_in_a_logged_state_and_answers_change_only_their_point(
    moves: list[tuple[str, int]], seed: int
) -> None:
    ex = _play(moves, seed)
    still_open = {p.number for p in ex.open_points()}
    ex.finish()
    lives: dict[int, list[str]] = {}
    for dec in ex.sim.log.decisions:
        if dec.point >= 0:
            lives.setdefault(dec.point, []).append(dec.event)
    assert set(lives) == set(range(1, ex.sim.points.raised + 1))
    for number, life in lives.items():
        # answered at once, or opened then answered or overtaken: one end, logged
        assert life in (
            [log.DECISION],
            [log.DECISION_OPENED, log.DECISION],
            [log.DECISION_OPENED, log.DECISION_OVERTAKEN],
        ), (number, life)
    assert not ex.open_points() and still_open <= set(lives)
    # each player's answer is logged against its own point with the choice given
    answers = {
        dec.point: dec.choice
        for dec in ex.sim.log.decisions
        if dec.event == log.DECISION and dec.reason == d.PLAYER and dec.point >= 0
    }
    given_ = {c.point: c.choice for c in ex.commands if c.do == "decide"}
    assert answers == given_
    # and each is carried out at once: the unit it sends sets off, the one it stands down
    # stops, the nation it asks is sent the request, the approval it gives is recorded
    happened = {(e[0], e[1], e[2], e[3]) for e in ex.sim.log.events}
    effects = {d.ASSIGN: log.DISPATCHED, d.STAND_DOWN: log.STOOD_DOWN, d.APPROVE: log.APPROVED}
    for c in ex.commands:
        if c.do != "decide" or c.choice in ("wait", "keep", d.NO):
            continue
        unit = c.choice if c.kind in (d.ASSIGN, d.STAND_DOWN) else ""
        if c.kind == d.ASK:
            assert any(
                e[0] == c.at and e[1] == log.MESSAGE_SENT and f">{c.choice} " in e[4]
                for e in ex.sim.log.events
            ), c
        elif c.kind in effects:
            assert (c.at, effects[c.kind], c.incident, unit) in happened, c


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(_plays(), st.integers(0, 3))
# two villages' asks raised at one instant, one answered, the other left open when the
# session ends: the replay let the open one lapse before the answer (the requests swapped)
@example(moves=[("next", 0), ("next", 0), ("answer", 0), ("answer", 0)], seed=0)
def test_a_played_session_replays_exactly_on_its_replication(
    moves: list[tuple[str, int]], seed: int
) -> None:
    ex = _play(moves, seed)
    again = Exercise(SCENARIOS[seed % 2], seed, ["LA", "TH"], ex.commands)
    assert again.sim.log.events == ex.sim.log.events
    session = played(ex)
    finished = ex.finish().events
    assert again.finish().events == finished
    # the replay policy (as in any other replication) takes the seats' answers there too
    run, not_applied = replay_run(SCENARIOS[seed % 2], session, seed, 0, rebuild=False)

    def outcome(events: list[log.Event]) -> list[log.Event]:
        return [e for e in events if e[1] not in log.DECISION_EVENTS]

    assert not_applied == 0 and outcome(run.events) == outcome(finished)


def test_a_seat_sending_its_unit_where_another_nation_must_make_room_does_not_hang() -> None:
    """One unit at a time at Ban Hat; Thailand's boat (doctrine's) is on its way when the
    Lao boat, repaired, would come sooner: Laos's seat's card, left to lapse, sends the Lao
    boat and Thailand stands its own down, as doctrine alone does (this once raised the
    same card again and again at one instant, for ever)."""

    def one_at_a_time(data: dict[str, Any]) -> None:
        lao_boat_down_until_19h(data)
        data["injects"][0]["people"] = 8
        data["needs"][0]["max_units"] = 1

    scenario = load_with("tiny_border.toml", one_at_a_time)
    ex = Exercise(scenario, 0, ["LA"])
    ex.perform(as_sent({"do": "advance", "to": 720}))
    doctrine = Simulation(scenario, 0).run()

    def sent(events: list[log.Event]) -> list[tuple[float, str, str]]:
        kinds = (log.DISPATCHED, log.STOOD_DOWN)
        return [(e[0], e[1], e[3]) for e in events if e[1] in kinds and e[0] <= 720]

    assert (660.0, log.DISPATCHED, "la-boat") in sent(ex.sim.log.events)
    assert sent(ex.sim.log.events) == sent(doctrine.events)


def test_doctrine_alone_opens_no_point() -> None:
    run = Simulation(SCENARIOS[0], 0).run()
    events = {e[1] for e in run.events}
    assert log.DECISION in events and not events & {log.DECISION_OPENED, log.DECISION_OVERTAKEN}


def test_sending_a_faster_unit_stands_the_slower_down_under_max_units() -> None:
    """Behaviour 14: one unit at a time at Ban Hat (``max_units = 1``); Laos's seat sends
    its slow boat, then, its fast boat repaired, sends that: the slow one is stood down as
    part of that choice (not left as a second card), and the fast one is on its way."""

    def one_at_a_time(data: dict[str, Any]) -> None:
        _two_villages_two_boats(data)
        data["injects"].pop()  # one village
        data["needs"][0]["max_units"] = 1
        data["injects"].append(
            {"type": "unit_breakdown", "at": "0min", "unit": "la-fast", "for": "2h"}
        )

    ex = Exercise(load_with("tiny_border.toml", one_at_a_time), 0, ["LA"])
    first = _stop_at(ex, d.ASSIGN, "LA")
    assert [o.choice for o in first.point.options] == ["la-boat", "wait"]
    _decide(ex, first, "la-boat")
    faster = _stop_at(ex, d.ASSIGN, "LA")
    assert faster.point.proposal == d.Choice("la-fast", d.SOONER)
    _decide(ex, faster, "la-fast")
    now = ex.now
    happened = [(e[1], e[3]) for e in ex.sim.log.events if e[0] == now and e[3]]
    assert (log.STOOD_DOWN, "la-boat") in happened and (log.DISPATCHED, "la-fast") in happened
    stood = [x for x in ex.sim.log.decisions if x.time_min == now and x.event == log.DECISION]
    assert [(s.kind, s.choice, s.reason) for s in stood] == [
        (d.ASSIGN, "la-fast", d.PLAYER),
        (d.STAND_DOWN, "la-boat", d.FASTER_UNIT),
    ]
    assert not ex.open_points("LA")
    assert [u.id for u in ex.sim.incidents[0].assigned] == ["la-fast"]

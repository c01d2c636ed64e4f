"""A played session taken again over replications: exact where it was played, at the
players' times elsewhere, and what no longer applies counted, never silently dropped."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from support import as_sent

from sim import load_scenario, log
from sim.decisions import points as d
from sim.decisions.exercise import Exercise, Taken, branch, point_key
from sim.decisions.replay import PlayedSession, SessionReplay, played, replay_run
from sim.model.simulation import Simulation

TESTS = Path(__file__).parent / "scenarios"
TINY = load_scenario(TESTS / "tiny_border.toml")


def _decisions(run: log.RunLog) -> list[tuple[float, log.Decision]]:
    return [(dec.time_min, dec) for dec in run.decisions if dec.event == log.DECISION]


def _decide(ex: Exercise, choice: str) -> None:
    for item in ex.open_points():
        ex.perform(
            as_sent(
                {"do": "decide", "seat": item.seat, "point": item.number}
                | {"key": point_key(item.point), "choice": choice}
            )
        )


def _late_ask() -> Exercise:
    """Laos's seat is asked whether to ask Thailand while the facilitator moves the clock
    on by 45 min, waiting for the seats: the clock stops at the point; Laos asks."""
    ex = Exercise(TINY, 0, ["LA", "TH"])
    while not ex.open_points():
        ex.perform(as_sent({"do": "next"}))
    raised = ex.open_points()[0].point.at_min
    ex = Exercise(TINY, 0, ["LA", "TH"], branch(ex.commands, raised - 1))
    ex.perform(as_sent({"do": "advance", "to": raised + 45, "wait_for_seats": True}))
    assert ex.now == raised
    _decide(ex, "TH")
    ex.perform(as_sent({"do": "advance", "to": raised + 45}))
    return ex


def test_the_played_replication_is_the_exercise() -> None:
    ex = _late_ask()
    ex.perform(as_sent({"do": "next"}))
    _decide(ex, "yes")
    session = played(ex)
    expected = Exercise(TINY, 0, ["LA", "TH"], ex.commands).finish().events
    run, not_applied = replay_run(TINY, session, 0, 0)
    assert run.events == expected and not_applied == 0
    # on a rewound session too: what came after the rewind is gone
    rewound = Exercise(TINY, 0, ["LA", "TH"], branch(ex.commands, session.taken[0].at - 1))
    run, _ = replay_run(TINY, played(rewound), 0, 0)
    assert run.events == rewound.finish().events


def test_other_replications_take_a_decision_when_the_players_took_it() -> None:
    ex = _late_ask()
    session = played(ex)
    (asked,) = session.taken
    assert asked.at == asked.raised_at  # the clock stood still while the seat decided
    assert not asked.departs  # doctrine's own choice: nothing to measure
    for replication in (1, 2):
        run, not_applied = replay_run(TINY, session, 0, replication)
        opened = [t for t, e, *_ in run.events if e == log.DECISION_OPENED]
        asks = [(t, dec) for t, dec in _decisions(run) if dec.kind == d.ASK]
        assert not_applied == 0
        assert asks[0][0] == max(opened[0], asked.at)  # not before the players took it
        assert (asks[0][1].choice, asks[0][1].reason) == ("TH", d.REPLAYED)


def test_a_point_that_arises_while_the_clock_moves_lapses_at_its_own_instant() -> None:
    ex = Exercise(TINY, 0, ["LA", "TH"])
    ex.perform(as_sent({"do": "advance", "to": 600}))
    assert ex.taken and not ex.open_points()
    assert all(t.at == t.raised_at and not t.by_players for t in ex.taken)
    session = played(ex)
    empty = PlayedSession(TINY, 0, ("LA", "TH"), (), (), session.ended_at)
    run, not_applied = replay_run(TINY, empty, 0, 1)
    opened = {dec.point: dec.time_min for dec in run.decisions if dec.event == log.DECISION_OPENED}
    lapsed = [(t, dec) for t, dec in _decisions(run) if dec.reason == d.LAPSED]
    assert not_applied == 0 and lapsed
    assert all(opened[dec.point] == t for t, dec in lapsed)


def test_moving_the_clock_to_the_end_leaves_no_point_unanswered() -> None:
    """Behaviour 16: seats that let the clock run to the end get doctrine's response, at
    the same times, not points left waiting with no unit sent."""
    ex = Exercise(TINY, 0, ["LA", "TH"])
    ex.perform(as_sent({"do": "advance", "to": TINY.duration_min}))
    played_run = ex.finish()
    doctrine = Simulation(TINY, 0).run()

    def outcome(run: log.RunLog) -> list[tuple[float, str, int, str]]:
        return sorted(e[:4] for e in run.events if e[1] not in log.DECISION_EVENTS)

    assert not ex.open_points() and ex.taken
    assert outcome(played_run) == outcome(doctrine)


def _hand_made(*taken: Taken) -> PlayedSession:
    return PlayedSession(TINY, 0, ("LA", "TH"), (), taken, TINY.duration_min)


def test_what_no_longer_applies_falls_back_and_is_counted() -> None:
    ref = "ban_hat/rescue/inject_0#1"
    session = _hand_made(
        Taken(0, 0, "LA", "LA", d.ASK, ref, "KH", "TH", False),  # not an option
        Taken(0, 0, "LA", "LA", d.ASK, "ban_hat/rescue/inject_9#1", "TH", "", False),  # no such
        Taken(500, 500, "LA", "LA", d.ASSIGN, "nowhere#1", "th-boat", "", True),  # cannot
    )
    policy = SessionReplay(session)
    sim = Simulation(TINY, 0, 1, policy)
    policy.start(sim)
    run = sim.run()
    assert policy.not_applied(run) == 3
    asks = [dec for _, dec in _decisions(run) if dec.kind == d.ASK]
    assert (asks[0].choice, asks[0].reason) == ("TH", d.FALLBACK)  # doctrine's, counted


def test_a_unit_of_the_same_group_stands_in_for_the_one_chosen() -> None:
    sim = Simulation(load_scenario(TESTS / "mechanisms.toml"), 0)
    point = d.DecisionPoint(
        0, "TH", d.ASSIGN, "x", 0, (d.Option("th-boat-1"), d.Option("wait")), d.Choice("wait", "")
    )
    fitted = sim.points._fitted
    assert fitted(point, d.Choice("th-boat-3", d.REPLAYED)) == ("th-boat-1", d.REPLAYED)
    assert fitted(point, d.Choice("joint-boat", d.REPLAYED)) == ("wait", d.FALLBACK)


def _play_out(tmp_path: Path, moves: list[tuple[int, int]], scenario_path: Path) -> Path:
    """Play a session through the server: each move answers the open points (option k, or
    lets them lapse on k = -1), then runs to the next point or advances by some minutes."""
    from sim.decisions.session import create_session
    from sim.play.server import PlayServer
    from sim.scenario import read_scenario

    scenario = load_scenario(scenario_path)
    path = tmp_path / "s.jsonl"
    path.unlink(missing_ok=True)
    seats = [n.code for n in scenario.nations]
    session = create_session(path, "s", read_scenario(scenario_path).sha256, 3, seats)
    server = PlayServer(scenario, session)
    for pick, minutes in moves:
        ex = server.exercise
        if ex.finished:
            break
        for item in ex.open_points() if pick >= 0 else []:
            options = [o.choice for o in item.point.options]
            server.perform(
                as_sent(
                    {"do": "decide", "seat": item.seat, "point": item.number}
                    | {"key": point_key(item.point), "choice": options[pick % len(options)]}
                )
            )
        move = {"do": "advance", "to": ex.now + minutes} if minutes else {"do": "next"}
        server.perform(as_sent(move))
    return path


MOVES = st.lists(
    st.tuples(st.integers(-1, 3), st.sampled_from([0, 0, 0, 30, 240])), min_size=1, max_size=25
)


@settings(max_examples=12, derandomize=True)
@given(MOVES)
def test_a_session_file_replays_the_exercise_it_records(moves: list[tuple[int, int]]) -> None:
    import tempfile

    from sim.decisions.replay import played_session
    from sim.decisions.session import read_session

    scenario_path = TESTS / "mechanisms.toml"
    scenario = load_scenario(scenario_path)
    with tempfile.TemporaryDirectory() as folder:
        path = _play_out(Path(folder), moves, scenario_path)
        session = read_session(path)
        live = Exercise(scenario, 3, session.seats, session.commands)
        session_played = played_session(scenario, session)
    run, not_applied = replay_run(scenario, session_played, 3, 0)
    assert run.events == live.finish().events and not_applied == 0
    # elsewhere, only departures from doctrine can fail to apply, and each is counted once
    other, missed = replay_run(scenario, session_played, 3, 1)
    assert 0 <= missed <= len(session_played.departures)
    replayed = [dec for _, dec in _decisions(other) if dec.reason == d.REPLAYED]
    assert len(replayed) <= len(session_played.by_players)


def test_an_action_taken_as_its_point_opens_is_taken_again() -> None:
    ex = Exercise(TINY, 0, ["LA", "TH"])
    while not ex.open_points():
        ex.perform(as_sent({"do": "next"}))
    (item,) = ex.open_points()
    ask = {"do": "act", "seat": "LA", "action": d.ASK, "incident": item.point.incident}
    ex.perform(as_sent(ask | {"nation": "TH"}))
    ex.perform(as_sent({"do": "next"}))
    session = played(ex)
    assert [t.action for t in session.taken if t.departs] == [True]
    for replication in (0, 1, 2):
        run, missed = replay_run(TINY, session, 0, replication, rebuild=False)
        asks = [(t, dec.reason) for t, dec in _decisions(run) if dec.kind == d.ASK]
        assert missed == 0 and asks[0] == (item.point.at_min, d.PLAYER)

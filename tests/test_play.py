"""The exercise server: seats decide only their own points, refusals change nothing, the
session file rebuilds the run event for event, and rewinding replays the past exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from support import as_sent, lao_village, load_with
from test_one_plan import helicopter

from sim import load_scenario, simulate
from sim.cli import main
from sim.decisions import points as d
from sim.decisions.commands import Refused
from sim.decisions.exercise import Exercise, branch, point_key
from sim.decisions.replay import played_session
from sim.decisions.session import create_session, read_session
from sim.i18n import translator
from sim.play.server import PlayServer, create_app
from sim.play.views import Names
from sim.report import manifest, run_files

TINY = Path(__file__).parent / "scenarios" / "tiny_border.toml"
SCENARIO = load_scenario(TINY)


def _server(tmp_path: Path) -> tuple[PlayServer, TestClient]:
    session = create_session(tmp_path / "s.jsonl", "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(SCENARIO, session)
    return server, TestClient(create_app(server), follow_redirects=False)


def _to_first_point(server: PlayServer, client: TestClient) -> None:
    fac = f"/facilitator/{server.tokens['facilitator']}"
    while not server.exercise.open_points():
        assert _status(client.post(f"{fac}/clock", data={"move": "next"})) == 303


def _decision_form(server: PlayServer, choice: str) -> dict[str, str]:
    (item,) = server.exercise.open_points()
    return {"point": str(item.number), "key": point_key(item.point), "choice": choice}


NOT_SENT = "No page of the exercise sends this, and nothing was done:"


def test_refusals_change_nothing(tmp_path: Path) -> None:
    server, client = _server(tmp_path)
    _to_first_point(server, client)  # Laos: ask Thailand for help?
    la, th = (f"/seat/{s}/{server.tokens[s]}" for s in ("LA", "TH"))
    fac = f"/facilitator/{server.tokens['facilitator']}"
    form = _decision_form(server, "TH")
    file_before = server.session.path.read_bytes()
    events_before = list(server.exercise.sim.log.events)

    refused = [
        client.get(f"/seat/LA/{server.tokens['TH']}"),  # another seat's token
        client.get("/facilitator/guess"),
        client.post(f"/seat/LA/{'x' * 32}/decide", data=form),
        client.post(f"{fac[:-3]}abc/clock", data={"move": "next"}),
        client.post(f"{th}/decide", data=form),  # Thailand answering Laos's point
        client.post(f"{la}/decide", data=form | {"choice": "KH"}),  # not an option
        client.post(f"{la}/decide", data=form | {"point": "x"}),  # malformed
        client.post(f"{la}/decide", data={"choice": "TH"}),  # fields missing
        client.post(f"{la}/decide", data=form | {"key": "0|ask|elsewhere"}),  # stale form
        client.post(f"{la}/act", data={"action": "assign", "incident": "0", "unit": "th-boat"}),
        client.post(f"{la}/act", data={"action": "evacuate", "place": "ubon"}),
        client.post(f"{la}/act", data={"action": "fly", "incident": "0"}),
        client.post(f"{fac}/clock", data={"move": "to", "at": "yesterday"}),
        client.post(f"{fac}/rewind", data={"minutes": "99999"}),
    ]
    assert [_status(r) for r in refused] == [403] * 5 + [400] * 3 + [409, 403] + [400] * 4
    messages = [_message(client, r) for r in refused]
    assert "Thailand" not in refused[0].text  # nothing of the seat's page shown
    assert "not valid" in messages[0]
    assert messages[4:] == [
        "this decision is LA&#39;s, not TH&#39;s",
        "&#39;KH&#39; is not one of this decision&#39;s options",
        f"{NOT_SENT} &#39;point&#39; must be a whole number from 1, not &#39;x&#39;",
        f"{NOT_SENT} &#39;point&#39; is missing: a whole number from 1;"
        " &#39;key&#39; is missing: a short text",
        "this decision is no longer open (taken, overtaken by a newer one, lapsed, or"
        " rewound): see the decisions open now",
        "the seat cannot task this unit",
        "the seat can order no evacuation of this place",
        f"{NOT_SENT} unknown action &#39;fly&#39;: assign, stand_down, ask, offer, evacuate,"
        " arrange",
        "&#39;yesterday&#39; is not a date and time (e.g. 2018-07-24T02:00)",
        "rewind to a time between the start and now",
    ]
    assert server.session.path.read_bytes() == file_before
    assert server.exercise.sim.log.events == events_before

    assert _status(client.post(f"{la}/decide", data=form)) == 303
    after = server.session.path.read_bytes()
    duplicate = client.post(f"{la}/decide", data=form)
    assert _status(duplicate) == 409 and "no longer open" in _message(client, duplicate)
    assert server.session.path.read_bytes() == after
    decision = read_session(server.session.path).commands[-1]
    assert (decision.seat, decision.kind, decision.choice) == ("LA", d.ASK, "TH")
    assert decision.at == 90.0 and decision.subject.startswith("ban_hat/rescue/")


def _status(answer: Any) -> int:
    """A command's status: a refusal sends the browser back to its page (303) saying why,
    its status in ``X-Refused``."""
    return int(answer.headers.get("X-Refused", answer.status_code))


def _message(client: TestClient, answer: Any) -> str:
    """The note the page shows after a command: its refusal, or that it was sent twice."""
    if answer.status_code == 303:
        answer = client.get(answer.headers["location"])
    return str(answer.text.split('id="message">')[1].split("</p>")[0])


def test_arrangements_switched_on_by_the_facilitator_and_the_seats(tmp_path: Path) -> None:
    server, client = _server(tmp_path)
    la, th = (f"/seat/{s}/{server.tokens[s]}" for s in ("LA", "TH"))
    fac = f"/facilitator/{server.tokens['facilitator']}"
    client.post(f"{fac}/clock", data={"move": "to", "at": "2018-07-23T10:00"})
    assert "Switch on" in client.get(la).text  # every arrangement, on every seat's page

    # the facilitator opens the crossings around the clock
    assert _status(client.post(f"{fac}/arrange", data={"arrangement": "open_24h"})) == 303
    # Laos's seat opens the joint centre
    arranged = client.post(f"{la}/act", data={"action": "arrange", "arrangement": "joint_centre"})
    assert _status(arranged) == 303
    sim = server.exercise.sim
    assert sim.in_force == {"open_24h", "joint_centre"}
    assert [e for e in sim.log.events if e[1] == "arrangement_on"] == [
        (120.0, "arrangement_on", -1, "", "open_24h"),
        (120.0, "arrangement_on", -1, "", "joint_centre"),
    ]
    assert (120.0, "message_sent", 0, "", "report LA>JCC diplomatic") in sim.log.events
    acts = [c for c in read_session(server.session.path).commands if c.do == "act"]
    assert [(c.seat, c.action, c.arrangement) for c in acts] == [
        ("facilitator", "arrange", "open_24h"),
        ("LA", "arrange", "joint_centre"),
    ]
    # both pages say what is in force, since when and by whom; the seat can switch on the rest
    page = client.get(th).text
    assert "since Mon 23 Jul 10:00 (Facilitator)" in page
    assert "since Mon 23 Jul 10:00 (Laos)" in page
    assert page.count('id="arrange-') == 1 and 'id="arrange-fast_track"' in page
    assert "since Mon 23 Jul 10:00 (Laos)" in client.get(fac).text

    file_before = server.session.path.read_bytes()
    events_before = list(sim.log.events)
    refused = [
        client.post(f"{th}/act", data={"action": "arrange", "arrangement": "joint_centre"}),
        client.post(f"{fac}/arrange", data={"arrangement": "open_24h"}),
        client.post(f"{th}/act", data={"action": "arrange", "arrangement": "bridges"}),
        client.post(f"{th}/act", data={"action": "arrange"}),
        client.post(f"/seat/TH/{server.tokens['LA']}/act", data={"arrangement": "fast_track"}),
        client.post(f"{fac[:-3]}abc/arrange", data={"arrangement": "fast_track"}),
    ]
    assert [_status(r) for r in refused] == [400] * 4 + [403] * 2
    assert [_message(client, r) for r in refused[:4]] == [
        "Joint coordination centre is in force already",
        "Crossings open 24 h is in force already",
        "unknown arrangement &#39;bridges&#39;: one of joint_centre, open_24h, fast_track",
        f"{NOT_SENT} &#39;arrangement&#39; is missing: a short text",
    ]
    # the facilitator does not let the seats do it any more
    assert _status(client.post(f"{fac}/seats-arrange", data={"allow": "no"})) == 303
    page = client.get(th).text
    assert 'id="arrange-' not in page and "the facilitator switches arrangements on" in page
    not_allowed = client.post(f"{th}/act", data={"action": "arrange", "arrangement": "fast_track"})
    assert _status(not_allowed) == 403
    assert _message(client, not_allowed) == (
        "The facilitator has not allowed the seats to switch arrangements on."
    )
    *before, setting = server.session.path.read_text().splitlines()  # the setting only
    assert "\n".join(before) + "\n" == file_before.decode()
    assert json.loads(setting) | {"client": ""} == {
        "do": "setting",
        "name": "seats_may_arrange",
        "value": False,
        "at": 120.0,
        "client": "",
    }
    assert sim.log.events == events_before and sim.in_force == {"open_24h", "joint_centre"}
    # the facilitator still may, and then lets the seats again
    assert _status(client.post(f"{fac}/arrange", data={"arrangement": "fast_track"})) == 303
    assert _status(client.post(f"{fac}/seats-arrange", data={"allow": "yes"})) == 303
    assert "Switch on" not in client.get(la).text  # all three in force

    # the session file rebuilds the run, switches included
    session = read_session(server.session.path)
    assert _play(session.commands).sim.log.events == sim.log.events


def test_a_seat_switching_an_arrangement_on_is_replayed_at_its_time(tmp_path: Path) -> None:
    from sim.decisions.replay import played, replay_run

    ex = _play([{"do": "advance", "to": 600.0}])
    ex.perform(as_sent({"do": "act", "seat": "TH", "action": "arrange", "arrangement": "open_24h"}))
    ex.perform(as_sent({"do": "advance", "to": ex.horizon}))
    session = played(ex)
    ((index, taken),) = [(i, t) for i, t in enumerate(session.taken) if t.action]
    assert (taken.seat, taken.kind, taken.choice, taken.at) == ("TH", d.ARRANGE, "open_24h", 600)
    assert index in session.departures
    for replication in (0, 1, 2):
        run, not_applied = replay_run(SCENARIO, session, 0, replication)
        assert not_applied == 0
        assert [(e[0], e[4]) for e in run.events if e[1] == "arrangement_on"] == [
            (600.0, "open_24h")
        ]
        decisions = [e[4] for e in run.events if e[1] == "decision"]
        assert any(
            x.startswith("TH arrange open_24h player [open_24h] open_24h #") for x in decisions
        )
    # left out, the replay is the scenario without it
    run, _ = replay_run(SCENARIO, session, 0, 1, without=index)
    assert not any(e[1] == "arrangement_on" for e in run.events)


def test_observers_see_a_seat_read_only(tmp_path: Path) -> None:
    server, client = _server(tmp_path)
    _to_first_point(server, client)  # Laos: ask Thailand for help?
    tokens = server.tokens
    watch = f"/observe/LA/{tokens['LA:observer']}"
    fac = f"/facilitator/{tokens['facilitator']}"
    assert len({*tokens.values()}) == 5  # facilitator, two seats, two observers' links
    seat_page, page = client.get(f"/seat/LA/{tokens['LA']}").text, client.get(watch).text
    assert "Observing Laos" in page and "read-only" in page
    # what the seat sees, without any form to decide or act
    assert "Ask a neighbour for help: Rescue of stranded people at Ban Hat" in page
    assert "Standing procedure would choose <strong>Thailand</strong>" in page
    assert "/decide" in seat_page and "/decide" not in page and "/act" not in page
    # only to note observations, and to choose the language they read in
    assert page.count("<form") == page.count("<button") == 2
    assert f'action="{watch}/note"' in page and f'action="{watch}/language"' in page
    assert client.get(f"{watch}/revision").json() == {"revision": server.revision, "map": 0}
    assert tokens["LA:observer"] in client.get(fac).text  # the facilitator hands it out

    form = _decision_form(server, "TH")
    file_before = server.session.path.read_bytes()
    events_before = list(server.exercise.sim.log.events)
    refused = [
        client.post(f"{watch}/decide", data=form),
        client.post(f"{watch}/act", data={"action": "arrange", "arrangement": "open_24h"}),
        client.post(watch, data=form),
        client.post(f"/seat/LA/{tokens['LA:observer']}/decide", data=form),
        client.post(f"/seat/LA:observer/{tokens['LA:observer']}/decide", data=form),
        client.post(f"/facilitator/{tokens['LA:observer']}/clock", data={"move": "next"}),
        client.get(f"/observe/TH/{tokens['LA:observer']}"),  # another seat's
        client.get(f"/observe/LA/{tokens['LA']}"),  # the players' token opens no observer page
        client.get(f"/observe/LA/{tokens['TH:observer']}/revision"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "do not decide or act" in refused[0].text
    assert server.session.path.read_bytes() == file_before
    assert server.exercise.sim.log.events == events_before
    assert len(server.exercise.open_points()) == 1


def test_play_prints_the_observers_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.play.server

    monkeypatch.setattr(sim.play.server, "serve", lambda *_: None)
    session = tmp_path / "s.jsonl"
    args = ["play", str(TINY), "--seats", "LA,TH", "--session", str(session), "--port", "8765"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    tokens = read_session(session).tokens
    for seat in ("LA", "TH"):
        assert f"  seat {seat}: http://127.0.0.1:8765/seat/{seat}/{tokens[seat]}" in result.output
        link = f"http://127.0.0.1:8765/observe/{seat}/{tokens[seat + ':observer']}"
        assert f"  observer {seat}: {link}" in result.output


def test_pages_escape_scenario_text(tmp_path: Path) -> None:
    def markup(data: dict[str, Any]) -> None:
        data["places"][4]["name"] = "<b>Ban</b> Hat"

    session = create_session(tmp_path / "s.jsonl", "x", "abc", 0, ["LA", "TH"])
    server = PlayServer(load_with("tiny_border.toml", markup), session)
    client = TestClient(create_app(server), follow_redirects=False)
    _to_first_point(server, client)
    for page in (f"/facilitator/{server.tokens['facilitator']}", f"/seat/LA/{server.tokens['LA']}"):
        text = client.get(page).text
        assert "<b>Ban</b>" not in text and "&lt;b&gt;Ban&lt;/b&gt;" in text


def _play(commands: list[Any]) -> Exercise:
    return Exercise(
        SCENARIO, 0, ["LA", "TH"], [as_sent(c) if isinstance(c, dict) else c for c in commands]
    )


def _decide(ex: Exercise, item: Any, choice: str) -> None:
    raw = {"do": "decide", "seat": item.seat, "point": item.number, "key": point_key(item.point)}
    ex.perform(as_sent({**raw, "choice": choice}))


def _played_once() -> Exercise:
    """Laos waits, then asks Thailand unprompted; Thailand approves; to the end."""
    ex = _play([])
    choices = iter(["wait", "yes"])
    while not ex.finished:
        for item in ex.open_points():
            _decide(ex, item, next(choices, item.point.proposal.choice))
            if item.point.kind == d.ASK:
                ex.perform(
                    as_sent(
                        {"do": "act", "seat": "LA", "action": "ask", "incident": 0, "nation": "TH"}
                    )
                )
        ex.perform(as_sent({"do": "next"}))
    return ex


def test_session_commands_rebuild_the_run() -> None:
    ex = _played_once()
    assert ex.sim.log.events == _play(ex.commands).sim.log.events
    kinds = [c.do for c in ex.commands]
    assert kinds.count("decide") == 2 and kinds.count("act") == 1


@settings(max_examples=15)
@given(st.floats(min_value=1, max_value=2879))
def test_rewinding_replays_the_past_exactly(to: float) -> None:
    ex = _played_once()
    rewound = _play(branch(ex.commands, to))
    assert rewound.now == pytest.approx(to)
    assert [e for e in rewound.sim.log.events if e[0] < to] == [
        e for e in ex.sim.log.events if e[0] < to
    ]
    # and a decision taken after ``to`` is undone
    assert all(c.at < to for c in rewound.commands if c.do != "advance")


def test_a_wait_is_not_asked_again_at_the_same_instant() -> None:
    ex = _play([{"do": "next"}, {"do": "next"}])
    (item,) = ex.open_points()
    form = {"do": "decide", "seat": "LA", "point": item.number, "key": point_key(item.point)}
    ex.perform(as_sent(form | {"choice": "wait"}))
    assert ex.open_points() == []  # the seat's re-planning at 09:30 took the wait
    ex.sim.planner.changed("LA")  # something changes at the same instant
    ex.perform(
        as_sent({"do": "advance", "to": ex.now})
    )  # the instant settles: the seat looks again
    assert ex.open_points() == []


def test_a_played_session_names_incidents_as_every_replication_does(tmp_path: Path) -> None:
    played = played_session(SCENARIO, read_session(_tiny_session(tmp_path, "TH")))
    assert [(t.seat, t.kind, t.choice, t.subject) for t in played.taken] == [
        ("LA", d.ASK, "TH", "ban_hat/rescue/inject_0#1"),
        ("TH", d.APPROVE, d.LEFT_TO_DOCTRINE, "ban_hat/rescue/inject_0#1"),  # lapsed
        ("TH", d.ASSIGN, d.LEFT_TO_DOCTRINE, "ban_hat/rescue/inject_0#1"),
    ]
    assert played.by_players == [0]


def test_hand_edited_session_files_are_refused_clearly(tmp_path: Path) -> None:
    from sim.scenario import read_scenario

    good = _tiny_session(tmp_path, "TH")
    header, *lines = good.read_text().splitlines()

    def edited(name: str, first: dict[str, Any] | None, rest: list[str]) -> Path:
        path = tmp_path / name
        top = json.loads(header) | (first or {})
        path.write_text("\n".join([json.dumps(top), *rest]) + "\n")
        return path

    decide = next(i for i, line in enumerate(lines) if '"decide"' in line)
    stale = [*lines[:decide], lines[decide].replace('"point": 1', '"point": 7')]
    chosen = [*lines[:decide], lines[decide].replace('"choice": "TH"', '"choice": "XX"')]
    cases = {
        edited(
            "seed.jsonl", {"seed": -1}, lines
        ): "a seed (a whole number from 0 to 9223372036854775807)",
        edited("seats.jsonl", {"seats": "LA"}, lines): "the seats (a list of distinct nation",
        edited("seat.jsonl", {"seats": ["LA", "XX"]}, lines): "seat XX is not in this scenario",
        edited("version.jsonl", {"version": 99}, lines): "a session of version 99",
        edited("do.jsonl", None, ['{"at": 0}']): "'do' must be one of advance",
        edited("at.jsonl", None, ['{"do": "next", "at": -5}']): "'at' must be a time in",
        edited("stale.jsonl", None, stale): f"line {decide + 2}: the command no longer applies",
        edited("chosen.jsonl", None, chosen): "'choice' must be one of the 'options'",
    }
    assert read_scenario(TINY).sha256 == json.loads(header)["scenario_sha256"]
    for path, message in cases.items():
        result = CliRunner().invoke(
            main, ["run", str(TINY), "--decisions", str(path), "-o", str(tmp_path / "o")]
        )
        assert result.exit_code == 2, (path.name, result.output)
        assert message in result.output and "Traceback" not in result.output, path.name
        assert not (tmp_path / "o").exists()


def test_play_command_refuses_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    wrong_seat = runner.invoke(main, ["play", str(TINY), "--seats", "LA,XX"])
    assert wrong_seat.exit_code == 2 and "--seats" in wrong_seat.output
    other = tmp_path / "other.jsonl"
    create_session(other, "Tiny border", "0" * 64, 0, ["LA"])
    mismatch = runner.invoke(main, ["play", str(TINY), "--session", str(other)])
    assert mismatch.exit_code == 2 and "another scenario file" in mismatch.output
    assert "Traceback" not in mismatch.output


def test_exercise_refuses_going_back_by_advance() -> None:
    ex = _play([{"do": "advance", "to": 120}])
    with pytest.raises(Refused, match="only moves forward"):
        ex.perform(as_sent({"do": "advance", "to": 60}))


def _tiny_session(tmp_path: Path, choice: str) -> Path:
    """A session on the tiny border scenario in which Laos answers its one point."""
    from sim.scenario import read_scenario

    source = read_scenario(TINY)
    path = tmp_path / f"{choice}.jsonl"
    session = create_session(path, "Tiny border", source.sha256, 0, ["LA", "TH"])
    server = PlayServer(SCENARIO, session)
    while not server.exercise.finished:
        for item in server.exercise.open_points("LA"):
            server.perform(
                as_sent(
                    {"do": "decide", "seat": "LA", "point": item.number}
                    | {"key": point_key(item.point), "choice": choice}
                )
            )
        server.perform(as_sent({"do": "next"}))
    return path


def test_run_replays_a_session_over_replications(tmp_path: Path) -> None:
    waited = _tiny_session(tmp_path, "wait")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", str(TINY), "--decisions", str(waited), "-n", "4", "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "players' decisions from" in result.output and "1 replayed" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["decisions"] == {"by_players": 1, "fallbacks_in_replication_0": 0}
    assert manifest["seed"] == 0  # the session's
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["unserved"] == 1  # Laos waited and never asked
    assert summary["replications"]["kpis"]["decision_fallbacks"]["mean"] == 0
    # the debrief: the wait measured against asking at once, in every replication
    (decision,) = summary["players"]["decisions"]
    assert (decision["kind"], decision["choice"], decision["proposal"]) == ("ask", "wait", "TH")
    assert decision["effect"]["unserved"]["mean"] == 1 and decision["changed"] == 4
    assert decision["effect"]["response_median_min"]["mean"] > 0
    page = " ".join((out / "report.html").read_text().split())
    assert "weighed most on the wait for help: <b>Laos does not ask for help yet</b>" in page


def test_compare_measures_the_players_against_doctrine(tmp_path: Path) -> None:
    runner = CliRunner()
    waited = _tiny_session(tmp_path, "wait")
    out = tmp_path / "cmp"
    args = ["compare", str(TINY), "--decisions", str(waited), "-n", "5", "--quiet", "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["variants"]["players"]["unserved"]["mean"] == 1
    assert summary["variants"]["baseline"]["unserved"]["mean"] == 0
    assert "the players' decisions in wait.jsonl (1)" in summary["changes"]["players"]
    assert "the decision that weighed most: Laos does not ask for help yet" in result.output
    # doctrine's own choices, replayed, are doctrine: no difference at all
    asked = _tiny_session(tmp_path, "TH")
    again = runner.invoke(main, [*args[:3], str(asked), *args[4:-1], str(tmp_path / "same")])
    assert again.exit_code == 0, again.output
    assert "players: no effect in this scenario (every replication identical)" in again.output
    other = tmp_path / "other.jsonl"
    create_session(other, "x", "0" * 64, 0, ["LA"])
    refused = runner.invoke(main, ["run", str(TINY), "--decisions", str(other)])
    assert refused.exit_code == 2 and "another scenario file" in refused.output


def test_compare_tells_the_players_decisions_in_the_readers_language(tmp_path: Path) -> None:
    waited = _tiny_session(tmp_path, "wait")
    out = tmp_path / "cmp"
    args = ["compare", str(TINY), "--decisions", str(waited), "-n", "3", "--quiet"]
    result = CliRunner().invoke(main, [*args, "--lang", "th", "-o", str(out)])
    assert result.exit_code == 0, result.output
    heaviest = next(line for line in result.output.splitlines() if "ที่สุด" in line)
    assert "การตัดสินใจที่มีน้ำหนักมากที่สุด: Laos ยังไม่ขอความช่วยเหลือ" in heaviest
    assert "weighed" not in heaviest and "wait for help" not in heaviest
    changes = json.loads((out / "summary.json").read_text())["changes"]["players"]
    assert "การตัดสินใจของผู้เล่นใน wait.jsonl (1)" in changes
    assert any(line.startswith("มีน้ำหนักมากที่สุด: ") for line in changes), changes


def test_the_facilitator_page_says_how_to_debrief(tmp_path: Path) -> None:
    session = create_session(tmp_path / "s.jsonl", "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(SCENARIO, session, str(TINY))
    client = TestClient(create_app(server), follow_redirects=False)
    page = client.get(f"/facilitator/{server.tokens['facilitator']}").text
    command = page.split('<code id="debrief">')[1].split("</code>")[0]
    assert command == f"borderdrill run {TINY} --decisions {session.path} -n 200"


def test_the_facilitator_chooses_whether_a_clock_move_stops_for_the_seats(
    tmp_path: Path,
) -> None:
    """Behaviour 16 through the pages: by default a decision arising during "+1 h" is taken
    by doctrine at its own time (lapsed); with the setting on, the clock stops there for the
    seat; the setting survives a restart and the moves replay as played."""
    server, client = _server(tmp_path)
    fac = f"/facilitator/{server.tokens['facilitator']}"
    client.post(f"{fac}/clock", data={"move": "60", "client": "a1"})
    client.post(f"{fac}/clock", data={"move": "60", "client": "a2"})  # the ask arises at 90
    ex = server.exercise
    assert ex.now == 120 and not ex.open_points()
    (lapsed,) = ex.taken
    assert (lapsed.kind, lapsed.at, lapsed.raised_at, lapsed.by_players) == ("ask", 90, 90, False)

    server, client = _server(tmp_path / "waiting")
    fac = f"/facilitator/{server.tokens['facilitator']}"
    assert "Stop for the seats" in client.get(fac).text
    client.post(f"{fac}/wait", data={"wait": "yes", "client": "w1"})
    client.post(f"{fac}/clock", data={"move": "60", "client": "a1"})
    client.post(f"{fac}/clock", data={"move": "60", "client": "a2"})
    ex = server.exercise
    assert ex.now == 90 and [p.point.kind for p in ex.open_points()] == ["ask"]
    resumed = PlayServer(SCENARIO, read_session(server.session.path, SCENARIO))
    assert resumed.wait_for_seats and resumed.exercise.now == 90
    assert resumed.exercise.sim.log.events == ex.sim.log.events


def test_a_seat_approves_a_request_for_one_unit_type_only() -> None:
    # Thailand has a boat and a helicopter at Ubon; asked by Laos, its seat approves the
    # request for boats only: the boat is sent, never the helicopter, which doctrine
    # (approving any type) sends first, as the sooner
    def thai_helicopter(data: dict[str, Any]) -> None:
        helicopter(data, "th-heli", "TH", "ubon")

    scenario = load_with("tiny_border.toml", thai_helicopter)
    ex = Exercise(scenario, 0, ["TH"])
    options: list[str] = []
    while not ex.finished:
        for item in ex.open_points():
            choice = item.point.proposal.choice
            if item.point.kind == d.APPROVE:
                options, choice = [o.choice for o in item.point.options], "yes:boat"
            _decide(ex, item, choice)
        ex.perform(as_sent({"do": "next"}))

    def thai_units_sent(events: list[Any]) -> list[str]:
        return [u for _, e, _, u, who in events if e == "dispatched" and who == "TH"]

    assert options == ["yes", "yes:boat", "yes:helicopter", "no"]
    assert "TH approve yes:boat player [yes,yes:boat,yes:helicopter,no]" in "\n".join(
        str(e[4]) for e in ex.sim.log.events
    )
    assert thai_units_sent(ex.sim.log.events) == ["th-boat"]
    assert thai_units_sent(simulate(scenario, 0).events)[0] == "th-heli"
    # the session replays exactly
    assert Exercise(scenario, 0, ["TH"], ex.commands).sim.log.events == ex.sim.log.events
    # the card's option and the report say it in words, in the seat's language too
    assert Names.of(ex).choice("yes:boat") == "yes, Rescue boat team only"
    assert Names.of(ex, translator("th")).choice("yes:boat").startswith("ใช่ เฉพาะ ")
    html = run_files(scenario, ex.sim.log, manifest("tiny_border.toml", "-", 1, 0, []))
    report = html["report.html"].decode()
    assert "approves the request for Ban Hat, Rescue boat team only" in report


def test_a_unit_an_open_card_held_is_weighed_again_for_others_once_the_card_is_answered() -> None:
    # two Lao boats at Pakse (crews ready in 5 min to 3 h) and a slow one (90 min); two
    # villages report together: Ban Hat's card proposes boat 2, so Ban X's card (which may
    # not offer it) proposes the slow boat, which the seat sends; the seat then leaves Ban
    # Hat waiting: boat 2 is free again and would reach Ban X sooner, so Ban X is offered
    # it at once instead of waiting for the slow boat
    def three_lao_boats(data: dict[str, Any]) -> None:
        boat = data["unit_types"][0]
        boat["mobilisation"] = {"dist": "uniform", "low": "5min", "high": "3h"}
        data["unit_types"].append({**boat, "id": "slow_boat", "mobilisation": "90min"})
        data["units"] = [
            {"id": unit, "nation": "LA", "agency": "army", "type": kind, "base": "pakse"}
            for unit, kind in (
                ("la-boat-1", "boat"),
                ("la-boat-2", "boat"),
                ("la-slow", "slow_boat"),
            )
        ]
        lao_village(data, "ban_x", 20, 15.05, 105.75)
        data["injects"] = [
            {"type": "incident", "at": "1h", "place": place, "need": "rescue", "people": 8}
            for place in ("ban_hat", "ban_x")
        ]

    ex = Exercise(load_with("tiny_border.toml", three_lao_boats), 1, ["LA"])
    while not ex.open_points():
        ex.perform(as_sent({"do": "next"}))
    cards = {item.point.incident: item for item in ex.open_points()}
    assert {i: c.point.proposal.choice for i, c in cards.items()} == {
        0: "la-boat-2",
        1: "la-slow",
    }
    _decide(ex, cards[1], "la-slow")
    _decide(ex, next(c for c in ex.open_points() if c.point.incident == 0), "wait")
    offered = [(c.point.incident, c.point.proposal) for c in ex.open_points()]
    assert (1, d.Choice("la-boat-2", d.SOONER)) in offered

"""Durable sessions: a command is written whole before the room sees it, a refused one
writes nothing, a command sent twice is done once, a crash at any instant (kill -9), a cut
last line or a full disk leaves a file that resumes and replays, and the reader refuses a
bad file with its lines named."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from support import as_sent

from sim.cli import main
from sim.decisions.exercise import Exercise, point_key
from sim.decisions.replay import played_session
from sim.decisions.session import (
    MAX_COMMANDS,
    SessionError,
    create_session,
    open_session,
    read_session,
    rebuild,
)
from sim.play.server import ALREADY_DONE, PlayServer, create_app
from sim.scenario import read_scenario

TINY = Path(__file__).parent / "scenarios" / "tiny_border.toml"
SOURCE = read_scenario(TINY)
SCENARIO = SOURCE.scenario
HUGE = "9" * 400
"""A whole number no float holds, as a hand-edited file may have it."""


def _server(path: Path) -> tuple[PlayServer, TestClient]:
    session, _ = open_session(path, SCENARIO, SOURCE.sha256, 0, ["LA", "TH"])
    server = PlayServer(SCENARIO, session)
    return server, TestClient(create_app(server), follow_redirects=False)


def _fac(server: PlayServer) -> str:
    return f"/facilitator/{server.tokens['facilitator']}"


def _refused(client: TestClient, answer: Any) -> tuple[int, str]:
    """A command's status and the note its page shows."""
    status = int(answer.headers.get("X-Refused", answer.status_code))
    if answer.status_code == 303 and "note=" in answer.headers["location"]:
        answer = client.get(answer.headers["location"])
    text = answer.text
    note = text.split('id="message">')[1].split("</p>")[0] if 'id="message">' in text else ""
    return status, note


def _resumed_events(path: Path) -> list[Any]:
    session, _ = open_session(path, SCENARIO, SOURCE.sha256, None, None)
    return list(rebuild(SCENARIO, session).sim.log.events)


def test_a_command_sent_twice_is_done_once(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    server, client = _server(path)
    fac = _fac(server)
    first = client.post(f"{fac}/clock", data={"move": "60", "client": "click-1"})
    assert _refused(client, first) == (303, "")
    now = server.exercise.now
    again = client.post(f"{fac}/clock", data={"move": "60", "client": "click-1"})
    assert _refused(client, again) == (303, ALREADY_DONE)
    assert server.exercise.now == now == 60
    # a restarted server still knows it
    server, client = _server(path)
    retried = client.post(f"{fac}/clock", data={"move": "60", "client": "click-1"})
    assert _refused(client, retried) == (303, ALREADY_DONE) and server.exercise.now == 60
    lines = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    assert [(c["do"], c.get("client")) for c in lines] == [("advance", "click-1")]
    # every form carries its own id
    page = client.get(fac).text
    ids = [p.split('"')[0] for p in page.split('name="client" value="')[1:]]
    assert len(ids) > 5 and len(set(ids)) == len(ids)


def test_a_seats_answer_sent_twice_is_done_once(tmp_path: Path) -> None:
    server, client = _server(tmp_path / "s.jsonl")
    while not server.exercise.open_points():
        client.post(f"{_fac(server)}/clock", data={"move": "next"})
    item = server.exercise.open_points()[0]
    seat = f"/seat/{item.seat}/{server.tokens[item.seat]}"
    form = {"point": str(item.number), "key": point_key(item.point), "client": "answer-1"}
    form["choice"] = item.point.proposal.choice
    assert _refused(client, client.post(f"{seat}/decide", data=form)) == (303, "")
    written = server.session.path.read_bytes()
    assert _refused(client, client.post(f"{seat}/decide", data=form)) == (303, ALREADY_DONE)
    assert server.session.path.read_bytes() == written


def test_refused_commands_write_nothing_and_the_file_replays(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    server, client = _server(path)
    fac = _fac(server)
    client.post(f"{fac}/clock", data={"move": "to", "at": "2018-07-23T12:00"})
    client.post(f"{fac}/rewind", data={"minutes": "60"})
    client.post(f"{fac}/rewind", data={"minutes": "30"})  # two rewinds in a row
    before, events = path.read_bytes(), list(server.exercise.sim.log.events)
    refusals = [
        client.post(f"{fac}/rewind", data={"minutes": "45"}),  # to a later time
        client.post(f"{fac}/rewind", data={"minutes": "30"}),  # to now
        client.post(f"{fac}/rewind", data={"minutes": "-1"}),
        client.post(f"{fac}/rewind", data={"minutes": "nan"}),
        client.post(f"{fac}/rewind", data={"minutes": "soon"}),
        client.post(f"{fac}/clock", data={"move": "end"}),  # not confirmed
        client.post(f"{fac}/clock", data={"move": "to", "at": "2018-07-23T08:10"}),  # back
        client.post(f"{fac}/clock", data={"move": "sideways"}),
        client.post(f"{fac}/clock", data={"move": "next", "client": "no spaces"}),
    ]
    answers = [_refused(client, r) for r in refusals]
    assert [status for status, _ in answers] == [400] * 9
    assert answers[0][1] == answers[1][1] == "rewind to a time between the start and now"
    assert answers[5][1] == "confirm that the clock goes to the end of the exercise"
    assert path.read_bytes() == before and server.exercise.sim.log.events == events
    assert _resumed_events(path) == events
    # confirmed, to the end
    done = client.post(f"{fac}/clock", data={"move": "end", "confirm": "yes"})
    assert _refused(client, done) == (303, "") and server.exercise.finished
    assert _resumed_events(path) == server.exercise.sim.log.events


def test_the_facilitators_settings_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    server, client = _server(path)
    fac = _fac(server)
    client.post(f"{fac}/doctrine", data={"show": "no"})
    client.post(f"{fac}/seats-arrange", data={"allow": "no"})
    server, client = _server(path)
    assert not server.show_doctrine and not server.seats_may_arrange
    page = client.get(fac).text
    assert 'id="show-doctrine"' in page and 'id="allow-seats-arrange"' in page
    # a rewind goes back in the exercise, not in the room's settings
    client.post(f"{fac}/clock", data={"move": "60"})
    client.post(f"{fac}/rewind", data={"minutes": "0"})
    assert not _server(path)[0].show_doctrine


def test_a_cut_last_line_is_repaired_on_start_and_said(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    server, client = _server(path)
    client.post(f"{_fac(server)}/clock", data={"move": "60"})
    whole = path.read_bytes()
    with path.open("ab") as out:
        out.write(b'{"do": "advance", "at": 60, "to": 9')  # the server died while writing
    session, resumed = open_session(path, SCENARIO, SOURCE.sha256, None, None)
    assert resumed and "line 3: cut short" in session.notice and "removed" in session.notice
    assert path.read_bytes() == whole  # the cut line is gone, nothing else
    server = PlayServer(SCENARIO, session)
    assert server.exercise.now == 60
    server.perform(as_sent({"do": "advance", "to": 90.0}))  # written on a line of its own
    assert _resumed_events(path) == server.exercise.sim.log.events
    assert read_session(path).notice == ""


def test_play_says_it_repaired_the_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.play.server

    monkeypatch.setattr(sim.play.server, "serve", lambda *_: None)
    path = tmp_path / "s.jsonl"
    _server(path)
    with path.open("ab") as out:
        out.write(b'{"do": "ne')
    result = CliRunner().invoke(main, ["play", str(TINY), "--session", str(path)])
    assert result.exit_code == 0, result.output
    assert "repaired:" in result.output and "line 2: cut short" in result.output
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_failed_write_refuses_the_command_and_tells_the_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.decisions.session

    path = tmp_path / "s.jsonl"
    server, client = _server(path)
    fac = _fac(server)
    client.post(f"{fac}/clock", data={"move": "next"})
    before, events = path.read_bytes(), list(server.exercise.sim.log.events)
    revision, now = server.revision, server.exercise.now
    real_write = os.write

    def full_disk(fd: int, data: Any) -> int:
        real_write(fd, bytes(data[:7]))  # part of the line, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sim.decisions.session.os, "write", full_disk)
    for form in ({"move": "next"}, {"move": "60"}):
        status, note = _refused(client, client.post(f"{fac}/clock", data=form))
        assert status == 507
        assert "could not be written (No space left on device): nothing was done" in note
    assert _refused(client, client.post(f"{fac}/doctrine", data={"show": "no"}))[0] == 507
    assert path.read_bytes() == before  # the part written was cut off again
    assert server.exercise.sim.log.events == events and server.revision == revision
    assert server.show_doctrine

    # the cut-off fails too: the next write removes the part first
    monkeypatch.setattr(
        sim.decisions.session.os, "ftruncate", lambda *_: (_ for _ in ()).throw(OSError)
    )
    client.post(f"{fac}/clock", data={"move": "60"})
    assert path.read_bytes() != before  # a part was left...
    monkeypatch.undo()
    assert _refused(client, client.post(f"{fac}/clock", data={"move": "60"})) == (303, "")
    assert server.exercise.now == now + 60
    assert _resumed_events(path) == server.exercise.sim.log.events  # ...and removed


CHILD = """
import sys
from pathlib import Path
from sim.decisions.commands import Advance, Decide, ShowDoctrine
from sim.decisions.exercise import point_key
from sim.play.server import PlayServer
from sim.decisions.session import open_session
from sim.scenario import read_scenario

source = read_scenario(sys.argv[1])
session, _ = open_session(Path(sys.argv[2]), source.scenario, source.sha256, 0, ["LA", "TH"])
server = PlayServer(source.scenario, session)
print("ready", flush=True)
step = 0
while not server.exercise.finished:
    step += 1
    ex = server.exercise
    for item in ex.open_points():
        options = [o.choice for o in item.point.options]
        server.perform(Decide(seat=item.seat, point=item.number, key=point_key(item.point),
                              choice=options[step % len(options)]))
    if step % 7 == 0 and ex.now > 30:
        server.rewind(ex.now - 20)
    elif step % 5 == 0:
        server.record(ShowDoctrine(value=step % 10 == 0))
    else:
        server.perform(Advance(to=ex.now + 3))
print("finished", flush=True)
"""


def test_a_session_survives_kill_9_at_any_instant(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    delays = [0.0, 0.05, 0.11, 0.17, 0.23, 0.31, 0.43]
    lengths = []
    for delay in delays:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(TINY), str(path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        lengths.append(len(path.read_bytes()))
        # it resumes (a cut line repaired) and replays what the file says
        session, resumed = open_session(path, SCENARIO, SOURCE.sha256, None, None)
        assert resumed and path.read_bytes().endswith(b"\n")
        exercise = rebuild(SCENARIO, session)
        again = Exercise(SCENARIO, session.seed, session.seats, session.commands)
        assert again.sim.log.events == exercise.sim.log.events
        played_session(SCENARIO, read_session(path, SCENARIO))
    assert lengths == sorted(lengths) and lengths[-1] > lengths[0]  # play went on each time


def _session_with(
    tmp_path: Path, name: str, *lines: str, header: dict[str, Any] | None = None
) -> Path:
    path = tmp_path / name
    session = create_session(path, "Tiny border", SOURCE.sha256, 0, ["LA", "TH"])
    top = json.loads(path.read_text()) | (header or {})
    path.write_text("\n".join([json.dumps(top), *lines]) + "\n")
    assert session.seats == ("LA", "TH")
    return path


def test_the_reader_refuses_bad_lines_naming_every_one(tmp_path: Path) -> None:
    deep = "[" * 5000 + "]" * 5000
    path = _session_with(
        tmp_path,
        "bad.jsonl",
        '{"do": "advance", "at": 0, "to": 120}',
        '{"do": "rewind", "at": 120, "to": 500}',  # a rewind to a future time
        '{"do": "advance", "at": 120, "to": 60}',  # a clock move back
        '{"do": "advance", "at": 120, "to": 99999}',  # past the end
        '{"do": "decide", "at": 120, "seat": "KH", "point": 1, "key": "k", "choice": "x",'
        ' "kind": "ask", "decider": "KH", "subject": "s", "incident": 0, "options": ["x"],'
        ' "proposal": "x"}',
        f'{{"do": "next", "at": 120, "until": {deep}}}',
        "x" * 70_000,
        '{"do": "setting", "at": 120, "name": "show_doctrine", "value": "no"}',
        '{"do": "next", "at": 120, "until": 200, "client": {"a": 1}}',
        '{"do": "decide", "at": 120, "seat": "LA", "point": 1, "options": "x", "by": "me"}',
    )
    with pytest.raises(SessionError) as caught:
        read_session(path, SCENARIO)
    message = str(caught.value)
    for expected in (
        "line 3: a rewind to 500 goes forward from 120",
        "line 4: a clock move to 60 goes back from 120: use a rewind",
        "line 5: 'to' must be a time in minutes from 0 to 2880",
        "line 6: 'seat' must be one of the session's seats (LA, TH)\n",
        "line 7: nested too deeply",
        "line 8: longer than 64 KiB",
        "line 9: 'value' must be true or false, not 'no'",
        "line 10: 'client' must be a short id of letters, digits, - and _, not {'a': 1}",
        "line 11: 'by' is not a field of the command 'decide': leave it out (its fields: at,",
        "; 'key' is missing: a short text; 'choice' is missing: a short text;",
        "; 'options' must be a list of short texts, not 'x';",
    ):
        assert expected in message
    nested = _session_with(tmp_path, "deep.jsonl", "[" * 30000 + "]" * 30000)
    with pytest.raises(SessionError, match="line 2: nested too deeply"):
        read_session(nested)
    binary = _session_with(tmp_path, "bin.jsonl")
    with binary.open("ab") as out:
        out.write(b'{"do": "next", "at": 0, "until": 10, "x": "\xff"}\n')
    with pytest.raises(SessionError, match="line 2: not UTF-8 text"):
        read_session(binary)


def test_an_oversized_session_is_refused_up_front(tmp_path: Path) -> None:
    path = _session_with(tmp_path, "big.jsonl")
    line = b'{"do": "advance", "at": 0, "to": 0}\n'
    with path.open("ab") as out:
        out.write(line * (MAX_COMMANDS + 5))
    with pytest.raises(SessionError, match=f"line {MAX_COMMANDS + 1}: more than 100,000 lines"):
        read_session(path)
    with path.open("r+b") as out:  # a 100 MB file is refused before a line of it is read
        out.truncate(100 * 2**20)
    with pytest.raises(SessionError, match="100 MB, more than a session holds"):
        read_session(path)


def test_play_refuses_a_bad_session_clearly(tmp_path: Path) -> None:
    cases = {
        _session_with(tmp_path, "v.jsonl", header={"version": 99}): "a session of version 99",
        _session_with(tmp_path, "v3.jsonl", header={"version": 3}): "written before decisions",
        _session_with(
            tmp_path, "rwd.jsonl", '{"do": "rewind", "at": 0, "to": 0, "decision": 4}'
        ): "line 2: 'decision' must name a decision answered before the rewind",
        _session_with(tmp_path, "seat.jsonl", header={"seats": ["LA", "VN"]}): "seat VN is not",
        _session_with(
            tmp_path, "rw.jsonl", '{"do": "rewind", "at": 0, "to": 30}'
        ): "line 2: a rewind to 30 goes forward from 0",
        _session_with(
            tmp_path, "deep.jsonl", "[" * 20000 + "]" * 20000
        ): "line 2: nested too deeply",
        _session_with(
            tmp_path, "bigto.jsonl", f'{{"do": "advance", "at": 0, "to": {HUGE}}}'
        ): "line 2: 'to' must be a time in minutes from 0 to 2880, not 99999",
        _session_with(
            tmp_path, "bigat.jsonl", f'{{"do": "advance", "at": -{HUGE}, "to": 10}}'
        ): "line 2: 'at' must be a time in minutes from 0 to 2880, not -9999",
        _session_with(
            tmp_path, "bigseed.jsonl", header={"seed": 2**63}
        ): "line 1: the header needs the scenario's checksum, a seed (a whole number from 0 to",
        _session_with(
            tmp_path, "bigversion.jsonl", header={"version": int(HUGE)}
        ): "line 1: a session of version 9999999999999999999999999999999999999...; this",
    }
    for path, expected in cases.items():
        before = path.read_bytes()
        for args in (
            ["play", str(TINY), "--session", str(path)],
            ["run", str(TINY), "--decisions", str(path), "-o", str(tmp_path / "o")],
        ):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 2, (path.name, result.output)
            assert expected in result.output and "Traceback" not in result.output
        assert path.read_bytes() == before and not (tmp_path / "o").exists()


LINE = st.dictionaries(
    st.sampled_from(
        [
            "do",
            "at",
            "to",
            "until",
            "seat",
            "point",
            "key",
            "choice",
            "client",
            "name",
            "value",
            "options",
            "incident",
            "kind",
            "decider",
            "subject",
            "proposal",
            "action",
        ]
    ),
    st.one_of(
        st.sampled_from(
            [
                "advance",
                "next",
                "decide",
                "act",
                "rewind",
                "setting",
                "lapsed",
                "LA",
                "TH",
                "show_doctrine",
            ]
        ),
        st.integers(-5, 5000),
        st.integers(-(10**400), 10**400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        st.text(max_size=5),
        st.lists(st.text(max_size=3), max_size=3),
    ),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINE, max_size=6))
def test_any_session_line_is_refused_cleanly_or_replays(
    tmp_path: Path, lines: list[dict[str, Any]]
) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.unlink(missing_ok=True)
    _session_with(tmp_path, "fuzz.jsonl", *(json.dumps(line) for line in lines))
    with contextlib.suppress(SessionError):
        rebuild(SCENARIO, read_session(path, SCENARIO))


def test_a_rewind_to_a_decision_reopens_exactly_that_decision(tmp_path: Path) -> None:
    """Two decisions at one instant: going back to just before the second keeps the first
    and opens the second again, whatever the clock's rounding (a rewind names the decision,
    not a time); the file resumes to the same place."""
    path = tmp_path / "s.jsonl"
    server, client = _server(path)
    fac = _fac(server)
    ex = server.exercise
    while [p.point.kind for p in ex.open_points()] != ["ask"]:
        client.post(f"{fac}/clock", data={"move": "next"})
        ex = server.exercise
    (ask,) = ex.open_points()
    la = f"/seat/LA/{server.tokens['LA']}"
    form = {"point": str(ask.number), "key": point_key(ask.point), "choice": "TH"}
    client.post(f"{la}/act", data={"action": "evacuate", "place": "ban_hat"})
    client.post(f"{la}/decide", data=form)
    client.post(f"{fac}/clock", data={"move": "60"})
    assert server.exercise.now == ask.point.at_min + 60
    page = client.get(fac).text
    assert f'name="decision" value="{ask.number}"' in page and "Ask a neighbour" in page
    client.post(f"{fac}/rewind", data={"decision": str(ask.number)})
    ex = server.exercise
    assert ex.now == ask.point.at_min
    assert [p.number for p in ex.open_points()] == [ask.number]  # open again, the same id
    assert [t.kind for t in ex.taken] == ["evacuate"]  # the action before it is kept
    assert _resumed_events(path) == ex.sim.log.events
    refused = [
        client.post(f"{fac}/rewind", data={"decision": str(ask.number)}),  # not answered now
        client.post(f"{fac}/rewind", data={"decision": "nan"}),
    ]
    answers = [_refused(client, r) for r in refused]
    assert answers == [
        (400, f"no decision #{ask.number} was answered on this branch of the exercise"),
        (400, "choose a decision to go back to"),
    ]
    # the same rewind sent twice (a double click) is done once, and said so
    client.post(f"{la}/decide", data=form)
    again = {"decision": str(ask.number), "client": "rw-1"}
    assert _refused(client, client.post(f"{fac}/rewind", data=again)) == (303, "")
    assert _refused(client, client.post(f"{fac}/rewind", data=again)) == (303, ALREADY_DONE)


def test_a_session_path_that_is_no_file_is_refused(tmp_path: Path) -> None:
    """A pipe is refused, not waited on for ever."""
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    for args in (
        ["play", str(TINY), "--session", str(fifo)],
        ["run", str(TINY), "--decisions", str(fifo), "-o", str(tmp_path / "o")],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "pipe.jsonl' is not a file (a pipe or device)" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
    with pytest.raises(SessionError, match=r"pipe\.jsonl: not a file \(a folder, pipe or device\)"):
        read_session(fifo)


def test_a_seed_no_session_can_replay_is_refused_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    with pytest.raises(SessionError, match="the seed must be a whole number from 0 to"):
        create_session(path, "Tiny border", SOURCE.sha256, 2**63, ["LA", "TH"])
    assert not path.exists()

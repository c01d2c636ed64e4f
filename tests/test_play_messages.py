"""Messages between seats travel over the scenario's channels (latency, interpreters),
are written in the session file, reach the receiving seat only when delivered, and are
carried again the same way when the session is rebuilt or replayed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from starlette.testclient import TestClient

from sim.cli import main
from sim.decisions.session import create_session, read_session, rebuild
from sim.play.server import PlayServer, create_app
from sim.scenario import read_scenario

TINY = Path(__file__).parent / "scenarios" / "tiny_border.toml"
TEXT = "Our boat is stuck at Pakse: can you send yours to Ban Hat?"


def _status(answer: Any) -> int:
    return int(answer.headers.get("X-Refused", answer.status_code))


def test_a_message_reaches_the_other_seat_after_the_channel_and_the_interpreter(
    tmp_path: Path,
) -> None:
    source = read_scenario(TINY)
    path = tmp_path / "s.jsonl"
    session = create_session(path, "Tiny border", source.sha256, 0, ["LA", "TH"])
    server = PlayServer(source.scenario, session)
    client = TestClient(create_app(server), follow_redirects=False)
    tokens = server.tokens
    fac, la, th = (
        f"/facilitator/{tokens['facilitator']}",
        f"/seat/LA/{tokens['LA']}",
        f"/seat/TH/{tokens['TH']}",
    )
    client.post(f"{fac}/clock", data={"move": "30"})
    before = path.read_bytes()
    refused = [
        client.post(f"{la}/message", data={"to": "LA", "text": TEXT}),
        client.post(f"{la}/message", data={"to": "KH", "text": TEXT}),
        client.post(f"{la}/message", data={"to": "TH", "text": " "}),
        client.post(f"{la}/message", data={"to": "TH", "text": "x" * 1001}),
        client.post(f"/observe/LA/{tokens['LA:observer']}/message", data={"to": "TH"}),
    ]
    assert [_status(r) for r in refused] == [400, 400, 400, 400, 403]
    assert path.read_bytes() == before
    assert _status(client.post(f"{la}/message", data={"to": "TH", "text": TEXT})) == 303
    (line,) = [json.loads(x) for x in path.read_text().splitlines()[1:] if '"message"' in x]
    assert (line["seat"], line["to"], line["text"], line["at"]) == ("LA", "TH", TEXT, 30.0)

    assert TEXT not in client.get(th).text  # on its way: a diplomatic note takes 2 h
    assert "on its way (diplomatic note, interpreted)" in client.get(la).text
    assert "on its way" in client.get(fac).text
    client.post(f"{fac}/clock", data={"move": "60"})
    assert TEXT not in client.get(th).text
    for _ in range(3):
        client.post(f"{fac}/clock", data={"move": "60"})
    (message,) = server.exercise.messages
    assert message.delivered_at is not None
    took = message.delivered_at - message.at
    assert took >= 120  # the channel's latency, then the interpreter at Ubon
    page = client.get(th).text
    assert TEXT in page and "diplomatic note, interpreted" in page
    assert TEXT in client.get(f"/observe/TH/{tokens['TH:observer']}").text
    assert TEXT not in client.get(f"/projector/{server.projector_token}").text

    # rebuilt from the file, the message arrives at the same time
    again = rebuild(source.scenario, read_session(path))
    assert [m.delivered_at for m in again.messages] == [message.delivered_at]
    routes = {d for _, e, _, _, d in again.sim.log.events if e == "message_delivered"}
    assert "message LA>TH diplomatic" in routes

    # replayed in another replication, it is sent again at its time
    from sim.decisions.replay import played_session, replay_run

    other, _ = replay_run(
        source.scenario, played_session(source.scenario, read_session(path)), 0, 1
    )
    sent = [(t, d) for t, e, _, _, d in other.events if e == "message_sent"]
    assert (30.0, "message LA>TH diplomatic") in sent

    # and a run replaying the session carries it in every replication
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", str(TINY), "--decisions", str(path), "-n", "3", "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["communications"]["messages"]["message LA>TH diplomatic"]["delivered"] == 1

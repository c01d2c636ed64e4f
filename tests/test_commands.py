"""One table of who may give which command: the facilitator, a seat, a seat's observers
and the projector, each refused what is not theirs with the reason; the play server, the
exercise and the session file's reader keep the same table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sim.decisions.commands import (
    FACILITATOR,
    PROJECTOR,
    RIGHTS,
    SETTINGS,
    Part,
    Refused,
    observer,
    part_of,
    refusal,
    right_of,
)
from sim.decisions.exercise import Exercise
from sim.decisions.session import COMMANDS, SessionError, create_session, read_session
from sim.play.server import PlayServer, create_app
from sim.scenario import read_scenario

TINY = Path(__file__).parent / "scenarios" / "tiny_border.toml"
SOURCE = read_scenario(TINY)
SEATS = ("LA", "TH")
ROLES = {
    Part.FACILITATOR: FACILITATOR,
    Part.SEAT: "LA",
    Part.OBSERVER: observer("LA"),
    Part.PROJECTOR: PROJECTOR,
}


def command(row: str) -> dict[str, object]:
    """A command of a row of the table, as the seat LA (or its observers) would give it."""
    if row in SETTINGS:
        return {"do": "setting", "name": row, "value": True}
    if row == "arrange":
        return {"do": "act", "action": "arrange"}
    return {"do": row, "seat": "LA"}


@pytest.mark.parametrize("row", sorted(RIGHTS))
@pytest.mark.parametrize("part", list(Part))
def test_each_part_gives_only_its_commands_and_is_told_why_not(row: str, part: Part) -> None:
    role = ROLES[part]
    given = command(row) | ({"seat": role} if row == "arrange" else {})
    assert right_of(given) == row
    refused = refusal(role, given, SEATS)
    if part in RIGHTS[row].parts:
        assert refused is None
    else:
        assert refused is not None and refused.status == 403
        assert refused.message == RIGHTS[row].refusal


def test_who_may_give_what() -> None:
    """The table as a planner reads it."""
    may = {row: {p.value for p in right.parts} for row, right in RIGHTS.items()}
    assert may["advance"] == may["next"] == may["rewind"] == {"facilitator"}
    assert may["hotwash"] == {"facilitator"}
    assert all(may[name] == {"facilitator"} for name in SETTINGS)
    assert may["decide"] == may["act"] == may["message"] == {"seat"}
    assert may["arrange"] == {"facilitator", "seat"}
    assert may["note"] == {"observer"}
    assert may["language"] == {"facilitator", "seat", "observer"}
    assert may["lapsed"] == set()  # the exercise writes it: nobody gives it


def test_every_command_of_the_session_file_has_its_row() -> None:
    rows = {right_of({"do": do, "name": "show_doctrine"}) for do in COMMANDS}
    assert rows <= set(RIGHTS)


def test_a_seat_gives_commands_as_itself_only() -> None:
    refused = refusal("LA", {"do": "decide", "seat": "TH"}, SEATS)
    assert refused is not None and str(refused) == "LA gives commands as itself, not as TH"
    assert str(refusal("KH", {"do": "decide", "seat": "KH"}, SEATS)) == (
        "KH is not a seat of this exercise"
    )
    assert str(refusal(observer("LA"), {"do": "language", "reader": "TH"}, SEATS)) == (
        "LA:observer chooses its own language only"
    )
    assert refusal(FACILITATOR, {"do": "language", "reader": "TH"}, SEATS) is None
    assert str(refusal(observer("LA"), {"do": "note", "seat": "TH"}, SEATS)) == (
        "LA:observer writes notes on LA only"
    )
    assert part_of(observer("KH"), SEATS) is None and part_of("TH:observer", SEATS) is Part.OBSERVER


def test_a_seat_switches_an_arrangement_on_only_while_the_facilitator_lets_it() -> None:
    arrange = {"do": "act", "action": "arrange", "seat": "LA"}
    refused = refusal("LA", arrange, SEATS, seats_may_arrange=False)
    assert refused is not None and refused.message == (
        "The facilitator has not allowed the seats to switch arrangements on."
    )
    facilitator = arrange | {"seat": FACILITATOR}
    assert refusal(FACILITATOR, facilitator, SEATS, seats_may_arrange=False) is None


def test_the_exercise_keeps_the_table() -> None:
    ex = Exercise(SOURCE.scenario, 0, SEATS)
    with pytest.raises(Refused, match="Observers watch a seat: they do not decide or act"):
        ex.perform({"do": "act", "seat": FACILITATOR, "action": "send", "incident": 0})
    with pytest.raises(Refused, match="KH is not a seat of this exercise"):
        ex.perform({"do": "message", "seat": "KH", "to": "LA", "text": "hello"})
    assert ex.commands == []


def _session(tmp_path: Path, *lines: dict[str, object]) -> Path:
    path = tmp_path / "s.jsonl"
    create_session(path, "Tiny border", SOURCE.sha256, 0, list(SEATS))
    with path.open("a") as out:
        out.writelines(json.dumps(line) + "\n" for line in lines)
    return path


def test_the_session_file_is_read_by_the_same_table(tmp_path: Path) -> None:
    """A line that gives a command its role may not give (a file edited by hand) is
    refused with its line named: the facilitator sending a unit, a seat switching an
    arrangement on after the facilitator stopped the seats doing so."""
    send = {"do": "act", "at": 0, "seat": FACILITATOR, "action": "send", "decider": "LA"}
    send |= {"subject": "x", "choice": "u", "incident": 0}
    stop = {"do": "setting", "at": 0, "name": "seats_may_arrange", "value": False}
    arrange = {"do": "act", "at": 0, "seat": "TH", "action": "arrange", "decider": "TH"}
    arrange |= {"subject": "joint_centre", "choice": "joint_centre", "incident": -1}
    with pytest.raises(SessionError) as caught:
        read_session(_session(tmp_path, send, stop, arrange), SOURCE.scenario)
    message = str(caught.value)
    assert "line 2: facilitator may not give it: Observers watch a seat" in message
    assert (
        "line 4: TH may not give it: The facilitator has not allowed the seats to switch"
        " arrangements on." in message
    )
    assert "line 3" not in message


def test_the_server_answers_each_role_by_the_table(tmp_path: Path) -> None:
    session = create_session(tmp_path / "s.jsonl", "Tiny border", SOURCE.sha256, 0, list(SEATS))
    server = PlayServer(SOURCE.scenario, session)
    client = TestClient(create_app(server), follow_redirects=False)
    watch = f"/observe/LA/{server.tokens[observer('LA')]}"
    seat = f"/seat/LA/{server.tokens['LA']}"
    fac = f"/facilitator/{server.tokens[FACILITATOR]}"
    client.post(f"{fac}/seats-arrange", data={"allow": "no"})
    refused = client.post(f"{seat}/act", data={"action": "arrange", "arrangement": "open_24h"})
    assert refused.headers["X-Refused"] == "403"
    assert not server.exercise.sim.in_force
    allowed = client.post(f"{fac}/arrange", data={"arrangement": "open_24h"})
    assert "X-Refused" not in allowed.headers and server.exercise.sim.in_force == {"open_24h"}
    wrong = client.post(f"{watch[:-3]}abc/note", data={"target": "x", "text": "y"})
    assert wrong.status_code == 403
    assert "ask the facilitator for the observers&#39; link" in wrong.text

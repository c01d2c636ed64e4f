"""Typed commands, and one table of who may give which: the facilitator, a seat, a seat's
observers and the projector, each refused what is not theirs with the reason; the play
server, the exercise and the session file's reader keep the same table. A command is
parsed once where it comes in, refused there with the field that is wrong, and written
as a session file's line that reads back equal."""

from __future__ import annotations

import json
import math
from dataclasses import MISSING, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from sim.decisions.commands import (
    CLIENT,
    FACILITATOR,
    KINDS,
    PROJECTOR,
    RIGHTS,
    SETTINGS,
    Arrange,
    Assign,
    ChooseLanguage,
    Command,
    CommandBase,
    Decide,
    Malformed,
    Note,
    Part,
    Refused,
    SeatMessage,
    observer,
    parse,
    part_of,
    record,
    refusal,
)
from sim.decisions.exercise import Exercise
from sim.decisions.session import SessionError, create_session, read_session
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


HORIZON = 2880.0


def _field(hint: Any, filled: bool) -> st.SearchStrategy[Any]:
    """Valid values of a field of this kind (as a session file records them: a field the
    exercise fills in is never null)."""
    nullable = type(None) in get_args(hint)
    if nullable:
        (hint,) = (a for a in get_args(hint) if a is not type(None))
    base, *marks = get_args(hint) if hasattr(hint, "__metadata__") else (hint,)
    marker = type(marks[0]).__name__ if marks else ""
    if get_origin(base) is Literal:
        values: st.SearchStrategy[Any] = st.sampled_from(get_args(base))
    elif get_origin(base) is tuple:
        values = st.lists(_field(get_args(base)[0], True), min_size=1, max_size=4).map(tuple)
    elif base is bool:
        values = st.booleans()
    elif marker == "_Client":
        values = st.from_regex(CLIENT, fullmatch=True)
    elif marker == "_Text":
        most = marks[0].most
        values = st.text(min_size=1, max_size=12) | st.text(min_size=most, max_size=most)
    elif marker == "_Whole":
        values = st.integers(marks[0].least, 2**53)
    else:
        values = st.floats(0, HORIZON)
    if nullable and not filled:
        values = st.none() | values
    return values


def _valid(kind: type[CommandBase]) -> st.SearchStrategy[Command]:
    """Valid commands of a kind, as the exercise records them."""
    from typing import get_type_hints

    hints = get_type_hints(kind, include_extras=True)
    strategies = {}
    for f in fields(kind):
        filled = f.name in kind.FILLED
        optional = f.default is not MISSING and not filled
        values = _field(hints[f.name], filled)
        if optional:
            values = st.just(f.default) | values
        strategies[f.name] = values
    built = st.builds(kind, **strategies)
    if kind is Decide:  # its choice is one of its options
        built = built.map(lambda c: replace(c, options=(*c.options, c.choice)))
    return built  # type: ignore[return-value]


@settings(max_examples=200)  # about ten of each kind
@given(st.one_of(*(_valid(kind) for kind in KINDS)))
def test_any_command_is_written_and_read_back_equal(command: Command) -> None:
    line = json.dumps(record(command), ensure_ascii=False, sort_keys=True)
    assert parse(json.loads(line), horizon=HORIZON) == command


def test_every_kind_of_command_has_its_row_and_every_row_its_kind() -> None:
    assert {kind.RIGHT for kind in KINDS} == set(RIGHTS)


def test_a_malformed_command_is_refused_naming_each_field_and_the_fix() -> None:
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"do": "fly"}, ["'do' must be one of advance, next, decide, act, message, rewind,"]),
        ({"do": "act", "action": "fly"}, ["unknown action 'fly': assign, stand_down, ask,"]),
        ({"do": "setting", "value": True}, ["'name' must name the setting: one of show_doc"]),
        (
            {"do": "advance", "to": math.nan, "at": 0, "speed": 2},
            [
                "'speed' is not a field of the command 'advance': leave it out (its fields:",
                "'to' must be a time in minutes from 0 to 2880, not nan",
            ],
        ),
        (
            {"do": "decide", "at": 1, "seat": "LA", "point": 0, "key": "k", "choice": "x"}
            | {"kind": "ask", "decider": "LA", "subject": "s", "incident": 0, "proposal": "x"},
            ["'point' must be a whole number from 1, not 0", "'options' is missing: a list of"],
        ),
        (
            {"do": "decide", "at": 1, "seat": "LA", "point": 2, "key": "k", "choice": "x"}
            | {"kind": "ask", "decider": "LA", "subject": "s", "incident": 0, "proposal": "x"}
            | {"options": ["x", 3]},
            ["'options[1]' must be a short text, not 3"],
        ),
        (
            {"do": "act", "action": "assign", "at": 1, "seat": "LA", "unit": "u", "incident": 0}
            | {"decider": "LA", "subject": "s", "choice": "v"},
            ["'choice' must be the 'unit' acted on"],
        ),
        (
            {"do": "advance", "to": 10**400, "at": -(10**400)},
            [
                "'at' must be a time in minutes from 0 to 2880, not -1000",
                "'to' must be a time in minutes from 0 to 2880, not 1000",
            ],
        ),
        (
            {"do": "setting", "name": "show_doctrine", "value": "no", "at": 0, "client": "a b"},
            [
                "'client' must be a short id of letters, digits, - and _, not 'a b'",
                "'value' must be true or false, not 'no'",
            ],
        ),
        (
            {"do": "language", "at": 0, "reader": "LA", "lang": "fr", "seat": "LA"},
            ["'seat' is not a field of the command 'language'", "'lang' must be one of en, th"],
        ),
    ]
    for raw, expected in cases:
        with pytest.raises(Malformed) as caught:
            parse(raw, horizon=HORIZON)
        assert len(caught.value.problems) == len(expected), caught.value.problems
        for problem, start in zip(caught.value.problems, expected, strict=True):
            assert problem.startswith(start), (problem, start)


def test_a_command_built_in_code_is_checked_as_one_sent() -> None:
    """A notebook's command with a field of the wrong kind is refused naming each field,
    before anything happens; a whole number of minutes is taken as a time."""
    from support import load_with

    from sim.decisions.commands import Advance
    from sim.decisions.exercise import Exercise

    exercise = Exercise(load_with("tiny_border.toml"), 0, ("TH",))
    cases: list[tuple[Command, list[str]]] = [
        (Advance(to="600"), ["'to' must be a time in minutes from 0, not '600'"]),  # type: ignore[arg-type]
        (Advance(to=math.inf), ["'to' must be a time in minutes from 0, not inf"]),
        (Advance(to=10**400), ["'to' must be a time in minutes from 0, not 1000"]),
        (
            Assign(seat="TH", incident="0", unit=3),  # type: ignore[arg-type]
            ["'incident' must be a whole number from -1, not '0'", "'unit' must be a short"],
        ),
    ]
    for command, expected in cases:
        with pytest.raises(Malformed) as caught:
            exercise.perform(command)
        assert len(caught.value.problems) == len(expected), caught.value.problems
        for problem, start in zip(caught.value.problems, expected, strict=True):
            assert problem.startswith(start), (problem, start)
    assert exercise.now == 0 and exercise.commands == [] and exercise.sim.log.events == []
    assert exercise.perform(Advance(to=90)) == Advance(to=90.0)
    assert exercise.now == 90.0


def test_a_command_sent_is_told_apart_from_one_recorded() -> None:
    """A seat's form sends texts; what the exercise fills in is not the sender's to say."""
    sent = {"do": "decide", "seat": "LA", "point": "3", "key": "k", "choice": "TH"}
    assert parse(sent, recorded=False, form=True) == Decide(
        seat="LA", point=3, key="k", choice="TH"
    )
    with pytest.raises(Malformed, match="'proposal' is not a field of the command 'decide'"):
        parse(sent | {"proposal": "TH"}, recorded=False, form=True)
    with pytest.raises(Malformed, match="'point' must be a whole number from 1, not '3'"):
        parse(sent)  # a session file holds numbers
    for number in ("1e999", "nan", "-inf", "9" * 5000):
        with pytest.raises(Malformed, match="'to' must be a time in minutes from 0, not"):
            parse({"do": "advance", "to": number}, recorded=False, form=True)


def command(row: str) -> CommandBase:
    """A command of a row of the table, as the seat LA (or its observers) would give it."""
    from typing import get_type_hints

    kind = next(k for k in KINDS if row == k.RIGHT)
    hints = get_type_hints(kind)
    values: dict[str, Any] = {}
    for f in fields(kind):
        if f.default is MISSING:
            example = {str: "x", int: 1, float: 0.0, bool: True}.get(hints[f.name])
            values[f.name] = get_args(hints[f.name])[0] if example is None else example
    values |= {k: "LA" for k in ("seat", "reader") if k in values}
    return kind(**values)


@pytest.mark.parametrize("row", sorted(RIGHTS))
@pytest.mark.parametrize("part", list(Part))
def test_each_part_gives_only_its_commands_and_is_told_why_not(row: str, part: Part) -> None:
    role = ROLES[part]
    given = command(row)
    if row == "arrange":
        given = replace(given, seat=role)  # type: ignore[type-var]
    if row == "language":
        given = replace(given, reader=role)  # type: ignore[type-var]
    assert row == given.RIGHT
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


def test_a_seat_gives_commands_as_itself_only() -> None:
    decide = Decide(seat="TH", point=1, key="k", choice="x")
    refused = refusal("LA", decide, SEATS)
    assert refused is not None and str(refused) == "LA gives commands as itself, not as TH"
    assert str(refusal("KH", replace(decide, seat="KH"), SEATS)) == (
        "KH is not a seat of this exercise"
    )
    language = ChooseLanguage(reader="TH", lang="th")
    assert str(refusal(observer("LA"), language, SEATS)) == (
        "LA:observer chooses its own language only"
    )
    assert refusal(FACILITATOR, language, SEATS) is None
    assert str(refusal(observer("LA"), Note(seat="TH", target="t", text="x"), SEATS)) == (
        "LA:observer writes notes on LA only"
    )
    assert part_of(observer("KH"), SEATS) is None and part_of("TH:observer", SEATS) is Part.OBSERVER


def test_a_seat_switches_an_arrangement_on_only_while_the_facilitator_lets_it() -> None:
    arrange = Arrange(seat="LA", arrangement="open_24h")
    refused = refusal("LA", arrange, SEATS, seats_may_arrange=False)
    assert refused is not None and refused.message == (
        "The facilitator has not allowed the seats to switch arrangements on."
    )
    facilitator = replace(arrange, seat=FACILITATOR)
    assert refusal(FACILITATOR, facilitator, SEATS, seats_may_arrange=False) is None


def test_the_exercise_keeps_the_table() -> None:
    ex = Exercise(SOURCE.scenario, 0, SEATS)
    with pytest.raises(Refused, match="Observers watch a seat: they do not decide or act"):
        ex.perform(Assign(seat=FACILITATOR, incident=0, unit="th-boat"))
    with pytest.raises(Refused, match="KH is not a seat of this exercise"):
        ex.perform(SeatMessage(seat="KH", to="LA", text="hello"))
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
    send = {"do": "act", "at": 0, "seat": FACILITATOR, "action": "assign", "decider": "LA"}
    send |= {"subject": "x", "choice": "u", "unit": "u", "incident": 0}
    stop = {"do": "setting", "at": 0, "name": "seats_may_arrange", "value": False}
    arrange = {"do": "act", "at": 0, "seat": "TH", "action": "arrange", "decider": "TH"}
    arrange |= {"subject": "joint_centre", "choice": "joint_centre", "incident": -1}
    arrange |= {"arrangement": "joint_centre"}
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

"""Malformed requests to the play server (wrong types, unknown or repeated fields, files,
non-finite numbers, huge bodies) are answered 4xx with what is wrong, never 500, and
change nothing; a hand-edited session file is refused with its line and field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from sim import load_scenario
from sim.cli import main
from sim.decisions.commands import DOS, Malformed, Problem, parse
from sim.decisions.exercise import point_key
from sim.decisions.session import create_session
from sim.i18n import TRANSLATED, translator
from sim.play.server import MAX_BODY, PlayServer, create_app

TINY = Path(__file__).parent / "scenarios" / "tiny_border.toml"
SCENARIO = load_scenario(TINY)


def _room(tmp_path: Path) -> tuple[PlayServer, TestClient, dict[str, str]]:
    path = tmp_path / "s.jsonl"
    path.unlink(missing_ok=True)
    session = create_session(path, "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(SCENARIO, session)
    client = TestClient(create_app(server), follow_redirects=False)
    tokens = server.tokens
    pages = {
        "fac": f"/facilitator/{tokens['facilitator']}",
        "la": f"/seat/LA/{tokens['LA']}",
        "watch": f"/observe/LA/{tokens['LA:observer']}",
    }
    while not server.exercise.open_points():  # Laos: ask Thailand for help?
        server.perform(_next())
    return server, client, pages


def _next() -> Any:
    from sim.decisions.commands import Next

    return Next()


def _post(client: TestClient, url: str, fields: list[tuple[str, str]]) -> Any:
    """A form posted with these fields, in order (a field may come twice)."""
    body = urlencode(fields).encode()
    kind = {"content-type": "application/x-www-form-urlencoded"}
    return client.post(url, content=body, headers=kind)


def _answer(client: TestClient, answer: Any) -> tuple[int, str]:
    """A request's status (a refusal sent back to its page carries it in ``X-Refused``) and
    what the page says."""
    status = int(answer.headers.get("X-Refused", answer.status_code))
    if answer.status_code == 303:
        answer = client.get(answer.headers["location"])
    text = answer.text
    said = text.split('id="message">')[1].split("</p>")[0] if 'id="message">' in text else ""
    return status, said.replace("&#39;", "'")


def test_malformed_requests_are_refused_saying_which_field_and_change_nothing(
    tmp_path: Path,
) -> None:
    server, client, pages = _room(tmp_path)
    la, fac, watch = pages["la"], pages["fac"], pages["watch"]
    (item,) = server.exercise.open_points()
    form = {"point": str(item.number), "key": point_key(item.point), "choice": "TH"}
    before = server.session.path.read_bytes()
    events = list(server.exercise.sim.log.events)
    cases: list[tuple[Any, str]] = [
        (
            client.post(f"{la}/decide", data=form | {"point": "1e999"}),
            "'point' must be a whole number from 1, not '1e999'",
        ),
        (
            client.post(f"{la}/decide", data=form | {"point": "9" * 50}),
            "'point' must be a whole number from 1, not '99999",
        ),
        (
            client.post(f"{la}/decide", data=form | {"point": "-2"}),
            "'point' must be a whole number from 1, not '-2'",
        ),
        (
            client.post(f"{la}/decide", data=form | {"proposal": "TH"}),
            "'proposal' is not a field of this form: leave it out",
        ),
        (
            _post(client, f"{la}/decide", [*form.items(), ("choice", "wait")]),
            "'choice' must be one text of at most 4,096 characters",
        ),
        (
            client.post(f"{la}/decide", data=form, files={"reason": ("r.txt", b"why")}),
            "'reason' must be one text of at most 4,096 characters",
        ),
        (
            client.post(f"{la}/act", data={"action": "assign", "incident": "nan", "unit": "u"}),
            "'incident' must be a whole number from -1, not 'nan'",
        ),
        (
            client.post(f"{la}/act", data={"action": "ask", "incident": "0"}),
            "'nation' is missing: a short text",
        ),
        (
            client.post(f"{la}/message", data={"to": "TH", "text": "x" * 5000}),
            "'text' must be one text of at most 4,096 characters",
        ),
        (
            client.post(f"{la}/decide", json={"point": item.number, "choice": "TH"}),
            "'point' is missing: a whole number from 1; 'key' is missing",
        ),
        (
            client.post(f"{fac}/clock", data={"move": "next", "speed": "2"}),
            "'speed' is not a field of this form: leave it out",
        ),
        (
            client.post(f"{fac}/rewind", data={"minutes": "inf"}),
            "'inf' is not a time in minutes",
        ),
        (
            client.post(f"{fac}/doctrine", data={"show": "no", "client": "<script>"}),
            "'client' must be a short id of letters, digits, - and _",
        ),
        (
            client.post(f"{fac}/hotwash", data={"kind": "strength", "text": "x", "by": "me"}),
            "'by' is not a field of this form: leave it out",
        ),
        (
            client.post(f"{watch}/note", data={"target": "rescue", "text": "x", "seat": "TH"}),
            "'seat' is not a field of this form: leave it out",
        ),
        (
            client.post(f"{la}/language", data={"lang": "en", "page": "2"}),
            "'page' is not a field of this form: leave it out",
        ),
        (
            client.post(
                f"{la}/decide",
                content=b"--x\r\nbroken",
                headers={"content-type": "multipart/form-data; boundary=x"},
            ),
            "",
        ),
    ]
    for answer, expected in cases:
        status, said = _answer(client, answer)
        assert 400 <= status < 500, (expected, status, said)
        assert expected in said, (expected, said)
    assert server.session.path.read_bytes() == before
    assert server.exercise.sim.log.events == events


def test_a_huge_request_is_refused_before_it_is_read(tmp_path: Path) -> None:
    server, client, pages = _room(tmp_path)
    before = server.session.path.read_bytes()

    def chunks() -> Iterator[bytes]:  # no length given: it is counted as it comes
        for _ in range(64):
            yield b"text=" + b"x" * 4096

    for answer in (
        client.post(f"{pages['la']}/message", data={"to": "TH", "text": "x" * (MAX_BODY + 1)}),
        client.post(
            f"{pages['la']}/message",
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
    ):
        assert answer.status_code == 413 and "larger than 64 KiB" in answer.text
    # said in the reader's language: a seat's, else (an address of no reader) the browser's
    server.set_language("LA", "th")
    before = server.session.path.read_bytes()
    big = {"to": "TH", "text": "x" * (MAX_BODY + 1)}
    seat = client.post(f"{pages['la']}/message", data=big, headers={"Accept-Language": "km"})
    anyone = client.post("/nowhere", data=big, headers={"Accept-Language": "km-KH,km;q=0.9"})
    for answer, lang in ((seat, "th"), (anyone, "km")):
        assert answer.status_code == 413 and f'<html lang="{lang}">' in answer.text
        assert "64 KiB" in answer.text and "larger than" not in answer.text
    assert server.session.path.read_bytes() == before


ROUTES = (
    *("la/decide", "la/act", "la/message", "la/language", "watch/note"),
    *("fac/clock", "fac/rewind", "fac/arrange", "fac/doctrine", "fac/hotwash", "fac/language"),
)
FIELD = st.sampled_from(
    [
        *("point", "key", "choice", "action", "incident", "unit", "nation", "place", "to"),
        *("text", "move", "at", "minutes", "decision", "show", "arrangement", "kind", "lang"),
        *("client", "reader", "target", "raised_by", "reason", "seat", "do", "zzz"),
    ]
)
VALUE = st.one_of(
    st.sampled_from(["0", "1", "-1", "nan", "inf", "1e308", "TH", "LA", "next", "end", "yes"]),
    st.text(max_size=8),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ROUTES), st.lists(st.tuples(FIELD, VALUE), max_size=6))
def test_any_form_is_answered_without_a_server_error(
    tmp_path: Path, route: str, fields: list[tuple[str, str]]
) -> None:
    _, client, pages = _room(tmp_path)
    who, what = route.split("/")
    answer = _post(client, f"{pages[who]}/{what}", fields)
    assert answer.status_code in (303, 400, 403, 404, 409, 413), answer.status_code
    status, said = _answer(client, answer)
    assert status < 500
    if status != 303:
        assert said  # it says why


def test_a_hand_edited_session_line_is_refused_with_its_field(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    create_session(path, "Tiny border", "abc", 0, ["LA", "TH"])
    with path.open("a") as out:
        out.write(json.dumps({"do": "advance", "at": 0, "to": 60, "speed": 2}) + "\n")
        out.write('{"do": "next", "at": 60, "until": NaN}\n')
    before = path.read_bytes()
    result = CliRunner().invoke(
        main, ["run", str(TINY), "--decisions", str(path), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    for said in (
        f"{path}",
        "line 2: 'speed' is not a field of the command 'advance': leave it out",
        "line 3: 'until' must be a time in minutes from 0 to 2880, not nan",
        "restore it from a copy, or start a new session",
    ):
        assert said in " ".join(result.output.split()), said
    assert path.read_bytes() == before and not (tmp_path / "o").exists()


SORTS = st.sampled_from(["assign", "ask", "arrange", "fly", "show_doctrine", "speed", ""])


@settings(max_examples=200)
@given(
    st.sampled_from([*DOS, "fly"]),
    st.dictionaries(FIELD, VALUE, max_size=6),
    st.dictionaries(st.sampled_from(["action", "name"]), SORTS, max_size=1),
)
def test_every_problem_a_request_can_have_is_translated(
    do: str, fields: dict[str, str], sort: dict[str, str]
) -> None:
    """What the parser finds wrong with a request is said to its reader in their language:
    every message it can say (and each kind a field must be) is in every catalogue."""
    try:
        parse({**fields, **sort, "do": do}, recorded=False, form=True)
    except Malformed as exc:
        told = list(exc.told)
        while told:
            problem = told.pop()
            told += [v for v in problem.values.values() if isinstance(v, Problem)]
            for lang in TRANSLATED:
                assert problem.message in translator(lang).messages, problem.message
        english = exc.said(translator("en"))
        assert english == str(exc) and all(
            exc.said(translator(lang)) != english for lang in TRANSLATED
        )

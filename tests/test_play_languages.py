"""Each reader of a played exercise in a language of their own: the facilitator chooses
each one's, a seat or an observer may change their own, every choice is a command of the
session file, and a translated page keeps no English but names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from support import SCENARIOS, SCRIPT_NAMES, english_left, with_script_names

from sim import load_scenario
from sim.decisions.commands import PROJECTOR
from sim.decisions.exercise import point_key
from sim.decisions.session import SessionError, create_session, read_session
from sim.i18n import TRANSLATED, translator
from sim.play.server import PlayServer, create_app
from sim.scenario.schema import Scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """tiny_border.toml with its places, need, unit type and nations named in each script."""
    path = tmp_path_factory.mktemp("scenario") / "tiny_border.toml"
    path.write_text(with_script_names((SCENARIOS / "tiny_border.toml").read_text()))
    return load_scenario(path)


def _room(tmp_path: Path, scenario: Scenario) -> tuple[PlayServer, TestClient, dict[str, str]]:
    session = create_session(tmp_path / "s.jsonl", "Tiny border", "abc", 0, ["LA", "TH"])
    server = PlayServer(scenario, session)
    tokens = server.tokens
    pages = {
        "facilitator": f"/facilitator/{tokens['facilitator']}",
        "LA": f"/seat/LA/{tokens['LA']}",
        "TH": f"/seat/TH/{tokens['TH']}",
        "observer": f"/observe/LA/{tokens['LA:observer']}",
        "projector": f"/projector/{server.projector_token}",
    }
    client = TestClient(create_app(server), follow_redirects=False)
    while not server.exercise.open_points():  # Laos: ask Thailand for help?
        client.post(f"{pages['facilitator']}/clock", data={"move": "next"})
    return server, client, pages


def _note(client: TestClient, answer: Any) -> str:
    """What the page says after a command (it is sent back to its page)."""
    page = client.get(answer.headers["location"]).text
    return str(page.split('id="message">')[1].split("</p>")[0])


def test_each_reader_reads_in_a_language_of_their_own(tmp_path: Path, scenario: Scenario) -> None:
    server, client, pages = _room(tmp_path, scenario)
    fac, la, th, watch = (pages[k] for k in ("facilitator", "LA", "TH", "observer"))
    assert '<html lang="en">' in client.get(la).text  # English until one is chosen

    # the facilitator puts Laos's seat in Lao and the projector in Khmer; Thailand's seat and
    # Laos's observers choose their own
    chosen = [
        client.post(f"{fac}/language", data={"reader": "LA", "lang": "lo"}),
        client.post(f"{fac}/language", data={"reader": PROJECTOR, "lang": "km"}),
        client.post(f"{th}/language", data={"lang": "th", "reader": "LA"}),  # its own only
        client.post(f"{watch}/language", data={"lang": "km"}),
    ]
    assert [a.status_code for a in chosen] == [303] * 4
    assert all("X-Refused" not in a.headers for a in chosen)
    assert server.language("LA") == "lo" and server.language("TH") == "th"
    langs = {
        name: client.get(page).text.split('<html lang="')[1][:2] for name, page in pages.items()
    }
    assert langs == {
        "facilitator": "en",
        "LA": "lo",
        "TH": "th",
        "observer": "km",
        "projector": "km",
    }

    lao, thai = translator("lo"), translator("th")
    page = client.get(la).text
    assert lao("Decisions waiting for you (%(count)s)", count=1) in page
    assert lao("Ask a neighbour for help") in page and "Ask a neighbour" not in page
    assert f"{SCRIPT_NAMES['ban_hat'][1]} (Ban Hat)" in page  # the name in Lao, romanised beside
    assert '<option value="lo" lang="lo" selected>ລາວ</option>' in page
    assert thai("Incidents you know of") in client.get(th).text
    facilitator = client.get(fac).text
    assert "Ask a neighbour for help: Rescue of stranded people at Ban Hat" in facilitator

    # refusals are said in the reader's language
    (item,) = server.exercise.open_points()
    form = {"point": str(item.number), "key": point_key(item.point), "choice": "KH"}
    refusal = client.post(f"{la}/decide", data=form)
    assert refusal.headers["X-Refused"] == "400"
    assert _note(client, refusal) == lao(
        "%(choice)r is not one of this decision's options", choice="KH"
    ).replace("'", "&#39;")
    bad = client.post(f"{la}/language", data={"lang": "fr"})
    assert _note(client, bad) == lao("choose one of the languages")
    projector = client.post(f"{pages['projector']}/language", data={"lang": "th"})
    assert projector.status_code == 404 and server.language(PROJECTOR) == "km"  # no controls

    # the record is in no reader's language: the decision is written as it would be in English
    client.post(f"{la}/decide", data=form | {"choice": "TH"})
    lines = [json.loads(line) for line in server.session.path.read_text().splitlines()[1:]]
    decision = next(c for c in lines if c["do"] == "decide")
    assert (decision["choice"], decision["kind"]) == ("TH", "ask")
    assert [(c["reader"], c["lang"]) for c in lines if c["do"] == "language"] == [
        ("LA", "lo"),
        (PROJECTOR, "km"),
        ("TH", "th"),
        ("LA:observer", "km"),
    ]
    # a resumed server keeps each reader's language, whatever is rewound
    client.post(f"{fac}/rewind", data={"minutes": "0"})
    resumed = read_session(server.session.path, scenario)
    assert resumed.languages == {"LA": "lo", PROJECTOR: "km", "TH": "th", "LA:observer": "km"}
    assert PlayServer(scenario, resumed).language("LA:observer") == "km"


def test_a_session_of_version_4_is_read_and_a_bad_language_line_refused(
    tmp_path: Path, scenario: Scenario
) -> None:
    server, client, pages = _room(tmp_path, scenario)
    client.post(f"{pages['LA']}/language", data={"lang": "km"})
    lines = server.session.path.read_text().splitlines()
    header = json.loads(lines[0])
    older = tmp_path / "v4.jsonl"
    older.write_text("\n".join([json.dumps(header | {"version": 4}), *lines[1:-1]]) + "\n")
    assert read_session(older, scenario).languages == {}  # every page in English
    for bad, wrong in (
        ({"reader": "KH", "lang": "km"}, "'reader' must be"),
        ({"reader": "LA", "lang": "fr"}, "'lang' must be one of en, th, lo, km"),
    ):
        edited = tmp_path / "edited.jsonl"
        line = json.loads(lines[-1]) | bad
        edited.write_text("\n".join([*lines[:-1], json.dumps(line)]) + "\n")
        with pytest.raises(SessionError, match=wrong):
            read_session(edited, scenario)


ALLOWED = {
    *("Tiny", "border"),  # the scenario's title, as its file writes it
    *("UTC", "MSEL", "DDPM", "NDMC", "EOC", "JCC", "PDF"),
    "English",  # the language menu names each language in its own script
}
"""English a translated page keeps: the scenario's title and acronyms."""


def _english(page: str) -> list[str]:
    """English words left in a page's text, but for links (addresses), the command line
    of the debrief and what the players typed."""
    page = re.sub(r"https?://\S+?(?=[<\s])", " ", page)
    page = re.sub(r"<code[^>]*>.*?</code>", " ", page, flags=re.S)
    return english_left(page, ALLOWED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_translated_page_keeps_no_english_but_names(
    tmp_path: Path, scenario: Scenario, lang: str
) -> None:
    server, client, pages = _room(tmp_path, scenario)
    fac = pages["facilitator"]
    for reader in ("facilitator", "LA", "TH", "LA:observer", PROJECTOR):
        server.set_language(reader, lang)
    (item,) = server.exercise.open_points()
    form = {"point": str(item.number), "key": point_key(item.point), "reason": "ນ້ຳຂຶ້ນໄວ"}
    client.post(f"{pages['LA']}/decide", data=form | {"choice": "TH"})
    client.post(f"{pages['LA']}/message", data={"to": "TH", "text": "ຂໍເຮືອ"})
    for _ in range(3):  # Thailand answers, its boat sets off, reaches the crossing
        client.post(f"{fac}/clock", data={"move": "next"})
        for open_point in server.exercise.open_points():
            key = point_key(open_point.point)
            choice = open_point.point.options[0].choice
            seat = f"/seat/{open_point.seat}/{server.tokens[open_point.seat]}"
            client.post(
                f"{seat}/decide",
                data={"point": str(open_point.number), "key": key, "choice": choice},
            )
    for name, page in pages.items():
        text = client.get(page).text
        assert f'<html lang="{lang}">' in text, name
        assert _english(text) == [], name
    server.set_language("facilitator", "en")
    assert len(_english(client.get(fac).text)) > 150  # the check can fail


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_seats_map_is_drawn_in_its_language(
    tmp_path: Path, scenario: Scenario, lang: str
) -> None:
    import warnings

    from sim.report.maps import run_map

    server = _room(tmp_path, scenario)[0]
    server.set_language("LA", lang)
    script = TRANSLATED.index(lang)
    data = server.seat_map_data("LA", server.language("LA"))
    assert data.lang == lang and data.title.startswith(SCRIPT_NAMES["LA"][script])
    names = {p.name for p in data.places}
    assert f"{SCRIPT_NAMES['pakse'][script]} (Pakse)" in names and "Pakse" not in names
    # an observer reading another language has the seat's map drawn in it
    assert server.map_of("LA:observer") is not server.map_of("LA")
    english = server.map_of("LA:observer")
    server.set_language("LA:observer", lang)
    assert server.map_of("LA:observer") is server.map_of("LA")
    assert english not in server.drawers.values()  # no one reads the seat's map in English now
    with warnings.catch_warnings():  # a glyph missing from every font is a failure
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")
        assert run_map(data).png.startswith(b"\x89PNG")
    server.close()


def _unquoted(page: str) -> str:
    """A refusal page without what it quotes as it was sent (a field's name, a value, in
    quotes) and the values an action's field may take (typed as they are)."""
    from sim.decisions.commands import KINDS

    actions = ", ".join(k.SORT[1] for k in KINDS if k.DO == "act" and k.SORT is not None)
    return re.sub(r"&#39;.*?&#39;", " ", page).replace(actions, " ")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_refusal_page_says_what_happened_in_the_readers_language(
    tmp_path: Path, scenario: Scenario, lang: str
) -> None:
    """A request no page sends, one a reader may not make, a page not found, a wrong link:
    the title says what happened, and the page why, the parser's words too, with only the
    fields and values as they were sent left as they are."""
    from sim.play.server import LINK_NOT_VALID, REFUSAL_TITLES

    server, client, pages = _room(tmp_path, scenario)
    la, fac, watch = pages["LA"], pages["facilitator"], pages["observer"]
    (item,) = server.exercise.open_points()
    form = {"point": str(item.number), "key": point_key(item.point), "choice": "TH"}

    def refusals() -> list[tuple[Any, int, str]]:
        return [  # the answer, its status, what the page quotes as it was sent
            (client.post(f"{la}/decide", data=form | {"point": "1e999"}), 400, "1e999"),
            (client.post(f"{la}/act", data={"action": "ask", "incident": "0"}), 400, "nation"),
            (client.post(f"{la}/act", data={"action": "fly", "incident": "0"}), 400, "fly"),
            (client.post(f"{la}/decide", data=form | {"proposal": "TH"}), 400, "proposal"),
            (client.post(f"{fac}/doctrine", data={"show": "yes", "client": "a b"}), 400, ""),
            (client.post(f"{watch}/decide", data=form), 403, ""),
            (client.get(f"{fac}/handout/XX"), 404, "XX"),
            (client.get("/seat/LA/wrong", headers={"Accept-Language": lang}), 403, ""),
        ]

    t = translator(lang)
    for reader in ("facilitator", "LA", "LA:observer"):
        server.set_language(reader, lang)
    before = server.session.path.read_bytes()
    for answer, status, quoted in refusals():
        page = answer.text
        assert answer.status_code == status and f'<html lang="{lang}">' in page, page
        title = page.split("<title>")[1].split("</title>")[0]
        wanted = LINK_NOT_VALID if "/wrong" in str(answer.url) else REFUSAL_TITLES[status]
        assert title == t(wanted) != wanted and "<h1 " in page, (title, status)
        assert not re.search("[A-Za-z]", title)
        assert f"&#39;{quoted}&#39;" in page or quoted in ("", "XX")
        assert _english(_unquoted(page)) == [], page
    assert server.session.path.read_bytes() == before  # nothing was done
    for reader in ("facilitator", "LA", "LA:observer"):  # the check can fail: in English
        server.set_language(reader, "en")
    english = [answer.text for answer, _, _ in refusals()[:5]]
    assert all(len(_english(_unquoted(page))) > 6 for page in english), english

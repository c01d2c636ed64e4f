"""Discussion and hot wash: injects carry discussion questions for the seats they concern;
a seat gives a reason with a decision; observers note against the capability targets; the
facilitator records the hot wash. All of it is in the session file, survives a restart and
a rewind, and reaches the report and the Word AAR/IP beside the measured ratings."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from support import SCENARIOS

from sim.cli import main
from sim.decisions.exercise import point_key
from sim.decisions.session import create_session, read_session
from sim.play.server import PlayServer, create_app
from sim.scenario import ScenarioError, read_scenario
from sim.scenario.loader import validate_scenario

QUESTIONS = (
    "Who in the provincial office decides to ask Thailand, and how long does that take?",
    "What would make you wait for your own boat instead?",
)


def _discussed(folder: Path) -> Path:
    """tiny_border.toml with discussion questions on its inject."""
    text = (SCENARIOS / "tiny_border.toml").read_text()
    marker = "people = 20\n"
    assert text.count(marker) == 1
    questions = ", ".join(json.dumps(q) for q in QUESTIONS)
    path = folder / "discussed.toml"
    path.write_text(text.replace(marker, f"{marker}discussion = [{questions}]\n"))
    return path


def _data(path: Path) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(path.read_text())


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        (lambda i: i.update(discussion=["x" * 501]), "injects[0].discussion[0]", "500"),
        (lambda i: i.update(discussion=["q"] * 11), "injects[0].discussion", "10"),
        (lambda i: i.update(discussion=["   "]), "injects[0].discussion[0]", "empty"),
        (lambda i: i.update(discussion_for=["KH"], discussion=["q"]), "discussion_for[0]", "seat"),
        (lambda i: i.update(discussion_for=["LA"]), "injects[0].discussion_for", "questions"),
    ],
)
def test_discussion_questions_are_checked(
    tmp_path: Path, change: Any, where: str, says: str
) -> None:
    data = _data(SCENARIOS / "tiny_border.toml")
    change(data["injects"][0])
    with pytest.raises(ScenarioError) as caught:
        validate_scenario(data)
    problems = [(p.path, p.describe()) for p in caught.value.problems]
    assert any(where in path and says in text for path, text in problems), problems


def _server(tmp_path: Path) -> tuple[PlayServer, TestClient, Path]:
    source = read_scenario(_discussed(tmp_path))
    path = tmp_path / "s.jsonl"
    session = create_session(path, "Tiny border", source.sha256, 0, ["LA", "TH"])
    server = PlayServer(source.scenario, session)
    return server, TestClient(create_app(server), follow_redirects=False), path


def _status(answer: Any) -> int:
    return int(answer.headers.get("X-Refused", answer.status_code))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()[1:]]


def test_the_room_discusses_and_it_is_all_in_the_session(tmp_path: Path) -> None:
    server, client, path = _server(tmp_path)
    tokens = server.tokens
    fac, la, th = (
        f"/facilitator/{tokens['facilitator']}",
        f"/seat/LA/{tokens['LA']}",
        f"/seat/TH/{tokens['TH']}",
    )
    watch = f"/observe/LA/{tokens['LA:observer']}"
    assert QUESTIONS[0] not in client.get(la).text  # not delivered yet
    while not server.exercise.open_points():
        assert _status(client.post(f"{fac}/clock", data={"move": "next"})) == 303
    # the inject is about a Lao village: Laos discusses it, Thailand is not asked to
    for page in (client.get(la).text, client.get(watch).text, client.get(fac).text):
        assert "For discussion" in page and QUESTIONS[1].replace("'", "&#39;") in page
    assert QUESTIONS[0] not in client.get(th).text
    projector = client.get(f"/projector/{server.projector_token}").text
    assert QUESTIONS[0] in projector and "For discussion (Laos)" in projector

    (item,) = server.exercise.open_points()
    form = {"point": str(item.number), "key": point_key(item.point), "choice": "TH"}
    reason = "Our boat is in Pakse for repairs; Thailand is an hour away."
    assert _status(client.post(f"{la}/decide", data=form | {"reason": reason})) == 303

    before = path.read_bytes()
    refused = [
        client.post(f"{watch}/note", data={"target": "rescue", "text": "  "}),
        client.post(f"{watch}/note", data={"target": "nothing", "text": "A note"}),
        client.post(f"{watch}/note", data={"target": "rescue", "text": "x" * 1001}),
        client.post(f"/observe/TH/{tokens['LA:observer']}/note", data={"text": "A note"}),
        client.post(f"{la}/note", data={"target": "rescue", "text": "A note"}),
        client.post(f"{fac}/hotwash", data={"kind": "praise", "target": "rescue", "text": "x"}),
        client.post(f"{watch}/hotwash", data={"kind": "strength", "text": "x"}),
    ]
    assert [_status(r) for r in refused] == [400, 400, 400, 403, 404, 400, 403]
    assert path.read_bytes() == before
    observed = "Decided in 4 minutes, but never checked that the crossing was open."
    note = {"target": "rescue", "text": observed, "client": "n1"}
    assert _status(client.post(f"{watch}/note", data=note)) == 303
    assert _status(client.post(f"{watch}/note", data=note)) == 303  # sent twice: once
    points = [
        ("strength", "LA", "Asked Thailand at once: the request was clear."),
        ("improvement", "room", "Nobody knew the hours of Chong Mek."),
    ]
    for kind, by, text in points:
        form = {"kind": kind, "target": "rescue", "raised_by": by, "text": text}
        assert _status(client.post(f"{fac}/hotwash", data=form)) == 303
    page = client.get(fac).text
    assert "Asked Thailand at once" in page and "(Laos)" in page and "(the room)" in page
    assert observed in page and observed in client.get(watch).text

    lines = _lines(path)
    assert [line["do"] for line in lines if line["do"] in ("note", "hotwash")] == [
        "note",
        "hotwash",
        "hotwash",
    ]
    (decided,) = [line for line in lines if line["do"] == "decide"]
    assert decided["reason"] == reason
    # a rewind to before everything keeps what was said (it was said), not the decision
    assert _status(client.post(f"{fac}/rewind", data={"minutes": "30"})) == 303
    resumed = read_session(path)
    assert [s.text for s in resumed.said] == [observed, *(t for _, _, t in points)]
    assert not [c for c in resumed.commands if c.do == "decide"]


def _played(tmp_path: Path) -> tuple[Path, Path]:
    """A session on the discussed scenario: Laos waits (with a reason), a note, a hot wash."""
    server, client, path = _server(tmp_path)
    tokens = server.tokens
    fac, la = f"/facilitator/{tokens['facilitator']}", f"/seat/LA/{tokens['LA']}"
    while not server.exercise.open_points():
        client.post(f"{fac}/clock", data={"move": "next"})
    (item,) = server.exercise.open_points()
    form = {"point": str(item.number), "key": point_key(item.point), "choice": "wait"}
    client.post(f"{la}/decide", data=form | {"reason": "We expect the water to drop by noon."})
    client.post(
        f"/observe/LA/{tokens['LA:observer']}/note",
        data={"target": "rescue", "text": "Waited on a forecast nobody had read."},
    )
    client.post(
        f"{fac}/hotwash",
        data={
            "kind": "improvement",
            "target": "rescue",
            "raised_by": "TH",
            "text": "Thailand heard nothing until the next morning.",
        },
    )
    client.post(f"{fac}/clock", data={"move": "end", "confirm": "yes"})
    return _discussed(tmp_path), path


def test_the_aar_carries_what_the_room_said(tmp_path: Path) -> None:
    scenario, session = _played(tmp_path)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        ["run", str(scenario), "--decisions", str(session), "-n", "2", "-o", str(out), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    discussion = json.loads((out / "summary.json").read_text())["players"]["discussion"]
    assert [q["questions"] for q in discussion["questions"]] == [list(QUESTIONS)]
    page = " ".join((out / "report.html").read_text().split())
    assert "What the players raised in the hot wash" in page
    assert "Thailand heard nothing until the next morning. (raised by Thailand)" in page
    assert "<b>U (unable to be performed)</b>" in page
    assert "Waited on a forecast nobody had read. (Laos&#39;s seat," in page
    reason = "“We expect the water to drop by noon.”"
    assert f"Laos does not ask for help yet (Ban Hat): {reason}" in page
    assert "Inject 1, Mon 23 Jul 09:00, for Laos: " + QUESTIONS[0].replace("'", "&#39;") in page

    from docx import Document

    document = Document(io.BytesIO((out / "aar.docx").read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Hot wash and observations" in headings
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("Thailand heard nothing" in c for c in cells)
    assert "Rescue of stranded people" in cells  # the target named, not its id
    text = "\n".join(p.text for p in document.paragraphs)
    assert "We expect the water to drop by noon." in text

    from openpyxl import load_workbook

    sheet = load_workbook(out / "msel.xlsx").active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Discussion questions") + 1).value == "\n".join(QUESTIONS)

"""Authored text in the readers' languages: a scenario's title and description, an inject's
synopsis, expected action and discussion questions are a string (English) or a table of
languages; every face shows the reader's language, and English where a translation is
missing."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from support import SCENARIOS

from sim.cli import main
from sim.decisions.session import create_session
from sim.play.server import PlayServer, create_app
from sim.scenario import read_scenario
from sim.scenario.schema import json_schema
from sim.scenario.text import Text

SYNOPSIS_TH = "ชาวบ้านยี่สิบคนติดอยู่บนหลังคาที่บ้านหาด"
SYNOPSIS_KM = "អ្នកភូមិម្ភៃនាក់ជាប់នៅលើដំបូលផ្ទះនៅបានហាត"
EXPECTED = "The Lao EOC sends its boat team at once."
QUESTION_TH = "ใครในสำนักงานแขวงตัดสินใจขอความช่วยเหลือจากไทย"
QUESTION_EN = "Who in the provincial office decides to ask Thailand?"
SECOND_QUESTION = "What would make you wait for your own boat instead?"
TITLE_TH = "ฝึกซ้อมชายแดนขนาดเล็ก"
DESCRIPTION_TH = "น้ำท่วมหมู่บ้านหนึ่งในลาว และทีมเรือของไทยอยู่อีกฝั่งของชายแดน"

TRANSLATED = f'''
synopsis.en = "Twenty villagers are stranded on roofs at Ban Hat."
synopsis.th = "{SYNOPSIS_TH}"
synopsis.km = "{SYNOPSIS_KM}"
expected_action = "{EXPECTED}"
discussion = [{{ en = "{QUESTION_EN}", th = "{QUESTION_TH}" }}, "{SECOND_QUESTION}"]
'''
"""An inject's texts: the synopsis in Thai and Khmer (not Lao), the expected action and the
second question in English only."""


def _translated(folder: Path) -> Path:
    """tiny_border.toml with its title and its inject's texts partly translated."""
    text = (SCENARIOS / "tiny_border.toml").read_text()
    for marker in ("people = 20\n", 'name = "Tiny border"\n'):
        assert text.count(marker) == 1
    text = text.replace("people = 20\n", "people = 20" + TRANSLATED)
    text = text.replace(
        'name = "Tiny border"\n',
        f'name = {{ en = "Tiny border", th = "{TITLE_TH}" }}\n'
        'description.en = "A Lao village floods; a Thai boat team waits across the border."\n'
        f'description.th = "{DESCRIPTION_TH}"\n',
    )
    path = folder / "translated.toml"
    path.write_text(text)
    return path


def test_a_text_is_a_string_or_a_table_of_languages(tmp_path: Path) -> None:
    source = read_scenario(_translated(tmp_path))
    assert source.warnings == []
    inject = source.scenario.injects[0]
    assert inject.synopsis is not None and inject.expected_action is not None
    assert inject.synopsis.in_language("th") == SYNOPSIS_TH
    assert inject.synopsis.in_language("km") == SYNOPSIS_KM
    assert inject.synopsis.in_language("lo") == inject.synopsis.en  # no Lao: English
    assert inject.expected_action == Text(en=EXPECTED)
    assert [q.in_language("th") for q in inject.discussion] == [QUESTION_TH, SECOND_QUESTION]
    # written back as it was given: a string when only English, else the table
    data = source.scenario.model_dump(mode="json", by_alias=True)
    assert data["injects"][0]["expected_action"] == EXPECTED
    assert data["injects"][0]["discussion"][1] == SECOND_QUESTION
    assert data["scenario"]["name"] == {"en": "Tiny border", "th": TITLE_TH}
    written = (data["scenario"]["name"], data["injects"][0]["synopsis"])
    assert tuple(Text.model_validate(w) for w in written) == (
        source.scenario.scenario.name,
        inject.synopsis,
    )


def test_questions_may_be_given_one_list_a_language(tmp_path: Path) -> None:
    lines = (
        f'discussion.en = ["{QUESTION_EN}", "{SECOND_QUESTION}"]\n'
        f'discussion.th = ["{QUESTION_TH}", "{SYNOPSIS_TH}"]'
    )
    text = (
        (SCENARIOS / "tiny_border.toml")
        .read_text()
        .replace("people = 20\n", f"people = 20\n{lines}\n")
    )
    (tmp_path / "lists.toml").write_text(text)
    (first, second) = read_scenario(tmp_path / "lists.toml").scenario.injects[0].discussion
    assert (first.en, first.th, second.en, second.th) == (
        QUESTION_EN,
        QUESTION_TH,
        SECOND_QUESTION,
        SYNOPSIS_TH,
    )


def test_the_schema_tells_editors_a_text_may_be_either() -> None:
    schema = json_schema()
    text = schema["$defs"]["Text"]
    assert {"type": "string", "minLength": 1} in text["anyOf"]
    table = next(t for t in text["anyOf"] if t.get("type") == "object")
    assert set(table["properties"]) == {"en", "th", "lo", "km"}


@pytest.mark.parametrize(
    ("lines", "where", "says"),
    [
        ('synopsis.en = "x"\nsynopsis.fr = "y"', "injects[0].synopsis.fr", "unknown language 'fr'"),
        ('synopsis.en = "x"\nsynopsis.lo = ""', "injects[0].synopsis.lo", "empty"),
        ('synopsis.th = "ชาวบ้าน"', "injects[0].synopsis.en", "missing required key 'en'"),
        ('synopsis = { en = "x", th = "Twenty" }', "injects[0].synopsis.th", "Thai script"),
        ("synopsis = 20", "injects[0].synopsis", "double quotes"),
        (
            'discussion.en = ["a", "b"]\ndiscussion.th = ["ก"]',
            "injects[0].discussion",
            "th gives 1",
        ),
        ('discussion.en = ["a"]\ndiscussion.km = ["a"]', "injects[0].discussion.km", "Khmer"),
        (f'discussion = [{{ en = "q", km = "{"ក" * 501}" }}]', "discussion[0].km", "500"),
    ],
)
def test_a_text_in_languages_is_refused_with_where_and_how(
    tmp_path: Path, lines: str, where: str, says: str
) -> None:
    text = (
        (SCENARIOS / "tiny_border.toml")
        .read_text()
        .replace("people = 20\n", f"people = 20\n{lines}\n")
    )
    path = tmp_path / "bad.toml"
    path.write_text(text)
    before = sorted(tmp_path.iterdir())
    result = CliRunner().invoke(main, ["run", str(path), "-n", "1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and f"{where}:" in result.output and says in result.output
    assert "Traceback" not in result.output and sorted(tmp_path.iterdir()) == before
    line = next(
        i
        for i, row in enumerate(text.splitlines(), 1)
        if row.startswith("synopsis") or row.startswith("discussion")
    )
    shift = "\n" in lines and where.endswith((".lo", ".km", ".fr"))  # the translation's line
    assert f"line {line + shift}," in result.output


def _room(tmp_path: Path) -> tuple[TestClient, dict[str, str]]:
    source = read_scenario(_translated(tmp_path))
    session = create_session(tmp_path / "s.jsonl", "Tiny border", source.sha256, 0, ["LA", "TH"])
    server = PlayServer(source.scenario, session)
    tokens = server.tokens
    pages = {
        "facilitator": f"/facilitator/{tokens['facilitator']}",
        "LA": f"/seat/LA/{tokens['LA']}",
        "projector": f"/projector/{server.projector_token}",
    }
    client = TestClient(create_app(server), follow_redirects=False)
    while not server.exercise.open_points():  # the inject is delivered
        client.post(f"{pages['facilitator']}/clock", data={"move": "next"})
    return client, pages


def test_each_page_shows_the_authored_text_in_its_readers_language(tmp_path: Path) -> None:
    client, pages = _room(tmp_path)
    english = {name: client.get(page).text for name, page in pages.items()}
    assert QUESTION_EN in english["LA"] and QUESTION_TH not in english["LA"]
    assert "Twenty villagers" in english["projector"] and EXPECTED in english["facilitator"]
    fac = pages["facilitator"]
    for reader in ("LA", "projector", "facilitator"):
        client.post(f"{fac}/language", data={"reader": reader, "lang": "th"})
    seat, projector, facilitator = (
        client.get(pages[r]).text for r in ("LA", "projector", "facilitator")
    )
    assert QUESTION_TH in seat and QUESTION_EN not in seat and SYNOPSIS_TH in seat
    assert SECOND_QUESTION in seat  # not translated: shown in English, marked so
    assert f'<span lang="en">{SECOND_QUESTION}</span>' in seat
    assert QUESTION_TH in seat and f'<span lang="en">{QUESTION_TH}' not in seat
    assert SYNOPSIS_TH in projector and TITLE_TH in projector and QUESTION_TH in projector
    assert SYNOPSIS_TH in facilitator and EXPECTED in facilitator  # English where no Thai
    assert f'<span lang="en">{EXPECTED}</span>' in facilitator
    client.post(f"{fac}/language", data={"reader": "projector", "lang": "km"})
    assert SYNOPSIS_KM in client.get(pages["projector"]).text
    client.post(f"{fac}/language", data={"reader": "projector", "lang": "lo"})
    lao = client.get(pages["projector"]).text
    assert "Twenty villagers" in lao and SYNOPSIS_TH not in lao  # no Lao: English
    assert '<span lang="en">Twenty villagers are stranded on roofs at Ban Hat.</span>' in lao
    assert '<span lang="en">Tiny border</span>' in lao  # the title: no Lao either
    handout = client.get(f"{fac}/handout").text  # the MSEL, in the facilitator's Thai
    assert SYNOPSIS_TH in handout and QUESTION_TH in handout and TITLE_TH in handout
    assert f'<span lang="en">{EXPECTED}</span>' in handout
    # the record stays in English: the session file holds no reader's language
    assert SYNOPSIS_TH not in (tmp_path / "s.jsonl").read_text()
    # the AAR of the played session puts the questions to the seats in the reader's language
    client.post(f"{fac}/clock", data={"move": "end", "confirm": "yes"})
    out = tmp_path / "played"
    args = ["run", str(tmp_path / "translated.toml"), "--decisions", str(tmp_path / "s.jsonl")]
    result = CliRunner().invoke(main, [*args, "-n", "2", "--lang", "th", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    words = _docx_text(out / "aar.docx")
    assert QUESTION_TH in words and SECOND_QUESTION in words and QUESTION_EN not in words
    summary = json.loads((out / "summary.json").read_text())
    (asked,) = summary["players"]["discussion"]["questions"]
    assert asked["questions"] == [QUESTION_EN, SECOND_QUESTION]  # the record: English


def _docx_text(path: Path) -> str:
    """The paragraphs and table cells of a Word file, as printed (without the invisible
    joiners and spaces that keep its names whole)."""
    import docx

    document = docx.Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    return re.sub("[\u200b\u2060]", "", text)


def test_the_report_aar_and_msel_show_the_readers_language(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "th"
    path = _translated(tmp_path)
    result = CliRunner().invoke(
        main, ["run", str(path), "-n", "1", "--lang", "th", "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text()
    assert SYNOPSIS_TH in page and TITLE_TH in page and EXPECTED in page  # English: no Thai
    assert f'<span lang="en">{EXPECTED}</span>' in page
    assert f'<span lang="en">{TITLE_TH}' not in page and '<span lang="en">Tiny' not in page
    # the places the tiny scenario names in no script: English, marked so
    assert '<span lang="en">Ban Hat</span>' in page
    assert "Twenty villagers" not in page
    sheet = openpyxl.load_workbook(out / "msel.xlsx").active
    cells = [  # as read: names are kept whole by invisible joiners
        str(c.value).replace("\u2060", "").replace("\u200b", "")
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert SYNOPSIS_TH in cells and EXPECTED in cells
    assert any(QUESTION_TH in c and SECOND_QUESTION in c for c in cells)
    words = _docx_text(out / "aar.docx")
    assert TITLE_TH in words and DESCRIPTION_TH in words and "Tiny border" not in words
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "Tiny border"  # the record's name: English

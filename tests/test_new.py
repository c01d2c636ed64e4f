"""`borderdrill new`: drafts for several nation pairs and both hazards validate without
warnings and run."""

from __future__ import annotations

import io
import re
from html import escape as html_escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sim import simulate, summarise
from sim.cli import main
from sim.scenario import Scenario, read_scenario
from sim.scenario.text import SCRIPTS, Text
from sim.world.reach import route_warnings

CASES = [
    ("TH,LA", "flood", "nakhon_phanom_thakhek"),
    ("LA,TH", "flood", "chong_mek"),
    ("LA,KH", "flood", "nong_nok_khiene"),
    ("TH,KH", "flood", "poipet"),
    ("TH,LA", "wildfire", "chiang_khong_houayxay"),
    ("TH,KH", "wildfire", "chong_sa_ngam_choam"),
    ("KH,LA", "wildfire", "stung_treng"),
]


@pytest.mark.parametrize(("nations", "hazard", "near"), CASES)
def test_a_draft_validates_without_warnings_and_runs(
    nations: str, hazard: str, near: str, tmp_path: Path
) -> None:
    path = tmp_path / "draft.toml"
    result = CliRunner().invoke(
        main, ["new", str(path), "--nations", nations, "--hazard", hazard, "--near", near]
    )
    assert result.exit_code == 0, result.output
    source = read_scenario(path)
    assert [w.describe() for w in [*source.warnings, *route_warnings(source.scenario)]] == []
    scenario = source.scenario
    assert {u.nation for u in scenario.units} == set(nations.split(","))
    assert scenario.include[0].startswith("library:region/")
    summary = summarise(simulate(scenario, seed=1))
    assert summary["overall"]["incidents"] >= 1
    text = path.read_text()
    assert text.startswith("# A ") and "ready to edit" in text  # commented for its reader


def test_a_flood_draft_runs_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    runner = CliRunner()
    runner.invoke(main, ["new", str(path), "--nations", "TH,LA", "--near", "mukdahan"])
    result = runner.invoke(main, ["run", str(path), "-n", "1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert (tmp_path / "out" / "report.html").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--nations", "TH,TH", "--near", "chong_mek"], "two different nations"),
        (["--nations", "TH,LA", "--near", "atlantis"], "no crossing or place"),
        (["--nations", "TH,LA", "--near", "chong"], "several match"),
        (
            ["--nations", "TH,LA", "--near", "poipet"],
            "the nearest TH-LA crossing, Chong Mek",
        ),
        (
            ["--nations", "TH,LA", "--near", "poipet", "--within", "300"],
            "km from Poipet border post (poipet), more than 300 km; give --within",
        ),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    args: list[str], expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "x.toml"
    result = CliRunner().invoke(main, ["new", str(path), *args])
    assert result.exit_code == 2 and expected in result.output
    assert not path.exists()


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("mine")
    result = CliRunner().invoke(
        main, ["new", str(path), "--nations", "TH,LA", "--near", "vientiane"]
    )
    assert result.exit_code == 2 and path.read_text() == "mine"


def test_the_crossing_chosen_and_its_distance_are_said(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    far = ["new", str(path), "--nations", "TH,LA", "--near", "poipet", "--within", "400"]
    result = CliRunner().invoke(main, far)
    assert result.exit_code == 0, result.output
    line = result.output.splitlines()[0]
    assert line.startswith("drafted for the crossing Chong Mek - Vang Tao")
    km = float(line.split(", ")[-1].split(" km from")[0])
    assert 300 < km < 400 and line.endswith("km from Poipet border post (poipet)")
    near = ["new", str(path), "--nations", "TH,KH", "--near", "poipet", "--force"]
    result = CliRunner().invoke(main, near)
    assert result.exit_code == 0
    assert "crossing Khlong Luek (Aranyaprathet) - Poipet" in result.output
    assert re.search(r", [0-5] km from Poipet border post", result.output)


def test_a_draft_names_the_nations_as_a_reader_says_them(tmp_path: Path) -> None:
    from sim.library.draft import draft_scenario

    path = tmp_path / "draft.toml"
    path.write_text(draft_scenario("LA,KH", "flood", "nong_nok_khiene"), encoding="utf-8")
    scenario = read_scenario(path).scenario
    assert "border between Laos and Cambodia" in scenario.scenario.description.en
    assert "LA-KH" not in scenario.scenario.description.en
    # the report adds the nation to an agency (Army (KH)): the agency does not repeat it
    assert not [g.agency for g in scenario.units if g.agency.startswith(("Laos", "Cambodia"))]
    # an EOC that is an office of the library is named in the scripts as the office is
    offices = [e for n in scenario.nations for e in n.eocs if not e.name.startswith("Disaster")]
    assert offices and all(e.names is not None and e.names.th for e in offices)


def test_a_drafts_msel_names_the_nations(tmp_path: Path) -> None:
    from sim import incident_rows
    from sim.library.draft import draft_scenario
    from sim.report.msel import msel_rows

    path = tmp_path / "draft.toml"
    path.write_text(draft_scenario("TH,KH", "flood", "khlong_luek_poipet"), encoding="utf-8")
    scenario = read_scenario(path).scenario
    run = simulate(scenario, seed=1)
    rows = msel_rows(scenario, run, incident_rows(run))
    said = " ".join(f"{r.expected_action} {r.outcome}" for r in rows)
    assert "Thailand's EOC sends" in said and "Cambodia's EOC sends" in said
    assert not re.search(r"\b(TH|KH)\b", said), said
    assert "with help from Thailand" in said  # Thai help to Poipet, named


PAIRS = [
    ("TH,LA", "flood", "nakhon_phanom_thakhek"),
    ("TH,KH", "flood", "khlong_luek"),
    ("LA,KH", "flood", "nong_nok_khiene"),
    ("TH,KH", "wildfire", "chong_sa_ngam_choam"),
]


def _authored(scenario: Scenario) -> list[Text]:
    """Every text a draft writes for its readers."""
    texts: list[Text | None] = [scenario.scenario.name, scenario.scenario.description]
    for inject in scenario.injects:
        texts += [inject.synopsis, inject.expected_action, *inject.discussion]
    return [t for t in texts if t is not None]


@pytest.mark.parametrize(("nations", "hazard", "near"), PAIRS)
def test_a_drafts_texts_are_in_thai_lao_and_khmer(
    nations: str, hazard: str, near: str, tmp_path: Path
) -> None:
    from sim.library.draft import draft_scenario

    path = tmp_path / "draft.toml"
    path.write_text(draft_scenario(nations, hazard, near), encoding="utf-8")
    scenario = read_scenario(path).scenario  # the loader checks each text's script
    texts = _authored(scenario)
    assert len(scenario.injects) >= (3 if hazard == "flood" else 4)
    assert len(texts) == 2 + 3 * len(scenario.injects)  # name, description, injects' three
    for text in texts:
        for lang in SCRIPTS:
            written = getattr(text, lang)
            assert written, (lang, text.en)
            # no English but the romanised names in brackets beside the script's
            assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\([^)]*\)", "", written)), written
    assert "MACHINE-DRAFTED" in path.read_text()  # the header says the translations are


def test_a_khmer_report_of_a_draft_shows_no_english_authored_text(tmp_path: Path) -> None:
    from support import unmarked

    from sim.library.draft import draft_scenario
    from sim.report.run_folder import run_files

    path = tmp_path / "draft.toml"
    path.write_text(draft_scenario("TH,KH", "flood", "khlong_luek"), encoding="utf-8")
    scenario = read_scenario(path).scenario
    files = run_files(scenario, simulate(scenario, seed=1), {"borderdrill": "test"}, lang="km")
    html = unmarked(files["report.html"].decode())
    questions = [q for inject in scenario.injects for q in inject.discussion]
    texts = [t for t in _authored(scenario) if t not in questions]
    assert [t.en for t in texts if not (t.km and html_escape(t.km) in html)] == []  # in Khmer
    assert [t.en for t in texts if html_escape(t.en) in html] == []
    # the discussion questions are the MSEL's, in Khmer (the report shows a played
    # exercise's questions only)
    sheet = load_workbook(io.BytesIO(files["msel.xlsx"])).active
    cells = " ".join(str(c.value or "") for row in sheet.iter_rows() for c in row)
    cells = cells.replace("\u200b", "").replace("\u2060", "")  # invisible: breaks, joiners
    assert questions and all(q.km in cells and q.en not in cells for q in questions)


def _draft(nations: str, hazard: str, near: str, tmp_path: Path) -> Scenario:
    from sim.library.draft import draft_scenario

    path = tmp_path / f"{hazard}.toml"
    path.write_text(draft_scenario(nations, hazard, near), encoding="utf-8")
    return read_scenario(path).scenario


@pytest.mark.parametrize(
    ("nations", "near", "aircraft"),
    [("TH,KH", "khlong_luek", False), ("TH,LA", "chong_mek", True), ("LA,KH", "stung_treng", True)],
)
def test_a_wildfire_draft_has_the_fires_msel_and_it_runs(
    nations: str, near: str, aircraft: bool, tmp_path: Path
) -> None:
    from sim.log import GROUNDED, ROAD_CLOSED

    scenario = _draft(nations, "wildfire", near, tmp_path)
    first, second = nations.split(",")
    towns = {u.nation: u.base for u in scenario.units if u.type == "fire_crew"}
    places = {p.id: p for p in scenario.places}
    kinds = [i.type for i in scenario.injects]
    expected = ["incident", "wind_shift", "road_closed", "wind_shift"]
    assert kinds == expected + (["grounding"] if aircraft else [])
    assert any(u.type == "bucket_helicopter" for u in scenario.units) == aircraft
    burned, wind, road, night, *_ = scenario.injects
    assert (burned.place, burned.need) == (towns[first], "medical")  # type: ignore[union-attr]
    assert places[towns[second]].name in wind.synopsis.en  # type: ignore[union-attr]
    # the wind blows towards the second nation's town, from the fire's start
    (start,) = scenario.wildfire.ignitions  # type: ignore[union-attr]
    town = places[towns[second]]
    east, north = town.lon - start.lon, town.lat - start.lat
    toward = wind.toward_deg  # type: ignore[union-attr]
    assert (east > 0) == (0 < toward < 180) and (north > 0) == (toward < 90 or toward > 270)
    assert night.speed_kmh < wind.speed_kmh  # type: ignore[union-attr]
    (closed,) = [r for r in scenario.roads if r.key == road.road]  # type: ignore[union-attr]
    assert places[closed.from_].nation == places[closed.to].nation  # within one nation
    run = simulate(scenario, seed=1)
    happened = {e.event for e in run.events}
    assert ROAD_CLOSED in happened and (GROUNDED in happened) == aircraft
    assert summarise(run)["overall"]["incidents"] > 1  # the burned villagers and the fire's


@pytest.mark.parametrize(("nations", "hazard", "near"), PAIRS)
def test_each_inject_of_a_draft_puts_a_question_to_the_seats(
    nations: str, hazard: str, near: str, tmp_path: Path
) -> None:
    scenario = _draft(nations, hazard, near, tmp_path)
    assert scenario.injects
    for inject in scenario.injects:
        (question,) = inject.discussion
        assert question.en.endswith("?") and all(getattr(question, lang) for lang in SCRIPTS)
    towns = {p.id: p for p in scenario.places}
    for inject in scenario.injects:  # a flood's question names the town in each script
        if inject.type == "incident":
            town = towns[inject.place]  # type: ignore[union-attr]
            assert town.name in inject.discussion[0].en
            assert town.names is not None
            for lang in SCRIPTS:
                script = getattr(town.names, lang).split(" (")[0]
                assert script in getattr(inject.discussion[0], lang)


@pytest.mark.parametrize(("nations", "hazard", "near"), PAIRS)
def test_no_space_comes_before_a_name_inside_thai_lao_or_khmer_text(
    nations: str, hazard: str, near: str, tmp_path: Path
) -> None:
    scenario = _draft(nations, hazard, near, tmp_path)
    names = [p.names for p in scenario.places if p.names] + [
        c.names for c in scenario.crossings if c.names
    ]
    found = 0
    for text in _authored(scenario):
        for lang, (low, high, _) in SCRIPTS.items():
            written = getattr(text, lang)
            letter = f"[{chr(low)}-{chr(high)}]"
            for name in {getattr(n, lang).split(" (")[0] for n in names}:
                found += name in written
                assert not re.search(f"{letter} {re.escape(name)}", written), (name, written)
    assert found >= 3 * len(scenario.injects)


def test_an_office_a_draft_assumes_is_named_from_its_towns_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.library import draft

    library = draft._part_places
    monkeypatch.setattr(  # a region part with no disaster office of Cambodia
        draft,
        "_part_places",
        lambda part: {
            key: place
            for key, place in library(part).items()
            if (place.kind, place.nation) != ("eoc", "KH")
        },
    )
    scenario = _draft("TH,KH", "flood", "khlong_luek", tmp_path)
    (assumed,) = [e for n in scenario.nations if n.code == "KH" for e in n.eocs]
    town = next(p for p in scenario.places if p.id == assumed.place)
    assert assumed.name == f"Disaster office at {town.name} (assumed: the library has none here)"
    assert assumed.names is not None and town.names is not None
    assert assumed.names.th == f"สำนักงานจัดการภัยพิบัติ{town.names.th.split(' (')[0]}"
    assert assumed.names.lo == f"ຫ້ອງການຄຸ້ມຄອງໄພພິບັດ{town.names.lo.split(' (')[0]}"
    assert assumed.names.km == f"ការិយាល័យគ្រប់គ្រងគ្រោះមហន្តរាយ{town.names.km.split(' (')[0]}"
    assert assumed.names.source is not None
    assert assumed.names.source.status == "recalled, unverified"
    assert "machine-drafted" in assumed.names.source.ref

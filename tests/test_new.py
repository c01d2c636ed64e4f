"""`borderdrill new`: drafts for several nation pairs and both hazards validate without
warnings and run."""

from __future__ import annotations

import re
from html import escape as html_escape
from pathlib import Path

import pytest
from click.testing import CliRunner

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
    texts = _authored(read_scenario(path).scenario)  # the loader checks each text's script
    assert len(texts) == (8 if hazard == "flood" else 2)  # name, description, 3 injects' two
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
    texts = _authored(scenario)
    assert [t.en for t in texts if not (t.km and html_escape(t.km) in html)] == []  # in Khmer
    assert [t.en for t in texts if html_escape(t.en) in html] == []

"""The AAR/IP and the planners' formats: DOCX and XLSX read back, the plan, --assess."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import load_with

from sim.analysis import incident_rows, summarise
from sim.cli import main
from sim.model import simulate
from sim.report import run_files
from sim.report.aar import after_action, improvement_plan
from sim.report.planners import AAR_SECTIONS, MSEL_COLUMNS, PLAN_COLUMNS
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.fixture(params=[p.stem for p in SHIPPED])
def folder(
    request: pytest.FixtureRequest, shipped_runs: dict[str, Any]
) -> tuple[Any, Any, dict[str, bytes]]:
    return shipped_runs[request.param]


def test_aar_docx_reads_back_in_the_hseep_layout(folder: tuple[Any, Any, Any]) -> None:
    import docx

    scenario, run, files = folder
    document = docx.Document(io.BytesIO(files["aar.docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == list(AAR_SECTIONS)
    text = "\n".join(p.text for p in document.paragraphs)
    assert scenario.scenario.name.en in text
    aar = after_action(scenario, run, incident_rows(run), summarise(run))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == len(aar.findings) and aar.findings
    assert numbered[0].text.startswith(aar.findings[0].title)
    capability = document.tables[1]
    assert [c.text for c in capability.rows[0].cells][-1] == "Rating"
    assert len(capability.rows) == 1 + len(scenario.needs)
    assert {row.cells[-1].text for row in capability.rows[1:]} <= {"P", "S", "M", "U", "—"}
    assert document.inline_shapes, "findings carry the figures that back them"


def test_msel_xlsx_has_the_hseep_columns_and_every_inject(folder: tuple[Any, Any, Any]) -> None:
    import openpyxl

    scenario, _, files = folder
    sheet = openpyxl.load_workbook(io.BytesIO(files["msel.xlsx"]))["MSEL"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == MSEL_COLUMNS
    assert len(rows) - 1 == len(scenario.injects)
    assert [r[0] for r in rows[1:]] == list(range(1, len(rows)))
    for row in rows[1:]:
        assert all(row[i] for i in (1, 2, 3, 4, 5, 6, 8)), row  # no empty HSEEP cell
        assert "_" not in str(row[4]).split(":", 1)[1]  # names, not ids
    assert sheet.freeze_panes == "A2"


def test_office_files_are_reproducible() -> None:
    scenario = load_with("tiny_border.toml")
    run = simulate(scenario)
    first = run_files(scenario, run, {"borderdrill": "test"})
    again = run_files(scenario, run, {"borderdrill": "test"})
    assert again["aar.docx"] == first["aar.docx"] and again["msel.xlsx"] == first["msel.xlsx"]


def test_findings_are_ranked_by_cost(folder: tuple[Any, Any, Any]) -> None:
    scenario, run, _ = folder
    aar = after_action(scenario, run, incident_rows(run), summarise(run))
    costs = [f.cost_person_hours for f in aar.findings]
    measured = [c for c in costs if c is not None]
    assert measured == sorted(measured, reverse=True)
    assert costs[: len(measured)] == measured  # unmeasured findings come last
    assert "--assess" in aar.plan_note and not aar.plan


def test_a_formula_in_a_synopsis_is_text_in_the_spreadsheet() -> None:
    import openpyxl

    def formula(data: dict[str, Any]) -> None:
        data["injects"][0]["synopsis"] = '=HYPERLINK("http://example.invalid","x")'

    scenario = load_with("tiny.toml", formula)
    run = simulate(scenario)
    files = run_files(scenario, run, {"borderdrill": "test"})
    sheet = openpyxl.load_workbook(io.BytesIO(files["msel.xlsx"]))["MSEL"]
    cell = sheet.cell(row=2, column=4)
    assert cell.data_type == "s" and str(cell.value).startswith("'=")


def _difference(mean: float, low: float, high: float) -> dict[str, Any]:
    return {"mean": mean, "ci_low": low, "ci_high": high, "n": 40}


def test_improvement_plan_lists_clear_effects_with_owners() -> None:
    scenario = load_scenario(SHIPPED[0])
    zero = _difference(0.0, 0.0, 0.0)
    assessment = {
        "replications": 40,
        "differences": {
            "mutual_assistance on": {
                "response_median_min": _difference(-45.0, -60.0, -30.0),
                "people_waiting_at_end": zero,
            },
            "channels on": {
                "response_median_min": _difference(-5.0, -12.0, 2.0),
                "people_waiting_at_end": _difference(-3.0, -5.0, 1.0),
            },
            "border_operations on": {
                "response_median_min": _difference(-10.0, -20.0, 4.0),
                "people_waiting_at_end": _difference(-8.0, -12.0, -4.0),
            },
        },
    }
    plan, note = improvement_plan(scenario, assessment)
    assert [p.action for p in plan] == [
        "Put in place: mutual assistance: deployments pre-authorised",
        "Put in place: coordinated border operations",
    ]
    assert all(n.agency in plan[0].owners for n in scenario.nations)
    assert "customs" in plan[1].owners
    assert plan[0].effect.startswith("−45min (95 % CI −1h 00min to −30min")
    assert "40 replications" in note
    assert len(PLAN_COLUMNS) == 8


def test_run_takes_the_plan_from_an_assess_folder(tmp_path: Path) -> None:
    scenario = str(ROOT / "tests" / "scenarios" / "tiny_border.toml")
    runner = CliRunner()
    assessed = runner.invoke(
        main, ["assess", scenario, "-n", "3", "-o", str(tmp_path / "a"), "--quiet"]
    )
    assert assessed.exit_code == 0, assessed.output
    ran = runner.invoke(
        main,
        [
            "run",
            scenario,
            "-n",
            "1",
            "-o",
            str(tmp_path / "r"),
            "--assess-from",
            str(tmp_path / "a"),
        ],
    )
    assert ran.exit_code == 0, ran.output
    html = (tmp_path / "r" / "report.html").read_text()
    assert "From an assessment of 3 replications" in html
    assert json.loads((tmp_path / "r" / "assessment.json").read_text())["kind"] == "assess"


def test_assess_from_a_run_folder_is_refused(tmp_path: Path) -> None:
    scenario = str(ROOT / "tests" / "scenarios" / "tiny.toml")
    runner = CliRunner()
    runner.invoke(main, ["run", scenario, "-n", "1", "-o", str(tmp_path / "r")])
    again = runner.invoke(
        main, ["run", scenario, "-o", str(tmp_path / "s"), "--assess-from", str(tmp_path / "r")]
    )
    assert again.exit_code == 2
    assert "not an assess" in again.output and not (tmp_path / "s").exists()


def test_aar_docx_has_objectives_mission_area_scenario_and_contacts(
    folder: tuple[Any, Any, Any],
) -> None:
    import docx

    scenario, _, files = folder
    document = docx.Document(io.BytesIO(files["aar.docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("Objective ") == len(scenario.needs)
    assert "Objective 1. " in text
    overview = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert overview["Mission area"] == "Response" and overview["Hazard"] in ("flood", "wildfire")
    assert scenario.scenario.description.en[:40] in text
    contacts = document.tables[-1]
    assert [c.text for c in contacts.rows[0].cells][:3] == ["Nation", "Agency", "EOC"]
    agencies = {row.cells[1].text for row in contacts.rows[1:]}
    assert agencies == {n.agency for n in scenario.nations}
    assert "To fill the plan" in text and "owns it" in text  # the empty plan says how


def test_findings_name_units_in_full_and_count_people_in_english(
    folder: tuple[Any, Any, Any],
) -> None:
    import re

    scenario, run, _ = folder
    aar = after_action(scenario, run, incident_rows(run), summarise(run))
    text = " ".join(f"{f.title} {f.detail}" for f in [*aar.findings, *aar.strengths])
    assert "…" not in text  # no name cut short
    assert not re.search(r"(?<![\d,])1 (people|incidents)\b", text + aar.summary)


def test_the_sekong_cross_border_chain_is_told_step_by_step(
    shipped_runs: dict[str, Any],
) -> None:
    scenario, run, _ = shipped_runs["sekong_flood_2018"]
    aar = after_action(scenario, run, incident_rows(run), summarise(run))
    chains = [f for f in [*aar.findings, *aar.strengths] if f.title.startswith("Cross-border")]
    assert chains
    steps = chains[0].detail.split(" → ")
    assert steps[0].startswith("request ") and "reached" in steps[1]
    assert any(s.startswith("approved ") for s in steps) and "on scene" in steps[-1]


def test_far_crossings_are_not_findings_and_the_hazard_is_named(tmp_path: Path) -> None:
    from sim.library.draft import draft_scenario

    path = tmp_path / "poipet.toml"
    path.write_text(draft_scenario("TH,KH", "flood", "khlong_luek_poipet"), encoding="utf-8")
    scenario = load_scenario(path)
    run = simulate(scenario, seed=1)
    aar = after_action(scenario, run, incident_rows(run), summarise(run))
    titles = " ".join(f.title for f in aar.findings)
    assert "Hat Lek" not in titles and "Chong Chom" not in titles  # 130-300 km away
    assert aar.hazard == "flood"


def test_msel_prints_landscape_one_page_wide_with_the_header_on_each_page(
    folder: tuple[Any, Any, Any],
) -> None:
    import openpyxl

    _, _, files = folder
    sheet = openpyxl.load_workbook(io.BytesIO(files["msel.xlsx"]))["MSEL"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "1:1"
    for row in sheet.iter_rows(min_row=1):
        assert all(cell.alignment.wrap_text for cell in row)
        longest = max(len(str(c.value or "")) for c in row)
        # tall enough for the wrapped text of its fullest cell (at least one line)
        assert sheet.row_dimensions[row[0].row].height >= 12.75
        if longest > 200:
            assert sheet.row_dimensions[row[0].row].height > 12.75 * 3


def test_a_capability_is_never_both_a_strength_and_an_area_for_improvement(
    folder: tuple[Any, Any, Any],
) -> None:
    scenario, run, _ = folder
    summary = summarise(run)
    estimate = {"mean": 0.8, "ci_low": 0.7, "ci_high": 0.9, "n": 5}  # rated S over 5 runs
    kpis = {f"by_need.{n.id}.within_target": estimate for n in scenario.needs}
    kpis["within_target"] = estimate
    kpis["response_median_min"] = {"mean": 60.0, "ci_low": 50.0, "ci_high": 70.0, "n": 5}
    summary["replications"] = {"n": 5, "kpis": kpis}
    aar = after_action(scenario, run, incident_rows(run), summary)
    strong = {f.title.split(":")[0] for f in aar.strengths}
    weak = {f.title.split(":")[0] for f in aar.findings}
    assert not strong & weak & {n.name for n in scenario.needs}
    assert not strong & {n.name for n in scenario.needs}  # 80 % over the runs is S, not P


def test_aar_docx_tables_keep_short_rows_whole_and_headers_with_their_rows(
    folder: tuple[Any, Any, Any],
) -> None:
    import docx
    from docx.oxml.ns import qn

    _, _, files = folder
    document = docx.Document(io.BytesIO(files["aar.docx"]))
    for number, table in enumerate(document.tables):
        for row in table.rows:
            properties = row._tr.trPr
            held = properties is not None and properties.find(qn("w:cantSplit")) is not None
            long = max(len(cell.text) for cell in row.cells) >= 240
            # a long row (the organisations) runs on to the next page rather than leaving
            # the foot of this one empty; a short row is never split
            assert held != long, [c.text[:40] for c in row.cells]
        header = table.rows[0]._tr.trPr
        if number > 0:  # the overview has no header row
            assert header.find(qn("w:tblHeader")) is not None
            assert all(p.paragraph_format.keep_with_next for p in table.rows[0].cells[0].paragraphs)


def test_a_capability_is_rated_and_costed_on_the_same_replications(tmp_path: Path) -> None:
    import csv
    import re
    import statistics

    from sim.library.draft import draft_scenario

    path = tmp_path / "lakh.toml"
    path.write_text(
        draft_scenario("LA,KH", "flood", "nong_nok_khiene_trapeang_kriel"), encoding="utf-8"
    )
    out = tmp_path / "r"
    ran = CliRunner().invoke(
        main, ["run", str(path), "-n", "6", "--seed", "1", "--jobs", "1", "-o", str(out), "--quiet"]
    )
    assert ran.exit_code == 0, ran.output
    html = (out / "report.html").read_text(encoding="utf-8")
    with (out / "kpis.csv").open(encoding="utf-8") as handle:
        kpis = list(csv.DictReader(handle))
    rated = re.findall(
        r"<b>([^<:]+): rated ([SMU]) \([^)]*\)</b> <span class=\"cost\">([\d,]+) person-hours"
        r"</span><br>\s*([^<]*)",
        html,
    )
    assert rated  # the draft misses some targets
    needs = {n.name: n.id for n in load_scenario(path).needs}
    for need, _, shown, detail in rated:
        late = [float(row[f"by_need.{needs[need]}.late_person_hours"]) for row in kpis]
        assert int(shown.replace(",", "")) == round(statistics.fmean(late)) > 0
        assert "over 6 replications" in detail and "a mean of" in detail


def test_the_word_aar_prints_every_figure_whole_on_a_page(folder: tuple[Any, Any, Any]) -> None:
    import docx
    from docx.shared import Cm

    from sim.report.planners import FIGURE_CM

    _, run, files = folder
    document = docx.Document(io.BytesIO(files["aar.docx"]))
    page = document.sections[0]
    room = (
        page.page_width - page.left_margin - page.right_margin,
        page.page_height - page.top_margin - page.bottom_margin,
    )
    assert document.inline_shapes
    for shape in document.inline_shapes:  # none cut at the foot of a page
        assert shape.width <= room[0] and shape.height <= room[1]
    timelines = [s for s in document.inline_shapes if s.height > Cm(FIGURE_CM[1]) + 1]
    assert len(timelines) == (len(run.units) > 20) * -(-len(run.units) // 20)


def test_the_units_findings_count_the_wait_for_a_free_unit_as_its_finding_does(
    folder: tuple[Any, Any, Any],
) -> None:
    import re

    scenario, run, _ = folder
    aar = after_action(scenario, run, incident_rows(run), summarise(run))
    cause = [f for f in aar.findings if f.title.endswith("waiting for a free unit")]
    units = [f for f in aar.findings if "person-hours for a free unit" in f.detail]
    for finding in units:
        said = re.search(r"waited ([\d,]+) person-hours for a", finding.detail)
        assert said and cause and cause[0].cost_person_hours is not None
        assert int(said.group(1).replace(",", "")) == round(cause[0].cost_person_hours)

"""The reports opened in real headless Chromium, as a planner opens them: no console
errors, every image loads, and the AAR, map and unit timeline are there.

Without Chromium the tests are skipped on a developer's machine, and fail in CI (where
``.ci/run`` installs it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from browser import find_browser, open_page
from click.testing import CliRunner

from sim.cli import main
from sim.i18n import translator

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.fixture(scope="module", autouse=True)
def browser() -> None:
    if find_browser() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run must install it (apt-get install chromium)")
        pytest.skip("no Chromium on this machine (CI installs it)")


def _run(folder: Path, *args: str) -> Path:
    result = CliRunner().invoke(main, [*args, "-o", str(folder), "--quiet"])
    assert result.exit_code == 0, result.output
    return folder / "report.html"


def _written(folder: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder / "report.html"


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_run_report_opens_cleanly(
    tmp_path: Path, scenario: Path, shipped_runs: dict[str, Any]
) -> None:
    if scenario.stem.startswith("sekong"):  # one of them with replications, from the CLI
        path = _run(tmp_path / scenario.stem, "run", str(scenario), "-n", "2")
    else:
        path = _written(tmp_path / scenario.stem, shipped_runs[scenario.stem][2])
    report = open_page(path)
    assert report.errors == []
    assert report.images and all(i["complete"] and i["width"] > 0 for i in report.images), [
        i["alt"] for i in report.images if not i["width"]
    ]
    alts = " | ".join(i["alt"] for i in report.images)
    assert "Map of the run" in alts and "Unit timeline" in alts
    headings = report.facts["h2"]
    assert headings[0] == "After-action report and improvement plan"
    assert {"Objectives", "Scenario summary", "Points of contact"} <= set(report.facts["h3"])
    assert report.facts["cut"] == []  # no table wider than the page, its last columns hidden
    assert report.screenshot.startswith(b"\x89PNG")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_compare_report_opens_cleanly(tmp_path: Path, lang: str) -> None:
    scenario = str(ROOT / "tests" / "scenarios" / "tiny_border.toml")
    path = _run(
        tmp_path / "compare",
        "compare",
        scenario,
        "--variant",
        "preauthorised",
        "--set",
        "coordination.mutual_assistance.pre_authorized=true",
        "-n",
        "3",
        "--lang",
        lang,
    )
    report = open_page(path)
    assert report.errors == []
    assert all(i["complete"] and i["width"] > 0 for i in report.images)
    t = translator(lang)
    assert t("Where the variants differ") in report.facts["h2"]
    assert t("Map of where a variant differs") in [i["alt"] for i in report.images]


def test_a_broken_page_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "broken" / "report.html"
    page.parent.mkdir()
    page.write_text(
        '<!DOCTYPE html><html><body><h2>x</h2><img alt="bad" src="data:image/png;base64,AAAA">'
        "<script>console.error('boom'); undefined_function();</script></body></html>"
    )
    report = open_page(page)
    assert any("boom" in e for e in report.errors)
    assert any("undefined_function" in e or "Uncaught" in e for e in report.errors)
    assert report.images[0]["width"] == 0

"""compare, assess and sweep write their reports in the reader's language (--lang)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SCENARIOS, english_left, refused, with_script_names

from sim.cli import main
from sim.i18n import translator

APPROVAL = "coordination.mutual_assistance.approval"
COMMANDS = {
    "compare": [
        "--variant",
        "preauth",
        "--set",
        "coordination.mutual_assistance.pre_authorized=true",
    ],
    "assess": [],
    "sweep": ["--param", f"{APPROVAL}=1h,12h"],
}
ALLOWED = {
    *("tiny", "border", "toml"),  # the scenario file's name
    "preauth",  # a variant's name, as the planner typed it
    *("coordination", "mutual", "assistance", "approval"),  # a sweep's points: a field, typed
    *("kpis", "csv", "summary", "json", "borderdrill"),  # files and the tool
}
"""English a translated experiment report keeps: names the planner gave and fields typed."""


def _english(page: str) -> list[str]:
    """English left in a page's text beside ``ALLOWED`` and the changes, which are the
    scenario's fields and values as a file writes them (``<code>``)."""
    return english_left(re.sub(r"<code>.*?</code>", "", page), ALLOWED)


@pytest.fixture(scope="module")
def khmer(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("experiments")
    scenario = folder / "tiny_border.toml"
    scenario.write_text(with_script_names((SCENARIOS / "tiny_border.toml").read_text()))
    out = {}
    for command, args in COMMANDS.items():
        out[command] = folder / command
        line = [command, str(scenario), *args, "-n", "2", "--jobs", "1", "--quiet"]
        with warnings.catch_warnings():  # a glyph missing from every font is a failure
            warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")
            result = CliRunner().invoke(main, [*line, "-o", str(out[command]), "--lang", "km"])
        assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("command", COMMANDS)
def test_an_experiment_report_is_in_khmer(command: str, khmer: dict[str, Path]) -> None:
    page = (khmer[command] / "report.html").read_text()
    assert '<html lang="km">' in page
    assert _english(page) == []
    t = translator("km")
    assert t("Effect of each variant against the baseline") in page
    assert re.search("[\u1780-\u17ff]", page)
    header = (khmer[command] / "kpis.csv").read_text().splitlines()[0]
    assert "variant" in header and "response_median_min" in header  # machine-stable columns


def test_an_assessment_names_arrangements_in_khmer(khmer: dict[str, Path]) -> None:
    page = (khmer["assess"] / "report.html").read_text()
    t = translator("km")
    switched = t("%(arrangement)s: switched on", arrangement=t("joint training and doctrine"))
    assert switched in page and "joint training" not in page


def test_a_comparison_maps_where_the_variants_differ(
    khmer: dict[str, Path],
) -> None:
    page = (khmer["compare"] / "report.html").read_text()
    assert page.count('alt="ផែនទីកន្លែងដែលជម្រើសខុសគ្នា"') == 1
    assert (khmer["compare"] / "figures" / "map_1.png").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_language_is_refused_before_any_work(command: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    line = [command, str(SCENARIOS / "tiny_border.toml"), *COMMANDS[command], "-n", "2"]
    refused([*line, "-o", str(out), "--lang", "fr"], "--lang", "'fr' is not one of", "'km'")
    assert not out.exists()

"""The command line as a user meets it, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sim.cli import main

HERE = Path(__file__).parent / "scenarios"
TINY = str(HERE / "tiny.toml")
RUN_FILES = {
    "report.html",
    "incidents.csv",
    "events.csv",
    "summary.json",
    "manifest.json",
    "scenario.resolved.json",
    "figures/response_by_nation.png",
    "figures/stage_decomposition.png",
    "aar.docx",
    "msel.xlsx",
    "figures/map.png",
    "figures/unit_timeline.png",
}


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_run_writes_a_whole_run_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", TINY, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "median 2h 00min" in result.output
    assert files_in(out) == RUN_FILES
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["incidents"] == 1
    assert summary["overall"]["response_min"]["median"] == 120.0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 1 and len(manifest["scenario_sha256"]) == 64
    assert set(manifest["files"]) == RUN_FILES - {"manifest.json"}
    html = (out / "report.html").read_text()
    assert "Tiny" in html and "data:image/png;base64," in html
    assert "Twenty villagers stranded" in html  # the inject's synopsis, in the MSEL timeline


def test_run_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "run"
    runner = CliRunner()
    assert runner.invoke(main, ["run", TINY, "-o", str(out)]).exit_code == 0
    (out / "notes.txt").write_text("mine")
    refused = runner.invoke(main, ["run", TINY, "-o", str(out)])
    assert refused.exit_code == 2
    assert "already exists" in refused.output and "--force" in refused.output
    assert (out / "notes.txt").exists()
    kept = runner.invoke(main, ["run", TINY, "-o", str(out), "--force", "--seed", "5"])
    assert kept.exit_code == 2  # a file of the user's in a run folder is not deleted
    assert "holds files a run does not write (notes.txt)" in kept.output
    assert (out / "notes.txt").read_text() == "mine"
    (out / "notes.txt").unlink()
    forced = runner.invoke(main, ["run", TINY, "-o", str(out), "--force", "--seed", "5"])
    assert forced.exit_code == 0, forced.output
    assert json.loads((out / "manifest.json").read_text())["seed"] == 5


def test_missing_scenario_file_is_exit_2_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "nope.toml" in result.output and "cannot read" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_validate_reports_ok_and_warnings(tmp_path: Path) -> None:
    text = (
        (HERE / "tiny.toml")
        .read_text()
        .replace(
            "[[unit_types]]",
            '[[needs]]\nid = "fire"\nname = "Fire"\ntarget = "2h"\n\n[[unit_types]]',
        )
    )
    odd = tmp_path / "odd.toml"
    odd.write_text(text)
    result = CliRunner().invoke(main, ["validate", TINY, str(odd)])
    assert result.exit_code == 0, result.output
    assert f"ok: {TINY}" in result.output
    assert (
        "warning" in result.output and "no unit in the scenario can serve 'fire'" in result.output
    )


def test_schema_is_json_schema_of_the_format() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert {"scenario", "nations", "places", "units", "injects"} <= set(document["properties"])
    assert document["additionalProperties"] is False


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_with_an_example(name: str) -> None:
    command = main.commands[name]
    assert isinstance(command, click.Command)
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_python_dash_m_entry_point_exists() -> None:
    import importlib.util

    assert importlib.util.find_spec("sim.__main__") is not None


def test_set_makes_a_what_if_recorded_in_the_manifest(tmp_path: Path) -> None:
    border = str(HERE / "tiny_border.toml")
    base = CliRunner().invoke(main, ["run", border, "-o", str(tmp_path / "base")])
    what_if = CliRunner().invoke(
        main,
        [
            "run",
            border,
            "-o",
            str(tmp_path / "preauth"),
            "--set",
            "coordination.mutual_assistance.pre_authorized=true",
        ],
    )
    assert base.exit_code == 0 and what_if.exit_code == 0, what_if.output
    assert "median 1d 1h 30min" in base.output  # waits for approval and the crossing's morning
    assert "median 6h 00min" in what_if.output  # pre-authorised: crosses the same afternoon
    manifest = json.loads((tmp_path / "preauth" / "manifest.json").read_text())
    assert manifest["overrides"] == ["coordination.mutual_assistance.pre_authorized=true"]
    resolved = json.loads((tmp_path / "preauth" / "scenario.resolved.json").read_text())
    assert resolved["coordination"]["mutual_assistance"]["pre_authorized"] is True


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("coordination.mutual_assistance.pre_authorised=true", "did you mean 'pre_authorized'"),
        ("units[7].count=2", "there is no item 7"),
        ("units[0].count=two", "units[0].count"),
        ("coordination.language", "path=value"),
    ],
)
def test_bad_set_is_exit_2_naming_the_path(tmp_path: Path, override: str, expected: str) -> None:
    result = CliRunner().invoke(main, ["run", TINY, "-o", str(tmp_path / "o"), "--set", override])
    assert result.exit_code == 2
    assert expected in result.output and "--set" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_what_if_runs_get_their_own_default_folder() -> None:
    from sim.experiment import default_folder

    plain = default_folder(Path("s.toml"), 1)
    what_if = default_folder(Path("s.toml"), 1, ["coordination.language.enabled=true"])
    assert plain.name == "s-seed1" and what_if.name.startswith("s-seed1-whatif-")


def _as_editor_sees_it(value: object) -> object:
    """TOML as an editor checks it against a JSON Schema: date-times as strings."""
    import datetime

    if isinstance(value, dict):
        return {k: _as_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees_it(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    "path",
    [*sorted((HERE.parent.parent / "scenarios").glob("*.toml")), *sorted(HERE.glob("*.toml"))],
)
def test_schema_accepts_the_shipped_scenarios(path: Path) -> None:
    import tomllib

    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(CliRunner().invoke(main, ["schema"]).output)
    data = _as_editor_sees_it(tomllib.loads(path.read_text()))
    assert list(jsonschema.Draft202012Validator(document).iter_errors(data)) == []


def test_schema_rejects_a_duration_without_unit() -> None:
    import tomllib

    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(CliRunner().invoke(main, ["schema"]).output)
    data = _as_editor_sees_it(tomllib.loads((HERE / "tiny.toml").read_text()))
    data["scenario"]["duration"] = 5  # type: ignore[index]
    errors = list(jsonschema.Draft202012Validator(document).iter_errors(data))
    assert [list(e.path) for e in errors] == [["scenario", "duration"]]


def test_validate_warns_of_incidents_no_unit_can_reach(tmp_path: Path) -> None:
    dry = tmp_path / "dry.toml"
    dry.write_text((HERE / "tiny.toml").read_text().replace("water_access = true", ""))
    result = CliRunner().invoke(main, ["validate", str(dry)])
    assert result.exit_code == 0
    assert "injects[0]: no unit can serve 'rescue' at 'sanamxay'" in result.output
    clean = CliRunner().invoke(main, ["validate", TINY])
    assert "warning" not in clean.output


def test_every_key_of_the_schema_is_explained_for_the_editor() -> None:
    document = json.loads(CliRunner().invoke(main, ["schema"]).output)
    undescribed = []

    def walk(where: str, node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if not (isinstance(value, dict) and value.get("description")):
                    undescribed.append(f"{where}.{key}")
            for key, value in node.items():
                walk(f"{where}/{key}", value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(f"{where}[{i}]", value)

    walk("", document)
    assert undescribed == []
    place = document["$defs"]["Place"]["properties"]
    assert place["lat"]["examples"] == [14.81]

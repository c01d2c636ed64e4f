"""Scenario files built from parts: includes, overrides by id, and errors naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SCENARIOS

from sim.scenario import ScenarioError, parse_scenario, read_scenario
from sim.scenario.compose import library_parts

TINY = (SCENARIOS / "tiny.toml").read_text()
SPLIT = TINY.index("[[needs]]")
WORLD = TINY[TINY.index("[[places]]") : SPLIT]  # places and the road
REST = TINY[SPLIT:]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def head(includes: list[str]) -> str:
    listed = ", ".join(f'"{i}"' for i in includes)
    top = TINY[: TINY.index("[[places]]")]
    return f"include = [{listed}]\n\n{top}"


def test_a_scenario_from_parts_equals_the_whole_file(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", WORLD)
    main = write(tmp_path, "main.toml", head(["world.toml"]) + REST)
    whole = read_scenario(SCENARIOS / "tiny.toml").scenario
    parts = read_scenario(main).scenario
    assert parts.model_dump(exclude={"include"}) == whole.model_dump(exclude={"include"})
    assert parts.include == ("world.toml",)


def test_an_item_with_an_included_id_overrides_the_keys_it_gives(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", WORLD)
    override = '\n[[places]]\nid = "sanamxay"\npopulation = 900\n'
    main = write(tmp_path, "main.toml", head(["world.toml"]) + override + REST)
    places = {p.id: p for p in read_scenario(main).scenario.places}
    assert places["sanamxay"].population == 900
    assert places["sanamxay"].water_access  # kept from the part
    assert len(places) == 2


def test_tables_merge_key_by_key(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", WORLD + "\n[coordination.language]\ninterpreters = 3\n")
    main = write(
        tmp_path,
        "main.toml",
        head(["world.toml"]) + REST + '\n[coordination.language]\ntranslation = "10min"\n',
    )
    language = read_scenario(main).scenario.coordination.language
    assert (language.interpreters, language.translation.mean) == (3, 10.0)


def test_a_missing_part_names_the_including_file_and_line(tmp_path: Path) -> None:
    main = write(tmp_path, "main.toml", head(["nowhere.toml"]) + WORLD + REST)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(main)
    (problem,) = caught.value.problems
    assert "the part 'nowhere.toml' does not exist" in problem.message
    assert "library:region/sekong" in problem.hint
    assert problem.line == 1
    assert str(main) in str(caught.value)


def test_a_missing_library_part(tmp_path: Path) -> None:
    main = write(tmp_path, "main.toml", head(["library:region/atlantis"]) + WORLD + REST)
    with pytest.raises(ScenarioError, match="'library:region/atlantis' does not exist"):
        read_scenario(main)


def test_an_include_cycle_is_named(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'include = ["b.toml"]\n' + WORLD)
    write(tmp_path, "b.toml", 'include = ["a.toml"]\n')
    main = write(tmp_path, "main.toml", head(["a.toml"]) + REST)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(main)
    (problem,) = caught.value.problems
    assert "parts include each other" in problem.message
    assert f"{tmp_path / 'a.toml'} -> {tmp_path / 'b.toml'} -> {tmp_path / 'a.toml'}" in (
        problem.message
    )
    assert problem.file == str(tmp_path / "b.toml")


def test_two_parts_with_the_same_id_clash(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", WORLD)
    write(tmp_path, "other.toml", WORLD[: WORLD.index("[[places]]", 10)])  # attapeu again
    main = write(tmp_path, "main.toml", head(["world.toml", "other.toml"]) + REST)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(main)
    (problem,) = caught.value.problems
    assert "'attapeu' is defined both in" in problem.message
    assert str(tmp_path / "world.toml") in problem.message
    assert str(tmp_path / "other.toml") in problem.message
    assert problem.file == str(tmp_path / "other.toml") and problem.line == 1


def test_the_same_part_reached_twice_is_no_clash(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", WORLD)
    write(tmp_path, "more.toml", 'include = ["world.toml"]\n')
    main = write(tmp_path, "main.toml", head(["world.toml", "more.toml"]) + REST)
    assert len(read_scenario(main).scenario.places) == 2


def test_an_error_in_a_part_names_that_file_and_its_line(tmp_path: Path) -> None:
    world = write(tmp_path, "world.toml", WORLD.replace("lat = 14.78", "lat = 147.8"))
    main = write(tmp_path, "main.toml", head(["world.toml"]) + REST)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(main)
    (problem,) = caught.value.problems
    assert problem.file == str(world)
    assert problem.line == WORLD.splitlines().index("lat = 14.78") + 1
    assert problem.describe().startswith(f"in {world} line {problem.line}, places[1].lat")


def test_an_error_in_an_override_names_the_overriding_file(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", WORLD)
    override = '\n[[places]]\nid = "sanamxay"\npopulation = -5\n'
    text = head(["world.toml"]) + override + REST
    main = write(tmp_path, "main.toml", text)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(main)
    (problem,) = caught.value.problems
    assert problem.file is None  # the file itself
    assert problem.line == text.splitlines().index("population = -5") + 1


@pytest.mark.parametrize("part", library_parts())
def test_every_library_part_is_valid_toml_with_sources(part: str) -> None:
    from sim.scenario.compose import _read_part

    found = _read_part(part, None)
    assert found is not None
    assert found.text.startswith("#")  # each part says what it is and where it comes from


def test_the_sekong_scenario_is_built_on_the_library() -> None:
    source = read_scenario(Path(__file__).parent.parent / "scenarios" / "sekong_flood_2018.toml")
    labels = [part.label for part in source.origins.parts] if source.origins else []
    assert "library:region/sekong" in labels and "library:coordination/2018" in labels
    places = {p.id: p for p in source.scenario.places}
    assert places["siem_pang"].population == 4000  # the 2018 override
    assert places["siem_pang"].water_access  # from the library


def test_the_editor_schema_lets_a_composed_file_give_only_what_it_overrides() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from sim.scenario.schema import json_schema

    validator = jsonschema.Draft202012Validator(json_schema())
    part = {"include": ["library:region/sekong"], "places": [{"id": "pakse", "population": 5}]}
    assert list(validator.iter_errors(part)) == []
    part["places"][0]["population"] = "many"
    assert [list(e.path) for e in validator.iter_errors(part)] == [["places", 0, "population"]]
    whole = {"places": [{"id": "pakse", "population": 5}]}
    assert any(
        "'scenario' is a required property" in e.message for e in validator.iter_errors(whole)
    )


def validated(path: Path, *options: str) -> tuple[int, str]:
    """``borderdrill validate`` of a file: its exit code and what it printed."""
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, ["validate", str(path), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not UTF-8 text"),
        ('[[places]]\nid = "m"\nname = "Mu\u00e9ang"\n'.encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_a_part_that_is_not_text_is_refused_naming_it(
    content: bytes, expected: str, tmp_path: Path
) -> None:
    (tmp_path / "world.toml").write_bytes(content)
    code, output = validated(write(tmp_path, "main.toml", head(["world.toml"]) + REST))
    assert code == 2
    assert (
        f"the part 'world.toml': the file {expected}" in output
        and "Fix: save it as UTF-8" in output
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wor\\u0000ld.toml", "is not a file name"),
        ("library:../../../../../etc/passwd", "is not a name of the library"),
        ("library:/etc/hostname", "is not a name of the library"),
        ("library:region/../../cli", "is not a name of the library"),
        ("x" * 300 + ".toml", "cannot read the file"),
        (".", "is a folder, a pipe or a device, not a file"),
        ("/dev/zero", "is a folder, a pipe or a device, not a file"),
    ],
)
def test_include_names_that_cannot_be_parts_are_refused(
    name: str, expected: str, tmp_path: Path
) -> None:
    code, output = validated(write(tmp_path, "main.toml", head([name]) + WORLD + REST))
    assert code == 2 and expected in output and "Fix:" in output
    assert "\x00" not in output  # a name shown with its control characters escaped


def test_a_part_nested_too_deeply_is_refused_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", "x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    code, output = validated(write(tmp_path, "main.toml", head(["world.toml"]) + WORLD + REST))
    assert code == 2 and "the part 'world.toml' has arrays or tables nested too deeply" in output


def test_a_missing_part_says_where_it_was_looked_for(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "a.toml", 'include = ["b.toml"]\n')
    main = write(tmp_path, "main.toml", head(["sub/a.toml"]) + WORLD + REST)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(main)
    (problem,) = caught.value.problems
    assert f"(looked for {tmp_path / 'sub' / 'b.toml'})" in problem.message  # beside a.toml
    assert problem.file == str(tmp_path / "sub" / "a.toml")


def test_a_part_reached_by_many_paths_is_read_once(tmp_path: Path) -> None:
    """Each level includes the next twice: 2^24 builds unless each part is built once."""
    write(tmp_path, "level24.toml", WORLD)
    for level in range(24):
        name = f"level{level + 1}.toml"
        write(tmp_path, f"level{level}.toml", f'include = ["{name}", "./{name}"]\n')
    main = write(tmp_path, "main.toml", head(["level0.toml"]) + REST)
    assert len(read_scenario(main).scenario.places) == 2


def test_parts_nested_too_deeply_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "level40.toml", WORLD)
    for level in range(40):
        write(tmp_path, f"level{level}.toml", f'include = ["level{level + 1}.toml"]\n')
    code, output = validated(write(tmp_path, "main.toml", head(["level0.toml"]) + REST))
    assert code == 2 and "more than 32 deep" in output


def test_a_scenario_larger_than_the_bound_is_refused_before_parsing(tmp_path: Path) -> None:
    from sim.scenario.compose import MAX_FILE_BYTES

    filler = "# " + "x" * 98 + "\n"
    write(tmp_path, "world.toml", WORLD + filler * (MAX_FILE_BYTES // 100))
    code, output = validated(write(tmp_path, "main.toml", head(["world.toml"]) + REST))
    assert code == 2 and "makes the scenario and its parts larger than 4 MiB" in output
    code, output = validated(write(tmp_path, "whole.toml", TINY + filler * (MAX_FILE_BYTES // 100)))
    assert code == 2 and "is larger than 4 MiB" in output
    with pytest.raises(ScenarioError, match="the scenario is larger than 4 MiB"):
        parse_scenario(TINY + filler * (MAX_FILE_BYTES // 100))  # given as text (the API)


def test_include_can_be_set_from_the_command_line(tmp_path: Path) -> None:
    write(tmp_path, "world.toml", WORLD)
    main = write(tmp_path, "main.toml", TINY[: TINY.index("[[places]]")] + REST)
    with pytest.raises(ScenarioError):
        read_scenario(main)  # its places are in the part
    source = read_scenario(main, ['include=["world.toml"]'])
    assert {p.id for p in source.scenario.places} == {"attapeu", "sanamxay"}
    with pytest.raises(ScenarioError, match=r"the part 'elsewhere\.toml' does not exist"):
        read_scenario(main, ['include=["elsewhere.toml"]'])


def test_an_override_shows_its_own_source_never_the_included_parts(tmp_path: Path) -> None:
    import json

    from sim.library.draft import draft_scenario
    from sim.model import simulate
    from sim.report import run_files
    from sim.scenario import load_scenario

    draft = draft_scenario("LA,KH", "flood", "nong_nok_khiene_trapeang_kriel")
    overrides = (
        '\n[[places]]\nid = "don_khong"\npopulation = 12000\n'
        '\n[[places]]\nid = "khong_chiam"\npopulation = 9000\n'
        'source = { ref = "District census", as_of = "2020", status = "checked" }\n'
        '\n[[crossings]]\nid = "chong_sa_ngam_choam"\nhours = "07:00-19:00"\n'
    )
    path = write(tmp_path, "exercise.toml", draft + overrides)
    scenario = load_scenario(path)
    places = {p.id: p for p in scenario.places}
    crossing = next(c for c in scenario.crossings if c.id == "chong_sa_ngam_choam")
    for unsourced, keys in ((places["don_khong"], "population"), (crossing, "hours")):
        assert unsourced.source is not None
        assert unsourced.source.ref.startswith(
            f"scenario file exercise.toml, no source given for {keys}; the rest as "
            "library:region/emerald_triangle gives it: "
        )
        assert unsourced.source.status == "recalled, unverified"
        assert unsourced.source.as_of == scenario.scenario.start.date().isoformat()
    assert places["khong_chiam"].source is not None
    assert places["khong_chiam"].source.ref == "District census"
    assert places["warin_chamrap"].source is not None  # not overridden: the library's
    assert places["warin_chamrap"].source.ref.startswith("The project's geography notes")
    # the report folder's resolved scenario says the same
    files = run_files(scenario, simulate(scenario, seed=1), {"borderdrill": "test"})
    resolved = json.loads(files["scenario.resolved.json"])
    shown = {p["id"]: p["source"]["ref"] for p in resolved["places"]}
    assert shown["don_khong"] == places["don_khong"].source.ref
    assert shown["khong_chiam"] == "District census"

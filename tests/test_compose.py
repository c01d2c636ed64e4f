"""Scenario files built from parts: includes, overrides by id, and errors naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SCENARIOS

from sim.scenario import ScenarioError, read_scenario
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

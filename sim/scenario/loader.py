"""Reading a scenario file: TOML, validation, and errors that say where and how to fix."""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario import coordination, quantities, schema, wildfire
from sim.scenario.checks import check_references
from sim.scenario.compose import MAX_FILE_BYTES, Origins, Unreadable, compose, read_file
from sim.scenario.errors import Problem, ScenarioError, format_path
from sim.scenario.locate import locate_line
from sim.scenario.overrides import OverrideError, apply_overrides
from sim.scenario.text import TEXT_FIELDS


@dataclass(frozen=True)
class ScenarioFile:
    """A validated scenario with where it came from and what looked odd in it."""

    scenario: schema.Scenario
    path: Path
    sha256: str
    warnings: list[Problem] = field(default_factory=list)
    overrides: tuple[str, ...] = ()
    """``path=value`` what-ifs applied on top of the file."""
    origins: Origins | None = None
    """The file and the parts it includes, to find the line of a problem found later."""

    def located(self, problems: Sequence[Problem]) -> list[Problem]:
        """The problems with the file and line each is about, where it can be told."""
        return _with_lines(problems, self.origins or "")


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> schema.Scenario:
    """Read and validate a scenario file, with optional ``path=value`` overrides.

    Raises:
        ScenarioError: the file is unreadable, not TOML, or not a valid scenario.
    """
    return read_scenario(path, overrides).scenario


def read_scenario(path: str | Path, overrides: Sequence[str] = ()) -> ScenarioFile:
    """Read and validate a scenario file, keeping its checksum and the warnings found."""
    path = Path(path)
    try:
        text, raw_bytes = read_file(path)
    except Unreadable as exc:
        raise ScenarioError(path, [Problem("", exc.message, exc.fix)]) from None
    scenario, warnings, origins = _parse(text, path, overrides)
    digest = hashlib.sha256(raw_bytes)
    for part in origins.parts:  # a composed scenario: its parts count too
        digest.update(part.text.encode("utf-8"))
    return ScenarioFile(scenario, path, digest.hexdigest(), warnings, tuple(overrides), origins)


def parse_scenario(
    text: str, file: str | Path = "<scenario>", overrides: Sequence[str] = ()
) -> tuple[schema.Scenario, list[Problem]]:
    """Validate a scenario given as TOML text; returns it and its warnings.

    Included parts named by relative paths are found next to ``file``.

    Raises:
        ScenarioError: the text is not TOML, a part is missing or clashes, or the result is
            not a valid scenario.
    """
    scenario, warnings, _ = _parse(text, file, overrides)
    return scenario, warnings


def _parse(
    text: str, file: str | Path, overrides: Sequence[str]
) -> tuple[schema.Scenario, list[Problem], Origins]:
    if len(text) > MAX_FILE_BYTES:  # characters: at least as many bytes
        raise ScenarioError(
            file,
            [
                Problem(
                    "",
                    f"the scenario is larger than {MAX_FILE_BYTES // 2**20} MiB",
                    "keep the places, roads and units of the exercise area",
                )
            ],
        )
    try:
        return _parse_text(text, file, overrides)
    except RecursionError:
        raise ScenarioError(
            file,
            [
                Problem(
                    "",
                    "arrays or tables are nested too deeply to read",
                    "write the data flat: a scenario needs at most a few levels of nesting",
                )
            ],
        ) from None


def _parse_text(
    text: str, file: str | Path, overrides: Sequence[str]
) -> tuple[schema.Scenario, list[Problem], Origins]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in message:
            line = max(1, len(text.splitlines()))
        what = re.sub(r"\s*\(at (line|end of document).*\)$", "", message)
        if "end of document" in message:
            what += " at the end of the file (something is left open)"
        raise ScenarioError(
            file,
            [Problem("", f"not valid TOML: {what}", "correct the TOML syntax at that line", line)],
        ) from None
    includes = [o for o in overrides if _is_include(o)]  # they choose the parts: set first
    try:
        if includes:
            data = apply_overrides(data, includes)
        data, origins = compose(data, text, file)
        if not overrides:
            return (*validate_scenario(data, file, origins), origins)
        data = apply_overrides(data, [o for o in overrides if o not in includes])
    except OverrideError as exc:
        problem = exc.problem
        raise ScenarioError(
            file, [Problem(problem.path, f"{problem.message} (--set)", problem.hint)]
        ) from None
    set_paths = [o.partition("=")[0].strip() for o in overrides]
    try:
        return (*validate_scenario(data, file, origins), origins)
    except ScenarioError as exc:
        raise ScenarioError(
            file, [_from_command_line(p, set_paths) for p in exc.problems]
        ) from None


def _is_include(override: str) -> bool:
    return re.match(r"\s*include\s*(=|\[)", override) is not None


def _from_command_line(problem: Problem, set_paths: list[str]) -> Problem:
    """A problem in a value given with --set: say so, and point at no line of the file."""
    if not any(problem.path == p or problem.path.startswith((p + ".", p + "[")) for p in set_paths):
        return problem
    return Problem(problem.path, f"{problem.message} (set with --set)", problem.hint)


def validate_scenario(
    data: dict[str, Any], file: str | Path = "<scenario>", text: str | Origins = ""
) -> tuple[schema.Scenario, list[Problem]]:
    """Validate scenario data (as parsed from TOML); returns it and its warnings.

    Raises:
        ScenarioError: the data is not a valid scenario.
    """
    try:
        scenario = schema.Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        inner = [tuple(e["loc"]) for e in errors]
        problems = [
            _problem_from_pydantic(err, data)
            for err in errors  # a tuple whose items failed is also "too short": say it once
            if not (err["type"] == "too_short" and _has_inner(tuple(err["loc"]), inner))
        ]
        raise ScenarioError(file, _with_lines(problems, text)) from None
    problems, warnings = check_references(scenario)
    if problems:
        raise ScenarioError(file, _with_lines(problems, text))
    return scenario, _with_lines(warnings, text)


def _has_inner(loc: tuple[Any, ...], locs: list[tuple[Any, ...]]) -> bool:
    return any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs)


def _with_lines(problems: Sequence[Problem], text: str | Origins) -> list[Problem]:
    if not text:
        return list(problems)
    if isinstance(text, Origins):
        return [text.locate(p, _split_path(p.path)) for p in problems]
    return [
        p if p.line else Problem(p.path, p.message, p.hint, locate_line(text, _split_path(p.path)))
        for p in problems
    ]


def _split_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return parts


def _present_path(
    loc: Sequence[str | int], data: Any, missing_key: bool
) -> tuple[list[str | int], Any]:
    """The part of a pydantic location that exists in the input (union tags dropped).

    With ``missing_key`` the last part is a key absent from the input and is kept.
    Returns the path and the input at its end.
    """
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        found, child = _child(node, part)
        if found:
            node = child
        elif missing_key and i == len(loc) - 1:
            path.append(part)
            return path, None
        else:
            continue  # a union member's tag, not a key of the file
        path.append(part)
    return path, node


def _child(node: Any, part: str | int) -> tuple[bool, Any]:
    if isinstance(node, dict) and part in node:
        return True, node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


@cache
def _known_keys() -> tuple[str, ...]:
    keys: set[str] = set()
    for module in (schema, coordination, wildfire, quantities):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel):
                for name, info in obj.model_fields.items():
                    keys.add(info.alias or name)
    return tuple(sorted(keys))


def _problem_from_pydantic(err: Any, data: dict[str, Any]) -> Problem:
    kind = err["type"]
    path, value = _present_path(err["loc"], data, missing_key=kind == "missing")
    where = format_path(path)
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        if len(path) >= 2 and path[-2] in ("names", "agency_names"):
            return Problem(
                where,
                f"unknown language '{key}' in names",
                "name it in th, lo or km (Thai, Lao, Khmer script), with source = {...}",
            )
        if any(part in TEXT_FIELDS for part in path[-3:-1]):
            return Problem(
                where,
                f"unknown language '{key}'",
                "give the text in en (required), th, lo or km (Thai, Lao, Khmer script)",
            )
        if key in _SYNONYMS:
            return Problem(where, f"unknown key '{key}'", f"did you mean '{_SYNONYMS[key]}'?")
        close = [
            k for k in difflib.get_close_matches(key, _known_keys(), n=2, cutoff=0.75) if k != key
        ]
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else "remove it; it does not belong here (see `borderdrill schema`)"
        )
        return Problem(where, f"unknown key '{key}'", hint)
    if kind == "missing":
        key = str(path[-1]) if path else "?"
        if len(path) == 1:
            table = f"[[{key}]]" if key in _ARRAY_SECTIONS else f"[{key}]"
            return Problem(where, f"missing section {table}", f"add {table} to the file")
        return Problem(where, f"missing required key '{key}'", f"add {key} = ...")
    if kind == "too_short":
        key = str(path[-1]) if path else "?"
        ctx = err.get("ctx", {})
        least, given = ctx.get("min_length", 1), ctx.get("actual_length")
        if least > 1:
            steady = '; for a steady level, give it twice: [["0h", 2.0], ["1d", 2.0]]'
            return Problem(
                where,
                f"needs at least {least} entries (has {given})",
                f"list at least {least}" + (steady if key == "levels" else ""),
            )
        return Problem(
            where,
            "needs at least one entry",
            f"add a [[{key}]] table" if len(path) == 1 else "list at least one",
        )
    if kind in ("tuple_type", "list_type"):
        return Problem(where, f"should be a list (got {value!r})", 'write it as ["a", "b"]')
    if kind == "union_tag_not_found":
        tag = err.get("ctx", {}).get("discriminator", "type").strip("'")
        return Problem(
            f"{where}.{tag}", f"no '{tag}' given", f'add {tag} = "..." (see `borderdrill schema`)'
        )
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        tag, expected = str(ctx.get("tag")), str(ctx.get("expected_tags", ""))
        choices = [t.strip(" '") for t in expected.split(",")]
        close = difflib.get_close_matches(tag, choices, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of {expected}"
        name = str(ctx.get("discriminator", "type")).strip("'")
        return Problem(f"{where}.{name}", f"unknown {name} '{tag}'", hint)
    if kind == "string_pattern_mismatch" and where.endswith(
        ("id", "place", "base", "need", "type")
    ):
        return Problem(
            where,
            f"'{value}' is not a valid id",
            "use lower-case letters, digits, '_' or '-', starting with a letter or digit",
        )
    if kind == "string_pattern_mismatch" and where.endswith(
        ("code", "nation", "nations", "between")
    ):
        return Problem(
            where,
            f"'{value}' is not a nation code",
            "use the two-letter ISO code: TH, LA or KH (JCC for the joint centre)",
        )
    if kind == "string_pattern_mismatch":
        return Problem(where, f"'{value}' has the wrong form", message.replace("String", "it"))
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return Problem(
            where,
            f"'{value}' is not a date and time",
            "write a TOML datetime, e.g. 2018-07-23T20:00:00+07:00",
        )
    hint = _HINTS.get(kind, "")
    scalar = value is not None and not isinstance(value, dict | list)
    written = value.isoformat() if isinstance(value, date) else repr(value)
    own_words = kind == "value_error" and any(w in message for w in (str(value), written, "..."))
    shown = "" if own_words or not scalar else f" (got {_shorten(written)})"
    return Problem(where, f"{message}{shown}", hint)


def _shorten(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 3] + "..."


_ARRAY_SECTIONS = (
    "nations",
    "places",
    "roads",
    "crossings",
    "needs",
    "unit_types",
    "units",
    "injects",
    "generators",
)
_SYNONYMS = {"until": "for", "duration": "for", "time": "at", "when": "at", "name_id": "id"}
_HINTS = {
    "finite_number": "write an ordinary number (nan and inf are not allowed)",
    "int_parsing": "write a whole number, without quotes",
    "int_type": "write a whole number, without quotes",
    "int_from_float": "write a whole number",
    "float_parsing": "write a number, without quotes",
    "float_type": "write a number, without quotes",
    "bool_type": "write true or false, without quotes",
    "bool_parsing": "write true or false, without quotes",
    "string_type": "write it in double quotes",
    "literal_error": "use one of the values listed",
    "greater_than": "use a larger value",
    "greater_than_equal": "use a larger value",
    "less_than": "use a smaller value",
    "less_than_equal": "use a smaller value",
    "too_long": "shorten it",
}

"""Scenario files built from parts: ``include = [...]`` and overrides by id.

A scenario (or a part) may start with ``include = ["library:region/emerald_triangle",
"my_units.toml"]``: parts of the shipped library, or files relative to the including file.
The rules:

- The parts are read in the order listed, then the file's own tables on top.
- Items of the array sections (``[[places]]``, ``[[units]]``, ...) are keyed by ``id``
  (nations by ``code``; roads by ``id``, else ``from--to``). An item whose key the file
  already has from its parts overrides it: each key it gives replaces that key of the
  included item (an inline table such as ``flood = {...}`` is replaced whole); a nation's
  ``[[nations.eocs]]`` are merged by id the same way. Items without a key (injects,
  generators) are added after the parts' own.
- Two parts included side by side may not both define the same key: that is a clash, an
  error naming both files. (The same part reached twice is read once.)
- Plain tables (``[scenario]``, ``[run]``, ``[coordination]``, ``[wildfire]``) merge key by
  key, at any depth; a value given later replaces the earlier one, and an array in them
  (``links``, ``agreements``) is replaced whole.
- A missing part or an include cycle is an error naming the including file.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.locate import locate_line

LIBRARY = "library:"
ARRAY_SECTIONS = (
    "nations",
    "places",
    "roads",
    "crossings",
    "gauges",
    "needs",
    "unit_types",
    "units",
    "injects",
    "generators",
)


@dataclass(frozen=True)
class Part:
    """One file a scenario is built from: its name as shown in messages, and its text."""

    label: str
    text: str


@dataclass
class _Item:
    data: dict[str, Any]
    origins: list[tuple[Part, int]]
    """Where it was defined, then each part that overrode it: (part, index in its section)."""


@dataclass
class _Built:
    tables: dict[str, Any] = field(default_factory=dict)
    table_parts: list[Part] = field(default_factory=list)
    arrays: dict[str, list[_Item]] = field(default_factory=dict)


@dataclass(frozen=True)
class Origins:
    """Where each item of a composed scenario came from, to name the file and line of a problem."""

    top: Part
    items: dict[str, list[list[tuple[Part, int]]]] = field(default_factory=dict)
    table_parts: tuple[Part, ...] = ()

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every part besides the top file, in the order first read."""
        seen: dict[str, Part] = {}
        for part in self.table_parts:
            seen.setdefault(part.label, part)
        for items in self.items.values():
            for origins in items:
                for part, _ in origins:
                    seen.setdefault(part.label, part)
        seen.pop(self.top.label, None)
        return tuple(seen.values())

    def locate(self, problem: Problem, path: Sequence[str | int]) -> Problem:
        """The problem with the file (when not the top one) and line it is about."""
        if problem.line or not path:
            return problem
        part, inner = self._source(path)
        line = locate_line(part.text, inner)
        file = None if part is self.top else part.label
        return Problem(problem.path, problem.message, problem.hint, line, file)

    def _source(self, path: Sequence[str | int]) -> tuple[Part, list[str | int]]:
        section, rest = path[0], list(path[1:])
        if isinstance(section, str) and section in self.items and rest:
            index = rest[0]
            if isinstance(index, int) and index < len(self.items[section]):
                origins = self.items[section][index]
                key = rest[1] if len(rest) > 1 else None
                part, at = origins[0]
                for candidate, i in reversed(origins):  # the last part that gave the key
                    if key is None or _has(candidate, section, i, key):
                        part, at = candidate, i
                        break
                return part, [section, at, *rest[1:]]
        depths = [(_depth(part, path), i) for i, part in enumerate(self.table_parts)]
        depth, best = max(depths, default=(0, -1))
        return (self.table_parts[best] if depth else self.top), list(path)


@lru_cache(maxsize=64)
def _parsed(part: Part) -> dict[str, Any]:
    return tomllib.loads(part.text)


def _has(part: Part, section: str, index: int, key: str | int) -> bool:
    items = _parsed(part).get(section, [])
    return index < len(items) and isinstance(key, str) and key in items[index]


def _depth(part: Part, path: Sequence[str | int]) -> int:
    """How many steps of a table path a part gives."""
    node: Any = _parsed(part)
    for depth, step in enumerate(path):
        if not isinstance(node, dict) or step not in node:
            return depth
        node = node[step]
    return len(path)


def item_key(section: str, item: Any) -> str | None:
    """The key an item of an array section is merged by, or None (always added)."""
    if not isinstance(item, dict):
        return None
    if section == "nations":
        return str(item["code"]) if "code" in item else None
    if section == "roads":
        if "id" in item:
            return str(item["id"])
        return f"{item.get('from')}--{item.get('to')}"
    if section in ("injects", "generators"):
        return None
    return str(item["id"]) if "id" in item else None


def compose(data: dict[str, Any], text: str, file: str | Path) -> tuple[dict[str, Any], Origins]:
    """Resolve the ``include`` of a scenario: the data it stands for, and where each part came from.

    Raises:
        ScenarioError: a part is missing or not TOML, parts include each other, or two parts
            define the same id.
    """
    top = Part(str(file), text)
    if "include" not in data:
        return data, Origins(top, table_parts=(top,))
    base = Path(file).parent if not str(file).startswith(LIBRARY) else None
    built = _build(top, data, base, (), str(file))
    merged: dict[str, Any] = copy.deepcopy(built.tables)
    merged["include"] = data["include"]
    items: dict[str, list[list[tuple[Part, int]]]] = {}
    for section, section_items in built.arrays.items():
        merged[section] = [item.data for item in section_items]
        items[section] = [item.origins for item in section_items]
    return merged, Origins(top, items, tuple(built.table_parts))


def _error(file: str, part: Part, message: str, hint: str) -> ScenarioError:
    line = locate_line(part.text, ["include"])
    shown = None if part.label == file else part.label
    return ScenarioError(file, [Problem("include", message, hint, line, shown)])


def _read_part(name: str, base: Path | None) -> Part | None:
    if name.startswith(LIBRARY):
        resource = resources.files("sim.library").joinpath(name.removeprefix(LIBRARY) + ".toml")
        return Part(name, resource.read_text("utf-8")) if resource.is_file() else None
    path = Path(name) if base is None else base / name
    try:
        return Part(str(path), path.read_text("utf-8-sig"))
    except OSError:
        return None


def library_parts() -> list[str]:
    """The names of the shipped library's parts, as ``include`` writes them."""
    root = resources.files("sim.library")
    names: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir() and not child.name.startswith("_"):
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".toml"):
                names.append(f"{LIBRARY}{prefix}{child.name.removesuffix('.toml')}")

    walk(root, "")
    return names


def _build(
    part: Part, data: dict[str, Any], base: Path | None, chain: tuple[str, ...], file: str
) -> _Built:
    chain = (*chain, part.label)
    includes = data.get("include", [])
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise _error(file, part, "include should be a list of part names", 'write include = ["a"]')
    built = _Built()
    for name in includes:
        child = _read_part(name, base)
        if child is None:
            known = ", ".join(library_parts())
            raise _error(
                file,
                part,
                f"the part '{name}' does not exist",
                f"give a file relative to {part.label}, or one of {known}",
            )
        if child.label in chain:
            cycle = " -> ".join([*chain[chain.index(child.label) :], child.label])
            raise _error(
                file, part, f"parts include each other ({cycle})", "remove one of the includes"
            )
        try:
            child_data = tomllib.loads(child.text)
        except tomllib.TOMLDecodeError as exc:
            raise _error(
                file, part, f"the part '{name}' is not valid TOML: {exc}", "correct that file"
            ) from None
        child_base = None if child.label.startswith(LIBRARY) else Path(child.label).parent
        _add_sibling(built, _build(child, child_data, child_base, chain, file), file)
    _add_own(built, part, data)
    return built


def _add_sibling(built: _Built, other: _Built, file: str) -> None:
    """Merge a part's result with those of the parts listed before it: clashes refused."""
    for section, items in other.arrays.items():
        mine = built.arrays.setdefault(section, [])
        keys = {item_key(section, i.data): i for i in mine}
        for item in items:
            key = item_key(section, item.data)
            existing = keys.get(key) if key is not None else None
            if existing is None:
                mine.append(item)
                continue
            if existing.origins == item.origins:
                continue  # the same part reached twice
            (a, ia), (b, ib) = existing.origins[-1], item.origins[-1]
            line_a = locate_line(a.text, [section, ia])
            line_b = locate_line(b.text, [section, ib])
            raise ScenarioError(
                file,
                [
                    Problem(
                        f"{section}",
                        f"'{key}' is defined both in {a.label} (line {line_a}) and in "
                        f"{b.label} (line {line_b})",
                        "give one of them another id, or include only one of the parts "
                        "and override what differs in your own file",
                        line_b,
                        None if b.label == file else b.label,
                    )
                ],
            )
    _merge_tables(built.tables, other.tables)
    for p in other.table_parts:
        if p not in built.table_parts:
            built.table_parts.append(p)


def _add_own(built: _Built, part: Part, data: dict[str, Any]) -> None:
    """The file's own tables on top of its parts: same keys override."""
    for key, value in data.items():
        if key == "include":
            continue
        if key in ARRAY_SECTIONS and isinstance(value, list):
            mine = built.arrays.setdefault(key, [])
            keys = {item_key(key, i.data): i for i in mine}
            for index, item in enumerate(value):
                k = item_key(key, item)
                existing = keys.get(k) if k is not None else None
                if existing is None or existing.origins[-1][0] is part:
                    mine.append(_Item(copy.deepcopy(item), [(part, index)]))
                else:
                    existing.data = _override(key, existing.data, item)
                    existing.origins.append((part, index))
        else:
            _merge_tables(built.tables, {key: value})
    built.table_parts.append(part)


def _override(section: str, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = {**old, **copy.deepcopy(new)}
    if section == "nations" and "eocs" in old and "eocs" in new:
        eocs = {e.get("id"): e for e in old["eocs"]}
        for eoc in new["eocs"]:
            eocs[eoc.get("id")] = {**eocs.get(eoc.get("id"), {}), **eoc}
        merged["eocs"] = list(eocs.values())
    return merged


def _merge_tables(into: dict[str, Any], top: dict[str, Any]) -> None:
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge_tables(into[key], value)
        else:
            into[key] = copy.deepcopy(value)

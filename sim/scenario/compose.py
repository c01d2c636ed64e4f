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
- A missing or unreadable part, an include cycle or parts nested too deeply is an error
  naming the including file; a file's own parts are looked for beside it, ``library:``
  names only inside the library. A scenario and its parts hold at most 4 MiB together.
- ``--set include=[...]`` chooses the parts before they are read.
- An override that changes an item without giving its own ``source`` makes the item's
  source say so ("scenario file F, no source given for ..., the rest as the part gives
  it", recalled, unverified, as of the exercise's start): never the part's source alone.
"""

from __future__ import annotations

import copy
import re
import stat
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
    "closures",
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


MAX_FILE_BYTES = 4 * 1024 * 1024
"""The most a scenario file and its parts may hold together: about 25,000 places, far more
than an exercise names, and read in a few seconds (benchmarks/bench_reading.py)."""
MAX_INCLUDE_DEPTH = 32
"""How deeply parts may include parts."""
_LIBRARY_NAME = re.compile(r"[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*")


class Unreadable(ValueError):
    """A file that cannot be used as a scenario or part: what is wrong and the fix."""

    def __init__(self, message: str, fix: str) -> None:
        self.message, self.fix = message, fix
        super().__init__(f"{message}. Fix: {fix}")


def not_a_file(path: Path) -> bool:
    """Whether something other than a file is at ``path``: a folder, or a pipe or device,
    which reading would wait on for ever (nothing there is for the reading to report)."""
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def read_file(path: Path, budget: int = MAX_FILE_BYTES) -> tuple[str, bytes]:
    """The UTF-8 text of a scenario file or part (a byte-order mark is fine), and its bytes.

    Raises:
        Unreadable: the file cannot be read, is not a file, is larger than ``budget``
            bytes, or is not UTF-8 text.
    """
    if not_a_file(path):
        raise Unreadable("is a folder, a pipe or a device, not a file", "name a TOML file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(budget + 1)
    except OSError as exc:
        raise Unreadable(
            f"cannot read the file ({exc.strerror or exc})", "check the path"
        ) from None
    if len(raw) > budget:
        whole = budget >= MAX_FILE_BYTES
        raise Unreadable(
            f"the file is larger than {_mib(MAX_FILE_BYTES)}"
            if whole
            else f"the file makes the scenario and its parts larger than {_mib(MAX_FILE_BYTES)}",
            "keep the places, roads and units of the exercise area",
        )
    try:
        return raw.decode("utf-8-sig"), raw
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"the file is not UTF-8 text (byte {exc.start})", "save it as UTF-8 (a TOML file)"
        ) from None


def _mib(size: int) -> str:
    return f"{size / 2**20:g} MiB"


def compose(data: dict[str, Any], text: str, file: str | Path) -> tuple[dict[str, Any], Origins]:
    """Resolve the ``include`` of a scenario: the data it stands for, and where each part came from.

    Each part is read once, however often it is reached (by its resolved path).

    Raises:
        ScenarioError: a part is missing, unreadable, too large or not TOML, parts include
            each other or nest too deeply, or two parts define the same id.
    """
    top = Part(str(file), text)
    if "include" not in data:
        return data, Origins(top, table_parts=(top,))
    base = Path(file).parent if not str(file).startswith(LIBRARY) else None
    key = _key(Path(file)) if base is not None else str(file)
    composer = _Composer(str(file), MAX_FILE_BYTES - len(text.encode("utf-8")))
    built = composer.build(top, data, base, (key,))
    merged: dict[str, Any] = copy.deepcopy(built.tables)
    merged["include"] = data["include"]
    items: dict[str, list[list[tuple[Part, int]]]] = {}
    start = (
        merged.get("scenario", {}).get("start")
        if isinstance(merged.get("scenario"), dict)
        else None
    )
    for section, section_items in built.arrays.items():
        merged[section] = [_sourced(section, item, start) for item in section_items]
        items[section] = [item.origins for item in section_items]
    return merged, Origins(top, items, tuple(built.table_parts))


UNSOURCED = "{file}, no source given for {keys}"
"""The source of an item a file overrides without giving one (then the included part's)."""
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(start: Any) -> str | None:
    """The day of the exercise's start as written (a TOML date-time or its text), if any."""
    if hasattr(start, "date"):
        return str(start.date().isoformat())
    found = _DAY.match(start) if isinstance(start, str) else None
    return found.group(0) if found else None


def _sourced(section: str, item: _Item, start: Any) -> dict[str, Any]:
    """An item's data, whose source is that of the last file that changed it: an override
    that gives no source of its own says so (the scenario file, no source given, as of the
    exercise's start; the rest as the part it overrides said), never passing the included
    part's source off as the override's."""
    data = item.data
    old = data.get("source")
    if len(item.origins) < 2 or not isinstance(old, dict):
        return data
    last, index = item.origins[-1]
    given = _parsed(last).get(section, [])[index]
    changed = sorted(k for k in given if k not in ("id", "code", "source", "names"))
    if "source" in given or not changed:
        return data
    shown = (
        last.label if last.label.startswith(LIBRARY) else f"scenario file {Path(last.label).name}"
    )
    origin = item.origins[-2][0].label
    ref = UNSOURCED.format(file=shown, keys=", ".join(changed))
    as_of = _day(start) or old.get("as_of")
    return {
        **data,
        "source": {
            "ref": f"{ref}; the rest as {origin} gives it: {old.get('ref', '')}",
            "as_of": as_of,
            "status": "recalled, unverified",
        },
    }


def _key(path: Path) -> str:
    """A file's identity in a composition: its resolved path."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return str(path.absolute())


def _error(file: str, part: Part, message: str, hint: str) -> ScenarioError:
    line = locate_line(part.text, ["include"])
    shown = None if part.label == file else part.label
    return ScenarioError(file, [Problem("include", message, hint, line, shown)])


def _own(name: str, base: Path | None) -> Path:
    """Where a file's own part is: beside the including file."""
    return Path(name) if base is None else base / name


def _library_root() -> Path:
    return Path(str(resources.files("sim.library")))


def _read_part(name: str, base: Path | None, budget: int = MAX_FILE_BYTES) -> Part | None:
    """The part an include names; None when there is no such file.

    Raises:
        Unreadable: the name is not usable, or the file cannot be read.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or len(name) > 1000:
        raise Unreadable(
            "the name is not a file name (it holds control characters or is too long)",
            "write the file's name as it is on disk",
        )
    if name.startswith(LIBRARY):
        inner = name.removeprefix(LIBRARY)
        if not _LIBRARY_NAME.fullmatch(inner):
            raise Unreadable(
                "the name is not a name of the library (words joined by '/', no '..')",
                "use one of `borderdrill places --parts`",
            )
        path, label = _library_root() / f"{inner}.toml", name
    else:
        path = _own(name, base)
        label = str(path)
    try:
        if not path.exists():
            return None
    except OSError as exc:
        raise Unreadable(
            f"cannot read the file ({exc.strerror or exc})", "check the name"
        ) from None
    return Part(label, read_file(path, budget)[0])


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


class _Composer:
    """One composition: each part read and built once, the bytes read kept within bounds."""

    def __init__(self, file: str, budget: int) -> None:
        self.file, self.budget = file, budget
        self.built: dict[str, _Built] = {}

    def build(
        self, part: Part, data: dict[str, Any], base: Path | None, chain: tuple[str, ...]
    ) -> _Built:
        includes = data.get("include", [])
        if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
            raise self.error(
                part, "include should be a list of part names", 'write include = ["a"]'
            )
        if len(chain) > MAX_INCLUDE_DEPTH:
            raise self.error(
                part,
                f"parts include parts more than {MAX_INCLUDE_DEPTH} deep",
                "include the parts you need from fewer levels",
            )
        built = _Built()
        for name in includes:
            key = name if name.startswith(LIBRARY) else _key(_own(name, base))
            if key in chain:
                cycle = " -> ".join([*chain[chain.index(key) :], key])
                raise self.error(
                    part, f"parts include each other ({cycle})", "remove one of the includes"
                )
            if key not in self.built:
                self.built[key] = self.read(part, name, base, (*chain, key))
            _add_sibling(built, _copy(self.built[key]), self.file)
        _add_own(built, part, data)
        return built

    def read(self, parent: Part, name: str, base: Path | None, chain: tuple[str, ...]) -> _Built:
        """Read, parse and build the part ``name`` that ``parent`` includes."""
        shown = name if name.isprintable() else name.encode("unicode_escape").decode("ascii")
        try:
            child = _read_part(name, base, self.budget)
        except Unreadable as exc:
            raise self.error(parent, f"the part '{shown}': {exc.message}", exc.fix) from None
        if child is None:
            where = "" if name.startswith(LIBRARY) else f" (looked for {chain[-1]})"
            raise self.error(
                parent,
                f"the part '{name}' does not exist{where}",
                f"give a file relative to {parent.label}, or one of {', '.join(library_parts())}",
            )
        self.budget -= len(child.text.encode("utf-8"))
        try:
            child_data = tomllib.loads(child.text)
        except tomllib.TOMLDecodeError as exc:
            raise self.error(
                parent, f"the part '{name}' is not valid TOML: {exc}", "correct that file"
            ) from None
        except RecursionError:
            raise self.error(
                parent,
                f"the part '{name}' has arrays or tables nested too deeply to read",
                "write the data flat: a scenario needs at most a few levels of nesting",
            ) from None
        child_base = None if child.label.startswith(LIBRARY) else Path(child.label).parent
        return self.build(child, child_data, child_base, chain)

    def error(self, part: Part, message: str, hint: str) -> ScenarioError:
        return _error(self.file, part, message, hint)


def _copy(built: _Built) -> _Built:
    """A part's result to merge into one including it (which may change its items)."""
    arrays = {
        section: [_Item(copy.deepcopy(i.data), list(i.origins)) for i in items]
        for section, items in built.arrays.items()
    }
    return _Built(copy.deepcopy(built.tables), list(built.table_parts), arrays)


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

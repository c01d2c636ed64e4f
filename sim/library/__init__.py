"""The library of the border region shipped with borderdrill: TOML parts a scenario includes.

``region/*`` are gazetteers (places, roads, crossings), ``closures/*`` dated closures of the
crossings between two nations, ``nations``, ``needs/*``, ``unit_types/*``, ``units/*`` and
``coordination/*`` the reusable rest. Every entry carries its source (``source = {ref,
as_of, status}``). This module finds entries for ``borderdrill places``, ``borderdrill
library`` and ``borderdrill new``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

REGIONS = "region"
CLOSURES = "closures"
REUSABLE = ("closures", "nations", "needs", "unit_types", "units", "coordination")
"""The folders of the library besides the gazetteers."""
NATIONS = ("TH", "LA", "KH")


@dataclass(frozen=True)
class Point:
    """A place as the library's tools handle it."""

    id: str
    name: str
    nation: str
    kind: str
    lat: float
    lon: float
    water: bool


@dataclass(frozen=True)
class Entry:
    """An entry of a library part (a place, a road, a unit type, ...), with the part."""

    part: str
    section: str
    """The section that holds it: "places", "roads", "crossings", "closures", "nations",
    "needs", "unit_types", "units" or "coordination"."""
    data: dict[str, Any]
    """Its data as the part gives it; a road, a nation and a coordination mechanism are given
    an ``id`` (from--to, the code, the table's name), a road a ``name`` and a ``kind``."""

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def source(self) -> dict[str, str] | None:
        """Its source: ref, as_of and status."""
        found = self.data.get("source")
        return found if isinstance(found, dict) else None

    def matches(self, words: list[str]) -> bool:
        """Whether every word matches: a nation code (TH, LA, KH) its nation (the nation
        itself, or one of the two a closure is between), any other word a piece of its id,
        name, kind, section or part (any case)."""
        data = self.data
        nations = {data.get("nation"), data.get("code"), *data.get("between", [])}
        posts = " ".join(self.data.get("posts", []))
        text = " ".join(
            [self.id, str(self.data.get("name", "")), str(self.data.get("kind", "")), posts]
        )
        text = f"{text} {self.part} {self.section.replace('_', ' ')}".lower()
        for word in words:
            if word.upper() in NATIONS:
                if word.upper() not in nations:
                    return False
            elif word.lower() not in text:
                return False
        return True


def read_part(name: str) -> dict[str, Any]:
    """The data of one library part, by its name without ``library:`` (e.g. "nations")."""
    return tomllib.loads(resources.files(__name__).joinpath(f"{name}.toml").read_text("utf-8"))


def _parts(folder: str) -> list[tuple[str, dict[str, Any]]]:
    """The parts in a folder of the library (e.g. "region"), by name, with their data."""
    root = resources.files(__name__).joinpath(folder)
    return [
        (f"{folder}/{child.name.removesuffix('.toml')}", tomllib.loads(child.read_text("utf-8")))
        for child in sorted(root.iterdir(), key=lambda c: c.name)
        if child.name.endswith(".toml")
    ]


@cache
def gazetteer() -> tuple[Entry, ...]:
    """Every place and crossing of the region parts, in the order of the parts."""
    entries: list[Entry] = []
    for part, data in _parts(REGIONS):
        entries += [Entry(part, "places", p) for p in data.get("places", [])]
        entries += [Entry(part, "crossings", c) for c in data.get("crossings", [])]
    return tuple(entries)


@cache
def roads() -> tuple[Entry, ...]:
    """Every road of the region parts, named by its two ends (with their nation when both
    are in one)."""
    places = {e.id: e.data for e in gazetteer() if e.section == "places"}
    entries: list[Entry] = []
    for part, data in _parts(REGIONS):
        for road in data.get("roads", []):
            ends = [places[road["from"]], places[road["to"]]]
            nations = {end["nation"] for end in ends}
            named = {
                "id": f"{road['from']}--{road['to']}",
                **road,
                "name": " – ".join(end["name"] for end in ends),
                "kind": "road",
            }
            if len(nations) == 1:
                named["nation"] = nations.pop()
            entries.append(Entry(part, "roads", named))
    return tuple(entries)


@cache
def closures() -> tuple[dict[str, Any], ...]:
    """Every dated closure of crossings between two nations (the ``closures`` parts)."""
    return tuple(c for _, data in _parts(CLOSURES) for c in data.get("closures", []))


@cache
def reusable() -> tuple[Entry, ...]:
    """Every entry of the library besides the gazetteers: closures, nations, needs, unit
    types, units and coordination mechanisms."""
    entries: list[Entry] = []
    for folder in REUSABLE:
        for part, data in _parts(folder):
            for section in ("closures", "needs", "unit_types", "units"):
                entries += [Entry(part, section, item) for item in data.get(section, [])]
            entries += [
                Entry(part, "nations", {"id": n["code"], **n}) for n in data.get("nations", [])
            ]
            entries += [
                Entry(part, "coordination", {"id": name, **table})
                for name, table in data.get("coordination", {}).items()
            ]
    return tuple(entries)


def find(words: list[str], among: Iterable[Entry] | None = None) -> list[Entry]:
    """The entries (of the gazetteer unless told) that match every word."""
    return [e for e in (gazetteer() if among is None else among) if e.matches(words)]

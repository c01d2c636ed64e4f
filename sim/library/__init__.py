"""The library of the border region shipped with borderdrill: TOML parts a scenario includes.

``region/*`` are gazetteers (places, roads, crossings), ``nations``, ``needs/*``,
``unit_types/*``, ``units/*`` and ``coordination/*`` the reusable rest. This module finds
entries of the gazetteers for ``borderdrill places`` and ``borderdrill new``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

REGIONS = "region"
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
    """A place or a crossing of the gazetteer, with the part that holds it."""

    part: str
    section: str
    """"places" or "crossings"."""
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def matches(self, words: list[str]) -> bool:
        """Whether every word matches: a nation code (TH, LA, KH) its nation, any other
        word a piece of its id, name, kind or part (any case)."""
        nation = str(self.data.get("nation", ""))
        posts = " ".join(self.data.get("posts", []))
        text = " ".join(
            [self.id, str(self.data.get("name", "")), str(self.data.get("kind", "")), posts]
        )
        text = f"{text} {self.part} {'crossing' if self.section == 'crossings' else ''}".lower()
        for word in words:
            if word.upper() in NATIONS:
                if nation != word.upper():
                    return False
            elif word.lower() not in text:
                return False
        return True


def read_part(name: str) -> dict[str, Any]:
    """The data of one library part, by its name without ``library:`` (e.g. "nations")."""
    return tomllib.loads(resources.files(__name__).joinpath(f"{name}.toml").read_text("utf-8"))


@cache
def gazetteer() -> tuple[Entry, ...]:
    """Every place and crossing of the region parts, in the order of the parts."""
    folder = resources.files(__name__).joinpath(REGIONS)
    entries: list[Entry] = []
    for child in sorted(folder.iterdir(), key=lambda c: c.name):
        if not child.name.endswith(".toml"):
            continue
        part = f"{REGIONS}/{child.name.removesuffix('.toml')}"
        data = tomllib.loads(child.read_text("utf-8"))
        entries += [Entry(part, "places", p) for p in data.get("places", [])]
        entries += [Entry(part, "crossings", c) for c in data.get("crossings", [])]
    return tuple(entries)


def find(words: list[str]) -> list[Entry]:
    """The gazetteer entries that match every word."""
    return [e for e in gazetteer() if e.matches(words)]

"""Planners' names for what a scenario's ids stand for: places, roads, units, crossings,
agencies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.i18n import translator
from sim.scenario import Scenario
from sim.scenario.schema import ScriptNames


def plain(name: str) -> str:
    """A name without its parenthesised notes, wherever they are ("Khlong Luek (Aranyaprathet)
    - Poipet" is "Khlong Luek - Poipet"), notes within notes too, never cut: a figure wraps
    it or makes room."""
    while (shorter := re.sub(r"\([^()]*\)", " ", name)) != name:
        name = shorter
    return " ".join(name.split()).replace(" ,", ",")


def in_script(
    name: str, names: ScriptNames | None, lang: str, romanised: bool = True, notes: bool = True
) -> str:
    """A name in the reader's script, with the romanised ``name`` beside it in brackets
    ("ปากเซ (Pakse)"); the romanised name alone when there is none in that script (or the
    reader reads English). ``romanised=False``: the script's name alone (a unit type);
    ``notes=False``: both without any of their parenthesised notes (a map's label)."""
    written = getattr(names, lang, None) if names is not None and lang != "en" else None
    if not written:
        return name if notes else plain(name)
    if not notes:
        return f"{plain(written)} ({plain(name)})" if romanised else plain(written)
    return f"{written} ({plain(name)})" if romanised else written


@dataclass(frozen=True)
class Names:
    """Lookups from ids to names; an unknown id is shown as it is."""

    places: dict[str, str]
    roads: dict[str, str]
    units: dict[str, str]
    """Names for tables: nation, type and base, without notes."""
    unit_types: dict[str, str]
    units_in_full: dict[str, str]
    """Names for sentences: the type and where it is based, uncut."""
    crossings: dict[str, str]
    needs: dict[str, str]
    nations: dict[str, str]
    gauges: dict[str, str]
    agencies: dict[tuple[str, str], str]
    """Each nation's agencies (by nation code and the agency as written)."""
    lang: str = "en"
    """The reader's language (``sim.i18n``) the names are in."""

    @classmethod
    def of(cls, scenario: Scenario, lang: str = "en") -> Names:
        """The names of a scenario's ids, in the reader's language (``sim.i18n``)."""
        places = {p.id: in_script(p.name, p.names, lang) for p in scenario.places}
        types = {
            t.id: in_script(t.name, t.names, lang, romanised=False) for t in scenario.unit_types
        }
        t = translator(lang)
        units: dict[str, str] = {}
        units_in_full: dict[str, str] = {}
        for group in scenario.units:
            ids = group.unit_ids()
            kind = types.get(group.type, group.type)
            base = places.get(group.base, group.base)
            for number, unit in enumerate(ids, start=1):
                suffix = f" {number}" if len(ids) > 1 else ""
                units[unit] = f"{group.nation} {plain(kind)}, {plain(base)}{suffix}"
                units_in_full[unit] = t(
                    "%(kind)s%(number)s from %(base)s",
                    kind=kind.split(" (")[0],
                    number=suffix,
                    base=base,
                )
        return cls(
            places=places,
            roads={
                r.key: f"{plain(places.get(r.from_, r.from_))} – {plain(places.get(r.to, r.to))}"
                for r in scenario.roads
            },
            units=units,
            unit_types={key: kind.split(" (")[0] for key, kind in types.items()},
            units_in_full=units_in_full,
            crossings={c.id: in_script(c.name, c.names, lang) for c in scenario.crossings},
            needs={n.id: in_script(n.name, n.names, lang, romanised=False) for n in scenario.needs},
            nations={
                n.code: in_script(n.name, n.names, lang, romanised=False) for n in scenario.nations
            },
            gauges={g.id: in_script(g.name, g.names, lang) for g in scenario.gauges},
            agencies={
                key: in_script(key[1], agency_names, lang)
                for key, agency_names in scenario.agencies().items()
            },
            lang=lang,
        )

    def place(self, key: str) -> str:
        return self.places.get(key, key)

    def road(self, key: str) -> str:
        return self.roads.get(key, key)

    def agency(self, nation: str, agency: str) -> str:
        """A nation's agency in the reader's script, with the name as written beside it."""
        return self.agencies.get((nation, agency), agency)

    def unit(self, key: str) -> str:
        return self.units.get(key, key)

    def unit_in_full(self, key: str) -> str:
        """A unit named for a sentence: its type and base, uncut."""
        return self.units_in_full.get(key, key)

    def unit_group(self, key: str) -> str:
        """A unit, or a group of units by its id (named without the number)."""
        if key in self.units:
            return self.units[key]
        first = self.units.get(f"{key}-1")
        if first is None:
            return key
        t = translator(self.lang)
        return t("%(units)s (all)", units=first.rsplit(" ", 1)[0])

"""Planners' names for what a scenario's ids stand for: places, roads, units, crossings."""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario import Scenario


def short(name: str, limit: int = 28) -> str:
    """A place name without its parenthesised note, cut between words to at most
    ``limit`` characters (a single word longer than that is kept whole)."""
    plain = name.split(" (")[0].strip()
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,–-")
    return (cut or plain.split(" ")[0]) + "…"


@dataclass(frozen=True)
class Names:
    """Lookups from ids to names; an unknown id is shown as it is."""

    places: dict[str, str]
    roads: dict[str, str]
    units: dict[str, str]
    """Short names, for tables."""
    units_in_full: dict[str, str]
    """Names for sentences: the type and where it is based, uncut."""
    crossings: dict[str, str]
    needs: dict[str, str]
    nations: dict[str, str]
    gauges: dict[str, str]

    @classmethod
    def of(cls, scenario: Scenario) -> Names:
        places = {p.id: p.name for p in scenario.places}
        types = {t.id: t.name for t in scenario.unit_types}
        units: dict[str, str] = {}
        units_in_full: dict[str, str] = {}
        for group in scenario.units:
            ids = group.unit_ids()
            kind = types.get(group.type, group.type)
            base = places.get(group.base, group.base)
            for number, unit in enumerate(ids, start=1):
                suffix = f" {number}" if len(ids) > 1 else ""
                units[unit] = f"{group.nation} {short(kind, 24)}, {short(base, 20)}{suffix}"
                units_in_full[unit] = f"{kind.split(' (')[0]}{suffix} from {base}"
        return cls(
            places=places,
            roads={
                r.key: f"{short(places.get(r.from_, r.from_), 20)} – "
                f"{short(places.get(r.to, r.to), 20)}"
                for r in scenario.roads
            },
            units=units,
            units_in_full=units_in_full,
            crossings={c.id: c.name for c in scenario.crossings},
            needs={n.id: n.name for n in scenario.needs},
            nations={n.code: n.name for n in scenario.nations},
            gauges={g.id: g.name for g in scenario.gauges},
        )

    def place(self, key: str) -> str:
        return self.places.get(key, key)

    def road(self, key: str) -> str:
        return self.roads.get(key, key)

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
        return first.rsplit(" ", 1)[0] + " (all)" if first else key

"""Which needs at which places no fielded unit can ever serve (a scenario check)."""

from __future__ import annotations

from sim.scenario.errors import Problem
from sim.scenario.schema import IncidentInject, Scenario
from sim.world.geography import RoadNetwork


def unreachable_needs(scenario: Scenario) -> list[Problem]:
    """Warnings for scripted or background incidents that no unit could reach and serve.

    A unit type serves a need at a place when it is capable of the need, can work there
    (boats need water access) and can get there: aircraft always, road and boat units by a
    road route from a base of theirs with every road open.
    """
    network = RoadNetwork.of(scenario)
    types = {t.id: t for t in scenario.unit_types}
    fielded = [(types[g.type], g.base) for g in scenario.units if g.type in types and not g.joint]
    no_closures: frozenset[str] = frozenset()

    def servable(place: str, need: str) -> bool:
        where = network.places[place]
        for unit_type, base in fielded:
            if need not in unit_type.capabilities:
                continue
            if unit_type.mode == "water" and not where.water_access:
                continue
            if unit_type.mode == "air" or network.route(
                base, place, unit_type.speed_kmh, no_closures
            ):
                return True
        return False

    warnings = []
    for i, inj in enumerate(scenario.injects):
        if isinstance(inj, IncidentInject) and not servable(inj.place, inj.need):
            warnings.append(_warning(f"injects[{i}]", inj.place, inj.need))
    for i, gen in enumerate(scenario.generators):
        for j, place in enumerate(gen.places):
            if not servable(place, gen.need):
                warnings.append(_warning(f"generators[{i}].places[{j}]", place, gen.need))
    return warnings


def _warning(path: str, place: str, need: str) -> Problem:
    return Problem(
        path,
        f"no unit can serve '{need}' at '{place}' (none capable reaches it by air, by road, "
        "or by boat where there is water access)",
        "add a road, a capable unit, or water_access; such incidents stay unserved",
    )

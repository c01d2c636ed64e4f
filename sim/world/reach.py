"""Checks of a scenario that need its road network: who can reach what, and how soon."""

from __future__ import annotations

from collections.abc import Iterator

from sim.scenario.errors import Problem
from sim.scenario.quantities import format_duration
from sim.scenario.schema import IncidentInject, Scenario, UnitGroup, UnitType
from sim.world.geography import RoadNetwork

NO_CLOSURES: frozenset[str] = frozenset()


def route_warnings(scenario: Scenario) -> list[Problem]:
    """Every warning that needs routing: unreachable needs, needs out of reach of their
    target, crossings no road reaches."""
    return [
        *unreachable_needs(scenario),
        *late_needs(scenario),
        *unreached_crossings(scenario),
    ]


def _fielded(scenario: Scenario) -> list[tuple[UnitGroup, UnitType]]:
    types = {t.id: t for t in scenario.unit_types}
    joint_on = scenario.coordination.joint_teams.enabled
    return [
        (g, types[g.type]) for g in scenario.units if g.type in types and (joint_on or not g.joint)
    ]


def _fastest_min(network: RoadNetwork, unit_type: UnitType, base: str, place: str) -> float | None:
    """Travel minutes from a base to a place with every road open, or None if out of reach."""
    if unit_type.mode == "air":
        return network.distance_km(base, place) / unit_type.speed_kmh * 60.0
    if unit_type.mode == "water" and not network.places[place].water_access:
        return None
    route = network.route(base, place, unit_type.speed_kmh, NO_CLOSURES)
    return None if route is None else route.estimate_min


def _needs_at_places(scenario: Scenario) -> Iterator[tuple[str, str, str]]:
    """(path, place, need) of every incident the file foresees: injects, generators, floods."""
    for i, inj in enumerate(scenario.injects):
        if isinstance(inj, IncidentInject):
            yield f"injects[{i}]", inj.place, inj.need
    for i, gen in enumerate(scenario.generators):
        for j, place in enumerate(gen.places):
            yield f"generators[{i}].places[{j}]", place, gen.need
    for i, p in enumerate(scenario.places):
        if p.flood is not None:
            yield f"places[{i}].flood", p.id, p.flood.need


def unreachable_needs(scenario: Scenario) -> list[Problem]:
    """Warnings for incidents (scripted, background, floods) that no unit could reach and serve.

    A unit type serves a need at a place when it is capable of the need, can work there
    (boats need water access) and can get there: aircraft always, road and boat units by a
    road route from a base of theirs with every road open. Joint teams count when in force.
    """
    network = RoadNetwork.of(scenario)
    fielded = _fielded(scenario)
    warnings = []
    for path, place, need in _needs_at_places(scenario):
        if not any(
            need in t.capabilities and _fastest_min(network, t, g.base, place) is not None
            for g, t in fielded
        ):
            warnings.append(
                Problem(
                    path,
                    f"no unit can serve '{need}' at '{place}' (none capable reaches it by "
                    "air, by road, or by boat where there is water access)",
                    "add a road, a capable unit, or water_access; such incidents stay unserved",
                )
            )
    return warnings


def late_needs(scenario: Scenario) -> list[Problem]:
    """Warnings for needs that even the fastest capable unit cannot reach within the target.

    The bound is generous: the unit sets out the moment the need occurs (no detection,
    report, request or approval), after its mean mobilisation, on the fastest open route.
    """
    network = RoadNetwork.of(scenario)
    fielded = _fielded(scenario)
    targets = {n.id: n.target for n in scenario.needs}
    warnings = []
    seen: set[tuple[str, str]] = set()
    for path, place, need in _needs_at_places(scenario):
        if (place, need) in seen or need not in targets:
            continue
        seen.add((place, need))
        best: tuple[float, float, str] | None = None
        for g, t in fielded:
            if need not in t.capabilities:
                continue
            travel = _fastest_min(network, t, g.base, place)
            if travel is None:
                continue
            mobilise = t.mobilisation.mean
            if best is None or mobilise + travel < best[0] + best[1]:
                best = (mobilise, travel, g.id)
        if best is None:
            continue  # said by unreachable_needs
        mobilise, travel, unit = best
        if mobilise + travel > targets[need]:
            warnings.append(
                Problem(
                    path,
                    f"no unit can reach '{need}' at '{place}' within its target of "
                    f"{format_duration(targets[need])}: the fastest, '{unit}', needs about "
                    f"{format_duration(mobilise + travel)} (mobilisation "
                    f"{format_duration(mobilise)} + travel {format_duration(travel)}) "
                    "even leaving the moment it happens",
                    "base a capable unit nearer, add a shorter road, or set a target this "
                    "stretch of border can meet",
                )
            )
    return warnings


def unreached_crossings(scenario: Scenario) -> list[Problem]:
    """Warnings for border crossings that no road reaches, or no ground unit can get to."""
    network = RoadNetwork.of(scenario)
    ends = {r.from_ for r in scenario.roads} | {r.to for r in scenario.roads}
    ground = [(g, t) for g, t in _fielded(scenario) if t.mode != "air"]
    warnings = []
    for i, c in enumerate(scenario.crossings):
        bare = [post for post in c.posts if post not in ends]
        if bare:
            warnings.append(
                Problem(
                    f"crossings[{i}].posts",
                    f"no road reaches {' or '.join(repr(p) for p in bare)}, so no convoy "
                    f"can use the crossing '{c.id}'",
                    "add a [[roads]] from each post to a town on its own side",
                )
            )
            continue
        if ground and not any(
            network.route(g.base, post, t.speed_kmh, NO_CLOSURES) is not None
            for g, t in ground
            for post in c.posts
        ):
            warnings.append(
                Problem(
                    f"crossings[{i}]",
                    f"no road or boat unit can reach the crossing '{c.id}' from its base",
                    "join the posts' roads to the roads of the units' bases",
                )
            )
    return warnings

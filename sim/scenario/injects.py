"""Which nations an inject of the MSEL concerns."""

from __future__ import annotations

from sim.scenario import schema
from sim.scenario.schema import Scenario


def inject_nations(scenario: Scenario, inject: object) -> list[str]:
    """The nations an inject acts in (whose controller gives it, whose EOC plays it)."""
    places = {p.id: p.nation for p in scenario.places}
    match inject:
        case schema.IncidentInject():
            return [places[inject.place]]
        case schema.RoadClosedInject() | schema.RoadReopenedInject():
            road = next((r for r in scenario.roads if r.key == inject.road), None)
            return [places[road.from_]] if road is not None else []
        case schema.CrossingClosedInject() | schema.CrossingReopenedInject():
            crossing = next(c for c in scenario.crossings if c.id == inject.crossing)
            return sorted({places[p] for p in crossing.posts})
        case schema.UnitBreakdownInject():
            return sorted({g.nation for g in scenario.units if inject.unit.startswith(g.id)})
        case schema.GroundingInject():
            return list(inject.nations) or [n.code for n in scenario.nations]
        case schema.ChannelOutageInject():
            return [n for n in inject.between if n in {x.code for x in scenario.nations}]
        case schema.WarningInject():
            return sorted({places[p] for p in inject.places})
    return [n.code for n in scenario.nations]

"""The MSEL: scripted events applied at their times."""

from __future__ import annotations

from collections.abc import Generator
from functools import partial
from typing import TYPE_CHECKING, Any

from sim import log
from sim.decisions import points as d
from sim.log import InjectInfo
from sim.scenario import format_duration, schema

if TYPE_CHECKING:
    from sim.model.simulation import Simulation


def describe_injects(scenario: schema.Scenario) -> list[InjectInfo]:
    """The injects in time order, as the report's timeline lists them."""
    names = {p.id: p.name for p in scenario.places} | {c.id: c.name for c in scenario.crossings}
    rows = []
    for index, inj in enumerate(scenario.injects):
        duration: float | None = getattr(inj, "for_", None)
        lasting = f" for {format_duration(duration)}" if duration else ""
        match inj:
            case schema.IncidentInject():
                subject = f"{inj.people} people, {inj.need} at {names[inj.place]}"
            case schema.RoadClosedInject() | schema.RoadReopenedInject():
                subject = inj.road
            case schema.CrossingClosedInject() | schema.CrossingReopenedInject():
                subject = names[inj.crossing]
            case schema.UnitBreakdownInject():
                subject = inj.unit
            case schema.GroundingInject():
                subject = ", ".join(inj.nations) or "all nations"
            case schema.ChannelOutageInject():
                subject = "-".join(inj.between)
            case schema.WindShiftInject():
                subject = f"wind toward {inj.toward_deg:g}°, {inj.speed_kmh:g} km/h"
            case schema.WarningInject():
                places = ", ".join(names[p] for p in inj.places)
                subject = f"{inj.observed_by} reading for {places}"
        rows.append(
            InjectInfo(
                index,
                scenario.offset_min(inj.at),
                inj.type,
                subject + lasting,
                str(inj.synopsis or ""),
                str(inj.expected_action or ""),
            )
        )
    return sorted(rows, key=lambda r: (r.at_min, r.number))


def run_msel(sim: Simulation) -> Generator[Any, Any, None]:
    """Apply each inject at its time (a SimPy process)."""
    env = sim.env
    for info in sim.log.injects:
        if info.at_min >= sim.scenario.duration_min:
            break
        if info.at_min > env.now:
            yield env.timeout(info.at_min - env.now)
        sim.record((env.now, log.INJECT, -1, "", str(info.number)))
        apply_inject(sim, sim.scenario.injects[info.number], info.number)


def apply_inject(sim: Simulation, inj: schema.Inject, index: int) -> None:
    """Make one inject happen now."""
    env = sim.env
    match inj:
        case schema.IncidentInject():
            sim.raise_incident(inj.place, inj.need, inj.people, inj.priority, f"inject {index}")
        case schema.RoadClosedInject():
            sim.close_for(inj.road, inj.for_, crossing=False)
        case schema.RoadReopenedInject():
            sim.reopen_by_inject(inj.road, crossing=False)
        case schema.CrossingClosedInject():
            sim.close_for(inj.crossing, inj.for_, crossing=True)
        case schema.CrossingReopenedInject():
            sim.reopen_by_inject(inj.crossing, crossing=True)
        case schema.UnitBreakdownInject():
            until = env.now + inj.for_
            for unit in sim.units_named(inj.unit):
                sim.break_down(unit, until)
                sim.record((env.now, log.UNIT_DOWN, -1, unit.id, f"{inj.for_:g}"))
                sim.later(inj.for_, partial(sim.unit_repaired, unit))
        case schema.GroundingInject():
            until = env.now + inj.for_
            for nation in inj.nations or tuple(sim.nations):
                sim.grounded_until[nation] = max(sim.grounded_until.get(nation, 0.0), until)
            subject = ",".join(inj.nations) or "all"
            sim.record((env.now, log.GROUNDED, -1, "", subject))
            sim.planner.everyone()  # aircraft on their way or chosen may now come later
            sim.later(inj.for_, partial(ungrounded, sim, subject))
        case schema.ChannelOutageInject():
            sim.comms.outage(*inj.between, inj.for_)
        case schema.WindShiftInject():
            if sim.fire is not None:
                sim.fire.grid.wind_toward_deg, sim.fire.grid.wind_kmh = (
                    inj.toward_deg,
                    inj.speed_kmh,
                )
            sim.record((env.now, log.WIND_SHIFT, -1, "", f"{inj.toward_deg:g} {inj.speed_kmh:g}"))
        case schema.WarningInject():
            by_nation: dict[str, list[str]] = {}
            for place in inj.places:
                by_nation.setdefault(sim.geography.places[place].nation, []).append(place)
            for nation, places in by_nation.items():
                env.process(pass_warning(sim, inj.observed_by, nation, places))


def pass_warning(
    sim: Simulation, observer: str, nation: str, places: list[str]
) -> Generator[Any, Any, None]:
    """A warning reaches the nation's EOC, then its village leaders order evacuations.

    A warning from another nation crosses the border only with information sharing.
    """
    eoc = sim.responsible_eoc(places[0])
    if observer != nation:
        if not sim.scenario.coordination.information_sharing.enabled:
            sim.record((sim.env.now, log.WARNING_NOT_SHARED, -1, "", f"{observer}>{nation}"))
            return
        yield from sim.comms.send(observer, nation, eoc, "warning", ",".join(sorted(places)))
    authorities = sim.scenario.coordination.local_authorities
    delay = authorities.coordinated_order_delay if authorities.enabled else authorities.order_delay
    sim.warned.add(nation)
    sim.planner.changed(nation)
    for place in sorted(places):
        sim.warnings[place] = sim.warnings.get(place, 0) + 1
        stream = sim.random.of("authorities", f"{place}/{sim.warnings[place]}")
        sim.env.process(decide_evacuation(sim, nation, place, delay.draw(stream)))


def decide_evacuation(
    sim: Simulation, nation: str, place: str, deliberation: float
) -> Generator[Any, Any, None]:
    """The village leaders decide on an evacuation order after their deliberation."""
    yield sim.env.timeout(deliberation)
    if place in sim.evacuation_ordered_at:
        return
    point = d.DecisionPoint(
        sim.env.now,
        f"{nation}-local",
        d.EVACUATE,
        place,
        -1,
        (d.Option(d.YES), d.Option(d.NO)),
        d.Choice(d.YES, d.WARNING),
    )
    choice = yield from sim.points.decision(point)
    if choice.choice == d.YES:
        sim.order_evacuation(place)


def ungrounded(sim: Simulation, subject: str) -> None:
    """A grounding ends: aircraft may fly again, and every party looks again."""
    sim.record((sim.env.now, log.UNGROUNDED, -1, "", subject))
    sim.planner.everyone()

"""One replication of a scenario: the SimPy environment and the state processes share."""

from __future__ import annotations

from collections.abc import Callable, Generator
from statistics import fmean
from typing import Any

import simpy

from sim import log
from sim.decisions import points as d
from sim.decisions.doctrine import Planner
from sim.decisions.lifecycle import Points
from sim.log import JOINT, Event, IncidentInfo, RunLog, UnitInfo
from sim.model import arrangements
from sim.model.closures import apply_closures
from sim.model.comms import Comms
from sim.model.crossings import BorderCrossing
from sim.model.dispatch import Eoc, request_assistance
from sim.model.entities import Incident, Unit
from sim.model.flood import run_flood
from sim.model.incidents import incident_life, plan_background_incidents
from sim.model.injects import describe_injects, run_msel
from sim.model.random import streams
from sim.model.units import unit_life
from sim.model.wildfire import Wildfire
from sim.scenario.schema import Nation, Scenario
from sim.world import Clock, Geography
from sim.world.geography import Route, Territory


class Simulation:
    """A scenario built into SimPy processes for one seed and replication."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        replication: int = 0,
        policy: d.Policy | None = None,
    ) -> None:
        self.scenario = scenario
        self.policy: d.Policy = policy or d.Doctrine()
        self.seed = scenario.run.seed if seed is None else seed
        self.env = simpy.Environment()
        self.random = streams(self.seed, replication)
        self.in_force: frozenset[str] = arrangements.in_force_at_start(scenario)
        """The coordination arrangements in force now (``sim.model.arrangements``)."""
        operations = scenario.coordination.border_operations
        self.geography = Geography(
            scenario,
            operations.fast_track.mean if arrangements.FAST_TRACK in self.in_force else None,
        )
        self.clock = Clock(
            scenario.scenario.start,
            fmean(p.lat for p in scenario.places),
            fmean(p.lon for p in scenario.places),
            scenario.duration_min,
        )
        self.nations: dict[str, Nation] = {n.code: n for n in scenario.nations}
        self.needs = {n.id: n for n in scenario.needs}
        self.eocs = [Eoc(self, spec, n.code) for n in scenario.nations for spec in n.eocs]
        self.crossings = {c.id: BorderCrossing(self, c) for c in scenario.crossings}
        self.comms = Comms(self)
        types = {t.id: t for t in scenario.unit_types}
        self.all_unit_types = frozenset(types)
        teams = scenario.coordination.joint_teams.enabled
        self.units = [
            Unit(
                uid,
                JOINT if g.joint else g.nation,
                g.agency,
                types[g.type],
                g.base,
                g.base,
                self.env.event(),
            )
            for g in scenario.units
            if teams or not g.joint
            for uid in g.unit_ids()
        ]
        self._units = {u.id: u for u in self.units}
        self.unit_groups = {g.id: g.unit_ids() for g in scenario.units}
        self._group_of = {u: g for g, ids in self.unit_groups.items() for u in ids}
        self.points = Points(self)
        """The decision points raised so far, and those still open."""
        self.planner = Planner(self)
        self._closing: dict[str, simpy.Event] = {}
        self._territories: dict[tuple[str, str, str], Territory] = {}
        self._may_reach: dict[tuple[str, str, str], bool] = {}
        """``may_reach`` by (nation, origin nation, destination) while the ways open stay so."""
        self._reach_closed: frozenset[str] | None = None
        self.way_reopened = self.env.event()
        """Succeeds when a road or crossing reopens (then is renewed)."""
        self.evacuation_ordered_at: dict[str, float] = {}
        self.warnings: dict[str, int] = {}
        """Warnings received so far, by place."""
        self.warned: set[str] = set()
        """Nations that have received a warning for places of their own."""
        self.grounded_until: dict[str, float] = {}
        self._eoc_of_place: dict[str, Eoc] = {}
        self._watcher: dict[str, str | None] = {}
        self._holds: dict[str, set[str]] = {}
        self._closures = 0
        self.incidents: list[Incident] = []
        self.incidents_by_ref: dict[str, Incident] = {}
        self._by_key: dict[str, Incident] = {}
        self._refs: dict[str, int] = {}
        self.log = RunLog(
            scenario=scenario.scenario.name.en,
            seed=self.seed,
            replication=replication,
            horizon_min=scenario.duration_min,
            start=scenario.scenario.start.isoformat(),
            units=[
                UnitInfo(u.id, u.nation, u.agency, u.type.id, u.type.mode, u.base)
                for u in self.units
            ],
            injects=describe_injects(scenario),
            needs={n.id: n.name for n in scenario.needs},
        )
        events, new = self.log.events, tuple.__new__
        self.record: Callable[[tuple[float, str, int, str, str]], None] = lambda entry: (
            events.append(new(Event, entry))
        )
        """Log an event ``(time_min, event, incident, unit, detail)``."""
        for unit in self.units:
            self.env.process(unit_life(self, unit))
        self.env.process(run_msel(self))
        apply_closures(self)
        if scenario.gauges:
            self.env.process(run_flood(self))
        self.fire = Wildfire(self) if scenario.wildfire is not None else None
        if self.fire is not None:
            self.env.process(self.fire.run())
        self.env.process(
            self._background(plan_background_incidents(scenario, self.random["hazard"]))
        )

    def decided(self, record: log.Decision) -> None:
        """Log a decision event, typed, its detail written from it."""
        self.log.decisions.append(record)
        self.record((record.time_min, record.event, record.incident, record.unit, str(record)))

    def waited(self, record: log.Wait) -> None:
        """Log a unit's wait before it can move or work, typed, its detail written from it."""
        self.log.waits.append(record)
        self.record((record.time_min, log.WAITED, record.incident, record.unit, str(record)))

    def run(self) -> RunLog:
        """Run to the scenario's end (from wherever it was stepped to) and hand back the log."""
        if self.env.now < self.scenario.duration_min:
            self.env.run(until=self.scenario.duration_min)
        if self.fire is not None:
            self.log.fire = self.fire.snapshot()
        return self.log

    def switch_on(self, arrangement: str) -> None:
        """Put a coordination arrangement in force from now (``sim.model.arrangements``).

        Raises:
            ArrangementRefused: an unknown arrangement, or one already in force (a
                ValueError; nothing changes).
        """
        arrangements.switch_on(self, arrangement)

    # incidents and dispatch

    def raise_incident(
        self, place: str, need: str, people: int, priority: int | None, source: str
    ) -> Incident | None:
        """Create an incident now and start its life (None if everyone had left on an order)."""
        spec = self.needs[need]
        where = self.geography.places[place]
        people = self._people_left(place, spec.averted_by_evacuation, people)
        if people == 0:
            return None
        source_ = source.replace(" ", "_")
        key = f"{place}/{need}/{self.env.now:.4f}/{source_}"
        kin = f"{place}/{need}/{source_}"
        self._refs[kin] = self._refs.get(kin, 0) + 1
        incident = Incident(
            len(self.incidents),
            key,
            where,
            spec,
            people,
            priority or spec.priority,
            self.env.now,
            f"{kin}#{self._refs[kin]}",
        )
        self.incidents.append(incident)
        self.incidents_by_ref[incident.ref] = incident
        self._by_key[key] = incident
        self.log.incidents.append(
            IncidentInfo(
                incident.id,
                place,
                where.name,
                where.nation,
                need,
                0 if spec.work == "suppress" else people,  # a fire is no people to carry
                incident.priority,
                spec.target,
                source,
            )
        )
        self.env.process(incident_life(self, incident))
        return incident

    def _people_left(self, place: str, averted_by_evacuation: bool, people: int) -> int:
        """People still in need after an evacuation order that came early enough."""
        ordered_at = self.evacuation_ordered_at.get(place)
        authorities = self.scenario.coordination.local_authorities
        if not averted_by_evacuation or ordered_at is None:
            return people
        if self.env.now - ordered_at < authorities.lead_needed:
            return people
        left = round(people * (1 - authorities.evacuated_share))
        event = log.EVACUATED if left else log.AVERTED
        self.record((self.env.now, event, -1, "", f"{place} {people - left}"))
        return left

    def ref_of(self, subject: str) -> str:
        """What names a decision's subject in every replication: an incident's ``ref``
        for its key; a place as it is."""
        incident = self._by_key.get(subject)
        return subject if incident is None else incident.ref

    def order_evacuation(self, place: str) -> None:
        """A village evacuation order is issued now (the first one counts)."""
        if place not in self.evacuation_ordered_at:
            self.evacuation_ordered_at[place] = self.env.now
            self.record((self.env.now, log.EVACUATION_ORDERED, -1, "", place))

    def pre_authorised_types(self, asking: str, helping: str) -> frozenset[str] | None:
        """Unit types ``helping`` may send ``asking`` unapproved (None: approval needed)."""
        assistance = self.scenario.coordination.mutual_assistance
        if not assistance.pre_authorized:
            return None
        if not assistance.agreements:
            return self.all_unit_types
        allowed = [
            a.unit_types or tuple(self.all_unit_types)
            for a in assistance.agreements
            if set(a.between) == {asking, helping}
        ]
        return frozenset(t for types in allowed for t in types) if allowed else None

    def border_watcher(self, place: str) -> str | None:
        """The other nation whose border units watch this place (with information sharing)."""
        sharing = self.scenario.coordination.information_sharing
        if not sharing.enabled:
            return None
        if place not in self._watcher:
            here = self.geography.places[place]
            posts = [
                (self.geography.distance_km(p.id, place), p.nation)
                for p in self.geography.places.values()
                if p.kind == "border_post" and p.nation != here.nation
            ]
            nearest = min(posts, default=None)
            self._watcher[place] = (
                nearest[1] if nearest and nearest[0] <= sharing.border_zone_km else None
            )
        return self._watcher[place]

    def responsible_eoc(self, place: str) -> Eoc:
        """The nearest EOC of the place's nation."""
        if place not in self._eoc_of_place:
            where = self.geography.places[place]
            own = [e for e in self.eocs if e.nation == where.nation]
            self._eoc_of_place[place] = min(
                own, key=lambda e: self.geography.distance_km(e.place, place)
            )
        return self._eoc_of_place[place]

    def ask_for_help(self, asking: str, nation: str, incident: Incident) -> None:
        """Send a request for help with an incident to a nation (its EOC nearest the place)."""
        incident.requests[nation] = ("sent", self.env.now)
        eoc = min(
            (e for e in self.eocs if e.nation == nation),
            key=lambda e: self.geography.distance_km(e.place, incident.place.id),
        )
        self.env.process(request_assistance(self, asking, eoc, incident))

    # decisions

    def twin(self, unit: str, options: list[str]) -> str | None:
        """An option that is a unit of the same group as ``unit`` (interchangeable with it)."""
        group = self._group_of.get(unit)
        return next((o for o in options if group and self._group_of.get(o) == group), None)

    # units

    def unit(self, unit_id: str) -> Unit:
        """A unit by its id."""
        return self._units[unit_id]

    def readiness(self, unit: Unit, incident: Incident) -> float:
        """How long a unit's crew, called at base for an incident, takes to mobilise for
        it: one draw for the pair (the same whenever asked), known once the crew is called
        (the duty officer calls the crews of the units it weighs); kept on the incident
        while it is open."""
        mobilisation = unit.type.mobilisation
        if mobilisation.least == mobilisation.mean:  # fixed: nothing to draw
            return mobilisation.mean
        minutes = incident.crews.get(unit)
        if minutes is None:
            stream = self.random.afresh("readiness", f"{unit.id}/{incident.key}")
            minutes = incident.crews[unit] = mobilisation.draw(stream)
        return minutes

    def poke(self, unit: Unit) -> None:
        """Make a unit look at its task again (a new task, a recall, a breakdown)."""
        if not unit.signal.triggered:
            unit.signal.succeed()

    def renew_signal(self, unit: Unit) -> None:
        """After a unit has reacted to its signal: a fresh one for next time."""
        if unit.signal.triggered:
            unit.signal = self.env.event()

    def unit_repaired(self, unit: Unit) -> None:
        """A broken-down unit is back in service."""
        if unit.down_until <= self.env.now:
            self.record((self.env.now, log.UNIT_REPAIRED, -1, unit.id, ""))
            self.planner.unit_free(unit)
            if unit.task is not None:
                self.planner.incident_changed(unit.task)

    def break_down(self, unit: Unit, until: float) -> None:
        """A unit breaks down where it is, until ``until``."""
        unit.down_until = max(unit.down_until, until)
        self.planner.unit_busy(unit)
        self.poke(unit)
        if unit.task is not None:
            self.planner.incident_changed(unit.task)

    def units_named(self, name: str) -> list[Unit]:
        """The units an inject names: one unit id, or a whole group's id."""
        ids = set(self.unit_groups.get(name, [name]))
        return [u for u in self.units if u.id in ids]

    # the world

    def flyable_from(
        self,
        unit: Unit,
        t: float,
        minutes: float = 0.0,
        where: str | None = None,
        to: str | None = None,
    ) -> float:
        """The first time at or after t when this aircraft may fly ``minutes`` from ``where``
        (to ``to``).

        Not broken down, not grounded (in its own nation, where it is, or where it flies
        to: a joint team is grounded with the nation it is in), and for ``day_only``
        aircraft with the flight or trip ending before sunset.
        """
        grounded = self.grounded_until
        nations = self._airspace(unit, where, to) if grounded else ()
        while True:
            ready = max(t, unit.down_until)
            for nation in nations:
                ready = max(ready, grounded.get(nation, 0.0))
            if unit.type.day_only:
                ready = self.clock.daylight_for(ready, minutes)
            if ready == t:
                return t
            t = ready

    def grounded(self, unit: Unit, t: float, to: str | None = None) -> bool:
        """Whether an aircraft is grounded at t where it is (or where it would fly to)."""
        return any(self.grounded_until.get(n, 0.0) > t for n in self._airspace(unit, None, to))

    def _airspace(self, unit: Unit, where: str | None, to: str | None) -> set[str]:
        places = self.geography.places
        nations = {unit.nation, places[where or unit.location].nation}
        if to is not None:
            nations.add(places[to].nation)
        return nations

    def travel_estimate(self, unit: Unit, origin: str, destination: str) -> float | None:
        """Planned travel minutes between two places for this unit (None if no open road)."""
        if unit.type.mode == "air":
            return self.geography.distance_km(origin, destination) / unit.type.speed_kmh * 60
        return self.geography.minutes(
            origin, destination, unit.type.speed_kmh, self.territory(unit, origin, destination)
        )

    def route(self, unit: Unit, origin: str, destination: str) -> Route | None:
        """The fastest road route open now for this unit, on territory it may enter."""
        return self.geography.route(
            origin, destination, unit.type.speed_kmh, self.territory(unit, origin, destination)
        )

    def reaches(self, unit: Unit, origin: str, destination: str) -> bool:
        """Whether this unit has any way open now between two places (an aircraft always):
        exactly when ``route`` finds one for it."""
        if unit.type.mode == "air":
            return True
        territory = self.territory(unit, origin, destination)
        return self.geography.reaches(origin, destination, territory)

    def territory(self, unit: Unit, origin: str, destination: str) -> Territory:
        """The nations a unit may drive through from ``origin`` to ``destination``: its
        own, the one it is in and the one it is going to (a neighbour's only on an
        approved request, as doctrine and the seats task it); anywhere for a joint team or
        under a standing transit arrangement."""
        places = self.geography.places
        return self._territory(unit.nation, places[origin].nation, places[destination].nation)

    def _territory(self, nation: str, origin: str, destination: str) -> Territory:
        """``territory`` for a unit of ``nation`` between places of these nations."""
        key = (nation, origin, destination)
        if key not in self._territories:
            free = nation == JOINT or self.scenario.coordination.mutual_assistance.transit
            self._territories[key] = None if free else frozenset(key)
        return self._territories[key]

    def may_reach(self, nation: str, mode: str, origin: str, destination: str) -> bool:
        """Whether a unit of ``nation`` going by ``mode`` from some place of the nation
        ``origin`` might reach the place ``destination`` now: False only when ``reaches``
        is False for every such unit and place."""
        if mode == "air":
            return True
        if self._reach_closed is not self.geography.closed:  # a way closed or reopened
            self._reach_closed = self.geography.closed
            self._may_reach.clear()
        key = (nation, origin, destination)
        found = self._may_reach.get(key)
        if found is None:
            there = self.geography.places[destination].nation
            territory = self._territory(nation, origin, there)
            found = origin in self.geography.nations_joined(destination, territory)
            self._may_reach[key] = found
        return found

    def hold_closed(self, key: str, reason: str, *, crossing: bool = False) -> None:
        """Close a road or crossing for a reason (an inject, the flood, the fire).

        It stays closed while any reason holds it, so causes never undo each other.
        """
        holds = self._holds.setdefault(key, set())
        if not holds:
            self._set_way(key, closed=True, crossing=crossing)
        holds.add(reason)

    def release(self, key: str, reason: str, *, crossing: bool = False) -> None:
        """Drop one reason a road or crossing is closed; reopen it when none is left."""
        holds = self._holds.get(key, set())
        if reason in holds:
            holds.discard(reason)
            if not holds:
                self._set_way(key, closed=False, crossing=crossing)

    def close_for(self, key: str, duration_min: float | None, *, crossing: bool) -> None:
        """An inject closes a road or crossing, for a time or until an inject reopens it."""
        self._closures += 1
        reason = f"inject {self._closures}"
        self.hold_closed(key, reason, crossing=crossing)
        if duration_min is not None:
            self.later(duration_min, lambda: self.release(key, reason, crossing=crossing))

    def reopen_by_inject(self, key: str, *, crossing: bool) -> None:
        """An inject reopens what injects closed (a flood or fire keeps its own hold)."""
        for reason in sorted(r for r in self._holds.get(key, set()) if r.startswith("inject")):
            self.release(key, reason, crossing=crossing)

    def _set_way(self, key: str, *, closed: bool, crossing: bool) -> None:
        if crossing:
            if closed:
                self.crossings[key].close()
            else:
                self.crossings[key].reopen()
            event = log.CROSSING_CLOSED if closed else log.CROSSING_REOPENED
        else:
            if closed:
                self.geography.close(key)
            else:
                self.geography.reopen(key)
            event = log.ROAD_CLOSED if closed else log.ROAD_REOPENED
        self.record((self.env.now, event, -1, "", key))
        if closed:
            closing = self._closing.pop(key, None)
            if closing is not None:
                closing.succeed()
        else:
            reopened, self.way_reopened = self.way_reopened, self.env.event()
            reopened.succeed()
        self.planner.everyone()

    def way_closing(self, key: str) -> simpy.Event:
        """An event that succeeds when a road or crossing closes."""
        if key not in self._closing:
            self._closing[key] = self.env.event()
        return self._closing[key]

    def later(self, delay_min: float, action: Callable[[], object]) -> None:
        """Do ``action`` after a delay."""

        def wait() -> Generator[Any, Any, None]:
            yield self.env.timeout(delay_min)
            action()

        self.env.process(wait())

    def _background(self, planned: list[Any]) -> Generator[Any, Any, None]:
        for item in planned:
            if item.at_min > self.env.now:
                yield self.env.timeout(item.at_min - self.env.now)
            self.raise_incident(item.place, item.need, item.people, item.priority, item.source)


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    replication: int = 0,
    policy: d.Policy | None = None,
) -> RunLog:
    """Run one replication of a scenario and return its event log.

    Args:
        scenario: a validated scenario (see ``load_scenario``).
        seed: the seed; the scenario's ``[run].seed`` when None.
        replication: which replication of that seed (its own random streams).
        policy: who answers the decisions (doctrine when None).
    """
    return Simulation(scenario, seed, replication, policy).run()


__all__ = ["Simulation", "simulate"]

"""One replication of a scenario: the SimPy environment and the state processes share."""

from __future__ import annotations

from collections.abc import Callable, Generator
from statistics import fmean
from typing import Any

import simpy

from sim import log
from sim.log import JOINT, IncidentInfo, RunLog, UnitInfo
from sim.model.comms import Comms
from sim.model.crossings import BorderCrossing
from sim.model.dispatch import Eoc
from sim.model.entities import Incident, Unit
from sim.model.flood import run_flood
from sim.model.incidents import incident_life, plan_background_incidents
from sim.model.injects import describe_injects, run_msel
from sim.model.random import streams
from sim.model.units import unit_life
from sim.model.wildfire import Wildfire
from sim.scenario.schema import Nation, Scenario
from sim.world import Clock, Geography


class Simulation:
    """A scenario built into SimPy processes for one seed and replication."""

    def __init__(self, scenario: Scenario, seed: int | None = None, replication: int = 0) -> None:
        self.scenario = scenario
        self.seed = scenario.run.seed if seed is None else seed
        self.env = simpy.Environment()
        self.random = streams(self.seed, replication)
        self.geography = Geography(scenario)
        self.clock = Clock(
            scenario.scenario.start,
            fmean(p.lat for p in scenario.places),
            fmean(p.lon for p in scenario.places),
            scenario.duration_min,
        )
        self.nations: dict[str, Nation] = {n.code: n for n in scenario.nations}
        self.needs = {n.id: n for n in scenario.needs}
        self.queues: dict[str, list[Incident]] = {n.code: [] for n in scenario.nations}
        self.allowed_types: dict[str, dict[int, frozenset[str]]] = {n: {} for n in self.queues}
        """Open incidents each nation's EOCs dispatch to, shared so priority holds nationwide."""
        self.eocs = [Eoc(self, spec, n.code) for n in scenario.nations for spec in n.eocs]
        self.dispatcher = {
            n.code: next(e for e in self.eocs if e.nation == n.code) for n in scenario.nations
        }
        self.crossings = {c.id: BorderCrossing(self, c) for c in scenario.crossings}
        self.comms = Comms(self)
        types = {t.id: t for t in scenario.unit_types}
        self.all_unit_types = frozenset(types)
        teams = scenario.coordination.joint_teams.enabled
        self.units = [
            Unit(uid, JOINT if g.joint else g.nation, g.agency, types[g.type], g.base, g.base)
            for g in scenario.units
            if teams or not g.joint
            for uid in g.unit_ids()
        ]
        self.unit_groups = {g.id: g.unit_ids() for g in scenario.units}
        self.units_by_nation: dict[str, list[Unit]] = {n: [] for n in self.nations}
        for unit in self.units:
            for nation in self.nations if unit.nation == JOINT else [unit.nation]:
                self.units_by_nation[nation].append(unit)
        self.evacuation_ordered_at: dict[str, float] = {}
        self.grounded_until: dict[str, float] = {}
        self._eoc_of_place: dict[str, Eoc] = {}
        self._watcher: dict[str, str | None] = {}
        self._holds: dict[str, set[str]] = {}
        self._closures = 0
        self.incidents: list[Incident] = []
        self.log = RunLog(
            scenario=scenario.scenario.name,
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
        self.record = self.log.events.append
        for unit in self.units:
            self.env.process(unit_life(self, unit))
        self.env.process(run_msel(self))
        if scenario.gauges:
            self.env.process(run_flood(self))
        self.fire = Wildfire(self) if scenario.wildfire is not None else None
        if self.fire is not None:
            self.env.process(self.fire.run())
        self.env.process(
            self._background(plan_background_incidents(scenario, self.random["hazard"]))
        )

    def run(self) -> RunLog:
        """Run to the scenario's end and hand back the log."""
        self.env.run(until=self.scenario.duration_min)
        if self.fire is not None:
            self.log.fire = self.fire.snapshot()
        return self.log

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
        incident = Incident(
            len(self.incidents), where, spec, people, priority or spec.priority, self.env.now
        )
        self.incidents.append(incident)
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

    def best_helper(self, incident: Incident, asking: str) -> tuple[float, Eoc] | None:
        """The other nation whose unit would be on scene first if ``asking`` sent a request.

        Counts the expected latency of the channel the request would take and, unless a
        mutual assistance agreement pre-authorises the deployment, the mean approval time;
        only the unit types that may be sent count. Returns the expected arrival and the
        nation's EOC nearest to the incident, or None if no other nation can help.
        """
        approval = self.scenario.coordination.mutual_assistance.approval.mean
        best: tuple[float, int, Eoc] | None = None
        for rank, code in enumerate(self.nations):
            if code == incident.place.nation:
                continue
            eoc = min(
                (e for e in self.eocs if e.nation == code),
                key=lambda e: self.geography.distance_km(e.place, incident.place.id),
            )
            types = self.pre_authorised_types(incident.place.nation, code)
            arrival = eoc.best_arrival(incident, types, national_only=True)
            if arrival is None:
                continue
            arrival += self.comms.channel(asking, code).latency.mean
            if types is None:
                arrival += approval
            if best is None or (arrival, rank) < best[:2]:
                best = (arrival, rank, eoc)
        return None if best is None else (best[0], best[2])

    def assign(self, unit: Unit, incident: Incident, eta: float) -> None:
        """Task a unit with an incident (expected on scene at ``eta``); it sets off when free."""
        incident.first_eta = min(incident.first_eta, eta)
        unit.mobilise = unit.location == unit.base and unit.task is None
        unit.task = incident
        incident.add_unit(unit)
        if unit.wake is not None and not unit.wake.triggered:
            unit.wake.succeed()

    def unit_available(self, unit: Unit) -> None:
        """A unit finished a task or came back: let the nations that may task it use it."""
        for nation in self.nations if unit.nation == JOINT else [unit.nation]:
            if unit.task is None:
                self.dispatcher[nation].dispatch()

    def unit_repaired(self, unit: Unit) -> None:
        """A broken-down unit is back in service."""
        if unit.down_until <= self.env.now:
            self.record((self.env.now, log.UNIT_REPAIRED, -1, unit.id, ""))
            self.unit_available(unit)

    def units_named(self, name: str) -> list[Unit]:
        """The units an inject names: one unit id, or a whole group's id."""
        ids = set(self.unit_groups.get(name, [name]))
        return [u for u in self.units if u.id in ids]

    # the world

    def flyable_from(self, unit: Unit, t: float) -> float:
        """The first time at or after t when this aircraft may fly (daylight, no grounding)."""
        while True:
            ready = max(t, self.grounded_until.get(unit.nation, 0.0))
            if unit.type.day_only:
                ready = self.clock.next_daylight(ready)
            if ready == t:
                return t
            t = ready

    def travel_estimate(self, unit: Unit, origin: str, destination: str) -> float | None:
        """Planned travel minutes between two places for this unit (None if no open road)."""
        if unit.type.mode == "air":
            return self.geography.distance_km(origin, destination) / unit.type.speed_kmh * 60
        route = self.geography.route(origin, destination, unit.type.speed_kmh)
        return None if route is None else route.estimate_min

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
        if not closed:
            self._redispatch()

    def _redispatch(self) -> None:
        """A way reopened: incidents that no unit could reach may be reachable now."""
        for eoc in self.dispatcher.values():
            eoc.dispatch()

    def later(self, delay_min: float, action: Callable[[], None]) -> None:
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


def simulate(scenario: Scenario, seed: int | None = None, replication: int = 0) -> RunLog:
    """Run one replication of a scenario and return its event log.

    Args:
        scenario: a validated scenario (see ``load_scenario``).
        seed: the seed; the scenario's ``[run].seed`` when None.
        replication: which replication of that seed (its own random streams).
    """
    return Simulation(scenario, seed, replication).run()


__all__ = ["Simulation", "simulate"]

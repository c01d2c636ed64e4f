"""Doctrine: the standing procedures, re-planned whenever the situation changes.

A party (a nation's EOCs, or the joint centre) looks again at its open incidents whenever
something relevant changes: an incident is reported or help is approved, a unit is freed,
repaired, delayed or breaks down, a road or crossing closes or reopens, a request is
refused or goes unanswered, an arrival slips. Changes at one instant are planned once.

Each look plans the incidents of every nation concerned together (of every nation when
there are joint teams, which go where they are most needed), in order of priority, then
of report time:

1. **First response.** An incident nobody is on scene at gets the capable free unit that
   would be on scene first (``sim.model.estimates``; a unit at base by its crew's
   readiness for the incident, as the duty officer calls the crews), if it would come
   before every unit already on the way; a unit already sent that is then not needed as
   well is stood down.
2. **Reinforcement.** An incident whose people outnumber one round of trips by the units
   on it gets more, nearest first, up to the need's ``max_units``.
3. **Asking a neighbour.** When the help in train (units on the way, requests pending at
   the arrival expected when asked, approvals through the unit sent) and its own units,
   busy ones once free, cannot be on scene within the capability target, the nation asks
   the neighbour whose units (free, or busy and free later) could be on scene first,
   setting off once the request has travelled and, unless pre-authorised, been approved
   (expected delays), and crossing at the hours of that time. A refused request goes to
   the next neighbour; one unanswered for ``ask_again_after`` lets another be asked too;
   after that time a refusing nation may be asked again.

A nation under warning or with open incidents of its own lends only units beyond the
reserve it keeps (``mutual_assistance.reserves``): it neither sends nor offers the others,
and refuses a request it could only meet from its reserve.

The joint centre, when there is one, sees every report and asks by the same rule, on top
of the nations' own asking: a nation whose units would come before the help in train.

Estimates are searched in the order of a cheap bound from below (the straight line at top
speed). With the ways, groundings and arrangements unchanged, a unit's estimate only gets
later with time unless the unit is filed again (a free unit moved or changed state) or
stirred (it moved, its task changed, its incident's people or units changed): so a
search keeps the soonest it found as a bound from below, and at the next look only the
units filed or stirred since are estimated against it; the search is made again only
when that does not settle the answer. A tasked unit's on-scene estimate is kept while
where and when it would set off stay the same. A look that found nobody to ask for an
incident (no neighbour's unit, nor any of its own busy ones, could come before the help
in train) keeps that while the help in train, the requests and the world stay the same,
no refusal has lapsed and no unit filed or stirred since could come sooner by its bound
from below (a neighbour's setting off once asked and approved) with an open way there.
What a look at asking found (help in train by the target, due already, or no one to ask)
is kept, without working out help in train again, while the incident, its requests and
the world stay the same, no decision point is open, and until a promise or a refusal runs
out or help in train is due. A first response that cannot offer a unit sooner than one on
its way stops its search where no other could be sooner, and keeps that bound; one
that sends a unit keeps what it found of the others.

A look at a nation's own incident that found nothing to do (units on it, none to add,
help in train by the target or no neighbour to ask, and with nobody on scene yet no free
unit sooner than the help on its way) lets it sleep: the looks after pass it over, at no
cost, until something it hangs on changes and wakes it: the incident, its people or its
units (a unit on it moves or changes state), the world, a decision point opens, the
estimate of the help on its way starts to slip, or a free unit is filed that could come
sooner by its bound from below. A look visits the incidents awake
(``sim.decisions.agenda``); one woken during the look joins it at its place.

An incident nobody can be sent to is held, with the reason (no capable unit, none free,
no open route). Every choice is a decision point answered by the run's policy.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import simpy

from sim import log
from sim.decisions import points as d
from sim.decisions.agenda import Agenda
from sim.log import JOINT
from sim.model.comms import JOINT_CENTRE
from sim.model.entities import Incident, Unit, UnitState
from sim.model.estimates import (
    arrival,
    could_arrive,
    departure,
    earliest_arrival,
    minutes_per_km_at_least,
    travel_end,
    work_can_start_at_least,
)
from sim.scenario.schema import UnitType
from sim.world.grid import Extent, PlaceIndex, by_bound

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

State = tuple[int, int, int, int, bool, frozenset[str] | None]
"""What a search for a sooner free unit depends on (``Planner._state``)."""

NothingBetter = tuple[State, float | None, bool, int]
"""The state in which a search found no sooner free unit, a bound from below on when one
could come (the soonest found, or where the search stopped; None: none could come),
whether every free unit was looked at, and the units stirred then."""

GroupKey = tuple[str, str, str, float, bool]
"""Type, nation, where it sets off from, when it gets there (-1: it is there), idle at base."""

Members = dict[Unit, None]
"""The units of a group (an ordered set)."""

Known = tuple[int, int, int, float, Unit | None, float]
"""The state a search for some units' soonest arrival was made in (``Planner._world``,
free groups filed and units stirred since the start), a bound from below on when they
could be on scene then (the soonest found, or where the search stopped), the unit found
soonest (None: none) and a bound from below on every other (``Planner._first_of``)."""

Situation = tuple[int, float, int, tuple[tuple[str, tuple[str, float]], ...]]
"""The world, help in train, the incident's version and requests (``Planner._asking_stamp``)."""

AskingStamp = tuple[Situation, tuple[int, ...]]
"""A situation, and how many free groups were filed and units stirred for its need, nation
after nation (``Planner._asking_stamp``)."""

Search = Callable[[float], float]
"""Finds the soonest arrival of some units at an incident if before a time (else that time)."""

Again = Callable[[list[GroupKey], list[Unit], float], float]
"""Lowers a bound on that arrival by the free groups and the units given, if they come sooner."""


class Quiet(NamedTuple):
    """What a look at asking for help with an incident found, and what it depends on: it
    holds, without looking again, while the incident, the world and the requests stay the
    same, no decision point is open, and until ``until`` (a pending request's patience
    or a refusal runs out, help in train is due); one that found no one to ask (its
    ``situation``, as ``_asking_stamp``) also while no unit filed or stirred since could
    come sooner (``_no_one_sooner``)."""

    version: int
    world: int
    requests: dict[str, tuple[str, float]]
    until: float
    seeking: bool
    situation: Situation | None


PoolKey = tuple[str, str, str, bool, str, str]
"""Tasking nation, need, unit type, idle at base, the units' nation, the nation they set
off in."""


class Pool(NamedTuple):
    """Free groups a nation may task for a need, of one unit type and nation, idle at base
    or not, setting off in one nation: filed by where they set off."""

    unit_type: UnitType
    idle: bool
    nation: str
    origin: str
    filed: PlaceIndex[GroupKey]
    per_km: float
    """The fewest minutes its units take for a straight-line km."""
    lift: Callable[[float], float] | None
    """Lifts a bound on reaching a place to one on starting work there (None: the same)."""


T = TypeVar("T")

OPTIONS_SHOWN = 3
"""How many units a logged assignment lists as options (the nearest)."""


def _sooner(candidate: tuple[float, str, Unit]) -> tuple[float, bool, str]:
    """Orders units that could be sent: the sooner first; at the same time, the nation's
    own before a joint team's (kept for where it is most needed), whatever their codes."""
    eta, code, unit = candidate
    return eta, unit.nation == JOINT, code


def _fixed_until(unit: Unit) -> float:
    """Until when a unit's arrival at its task stays put: where and when it would set off
    (``departure``) until the end of its leg, its border processing or its repair, and an
    aircraft waiting to take off arrives as it would once it does; after, it slips with
    time."""
    if unit.clearing is not None:
        t = unit.clearing[1]
    elif unit.heading is not None:
        t = unit.heading_at
    else:
        t = unit.takes_off_at
    return max(t, unit.down_until)


def _fact(t: float) -> str:
    return "never" if t == math.inf else f"{t:.0f}"


class DoctrineLoop(RuntimeError):
    """Doctrine kept changing its plan at one instant without end (a fault in the model)."""


class Planner:
    """The plans of every party of a run, re-made when something relevant changes."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.queues: dict[str, dict[Incident, int]] = {n: {} for n in sim.nations}
        """Open incidents each nation dispatches to: its own, and neighbours' it agreed to help,
        in the order taken in (with its turn)."""
        self._turns = itertools.count()
        self._awake: dict[str, dict[Incident, None]] = {n: {} for n in sim.nations}
        """The incidents of each nation's queue that are not asleep: those a look visits."""
        self._agenda: Agenda | None = None
        """The agenda of the look under way."""
        self.allowed: dict[str, dict[int, frozenset[str]]] = {n: {} for n in sim.nations}
        """For a neighbour's incident: the unit types the nation agreed to send."""
        self.fleet: dict[str, dict[str, list[Unit]]] = {n: {} for n in sim.nations}
        """The units each nation may task, by the need they serve."""
        self.joint_centre: list[Incident] = []
        """Incidents reported to the joint centre."""
        self._dirty: set[str] = set()
        self._looks_now: tuple[float, int] = (-1.0, 0)
        """The instant of the last look, and how many looks it has had."""
        self._most_looks = 10_000 + 100 * len(sim.units)
        """More looks than this at one instant is a loop: an error, not a hang."""
        self._expected: dict[Unit, float] = {}
        """On-scene estimates of tasked units during one look (dropped when a unit changes)."""
        self._estimates: dict[Unit, tuple[tuple[int, str, float, str, float], float]] = {}
        """Units' on-scene estimates, with what they were made from (``_on_scene_estimate``)."""
        self.groups: dict[str, dict[str, dict[GroupKey, dict[Unit, None]]]] = {
            n: {} for n in sim.nations
        }
        """The free units each nation may task, by need, in groups that would arrive together
        (ordered sets)."""
        self._group_of: dict[Unit, GroupKey] = {}
        self._wakes_from: dict[Unit, tuple[str, float]] = {}
        """Free unit -> where and when, at the soonest, it could set off when it last woke
        the incidents asleep that it could reach first (``_wake_for``)."""
        self._nearby: dict[tuple[str, str], list[Pool]] = {}
        """(nation, need) -> its free groups by where they set off, in pools (made as units
        first join them)."""
        self._pools: dict[PoolKey, Pool] = {}
        self._busy: dict[tuple[str, str], Members] = {}
        """(nation, need) -> the units it may task for it that are not free (tasked or down)."""
        self.promised: dict[tuple[int, str], float] = {}
        """(incident, nation asked): when its unit was expected on scene when asked."""
        self._held: dict[int, dict[str, str]] = {}
        """Incident -> the reason each nation last logged for holding it (while nobody is
        on the way)."""
        self.seeking: set[str] = set()
        """Parties that found no one to ask for an incident that needs help."""
        self.settled: simpy.Event | None = None
        """While parties are yet to look again at this instant: succeeds when they have."""
        self._world = 0
        """Counts changes to the world every estimate depends on (ways, groundings)."""
        self._filed: dict[tuple[str, str], list[GroupKey]] = {}
        """(nation, need) -> the groups of free units that joined its pool or moved in it,
        in turn."""
        self._stirred: dict[tuple[str, str], list[Unit]] = {}
        """(nation, need) -> units it may task for it that could now come somewhere sooner
        than a search made before counted on (they moved, their task changed, fewer people
        are left at it or more units are on it), in turn: every other unit only gets later
        with time."""
        self._in_time: dict[int, Unit] = {}
        """Incident -> a unit of its nation, busy when last looked at, that could come by
        its target once free (``_own_busy_in_time``)."""
        self.soonest_unit: Unit | None = None
        """The unit the last search for the soonest arrival found (``_first_of``)."""
        self.others_at_least = math.inf
        """A bound from below on when every other unit of that search could come."""
        self._no_one_to_ask: dict[tuple[str, int], AskingStamp] = {}
        """(party, incident) -> the state in which no neighbour's unit, nor any of the
        nation's own busy ones, would have come before help in train (``_asking_stamp``):
        in the same state no unit has come sooner since, so the search is spared."""
        self._moved: dict[tuple[str, str, int, int, int, int], tuple[Unit, ...]] = {}
        """Units moved since places in a pool's journals (``_moved_since``), for one look."""
        self._quiet: dict[tuple[str, int], Quiet] = {}
        """(party, incident) -> what its last look at asking found, while it holds."""
        self._known: dict[int, dict[Hashable, Known]] = {}
        """Incident -> the last search for some units' soonest arrival at it (``_recalled``)."""
        self._nothing_better: dict[tuple[str, int], NothingBetter] = {}
        """(nation, incident) -> the state in which no free unit would have come sooner, a
        bound from below on when one could have come (None: none could) and whether every free unit
        was looked at (none kept for another point): a look in the same state is spared the
        search, since free units only get later with time; one in the same state but for
        the free units that joined or moved looks at those only."""
        self._asleep: dict[tuple[str, Incident], float] = {}
        """(nation, own incident) -> asleep: a look at it found nothing to do; until when the
        estimate of the help on its way stays put (``_fixed_until``)."""
        self._alarms: list[tuple[float, int, str, Incident]] = []
        """A heap of when incidents asleep are due to wake, with a tie-breaker."""
        self._alarm_count = itertools.count()
        self._sleepers: dict[tuple[str, str], dict[Incident, float]] = {}
        """(nation, need) -> its incidents asleep with nobody on scene, and the arrival of
        the help on its way: a free unit filed that could come sooner wakes them."""
        self.reserves: dict[str, dict[str | None, int]] = {}
        """Units each nation keeps while threatened, by type (None: any type)."""
        for reserve in reversed(sim.scenario.coordination.mutual_assistance.reserves):
            self.reserves.setdefault(reserve.nation, {})[reserve.unit_type] = reserve.keep
        self.has_joint_teams = any(u.nation == JOINT for u in sim.units)
        """Joint teams, tasked by whichever nation needs them most: all nations plan together."""
        self._journals: dict[str, list[list[GroupKey] | list[Unit]]] = {}
        """Need -> each nation's ``_filed`` and ``_stirred`` for it, nation after nation."""
        for need_id in (need.id for need in sim.scenario.needs):
            journals = self._journals[need_id] = []
            for nation in sim.nations:
                journals.append(self._filed.setdefault((nation, need_id), []))
                journals.append(self._stirred.setdefault((nation, need_id), []))
        for unit in sim.units:
            for nation in self.taskers(unit):
                for need in unit.type.capabilities:
                    self.fleet[nation].setdefault(need, []).append(unit)
                    self.groups[nation].setdefault(need, {})
                    self._busy.setdefault((nation, need), {})
        self._lenders = {
            need.id: frozenset(u.nation for u in sim.units if need.id in u.type.capabilities)
            - {JOINT}
            for need in sim.scenario.needs
        }
        """Need -> the nations with units of their own that serve it (who could be asked)."""
        self._extent = Extent.of(sim.geography.places)
        self._sizes = Counter(
            (nation, need, unit.type.id)
            for nation, needs in self.fleet.items()
            for need, units in needs.items()
            for unit in units
        )
        """How many units of each type a nation may task for a need (sizes pools' cells)."""
        for unit in sim.units:
            self._group(unit)

    def taskers(self, unit: Unit) -> list[str]:
        """The nations whose EOCs may task a unit (any, for a joint team)."""
        return list(self.sim.nations) if unit.nation == JOINT else [unit.nation]

    # when to look again

    def changed(self, *parties: str) -> None:
        """Something relevant to these parties changed: they look again at this instant."""
        self._dirty.update(parties)
        if self.settled is None:
            self.settled = self.sim.env.event()
            event = self.sim.env.event()
            event.callbacks.append(self._look_again)
            event.succeed()

    def incident_changed(self, incident: Incident) -> None:
        """An incident's situation changed: every party planning for it looks again."""
        incident.version += 1
        self.stirred(*incident.assigned)
        parties = [n for n, q in self.queues.items() if incident in q]
        for nation in parties:
            self._wake(nation, incident)
        if incident in self.joint_centre:
            parties.append(JOINT_CENTRE)
        self.changed(*parties)

    def everyone(self) -> None:
        """The world changed (a way closed or reopened): every party looks again."""
        self._world += 1
        self._wake_all()
        self.changed(*self.queues, *([JOINT_CENTRE] if self.joint_centre else []))

    def _count_look(self) -> None:
        """Count a look at this instant; too many is a loop (``DoctrineLoop``)."""
        now = self.sim.env.now
        instant, looks = self._looks_now
        looks = looks + 1 if instant == now else 1
        self._looks_now = (now, looks)
        if looks > self._most_looks:
            raise DoctrineLoop(
                f"doctrine did not settle at minute {now:g} of seed {self.sim.seed}, "
                f"replication {self.sim.log.replication}: {looks} looks at one instant (a "
                "fault in the model: please report it with the scenario)"
            )

    def _look_again(self, _: object) -> None:
        self._expected.clear()
        self._moved.clear()
        points = self.sim.points
        while self._dirty:
            self._count_look()
            nations = sorted(p for p in self._dirty if p != JOINT_CENTRE)
            joint_centre = JOINT_CENTRE in self._dirty
            self._dirty.clear()
            if nations:
                points.look_started()
                planned = self._plan_nations(nations)
                points.look_ended(planned, (d.ASSIGN, d.ASK))
            if joint_centre:
                points.look_started()
                self._plan_joint_centre()
                points.look_ended({JOINT_CENTRE}, (d.ASK,))
        settled, self.settled = self.settled, None
        assert settled is not None
        settled.succeed()

    # unit availability

    def unit_free(self, unit: Unit) -> None:
        """A unit has no task (and is not broken down): it may be tasked."""
        if unit.task is None and unit.down_until <= self.sim.env.now:
            self._ungroup(unit)
            self._group(unit)
            self.changed(*self.taskers(unit), *self.seeking)  # and who may now ask for it
        else:
            self.stirred(unit)

    def unit_busy(self, unit: Unit) -> None:
        """A unit was tasked or broke down: not free."""
        self._ungroup(unit)
        self._wakes_from.pop(unit, None)  # once free again, it wakes whom it could reach
        self.stirred(unit)

    def stirred(self, *units: Unit) -> None:
        """These units could now come somewhere sooner than planned with before (they
        moved, their task changed, or their incident's people or units did)."""
        for unit in units:
            self.moved(unit)
            for nation in self.taskers(unit):
                for need in unit.type.capabilities:
                    self._stirred.setdefault((nation, need), []).append(unit)
            if unit in self._group_of:
                self._wake_for(unit)

    def moved(self, unit: Unit) -> None:
        """A unit moved or changed state: if tasked, its incident's next look visits it
        (the estimates made of it may have changed)."""
        task = unit.task
        if task is not None and self._asleep:
            self._wake(task.place.nation, task)

    def is_free(self, unit: Unit) -> bool:
        """Whether a unit may be tasked now."""
        return unit in self._group_of

    def point_closed(self, point: d.DecisionPoint) -> None:
        """An open point was answered or overtaken: its party looks again."""
        if point.seat in self.queues or point.seat == JOINT_CENTRE:
            self.changed(point.seat)

    # a nation's plan

    def accept(self, nation: str, incident: Incident, types: frozenset[str] | None) -> None:
        """A nation takes an incident into its plan (its own, or a neighbour's it will help)."""
        if types is not None:
            self.allowed[nation][incident.id] = types
            incident.version += 1
            self._wake(incident.place.nation, incident)
        if incident not in self.queues[nation]:
            self.queues[nation][incident] = next(self._turns)
            self._awake[nation][incident] = None
        self.changed(nation)

    def _plan_nations(self, nations: list[str]) -> set[str]:
        """Plan for these nations' incidents together, the most urgent first whatever the
        nation (joint teams, which any of them may task, go where they are most needed):
        first responses, then reinforcements, then asking neighbours. Returns the nations
        planned for."""
        if self.has_joint_teams:
            nations = list(self.sim.nations)
        plans = self._awake_plans(nations)
        # with none asleep, none can wake: one that falls asleep in this look is on it
        agenda = self._agenda = Agenda(nations, plans, may_grow=bool(self._asleep))
        try:
            for incident, nation in agenda.visit():
                if not incident.attended:
                    self._first_response(nation, incident)
            for incident, nation in agenda.visit():  # (nobody on it: a first response)
                while incident.assigned and incident.wants_more_units():
                    if not self._reinforce(nation, incident):
                        break
            for incident, nation in agenda.visit():
                if incident.place.nation == nation:
                    self._consider_asking(nation, incident)
                    if incident.assigned:
                        self._fall_asleep(nation, incident)
        finally:
            self._agenda = None
        return set(nations)

    def _awake_plans(self, nations: list[str]) -> list[tuple[Incident, str]]:
        """The nations' incidents a look visits (those awake), once the incidents due to
        wake have woken (every one, while a decision point is open); the incidents that
        need no more help are dropped from their queues."""
        points, now, alarms = self.sim.points, self.sim.env.now, self._alarms
        if points.open or points.promised:
            self._wake_all()
        while alarms and alarms[0][0] <= now:
            until, _, nation, incident = heapq.heappop(alarms)
            if self._asleep.get((nation, incident)) == until:
                self._wake(nation, incident)
        for nation in nations:
            self.seeking.discard(nation)
            queue, awake = self.queues[nation], self._awake[nation]
            done = [i for i in awake if i.remaining <= 0]
            done.sort(key=queue.__getitem__)  # (in the order taken in)
            for incident in done:
                self._stand_down_all(nation, incident)
                self._forget(nation, incident)
                del queue[incident], awake[incident]
        # (a joint team stood down above may have woken another nation's incident)
        return [(incident, nation) for nation in nations for incident in self._awake[nation]]

    # incidents with nothing to do

    def _fall_asleep(self, nation: str, incident: Incident) -> None:
        """Let a nation's own incident sleep when this look at it found nothing to do, and
        what would change that is known: units on it, none to add, help in train by
        the target (or no neighbour to ask), no decision point open, and with nobody on
        scene, no free unit sooner than the help on its way, whose estimate stays put."""
        points = self.sim.points
        if points.open or points.promised or incident.wants_more_units():
            return
        plan = self._plan(incident)
        need = incident.need.id
        if plan > incident.target_at and not self._lenders[need] <= {nation}:
            return
        until = math.inf
        if not incident.attended:
            memo = self._nothing_better.get((nation, incident.id))
            if memo is None or memo[0] != self._state(nation, incident) or not memo[2]:
                return
            if memo[1] is not None and memo[1] < plan:
                return
            stirred = self._stirred.get((nation, need), [])[memo[3] :]
            if any(u in self._group_of for u in stirred):
                return
            until = min(map(_fixed_until, incident.assigned))
            if until <= self.sim.env.now:
                return
            self._sleepers.setdefault((nation, need), {})[incident] = plan
            heapq.heappush(self._alarms, (until, next(self._alarm_count), nation, incident))
        self._asleep[(nation, incident)] = until
        self._awake[nation].pop(incident, None)

    def _wake(self, nation: str, incident: Incident) -> None:
        """The looks at a nation's own incident visit it again (the look under way too,
        if it has yet to reach it)."""
        if self._asleep.pop((nation, incident), None) is None:
            return
        sleepers = self._sleepers.get((nation, incident.need.id))
        if sleepers:
            sleepers.pop(incident, None)
        self._awake[nation][incident] = None
        if self._agenda is not None:
            self._agenda.add(incident, nation)

    def _wake_all(self) -> None:
        """Every incident asleep wakes."""
        for nation, incident in list(self._asleep):
            self._wake(nation, incident)
        self._alarms.clear()

    def point_opened(self) -> None:
        """A decision point is open: an incident's look hangs on it, so none sleeps."""
        if self._asleep:
            self._wake_all()

    def _wake_for(self, unit: Unit) -> None:
        """Wake the incidents asleep that a free unit just filed or stirred could reach
        before the help on their way, by a bound from below (the one ``_still_nothing``
        passes groups over by), for each nation that may task it and need it serves.

        Spared while the unit would set off from where and when it would at its last
        wake: each incident then asleep stayed asleep only with a bound no earlier than its
        help's arrival, and each fallen asleep since was looked at with the unit as it is."""
        if not self._asleep:
            return
        sleeping = [
            (nation, sleepers)
            for nation in self.taskers(unit)
            for need in unit.type.capabilities
            if (sleepers := self._sleepers.get((nation, need)))
        ]
        if not sleeping:
            return
        sim = self.sim
        origin, t = setting_off = departure(sim, unit, least=True)
        if self._wakes_from.get(unit) == setting_off:
            return
        self._wakes_from[unit] = setting_off
        for nation, sleepers in sleeping:
            woken = [
                incident
                for incident, before in sleepers.items()
                if t < before and earliest_arrival(sim, unit, origin, t, incident.place.id) < before
            ]
            for incident in woken:
                self._wake(nation, incident)

    def _forget(self, party: str, incident: Incident) -> None:
        """Drop what was kept for a party's incident that needs no more help: what
        searches kept (a search without it is only slower) and the holds logged."""
        self._nothing_better.pop((party, incident.id), None)
        self._no_one_to_ask.pop((party, incident.id), None)
        self._quiet.pop((party, incident.id), None)
        self._known.pop(incident.id, None)
        self._in_time.pop(incident.id, None)
        self._held.pop(incident.id, None)
        self._wake(party, incident)
        incident.crews.clear()

    # the reserve a threatened nation keeps

    def threatened(self, nation: str) -> bool:
        """Under warning, or with open incidents of its own."""
        return nation in self.sim.warned or any(
            i.place.nation == nation and i.remaining > 0 for i in self.queues[nation]
        )

    def _keep(self, nation: str, unit_type: str) -> int | None:
        """How many units of a type the nation keeps (a type's own entry before a general one)."""
        entries = self.reserves.get(nation, {})
        return entries.get(unit_type, entries.get(None))

    def lendable(self, nation: str, unit: Unit) -> bool:
        """Whether a nation would lend this unit abroad now (beyond the reserve it keeps)."""
        if unit.nation != nation:
            return True
        keep = self._keep(nation, unit.type.id)
        if keep is None or not self.threatened(nation):
            return True
        at_home = sum(
            u.type is unit.type and (u.task is None or u.task.place.nation == nation)
            for u in self.sim.units
            if u.nation == nation
        )
        return at_home - (unit.task is None or unit.task.place.nation == nation) >= keep

    def holds_back(self, nation: str, incident: Incident, types: frozenset[str] | None) -> bool:
        """Whether every unit the nation could send to a neighbour's incident is in reserve."""
        capable = [
            u
            for u in self.fleet[nation].get(incident.need.id, [])
            if u.nation == nation
            and u.can_serve(incident)
            and (types is None or u.type.id in types)
        ]
        return bool(capable) and not any(self.lendable(nation, u) for u in capable)

    @staticmethod
    def _group_key(unit: Unit) -> GroupKey:
        """Free units with the same key would set off from the same place at the same time."""
        idle_at_base = unit.standing_by and unit.state is UnitState.IDLE
        heading_at = unit.heading_at if unit.heading is not None else -1.0
        return (unit.type.id, unit.nation, unit.heading or unit.location, heading_at, idle_at_base)

    def regroup(self, unit: Unit) -> None:
        """A unit moved or changed state: filed under its new group if free, else
        ``stirred``."""
        if unit in self._group_of:
            self._ungroup(unit)
            self._group(unit)
        else:
            self.stirred(unit)

    def _pool(self, nation: str, need: str, unit: Unit, key: GroupKey) -> Pool:
        """The pool a group of free units is filed in (made when first needed)."""
        origin = self.sim.geography.places[key[2]].nation
        pool_key = (nation, need, key[0], key[4], key[1], origin)
        pool = self._pools.get(pool_key)
        if pool is None:
            size = self._sizes[(nation, need, key[0])]
            index: PlaceIndex[GroupKey] = PlaceIndex(self.sim.geography.places, self._extent, size)
            per_km, lift = self._pace(unit.type)
            pool = Pool(unit.type, key[4], key[1], origin, index, per_km, lift)
            self._pools[pool_key] = pool
            self._nearby.setdefault((nation, need), []).append(pool)
        return pool

    def _pace(self, unit_type: UnitType) -> tuple[float, Callable[[float], float] | None]:
        """How a bound from below on a unit's arrival grows with the straight-line km, and
        what lifts it to one on starting work (None: nothing, unless a ``day_only``
        aircraft)."""
        lift = None
        if unit_type.mode == "air" and unit_type.day_only:
            lift = partial(work_can_start_at_least, self.sim, unit_type)
        return minutes_per_km_at_least(self.sim, unit_type), lift

    def _group(self, unit: Unit) -> None:
        key = self._group_key(unit)
        self._group_of[unit] = key
        for nation in self.taskers(unit):
            for need in unit.type.capabilities:
                groups = self.groups[nation][need]
                if key not in groups:
                    groups[key] = {}
                    self._pool(nation, need, unit, key).filed.add(key[2], key)
                groups[key][unit] = None
                self._busy[(nation, need)].pop(unit, None)
                self._filed.setdefault((nation, need), []).append(key)
        self._wake_for(unit)

    def _ungroup(self, unit: Unit) -> None:
        key = self._group_of.pop(unit, None)
        if key is None:
            return
        for nation in self.taskers(unit):
            for need in unit.type.capabilities:
                self._busy[(nation, need)][unit] = None
                members = self.groups[nation][need].get(key)
                if members is not None:
                    members.pop(unit, None)
                    if not members:
                        del self.groups[nation][need][key]
                        self._pool(nation, need, unit, key).filed.remove(key[2], key)

    def _by_bound(
        self,
        nation: str,
        need: str,
        incident: Incident,
        start: float,
        bound: Callable[[Members], tuple[float, T] | None],
        types: frozenset[str] | None,
        sender: str | None = None,
    ) -> Iterator[tuple[float, T | None]]:
        """The free groups a nation may task for a need, bounded by ``bound`` (None: left
        out), in the order of their bounds (``sim.world.grid.by_bound``), searched outward
        from the incident's place: none sets off before ``start`` (nor, if idle at base,
        before the quickest mobilisation its type allows), and none goes a straight-line
        km faster than its type's top speed. Pools that could not serve the incident (of
        a type not in ``types``, if given), or none of whose units could reach it, are
        passed over (those of other nations than ``sender`` too, if given)."""
        groups = self.groups[nation].get(need, {})
        now = self.sim.env.now
        place = incident.place.id
        indexes = [
            (
                pool.filed,
                max(start, now + pool.unit_type.mobilisation.least) if pool.idle else start,
                pool.per_km,
                pool.lift,
            )
            for pool in self._nearby.get((nation, need), ())
            if pool.filed
            and (sender is None or pool.nation == sender)
            and self._may_serve(pool, incident, types)
        ]
        km = partial(self.sim.geography.distance_km, destination=place)
        return by_bound(place, indexes, lambda key: bound(groups[key]), km)

    def _may_serve(self, pool: Pool, incident: Incident, types: frozenset[str] | None) -> bool:
        """Whether some unit of a pool might be sent to an incident: of a type that can
        work there, allowed, and with a way there open now."""
        unit_type = pool.unit_type
        if types is not None and unit_type.id not in types:
            return False
        if unit_type.mode != "air" and not incident.ground_access:
            return False
        if unit_type.mode == "water" and not incident.place.water_access:
            return False
        return self.sim.may_reach(pool.nation, unit_type.mode, pool.origin, incident.place.id)

    def _setting_off(
        self, nation: str, incident: Incident, members: Members
    ) -> tuple[float, tuple[str, float, Unit]] | None:
        """A bound from below on when a free group could be on scene, with where and when
        it would set off and the member that would be sent (None: it may not be sent, or
        has no open way there): the first by id, or at base the crew that says it is
        ready first (``Simulation.readiness``)."""
        promised = self.sim.points.promised
        if promised:  # units an open point proposes for another incident are not offered
            members = {u: None for u in members if promised.get(u.id, incident.id) == incident.id}
            if not members:
                return None
        unit = next(iter(members))  # every member sets off from the same place
        types = self.allowed[nation].get(incident.id)
        if not (
            unit.can_serve(incident)
            and (types is None or unit.type.id in types)
            and (incident.place.nation == nation or self.lendable(nation, unit))
        ):
            return None
        if unit.standing_by and unit.state is UnitState.IDLE:
            unit = min(members, key=lambda u: (self.sim.readiness(u, incident), u.id))
        else:  # at once
            unit = min(members, key=lambda u: u.id)
        origin, t = departure(self.sim, unit, task=incident)
        if not self.sim.reaches(unit, origin, incident.place.id):
            return None
        return earliest_arrival(self.sim, unit, origin, t, incident.place.id), (origin, t, unit)

    def _candidates(
        self, nation: str, incident: Incident, before: float = math.inf
    ) -> tuple[list[tuple[float, str, Unit]], float]:
        """The free units that could be sent, soonest first (one for each group): the
        ``OPTIONS_SHOWN`` soonest, found by bounding groups' arrivals from below and
        estimating groups in the order of their bounds until no other could be sooner;
        with a bound from below on the units not looked at (infinity: none is left).
        When none could come before ``before`` (an offer needs one), the search stops
        there."""
        sim = self.sim
        place = incident.place.id
        found: list[tuple[float, str, Unit]] = []
        rest = math.inf
        groups = self._by_bound(
            nation,
            incident.need.id,
            incident,
            sim.env.now,
            partial(self._setting_off, nation, incident),
            self.allowed[nation].get(incident.id),
        )
        for at_least, group in groups:
            if len(found) >= OPTIONS_SHOWN and at_least > found[OPTIONS_SHOWN - 1][0]:
                break
            if at_least >= before and (not found or found[0][0] >= before):
                rest = at_least
                break
            if group is None:
                continue
            origin, t, unit = group
            eta = travel_end(sim, unit, origin, place, t)
            if eta is not None:
                bisect.insort(found, (eta, unit.id, unit), key=_sooner)
        return found[:OPTIONS_SHOWN], rest

    def expected(self, unit: Unit) -> float:
        """When a tasked unit is now expected on scene (kept for the rest of this look)."""
        if unit not in self._expected:
            self._expected[unit] = self._on_scene_estimate(unit)
        return self._expected[unit]

    def _on_scene_estimate(self, unit: Unit) -> float:
        """``on_scene_estimate``, made again only when where or when the unit would set off,
        its task's place, its repair or the world changed (nothing else moves it)."""
        incident = unit.task
        assert incident is not None
        if unit.state is UnitState.ON_SCENE:
            return unit.planned_at
        origin, t = departure(self.sim, unit)
        key = (self._world, origin, t, incident.place.id, unit.down_until)
        kept = self._estimates.get(unit)
        if kept is not None and kept[0] == key:
            return kept[1]
        eta = travel_end(self.sim, unit, origin, incident.place.id, t)
        found = math.inf if eta is None else eta
        self._estimates[unit] = (key, found)
        return found

    def _state(self, nation: str, incident: Incident) -> State:
        """What a search for a sooner free unit depends on, beside the passing of time."""
        return (
            self._world,
            len(self._filed.get((nation, incident.need.id), ())),
            incident.version,
            incident.remaining,
            incident.place.nation != nation and self.threatened(nation),
            self.allowed[nation].get(incident.id),
        )

    def _reserve_binds(self, nation: str, state: State) -> bool:
        """Whether, in ``state``, the nation may lend a unit only if enough of the others
        stay at home: that changes with their tasks, nothing filed (a unit abroad sent to
        an incident at home makes one at home lendable), so no search is spared."""
        return state[4] and bool(self.reserves.get(nation))

    def _remember(
        self, nation: str, incident: Incident, state: State, soonest: float | None, whole: bool
    ) -> None:
        """Keep that no free unit came sooner, in ``state`` (``_nothing_better``)."""
        stirred = len(self._stirred.get((nation, incident.need.id), ()))
        self._nothing_better[(nation, incident.id)] = (state, soonest, whole, stirred)

    def _still_nothing(
        self, nation: str, incident: Incident, state: State, than: float | None
    ) -> bool:
        """Whether no free unit could come before ``than`` (None: at all), known without a
        search: the last one found none, in the same world, with the same unit types
        allowed and reserve rule, every free unit looked at, and whether a unit may be sent
        does not hang on the others (no reserve to keep); the free units that joined, moved
        or were stirred since would not either (every other only got later with time)."""
        memo = self._nothing_better.get((nation, incident.id))
        if memo is None:
            return False
        then, soonest, whole, stirred_at = memo
        if not whole or then[0] != state[0] or then[4:] != state[4:]:
            return False
        if soonest is not None and (than is None or soonest < than):
            return False
        if self._reserve_binds(nation, state):
            return False
        need = incident.need.id
        groups = self.groups[nation].get(need, {})
        place = incident.place.id
        filed = self._filed.get((nation, need), [])
        moved = [groups.get(k) for k in dict.fromkeys(filed[then[1] :])]
        stirred = dict.fromkeys(self._stirred.get((nation, need), [])[stirred_at:])
        moved += [{u: None} for u in stirred if u in self._group_of]
        for members in moved:
            if members is None:
                continue
            if than is not None:  # a far group is passed over before its crews are called
                unit = next(iter(members))
                origin, t = departure(self.sim, unit, least=True)
                at_least = earliest_arrival(self.sim, unit, origin, t, place)
                if at_least >= than:
                    soonest = at_least if soonest is None else min(soonest, at_least)
                    continue
            found = self._setting_off(nation, incident, members)
            if found is None:
                continue
            at_least, (origin, t, unit) = found
            if than is not None and at_least >= than:
                soonest = at_least if soonest is None else min(soonest, at_least)
                continue
            eta = travel_end(self.sim, unit, origin, place, t)
            if eta is None:
                continue
            if than is None or eta < than:
                return False
            soonest = eta if soonest is None else min(soonest, eta)
        self._remember(nation, incident, state, soonest, not self.sim.points.promised)
        return True

    def _settled(
        self, nation: str, incident: Incident, state: State, than: float | None = None
    ) -> bool:
        """Whether the last search found that no free unit could come before ``than``
        (None: at all) and stands as it was: made in the same state with every free unit
        looked at (none held back for an open point, which may since have closed and
        freed it). A search that found nothing before the help then on its way holds only
        while that help comes no later."""
        memo = self._nothing_better.get((nation, incident.id))
        if memo is None or memo[0] != state or not memo[2] or self._reserve_binds(nation, state):
            return False
        soonest = memo[1]
        return soonest is None or (than is not None and soonest >= than)

    def _first_response(self, nation: str, incident: Incident) -> None:
        state = self._state(nation, incident)
        if self._settled(nation, incident, state):  # no free unit could come at all
            return
        current = self._plan(incident)
        if self._settled(nation, incident, state, current):
            return
        if self._still_nothing(nation, incident, state, current):
            if not incident.assigned:
                self._hold(nation, incident)
            return
        candidates, rest = self._candidates(nation, incident, current)
        if not candidates or candidates[0][0] >= current:
            if not incident.assigned:
                self._hold(nation, incident)
            soonest = min(candidates[0][0] if candidates else math.inf, rest)
            whole = not self.sim.points.promised
            self._remember(nation, incident, state, None if soonest == math.inf else soonest, whole)
            return
        reason = d.SOONER if incident.assigned else d.NEAREST
        self._offer(nation, incident, candidates, reason, rest=rest)

    def _reinforce(self, nation: str, incident: Incident) -> bool:
        state = self._state(nation, incident)
        if self._settled(nation, incident, state):
            return False
        if self._still_nothing(nation, incident, state, None):
            return False
        candidates, _ = self._candidates(nation, incident)
        if not candidates:
            self._remember(nation, incident, state, None, not self.sim.points.promised)
            return False
        return self._offer(nation, incident, candidates, d.REINFORCE)

    def _offer(
        self,
        nation: str,
        incident: Incident,
        candidates: list[tuple[float, str, Unit]],
        why: str,
        *,
        rest: float | None = None,
    ) -> bool:
        """Raise an assignment decision; True if a unit was assigned. For a first response
        (``rest``: the bound the search left on the units it did not find), what the search
        found of the others is kept as the bound on them (``_remember``), unless a unit
        was freed meanwhile."""
        unit = candidates[0][2]
        options = tuple(d.Option(u.id, _fact(t)) for t, _, u in candidates[:OPTIONS_SHOWN])
        point = self._point(
            nation, d.ASSIGN, incident, (*options, d.Option("wait")), d.Choice(unit.id, why)
        )
        act = partial(self._send, nation, incident)
        check = partial(self._may_take, incident)
        choice = self.sim.points.put(point, act, check, candidates[0][0])
        if choice is None:
            return False
        if rest is None or choice.choice == "wait":
            return act(choice)
        filed = len(self._filed.get((nation, incident.need.id), ()))
        chosen = self.sim.unit(choice.choice)
        group = self._group_of.get(chosen)
        if not act(choice):
            return False
        state = self._state(nation, incident)
        chosen_at = next((t for t, _, u in candidates if u is chosen), None)
        if state[1] == filed and chosen_at is not None:  # none freed
            others = [t for t, _, u in candidates if u is not chosen]
            if len(candidates) < OPTIONS_SHOWN:  # every other found, or bounded by rest
                others.append(rest)
            if group in self.groups[nation][incident.need.id]:  # its group's others
                others.append(chosen_at)
            soonest = min(others, default=math.inf)
            bound = None if soonest == math.inf else soonest
            self._remember(nation, incident, state, bound, not self.sim.points.promised)
        return True

    def _may_take(self, incident: Incident, choice: d.Choice) -> bool:
        """Whether the unit chosen for an incident can still be sent to it."""
        unit = self.sim.unit(choice.choice)
        return incident.remaining > 0 and self.is_free(unit) and unit.can_serve(incident)

    def _send(self, nation: str, incident: Incident, choice: d.Choice) -> bool:
        """Carry out an assignment decision; True if a unit was assigned."""
        if choice.choice == "wait":
            return False
        chosen = self.sim.unit(choice.choice)
        if len(incident.assigned) >= incident.need.max_units:  # make room: never above it
            self._stand_down_surplus(nation, incident, keep=None, chooser=nation)
            if len(incident.assigned) >= incident.need.max_units:
                return False
        self.assign(nation, chosen, incident)
        self._stand_down_surplus(nation, incident, keep=chosen)
        return True

    def assign(self, nation: str, unit: Unit, incident: Incident) -> None:
        """Task a unit with an incident; it sets off (or turns) at once."""
        sim = self.sim
        if unit.task is not None:  # diverted (turns back if in border processing)
            unit.task.remove_unit(unit)
            self._wake(unit.task.place.nation, unit.task)
            unit.clearing = None
        unit.task = incident
        unit.tasked_by = nation
        self._expected.pop(unit, None)
        incident.add_unit(unit)
        self.unit_busy(unit)  # (stirred: its incident wakes, during a look too)
        self.stirred(*incident.assigned)  # one more on it: each is free sooner
        planned = arrival(sim, unit, incident)
        unit.planned_at = math.inf if planned is None else planned
        sim.record((sim.env.now, log.DISPATCHED, incident.id, unit.id, nation))
        if not (unit.standing_by or unit.state is UnitState.MOBILISING):
            sim.record((sim.env.now, log.MOBILISED, incident.id, unit.id, ""))
        incident.waiting_reason = ""
        self._held.pop(incident.id, None)
        sim.poke(unit)
        if sim.points.open:  # open points that offered it: their parties look again
            self.changed(*{o.point.seat for o in sim.points.offering(unit.id)})

    def _slowest_on_the_way(self, incident: Incident, keep: Unit | None) -> Unit | None:
        on_the_way = [
            (self.expected(u), u.id, u)
            for u in incident.assigned
            if u is not keep and u.state is not UnitState.ON_SCENE
        ]
        return max(on_the_way, key=lambda c: c[:2])[2] if on_the_way else None

    def _stand_down_surplus(
        self, nation: str, incident: Incident, keep: Unit | None, chooser: str | None = None
    ) -> None:
        """Stand down the slowest unit on the way if the others are enough without it and
        it is slower than ``keep``, the unit just sent (or if the need's ``max_units`` are
        all on it). ``chooser``: the nation whose choice to send another unit makes the
        room, which stands its own unit down with it."""
        slowest = self._slowest_on_the_way(incident, keep)
        if slowest is None:
            return
        too_many = len(incident.assigned) >= incident.need.max_units + (keep is not None)
        enough = (
            incident.need.work != "suppress"
            and incident.remaining <= incident.assigned_capacity - slowest.type.capacity
            and (keep is None or self.expected(slowest) > self.expected(keep))
        )
        if too_many or enough:
            implied = chooser is not None and slowest.tasked_by == chooser
            self.stand_down(slowest.tasked_by, slowest, d.FASTER_UNIT, implied=implied)

    def _stand_down_all(self, nation: str, incident: Incident) -> None:
        for unit in list(incident.assigned):
            if unit.state is not UnitState.ON_SCENE and unit.tasked_by == nation:
                self.stand_down(nation, unit, d.NOT_NEEDED)

    def stand_down(self, nation: str, unit: Unit, why: str, *, implied: bool = False) -> None:
        """A decision, by the nation that tasked it, to release a unit on its way (it stops
        at the next place it reaches); ``implied`` by a decision the nation took already."""
        incident = unit.task
        assert incident is not None
        options = (d.Option(unit.id), d.Option("keep"))
        point = self._point(
            nation, d.STAND_DOWN, incident, options, d.Choice(unit.id, why), question=unit.id
        )
        act = partial(self._release_if, unit, incident)
        check = partial(self._still_surplus, unit, incident)
        points = self.sim.points
        choice = points.implied(point) if implied else points.put(point, act, check)
        if choice is not None:
            act(choice)

    @staticmethod
    def _on_its_way(unit: Unit, incident: Incident) -> bool:
        return unit.task is incident and unit.state is not UnitState.ON_SCENE

    def _still_surplus(self, unit: Unit, incident: Incident, _: d.Choice) -> bool:
        """Whether a stand-down answered later still stands: the unit on its way, and not
        the only one on the incident while people wait."""
        alone = incident.assigned == [unit] and incident.remaining > 0
        return self._on_its_way(unit, incident) and not alone

    def _release_if(self, unit: Unit, incident: Incident, choice: d.Choice) -> None:
        """Carry out a stand-down decision."""
        if choice.choice == unit.id and self._on_its_way(unit, incident):
            self.release(unit)

    def release(self, unit: Unit) -> None:
        """Release a unit on its way from its task (it stops at the next place it reaches)."""
        incident = unit.task
        assert incident is not None
        incident.remove_unit(unit)
        self._wake(incident.place.nation, incident)
        turns_back = unit.clearing is not None  # in border processing: free once turned back
        unit.task, unit.clearing = None, None
        self._expected.pop(unit, None)
        self.sim.record((self.sim.env.now, log.STOOD_DOWN, incident.id, unit.id, unit.location))
        self.sim.poke(unit)
        if not turns_back:
            self.unit_free(unit)

    def _hold(self, nation: str, incident: Incident) -> None:
        """Log, when it changes for the nation, why an incident waits with nobody on the
        way."""
        types = self.allowed[nation].get(incident.id)
        capable = [
            u
            for u in self.fleet[nation].get(incident.need.id, [])
            if u.can_serve(incident) and (types is None or u.type.id in types)
        ]
        promised = self.sim.points.promised  # (a unit an open point offers elsewhere is not)
        free = [
            u for u in capable if self.is_free(u) and promised.get(u.id, incident.id) == incident.id
        ]
        if not capable:
            why = d.NO_CAPABLE_UNIT
        elif (
            incident.place.nation != nation
            and free
            and not any(self.lendable(nation, u) for u in free)
        ):
            why = d.RESERVE
        elif free:
            why = d.NO_ROUTE
        else:
            why = d.NO_FREE_UNIT
        incident.waiting_reason = why
        held = self._held.setdefault(incident.id, {})
        if why != held.get(nation):
            held[nation] = why
            point = self._point(nation, d.HOLD, incident, (), d.Choice("wait", why))
            self.sim.points.held(point)

    # asking for help

    def _plan(self, incident: Incident) -> float:
        """When the first unit now on its way is expected on scene."""
        return min(map(self.expected, incident.assigned)) if incident.assigned else math.inf

    def in_train(self, incident: Incident) -> float:
        """When help already in train is expected on scene: units on the way, requests
        pending (at the arrival expected when asked), approvals (through the unit sent, or
        the helper's soonest while none is)."""
        soonest = self._plan(incident)
        if self.sim.points.open:  # a unit an open point proposes, as if sent
            soonest = min(soonest, self.sim.points.expected(incident.id))
        if soonest <= incident.target_at or not incident.requests:
            return soonest
        patience = self.sim.scenario.coordination.mutual_assistance.ask_again_after
        now = self.sim.env.now
        for code, (status, at) in incident.requests.items():
            if status == "sent" and now - at < patience:
                soonest = min(soonest, self.promised.get((incident.id, code), math.inf))
            elif status == "approved" and not any(u.tasked_by == code for u in incident.assigned):
                types = self.allowed[code].get(incident.id)
                soonest = self._soonest(code, incident, types, 0.0, soonest)
        return soonest

    def _own_busy(self, incident: Incident, before: float) -> float:
        """When a unit of the incident's nation, busy or down now, could be there once free,
        if before ``before`` (else never)."""
        nation, need = incident.place.nation, incident.need.id

        def searches() -> tuple[Search, Again]:
            busy, now = self._busy.get((nation, need), {}), self.sim.env.now

            def search(before: float) -> float:
                units = (u for u in busy if u.task is not incident and u.can_serve(incident))
                return self._first_of((), units, incident, now, before)

            def again(_: list[GroupKey], units: list[Unit], at_least: float) -> float:
                moved = (
                    u
                    for u in units
                    if u in busy and u.task is not incident and u.can_serve(incident)
                )
                return self._first_of((), moved, incident, now, at_least)

            return search, again

        soonest = self._recalled(incident, "own busy", nation, need, before, searches)
        return soonest if soonest < before else math.inf

    def _own_busy_in_time(self, incident: Incident) -> bool:
        """Whether a unit of the incident's nation, busy or down now, could be there once
        free by the capability target (the one that could at the last look is asked
        first)."""
        sim = self.sim
        before = math.nextafter(incident.target_at, math.inf)
        unit = self._in_time.get(incident.id)
        if (
            unit is not None
            and unit in self._busy.get((incident.place.nation, incident.need.id), ())
            and unit.task is not incident
            and unit.can_serve(incident)
        ):
            eta = could_arrive(sim, unit, incident, sim.env.now)
            if eta is not None and eta < before:
                return True
        if self._own_busy(incident, before) == math.inf:
            return False
        assert self.soonest_unit is not None
        self._in_time[incident.id] = self.soonest_unit
        return True

    def _consider_asking(self, asker: str, incident: Incident) -> None:
        """Ask the neighbour whose unit would come soonest, when help in train and the
        nation's own units, busy ones once free, miss the target and it would come sooner."""
        if self._lenders[incident.need.id] <= {incident.place.nation}:
            return  # no neighbour has a unit that serves the need: no one to ask, ever
        key = (asker, incident.id)
        quiet = self._quiet.pop(key, None)
        if quiet is not None and self._still_quiet(asker, incident, quiet):
            self._quiet[key] = quiet
            if quiet.seeking:
                self.seeking.add(asker)
            return
        plan = self.in_train(incident)
        if plan <= incident.target_at:
            self._rest(key, incident, plan, seeking=False)
            return
        if plan <= self.sim.env.now:  # help came late: no one could now come sooner
            self.seeking.add(asker)  # as the search would find
            self._rest(key, incident, plan, seeking=True)
            return
        stamp = self._asking_stamp(incident, plan)
        if stamp is not None and self._no_one_sooner(asker, incident, stamp):
            self.seeking.add(asker)  # as the search would find again
            self._rest(key, incident, plan, seeking=True, situation=stamp[0])
            return
        if self._own_busy_in_time(incident):
            return
        helpers = self._helpers(asker, incident, plan)
        if not helpers and stamp is not None:
            self._no_one_to_ask[key] = stamp
            self._rest(key, incident, plan, seeking=True, situation=stamp[0])
        if helpers:
            plan = min(plan, self._own_busy(incident, helpers[-1][0]))
            if plan <= incident.target_at:
                return
            helpers = [h for h in helpers if h[0] < plan]
        if not helpers:
            self.seeking.add(asker)  # look again when a unit is freed anywhere
            return
        why = d.MISSES_TARGET
        if any(s == "refused" for s, _ in incident.requests.values()):
            why = d.REFUSED_ELSEWHERE
        elif any(s == "sent" for s, _ in incident.requests.values()):
            why = d.UNANSWERED
        options = tuple(d.Option(code, _fact(t)) for t, code in helpers)
        point = self._point(
            asker, d.ASK, incident, (*options, d.Option("wait")), d.Choice(helpers[0][1], why)
        )
        etas = {code: t for t, code in helpers}
        act = partial(self._ask, asker, incident, etas)
        choice = self.sim.points.put(point, act, partial(self._may_ask, incident))
        if choice is not None:
            act(choice)

    def _rest(
        self,
        key: tuple[str, int],
        incident: Incident,
        plan: float,
        *,
        seeking: bool,
        situation: Situation | None = None,
    ) -> None:
        """Keep what a look at asking found (``Quiet``), when it is known until when it
        holds: help in train is then units on scene (whose arrival is past) and requests
        pending (whose expected arrival counts until their patience runs out), not units
        on their way (whose estimates move) nor an approval with no unit sent yet (whose
        soonest is searched again), unless units on scene already settle it."""
        points = self.sim.points
        if self.reserves or points.open or points.promised:
            return
        if any(u.state is not UnitState.ON_SCENE for u in incident.assigned):
            return
        now = self.sim.env.now
        patience = self.sim.scenario.coordination.mutual_assistance.ask_again_after
        until = plan if situation is not None else math.inf  # due: no one could be sooner
        base = min((u.planned_at for u in incident.assigned), default=math.inf)
        searched = False
        for code, (status, at) in incident.requests.items():
            if status in ("sent", "refused") and now - at < patience:
                until = min(until, at + patience)  # the promise lapses, the refusal stands
                if status == "sent":
                    base = min(base, self.promised.get((incident.id, code), math.inf))
            elif status == "approved" and not any(u.tasked_by == code for u in incident.assigned):
                searched = True
        if seeking:  # help late (in train by now) or no one sooner: on base alone
            holds = base <= now if situation is None else not searched and base == plan
        else:  # help in train by the target, by units on scene or promises alone
            holds = base <= incident.target_at
        if holds:
            self._quiet[key] = Quiet(
                incident.version, self._world, dict(incident.requests), until, seeking, situation
            )

    def _still_quiet(self, asker: str, incident: Incident, quiet: Quiet) -> bool:
        """Whether what the last look at asking for help with an incident found still
        holds (``Quiet``)."""
        if (
            self.sim.env.now >= quiet.until
            or quiet.version != incident.version
            or quiet.world != self._world
            or quiet.requests != incident.requests
            or self.sim.points.open
            or self.sim.points.promised
        ):
            return False
        if quiet.situation is None:
            return True
        lengths = tuple(map(len, self._journals[incident.need.id]))
        return self._no_one_sooner(asker, incident, (quiet.situation, lengths))

    def _asking_stamp(self, incident: Incident, plan: float) -> AskingStamp | None:
        """What finding that no neighbour's unit (and none of the nation's own busy ones)
        would come before ``plan`` depends on, beside the passing of time (which makes
        every unit only later) and the units filed or stirred since (None: it hangs on
        more: open points, reserves)."""
        points = self.sim.points
        if self.reserves or points.open or points.promised:
            return None
        situation = (self._world, plan, incident.version, tuple(incident.requests.items()))
        return situation, tuple(map(len, self._journals[incident.need.id]))

    def _no_one_sooner(self, asker: str, incident: Incident, stamp: AskingStamp) -> bool:
        """Whether, as the last look found, no neighbour's unit nor any of the nation's
        own busy ones could come before help in train: in the same situation, with no
        refusal lapsed, and none of the units filed or stirred since could come before
        it (for the nation's own busy ones, by the target) on a bound from below (for a
        neighbour's, setting off once asked and approved, ``help_from``)."""
        key = (asker, incident.id)
        then = self._no_one_to_ask.get(key)
        if then is None or then[0] != stamp[0] or not self._refusals_stand(incident):
            return False
        if then[1] != stamp[1]:
            need, own, plan = incident.need.id, incident.place.nation, stamp[0][1]
            now = self.sim.env.now
            by_target = math.nextafter(incident.target_at, math.inf)
            was = then[1]
            for n, nation in enumerate(self.sim.nations):
                filed_at, stirred_at = was[2 * n], was[2 * n + 1]
                if (filed_at, stirred_at) == stamp[1][2 * n : 2 * n + 2]:
                    continue
                if nation in incident.requests:  # asked already: not again
                    continue
                if nation == own:  # its own busy units only (``_own_busy``)
                    if now >= by_target:  # the target passed: none could come by it
                        continue
                    busy = self._busy.get((nation, need), {})
                    moved = [
                        u
                        for u in self._moved_since(nation, need, -1, stirred_at)
                        if u in busy and u.task is not incident
                    ]
                    if any(
                        self._could_come_at_least(u, incident, now, by_target) < by_target
                        for u in moved
                    ):
                        return False
                    continue
                types, delay = self._when_asked(asker, nation, incident)
                if now + delay >= plan:  # not even a unit on the spot would come sooner
                    continue
                units = self._moved_since(nation, need, filed_at, stirred_at)
                if any(
                    self._could_come_at_least(u, incident, now + delay, plan) < plan
                    for u in units
                    if self._may_send(nation, u, incident, types)
                ):
                    return False
        self._no_one_to_ask[key] = stamp
        return True

    def _moved_since(
        self, nation: str, need: str, filed_at: int, stirred_at: int
    ) -> tuple[Unit, ...]:
        """The units of a nation's pool for a need stirred since a place in its journal,
        then one unit of each group of free units filed since another and still free (-1:
        none), each once, in turn. Kept for the look: asking looks at the same for many
        incidents."""
        filed, stirred = self._filed[(nation, need)], self._stirred[(nation, need)]
        key = (nation, need, filed_at, stirred_at, len(filed), len(stirred))
        found = self._moved.get(key)
        if found is None:
            units = dict.fromkeys(stirred[stirred_at:])
            if filed_at >= 0:
                groups = self.groups[nation].get(need, {})
                for k in dict.fromkeys(filed[filed_at:]):
                    if k in groups:
                        units.setdefault(next(iter(groups[k])), None)
            found = self._moved[key] = tuple(units)
        return found

    def _could_come_at_least(
        self, unit: Unit, incident: Incident, leave_at: float, before: float
    ) -> float:
        """A bound from below on when a unit, free, busy or down, could be on scene at an
        incident if sent, setting off no earlier than ``leave_at`` and once free: the bound
        ``_first_of`` and ``_leaving`` search by; infinity if it would come before
        ``before`` but has no open way there, as they find."""
        sim = self.sim
        place = incident.place.id
        if unit.task is None:
            origin, t = departure(sim, unit)
        else:
            origin, t = unit.task.place.id, max(unit.down_until, sim.env.now)
        at_least = earliest_arrival(sim, unit, origin, max(t, leave_at), place)
        if at_least >= before:
            return at_least
        if unit.task is None:
            reached = sim.reaches(unit, origin, place)
        else:
            origin_nation = sim.geography.places[origin].nation
            reached = sim.may_reach(unit.nation, unit.type.mode, origin_nation, place)
        return at_least if reached else math.inf

    def _refusals_stand(self, incident: Incident) -> bool:
        """Whether every nation that refused help with an incident still may not be asked
        again (``_helpers``)."""
        if not incident.requests:
            return True
        again_after = self.sim.scenario.coordination.mutual_assistance.ask_again_after
        now = self.sim.env.now
        return all(
            now - at < again_after
            for status, at in incident.requests.values()
            if status == "refused"
        )

    def _may_ask(self, incident: Incident, choice: d.Choice) -> bool:
        """Whether a nation chosen to be asked for help with an incident still can be."""
        status = incident.requests.get(choice.choice)
        return incident.remaining > 0 and (status is None or status[0] == "refused")

    def _ask(
        self, asker: str, incident: Incident, etas: dict[str, float], choice: d.Choice
    ) -> None:
        """Carry out a decision to ask a neighbour."""
        if choice.choice != "wait":
            self.promised[(incident.id, choice.choice)] = etas.get(choice.choice, math.inf)
            self.sim.ask_for_help(asker, choice.choice, incident)

    def _helpers(self, asker: str, incident: Incident, plan: float) -> list[tuple[float, str]]:
        """Nations that could be asked, by when their unit would be on scene, soonest first:
        units leave once the request has arrived and been approved (expected delays), and
        cross borders at the hours of that time; busy units count from when they free."""
        sim = self.sim
        assistance = sim.scenario.coordination.mutual_assistance
        found = []
        for code in sim.nations:
            if code == incident.place.nation:
                continue
            status = incident.requests.get(code)
            if status is not None and not (
                status[0] == "refused" and sim.env.now - status[1] >= assistance.ask_again_after
            ):
                continue
            best = self.help_from(asker, code, incident, plan)
            if best < plan:
                found.append((best, code))
        return sorted(found)

    def help_from(self, asker: str, code: str, incident: Incident, before: float) -> float:
        """When a nation's unit could be on scene if asked now, if before ``before`` (else
        infinity): it sets off once the request has arrived and been approved (expected
        delays)."""
        types, delay = self._when_asked(asker, code, incident)
        if self.sim.env.now + delay >= before:
            return math.inf  # not even a unit on the spot would come sooner
        soonest = self._soonest(code, incident, types, delay, before)
        return soonest if soonest < before else math.inf

    def _when_asked(
        self, asker: str, code: str, incident: Incident
    ) -> tuple[frozenset[str] | None, float]:
        """What a nation asked for help with an incident would send (its unit types
        pre-authorised there; None: any, once approved) and how long after it is asked its
        units could set off: once the request has arrived and, unless pre-authorised, been
        approved (expected delays)."""
        sim = self.sim
        types = sim.pre_authorised_types(incident.place.nation, code)
        delay = sim.comms.channel(asker, code).latency.mean
        if types is None:
            delay += sim.scenario.coordination.mutual_assistance.approval.mean
        return types, delay

    def _soonest(
        self,
        code: str,
        incident: Incident,
        types: frozenset[str] | None,
        delay: float,
        before: float = math.inf,
    ) -> float:
        """When a nation's unit could be on scene at a neighbour's incident, setting off
        no earlier than ``delay`` after now, if before ``before`` (else ``before``): its
        free units, and its busy ones once free."""
        need = incident.need.id

        def searches() -> tuple[Search, Again]:
            leave_at = self.sim.env.now + delay
            bound = partial(self._leaving, code, incident, types, leave_at)

            def search(before: float) -> float:
                free = self._by_bound(code, need, incident, leave_at, bound, types, code)
                busy = (u for u in self._busy.get((code, need), ()) if sendable(u))
                return self._first_of(free, busy, incident, leave_at, before)

            def again(keys: list[GroupKey], units: list[Unit], at_least: float) -> float:
                groups = self.groups[code].get(need, {})
                members = [groups[k] for k in keys if k in groups]
                members += [{u: None} for u in units if u in self._group_of]
                below = partial(self._leaving, code, incident, types, leave_at, below=at_least)
                free = sorted(filter(None, map(below, members)), key=lambda b: b[0])
                busy = self._busy.get((code, need), {})
                moved = (u for u in units if u in busy and sendable(u))
                return self._first_of(free, moved, incident, leave_at, at_least)

            def sendable(unit: Unit) -> bool:
                return self._may_send(code, unit, incident, types)

            return search, again

        if self.reserves.get(code):  # whether a unit may be lent hangs on the others
            return searches()[0](before)
        return self._recalled(incident, (code, delay, types), code, need, before, searches)

    def _recalled(
        self,
        incident: Incident,
        key: Hashable,
        nation: str,
        need: str,
        before: float,
        searches: Callable[[], tuple[Search, Again]],
    ) -> float:
        """What a search finds (the soonest arrival of some units of a nation for a need,
        if before ``before``, else ``before``), spared when the bound the last search for
        ``key`` left settles it: that bound, with the free groups filed and the units
        stirred since looked at again (every other unit only got later with time, in the
        same world); with none, the unit found soonest if it still comes before the bound
        left on every other. ``searches`` makes the search and the look again."""
        filed = self._filed.get((nation, need), [])
        stirred = self._stirred.get((nation, need), [])
        kept = self._known.setdefault(incident.id, {})
        known = kept.get(key)
        state = (self._world, len(filed), len(stirred))
        if known is None or known[0] != self._world:
            search = searches()[0]
        elif state == known[:3]:
            if known[3] >= before:
                return before
            search, again = searches()
            unit, others = known[4], known[5]
            if unit is not None:  # the unit found soonest, if still before every other
                soonest = again([], [unit], others)
                if self.soonest_unit is unit:
                    kept[key] = (*state, soonest, unit, others)
                    return soonest if soonest < before else before
        else:
            search, again = searches()
            keys = list(dict.fromkeys(filed[known[1] :]))
            at_least = again(keys, list(dict.fromkeys(stirred[known[2] :])), known[3])
            kept[key] = (*state, at_least, self.soonest_unit, self.others_at_least)
            if at_least >= before:
                return before
            if at_least < known[3]:  # a unit looked at again comes before every other
                return at_least
        found = search(before)
        kept[key] = (*state, found, self.soonest_unit, self.others_at_least)
        return found

    def _leaving(
        self,
        code: str,
        incident: Incident,
        types: frozenset[str] | None,
        leave_at: float,
        members: Members,
        below: float | None = None,
    ) -> tuple[float, tuple[Unit, str, float]] | None:
        """A bound from below on when a free group of a nation's units could be on scene
        at a neighbour's incident, setting off no earlier than ``leave_at``, with one of
        them and where and when it would set off (None: it may not be sent, has no open
        way there, or could not come before ``below``)."""
        sim = self.sim
        place = incident.place.id
        unit = next(iter(members))
        if not self._may_send(code, unit, incident, types):
            return None
        origin, t = departure(sim, unit)
        t = max(t, leave_at)
        at_least = earliest_arrival(sim, unit, origin, t, place)
        if below is not None and at_least >= below:
            return None
        if not sim.reaches(unit, origin, place):
            return None
        return at_least, (unit, origin, t)

    def _first_of(
        self,
        free: Iterable[tuple[float, tuple[Unit, str, float] | None]],
        busy: Iterable[Unit],
        incident: Incident,
        leave_at: float,
        best: float,
    ) -> float:
        """The soonest arrival at ``incident``, if before ``best``, of free units (bounded
        from below, in the order of their bounds, with where and when they set off) and of
        units busy or down now (once free, no earlier than ``leave_at``): estimated in the
        order of their bounds until no other could be sooner. The unit found is kept in
        ``soonest_unit``, and a bound from below on every other in ``others_at_least``."""
        sim = self.sim
        place = incident.place.id
        self.soonest_unit = None
        others = best  # a bound from below on every unit but the soonest
        bounded: list[tuple[float, tuple[Unit, str, float] | None]] = []
        places = sim.geography.places
        for unit in busy:
            if unit.task is None:  # down: sets off once repaired
                origin, t = departure(sim, unit)
            else:  # busy: sets off from its task's place once free
                origin, t = unit.task.place.id, max(unit.down_until, sim.env.now)
            t = max(t, leave_at)
            at = earliest_arrival(sim, unit, origin, t, place)
            if at < best and sim.may_reach(
                unit.nation, unit.type.mode, places[origin].nation, place
            ):
                bounded.append((at, (unit, origin if unit.task is None else "", t)))
        bounded.sort(key=lambda b: b[0])
        for bound, item in heapq.merge(free, bounded, key=lambda b: b[0]):
            if bound >= best:
                others = min(others, bound)
                break
            if item is None:  # nothing free comes sooner than bound
                continue
            unit, origin, t = item
            if origin:
                eta = travel_end(sim, unit, origin, place, t)
            else:
                eta = could_arrive(sim, unit, incident, leave_at)
            if eta is None:
                continue
            if eta < best:
                others = min(others, best)
                best, self.soonest_unit = eta, unit
            else:
                others = min(others, eta)
        self.others_at_least = others
        return best

    def _may_send(
        self, nation: str, unit: Unit, incident: Incident, types: frozenset[str] | None
    ) -> bool:
        """Whether the nation could send its own unit to a neighbour's incident."""
        return (
            unit.nation == nation
            and unit.can_serve(incident)
            and (types is None or unit.type.id in types)
            and self.lendable(nation, unit)
        )

    def _plan_joint_centre(self) -> None:
        self.seeking.discard(JOINT_CENTRE)
        for incident in self.joint_centre:
            if incident.remaining <= 0:
                self._forget(JOINT_CENTRE, incident)
        self.joint_centre[:] = [i for i in self.joint_centre if i.remaining > 0]
        for incident in sorted(self.joint_centre, key=lambda i: (i.priority, i.reported_at, i.id)):
            self._consider_asking(JOINT_CENTRE, incident)

    def _point(
        self,
        seat: str,
        kind: str,
        incident: Incident,
        options: tuple[d.Option, ...],
        proposal: d.Choice,
        question: str = "",
    ) -> d.DecisionPoint:
        return d.DecisionPoint(
            self.sim.env.now, seat, kind, incident.key, incident.id, options, proposal, question
        )

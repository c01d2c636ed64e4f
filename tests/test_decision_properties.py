"""Rules of the decision layer as properties over generated small scenarios (Hypothesis)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import load_with

from sim import incident_rows
from sim.log import DECISION_EVENTS, JOINT
from sim.model import Simulation
from sim.model import random as rnd
from sim.model.entities import UnitState
from sim.model.estimates import arrival, departure, on_scene_estimate, travel_end
from sim.model.units import SLIP_MIN

MECHANISMS = (
    ("channels", "enabled"),
    ("language", "enabled"),
    ("information_sharing", "enabled"),
    ("mutual_assistance", "pre_authorized"),
    ("joint_centre", "enabled"),
    ("border_operations", "enabled"),
    ("joint_training", "enabled"),
)
OWN_SOURCES = {
    "language": {"language"},
    "information_sharing": {"sharing"},
    "mutual_assistance": {"approval"},
    "border_operations": {"border"},
    "joint_training": {"integration"},
}
"""The random sources a mechanism acts through (others' draws must not change with it)."""


@dataclass(frozen=True)
class Case:
    """tiny_border.toml with a Lao boat, a Thai day-only helicopter, a Thai village (Ban
    Tai, 10 km from Ubon), supplies (priority 5) beside rescue, maybe a joint boat team, a
    breakdown, a closure and a grounding, and these changes (its repr is all it takes to
    run it again)."""

    incidents: tuple[tuple[int, int, str, str], ...]
    """(minute, people, place, need) of each incident."""
    joint_base: str | None
    hours: str
    lao_mobilisation: int
    breakdown: tuple[int, int] | None
    closure: tuple[int, int] | None
    grounding: tuple[int, int, tuple[str, ...]] | None
    """(minute, minutes, nations: none for all) of a grounding of aircraft."""
    switched: frozenset[tuple[str, str]]
    max_units: int
    seed: int

    def change(self, data: dict[str, Any]) -> None:
        data["run"] = {"seed": self.seed}
        data["places"][4]["water_access"] = True
        data["places"].append(
            {**data["places"][3], "id": "pakse_port", "name": "Pakse port", "kind": "town"}
        )
        data["crossings"][0]["hours"] = self.hours
        data["places"].append(
            {"id": "ban_tai", "name": "Ban Tai", "nation": "TH", "kind": "village",
             "lat": 15.2, "lon": 104.9, "population": 100, "water_access": True}
        )  # fmt: skip
        data["roads"].append({"from": "ubon", "to": "ban_tai", "km": 10, "class": "rural"})
        data["needs"][0]["max_units"] = self.max_units
        data["needs"].append({**data["needs"][0], "id": "supplies", "priority": 5})
        boat = data["unit_types"][0]
        boat["capabilities"] = ["rescue", "supplies"]
        data["unit_types"] += [
            {**boat, "id": "lao_boat", "mobilisation": f"{self.lao_mobilisation}min"},
            {**boat, "id": "heli", "mode": "air", "speed_kmh": 180, "capacity": 4,
             "day_only": True, "trip": "40min"},
        ]  # fmt: skip
        data["units"] += [
            {"id": "la-boat", "nation": "LA", "agency": "army", "type": "lao_boat",
             "base": "pakse"},
            {"id": "th-heli", "nation": "TH", "agency": "RTAF", "type": "heli", "base": "ubon"},
        ]  # fmt: skip
        data["places"][3]["water_access"] = True
        if self.joint_base is not None:
            data["units"].append(
                {"id": "jt-boat", "nation": "LA", "agency": "joint", "type": "boat",
                 "base": self.joint_base, "joint": True}
            )  # fmt: skip
            data["coordination"]["joint_teams"] = {"enabled": True}
        data["injects"] = [
            {"type": "incident", "at": f"{at}min", "place": place, "need": need, "people": n}
            for at, n, place, need in self.incidents
        ]
        if self.breakdown:
            at, down = self.breakdown
            data["injects"].append(
                {"type": "unit_breakdown", "at": f"{at}min", "unit": "la-boat",
                 "for": f"{down}min"}
            )  # fmt: skip
        if self.closure:
            at, closed = self.closure
            data["injects"].append(
                {"type": "crossing_closed", "at": f"{at}min",
                 "crossing": "chong_mek_vang_tao", "for": f"{closed}min"}
            )  # fmt: skip
        if self.grounding:
            at, grounded, nations = self.grounding
            data["injects"].append(
                {"type": "grounding", "at": f"{at}min", "for": f"{grounded}min",
                 "nations": list(nations)}
            )  # fmt: skip
        for section, key in sorted(self.switched):
            data["coordination"].setdefault(section, {})[key] = True


scenarios = st.builds(
    Case,
    incidents=st.lists(
        st.tuples(
            st.integers(0, 1800),
            st.integers(1, 60),
            st.sampled_from(["ban_hat", "pakse", "ban_tai"]),
            st.sampled_from(["rescue", "supplies"]),
        ),
        min_size=1,
        max_size=4,
    ).map(tuple),
    joint_base=st.one_of(st.none(), st.sampled_from(["pakse", "ubon", "ban_hat"])),
    hours=st.sampled_from(["09:00-17:00", "06:00-22:00", "24h", "20:00-08:00"]),
    lao_mobilisation=st.integers(10, 600),
    breakdown=st.one_of(st.none(), st.tuples(st.integers(0, 900), st.integers(10, 600))),
    closure=st.one_of(st.none(), st.tuples(st.integers(0, 1500), st.integers(10, 900))),
    grounding=st.one_of(
        st.none(),
        st.tuples(
            st.integers(0, 1500),
            st.integers(10, 900),
            st.sampled_from([(), ("LA",), ("TH",)]),
        ),
    ),
    switched=st.frozensets(st.sampled_from(MECHANISMS)),
    max_units=st.integers(1, 3),
    seed=st.integers(0, 1000),
)
"""Drawn cases of ``Case``."""


def build(case: Case) -> Any:
    return load_with("tiny_border.toml", case.change)


SETTINGS = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def run_checking_every_instant(sim: Simulation, check: Callable[[], None]) -> None:
    """Run to the end, calling ``check`` once everything of each instant has happened
    (every look made), so a change that started no look is caught as well."""
    env, end = sim.env, sim.scenario.duration_min
    while env.peek() < end:
        env.step()
        if env.peek() > env.now:
            check()


@SETTINGS
@given(scenarios)
def test_no_free_unit_stays_idle_while_it_could_arrive_sooner(case: Case) -> None:
    """No capable free unit a nation may task (its own, a neighbour's it was asked for, a
    joint team's) stays idle while an incident that nation plans for waits for a unit that
    would come later, or wants more units (people left after a round of trips, below
    ``max_units``); a slip under ``SLIP_MIN`` is not news."""
    sim = Simulation(build(case))
    planner = sim.planner

    def check() -> None:
        for nation, queue in planner.queues.items():
            for incident in queue:
                wants_more = incident.wants_more_units()
                if incident.remaining <= 0 or (incident.attended and not wants_more):
                    continue
                current = min(
                    (on_scene_estimate(sim, u) for u in incident.assigned), default=math.inf
                )
                if incident.assigned and wants_more:  # a reinforcement: any unit with a way
                    current = math.inf
                types = planner.allowed[nation].get(incident.id)
                for unit in sim.units:
                    if not planner.is_free(unit) or nation not in planner.taskers(unit):
                        continue
                    if unit.can_serve(incident) and (types is None or unit.type.id in types):
                        eta = arrival(sim, unit, incident)
                        late = current - SLIP_MIN
                        assert eta is None or eta >= late, (sim.env.now, unit.id, incident.id)

    run_checking_every_instant(sim, check)


@SETTINGS
@given(scenarios)
def test_invariants_of_a_run(case: Case) -> None:
    scenario = build(case)
    sim = Simulation(scenario)
    log = sim.run()
    max_units = scenario.needs[0].max_units
    # max_units never exceeded
    tasked: dict[int, set[str]] = defaultdict(set)
    for _, event, incident, unit, _ in log.events:
        if event == "dispatched":
            tasked[incident].add(unit)
            assert len(tasked[incident]) <= max_units
        elif event in ("released", "stood_down") and incident >= 0:
            tasked[incident].discard(unit)
    # no day-only aircraft flying or working between sunset and sunrise
    for t, event, _, unit, _ in log.events:
        if unit == "th-heli" and event in ("trip", "on_scene"):
            start = t - (40.0 if event == "trip" else 0.0)
            assert sim.clock.next_daylight(start) == start
            assert event != "trip" or sim.clock.daylight_for(start, 40.0) == start
    # the split sums to the response time; every incident ends with a status and a reason
    for row in incident_rows(log):
        if row.served:
            assert math.isclose(sum(row.parts.values()), row.response_min, abs_tol=1e-6)
        assert row.status in ("resolved", "ended", "on scene", "en route", "unserved")
        if not row.units:
            holds = [e for e in log.events if e[1] == "decision" and e[2] == row.info.id]
            assert holds, f"incident {row.info.id} waited with no decision logged"
    # no unit in two places: a unit never has two tasks at once
    doing: dict[str, int] = {}
    for _, event, incident, unit, _ in log.events:
        if event == "dispatched":
            assert unit not in doing or doing[unit] == incident
            doing[unit] = incident
        elif event in ("released", "stood_down"):
            doing.pop(unit, None)
    assert all(u.state is not UnitState.ON_SCENE or u.task is not None for u in sim.units)


def recorded_draws(scenario: Any) -> dict[tuple[str, str], list[float]]:
    """Every draw of a run by (source, entity), in order."""
    draws: dict[tuple[str, str], list[float]] = defaultdict(list)

    class Recording(rnd.Streams):
        def of(self, source: str, entity: str) -> rnd.EntityStream:
            stream = super().of(source, entity)
            real = stream.uniform

            def uniform() -> float:
                value = real()
                draws[(source, entity)].append(value)
                return value

            stream.uniform = uniform  # type: ignore[method-assign]
            return stream

    sim = Simulation(scenario)
    sim.random = Recording(sim.seed, 0)
    sim.run()
    return draws


@SETTINGS
@given(scenarios, st.sampled_from(MECHANISMS))
def test_switching_a_mechanism_leaves_every_other_draw_as_it_was(
    case: Case, mechanism: tuple[str, str]
) -> None:
    base = build(case)
    flipped = base.model_copy(deep=True)
    section, key = mechanism
    part = getattr(flipped.coordination, section)
    object.__setattr__(part, key, not getattr(part, key))
    off, on = recorded_draws(base), recorded_draws(flipped)
    own = OWN_SOURCES.get(section, set())
    for entity in off.keys() & on.keys():
        if entity[0] in own:
            continue
        n = min(len(off[entity]), len(on[entity]))
        assert off[entity][:n] == on[entity][:n], entity


@SETTINGS
@given(scenarios)
def test_no_neighbour_that_would_come_sooner_is_left_unasked(case: Case) -> None:
    sim = Simulation(build(case))
    planner = sim.planner
    assistance = sim.scenario.coordination.mutual_assistance
    original = planner._look_again

    def look_and_check(event: object) -> None:
        original(event)
        now = sim.env.now
        for nation, queue in planner.queues.items():
            for incident in queue:
                if incident.place.nation != nation or incident.remaining <= 0:
                    continue
                plan = planner.in_train(incident)
                if plan <= incident.target_at:
                    continue
                plan = min(plan, planner._own_busy(incident, math.inf))
                if plan <= incident.target_at:
                    continue
                for unit in sim.units:  # a free unit of a neighbour never asked
                    code = unit.nation
                    if code in (nation, JOINT) or code in incident.requests:
                        continue
                    if not planner.is_free(unit) or not unit.can_serve(incident):
                        continue
                    types = sim.pre_authorised_types(nation, code)
                    if types is not None and unit.type.id not in types:
                        continue
                    delay = sim.comms.channel(nation, code).latency.mean
                    if types is None:
                        delay += assistance.approval.mean
                    origin, t = departure(sim, unit)
                    eta = travel_end(sim, unit, origin, incident.place.id, max(t, now + delay))
                    assert eta is None or eta >= plan, (unit.id, incident.id, eta, plan)

    planner._look_again = look_and_check  # type: ignore[method-assign]
    sim.run()


def outcomes(scenario: Any) -> list[tuple[str, float, tuple[str, ...]]]:
    """Each incident (by ref): when work started, and by which units."""
    sim = Simulation(scenario)
    log = sim.run()
    return sorted(
        (i.ref, row.at.get("on_scene", math.inf), tuple(sorted(row.units)))
        for i, row in zip(sim.incidents, incident_rows(log), strict=True)
    )


@SETTINGS
@given(scenarios, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_nations_units_or_places(
    case: Case, shuffle: Any
) -> None:
    def reordered(data: dict[str, Any]) -> None:
        case.change(data)
        for key in ("nations", "units", "places", "roads", "unit_types"):
            shuffle.shuffle(data[key])

    assert outcomes(load_with("tiny_border.toml", reordered)) == outcomes(build(case))


RENAMED = {
    "LA": "ZL",
    "TH": "AT",
    "la-boat": "z-boat",
    "th-boat": "a-boat",
    "th-heli": "0-heli",
    "ubon": "z_ubon",
    "chong_mek": "a_chong_mek",
    "vang_tao": "b_vang_tao",
    "pakse": "y_pakse",
    "pakse_port": "a_pakse_port",
    "ban_hat": "c_ban_hat",
    "ban_tai": "d_ban_tai",
    "jt-boat": "b-boat",
}
"""New codes for the nations, units and places of ``scenarios()``, in another order."""


def _renamed(node: Any) -> Any:
    """The scenario's data with every nation, unit and place named by ``RENAMED``."""
    if isinstance(node, dict):
        return {k: _renamed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v) for v in node]
    return RENAMED.get(node, node) if isinstance(node, str) else node


def happenings(scenario: Any, names: dict[str, str]) -> list[tuple[float, str, int, str]]:
    """What a run did, but its decisions' words: (time, event, incident, unit by ``names``)."""
    run = Simulation(scenario).run()
    return sorted(
        (t, event, incident, names.get(unit, unit))
        for t, event, incident, unit, _ in run.events
        if event not in DECISION_EVENTS
    )


def same_under_other_codes(case: Case) -> bool:
    """Whether ``case`` renamed by ``RENAMED`` does the same things at the same times to the
    same units."""

    def renamed(data: dict[str, Any]) -> None:
        case.change(data)
        data.update(_renamed(data))

    back = {new: old for old, new in RENAMED.items()}
    return happenings(load_with("tiny_border.toml", renamed), back) == happenings(build(case), {})


@SETTINGS
@given(scenarios)
def test_results_do_not_depend_on_the_codes_of_nations_units_or_places(case: Case) -> None:
    """Renamed so that every alphabetical order turns (Laos after Thailand, the Lao boat
    after the Thai one, each place before or after the others), the run does the same
    things at the same times to the same units."""
    assert same_under_other_codes(case)


def test_a_tie_between_a_nations_boat_and_a_joint_boat_is_not_broken_by_their_codes() -> None:
    """The Thai boat and the joint boat stand at Ubon, alike in all but their codes; Ban Tai,
    10 km away, floods: which of the two goes must not depend on which code sorts first
    (it goes "jt-boat" before "th-boat", but "a-boat" renamed before "b-boat")."""
    case = Case(
        incidents=((524, 1, "ban_tai", "rescue"),),
        joint_base="ubon",
        hours="09:00-17:00",
        lao_mobilisation=10,
        breakdown=None,
        closure=None,
        grounding=None,
        switched=frozenset(),
        max_units=1,
        seed=0,
    )
    assert same_under_other_codes(case)

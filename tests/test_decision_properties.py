"""Rules of the decision layer as properties over generated small scenarios (Hypothesis)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import load_with

from sim import incident_rows
from sim.log import JOINT
from sim.model import Simulation
from sim.model import random as rnd
from sim.model.entities import UnitState
from sim.model.estimates import arrival, departure, on_scene_estimate, travel_end

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


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """tiny_border.toml with a Lao boat, a Thai day-only helicopter, and drawn changes."""
    incidents = draw(
        st.lists(
            st.tuples(
                st.integers(0, 1800), st.integers(1, 60), st.sampled_from(["ban_hat", "pakse"])
            ),
            min_size=1,
            max_size=4,
        )
    )
    hours = draw(st.sampled_from(["09:00-17:00", "06:00-22:00", "24h", "20:00-08:00"]))
    lao_mobilisation = draw(st.integers(10, 600))
    breakdown = draw(st.one_of(st.none(), st.tuples(st.integers(0, 900), st.integers(10, 600))))
    closure = draw(st.one_of(st.none(), st.tuples(st.integers(0, 1500), st.integers(10, 900))))
    switched = draw(st.sets(st.sampled_from(MECHANISMS)))
    max_units = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 1000))

    def change(data: dict[str, Any]) -> None:
        data["run"] = {"seed": seed}
        data["places"][4]["water_access"] = True
        data["places"].append(
            {**data["places"][3], "id": "pakse_port", "name": "Pakse port", "kind": "town"}
        )
        data["crossings"][0]["hours"] = hours
        data["needs"][0]["max_units"] = max_units
        boat = data["unit_types"][0]
        data["unit_types"] += [
            {**boat, "id": "lao_boat", "mobilisation": f"{lao_mobilisation}min"},
            {
                **boat,
                "id": "heli",
                "mode": "air",
                "speed_kmh": 180,
                "capacity": 4,
                "day_only": True,
                "trip": "40min",
            },
        ]
        data["units"] += [
            {
                "id": "la-boat",
                "nation": "LA",
                "agency": "army",
                "type": "lao_boat",
                "base": "pakse",
            },
            {"id": "th-heli", "nation": "TH", "agency": "RTAF", "type": "heli", "base": "ubon"},
        ]
        data["places"][3]["water_access"] = True
        data["injects"] = [
            {"type": "incident", "at": f"{at}min", "place": place, "need": "rescue", "people": n}
            for at, n, place in incidents
        ]
        if breakdown:
            data["injects"].append(
                {
                    "type": "unit_breakdown",
                    "at": f"{breakdown[0]}min",
                    "unit": "la-boat",
                    "for": f"{breakdown[1]}min",
                }
            )
        if closure:
            data["injects"].append(
                {
                    "type": "crossing_closed",
                    "at": f"{closure[0]}min",
                    "crossing": "chong_mek_vang_tao",
                    "for": f"{closure[1]}min",
                }
            )
        for section, key in switched:
            data["coordination"].setdefault(section, {})[key] = True

    data: dict[str, Any] = {"change": change, "switched": switched}
    return data


def build(case: dict[str, Any]) -> Any:
    return load_with("tiny_border.toml", case["change"])


SETTINGS = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(scenarios())
def test_no_free_unit_stays_idle_while_it_could_arrive_sooner(case: dict[str, Any]) -> None:
    sim = Simulation(build(case))
    planner = sim.planner
    original = planner._look_again

    def look_and_check(event: object) -> None:
        original(event)  # every party has looked again: check the plans they made
        for nation, queue in planner.queues.items():
            for incident in queue:
                if incident.attended or incident.remaining <= 0:
                    continue
                current = min(
                    (on_scene_estimate(sim, u) for u in incident.assigned), default=math.inf
                )
                types = planner.allowed[nation].get(incident.id)
                for unit in sim.units:
                    if not planner.is_free(unit) or nation not in planner.taskers(unit):
                        continue
                    if unit.can_serve(incident) and (types is None or unit.type.id in types):
                        eta = arrival(sim, unit, incident.place.id)
                        assert eta is None or eta >= current, (unit.id, incident.id, eta, current)

    planner._look_again = look_and_check  # type: ignore[method-assign]
    sim.run()


@SETTINGS
@given(scenarios())
def test_invariants_of_a_run(case: dict[str, Any]) -> None:
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
@given(scenarios(), st.sampled_from(MECHANISMS))
def test_switching_a_mechanism_leaves_every_other_draw_as_it_was(
    case: dict[str, Any], mechanism: tuple[str, str]
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
@given(scenarios())
def test_no_neighbour_that_would_come_sooner_is_left_unasked(case: dict[str, Any]) -> None:
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
@given(scenarios(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_nations_units_or_places(
    case: dict[str, Any], shuffle: Any
) -> None:
    def reordered(data: dict[str, Any]) -> None:
        case["change"](data)
        for key in ("nations", "units", "places", "roads", "unit_types"):
            shuffle.shuffle(data[key])

    assert outcomes(load_with("tiny_border.toml", reordered)) == outcomes(build(case))

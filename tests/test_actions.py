"""A seat's unprompted actions are checked before they are taken: the check changes
nothing in the run, refuses by doctrine's rules and says why, and an action it allows is
taken as checked."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import load_with, slow_lao_boat

from sim.decisions import points as d
from sim.decisions.actions import ACTIONS, ActionRefused, act, check
from sim.decisions.commands import Advance
from sim.decisions.exercise import Exercise
from sim.model.arrangements import NAMES


def _watched_with_lao_boat(data: dict[str, Any]) -> None:
    slow_lao_boat(data)
    data.setdefault("coordination", {})["information_sharing"] = {
        "enabled": True,
        "border_zone_km": 40,
        "border_detection": "5min",
    }


SCENARIO = load_with("tiny_border.toml", _watched_with_lao_boat)
TARGETS = ("th-boat", "la-boat", "LA", "TH", "ban_hat", "pakse", "nowhere", *NAMES)


def _state(ex: Exercise) -> Any:
    """Everything an action could change in a run."""
    sim = ex.sim
    return (
        len(sim.log.events),
        len(sim.log.decisions),
        [(u.task, u.tasked_by, u.state, u.offered_to, u.planned_at) for u in sim.units],
        [(tuple(i.assigned), dict(i.requests), i.version, i.remaining) for i in sim.incidents],
        dict(sim.planner.promised),
        sim.in_force,
        dict(sim.evacuation_ordered_at),
        len(sim.env._queue),  # nothing scheduled by a check
        sorted(sim.points.open),
    )


@settings(max_examples=40)
@given(
    st.sampled_from((90.0, 200.0, 400.0)),
    st.sampled_from(("LA", "TH")),
    st.sampled_from((*ACTIONS, "fly")),
    st.sampled_from((None, 0, 1)),
    st.sampled_from(TARGETS),
)
def test_checking_an_action_changes_nothing_and_taking_it_does_what_was_checked(
    at: float, seat: str, action: str, number: int | None, target: str
) -> None:
    ex = Exercise(SCENARIO, 0, ("LA", "TH"), [Advance(to=at)])
    sim = ex.sim
    incident = None if number is None or number >= len(sim.incidents) else sim.incidents[number]
    before = _state(ex)
    try:
        allowed = check(sim, seat, action, incident, target)
    except ActionRefused as refusal:
        assert _state(ex) == before
        assert refusal.message  # it says why
        with pytest.raises(ActionRefused) as again:  # taking it is refused the same way
            act(sim, seat, action, incident, target)
        assert again.value.message == refusal.message and _state(ex) == before
        return
    assert _state(ex) == before
    decisions = len(sim.log.decisions)
    decider = act(sim, seat, action, incident, target)
    assert decider == allowed.decider
    taken = sim.log.decisions[decisions:]
    assert [(r.seat, r.kind, r.reason) for r in taken] == [(decider, action, d.PLAYER)]

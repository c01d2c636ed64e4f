"""A look's agenda: each pass visits the plans most urgent first, and a plan added during
a pass (an incident woken) is visited at its place: in the pass under way if the pass has
yet to reach that place, in every later pass either way; none twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from sim.decisions.agenda import Agenda, Plan, urgency
from sim.model.entities import Incident

NATIONS = ("KH", "LA", "TH")


@dataclass(eq=False)
class _Place:
    nation: str


@dataclass(eq=False)
class _Incident:
    """What an agenda reads of an incident."""

    id: int
    priority: int
    reported_at: float
    place: _Place


def _plans(specs: list[tuple[int, float, str]]) -> list[Plan]:
    """Incidents (priority, report time, nation), each planned for by its own nation and
    every third by each neighbour too."""
    plans = []
    for number, (priority, reported_at, nation) in enumerate(specs):
        fake: Any = _Incident(number, priority, reported_at, _Place(nation))
        incident = cast(Incident, fake)
        plans += [(incident, n) for n in NATIONS if n == nation or number % 3 == 0]
    return plans


specs = st.lists(
    st.tuples(st.integers(1, 3), st.sampled_from((0.0, 10.0)), st.sampled_from(NATIONS)),
    min_size=1,
    max_size=10,
)


def _next(on: set[Plan], after: Plan | None) -> Plan | None:
    """The plan a pass visits after ``after``: the most urgent of those on the agenda
    that come after it."""
    ahead = [p for p in on if after is None or urgency(p) > urgency(after)]
    return min(ahead, key=urgency, default=None)


@given(specs, st.data())
def test_each_pass_visits_what_is_on_the_agenda_in_order_of_urgency(
    specs: list[tuple[int, float, str]], data: st.DataObject
) -> None:
    every = _plans(specs)
    awake = data.draw(st.sets(st.sampled_from(every)), label="awake at the start")
    asleep = sorted(set(every) - awake, key=lambda p: (p[0].id, p[1]))
    agenda = Agenda(NATIONS, awake)
    on = set(awake)
    for _ in range(3):  # a look's passes
        last: Plan | None = None
        for plan in agenda.visit():
            assert plan == _next(on, last)
            last = plan
            agenda.add(*plan)  # on the agenda already: not added again
            if asleep and data.draw(st.booleans(), label="one wakes now"):
                woken = asleep.pop(data.draw(st.integers(0, len(asleep) - 1), label="which"))
                agenda.add(*woken)
                on.add(woken)
        assert _next(on, last) is None  # nothing on the agenda is left behind
    assert len(agenda) == len(on)


def test_a_plan_for_a_nation_the_look_is_not_for_is_not_added() -> None:
    thai = next(p for p in _plans([(1, 0.0, "TH")]) if p[1] == "TH")
    agenda = Agenda(("LA",), [])
    agenda.add(*thai)
    assert list(agenda.visit()) == []

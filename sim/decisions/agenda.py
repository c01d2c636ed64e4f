"""The agenda of a look: the incidents it visits, most urgent first.

A look visits each nation's incidents that are awake, in order of priority, then of report
time, then of id, the incident's own nation before a helper. It makes several passes over
them (first responses, reinforcements, asking). An incident woken during the look takes
its place in that order at once: the passes still to reach its place visit it, as if it
had been awake from the start.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator

from sim.model.entities import Incident

Plan = tuple[Incident, str]
"""An incident, and the nation planning for it (its own, or a helper)."""


def urgency(plan: Plan) -> tuple[int, float, int, bool, str]:
    """Where a plan comes in a look, the most urgent first: priority, report time,
    incident id, a helper's after the incident's own nation's, nation."""
    incident, nation = plan
    return (
        incident.priority,
        incident.reported_at,
        incident.id,
        incident.place.nation != nation,
        nation,
    )


class Agenda:
    """The plans a look visits for some nations, most urgent first."""

    def __init__(
        self, nations: Collection[str], plans: Iterable[Plan], *, may_grow: bool = True
    ) -> None:
        self.nations = nations
        self._plans = sorted(plans, key=urgency)
        self._may_grow = may_grow
        """False: no plan will be added (nothing is asleep to wake), so passes are plain."""
        self._on: set[Plan] | None = None
        """The plans on the agenda (made when the first is added)."""
        self._at = 0
        """The place the pass under way has reached."""

    def __len__(self) -> int:
        return len(self._plans)

    def add(self, incident: Incident, nation: str) -> None:
        """An incident woken during the look joins at its place (if the look plans for
        its nation and it is not on the agenda already)."""
        plan = (incident, nation)
        if self._on is None:
            self._on = set(self._plans)
        if nation not in self.nations or plan in self._on:
            return
        assert self._may_grow, "a plan added to an agenda made as one that cannot grow"
        self._on.add(plan)
        place = bisect.bisect(self._plans, urgency(plan), key=urgency)
        self._plans.insert(place, plan)
        if place <= self._at:  # passed already in this pass
            self._at += 1

    def visit(self) -> Iterator[Plan]:
        """One pass: each plan in turn, with those added on the way at their place."""
        return self._walk() if self._may_grow else iter(self._plans)

    def _walk(self) -> Iterator[Plan]:
        plans = self._plans
        self._at = 0
        while self._at < len(plans):
            yield plans[self._at]
            self._at += 1

"""The agenda of a look: the incidents it visits, most urgent first.

A look visits each nation's incidents that are awake, in order of priority, then of report
time, then of id, the incident's own nation before a helper. It makes several passes over
them (first responses, reinforcements, asking). An incident woken during the look takes
its place in that order at once: the passes still to reach its place visit it, as if it
had been awake from the start.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from operator import itemgetter

from sim.model.entities import Incident

Urgency = tuple[int, float, int, bool, str]
"""Priority, report time, incident id, a helper's (not the incident's own nation), nation."""

_urgency = itemgetter(0)


def urgency(incident: Incident, nation: str) -> Urgency:
    """Where a nation's plan for an incident comes in a look: the most urgent first."""
    return (
        incident.priority,
        incident.reported_at,
        incident.id,
        incident.place.nation != nation,
        nation,
    )


class Agenda:
    """The (incident, nation) plans a look visits, most urgent first, for some nations."""

    def __init__(self, nations: Iterable[str], plans: Iterable[tuple[Incident, str]]) -> None:
        self.nations = frozenset(nations)
        self._plans = sorted(((urgency(i, n), i, n) for i, n in plans), key=_urgency)
        self._on = {(i, n) for _, i, n in self._plans}
        self._at = 0
        """The place the pass under way has reached."""

    def __len__(self) -> int:
        return len(self._plans)

    def add(self, incident: Incident, nation: str) -> None:
        """An incident woken during the look joins at its place (if the look plans for
        its nation and it is not on the agenda already)."""
        if nation not in self.nations or (incident, nation) in self._on:
            return
        self._on.add((incident, nation))
        key = urgency(incident, nation)
        place = bisect.bisect(self._plans, key, key=_urgency)
        self._plans.insert(place, (key, incident, nation))
        if place <= self._at:  # passed already in this pass
            self._at += 1

    def visit(self) -> Iterator[tuple[Incident, str]]:
        """One pass: each plan in turn, with those added on the way at their place."""
        plans = self._plans
        self._at = 0
        while self._at < len(plans):
            _, incident, nation = plans[self._at]
            yield incident, nation
            self._at += 1

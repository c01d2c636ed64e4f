"""The queue of open decisions: each seat's open points in the order they are due.

The clock stands still while the seats decide, and every point still open when the
facilitator next moves it lapses to doctrine at that instant (``sim.decisions.exercise``): each
open point must be answered before the next move. Within that, a point about an incident
nobody has reached yet, and that no unit on its way would reach within the capability
target, is due by the last instant at which its soonest option would still be on scene
within the target (each minute spent deciding delays the departure by a minute): an
assignment's, an ask's or an offer's soonest option, as estimated, or the soonest unit of
a seat asked for help. A point past that instant is overdue (the target is missed whatever is chosen
now) and comes first; a point with no such instant (a stand-down, an evacuation order, an
incident reached or to be reached in time) comes last, oldest first.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from sim.decisions import points as d
from sim.decisions.exercise import Exercise
from sim.decisions.players import OpenPoint
from sim.model.entities import Incident, Unit
from sim.model.estimates import could_arrive, on_scene_estimate


class Due(NamedTuple):
    """When an open point is due, and why."""

    by: float
    """Decide by then (scenario minutes) for the soonest option to meet the capability
    target; infinity: no such instant."""
    target: float
    """The incident's capability target (infinity: none bears on the point)."""
    soonest: float
    """When the soonest option would be on scene, decided now."""
    option: str
    """The soonest option's choice (a unit or a nation)."""

    @property
    def timed(self) -> bool:
        return math.isfinite(self.by)

    def overdue(self, now: float) -> bool:
        return self.by < now


UNTIMED = Due(math.inf, math.inf, math.inf, "")


def due(ex: Exercise, item: OpenPoint) -> Due:
    """When an open point is due (see the module docstring)."""
    point = item.point
    if point.incident < 0:
        return UNTIMED
    incident = ex.sim.incidents[point.incident]
    if not _late(ex, incident):
        return UNTIMED
    if point.kind in (d.ASSIGN, d.ASK, d.ACCEPT):
        etas = [(_minutes(o.fact), o.choice) for o in point.options if o.choice != "wait"]
    elif point.kind == d.APPROVE:
        etas = [(_arrival(ex, u, incident), u.id) for u in _capable(ex, item.seat, incident)]
    else:
        return UNTIMED
    soonest, option = min(etas, default=(math.inf, ""))
    if not math.isfinite(soonest):
        return UNTIMED
    return Due(ex.now + incident.target_at - soonest, incident.target_at, soonest, option)


def queue(ex: Exercise, seat: str | None = None) -> list[tuple[OpenPoint, Due]]:
    """A seat's open points (every seat's when None), the most pressing first: overdue,
    then by the instant they are due, then those with no such instant, oldest first."""
    rows = [(item, due(ex, item)) for item in ex.open_points(seat)]
    return sorted(rows, key=lambda row: (row[1].by, row[0].number))


def _late(ex: Exercise, incident: Incident) -> bool:
    """Nobody has reached it yet, and no unit on its way would within the capability
    target."""
    if incident.attended or not 0 < incident.remaining == incident.people:
        return False
    on_the_way = (on_scene_estimate(ex.sim, u) for u in incident.assigned)
    return min(on_the_way, default=math.inf) > incident.target_at


def _minutes(fact: str) -> float:
    try:
        return float(fact)
    except ValueError:
        return math.inf


def _capable(ex: Exercise, seat: str, incident: Incident) -> list[Unit]:
    return [u for u in ex.sim.units if u.nation == seat and u.can_serve(incident)]


def _arrival(ex: Exercise, unit: Unit, incident: Incident) -> float:
    eta = could_arrive(ex.sim, unit, incident, called=True)
    return math.inf if eta is None else eta

"""The map a seat sees in play: its own units (where they are, where they are heading, and
why one has no route), the incidents it knows of, and the roads closed now.

Plain data (``MapData``), taken on the server's thread between commands and drawn in the
map worker like the facilitator's map (``sim.play.live``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import log
from sim.decisions.exercise import Exercise
from sim.i18n import translator
from sim.model.entities import UnitState
from sim.play.views import Clock, Names

if TYPE_CHECKING:
    from sim.report.maps import MapData


def seat_map_data(ex: Exercise, seat: str, lang: str = "en") -> MapData:
    """What a seat's map shows, now, in the reader's language."""
    from sim.report import maps
    from sim.report.map_data import scenario_map_data

    t = translator(lang)
    sim, names = ex.sim, Names.of(ex, t)
    clock = Clock(ex.scenario.scenario.start, t)
    closed: dict[str, str] = {}
    flooded: dict[str, str] = {}
    for when, event, _, _, detail in sim.log.events:
        if event == log.ROAD_CLOSED:
            closed[detail] = t("closed since %(time)s", time=clock(when))
        elif event == log.ROAD_REOPENED:
            closed.pop(detail, None)
        elif event == log.FLOODED:
            flooded.setdefault(detail, clock.hhmm(when))
    shows = clock(ex.now)
    title = t("%(seat)s, as at %(time)s", seat=names.seat(seat), time=shows)
    data = scenario_map_data(ex.scenario, title, flooded, closed, lang=lang)
    data.live, data.shows = True, shows
    places = {p.id: p for p in ex.scenario.places}
    known = ex.known_incidents(seat)
    known += [i for i in ex.heard_of(seat) if i not in known]
    first_on_scene: dict[int, float] = {}
    for when, event, number, _, _ in sim.log.events:
        if event == log.ON_SCENE:
            first_on_scene.setdefault(number, when)
    data.incidents = [
        maps.Incident(
            i.place.lat,
            i.place.lon,
            first_on_scene[i.id] - i.occurred_at if i.id in first_on_scene else None,
        )
        for i in known
    ]
    Spot = tuple[float, float]
    at: dict[Spot, list[str]] = {}  # by where, not by place: places on one spot, one marker
    heading: dict[Spot, set[str]] = {}
    stuck: dict[Spot, list[str]] = {}
    for u in sim.units:
        if seat not in sim.planner.taskers(u) or u.location not in places:
            continue
        spot = (places[u.location].lat, places[u.location].lon)
        at.setdefault(spot, []).append(u.id)
        moving = u.state in (UnitState.TRAVELLING, UnitState.RETURNING)
        if moving and u.blocked:
            where = names.places.get(u.task.place.id, "") if u.task is not None else t("base")
            stuck.setdefault(spot, []).append(
                t(
                    "%(unit)s: no route to %(place)s (roads closed or flooded)",
                    unit=names.unit(u).removeprefix(u.nation + " "),
                    place=where,
                )
            )
        elif moving and u.heading in places:
            heading.setdefault(spot, set()).add(u.heading)
    data.units = [
        maps.Units(
            lat,
            lon,
            len(ids),
            seat,
            tuple(sorted({(places[h].lat, places[h].lon) for h in heading.get((lat, lon), ())})),
            "; ".join(stuck.get((lat, lon), [])),
        )
        for (lat, lon), ids in sorted(at.items())
    ]
    eocs = [e.place for n in ex.scenario.nations if n.code == seat for e in n.eocs]
    headed = {h for hs in heading.values() for h in hs}
    data.focus = [
        *at,
        *((places[p].lat, places[p].lon) for p in {*headed, *eocs} if p in places),
        *((i.place.lat, i.place.lon) for i in known),
    ]
    return data

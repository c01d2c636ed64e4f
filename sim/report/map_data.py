"""The data of the report's maps, from a scenario and a run: plain values for ``maps``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sim import log
from sim.analysis.incidents import IncidentRow
from sim.i18n import Translator, translator
from sim.log import RunLog
from sim.report import maps
from sim.report.names import Names, in_script
from sim.scenario import Scenario


def _closures(
    run: RunLog,
    clock: Any,
    t: Translator,
    closed: str = log.ROAD_CLOSED,
    reopened: str = log.ROAD_REOPENED,
) -> dict[str, str]:
    """Each road (or crossing) closed during the run -> when ("closed Tue 06:00–14:30",
    "closed from Tue 06:00"), in the reader's language."""
    opened: dict[str, float] = {}
    spells: dict[str, list[str]] = {}
    for at, event, _, _, detail in run.events:
        if event == closed:
            opened[detail] = at
        elif event == reopened and detail in opened:
            start, end = clock(opened.pop(detail)), clock(at)
            same_day = start.split()[0] == end.split()[0]
            spells.setdefault(detail, []).append(f"{start}–{end.split()[1] if same_day else end}")
    for key, start in opened.items():
        spells.setdefault(key, []).append(t("from %(time)s", time=clock(start)))
    return {
        key: t("closed %(when)s", when=v[0])
        + (t(" (+%(more)s more)", more=len(v) - 1) if len(v) > 1 else "")
        for key, v in spells.items()
    }


def run_map_data(
    scenario: Scenario, run: RunLog, rows: list[IncidentRow], lang: str = "en"
) -> maps.MapData:
    """The plain data of a run's map: places, roads with their closures, incidents, hazard,
    in the reader's language."""
    start = datetime.fromisoformat(run.start)
    t = translator(lang)

    def clock(minutes: float) -> str:
        at = start + timedelta(minutes=minutes)
        if t.lang == "en":
            return at.strftime("%a %H:%M")
        return t.moment(at).split(" ", 1)[0] + " " + t.time(at)

    places = {p.id: p for p in scenario.places}
    flooded = {d: clock(at) for at, e, _, _, d in run.events if e == log.FLOODED}
    data = scenario_map_data(
        scenario,
        t(
            "%(scenario)s (replication %(number)s)",
            scenario=scenario.scenario.name.in_language(lang),
            number=run.replication,
        ),
        flooded,
        _closures(run, clock, t),
        _closures(run, clock, t, log.CROSSING_CLOSED, log.CROSSING_REOPENED),
        lang,
    )
    if run.fire:
        south, west, north, east = run.fire["bounds"]
        areas = scenario.wildfire.mined if scenario.wildfire is not None else []
        data.fire = maps.Fire(
            (south, west, north, east),
            run.fire["burnt"],
            run.fire["mined"],
            [
                (
                    in_script(a.name, a.names, lang, notes=False),
                    (a.box[0] + a.box[2]) / 2,
                    (a.box[1] + a.box[3]) / 2,
                )
                for a in areas
            ],
        )
    data.focus = _used(scenario, run, rows)
    data.incidents = [
        maps.Incident(
            places[r.info.place].lat,
            places[r.info.place].lon,
            r.response_min if r.served else None,
            ended=r.status == "ended",
        )
        for r in rows
        if r.info.place in places
    ]
    return data


def _used(scenario: Scenario, run: RunLog, rows: list[IncidentRow]) -> list[tuple[float, float]]:
    """The points (lat, lon) the run used: its incidents, the bases of the units that
    moved, the posts of the crossings used and the EOCs that took a report."""
    places = {p.id: p for p in scenario.places}
    bases = {unit: g.base for g in scenario.units for unit in g.unit_ids()}
    posts = {c.id: c.posts for c in scenario.crossings}
    eocs = {e.id: e.place for n in scenario.nations for e in n.eocs}
    used = {r.info.place for r in rows}
    for _, event, _, unit, detail in run.events:
        if event == log.DISPATCHED:
            used.add(bases.get(unit, ""))
        elif event == log.BORDER_ARRIVED:
            used.update(posts.get(detail, ()))
        elif event == log.REPORTED:
            used.add(eocs.get(detail, ""))
    return [(places[k].lat, places[k].lon) for k in sorted(used) if k in places]


def scenario_map_data(
    scenario: Scenario,
    title: str,
    flooded: dict[str, str] | None = None,
    closed: dict[str, str] | None = None,
    crossings_closed: dict[str, str] | None = None,
    lang: str = "en",
) -> maps.MapData:
    """The places, roads, crossings and nations of a scenario as map data (``flooded``:
    place id -> when; ``closed``: road key -> when it was closed; ``crossings_closed``: the
    same for crossings, written after their names), named in the reader's language (the
    script's name with the romanised one beside)."""
    places = {p.id: p for p in scenario.places}
    names = Names.of(scenario, lang)
    eocs = {e.place for n in scenario.nations for e in n.eocs}
    flooded, closed = flooded or {}, closed or {}
    crossings_closed = crossings_closed or {}
    return maps.MapData(
        title=title,
        places=[
            maps.Place(
                in_script(p.name, p.names, lang, notes=False),
                p.kind,
                p.lat,
                p.lon,
                p.nation,
                p.id in eocs,
                flooded.get(p.id, ""),
            )
            for p in scenario.places
        ],
        roads=[
            maps.Road(
                (places[r.from_].lat, places[r.from_].lon),
                (places[r.to].lat, places[r.to].lon),
                closed.get(r.key, ""),
            )
            for r in scenario.roads
        ],
        crossings=[
            (
                in_script(c.name, c.names, lang, notes=False)
                + (f" ({crossings_closed[c.id]})" if c.id in crossings_closed else ""),
                (places[c.posts[0]].lat + places[c.posts[1]].lat) / 2,
                (places[c.posts[0]].lon + places[c.posts[1]].lon) / 2,
            )
            for c in scenario.crossings
        ],
        nations=_nation_anchors(scenario, names),
        lang=lang,
    )


def difference_map_data(
    scenario: Scenario,
    title: str,
    waits: dict[str, float],
    base: dict[str, float],
    lang: str = "en",
) -> maps.MapData:
    """A map of the change in the mean wait for help at each place (variant − baseline),
    in the reader's language."""
    data = scenario_map_data(scenario, title, lang=lang)
    places = {p.id: p for p in scenario.places}
    data.places = []
    data.changes = [
        maps.Change(
            in_script(places[key].name, places[key].names, lang, notes=False),
            places[key].lat,
            places[key].lon,
            waits[key] - base[key],
        )
        for key in sorted(set(waits) & set(base))
        if key in places
    ]
    t = translator(lang)
    data.changes_label = t("change in the mean wait for help (hours; green: sooner)")
    return data


def _nation_anchors(scenario: Scenario, names: Names) -> list[tuple[str, float, float]]:
    """Each nation's name with each of its places away from the border (the map writes
    the name on their side of the drawn border)."""
    return [
        (names.nations[p.nation], p.lat, p.lon)
        for p in scenario.places
        if p.nation in names.nations and p.kind != "border_post"
    ]

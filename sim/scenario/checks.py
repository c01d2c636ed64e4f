"""Cross-reference checks: every id a section names exists, and the parts fit together."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

from sim.scenario.errors import Problem
from sim.scenario.quantities import (
    Distribution,
    Fixed,
    Triangular,
    Uniform,
    format_duration,
)
from sim.scenario.schema import (
    ChannelOutageInject,
    CrossingClosedInject,
    CrossingReopenedInject,
    GroundingInject,
    IncidentInject,
    Place,
    RoadClosedInject,
    RoadReopenedInject,
    Scenario,
    UnitBreakdownInject,
    UnitType,
    WarningInject,
)
from sim.scenario.wildfire import Wildfire, grid_shape


def _unknown(path: str, what: str, value: str, known: Iterable[str]) -> Problem:
    choices = sorted(set(known))
    close = difflib.get_close_matches(value, choices, n=1)
    if close:
        hint = f"did you mean '{close[0]}'?"
    else:
        shown = ", ".join(f"'{c}'" for c in choices[:12]) + (" ..." if len(choices) > 12 else "")
        hint = f"use one of {shown}" if choices else f"define the {what} first"
    return Problem(path, f"unknown {what} '{value}'", hint)


def _duplicates(section: str, ids: list[str]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(
                Problem(f"{section}[{i}].id", f"'{item_id}' is used twice", "give each its own id")
            )
        seen.add(item_id)
    return problems


def _check_coordination(
    s: Scenario, places: dict[str, Place], nations: set[str], types: dict[str, UnitType]
) -> list[Problem]:
    problems: list[Problem] = []
    c = s.coordination
    for i, link in enumerate(c.channels.links):
        path = f"coordination.channels.links[{i}].between"
        for j, party in enumerate(link.between):
            if party != "JCC" and party not in nations:
                problems.append(_unknown(f"{path}[{j}]", "nation", party, nations))
        if link.between[0] == link.between[1]:
            problems.append(
                Problem(
                    path,
                    "a channel joins two different parties",
                    'name two nations, or a nation and "JCC"',
                )
            )
    for i, agreement in enumerate(c.mutual_assistance.agreements):
        path = f"coordination.mutual_assistance.agreements[{i}]"
        for j, code in enumerate(agreement.between):
            if code not in nations:
                problems.append(_unknown(f"{path}.between[{j}]", "nation", code, nations))
        for j, type_id in enumerate(agreement.unit_types):
            if type_id not in types:
                problems.append(_unknown(f"{path}.unit_types[{j}]", "unit type", type_id, types))
    for i, reserve in enumerate(c.mutual_assistance.reserves):
        path = f"coordination.mutual_assistance.reserves[{i}]"
        if reserve.nation not in nations:
            problems.append(_unknown(f"{path}.nation", "nation", reserve.nation, nations))
        if reserve.unit_type is not None and reserve.unit_type not in types:
            problems.append(_unknown(f"{path}.unit_type", "unit type", reserve.unit_type, types))
    if c.joint_centre.place is not None and c.joint_centre.place not in places:
        problems.append(
            _unknown("coordination.joint_centre.place", "place", c.joint_centre.place, places)
        )
    return problems


def _check_gauges(s: Scenario, places: dict[str, Place], needs: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    defined: set[str] = set()
    for i, g in enumerate(s.gauges):
        path = f"gauges[{i}]"
        if g.place not in places:
            problems.append(_unknown(f"{path}.place", "place", g.place, places))
        given = [k for k in ("levels", "hydrograph", "follows") if getattr(g, k) is not None]
        if len(given) != 1:
            problems.append(
                Problem(
                    path,
                    f"gives {' and '.join(given) or 'no level source'}",
                    "give exactly one of levels, hydrograph or follows",
                )
            )
        if g.follows is not None and g.follows.gauge not in defined:
            problems.append(
                Problem(
                    f"{path}.follows.gauge",
                    f"'{g.follows.gauge}' is not a gauge defined above this one",
                    "list the upstream gauge first",
                )
            )
        if g.levels is not None:
            times = [t for t, _ in g.levels]
            if times != sorted(times):
                problems.append(
                    Problem(
                        f"{path}.levels",
                        "times are not in order",
                        "list the readings in time order",
                    )
                )
        for j, place in enumerate(g.warns):
            if place not in places:
                problems.append(_unknown(f"{path}.warns[{j}]", "place", place, places))
        if g.warns and g.alarm is None:
            problems.append(
                Problem(
                    f"{path}.alarm",
                    "warns places but has no alarm level",
                    "give alarm = the reading that raises the warning",
                )
            )
        defined.add(g.id)
    for i, p in enumerate(s.places):
        if p.flood is not None:
            if p.flood.gauge not in defined:
                problems.append(
                    _unknown(f"places[{i}].flood.gauge", "gauge", p.flood.gauge, defined)
                )
            if p.flood.need not in needs:
                problems.append(_unknown(f"places[{i}].flood.need", "need", p.flood.need, needs))
    for i, r in enumerate(s.roads):
        if r.flood is not None and r.flood.gauge not in defined:
            problems.append(_unknown(f"roads[{i}].flood.gauge", "gauge", r.flood.gauge, defined))
    return problems


MAX_FIRE_CELLS = 1_000_000
"""A bigger fire grid would take too much memory and time: use larger cells."""


def _check_fire_geometry(fire: Wildfire, warnings: list[Problem]) -> list[Problem]:
    problems: list[Problem] = []
    rows, cols = grid_shape(fire.bounds, fire.cell_km)
    if rows * cols > MAX_FIRE_CELLS:
        problems.append(
            Problem(
                "wildfire.cell_km",
                f"makes a grid of {rows * cols:,} cells, more than {MAX_FIRE_CELLS:,}",
                "use larger cells or smaller bounds",
            )
        )
    south, west, north, east = fire.bounds
    for i, ignition in enumerate(fire.ignitions):
        if not (south <= ignition.lat <= north and west <= ignition.lon <= east):
            warnings.append(
                Problem(
                    f"wildfire.ignitions[{i}]",
                    "is outside the bounds",
                    "it will not burn: move it inside wildfire.bounds",
                )
            )
    return problems


def check_references(scenario: Scenario) -> tuple[list[Problem], list[Problem]]:
    """Check the ids sections give each other.

    Returns:
        The problems (the scenario cannot run) and the warnings (it can, but likely not as meant).
    """
    s = scenario
    problems: list[Problem] = []
    warnings: list[Problem] = []
    places = {p.id: p for p in s.places}
    nations = {n.code for n in s.nations}
    needs = {n.id for n in s.needs}
    types = {t.id: t for t in s.unit_types}
    roads = {r.key for r in s.roads}
    crossings = {c.id for c in s.crossings}
    unit_ids = {u for g in s.units for u in g.unit_ids()} | {g.id for g in s.units}
    joint_centre = s.coordination.joint_centre.enabled

    for section in ("places", "crossings", "gauges", "needs", "unit_types", "units"):
        problems += _duplicates(section, [item.id for item in getattr(s, section)])
    problems += _duplicates("roads", [r.key for r in s.roads])
    problems += _duplicates("nations", [n.code for n in s.nations])
    eoc_paths = [
        (f"nations[{i}].eocs[{j}].id", e.id)
        for i, n in enumerate(s.nations)
        for j, e in enumerate(n.eocs)
    ]
    seen_eocs: set[str] = set()
    for path, eoc_id in eoc_paths:
        if eoc_id in seen_eocs:
            problems.append(Problem(path, f"'{eoc_id}' is used twice", "give each EOC its own id"))
        seen_eocs.add(eoc_id)
    expanded: dict[str, int] = {}
    for i, g in enumerate(s.units):
        for uid in g.unit_ids():
            if uid in expanded and expanded[uid] != i:
                problems.append(
                    Problem(
                        f"units[{i}].id",
                        f"unit '{uid}' is also a unit of units[{expanded[uid]}]",
                        "rename one group (a group with count = N names its units id-1 ... id-N)",
                    )
                )
            expanded.setdefault(uid, i)

    for i, n in enumerate(s.nations):
        for j, eoc in enumerate(n.eocs):
            if eoc.place not in places:
                problems.append(
                    _unknown(f"nations[{i}].eocs[{j}].place", "place", eoc.place, places)
                )
    for i, p in enumerate(s.places):
        if p.nation not in nations:
            problems.append(_unknown(f"places[{i}].nation", "nation", p.nation, nations))
    for i, r in enumerate(s.roads):
        for end, value in (("from", r.from_), ("to", r.to)):
            if value not in places:
                problems.append(_unknown(f"roads[{i}].{end}", "place", value, places))
        if r.from_ == r.to:
            problems.append(
                Problem(
                    f"roads[{i}].to",
                    "a road must join two different places",
                    "set 'to' to the other end",
                )
            )
    for i, c in enumerate(s.crossings):
        for j, post in enumerate(c.posts):
            if post not in places:
                problems.append(_unknown(f"crossings[{i}].posts[{j}]", "place", post, places))
            elif places[post].kind != "border_post":
                problems.append(
                    Problem(
                        f"crossings[{i}].posts[{j}]",
                        f"place '{post}' is a {places[post].kind}, not a border post",
                        'set its kind to "border_post" or name the border post',
                    )
                )
        a, b = c.posts
        if a in places and b in places and places[a].nation == places[b].nation:
            problems.append(
                Problem(
                    f"crossings[{i}].posts",
                    f"both posts are in {places[a].nation}; a crossing joins two nations",
                    "name one border post on each side",
                )
            )
    for i, t in enumerate(s.unit_types):
        for j, cap in enumerate(t.capabilities):
            if cap not in needs:
                problems.append(_unknown(f"unit_types[{i}].capabilities[{j}]", "need", cap, needs))
    for i, g in enumerate(s.units):
        if g.nation not in nations:
            problems.append(_unknown(f"units[{i}].nation", "nation", g.nation, nations))
        if g.type not in types:
            problems.append(_unknown(f"units[{i}].type", "unit type", g.type, types))
        if g.base not in places:
            problems.append(_unknown(f"units[{i}].base", "place", g.base, places))
    for i, gen in enumerate(s.generators):
        begins = s.offset_min(gen.start)
        ends = s.scenario.duration if gen.end is None else s.offset_min(gen.end)
        if begins < 0:
            problems.append(
                Problem(
                    f"generators[{i}].start",
                    "starts before the scenario",
                    "give a time after [scenario].start",
                )
            )
        if ends <= begins:
            problems.append(
                Problem(
                    f"generators[{i}].end", "ends before it starts", "make end later than start"
                )
            )
        if gen.need not in needs:
            problems.append(_unknown(f"generators[{i}].need", "need", gen.need, needs))
        for j, place in enumerate(gen.places):
            if place not in places:
                problems.append(_unknown(f"generators[{i}].places[{j}]", "place", place, places))

    duration = s.scenario.duration
    for i, inj in enumerate(s.injects):
        at = s.offset_min(inj.at)
        if at < 0:
            problems.append(
                Problem(
                    f"injects[{i}].at",
                    "the inject is before the scenario start",
                    "give a time after [scenario].start",
                )
            )
        elif at >= duration:
            warnings.append(
                Problem(
                    f"injects[{i}].at",
                    "the inject is after the scenario ends",
                    "it will not happen; lengthen [scenario].duration or move it",
                )
            )
        match inj:
            case IncidentInject():
                if inj.place not in places:
                    problems.append(_unknown(f"injects[{i}].place", "place", inj.place, places))
                if inj.need not in needs:
                    problems.append(_unknown(f"injects[{i}].need", "need", inj.need, needs))
            case RoadClosedInject() | RoadReopenedInject():
                if inj.road not in roads:
                    problems.append(_unknown(f"injects[{i}].road", "road", inj.road, roads))
            case CrossingClosedInject() | CrossingReopenedInject():
                if inj.crossing not in crossings:
                    problems.append(
                        _unknown(f"injects[{i}].crossing", "crossing", inj.crossing, crossings)
                    )
            case GroundingInject():
                for j, code in enumerate(inj.nations):
                    if code not in nations:
                        problems.append(
                            _unknown(f"injects[{i}].nations[{j}]", "nation", code, nations)
                        )
            case UnitBreakdownInject():
                if inj.unit not in unit_ids:
                    problems.append(_unknown(f"injects[{i}].unit", "unit", inj.unit, unit_ids))
            case _:
                pass

    problems += _check_agency_names(s)
    problems += _check_coordination(s, places, nations, types)
    problems += _check_gauges(s, places, needs)
    if s.wildfire is not None:
        fire = s.wildfire
        problems += _check_fire_geometry(fire, warnings)
        for key in ("fire_need", "village_need"):
            if getattr(fire, key) not in needs:
                problems.append(_unknown(f"wildfire.{key}", "need", getattr(fire, key), needs))
        kinds = {n.id: n.work for n in s.needs}
        if kinds.get(fire.fire_need, "suppress") != "suppress":
            problems.append(
                Problem(
                    "wildfire.fire_need",
                    f"need '{fire.fire_need}' is not a fire to put out",
                    'set work = "suppress" on that need',
                )
            )
    for i, inj in enumerate(s.injects):
        for j, party in enumerate(inj.discussion_for):
            if party not in nations and not (party == "JCC" and joint_centre):
                problems.append(
                    _unknown(
                        f"injects[{i}].discussion_for[{j}]",
                        "seat",
                        party,
                        [*nations, *(["JCC"] if joint_centre else [])],
                    )
                )
        if inj.discussion_for and not inj.discussion:
            problems.append(
                Problem(
                    f"injects[{i}].discussion_for",
                    "names seats for discussion questions the inject does not have",
                    "add the questions as discussion = [...], or remove discussion_for",
                )
            )
        match inj:
            case ChannelOutageInject():
                for j, party in enumerate(inj.between):
                    if party != "JCC" and party not in nations:
                        problems.append(
                            _unknown(f"injects[{i}].between[{j}]", "nation", party, nations)
                        )
            case WarningInject():
                if inj.observed_by not in nations:
                    problems.append(
                        _unknown(f"injects[{i}].observed_by", "nation", inj.observed_by, nations)
                    )
                for j, place in enumerate(inj.places):
                    if place not in places:
                        problems.append(
                            _unknown(f"injects[{i}].places[{j}]", "place", place, places)
                        )
            case _:
                pass
    if not s.coordination.joint_teams.enabled:
        for i, g in enumerate(s.units):
            if g.joint:
                warnings.append(
                    Problem(
                        f"units[{i}].joint",
                        "joint teams are not in force, so this unit takes no part",
                        "set coordination.joint_teams.enabled = true to use it",
                    )
                )

    fielded = {
        types[g.type].id
        for g in s.units
        if g.type in types and (s.coordination.joint_teams.enabled or not g.joint)
    }
    for i, need in enumerate(s.needs):
        if not any(need.id in types[t].capabilities for t in fielded):
            warnings.append(
                Problem(
                    f"needs[{i}]",
                    f"no unit in the scenario can serve '{need.id}'",
                    "add a unit whose type lists it in capabilities, "
                    "or such incidents stay unserved",
                )
            )
    closure_problems, closure_warnings = _check_closures(s)
    problems += closure_problems
    warnings += closure_warnings
    if not problems:
        warnings += meaning_warnings(s)
    return problems, warnings


def _check_agency_names(s: Scenario) -> list[Problem]:
    """An agency of a nation is named one way in each script, wherever it is given."""
    problems: list[Problem] = []
    given = [(f"nations[{i}]", n.code, n.agency, n.agency_names) for i, n in enumerate(s.nations)]
    given += [(f"units[{i}]", g.nation, g.agency, g.agency_names) for i, g in enumerate(s.units)]
    first: dict[tuple[str, str, str], tuple[str, str]] = {}
    for where, nation, agency, names in given:
        for lang in ("th", "lo", "km"):
            name = getattr(names, lang, None) if names is not None else None
            if name is None:
                continue
            seen = first.setdefault((nation, agency, lang), (where, name))
            if seen[1] != name:
                problems.append(
                    Problem(
                        f"{where}.agency_names.{lang}",
                        f"'{name}' names {nation}'s agency '{agency}', which {seen[0]} names "
                        f"'{seen[1]}'",
                        "name the agency one way (or leave its names out here)",
                    )
                )
    return problems


def _check_closures(s: Scenario) -> tuple[list[Problem], list[Problem]]:
    """Closures name two nations and end after they begin; one dated inside the exercise
    is said, with the crossings it closes."""
    problems = _duplicates("closures", [c.id for c in s.closures])
    warnings: list[Problem] = []
    names = {n.code: n.name for n in s.nations}
    for i, closure in enumerate(s.closures):
        a, b = closure.between
        if a == b:
            problems.append(
                Problem(f"closures[{i}].between", f"names {a} twice", "name two nations")
            )
        if closure.until is not None and closure.until <= closure.from_:
            problems.append(
                Problem(
                    f"closures[{i}].until",
                    "is not after its start (from)",
                    "give the date the crossings reopened, after from",
                )
            )
        closes, reopens = closure.window_min(s.scenario.start)
        closed = s.crossings_closed_by(closure)
        if not closed or reopens <= 0 or closes >= s.duration_min:
            continue
        when = "for the whole exercise"
        if closes > 0:
            when = f"from {format_duration(closes)} into the exercise"
        elif reopens < s.duration_min:
            when = f"until {format_duration(reopens)} into the exercise"
        ended = f" to {closure.until:%d %B %Y}" if closure.until else ", not known to have reopened"
        source = closure.source
        warnings.append(
            Problem(
                f"closures[{i}]",
                f"{closure.name}: the crossings between {names.get(a, a)} and "
                f"{names.get(b, b)} were closed from {closure.from_:%d %B %Y}{ended} "
                f"({source.status}, as of {source.as_of}), so "
                f"{', '.join(c.name for c in closed)} {'is' if len(closed) == 1 else 'are'} "
                f"closed {when}",
                "date the exercise outside it ([scenario] start), or to exercise the crossings "
                f'open give the closure an end in your file: [[closures]] id = "{closure.id}" '
                "until = <a date-time before the start>",
            )
        )
    return problems, warnings


def _upper(dist: Distribution) -> float:
    """The highest value a number distribution can give (infinite when unbounded)."""
    match dist:
        case Fixed():
            return dist.value
        case Uniform() | Triangular():
            return dist.high
        case _:
            return math.inf


def highest_readings(scenario: Scenario) -> dict[str, float]:
    """The highest level each gauge can read (infinite when its wave is unbounded)."""
    highest: dict[str, float] = {}
    bases: dict[str, float] = {}
    for g in scenario.gauges:
        if g.levels is not None:
            highest[g.id], bases[g.id] = max(v for _, v in g.levels), g.levels[0][1]
        elif g.hydrograph is not None:
            h = g.hydrograph
            highest[g.id], bases[g.id] = max(h.base, _upper(h.peak)), h.base
        elif g.follows is not None and g.follows.gauge in highest:
            f = g.follows
            rise = max(highest[f.gauge] - bases[f.gauge], 0.0)
            highest[g.id], bases[g.id] = f.base + f.attenuation * rise, f.base
    return highest


def _check_levels(s: Scenario) -> list[Problem]:
    highest = highest_readings(s)
    warnings: list[Problem] = []

    def check(path: str, gauge: str, level: float, effect: str) -> None:
        top = highest.get(gauge, math.inf)
        if level > top + 1e-9:
            warnings.append(
                Problem(
                    path,
                    f"{level:g} m is above the highest reading gauge '{gauge}' can give "
                    f"({top:g} m), so {effect}",
                    f"give a level of at most {top:g} m, or raise the gauge's peak",
                )
            )

    for i, g in enumerate(s.gauges):
        if g.alarm is not None:
            check(f"gauges[{i}].alarm", g.id, g.alarm, "the alarm never sounds")
    for i, p in enumerate(s.places):
        if p.flood is not None:
            check(f"places[{i}].flood.level", p.flood.gauge, p.flood.level, "it never floods")
    for i, r in enumerate(s.roads):
        if r.flood is not None:
            check(f"roads[{i}].flood.level", r.flood.gauge, r.flood.level, "it is never closed")
    return warnings


def _check_bases(s: Scenario, places: dict[str, Place]) -> list[Problem]:
    warnings = []
    for i, g in enumerate(s.units):
        base = places.get(g.base)
        if base is not None and base.nation != g.nation:
            warnings.append(
                Problem(
                    f"units[{i}].base",
                    f"a {g.nation} unit based at '{g.base}', a place in {base.nation}",
                    f'base it at a place of {g.nation}, or set nation = "{base.nation}" '
                    "if it is that nation's unit",
                )
            )
    return warnings


def _check_default_channel(s: Scenario) -> list[Problem]:
    """Requests between nations by the built-in default channel: likely never meant."""
    channels = s.coordination.channels
    if "default" in channels.model_fields_set:
        return []  # the planner chose the default way on purpose
    linked = {frozenset(link.between) for link in channels.links} if channels.enabled else set()
    codes = [n.code for n in s.nations]
    pairs = [
        f"{a}-{b}"
        for i, a in enumerate(codes)
        for b in codes[i + 1 :]
        if frozenset((a, b)) not in linked
    ]
    if not pairs:
        return []
    default = channels.default
    return [
        Problem(
            "coordination.channels",
            f"requests between {', '.join(pairs)} travel by the default channel "
            f"({default.kind}, {format_duration(default.latency.mean)} on average a message), "
            "so help across the border comes late or not at all",
            "add a [[coordination.channels.links]] for each pair and set "
            "coordination.channels.enabled = true, or write [coordination.channels.default] "
            "to say how messages really travel",
        )
    ]


MOST_PEOPLE = {"village": 5_000, "town": 1_000_000}
"""The people an incident may involve at a place of this kind that states no population.

Recalled, unverified: a village (Thai muban, Lao ban, Cambodian phum) has some hundreds
to a few thousand people; Vientiane, the largest city on these borders, has under a
million. Places of the other kinds (posts, bases, hospitals, shelters, EOCs) gather people
from elsewhere and have no such bound."""


def _check_people(s: Scenario, places: dict[str, Place]) -> list[Problem]:
    """Incidents with more people than live at the place (or than any place of its kind
    holds, when it states no population); floods where no one lives."""
    warnings = []
    rows = {p.id: i for i, p in enumerate(s.places)}
    for i, inj in enumerate(s.injects):
        where = places.get(inj.place) if isinstance(inj, IncidentInject) else None
        if not isinstance(inj, IncidentInject) or where is None:
            continue
        row = rows[where.id]
        most = MOST_PEOPLE.get(where.kind)
        if 0 < where.population < inj.people:
            warnings.append(
                Problem(
                    f"injects[{i}].people",
                    f"{inj.people:,} people at {where.name}, where {where.population:,} live",
                    f"lower people, or correct places[{row}].population",
                )
            )
        elif where.population == 0 and most is not None and inj.people > most:
            warnings.append(
                Problem(
                    f"injects[{i}].people",
                    f"{inj.people:,} people at {where.name}, a {where.kind} that states no "
                    f"population: more than any {where.kind} of the region holds ({most:,})",
                    f"lower people, or give places[{row}].population",
                )
            )
    for i, p in enumerate(s.places):
        if p.flood is not None and p.population == 0:
            warnings.append(
                Problem(
                    f"places[{i}].flood",
                    f"strands a share of the population of {p.name}, which is 0: no one",
                    f"give places[{i}].population, or remove the flood",
                )
            )
    return warnings


def _check_hours(s: Scenario) -> list[Problem]:
    """Crossings that open and close at the same minute: open for an instant a day."""
    warnings = []
    for i, c in enumerate(s.crossings):
        window = c.open_window_min()
        if window is not None and window[0] == window[1]:
            opens = c.hours.split("-")[0]
            warnings.append(
                Problem(
                    f"crossings[{i}].hours",
                    f"'{c.hours}' opens and closes at the same minute, so the crossing is "
                    f"open only at {opens} each day",
                    'write "24h" for a crossing that never closes, or its real hours, '
                    'e.g. "07:00-17:00"',
                )
            )
    return warnings


def meaning_warnings(scenario: Scenario) -> list[Problem]:
    """Warnings for what is valid but cannot be what the planner meant (no routing needed)."""
    places = {p.id: p for p in scenario.places}
    return [
        *_check_levels(scenario),
        *_check_bases(scenario, places),
        *_check_default_channel(scenario),
        *_check_people(scenario, places),
        *_check_hours(scenario),
    ]

"""The numbers a planner reads from one run: response times, target shares, flows, utilisation."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

from sim import log
from sim.analysis.decisions import decision_summary
from sim.analysis.incidents import COMPONENTS, IncidentRow, incident_rows
from sim.log import RunLog

OVERLOADED = 0.8
"""Utilisation (share of the exercise tasked) above which a unit is called overloaded."""


def response_stats(values: Iterable[float]) -> dict[str, float | int | None]:
    """Count, mean, median and 90th percentile of response times in minutes (None when empty)."""
    data = np.array([v for v in values if not math.isnan(v)], dtype=float)
    if data.size == 0:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    return {
        "count": int(data.size),
        "mean": round(float(data.mean()), 2),
        "median": round(float(np.median(data)), 2),
        "p90": round(float(np.percentile(data, 90)), 2),
    }


def _group(rows: list[IncidentRow]) -> dict[str, Any]:
    served = [r for r in rows if r.served]
    counted = [r for r in rows if r.counted]
    return {
        "incidents": len(rows),
        "people": sum(r.info.people for r in rows),
        "people_carried": sum(r.carried for r in rows),
        "people_waiting_at_end": sum(r.info.people - r.carried for r in rows),
        "resolved": sum(r.status == "resolved" for r in rows),
        "on_scene_at_end": sum(r.status == "on scene" for r in rows),
        "en_route_at_end": sum(r.status == "en route" for r in rows),
        "ended_before_help": sum(r.status == "ended" for r in rows),
        "not_sent_at_end": sum(r.status == "not sent" for r in rows),
        "unserved": sum(r.unserved for r in rows),
        "not_yet_due": len(rows) - len(counted),
        "response_min": response_stats(r.response_min for r in served),
        "waited_min": response_stats(r.waited_min for r in counted),
        "response_from_report_min": response_stats(r.response_from_report_min for r in served),
        "within_target": (
            round(sum(r.within_target for r in counted) / len(counted), 4) if counted else None
        ),
        "late_person_hours": round(sum(r.late_person_hours for r in rows), 2),
        "stages_mean_min": {
            part: round(float(np.mean([r.parts[part] for r in served])), 2) if served else None
            for part in COMPONENTS
        },
        "integration_mean_min": _mean(r.integration_min for r in served),
    }


def _mean(values: Iterable[float]) -> float | None:
    """Mean of the values that are numbers, None when there are none."""
    data = [v for v in values if not math.isnan(v)]
    return round(float(np.mean(data)), 2) if data else None


def _by(rows: list[IncidentRow], key: str) -> dict[str, Any]:
    groups: dict[str, list[IncidentRow]] = defaultdict(list)
    for row in rows:
        groups[getattr(row.info, key)].append(row)
    return {name: _group(members) for name, members in sorted(groups.items())}


def unit_utilisation(run: RunLog) -> list[dict[str, Any]]:
    """Each unit's tasks and share of the run tasked (dispatched to released or stood down)."""
    started: dict[str, float] = {}
    busy: dict[str, float] = defaultdict(float)
    tasks: Counter[str] = Counter()
    for t, event, _, unit, _ in run.events:
        if event == log.DISPATCHED:
            started[unit] = t
            tasks[unit] += 1
        elif event in (log.RELEASED, log.STOOD_DOWN):
            busy[unit] += t - started.pop(unit)
    for unit, t in started.items():
        busy[unit] += run.horizon_min - t
    return [
        {
            "unit": u.id,
            "nation": u.nation,
            "agency": u.agency,
            "type": u.type,
            "tasks": tasks[u.id],
            "tasked_min": round(busy[u.id], 1),
            "utilisation": round(busy[u.id] / run.horizon_min, 4),
        }
        for u in run.units
    ]


def cross_border(run: RunLog, rows: list[IncidentRow]) -> dict[str, Any]:
    """Who asked whom, how long requests and approvals took, and whose units served where."""
    reported = {r.info.id: r.at["reported"] for r in rows}
    requested: dict[int, float] = {}
    pairs: dict[str, dict[str, list[float]]] = defaultdict(
        lambda: {"request": [], "approval": [], "refused": [], "withdrawn": []}
    )
    for t, event, incident, _, detail in run.events:
        if event == log.REQUESTED:
            requested[incident] = t
            pairs[detail]["request"].append(t - reported[incident])
        elif event == log.APPROVED:
            pairs[detail]["approval"].append(t - requested[incident])
        elif event == log.REFUSED:
            pairs[detail]["refused"].append(t - requested[incident])
        elif event == log.WITHDRAWN:
            pairs[detail]["withdrawn"].append(t - requested[incident])
    helped: Counter[str] = Counter()
    first: dict[str, list[IncidentRow]] = defaultdict(list)
    for row in rows:
        for nation in set(row.unit_nations):
            if nation != row.info.nation:
                helped[f"{nation}>{row.info.nation}"] += 1
        if row.neighbour_first:
            first[f"{row.info.nation}>{row.first_nation}"].append(row)
    return {
        "requests": {
            pair: {
                "requested": len(v["request"]),
                "approved": len(v["approval"]),
                "refused": len(v["refused"]),
                "withdrawn": len(v["withdrawn"]),
                "request_mean_min": _mean(v["request"]),
                "approval_mean_min": _mean(v["approval"]),
            }
            for pair, v in sorted(pairs.items())
        },
        "helped": dict(sorted(helped.items())),
        "first_on_scene": {
            pair: {
                "incidents": len(group),
                "within_target": round(sum(r.within_target for r in group) / len(group), 4),
                "request_mean_min": _mean(r.parts["request"] for r in group),
                "approval_mean_min": _mean(r.parts["approval"] for r in group),
            }
            for pair, group in sorted(first.items())
        },
    }


def communications(run: RunLog) -> dict[str, Any]:
    """Messages by purpose and route: how many, how many lost, how long to be read."""
    sent: dict[tuple[int, str], list[float]] = defaultdict(list)
    interpreted: dict[str, list[float]] = defaultdict(list)
    routes: dict[str, dict[str, Any]] = defaultdict(lambda: {"sent": 0, "lost": 0, "times": []})
    for t, event, incident, _, detail in run.events:
        if event == log.MESSAGE_SENT:
            sent[(incident, detail)].append(t)
            routes[detail]["sent"] += 1
        elif event == log.MESSAGE_LOST:
            routes[detail]["lost"] += 1
        elif event == log.MESSAGE_INTERPRETED:
            interpreted[detail].append(t)
        elif event == log.MESSAGE_DELIVERED:
            routes[detail]["times"].append(t - sent[(incident, detail)].pop(0))
    channel_down = sum(1 for e in run.events if e[1] == log.CHANNEL_DOWN)
    return {
        "messages": {
            route: {
                "sent": r["sent"],
                "lost": r["lost"],
                "delivered": len(r["times"]),
                "interpreted": len(interpreted[route]),
                "delivery_mean_min": _mean(r["times"]),
            }
            for route, r in sorted(routes.items())
        },
        "outages": channel_down,
    }


def crossings(run: RunLog) -> dict[str, Any]:
    """Each border crossing: deployments through, the wait (queue, hours, processing), closures."""
    arrived: dict[tuple[str, str], float] = {}
    left: set[str] = set()
    waits: dict[str, list[float]] = defaultdict(list)
    closures: Counter[str] = Counter()
    for t, event, _, unit, detail in run.events:
        if event == log.BORDER_ARRIVED:
            arrived[(unit, detail)] = t
            left.discard(unit)
        elif event == log.BORDER_CLEARED and (unit, detail) in arrived:
            waits[detail].append(t - arrived.pop((unit, detail)))
            left.discard(unit)
        elif event == log.CROSSING_CLOSED:
            closures[detail] += 1
        elif event in (log.STOOD_DOWN, log.TURNED_BACK):  # it left the queue
            left.add(unit)
        elif event == log.DISPATCHED:
            left.discard(unit)
    waiting: Counter[str] = Counter(c for unit, c in arrived if unit not in left)
    names = sorted(set(waits) | set(closures) | set(waiting))
    return {
        name: {
            "passages": len(waits[name]),
            "wait_mean_min": _mean(waits[name]),
            "wait_max_min": round(max(waits[name]), 2) if waits[name] else None,
            "waiting_at_end": waiting[name],
            "closures": closures[name],
        }
        for name in names
    }


def evacuations(run: RunLog) -> dict[str, Any]:
    """Warnings that did not cross the border, village orders, and the people who left in
    time (before the water or the fire reached them)."""
    orders = [e for e in run.events if e[1] == log.EVACUATION_ORDERED]
    spared = [e for e in run.events if e[1] in (log.EVACUATED, log.AVERTED)]
    return {
        "warnings_not_shared": sum(1 for e in run.events if e[1] == log.WARNING_NOT_SHARED),
        "orders": len(orders),
        "people_left_in_time": sum(int(e[4].rsplit(" ", 1)[1]) for e in spared),
        "incidents_averted": sum(1 for e in spared if e[1] == log.AVERTED),
    }


def summarise(run: RunLog, rows: list[IncidentRow] | None = None) -> dict[str, Any]:
    """The summary of one run, ready for JSON."""
    rows = incident_rows(run) if rows is None else rows
    units = unit_utilisation(run)
    by_type: dict[str, list[float]] = defaultdict(list)
    for u in units:
        by_type[u["type"]].append(u["utilisation"])
    return {
        "scenario": run.scenario,
        "seed": run.seed,
        "replication": run.replication,
        "start": run.start,
        "horizon_min": run.horizon_min,
        "overall": _group(rows),
        "by_nation": _by(rows, "nation"),
        "by_need": _by(rows, "need"),
        "by_first_responder": {
            "own": _group([r for r in rows if r.served and not r.neighbour_first]),
            "neighbour": _group([r for r in rows if r.neighbour_first]),
        },
        "cross_border": cross_border(run, rows),
        "crossings": crossings(run),
        "communications": communications(run),
        "evacuations": evacuations(run),
        "decisions": decision_summary(run),
        "utilisation": {
            "mean": round(float(np.mean([u["utilisation"] for u in units])), 4) if units else None,
            "by_type": {t: round(float(np.mean(v)), 4) for t, v in sorted(by_type.items())},
            "units": units,
        },
    }

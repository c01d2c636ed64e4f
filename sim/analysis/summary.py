"""The numbers a planner reads from one run: response times, target shares, flows, utilisation."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

from sim import log
from sim.analysis.incidents import COMPONENTS, IncidentRow, incident_rows
from sim.log import RunLog


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
    return {
        "incidents": len(rows),
        "people": sum(r.info.people for r in rows),
        "unserved": len(rows) - len(served),
        "resolved": sum(r.status == "resolved" for r in rows),
        "response_min": response_stats(r.response_min for r in served),
        "response_from_report_min": response_stats(r.response_from_report_min for r in served),
        "within_target": round(sum(r.within_target for r in rows) / len(rows), 4) if rows else None,
        "stages_mean_min": {
            part: round(float(np.mean([r.parts[part] for r in served])), 2) if served else None
            for part in COMPONENTS
        },
    }


def _by(rows: list[IncidentRow], key: str) -> dict[str, Any]:
    groups: dict[str, list[IncidentRow]] = defaultdict(list)
    for row in rows:
        groups[getattr(row.info, key)].append(row)
    return {name: _group(members) for name, members in sorted(groups.items())}


def unit_utilisation(run: RunLog) -> list[dict[str, Any]]:
    """Each unit's tasks and share of the run it was tasked (dispatched to released)."""
    started: dict[str, float] = {}
    busy: dict[str, float] = defaultdict(float)
    tasks: Counter[str] = Counter()
    for t, event, _, unit, _ in run.events:
        if event == log.DISPATCHED:
            started[unit] = t
            tasks[unit] += 1
        elif event == log.RELEASED:
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
    """Who asked whom, how long approval took, and whose units served in which nation."""
    requested: dict[int, float] = {}
    asks: dict[str, list[float]] = defaultdict(list)
    for t, event, incident, _, detail in run.events:
        if event == log.REQUESTED:
            requested[incident] = t
        elif event == log.APPROVED:
            asks[detail].append(t - requested[incident])
    helped: Counter[str] = Counter()
    for row in rows:
        for nation in set(row.unit_nations):
            if nation != row.info.nation:
                helped[f"{nation}>{row.info.nation}"] += 1
    return {
        "requests": {
            pair: {"count": len(v), "approval_mean_min": round(float(np.mean(v)), 1)}
            for pair, v in sorted(asks.items())
        },
        "requested_without_approval_yet": len(requested) - sum(len(v) for v in asks.values()),
        "helped": dict(sorted(helped.items())),
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
        "cross_border": cross_border(run, rows),
        "utilisation": {
            "mean": round(float(np.mean([u["utilisation"] for u in units])), 4) if units else None,
            "by_type": {t: round(float(np.mean(v)), 4) for t, v in sorted(by_type.items())},
            "units": units,
        },
    }

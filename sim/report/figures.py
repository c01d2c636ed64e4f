"""The report's figures, as PNG bytes (matplotlib is imported here only)."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.analysis.incidents import COMPONENTS, IncidentRow

COMPONENT_COLOURS = {
    "detection": "#9e9e9e",
    "reporting": "#616161",
    "request": "#d81b60",
    "approval": "#8e24aa",
    "dispatch": "#fb8c00",
    "mobilisation": "#fdd835",
    "travel": "#1e88e5",
    "border": "#43a047",
}
NATION_COLOURS = {"TH": "#1565c0", "LA": "#c62828", "KH": "#2e7d32"}


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=130, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def response_by_nation(rows: list[IncidentRow]) -> bytes:
    """Response time (hours) of each incident, by the nation where it happened, with box plots."""
    groups: dict[str, list[float]] = defaultdict(list)
    unserved: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.served:
            groups[r.info.nation].append(r.response_min / 60)
        else:
            unserved[r.info.nation] += 1
    nations = sorted(set(groups) | set(unserved))
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.8 * max(1, len(nations))))
    data = [groups.get(n, []) for n in nations]
    if any(data):
        ax.boxplot(
            [d if d else [np.nan] for d in data],
            orientation="horizontal",
            widths=0.5,
            showfliers=False,
            medianprops={"color": "black"},
        )
    rng = np.random.default_rng(0)  # jitter for legibility only
    for i, (nation, values) in enumerate(zip(nations, data, strict=True), start=1):
        jitter = rng.uniform(-0.15, 0.15, len(values))
        ax.scatter(values, i + jitter, s=14, alpha=0.7, color=NATION_COLOURS.get(nation, "#555"))
    ax.set_yticks(
        range(1, len(nations) + 1),
        [f"{n}  (n={len(groups.get(n, []))}, unserved {unserved.get(n, 0)})" for n in nations],
    )
    ax.set_xlabel("response time: first unit on scene after the need occurred (hours)")
    ax.set_title("Response time by nation where help was needed")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def stage_decomposition(summary: dict[str, Any]) -> bytes:
    """Mean minutes in each stage, overall and by nation, as stacked bars."""
    groups = {"all": summary["overall"], **summary["by_nation"]}
    labels = [g for g, s in groups.items() if s["response_min"]["count"]]
    fig, ax = plt.subplots(figsize=(8, 1.4 + 0.7 * max(1, len(labels))))
    left = np.zeros(len(labels))
    for part in COMPONENTS:
        values = np.array([(groups[g]["stages_mean_min"][part] or 0.0) / 60 for g in labels])
        ax.barh(labels, values, left=left, color=COMPONENT_COLOURS[part], label=part)
        left += values
    ax.invert_yaxis()
    ax.set_xlabel("mean hours from occurrence to the first unit on scene")
    ax.set_title("Where the time went")
    ax.legend(ncol=4, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def replication_spread(values: list[float], estimate: Any, label: str) -> bytes:
    """Histogram of one key figure over replications, with the mean and its 95 % CI."""
    data = np.array([v for v in values if not np.isnan(v)]) / 60
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.hist(data, bins=min(40, max(5, data.size // 5)), color="#90caf9", edgecolor="white")
    if estimate.n:
        ax.axvline(estimate.mean / 60, color="black", label="mean")
        if estimate.n > 1:
            ax.axvspan(
                estimate.low / 60,
                estimate.high / 60,
                color="black",
                alpha=0.15,
                label="95 % confidence interval of the mean",
            )
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel(f"{label} (hours), one value per replication")
    ax.set_ylabel("replications")
    ax.set_title(f"{label} across {data.size} replications")
    return _png(fig)


def differences(rows: list[tuple[str, Any]], label: str, title: str) -> bytes:
    """Paired differences to the baseline with 95 % CIs, largest saving first (a tornado)."""
    rows = sorted(rows, key=lambda r: r[1].mean)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * max(1, len(rows))))
    names = [name for name, _ in rows]
    means = np.array([e.mean for _, e in rows])
    unit, scale = ("hours", 60.0) if np.nanmax(np.abs(means), initial=0.0) >= 120 else ("min", 1.0)
    lows = np.array([e.mean - e.low if e.n > 1 else 0.0 for _, e in rows]) / scale
    highs = np.array([e.high - e.mean if e.n > 1 else 0.0 for _, e in rows]) / scale
    colours = ["#2e7d32" if m < 0 else "#c62828" for m in means]
    ax.barh(names, means / scale, xerr=[lows, highs], color=colours, capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(f"change in {label} against the baseline ({unit}; negative is faster)")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def sweep_curve(points: list[tuple[str, Any]], label: str) -> bytes:
    """A key figure at each point of a parameter grid, with 95 % CIs."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    x = np.arange(len(points))
    means = np.array([e.mean for _, e in points]) / 60
    err = np.array([(e.high - e.mean) if e.n > 1 else 0.0 for _, e in points]) / 60
    ax.errorbar(x, means, yerr=err, marker="o", capsize=4, color="#1565c0")
    ax.set_xticks(x, [name for name, _ in points], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(f"{label} (hours)")
    ax.set_title(f"{label} across the sweep (95 % confidence intervals)")
    ax.grid(alpha=0.3)
    return _png(fig)


def hydrographs(
    gauges: dict[str, list[float]],
    step_min: float,
    thresholds: dict[str, list[tuple[float, str]]],
    flooded: dict[str, list[tuple[float, str]]],
    names: dict[str, str],
) -> bytes:
    """Each gauge's level over the run, with the levels that flood places and roads.

    ``thresholds``: gauge -> (level, what floods there); ``flooded``: gauge -> (time, place).
    """
    fig, axes = plt.subplots(
        len(gauges), 1, figsize=(8, 2.4 * len(gauges)), sharex=True, squeeze=False
    )
    for ax, (gauge, levels) in zip(axes[:, 0], gauges.items(), strict=True):
        hours = np.arange(len(levels)) * step_min / 60
        ax.plot(hours, levels, color="#1565c0")
        for level, what in thresholds.get(gauge, []):
            ax.axhline(level, color="#c62828", linewidth=0.8, linestyle="--")
            ax.annotate(
                what, (hours[-1], level), fontsize=7, ha="right", va="bottom", color="#c62828"
            )
        for when, place in flooded.get(gauge, []):
            ax.axvline(when / 60, color="#555", linewidth=0.6)
            ax.annotate(place, (when / 60, min(levels)), fontsize=7, rotation=90, va="bottom")
        ax.set_ylabel("level (m)")
        ax.set_title(names.get(gauge, gauge), fontsize=10)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("hours from the start")
    return _png(fig)


def wildfire(
    fire: dict[str, Any],
    places: list[tuple[str, float, float]],
    roads: list[tuple[float, float, float, float]],
) -> bytes:
    """Burned area over time, and a map of the cells the fire reached (mines hatched)."""
    fig, (area, extent) = plt.subplots(
        1, 2, figsize=(10.5, 4.2), gridspec_kw={"width_ratios": [1, 1.2]}
    )
    series = np.array(fire["series"], dtype=float).reshape(-1, 3)
    cell_km2 = fire["cell_km"] ** 2
    if series.size:
        area.plot(
            series[:, 0] / 60, series[:, 2] * cell_km2, label="burned (ever)", color="#c62828"
        )
        area.plot(series[:, 0] / 60, series[:, 1] * cell_km2, label="burning", color="#fb8c00")
    area.set_xlabel("hours from the start")
    area.set_ylabel("km²")
    area.set_title("Burned area over time")
    area.legend(fontsize=8, frameon=False)
    area.grid(alpha=0.3)
    south, west, north, east = fire["bounds"]
    burnt = np.array(fire["burnt"], dtype=float)
    extent.imshow(
        np.where(burnt > 0, 1.0, np.nan),
        origin="lower",
        cmap="autumn",
        extent=(west, east, south, north),
        alpha=0.8,
        aspect=1 / np.cos(np.radians((south + north) / 2)),  # true proportions on the ground
    )
    mined = np.array(fire["mined"], dtype=float)
    if mined.any() and min(mined.shape) >= 2:
        extent.contourf(
            np.linspace(west, east, mined.shape[1]),
            np.linspace(south, north, mined.shape[0]),
            mined,
            levels=[0.5, 1.5],
            hatches=["xx"],
            colors="none",
        )
    for lat1, lon1, lat2, lon2 in roads:
        extent.plot([lon1, lon2], [lat1, lat2], color="#616161", linewidth=1)
    for name, lat, lon in places:
        extent.plot(lon, lat, "o", color="#1565c0", markersize=4)
        extent.annotate(name, (lon, lat), fontsize=7, xytext=(3, 3), textcoords="offset points")
    extent.set_xlim(west, east)
    extent.set_ylim(south, north)
    extent.set_title("Where the fire reached (mined areas hatched)")
    fig.subplots_adjust(wspace=0.35)
    extent.set_xlabel("longitude")
    extent.set_ylabel("latitude")
    return _png(fig)

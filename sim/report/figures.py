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

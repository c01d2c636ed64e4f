"""The report's figures, as PNG bytes (matplotlib is imported here only)."""

from __future__ import annotations

import io
import textwrap
from collections import defaultdict
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from sim.analysis.incidents import COMPONENT_NAMES, COMPONENTS, IncidentRow
from sim.analysis.stats import Estimate
from sim.analysis.summary import OVERLOADED
from sim.i18n import N_, Translator, translator
from sim.report.fonts import use_script_fonts
from sim.report.labels import spread

use_script_fonts()

COMPONENT_COLOURS = {
    "detection": "#9e9e9e",
    "reporting": "#616161",
    "request": "#d81b60",
    "approval": "#8e24aa",
    "waiting_for_unit": "#fb8c00",
    "mobilisation": "#fdd835",
    "no_route": "#6d4c41",
    "grounded": "#00acc1",
    "travel": "#1e88e5",
    "border": "#43a047",
}
NATION_COLOURS = {"TH": "#1565c0", "LA": "#c62828", "KH": "#2e7d32"}
ENGLISH = translator("en")


LABEL_WIDTH = 44
"""Characters a line of a name beside a figure holds before it wraps."""


def wrapped(text: str, width: int) -> str:
    """``text`` on as many lines of at most ``width`` characters as it needs (a longer word
    stands whole on its own line): never cut."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=130, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def response_by_nation(
    rows: list[IncidentRow],
    by_nation: dict[str, Any],
    nations: dict[str, str],
    t: Translator = ENGLISH,
) -> bytes:
    """Response time (hours) of each incident reached, by the nation where it happened.

    The counts beside each nation are the summary's (``by_nation``), so they agree with
    the report's tables.
    """
    groups: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r.served:
            groups[r.info.nation].append(r.response_min / 60)
    unserved = {code: g["unserved"] for code, g in by_nation.items()}
    ended = {code: g["ended_before_help"] for code, g in by_nation.items()}
    codes = sorted(set(groups) | set(unserved) | set(ended))
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.8 * max(1, len(codes))))
    data = [groups.get(n, []) for n in codes]
    if any(data):
        ax.boxplot(
            [d if d else [np.nan] for d in data],
            orientation="horizontal",
            widths=0.5,
            showfliers=False,
            medianprops={"color": "black"},
        )
    rng = np.random.default_rng(0)  # jitter for legibility only
    for i, (nation, values) in enumerate(zip(codes, data, strict=True), start=1):
        jitter = rng.uniform(-0.15, 0.15, len(values))
        ax.scatter(values, i + jitter, s=14, alpha=0.7, color=NATION_COLOURS.get(nation, "#555"))

    def tick(code: str) -> str:
        extra = t(", ended %(ended)s", ended=ended[code]) if ended.get(code) else ""
        counts = t(
            "%(reached)s reached, unserved %(unserved)s",
            reached=len(groups.get(code, [])),
            unserved=unserved.get(code, 0),
        )
        return f"{nations.get(code, code)}\n{counts}{extra}"

    ax.set_yticks(range(1, len(codes) + 1), [tick(n) for n in codes], fontsize=8)
    ax.set_xlabel(t("response time: first unit on scene after the need arose (hours)"))
    ax.set_title(t("Response time by nation where help was needed"))
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def stage_decomposition(
    groups: dict[str, dict[str, float | None]], t: Translator = ENGLISH
) -> bytes:
    """Mean hours in each part of the response time, by group, as stacked bars.

    ``groups``: a label -> part -> mean minutes (None where no incident was reached).
    """
    labels = list(groups)
    fig, ax = plt.subplots(figsize=(8, 1.8 + 0.6 * max(1, len(labels))))
    left = np.zeros(len(labels))
    for part in COMPONENTS:
        values = np.array([(groups[g][part] or 0.0) / 60 for g in labels])
        if not values.any():
            continue
        ax.barh(
            labels,
            values,
            left=left,
            color=COMPONENT_COLOURS[part],
            label=t(COMPONENT_NAMES[part]),
        )
        left += values
    ax.invert_yaxis()
    ax.set_xlabel(t("mean hours from the need arising to the first unit on scene"))
    ax.set_title(t("Where the time went, by cause"))
    if left.any():
        ax.legend(
            ncol=3, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False
        )
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def replication_spread(
    values: list[float], estimate: Any, label: str, t: Translator = ENGLISH
) -> bytes:
    """Histogram of one key figure over replications, with the mean and its 95 % CI."""
    data = np.array([v for v in values if not np.isnan(v)]) / 60
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.hist(data, bins=min(40, max(5, data.size // 5)), color="#90caf9", edgecolor="white")
    if estimate.n:
        ax.axvline(estimate.mean / 60, color="black", label=t("mean"))
        if estimate.n > 1:
            ax.axvspan(
                estimate.low / 60,
                estimate.high / 60,
                color="black",
                alpha=0.15,
                label=t("95 %(percent)s confidence interval of the mean", percent="%"),
            )
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel(t("%(label)s (hours), one value per replication", label=label))
    ax.set_ylabel(t("replications"))
    ax.set_title(t("%(label)s across %(n)s replications", label=label, n=data.size))
    return _png(fig)


def differences(
    rows: list[tuple[str, Estimate]],
    label: str,
    title: str,
    unit: str = "",
    t: Translator = ENGLISH,
) -> bytes:
    """Paired differences to the baseline with 95 % CIs, largest saving first (a tornado).

    Green: better; red: worse; grey: the interval holds zero (no clear effect).
    ``unit`` is "" for durations (minutes, shown in hours or minutes), else the count's
    unit (in the reader's language, as ``label`` and ``title``).
    """
    rows = sorted(rows, key=lambda r: r[1].mean)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * max(1, len(rows))))
    names = [wrapped(name, LABEL_WIDTH) for name, _ in rows]
    means = np.array([e.mean for _, e in rows])
    if unit:
        scale, better = 1.0, t("negative is fewer")
    else:
        big = np.nanmax(np.abs(means), initial=0.0) >= 120
        unit, scale, better = (
            (t("duration in hours") if big else t("duration in minutes")),
            (60.0 if big else 1.0),
            t("negative is faster"),
        )
    lows = np.array([e.mean - e.low if e.n > 1 else 0.0 for _, e in rows]) / scale
    highs = np.array([e.high - e.mean if e.n > 1 else 0.0 for _, e in rows]) / scale
    colours = [
        "#9e9e9e" if e.spans_zero else ("#2e7d32" if e.mean < 0 else "#c62828") for _, e in rows
    ]
    ax.barh(names, means / scale, xerr=[lows, highs], color=colours, capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(
        wrapped(
            t(
                "change in %(label)s against the baseline (%(unit)s; %(better)s; "
                "grey: no clear effect)",
                label=label,
                unit=unit,
                better=better,
            ),
            100,
        )
    )
    ax.set_title(wrapped(title, 80))
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def sweep_curve(points: list[tuple[str, Any]], label: str, t: Translator = ENGLISH) -> bytes:
    """A key figure at each point of a parameter grid, with 95 % CIs."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    x = np.arange(len(points))
    means = np.array([e.mean for _, e in points]) / 60
    err = np.array([(e.high - e.mean) if e.n > 1 else 0.0 for _, e in points]) / 60
    ax.errorbar(x, means, yerr=err, marker="o", capsize=4, color="#1565c0")
    ax.set_xticks(x, [name for name, _ in points], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(t("%(label)s (hours)", label=label))
    ax.set_title(
        t(
            "%(label)s across the sweep (95 %(percent)s confidence intervals)",
            label=label,
            percent="%",
        )
    )
    ax.grid(alpha=0.3)
    return _png(fig)


def hydrographs(
    gauges: dict[str, list[float]],
    step_min: float,
    thresholds: dict[str, list[tuple[float, str]]],
    flooded: dict[str, list[tuple[float, float]]],
    names: dict[str, str],
    t: Translator = ENGLISH,
) -> bytes:
    """Each gauge's level over the run, with the levels that flood places and roads.

    ``thresholds``: gauge -> (level, what floods there, by name); ``flooded``: gauge ->
    (time, level) where a place flooded. Names stand in a column right of each plot,
    spread so they never overlap, each tied to its level.
    """
    fig, axes = plt.subplots(
        len(gauges), 1, figsize=(9, 2.5 * len(gauges)), sharex=True, squeeze=False
    )
    for ax, (gauge, levels) in zip(axes[:, 0], gauges.items(), strict=True):
        hours = np.arange(len(levels)) * step_min / 60
        ax.plot(hours, levels, color="#1565c0")
        marks = thresholds.get(gauge, [])
        for level, _ in marks:
            ax.axhline(level, color="#c62828", linewidth=0.8, linestyle="--")
        for when, level in flooded.get(gauge, []):
            ax.plot(when / 60, level, "o", color="#c62828", markersize=4, zorder=4)
        low = min([*levels, *(m[0] for m in marks)])
        high = max([*levels, *(m[0] for m in marks)])
        pad = (high - low) * 0.08 or 0.5
        ax.set_ylim(low - pad, high + pad)
        if marks:
            bottom, top = ax.get_ylim()
            gap = (top - bottom) * 0.13
            ys = spread([m[0] for m in marks], gap, bottom + gap / 2, top - gap / 2)
            for (level, what), y in zip(marks, ys, strict=True):
                ax.annotate(
                    wrapped(what, LABEL_WIDTH),
                    xy=(1.0, level),
                    xycoords=("axes fraction", "data"),
                    xytext=(1.03, y),
                    textcoords=("axes fraction", "data"),
                    fontsize=7,
                    va="center",
                    color="#c62828",
                    # from the label's left end: a leader stays in the gutter, off other names
                    arrowprops={"arrowstyle": "-", "color": "#c62828", "linewidth": 0.5}
                    | {"relpos": (0.0, 0.5), "shrinkA": 1},
                    annotation_clip=False,
                )
        ax.set_ylabel(t("level (m)"))
        ax.set_title(names.get(gauge, gauge), fontsize=10)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(t("hours from the start (dots: when a place flooded)"))
    return _png(fig)


def burned_area(fire: dict[str, Any], t: Translator = ENGLISH) -> bytes:
    """Burned and burning area over time (the map shows where the fire reached)."""
    fig, area = plt.subplots(figsize=(8, 3.2))
    series = np.array(fire["series"], dtype=float).reshape(-1, 3)
    cell_km2 = fire["cell_km"] ** 2
    if series.size:
        area.plot(
            series[:, 0] / 60, series[:, 2] * cell_km2, label=t("burned (ever)"), color="#c62828"
        )
        area.plot(series[:, 0] / 60, series[:, 1] * cell_km2, label=t("burning"), color="#fb8c00")
    area.set_xlabel(t("hours from the start"))
    area.set_ylabel("km²")
    area.set_title(t("Burned area over time"))
    area.legend(fontsize=8, frameon=False)
    area.grid(alpha=0.3)
    return _png(fig)


STATE_NAMES = {
    "mobilising": N_("mobilising"),
    "travelling": N_("travelling"),
    "at border": N_("at border"),
    "waiting": N_("waiting"),
    "on scene": N_("on scene"),
    "returning": N_("returning"),
    "down": N_("down"),
    "idle": N_("idle"),
}
"""The unit timeline's states (``sim.analysis.activity``), for translation."""

STATE_COLOURS = {
    "mobilising": "#fdd835",
    "travelling": "#1e88e5",
    "at border": "#43a047",
    "waiting": "#6d4c41",
    "on scene": "#c62828",
    "returning": "#90caf9",
    "down": "#212121",
    "idle": "#eeeeee",
}


def unit_timeline(
    rows: list[tuple[str, list[Any], float]],
    horizon_min: float,
    t: Translator = ENGLISH,
    part: tuple[int, int] | None = None,
) -> bytes:
    """One row per unit over the exercise, coloured by what it was doing.

    ``rows``: (unit name, its spans from ``sim.analysis.activity``, its utilisation), top
    to bottom. The utilisation (share of the exercise tasked) stands at the right. Names
    are wrapped, never cut; each row is as tall as the longest name needs. ``part``: this
    is part k of n (``unit_timeline_parts``).
    """
    labels = [wrapped(row[0], LABEL_WIDTH) for row in rows]
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    fig, ax = plt.subplots(figsize=(10, 1.6 + (0.12 + 0.12 * lines) * max(1, len(rows))))
    for state, colour in STATE_COLOURS.items():  # one bar collection a state: fast to draw
        ys, lefts, widths = [], [], []
        for y, (_, spans, _) in enumerate(rows):
            for s in spans:
                if s.state == state:
                    ys.append(y)
                    lefts.append(s.start / 60)
                    widths.append((s.end - s.start) / 60)
        if ys:
            ax.barh(ys, widths, left=lefts, height=0.76, color=colour, linewidth=0)
    for y, (_, _, busy) in enumerate(rows):
        ax.annotate(
            t.percent(busy),
            (1.005, y),
            xycoords=("axes fraction", "data"),
            fontsize=7,
            va="center",
            color="#b71c1c" if busy > OVERLOADED else "#424242",
        )
    ax.set_yticks(range(len(rows)), labels, fontsize=7, linespacing=1.0)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, horizon_min / 60)
    ax.set_xlabel(t("hours from the start (right: share of the exercise tasked, as in the table)"))
    ax.grid(axis="x", alpha=0.3)
    handles = [Patch(color=c, label=t(STATE_NAMES[s])) for s, c in STATE_COLOURS.items()]
    ax.legend(
        handles=handles,
        ncol=8,
        fontsize=7,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
    )
    title = t("What each unit was doing")
    ax.set_title(f"{title} ({part[0]}/{part[1]})" if part else title, pad=22)
    return _png(fig)


PART_ROWS = 20
"""Units in one part of a timeline printed on a page."""


def unit_timeline_parts(
    rows: list[tuple[str, list[Any], float]], horizon_min: float, t: Translator = ENGLISH
) -> list[bytes]:
    """The unit timeline in parts of at most ``PART_ROWS`` units, each legible on a printed
    page; none when it fits one."""
    if len(rows) <= PART_ROWS:
        return []
    size = -(-len(rows) // -(-len(rows) // PART_ROWS))  # parts of even size
    chunks = [rows[k : k + size] for k in range(0, len(rows), size)]
    return [
        unit_timeline(chunk, horizon_min, t, (number, len(chunks)))
        for number, chunk in enumerate(chunks, start=1)
    ]

"""One vocabulary: the headline, tables and figures of a report agree on their counts."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from sim.analysis import incident_rows, summarise
from sim.analysis.kpis import replication_kpis
from sim.analysis.stats import mean_ci, wilson_interval
from sim.model import simulate
from sim.report.html import stage_groups
from sim.report.labels import spread
from sim.report.names import Names
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.fixture(params=[p.stem for p in SHIPPED])
def shipped(
    request: pytest.FixtureRequest, shipped_runs: dict[str, Any]
) -> tuple[Any, Any, dict[str, bytes]]:
    return shipped_runs[request.param]


def _headline(html: str, label: str) -> int:
    found = re.search(rf"<b[^>]*>(\d+)</b>{label}", html)
    assert found, label
    return int(found.group(1))


def test_headline_tables_and_files_agree_on_unserved(shipped: tuple) -> None:  # type: ignore[type-arg]
    _scenario, run, files = shipped
    rows = incident_rows(run)
    summary = json.loads(files["summary.json"])
    overall = summary["overall"]
    html = files["report.html"].decode()
    statuses = Counter(
        r["status"] for r in csv.DictReader(io.StringIO(files["incidents.csv"].decode()))
    )

    unserved = sum(r.unserved for r in rows)
    assert overall["unserved"] == unserved
    assert _headline(html, "unserved at the end") == unserved
    assert statuses["en route"] + statuses["not sent"] == unserved
    assert sum(g["unserved"] for g in summary["by_nation"].values()) == unserved
    assert sum(g["unserved"] for g in summary["by_need"].values()) == unserved
    assert replication_kpis(run)["unserved"] == unserved
    # every incident has exactly one outcome, and the outcomes add up
    assert (
        overall["resolved"]
        + overall["on_scene_at_end"]
        + overall["ended_before_help"]
        + overall["unserved"]
        == overall["incidents"]
        == len(rows)
    )
    assert statuses["ended"] == overall["ended_before_help"]


def test_stage_chart_and_cross_border_table_agree_on_requests(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenario, _run, files = shipped
    summary = json.loads(files["summary.json"])
    groups = stage_groups(summary, Names.of(scenario))
    first = summary["cross_border"]["first_on_scene"]
    n = sum(f["incidents"] for f in first.values())
    if not n:
        assert "first unit from a neighbour" not in groups
        return
    chart = groups["first unit from a neighbour"]
    for part in ("request", "approval"):
        table = sum(f[f"{part}_mean_min"] * f["incidents"] for f in first.values()) / n
        assert chart[part] == pytest.approx(table, abs=0.01)
    assert summary["by_first_responder"]["neighbour"]["response_min"]["count"] == n


def test_words_fit_the_hazard(shipped: tuple) -> None:  # type: ignore[type-arg]
    _scenario, run, files = shipped
    html = files["report.html"].decode()
    if run.fire:
        assert "before the water" not in html and "before the fire reached them" in html
    else:
        assert "before the fire" not in html


def test_figures_and_tables_name_units_not_ids(shipped: tuple) -> None:  # type: ignore[type-arg]
    scenario, run, files = shipped
    html = files["report.html"].decode()
    names = Names.of(scenario)
    units_table = html[html.index('id="units"') :]
    for unit in run.units:
        assert f"<td>{unit.id}</td>" not in units_table
        assert names.unit(unit.id) in units_table


def test_every_stage_is_defined_in_plain_words(shipped: tuple) -> None:  # type: ignore[type-arg]
    from sim.analysis.incidents import COMPONENT_MEANINGS, COMPONENT_NAMES, COMPONENTS

    html = shipped[2]["report.html"].decode()
    for part in COMPONENTS:
        assert f"<dt>{escape(COMPONENT_NAMES[part])}</dt>" in html
        assert escape(COMPONENT_MEANINGS[part].split("(")[0].strip()) in html


def test_parts_add_up_with_the_new_causes(shipped: tuple) -> None:  # type: ignore[type-arg]
    _, run, _ = shipped
    for row in incident_rows(run):
        if row.served:
            assert sum(row.parts.values()) == pytest.approx(row.response_min)
            assert all(v >= -1e-9 for v in row.parts.values())


@settings(max_examples=60)
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=60))
def test_count_intervals_stay_within_the_counts(counts: list[int]) -> None:
    estimate = mean_ci([float(c) for c in counts], bounded=True)
    assert min(counts) <= estimate.low <= estimate.mean <= estimate.high <= max(counts)


@settings(max_examples=60)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=60))
def test_share_intervals_stay_within_zero_and_one(shares: list[float]) -> None:
    estimate = mean_ci(shares, bounded=True)
    assert 0.0 <= estimate.low <= estimate.high <= 1.0


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=200))
def test_wilson_interval_is_a_share(successes: int, extra: int) -> None:
    trials = successes + extra - 1 if successes else extra
    low, high = wilson_interval(min(successes, trials), trials)
    assert 0.0 <= low <= min(successes, trials) / trials <= high <= 1.0


def test_people_waiting_interval_is_never_negative() -> None:
    # the report's old complaint: a 95 % CI of -3.1 to 38.8 people
    values = [0.0] * 18 + [40.0, 30.0]
    estimate = mean_ci(values, bounded=True)
    assert estimate.low >= 0.0
    assert not math.isnan(estimate.high)


@given(
    st.lists(st.floats(min_value=0, max_value=10), min_size=1, max_size=12),
    st.floats(min_value=0.05, max_value=1.0),
)
def test_spread_labels_keep_their_gap_and_order(positions: list[float], gap: float) -> None:
    moved = spread(positions, gap, -100.0, 100.0)
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    ys = [moved[i] for i in order]
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ys))


def test_summary_counts_match_the_incident_rows() -> None:
    scenario = load_scenario(ROOT / "tests" / "scenarios" / "wildfire.toml")
    run = simulate(scenario, seed=3)
    rows = incident_rows(run)
    summary = summarise(run, rows)
    assert summary["overall"]["ended_before_help"] == sum(r.status == "ended" for r in rows)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_unit_names_are_never_cut(path: Path) -> None:
    scenario = load_scenario(path)
    names = Names.of(scenario)
    types = {t.id: t.name.split(" (")[0] for t in scenario.unit_types}
    for group in scenario.units:
        base = names.place(group.base).split(" (")[0]
        for unit in group.unit_ids():
            shown = names.unit(unit)
            assert "…" not in shown
            assert shown.startswith(f"{group.nation} {types[group.type]}, {base}"), shown


@given(st.lists(st.text("abcdefghij–-,", min_size=1, max_size=30), min_size=1, max_size=12))
def test_a_wrapped_name_keeps_every_word(words: list[str]) -> None:
    from sim.report.figures import wrapped

    text = " ".join(words)
    lines = wrapped(text, 20).split("\n")
    assert " ".join(lines) == text
    assert all(len(line) <= 20 or " " not in line for line in lines)


def test_a_long_unit_name_is_wrapped_beside_the_timeline_not_cut() -> None:
    from PIL import Image

    from sim.analysis.activity import Span
    from sim.report.figures import unit_timeline

    def width(name: str) -> int:
        png = unit_timeline([(name, [Span(0.0, 60.0, "travelling")], 0.5)], 120.0)
        return Image.open(io.BytesIO(png)).size[0]

    long = "KH Forest ranger patrol turned fire crew, Ministry of Environment ranger station 2"
    assert width(long) < width("KH Truck convoy, Stung Treng 2") * 1.15

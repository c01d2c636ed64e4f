"""Write docs/validation.md: the default scenario against the record of 2018, and the engine
against queueing theory.

    .venv/bin/python scripts/validation.py            # 100 replications, about 2 min on 2 cores
    .venv/bin/python scripts/validation.py --skip-queueing

The facts, their sources and tolerances are in tests/record_2018.py; the queueing harness
in tests/queueing.py (the same code the tests run). Nothing in the page is typed by hand.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import queueing as q  # noqa: E402
from record_2018 import FACTS, SCENARIO, Fact, Run  # noqa: E402

from sim import load_scenario, simulate  # noqa: E402

REPLICATIONS = 100


def interval(values: list[float]) -> tuple[float, float, float]:
    """Mean and 95 % t interval."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = stats.t.ppf(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def show(value: float, unit: str) -> str:
    if math.isnan(value):
        return "–"
    if unit == "h" or unit.startswith("h "):
        day, rest = divmod(20 + value, 24)
        return f"{int(23 + day)} July {int(rest):02d}:{round(rest % 1 * 60) % 60:02d}"
    if unit == "m":
        return f"{value:.2f} m"
    return f"{value:,.1f}" if abs(value) < 10 else f"{value:,.0f}"


def fact_rows(runs: list[Run]) -> list[str]:
    rows = [
        "| fact | source | recorded | model mean (95 % CI) | in | tolerance | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for fact in FACTS:
        rows.append(fact_row(fact, runs))
    return rows


def fact_row(fact: Fact, runs: list[Run]) -> str:
    values = [fact.read(run) for run in runs]
    happened = [v for v in values if not math.isnan(v)]
    mean, low, high = interval(happened)
    unit = "h" if fact.unit.startswith("h") else fact.unit
    verdict = "pass" if fact.low <= mean <= fact.high else "FAIL"
    shown = f"{show(mean, unit)} ({show(low, unit)} – {show(high, unit)})"
    if fact.unit.startswith("h"):
        tolerance = f"{show(fact.low, unit)} – {show(fact.high, unit)}"
    else:
        tolerance = (
            f"{show(fact.low, unit)} – {show(fact.high, unit)} {'' if unit == 'm' else unit}"
        )
    return (
        f"| {fact.name} | {fact.source} | {fact.recorded} | {shown} | "
        f"{len(happened)} of {len(values)} | {tolerance.strip()} | {verdict} |"
    )


def queueing_rows() -> list[str]:
    rows = [
        "| c | ρ | arrivals | P(wait): Erlang C | model (99.7 % CI) | mean wait (min): Erlang C "
        "| model (99.7 % CI) | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for point in q.GRID:
        result = q.run_point(point)
        c_wait = q.erlang_c(point.c, point.load)
        w = q.mean_wait(point.c, point.lam, 1 / q.SERVICE_MIN)
        if point.rho <= 0.8:
            ok = result.waiting.covers(c_wait) and result.wait.covers(w)
            verdict = "pass" if ok else "FAIL"
        else:
            covered = "within" if result.wait.covers(w) else "outside"
            verdict = (
                f"P(wait) {'pass' if result.waiting.covers(c_wait) else 'FAIL'}; "
                f"Erlang C's mean wait {covered} the interval (not tested)"
            )
        rows.append(
            f"| {point.c} | {point.rho} | {point.customers:,} | {c_wait:.3f} | "
            f"{result.waiting.mean:.3f} ({result.waiting.low:.3f} – {result.waiting.high:.3f}) | "
            f"{w:.1f} | {result.wait.mean:.1f} ({result.wait.low:.1f} – {result.wait.high:.1f}) "
            f"| {verdict} |"
        )
    return rows


def priority_rows() -> list[str]:
    result = q.run_priority()
    rows = [
        "| class | Cobham W (min) | model (99.7 % CI) | verdict |",
        "| --- | --- | --- | --- |",
    ]
    for name, estimate, expected in zip(
        ("urgent (priority 1)", "routine (priority 2)"), result.waits, result.expected, strict=True
    ):
        verdict = "pass" if estimate.covers(expected) else "FAIL"
        rows.append(
            f"| {name} | {expected:.1f} | {estimate.mean:.1f} "
            f"({estimate.low:.1f} – {estimate.high:.1f}) | {verdict} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-queueing", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation.md")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    began = time.perf_counter()
    runs = [Run.of(simulate(scenario, replication=r)) for r in range(REPLICATIONS)]
    took = time.perf_counter() - began
    text = [TEMPLATE_HEAD.format(n=REPLICATIONS, seed=scenario.run.seed, took=took)]
    text += fact_rows(runs)
    text.append(TEMPLATE_QUEUE)
    if args.skip_queueing and args.out.exists():
        old = args.out.read_text()
        text.append(old[old.index(QUEUE_MARK) + len(QUEUE_MARK) :].lstrip("\n"))
    else:
        text += queueing_rows()
        text.append(TEMPLATE_PRIORITY)
        text += priority_rows()
        text.append(TEMPLATE_TAIL)
    args.out.write_text("\n".join(text).rstrip() + "\n")
    print(f"wrote {args.out.relative_to(ROOT)}")


TEMPLATE_HEAD = """# Validation

Two kinds of evidence: the default scenario told against what happened in July 2018, and
the simulation engine against queueing theory. This page is written by
`scripts/validation.py`; rerun it to check (`.venv/bin/python scripts/validation.py`).

## The default scenario against the record of 2018

`scenarios/sekong_flood_2018.toml`, {n} replications of seed {seed} (they took {took:.0f} s
here, one process). Each fact is read from every replication's event log as
`tests/record_2018.py` says; the model's mean must lie within the tolerance. Times are
local (UTC+7); "in" is the number of replications in which it happened (a Thai team that
never crossed has no crossing time). The tolerances express how precise the record is: a
press report's "night" or "from 25 July" as a window of hours, "about 6,000" as ±15 %, a
count of one day (its hour unknown, read at noon) as about ±30 %, a gauge reading as
±0.2-0.3 m, "none" as less than one dispatch in ten replications.
`tests/test_backtest.py` checks the same facts on 20 replications in CI.
"""

QUEUE_MARK = "## The engine against queueing theory"
TEMPLATE_QUEUE = f"""
What the model does not claim: village positions and populations, road lengths, unit
numbers, speeds and most delays are planning estimates (each marked in the scenario
file). The Siem Pang lag, spread, attenuation and base were fitted to the four readings
above; the Ban Mai wave and the lags upstream were set on the timings of the Sanamxay
flooding and the Lao readings, not fitted to Cambodian data.

{QUEUE_MARK}

`tests/scenarios/mmc.toml` reduces the model to an M/M/c queue (one village that is also
the base and the EOC, no delays, one exponential trip of mean 60 min per incident, one unit
an incident); its copies in `tests/queueing.py` vary the number of units c and the
arrival rate for a utilisation ρ. Each replication starts from the stationary number in
system, so no warm-up biases the waits; estimates use control variates with exactly
known means (the number in system at the start, the mean service time, the number of
arrivals). Intervals are 99.7 %: seventeen are checked at once (Bonferroni for 5 % in all).
At ρ = 0.95 the mean wait is shown but not tested: a few thousand arrivals are only a few
relaxation times of such a queue and the interval covers too rarely; the chance of
waiting is tested at every point. Rerun: `.venv/bin/pytest tests/test_queueing.py`
(about 40 s of CPU).
"""
TEMPLATE_PRIORITY = """
Two kinds of need with priorities 1 and 2, ρ = 0.35 + 0.35 on one unit: the model's
dispatch (priority, then report time, never interrupting a unit at work) is a
non-preemptive priority M/M/1, whose mean waits are Cobham's W_k = W₀/((1 − σ_{k−1})(1 − σ_k)).
"""
TEMPLATE_TAIL = """
`tests/test_queueing.py` also checks M/M/3 at ρ = 0.75 against Erlang C's mean wait, its
chance of waiting and the tail of its waits (which tells first come, first served from
other orders), the service time, and Little's law on every sample path.
"""


if __name__ == "__main__":
    main()

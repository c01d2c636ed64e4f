"""Write docs/api.md, the Python API reference, from the public names' docstrings.

    .venv/bin/python scripts/api_docs.py          # write it
    .venv/bin/python scripts/api_docs.py --check  # exit 1 if it is out of date

The tests check that the file is up to date: change a docstring, then run this.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from pathlib import Path
from typing import Any

import sim
from sim.analysis import frames, incidents, kpis, replications
from sim.experiment import results
from sim.report import tables

OUT = Path(__file__).parents[1] / "docs" / "api.md"

SECTIONS: list[tuple[str, list[str]]] = [
    ("Scenarios", ["load_scenario", "read_scenario", "Scenario", "ScenarioFile", "ScenarioError"]),
    (
        "One run",
        [
            "simulate",
            "RunLog",
            "incident_frame",
            "unit_frame",
            "decision_frame",
            "wait_frame",
            "incident_rows",
            "summarise",
            "run_scenario",
            "RunResult",
            "Simulation",
        ],
    ),
    ("Replications", ["replicate", "Replications", "Estimate", "KPIS", "UnknownKpi"]),
    ("Experiments", ["compare", "assess", "sweep", "RunOptions", "Experiment"]),
    ("A played exercise", ["load_played", "PlayedSession", "measure_players", "play_scripted"]),
]
"""The public names (``sim.__all__``), in the order of the data flow."""

MEMBERS = {"Replications", "Experiment", "Estimate", "PlayedSession"}
"""Classes whose own public methods and properties are listed too."""

TABLES: list[tuple[str, dict[str, str]]] = [
    ("Columns of `incident_frame(run)`", frames.INCIDENT_COLUMNS),
    ("Columns of incidents.csv (a run folder)", tables.INCIDENT_CSV_MEANINGS),
    ("Columns of `unit_frame(run)`", frames.UNIT_COLUMNS),
    ("Columns of `decision_frame(run)`", frames.DECISION_COLUMNS),
    ("Columns of `wait_frame(run)`", frames.WAIT_COLUMNS),
    (
        "Columns of `Replications.incidents`",
        {
            "variant": "the variant's name",
            "replication": "the replication (0 to n − 1)",
            **{c: incidents.COLUMNS[c].meaning for c in replications.INCIDENT_COLUMNS[2:]},
        },
    ),
    ("Key figures of a replication (`KPIS`)", kpis.KPIS),
    ("Key figures by nation and by need", kpis.GROUPED),
    ("Columns of `ranking()`", replications.RANKING_COLUMNS),
    ("Columns of `Experiment.decisions()`", results.DECISION_COLUMNS),
]


def _doc(thing: Any) -> str:
    return inspect.cleandoc(thing.__doc__ or "").strip()


def _signature(name: str, thing: Any) -> str:
    try:
        return f"{name}{inspect.signature(thing)}"
    except (TypeError, ValueError):
        return name


def _entry(name: str) -> list[str]:
    thing = getattr(sim, name)
    if not callable(thing):  # a constant: its table says it all
        return [f"### `{name}`", "", f"See the table below ({len(thing)} names).", ""]
    heading = name if inspect.isclass(thing) and name not in {"RunOptions"} else None
    lines = [f"### `{name}`", "", "```python", heading or _signature(name, thing), "```", ""]
    lines += [_doc(thing), ""]
    if name in MEMBERS:
        lines += _members(thing)
    return lines


def _members(cls: type) -> list[str]:
    lines = []
    if dataclasses.is_dataclass(cls):
        own = [f.name for f in dataclasses.fields(cls)]
        lines += [f"Fields: {', '.join(f'`{f}`' for f in own)}.", ""]
    for member, value in vars(cls).items():
        if member.startswith("_"):
            continue
        if isinstance(value, property):
            title, doc = f"`.{member}` (property)", _doc(value.fget)
        elif inspect.isfunction(value) or isinstance(value, classmethod):
            function = getattr(cls, member) if isinstance(value, classmethod) else value
            shown = _signature(member, function).replace("(self, ", "(").replace("(self)", "()")
            title, doc = f"`.{shown}`", _doc(function)
        else:
            continue
        if doc:
            lines += [f"- {title}: {doc.replace(chr(10), chr(10) + '  ')}", ""]
    return lines


def _table(title: str, columns: dict[str, str]) -> list[str]:
    lines = [f"### {title}", "", "| name | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {meaning.replace('|', '/')} |" for name, meaning in columns.items()]
    return [*lines, ""]


def render() -> str:
    """The reference, as Markdown."""
    listed = [name for _, names in SECTIONS for name in names]
    missing = sorted(set(sim.__all__) - set(listed))
    if missing:
        raise SystemExit(f"scripts/api_docs.py: place {', '.join(missing)} in SECTIONS")
    lines = [
        "# The Python API",
        "",
        "Generated from the docstrings by `scripts/api_docs.py`; do not edit by hand.",
        "Every name below is imported from `sim` (`from sim import compare, RunOptions`).",
        "",
        _doc(sim),
        "",
    ]
    for title, names in SECTIONS:
        lines += [f"## {title}", ""]
        for name in names:
            lines += _entry(name)
    lines += ["## Tables", ""]
    for title, columns in TABLES:
        lines += _table(title, columns)
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    text = render()
    if "--check" in sys.argv[1:]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.name} is out of date: run scripts/api_docs.py")
            sys.exit(1)
        return
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

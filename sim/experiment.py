"""Running scenarios: one replication to a run folder (replications and variants grow here)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.model import simulate
from sim.report import check_replaceable, manifest, run_files, write_folder
from sim.scenario import read_scenario

DEFAULT_OUTPUT_ROOT = Path("reports")


@dataclass(frozen=True)
class RunResult:
    """Where a run was written and its summary."""

    folder: Path
    summary: dict[str, Any]


def default_folder(scenario_path: Path, seed: int, overrides: Sequence[str] = ()) -> Path:
    """reports/<scenario file name>-seed<seed>, plus a tag of the what-ifs when there are any."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario_path.stem)
    tag = ""
    if overrides:
        tag = "-whatif-" + hashlib.sha256("\n".join(overrides).encode()).hexdigest()[:8]
    return DEFAULT_OUTPUT_ROOT / f"{stem}-seed{seed}{tag}"


def run_scenario(
    path: str | Path,
    out: str | Path | None = None,
    *,
    seed: int | None = None,
    force: bool = False,
    command: list[str] | None = None,
    overrides: Sequence[str] = (),
) -> RunResult:
    """Simulate a scenario file (with optional ``path=value`` what-ifs) and write its run folder.

    Raises:
        ScenarioError: the scenario file is not valid.
        OutputError: the folder exists and may not be replaced, or cannot be written.
    """
    source = read_scenario(path, overrides)
    scenario = source.scenario
    seed = scenario.run.seed if seed is None else seed
    folder = Path(out) if out is not None else default_folder(source.path, seed, overrides)
    check_replaceable(folder.resolve(), force=force)
    run = simulate(scenario, seed=seed)
    provenance = manifest(
        str(source.path), source.sha256, seed, run.replication, command or [], source.overrides
    )
    files = run_files(scenario, run, provenance)
    write_folder(folder, files, force=force)
    return RunResult(folder, json.loads(files["summary.json"]))

"""What-if experiments: compare variants, assess each coordination mechanism, sweep parameters.

Every variant is the base scenario file with ``path=value`` overrides (or another file),
and all run on the same replication seeds, so differences are paired.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.analysis.replications import Replications
from sim.experiment.replications import run_variants
from sim.scenario import Scenario, load_scenario

MECHANISMS: dict[str, str] = {
    "channels": "coordination.channels.enabled",
    "military_comms": "coordination.military_comms.enabled",
    "language": "coordination.language.enabled",
    "information_sharing": "coordination.information_sharing.enabled",
    "mutual_assistance": "coordination.mutual_assistance.pre_authorized",
    "joint_centre": "coordination.joint_centre.enabled",
    "joint_teams": "coordination.joint_teams.enabled",
    "border_operations": "coordination.border_operations.enabled",
    "joint_training": "coordination.joint_training.enabled",
    "local_authorities": "coordination.local_authorities.enabled",
}
"""Each coordination mechanism and the switch that puts it in force."""


def _flatten(node: Any, path: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        flat: dict[str, Any] = {}
        for key, value in node.items():
            flat.update(_flatten(value, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(node, list) and any(isinstance(v, dict | list) for v in node):
        flat = {}
        for i, value in enumerate(node):
            flat.update(_flatten(value, f"{path}[{i}]"))
        return flat
    return {path: node}


def scenario_changes(base: Scenario, other: Scenario) -> list[str]:
    """What a variant changes from the baseline, one ``path = value`` line a field."""
    old = _flatten(base.model_dump(mode="json", by_alias=True))
    new = _flatten(other.model_dump(mode="json", by_alias=True))
    lines = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) != new.get(path):
            value = new.get(path, "(absent)")
            lines.append(f"{path} = {value if not isinstance(value, bool) else str(value).lower()}")
    return lines


MIN_REPLICATIONS = 30
"""Experiments run at least this many replications unless told otherwise."""


def experiment_replications(scenario: Scenario) -> int:
    """Replications a variant by default: the scenario's, and at least ``MIN_REPLICATIONS``."""
    return max(scenario.run.replications, MIN_REPLICATIONS)


def mechanism_in_force(scenario: Scenario, mechanism: str) -> bool:
    """Whether a mechanism's switch is on in a scenario."""
    node: Any = scenario
    for part in MECHANISMS[mechanism].split("."):
        node = getattr(node, part)
    return bool(node)


def compare(variants: Mapping[str, Scenario], n: int, seed: int, **options: Any) -> Replications:
    """Run variants (the first is the baseline) on the same seeds; see ``run_variants``."""
    return run_variants(variants, n, seed, **options)


def assessment_variants(path: str | Path, overrides: Sequence[str] = ()) -> dict[str, Scenario]:
    """The baseline, then one variant per mechanism with its switch turned the other way."""
    base = load_scenario(path, overrides)
    variants = {"baseline": base}
    for mechanism, switch in MECHANISMS.items():
        on = mechanism_in_force(base, mechanism)
        name = f"{mechanism} {'off' if on else 'on'}"
        variants[name] = load_scenario(path, [*overrides, f"{switch}={'false' if on else 'true'}"])
    return variants


def assess(
    path: str | Path,
    n: int | None = None,
    seed: int | None = None,
    overrides: Sequence[str] = (),
    **options: Any,
) -> Replications:
    """Switch each coordination mechanism in turn from the baseline, on the same seeds."""
    variants = assessment_variants(path, overrides)
    base = variants["baseline"]
    return run_variants(
        variants,
        experiment_replications(base) if n is None else n,
        base.run.seed if seed is None else seed,
        **options,
    )


def sweep_variants(
    path: str | Path, grid: Mapping[str, Sequence[str]], overrides: Sequence[str] = ()
) -> dict[str, Scenario]:
    """One variant per point of the grid (``{path: [value, ...]}``), named by its settings."""
    variants = {}
    for values in itertools.product(*grid.values()):
        settings = [f"{p}={v}" for p, v in zip(grid, values, strict=True)]
        variants[", ".join(settings)] = load_scenario(path, [*overrides, *settings])
    return variants


def sweep(
    path: str | Path,
    grid: Mapping[str, Sequence[str]],
    n: int | None = None,
    seed: int | None = None,
    overrides: Sequence[str] = (),
    **options: Any,
) -> Replications:
    """Run every point of a parameter grid on the same seeds (the first point is the baseline)."""
    variants = sweep_variants(path, grid, overrides)
    first = next(iter(variants.values()))
    return run_variants(
        variants,
        experiment_replications(first) if n is None else n,
        first.run.seed if seed is None else seed,
        **options,
    )

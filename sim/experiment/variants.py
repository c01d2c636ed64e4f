"""What-if experiments: compare variants, assess each coordination mechanism, sweep parameters.

Every variant runs on the same replication seeds as the baseline, so differences are
paired (common random numbers). All three take the same shape::

    compare(base, variants, *, n=None, seed=None, played=None, options=RunOptions())
    assess(base, *, n=None, seed=None, played=None, options=RunOptions())
    sweep(base, grid, *, n=None, seed=None, played=None, options=RunOptions())

``base`` is a scenario file (a path), a ``ScenarioFile`` (``read_scenario(path, overrides)``)
or a ``Scenario``; they return an ``Experiment``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from sim.analysis.kpis import FALLBACKS
from sim.experiment.options import DEFAULTS, RunOptions
from sim.experiment.replications import run_variants
from sim.experiment.results import PLAYERS, Experiment
from sim.scenario import Scenario, ScenarioFile, parse_duration, read_scenario
from sim.scenario.budget import BudgetError, check_budget
from sim.scenario.overrides import parse_override

if TYPE_CHECKING:
    from sim.decisions.replay import PlayedSession

ScenarioSource: TypeAlias = Scenario | ScenarioFile | str | Path
"""A scenario as the experiments take it: validated, read from a file, or a file's path."""

Variant: TypeAlias = Scenario | ScenarioFile | str | Path | Sequence[str]
"""A variant: another scenario (as ``ScenarioSource``), or a list of ``"path=value"``
changes to the base (which must then come from a file)."""

BASELINE = "baseline"
"""The name of the base scenario among the variants."""

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

MIN_REPLICATIONS = 30
"""Experiments run at least this many replications unless told otherwise."""


@dataclass(frozen=True)
class _Base:
    """The base scenario, and the file it came from (None for one built in memory)."""

    scenario: Scenario
    file: ScenarioFile | None

    @classmethod
    def of(cls, source: ScenarioSource) -> _Base:
        if isinstance(source, Scenario):
            return cls(source, None)
        if isinstance(source, ScenarioFile):
            return cls(source.scenario, source)
        file = read_scenario(source)
        return cls(file.scenario, file)

    def changed(self, changes: Sequence[str]) -> Scenario:
        """The base with ``path=value`` changes on top of its own."""
        if self.file is None:
            raise ValueError(
                "a variant given as path=value changes needs the base scenario as a file "
                "(its path or read_scenario(path)); give the variant as a Scenario instead"
            )
        return read_scenario(self.file.path, [*self.file.overrides, *changes]).scenario

    @property
    def where(self) -> str | Path:
        """What a refusal names: the file, else the scenario's name."""
        return self.file.path if self.file is not None else self.scenario.scenario.name.en


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


def experiment_replications(scenario: Scenario) -> int:
    """Replications a variant by default: the scenario's, and at least ``MIN_REPLICATIONS``."""
    return max(scenario.run.replications, MIN_REPLICATIONS)


def experiment_size(
    base: Scenario, n: int | None, seed: int | None, played: PlayedSession | None = None
) -> tuple[int, int]:
    """The replications and seed an experiment runs: as given, else
    ``experiment_replications`` and the played session's seed or the scenario's."""
    if seed is None:
        seed = played.seed if played is not None else base.run.seed
    return (experiment_replications(base) if n is None else n), seed


def mechanism_in_force(scenario: Scenario, mechanism: str) -> bool:
    """Whether a mechanism's switch is on in a scenario."""
    node: Any = scenario
    for part in MECHANISMS[mechanism].split("."):
        node = getattr(node, part)
    return bool(node)


def compare(
    base: ScenarioSource,
    variants: Mapping[str, Variant],
    *,
    n: int | None = None,
    seed: int | None = None,
    played: PlayedSession | None = None,
    options: RunOptions = DEFAULTS,
) -> Experiment:
    """Run a base scenario and its variants on the same seeds: differences are paired.

    Args:
        base: the baseline (named ``"baseline"``): a path, ``read_scenario(...)`` or a
            ``Scenario``.
        variants: by name, another scenario or a list of ``"path=value"`` changes to the
            base, e.g. ``{"preauth": ["coordination.mutual_assistance.pre_authorized=true"]}``.
        n: replications a variant (default: the scenario's, at least ``MIN_REPLICATIONS``).
        seed: the seed (default: the played session's, else the scenario's).
        played: a played session (``load_played``): adds the variant ``"players"``, the
            baseline with the players' decisions replayed, measured against doctrine; its
            decisions' consequences are in ``Experiment.decisions()``.
        options: how to run (``RunOptions``).

    Raises:
        ScenarioError: a scenario file or a change is not valid.
        BudgetError: the work goes beyond a soft limit and ``options.allow_large`` is false.
        ValueError: a variant is named ``baseline`` or ``players``, or nothing to compare.

    Example:
        >>> exp = compare("scenarios/sekong_flood_2018.toml",
        ...               {"preauth": ["coordination.mutual_assistance.pre_authorized=true"]},
        ...               n=40, options=RunOptions(jobs=2))
        >>> exp.ranking()       # paired difference to the baseline, with its 95 % CI
    """
    root = _Base.of(base)
    scenarios = {BASELINE: root.scenario}
    for name, variant in variants.items():
        if name in (BASELINE, PLAYERS):
            raise ValueError(f"a variant may not be named {name!r}: give it another name")
        scenarios[name] = _variant(root, variant)
    sessions = {}
    if played is not None:
        scenarios[PLAYERS] = root.scenario
        sessions[PLAYERS] = played
    if len(scenarios) < 2:
        raise ValueError("nothing to compare: give at least one variant, or a played session")
    return _run("compare", root, scenarios, n, seed, played, sessions, options)


def _variant(root: _Base, variant: Variant) -> Scenario:
    if isinstance(variant, Scenario):
        return variant
    if isinstance(variant, ScenarioFile):
        return variant.scenario
    if isinstance(variant, str | Path):
        return read_scenario(variant).scenario
    return root.changed(list(variant))


def assessment_variants(base: ScenarioSource) -> dict[str, Scenario]:
    """The baseline, then one variant per mechanism with its switch turned the other way."""
    root = _Base.of(base)
    return {BASELINE: root.scenario, **_mechanism_variants(root)}


def _mechanism_variants(root: _Base) -> dict[str, Scenario]:
    variants = {}
    for mechanism, switch in MECHANISMS.items():
        on = mechanism_in_force(root.scenario, mechanism)
        name = f"{mechanism} {'off' if on else 'on'}"
        if root.file is not None:
            variants[name] = root.changed([f"{switch}={'false' if on else 'true'}"])
        else:
            variants[name] = _switched(root.scenario, switch, not on)
    return variants


def _switched(scenario: Scenario, switch: str, value: bool) -> Scenario:
    """A copy of a scenario with one boolean switch (``a.b.c``) set."""
    *parents, leaf = switch.split(".")
    nodes: list[Any] = [scenario]
    for part in parents:
        nodes.append(getattr(nodes[-1], part))
    changed: Any = nodes[-1].model_copy(update={leaf: value})
    for node, part in zip(reversed(nodes[:-1]), reversed(parents), strict=True):
        changed = node.model_copy(update={part: changed})
    assert isinstance(changed, Scenario)
    return changed


def assess(
    base: ScenarioSource,
    *,
    n: int | None = None,
    seed: int | None = None,
    played: PlayedSession | None = None,
    options: RunOptions = DEFAULTS,
) -> Experiment:
    """Switch each coordination mechanism (``MECHANISMS``) in turn the other way from the
    base, on the same seeds: ``ranking()`` says which one matters most.

    Args, Raises: as ``compare``; ``played`` is replayed in every variant (its decisions
    that no longer apply count in ``decision_fallbacks``).

    Example:
        >>> assess("scenarios/sekong_flood_2018.toml", n=40).ranking().head(3)
    """
    root = _Base.of(base)
    scenarios = {BASELINE: root.scenario, **_mechanism_variants(root)}
    sessions = {} if played is None else dict.fromkeys(scenarios, played)
    return _run("assess", root, scenarios, n, seed, played, sessions, options)


def sweep_variants(
    base: ScenarioSource, grid: Mapping[str, Sequence[Any]]
) -> tuple[dict[str, Scenario], dict[str, dict[str, Any]]]:
    """One variant per point of the grid (``{path: [value, ...]}``), named by its settings
    (``"a=1, b=2"``), and each point's values (numbers as numbers, durations in minutes)."""
    root = _Base.of(base)
    if not grid or any(len(values) == 0 for values in grid.values()):
        raise ValueError("a sweep needs each field with one value or more")
    variants, parameters = {}, {}
    for values in itertools.product(*grid.values()):
        settings = [f"{p}={_text(v)}" for p, v in zip(grid, values, strict=True)]
        name = ", ".join(settings)
        variants[name] = root.changed(settings)
        parameters[name] = {p: _value(s) for p, s in zip(grid, settings, strict=True)}
    return variants, parameters


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _value(setting: str) -> Any:
    """A swept value as a number to plot against where it is one (a duration in minutes)."""
    value = parse_override(setting)[1]
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError:
            return value
    return value


def sweep(
    base: ScenarioSource,
    grid: Mapping[str, Sequence[Any]],
    *,
    n: int | None = None,
    seed: int | None = None,
    played: PlayedSession | None = None,
    options: RunOptions = DEFAULTS,
) -> Experiment:
    """Run every point of a grid of field values on the same seeds (the first point is the
    baseline); ``frame()`` and ``ranking()`` have one column per field, to plot against.

    Args:
        grid: ``{field path: [value, ...]}``, e.g.
            ``{"coordination.mutual_assistance.approval": ["1h", "4h", "12h"]}``; durations
            come back in minutes, numbers as numbers.
        Others, Raises: as ``compare`` (the base must come from a file); ``played`` is
            replayed at every point.

    Example:
        >>> exp = sweep("scenarios/sekong_flood_2018.toml",
        ...             {"coordination.mutual_assistance.approval": ["1h", "4h", "12h"]}, n=20)
        >>> exp.frame().groupby("coordination.mutual_assistance.approval").response_p90_min.mean()
    """
    root = _Base.of(base)
    _check_grid(root, grid, n, seed, played, options)
    scenarios, parameters = sweep_variants(root.file or root.scenario, grid)
    if len(scenarios) < 2:
        raise ValueError("a sweep needs at least two points: give a field two values or more")
    sessions = {} if played is None else dict.fromkeys(scenarios, played)
    return _run("sweep", root, scenarios, n, seed, played, sessions, options, parameters)


def _check_grid(
    root: _Base,
    grid: Mapping[str, Sequence[Any]],
    n: int | None,
    seed: int | None,
    played: PlayedSession | None,
    options: RunOptions,
) -> None:
    """Refuse a grid too large to run before each of its points is made and checked: as
    if each point cost what the base does (the whole is checked again once they are)."""
    points = math.prod(len(values) for values in grid.values())
    size, _ = experiment_size(root.scenario, n, seed, played)
    try:
        allow = options.allow_large
        check_budget([root.scenario], size * points, file=root.where, allow_large=allow)
    except BudgetError as exc:
        fewer = f"use fewer values in the grid ({points:,} points)"
        raise BudgetError(
            exc.file, [replace(p, hint=f"{fewer}; {p.hint}") for p in exc.problems]
        ) from None


def _run(
    kind: str,
    root: _Base,
    scenarios: dict[str, Scenario],
    n: int | None,
    seed: int | None,
    played: PlayedSession | None,
    sessions: dict[str, PlayedSession],
    options: RunOptions,
    parameters: dict[str, dict[str, Any]] | None = None,
) -> Experiment:
    """Check the whole work against the budget, run the variants, and measure the players'
    decisions of a compare's ``players`` variant."""
    from sim.experiment import debrief

    n, seed = experiment_size(root.scenario, n, seed, played)
    if n < 1:
        raise ValueError("at least one replication is needed")
    measured = PLAYERS in sessions and kind == "compare"
    runs = n + (debrief.runs_needed(sessions[PLAYERS], n) // len(scenarios) if measured else 0)
    check_budget(list(scenarios.values()), runs, file=root.where, allow_large=options.allow_large)
    reps = run_variants(
        scenarios,
        n,
        seed,
        options=replace(options, allow_large=True),  # checked above, with the players' measures
        keep_incidents=kind != "sweep",  # for the maps of where variants differ
        played=sessions or None,
    )
    debriefs = {}
    if measured:
        debriefs[PLAYERS] = debrief.debrief(
            scenarios[PLAYERS],
            sessions[PLAYERS],
            n,
            seed,
            reps.values(FALLBACKS, PLAYERS),
            jobs=options.jobs,
            scheduler=options.scheduler,
            progress=options.progress,
        )
    return Experiment.of(
        reps,
        kind=kind,
        scenarios=scenarios,
        file=root.file,
        parameters=parameters or {},
        debriefs=debriefs,
    )

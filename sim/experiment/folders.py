"""Output folders of the commands: a run (one or many replications) and an experiment."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis.kpis import FALLBACKS
from sim.analysis.replications import Replications
from sim.experiment.options import RunOptions
from sim.experiment.replications import replicate, run_once
from sim.experiment.variants import MIN_REPLICATIONS, scenario_changes
from sim.experiment.variants import assess as run_assessment
from sim.scenario import Scenario, read_scenario
from sim.scenario.budget import check_budget

if TYPE_CHECKING:
    from sim.decisions.replay import PlayedSession

DEFAULT_OUTPUT_ROOT = Path("reports")


@dataclass(frozen=True)
class RunResult:
    """Where a run was written and its summary."""

    folder: Path
    summary: dict[str, Any]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text)


def _tag(words: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:8]


def default_folder(scenario_path: Path, seed: int, overrides: Sequence[str] = ()) -> Path:
    """reports/<scenario file name>-seed<seed>, plus a tag of the what-ifs when there are any."""
    tag = f"-whatif-{_tag(overrides)}" if overrides else ""
    return DEFAULT_OUTPUT_ROOT / f"{_slug(scenario_path.stem)}-seed{seed}{tag}"


def run_scenario(
    path: str | Path,
    out: str | Path | None = None,
    *,
    seed: int | None = None,
    replications: int | None = None,
    force: bool = False,
    command: list[str] | None = None,
    overrides: Sequence[str] = (),
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = False,
    allow_large: bool = False,
    assess: bool = False,
    assess_from: str | Path | None = None,
    played: PlayedSession | None = None,
    lang: str = "en",
) -> RunResult:
    """Simulate a scenario file (with optional ``path=value`` what-ifs) and write its run folder.

    The report tells replication 0's story; with more replications (default: the
    scenario's ``[run] replications``) it adds every key figure's mean and 95 % confidence
    interval across them, and ``kpis.csv`` with one row per replication.

    Raises:
        ScenarioError: the scenario file is not valid.
        BudgetError: the run would go beyond a soft limit (see ``sim.scenario.budget``) and
            ``allow_large`` is false.
        OutputError: the folder exists and may not be replaced, or cannot be written, or
            ``assess_from`` is not an assessment of this scenario.

    ``assess`` also runs an assessment (each coordination arrangement switched in turn, on
    the same replications, at least ``MIN_REPLICATIONS``); ``assess_from`` reads one from
    an assess folder instead. Either adds the improvement plan to the report.

    ``played``: a played session, replayed in every replication (``sim.decisions.replay``);
    the manifest and the key figures count the players' decisions that fell back to
    doctrine. ``lang``: the language of the report, the AAR and the MSEL (``sim.i18n``).
    """
    from sim.i18n import translator
    from sim.report import check_replaceable, manifest, run_files

    translator(lang)  # an unknown language is refused before any work
    source = read_scenario(path, overrides)
    assessment = read_assessment(Path(assess_from), source.sha256) if assess_from else None
    scenario = source.scenario
    seed = scenario.run.seed if seed is None else seed
    n = scenario.run.replications if replications is None else replications
    runs = n
    if played is not None:  # each of the players' decisions is measured too
        from sim.experiment import debrief

        runs += debrief.runs_needed(played, n)
    check_budget([scenario], runs, file=source.path, allow_large=allow_large)
    folder = Path(out) if out is not None else default_folder(source.path, seed, overrides)
    check_replaceable(folder.resolve(), force=force)
    run, _, kpis = run_once(scenario, seed, 0, played)
    # the budget is checked above, with the file's name
    options = RunOptions(jobs=jobs, scheduler=scheduler, progress=progress, allow_large=True)
    reps = None
    if n > 1:
        reps = replicate(
            scenario, n=n, seed=seed, played=played, options=options, keep_incidents=False
        )
    provenance = manifest(
        str(source.path), source.sha256, seed, run.replication, command or [], source.overrides
    )
    if played is not None:
        provenance["decisions"] = {
            "by_players": len(played.by_players),
            "fallbacks_in_replication_0": int(kpis[FALLBACKS]),
        }
    if assess:
        assessed = run_assessment(source, n=max(n, MIN_REPLICATIONS), seed=seed, options=options)
        assessment = {"kind": "assess", **assessed.summary()}
    provenance["replications"] = n
    players = None
    if played is not None:
        players = debrief.debrief(
            scenario,
            played,
            n,
            seed,
            reps.values(FALLBACKS) if reps else [kpis[FALLBACKS]],
            jobs=jobs,
            scheduler=scheduler,
            progress=progress,
        )
    provenance["language"] = lang
    files = run_files(scenario, run, provenance, reps, assessment, players, lang)
    if assessment is not None:
        files["assessment.json"] = (json.dumps(assessment, indent=2) + "\n").encode("utf-8")
    _write(folder, files, force=force)
    return RunResult(folder, json.loads(files["summary.json"]))


def read_assessment(folder: Path, scenario_sha256: str) -> dict[str, Any]:
    """The summary of an assess folder made from the same scenario file.

    Raises:
        OutputError: the folder is not an assess folder, or was made from another file.
    """
    from sim.report import OutputError

    try:
        summary = json.loads((folder / "summary.json").read_text("utf-8"))
        made_from = json.loads((folder / "manifest.json").read_text("utf-8"))["scenario_sha256"]
    except (OSError, ValueError, KeyError) as exc:
        raise OutputError(
            f"{folder}: not an assess folder ({exc}); give a folder written by borderdrill assess"
        ) from None
    if summary.get("kind") != "assess":
        raise OutputError(
            f"{folder}: a {summary.get('kind', 'run')} folder, not an assessment; give a folder "
            "written by borderdrill assess"
        )
    if made_from != scenario_sha256:
        raise OutputError(
            f"{folder}: assessed another version of the scenario file (its checksum differs); "
            "run borderdrill assess on this file again"
        )
    return dict(summary)


def experiment_folder(
    kind: str,
    scenario_path: Path,
    seed: int,
    n: int,
    variants: Sequence[str],
    overrides: Sequence[str] = (),
) -> Path:
    """reports/<scenario>-<kind>-seed<seed>-n<n>-<tag of the variants and what-ifs>."""
    return DEFAULT_OUTPUT_ROOT / (
        f"{_slug(scenario_path.stem)}-{kind}-seed{seed}-n{n}-{_tag([*variants, *overrides])}"
    )


def write_experiment(
    kind: str,
    reps: Replications,
    scenario_path: Path,
    out: Path | None,
    *,
    force: bool,
    description: str,
    command: list[str],
    scenario_sha256: str,
    overrides: Sequence[str] = (),
    variants: Mapping[str, Scenario] | None = None,
    notes: Mapping[str, list[str]] | None = None,
    lang: str = "en",
    source_name: str | None = None,
) -> Path:
    """Write the folder of a compare, assess or sweep experiment; returns it.

    ``variants``, when given, lets the report list what each variant changes; ``notes``
    adds lines to that (e.g. the decisions a variant replays). ``lang``: the report's
    language (``sim.i18n``); ``source_name``: the scenario's, for its heading.
    """
    from sim.i18n import translator
    from sim.report import check_replaceable, experiment_files, manifest

    if out is None:
        out = experiment_folder(kind, scenario_path, reps.seed, reps.n, reps.variants, overrides)
    translator(lang)  # an unknown language is refused before any work
    check_replaceable(out.resolve(), force=force)
    provenance = manifest(str(scenario_path), scenario_sha256, reps.seed, 0, command, overrides)
    provenance["language"] = lang
    provenance["replications"] = reps.n
    provenance["variants"] = reps.variants
    changes = None
    if variants is not None:
        base = variants[reps.baseline]
        changes = {
            name: [*scenario_changes(base, s), *(notes or {}).get(name, [])]
            for name, s in variants.items()
        }
    scenario = variants[reps.baseline] if variants is not None else None
    files = experiment_files(
        kind, reps, description, provenance, changes, scenario, lang, source_name
    )
    _write(out, files, force=force)
    return out


def _write(folder: Path, files: dict[str, bytes], *, force: bool) -> None:
    """Write a folder (``write_folder``), first removing the hidden staging folders an
    earlier writer of it left when it was killed while writing."""
    from sim.report import write_folder

    folder = folder.resolve()
    with _writers_of(folder.parent):
        for stale in _staging(folder):
            shutil.rmtree(stale, ignore_errors=True)
        write_folder(folder, files, force=force)


@contextlib.contextmanager
def _writers_of(parent: Path) -> Iterator[None]:
    """Held while writing into ``parent``: a staging folder found then is no one's."""
    try:
        import fcntl

        handle = os.open(parent, os.O_RDONLY)
    except (ImportError, OSError):  # no such folder yet (so nothing stale), or no flock
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _staging(folder: Path) -> list[Path]:
    """The hidden folders ``write_folder`` stages ``folder`` in (and retires the old one to)."""
    pattern = re.compile(rf"\.{re.escape(folder.name)}\.([a-z0-9_]{{8}}|old-\d+)")
    try:
        return [p for p in folder.parent.iterdir() if pattern.fullmatch(p.name) and p.is_dir()]
    except OSError:
        return []

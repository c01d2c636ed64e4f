"""The result of a compare, assess or sweep: the replications, what each variant is, and
the players' decisions measured against doctrine; written to a folder with its report."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis.replications import Replications
from sim.i18n import translator
from sim.scenario import Scenario, ScenarioFile

if TYPE_CHECKING:
    import pandas as pd

PLAYERS = "players"
"""The variant of a compare that replays a played session's decisions."""

DECISION_COLUMNS: dict[str, str] = {
    "at_min": "when the players took it, minutes from the scenario's start",
    "raised_at_min": "when the decision point arose, minutes from the start",
    "seat": "the seat that took it (a nation's code, or JCC)",
    "kind": "the kind of decision (ask, approve, ...) or the action",
    "subject": "what it was about (an incident's key, a place)",
    "choice": "the players' choice",
    "proposal": "doctrine's choice at that point (empty for an action)",
    "action": "whether it was taken unprompted (an action, named in kind), not at a point",
    "changed": "replications in which leaving it to doctrine changed anything",
    "replications": "replications it was measured over",
    **{
        f"{kpi}_{part}": f"{what} of the change the decision made to {kpi} (players − "
        "doctrine, paired; positive: worse for a wait, better for within_target)"
        for kpi in ("response_median_min", "within_target", "unserved")
        for part, what in (("mean", "mean"), ("ci_low", "95 % CI low"), ("ci_high", "95 % CI high"))
    },
}
"""Columns of ``Experiment.decisions()``: each decision of the players that departed from
doctrine, and what it changed."""


@dataclass
class Experiment(Replications):
    """The replications of a compare, assess or sweep, and what each variant is.

    Beside what ``Replications`` gives (``frame()``, ``ranking()``, ``estimate``,
    ``difference``, ``incidents``): ``decisions()`` (the players' decisions measured against
    doctrine, for a compare with a played session) and ``write(folder)``.
    """

    kind: str = "compare"
    """compare, assess or sweep."""
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    """Each variant's scenario, by name."""
    file: ScenarioFile | None = None
    """The base scenario's file (None for a scenario built in memory)."""
    debriefs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """For a variant replaying a played session in a compare: its decisions and their
    measured consequences (as a run's summary has them under ``players``)."""

    @classmethod
    def of(cls, reps: Replications, **details: Any) -> Experiment:
        """An experiment from its replications and details."""
        return cls(**({f.name: getattr(reps, f.name) for f in fields(Replications)} | details))

    def decisions(self, variant: str = PLAYERS) -> pd.DataFrame:
        """The played decisions that departed from doctrine, in the order taken, each with
        the change it made (``DECISION_COLUMNS``); empty when none departed.

        Raises:
            ValueError: the variant replays no played session (give ``played=`` to compare).
        """
        import pandas as pd

        if variant not in self.debriefs:
            raise ValueError(
                f"{variant!r} replays no played session: compare(..., played=load_played(...))"
            )
        rows = []
        for d in self.debriefs[variant]["decisions"]:
            row = {k: d[k] for k in list(DECISION_COLUMNS)[:10]}
            for kpi, effect in d["effect"].items():
                for part in ("mean", "ci_low", "ci_high"):
                    value = effect[part]
                    row[f"{kpi}_{part}"] = float("nan") if value is None else value
            rows.append(row)
        return pd.DataFrame(rows, columns=list(DECISION_COLUMNS))

    def weightiest(self, variant: str = PLAYERS, lang: str = "en") -> str | None:
        """The played decision that weighed most on the wait for help, in a sentence of a
        reader's language (None when no decision clearly changed it)."""
        from sim.report.decisions import weightiest_decision

        if variant not in self.debriefs:
            return None
        return weightiest_decision(
            self.debriefs[variant], self.scenarios[variant], translator(lang)
        )

    @property
    def description(self) -> str:
        """The experiment in a few words, as its report's heading."""
        from sim.report.experiment_report import describe

        return describe(self.kind, self.source_name)

    @property
    def source_name(self) -> str:
        """The base scenario's file name, or its name when built in memory."""
        if self.file is not None:
            return self.file.path.name
        return self.scenarios[self.baseline].scenario.name.en

    def default_folder(self) -> Path:
        """reports/<scenario>-<kind>-seed<seed>-n<n>-<tag of the variants and what-ifs>."""
        from sim.experiment.folders import experiment_folder

        path = self.file.path if self.file is not None else Path(self.source_name)
        overrides = self.file.overrides if self.file is not None else ()
        return experiment_folder(self.kind, path, self.seed, self.n, self.variants, overrides)

    def write(
        self,
        folder: str | Path | None = None,
        *,
        force: bool = False,
        command: Sequence[str] = (),
        notes: Mapping[str, list[str]] | None = None,
        lang: str = "en",
    ) -> Path:
        """Write the experiment's folder (report.html, summary.json, kpis.csv, figures,
        manifest) whole or not at all; returns it.

        Args:
            folder: where (default: ``default_folder()``, under reports/).
            force: replace a folder an earlier run wrote.
            command: the command line that made it, for the manifest.
            notes: more lines on what a variant is (the report lists them).
            lang: the language of the report and its figures: en, th, lo or km.

        Raises:
            OutputError: the folder exists and may not be replaced, or cannot be written.
        """
        from sim.experiment.folders import write_experiment

        out = Path(folder) if folder is not None else self.default_folder()
        lines = {name: list(extra) for name, extra in (notes or {}).items()}
        t = translator(lang)
        for name in self.debriefs:
            heaviest = self.weightiest(name, lang)
            if heaviest:
                lines[name] = [
                    *lines.get(name, []),
                    t("weighed most: %(decision)s", decision=heaviest),
                ]
        if self.file is not None:
            path, digest, overrides = self.file.path, self.file.sha256, self.file.overrides
        else:
            base = self.scenarios[self.baseline]
            path = Path(f"<{self.source_name}>")
            digest = hashlib.sha256(base.model_dump_json().encode("utf-8")).hexdigest()
            overrides = ()
        return write_experiment(
            self.kind,
            self,
            path,
            out,
            force=force,
            description=self.description,
            command=list(command),
            scenario_sha256=digest,
            overrides=overrides,
            variants=self.scenarios,
            notes=lines,
            lang=lang,
            source_name=self.source_name,
        )

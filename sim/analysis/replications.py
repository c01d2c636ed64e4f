"""Results of many replications of one or more variants: key figures, CIs, paired differences."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.incidents import COLUMNS, COMPONENTS, IncidentRow
from sim.analysis.kpis import UnknownKpi
from sim.analysis.stats import Estimate, mean_ci, paired_difference

if TYPE_CHECKING:
    import pandas as pd

INCIDENT_COLUMNS = (
    "variant",
    "replication",
    "incident",
    "place",
    "nation",
    "need",
    "people",
    "carried",
    "status",
    "occurred_at_min",
    "response_min",
    "waited_min",
    "within_target",
    *(f"{part}_min" for part in COMPONENTS),
)
"""The columns of ``Replications.incidents``: the variant and replication, then columns of
the incident record (``sim.analysis.incidents.COLUMNS`` says what each means)."""

_KEPT = [COLUMNS[name].value for name in INCIDENT_COLUMNS[2:]]


def kept_incident(variant: str, replication: int, row: IncidentRow) -> tuple[Any, ...]:
    """An incident of a replication as ``Replications.incidents`` keeps it: its values
    of ``INCIDENT_COLUMNS`` (a plain tuple, to keep many replications' incidents small)."""
    return (variant, replication, *(value(row) for value in _KEPT))


class KpiTable:
    """Key figures of many replications, stored compactly: one float array a replication.

    Names map to columns as they first appear; a replication lacking a figure (a nation
    with no incident in it) reads NaN there.
    """

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self.rows: list[np.ndarray] = []

    def add(self, kpis: dict[str, float]) -> None:
        for name in kpis:
            self.columns.setdefault(name, len(self.columns))
        row = np.full(len(self.columns), math.nan)
        for name, value in kpis.items():
            row[self.columns[name]] = value
        self.rows.append(row)

    def column(self, name: str) -> list[float]:
        index = self.columns.get(name)
        if index is None:
            return [math.nan] * len(self.rows)
        return [float(row[index]) if index < row.size else math.nan for row in self.rows]


RANKING_COLUMNS = {
    "variant": "the variant's name",
    "mean": "mean paired difference variant − baseline over the replications (the key "
    "figure's unit: minutes for *_min, a share, or a count)",
    "ci_low": "lower bound of its 95 % confidence interval",
    "ci_high": "upper bound of its 95 % confidence interval",
    "n": "replications",
    "clear": "whether the interval excludes zero (a clear effect)",
    "identical": "whether every replication gave exactly the baseline's key figures",
}
"""The columns of ``Replications.ranking``, beside one column per swept parameter."""


@dataclass
class Replications:
    """The results of one or more variants over the same replications (the first variant
    is the baseline); key figures are named in ``sim.analysis.kpis.KPIS``.

    ``frame()`` (or ``kpis``) has one row per variant and replication (key figures as
    columns); ``incidents`` one row per variant, replication and incident (when kept).
    ``parameters``: for a sweep, each variant's value of each swept field.
    """

    seed: int
    n: int
    variants: list[str]
    tables: dict[str, KpiTable]
    incident_rows: list[tuple[Any, ...]] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        return self.variants[0]

    def values(self, kpi: str, variant: str | None = None) -> list[float]:
        """One key figure of every replication of a variant (the baseline by default).

        Raises:
            UnknownKpi: no such key figure in these results (the message lists them).
            ValueError: no such variant.
        """
        name = self.baseline if variant is None else variant
        if name not in self.tables:
            raise ValueError(f"no variant {name!r}: the variants are {', '.join(self.variants)}")
        known = self.kpi_names()
        if kpi not in known:
            raise UnknownKpi(kpi, known)
        return self.tables[name].column(kpi)

    def estimate(self, kpi: str, variant: str | None = None) -> Estimate:
        """Mean of a key figure across replications, with its 95 % confidence interval.

        Every key figure is a time, count or share, never negative: its interval is a
        bootstrap one, within the values the replications took (never a negative wait).
        """
        return mean_ci(self.values(kpi, variant), bounded=True)

    def difference(self, kpi: str, variant: str) -> Estimate:
        """Paired difference variant − baseline of a key figure, with its 95 % CI."""
        return paired_difference(self.values(kpi, variant), self.values(kpi))

    def identical(self, variant: str) -> bool:
        """Whether a variant gave exactly the baseline's key figures in every replication."""
        return all(
            np.array_equal(a, b, equal_nan=True)
            for a, b in zip(self.tables[variant].rows, self.tables[self.baseline].rows, strict=True)
        )

    def place_waits(self, variant: str) -> dict[str, float]:
        """Mean wait for help at each place over a variant's kept incidents (empty unless
        incidents were kept); see ``sim.analysis.kpis`` for the wait."""
        place = INCIDENT_COLUMNS.index("place")
        waited = INCIDENT_COLUMNS.index("waited_min")
        values: dict[str, list[float]] = {}
        for row in self.incident_rows:
            if row[0] == variant and not math.isnan(row[waited]):
                values.setdefault(row[place], []).append(row[waited])
        return {p: float(np.mean(v)) for p, v in values.items()}

    def kpi_names(self) -> list[str]:
        """The key figures these results have, in the order they first appeared."""
        names: dict[str, None] = {}
        for table in self.tables.values():
            names.update(dict.fromkeys(table.columns))
        return list(names)

    def summary(self) -> dict[str, Any]:
        """Every key figure of every variant (mean and CI), and differences to the baseline."""
        names = self.kpi_names()
        return {
            "seed": self.seed,
            "replications": self.n,
            "baseline": self.baseline,
            "variants": {
                v: {k: self.estimate(k, v).as_dict() for k in names} for v in self.variants
            },
            "differences": {
                v: {k: self.difference(k, v).as_dict() for k in names} for v in self.variants[1:]
            },
        }

    def frame(self) -> pd.DataFrame:
        """One row per variant and replication: ``variant``, one column per swept parameter
        (a sweep's), ``replication`` (0 to n − 1), then every key figure
        (``sim.analysis.kpis.KPIS``)."""
        import pandas as pd

        names = self.kpi_names()
        swept = self._swept()
        frames = [
            pd.DataFrame(
                {
                    "variant": v,
                    **{p: self.parameters[v][p] for p in swept},
                    "replication": range(self.n),
                    **{k: self.tables[v].column(k) for k in names},
                }
            )
            for v in self.variants
        ]
        return pd.concat(frames, ignore_index=True)

    @property
    def kpis(self) -> pd.DataFrame:
        """The same as ``frame()``."""
        return self.frame()

    def ranking(self, kpi: str = "response_median_min") -> pd.DataFrame:
        """The variants other than the baseline, the largest saving first: the paired
        difference of ``kpi`` to the baseline with its 95 % CI (``RANKING_COLUMNS``, and a
        sweep's parameters). Lower is better for every headline figure but
        ``within_target``; for that one, read the order from the bottom.

        Raises:
            UnknownKpi: no such key figure in these results.
        """
        import pandas as pd

        self.values(kpi)  # refuse an unknown name before anything else
        swept = self._swept()
        rows = []
        for v in self.variants[1:]:
            change = self.difference(kpi, v)
            rows.append(
                {
                    "variant": v,
                    **{p: self.parameters[v][p] for p in swept},
                    "mean": change.mean,
                    "ci_low": change.ci_low,
                    "ci_high": change.ci_high,
                    "n": change.n,
                    "clear": not change.spans_zero,
                    "identical": self.identical(v),
                }
            )
        columns = ["variant", *swept, *list(RANKING_COLUMNS)[1:]]
        table = pd.DataFrame(rows, columns=columns)
        return table.sort_values("mean", kind="stable", na_position="last").reset_index(drop=True)

    def _swept(self) -> list[str]:
        return list(self.parameters.get(self.baseline, {}))

    @property
    def incidents(self) -> pd.DataFrame:
        """One row per variant, replication and incident (empty unless incidents were kept),
        with the columns ``INCIDENT_COLUMNS``: ``variant``, ``replication``, then some of
        the incident record's (``sim.analysis.incidents.COLUMNS`` says what each means)."""
        import pandas as pd

        return pd.DataFrame(self.incident_rows, columns=list(INCIDENT_COLUMNS))

"""Results of many replications of one or more variants: key figures, CIs, paired differences."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.analysis.incidents import COMPONENTS
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
    "occurred_min",
    "response_min",
    "within_target",
    *(f"{part}_min" for part in COMPONENTS),
)


@dataclass
class Replications:
    """The results of one or more variants over the same replications.

    ``kpis`` has one row per variant and replication (key figures as columns);
    ``incidents`` one row per variant, replication and incident (when kept).
    """

    seed: int
    n: int
    variants: list[str]
    records: dict[str, list[dict[str, float]]]
    incident_rows: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def baseline(self) -> str:
        return self.variants[0]

    def values(self, kpi: str, variant: str | None = None) -> list[float]:
        """One key figure of every replication of a variant (the baseline by default)."""
        return [r.get(kpi, math.nan) for r in self.records[variant or self.baseline]]

    def estimate(self, kpi: str, variant: str | None = None) -> Estimate:
        """Mean of a key figure across replications, with its 95 % confidence interval."""
        return mean_ci(self.values(kpi, variant))

    def difference(self, kpi: str, variant: str) -> Estimate:
        """Paired difference variant − baseline of a key figure, with its 95 % CI."""
        return paired_difference(self.values(kpi, variant), self.values(kpi))

    def kpi_names(self) -> list[str]:
        names: dict[str, None] = {}
        for records in self.records.values():
            for record in records:
                names.update(dict.fromkeys(record))
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

    @property
    def kpis(self) -> pd.DataFrame:
        """One row per variant and replication, key figures as columns."""
        import pandas as pd

        rows = [
            {"variant": v, "replication": r, **record}
            for v in self.variants
            for r, record in enumerate(self.records[v])
        ]
        return pd.DataFrame(rows)

    @property
    def incidents(self) -> pd.DataFrame:
        """One row per variant, replication and incident (empty unless incidents were kept)."""
        import pandas as pd

        return pd.DataFrame(self.incident_rows, columns=list(INCIDENT_COLUMNS))

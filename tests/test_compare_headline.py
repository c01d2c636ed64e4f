"""compare ranks and headlines on the key figure where the effect is clear."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sim.report.experiment_report import HEADLINE, headline_kpi


def _d(mean: float, low: float, high: float) -> dict[str, Any]:
    return {"mean": mean, "ci_low": low, "ci_high": high, "n": 40}


def test_the_90th_percentile_heads_when_only_it_shows_a_clear_effect() -> None:
    differences = {
        "preauthorised": {
            "response_median_min": _d(-3.0, -10.0, 4.0),
            "response_p90_min": _d(-50.0, -80.0, -20.0),
        },
        "open_24h": {
            "response_median_min": _d(-1.0, -6.0, 4.0),
            "response_p90_min": _d(-102.0, -150.0, -55.0),
        },
    }
    assert headline_kpi(differences) == "response_p90_min"


def test_the_median_heads_on_a_tie_and_when_nothing_is_clear() -> None:
    unclear = {"response_median_min": _d(1.0, -2.0, 4.0), "response_p90_min": _d(2, -1, 5)}
    assert headline_kpi({"a": unclear}) == "response_median_min"
    both = {"response_median_min": _d(-9, -12, -6), "response_p90_min": _d(-20, -30, -10)}
    assert headline_kpi({"a": both}) == "response_median_min"
    assert headline_kpi({}) == "response_median_min"


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=5),
        st.tuples(*(st.tuples(st.floats(-100, 100), st.floats(0, 50)) for _ in HEADLINE)),
        max_size=6,
    )
)
def test_the_headline_has_at_least_as_many_clear_effects_as_any_other(
    raw: dict[str, tuple[tuple[float, float], ...]],
) -> None:
    differences = {
        v: {k: _d(m, m - w, m + w) for k, (m, w) in zip(HEADLINE, pairs, strict=True)}
        for v, pairs in raw.items()
    }

    def clear(kpi: str) -> int:
        return sum(not (d[kpi]["ci_low"] <= 0 <= d[kpi]["ci_high"]) for d in differences.values())

    chosen = headline_kpi(differences)
    assert all(clear(chosen) >= clear(k) for k in HEADLINE)

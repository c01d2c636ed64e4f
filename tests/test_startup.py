"""The everyday commands start at once: importing the CLI pulls in no heavy library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"
HEAVY = (
    "matplotlib",
    "pandas",
    "dask",
    "distributed",
    "tqdm",
    "jinja2",
    "simpy",
    "networkx",
    "babel",
)


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return {name.split(".")[0] for name in out.split()} | set(out.split())


@pytest.mark.parametrize("statement", ["import sim.cli", "import sim"])
def test_importing_the_cli_or_the_package_pulls_in_no_heavy_library(statement: str) -> None:
    loaded = _imported_after(statement)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert not {"sim.experiment", "sim.report", "sim.model", "sim.analysis"} & loaded


def test_the_package_names_still_resolve_on_use() -> None:
    import sim

    assert sim.load_scenario.__name__ == "load_scenario"
    assert sim.replicate.__module__ == "sim.experiment.replications"
    assert set(sim.__all__) <= set(dir(sim))
    with pytest.raises(AttributeError):
        _ = sim.no_such_name  # type: ignore[attr-defined]


def test_validate_needs_no_plotting_or_tables() -> None:
    """Validating a scenario loads the model format and the road graph, nothing more."""
    loaded = _imported_after(
        "from click.testing import CliRunner; from sim.cli import main; "
        f"CliRunner().invoke(main, ['validate', {str(DEFAULT)!r}])"
    )
    assert not loaded & {"matplotlib", "pandas", "dask", "jinja2", "simpy"}

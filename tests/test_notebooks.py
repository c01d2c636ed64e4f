"""Every notebook runs from top to bottom against the current API, with nbclient (in the
dev extras), in a fresh kernel: no error, nothing on stderr (no stray warning), and what
each one is for is in its output."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"

EXPECTED = {
    "what_if.ipynb": ["Estimate(mean=", "pre-authorised", "joint_centre"],
    "sweep.ipynb": ["image/png", "coordination.mutual_assistance.approval"],
    "players_against_doctrine.ipynb": ["departing from doctrine", "players", "fell back"],
    "dask.ipynb": ["identical to in-process: True"],
}
"""Each notebook, and what its outputs must show."""


def test_every_notebook_is_run() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs(name: str) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": NOTEBOOKS}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o.text for o in outputs if o.get("name") == "stderr"]
    shown = " ".join(str(o) for o in outputs)
    for expected in EXPECTED[name]:
        assert expected in shown, f"{name}: {expected!r} not in its output"

"""The SimPy model: incidents, EOC dispatch, units, border crossings, injects.

``Simulation`` and ``simulate`` are imported on first use, so that a module of the model
(an entity, the channels) can be imported alone, before the simulation that wires the
decisions (``sim.decisions``) to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model.simulation import Simulation, simulate

__all__ = ["Simulation", "simulate"]


def __getattr__(name: str) -> Any:
    """``Simulation`` and ``simulate`` from ``sim.model.simulation`` (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module 'sim.model' has no attribute {name!r}")
    from sim.model import simulation

    return getattr(simulation, name)

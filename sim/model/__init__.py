"""The SimPy model: incidents, EOC dispatch, units, border crossings, injects."""

from sim.model.simulation import Simulation, simulate

__all__ = ["Simulation", "simulate"]

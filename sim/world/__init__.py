"""The world the response moves through: geography, routing with closures, the clock."""

from sim.world.clock import Clock
from sim.world.geography import CrossingLeg, Geography, RoadLeg, Route, great_circle_km

__all__ = ["Clock", "CrossingLeg", "Geography", "RoadLeg", "Route", "great_circle_km"]

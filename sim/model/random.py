"""Random numbers: one independent stream per source of randomness, drawn in batches.

Stream ``source`` of replication ``r`` of seed ``s`` is seeded by
``SeedSequence(s, spawn_key=(r, crc32(source)))``: what a replication draws does not depend
on how many replications or workers there are, and two variants of a scenario see the
same floods and incidents (common random numbers) because each source has its own stream.
"""

from __future__ import annotations

import zlib

import numpy as np

SOURCES = (
    "hazard",
    "flood",
    "fire",
    "detection",
    "reporting",
    "comms",
    "language",
    "approval",
    "sharing",
    "authorities",
    "readiness",
    "border",
    "integration",
    "work",
)
"""hazard: background incidents; flood: flood waves; fire: ignitions and spread; detection
and reporting: an incident's own path to its EOC; comms: message latency and loss; language:
interpretation; approval: case-by-case approval and refusal; sharing: detection by the other
side's border units; authorities: evacuation-order decisions; readiness: mobilisation;
border: crossing processing; integration: a foreign unit's briefing; work: trips. A
mechanism draws only from its own stream, so switching it on or off leaves every other draw
as it was (common random numbers)."""


class RandomStream:
    """Standard variates from one numpy Generator, drawn a batch at a time."""

    BATCH = 256

    def __init__(self, seed: int, replication: int, source: str) -> None:
        sequence = np.random.SeedSequence(
            seed, spawn_key=(replication, zlib.crc32(source.encode()))
        )
        self.rng = np.random.Generator(np.random.PCG64(sequence))
        self._u: list[float] = []
        self._z: list[float] = []
        self._e: list[float] = []

    def uniform(self) -> float:
        """A draw from U(0, 1)."""
        if not self._u:
            self._u = self.rng.random(self.BATCH).tolist()[::-1]
        return self._u.pop()

    def normal(self) -> float:
        """A draw from N(0, 1)."""
        if not self._z:
            self._z = self.rng.standard_normal(self.BATCH).tolist()[::-1]
        return self._z.pop()

    def exponential(self) -> float:
        """A draw from Exp(1)."""
        if not self._e:
            self._e = self.rng.standard_exponential(self.BATCH).tolist()[::-1]
        return self._e.pop()


def streams(seed: int, replication: int) -> dict[str, RandomStream]:
    """The streams of one replication, by source."""
    return {source: RandomStream(seed, replication, source) for source in SOURCES}

"""Random numbers: independent streams per source of randomness and, within it, per entity.

Run-wide sources (``hazard``, ``flood``, ``fire``) have one stream each, seeded by
``SeedSequence(seed, spawn_key=(replication, crc32(source)))`` and drawn in batches. Every
other draw belongs to one entity (this message, this incident, this unit's task) and
comes from a counter-based stream keyed by seed, replication, source and entity: its n-th
uniform is the BLAKE2b hash of the key and n, so it does not depend on what other
mechanisms drew before it: switching one mechanism on or off leaves every other draw as it
was (common random numbers), and what a replication draws does not depend on how many
replications or workers there are. Such a stream costs a few microseconds to make (a
numpy generator costs some hundred), and entities draw only a few numbers each.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from statistics import NormalDist

import numpy as np

RUN_SOURCES = ("hazard", "flood", "fire")
"""hazard: background incidents; flood: flood waves; fire: ignitions and spread."""

ENTITY_SOURCES = (
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
"""detection and reporting: an incident's own path to its EOC; comms: a message's latency
and loss; language: its interpretation; approval: a request's case-by-case approval and
refusal; sharing: detection by the other side's border units; authorities: a village's
evacuation order; readiness: a unit's mobilisation for a task; border: a unit's processing
at a crossing; integration: a foreign unit's briefing; work: a unit's trips at an incident."""

SOURCES = RUN_SOURCES + ENTITY_SOURCES


class RandomStream:
    """Standard variates from one numpy Generator, drawn a batch at a time."""

    def __init__(self, rng: np.random.Generator, batch: int = 256) -> None:
        self.rng = rng
        self.batch = batch
        self._u: list[float] = []
        self._z: list[float] = []
        self._e: list[float] = []

    def uniform(self) -> float:
        """A draw from U(0, 1)."""
        if not self._u:
            self._u = self.rng.random(self.batch).tolist()[::-1]
        return self._u.pop()

    def normal(self) -> float:
        """A draw from N(0, 1)."""
        if not self._z:
            self._z = self.rng.standard_normal(self.batch).tolist()[::-1]
        return self._z.pop()

    def exponential(self) -> float:
        """A draw from Exp(1)."""
        if not self._e:
            self._e = self.rng.standard_exponential(self.batch).tolist()[::-1]
        return self._e.pop()


class EntityStream:
    """Standard variates of one entity: the n-th uniform is a hash of its key and n."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.drawn = 0

    def uniform(self) -> float:
        """A draw from U(0, 1), never 0."""
        self.drawn += 1
        digest = hashlib.blake2b(b"%d" % self.drawn, digest_size=8, key=self.key).digest()
        return ((int.from_bytes(digest, "little") >> 11) + 0.5) * _TWO_TO_MINUS_53

    def normal(self) -> float:
        """A draw from N(0, 1) (by inversion)."""
        return _STANDARD_NORMAL.inv_cdf(self.uniform())

    def exponential(self) -> float:
        """A draw from Exp(1) (by inversion)."""
        return -math.log(self.uniform())


_TWO_TO_MINUS_53 = 2.0**-53
_STANDARD_NORMAL = NormalDist()


class Streams:
    """The random streams of one replication."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed, self.replication = seed, replication
        self._run = {
            source: RandomStream(
                np.random.Generator(
                    np.random.PCG64(
                        np.random.SeedSequence(
                            seed, spawn_key=(replication, zlib.crc32(source.encode()))
                        )
                    )
                )
            )
            for source in RUN_SOURCES
        }
        self._entities: dict[tuple[str, str], EntityStream] = {}

    def __getitem__(self, source: str) -> RandomStream:
        """The run-wide stream of a hazard source."""
        return self._run[source]

    def of(self, source: str, entity: str) -> EntityStream:
        """The stream of one entity (a message, an incident, a unit's task) for a source."""
        key = (source, entity)
        stream = self._entities.get(key)
        if stream is None:
            stream = self._entities[key] = self.afresh(source, entity)
        return stream

    def afresh(self, source: str, entity: str) -> EntityStream:
        """The stream of one entity for a source from its first draw, not kept (for a
        draw its caller keeps: the same every time)."""
        assert source in ENTITY_SOURCES, source
        return EntityStream(
            hashlib.blake2b(
                f"{self.seed}/{self.replication}/{source}/{entity}".encode(), digest_size=32
            ).digest()
        )


def streams(seed: int, replication: int) -> Streams:
    """The streams of one replication."""
    return Streams(seed, replication)

"""Messages between EOCs and the joint centre: channels, losses, outages, interpreters.

A message is sent on the channel between two parties (a dedicated link when channels are
in force, else the default diplomatic route); it takes the channel's latency, is lost
with 1 − reliability and then resent after ``resend_after``; while the channel is down
it waits. Between two working languages it then waits for an interpreter at the
receiving EOC, unless a common working language was trained. Every step is logged.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim import log
from sim.model.entities import Incident
from sim.scenario.schema import Channel

if TYPE_CHECKING:
    from sim.model.dispatch import Eoc
    from sim.model.simulation import Simulation

JOINT_CENTRE = "JCC"


class Comms:
    """The channels of one run and their outages."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        channels = sim.scenario.coordination.channels
        self.default = channels.default
        self.links: dict[frozenset[str], Channel] = (
            {frozenset(link.between): link for link in channels.links} if channels.enabled else {}
        )
        self.down: dict[frozenset[str], simpy.Event] = {}
        self.down_until: dict[frozenset[str], float] = {}
        self.languages = {n.code: n.language for n in sim.scenario.nations}
        self.common_language = sim.scenario.coordination.language.enabled
        self.sent: dict[str, int] = {}
        self.heard: dict[str, dict[int, None]] = {}
        """Nation -> the incidents its EOC heard of from a neighbour's request or passed
        across as its own border units' report, in the order it did."""
        """Messages sent so far by name (purpose, parties, subject)."""

    def channel(self, a: str, b: str) -> Channel:
        """The channel two parties use."""
        return self.links.get(frozenset((a, b)), self.default)

    def outage(self, a: str, b: str, duration_min: float) -> None:
        """Take the channel between two parties down; military comms may restore it early.

        Overlapping outages keep it down until the latest of them ends.
        """
        military = self.sim.scenario.coordination.military_comms
        env, pair, subject = self.sim.env, frozenset((a, b)), f"{a}-{b}"
        restored_by = (
            "military comms" if military.enabled and military.restore < duration_min else ""
        )
        until = env.now + (military.restore if restored_by else duration_min)
        self.sim.record((env.now, log.CHANNEL_DOWN, -1, "", subject))
        if pair not in self.down:
            self.down[pair] = env.event()
        self.down_until[pair] = max(self.down_until.get(pair, 0.0), until)

        def restore() -> None:
            if pair in self.down and env.now >= self.down_until[pair]:
                self.sim.record(
                    (env.now, log.CHANNEL_RESTORED, -1, "", f"{subject} {restored_by}".strip())
                )
                self.down.pop(pair).succeed()

        self.sim.later(until - env.now, restore)

    def send(
        self, sender: str, receiver: str, eoc: Eoc | None, purpose: str, about: Incident | str
    ) -> Generator[Any, Any, None]:
        """Carry one message until it is read at the receiver (a SimPy process body).

        ``about`` is the incident, or what else the message concerns (a warning's places);
        the message's random draws are its own, keyed by what it is.
        """
        sim = self.sim
        env, record = sim.env, sim.record
        incident = about.id if isinstance(about, Incident) else -1
        subject = about.key if isinstance(about, Incident) else about
        channel = self.channel(sender, receiver)
        pair = frozenset((sender, receiver))
        tag = f"{purpose} {sender}>{receiver} {channel.kind}"
        name = f"{purpose}/{sender}>{receiver}/{subject}"
        self.sent[name] = self.sent.get(name, 0) + 1
        name += f"/{self.sent[name]}"
        stream = sim.random.of("comms", name)
        record((env.now, log.MESSAGE_SENT, incident, "", tag))
        if purpose == "report" and incident >= 0:
            self.heard.setdefault(sender, {})[incident] = None
        while True:
            while pair in self.down:
                yield self.down[pair]
            yield env.timeout(channel.latency.draw(stream))
            if stream.uniform() < channel.reliability:
                break
            record((env.now, log.MESSAGE_LOST, incident, "", tag))
            yield env.timeout(channel.resend_after)
        if eoc is not None and self.needs_interpreter(sender, receiver):
            with eoc.interpreters.request() as interpreter:
                yield interpreter
                language = sim.scenario.coordination.language
                yield env.timeout(language.translation.draw(sim.random.of("language", name)))
            record((env.now, log.MESSAGE_INTERPRETED, incident, "", tag))
        record((env.now, log.MESSAGE_DELIVERED, incident, "", tag))
        if purpose == "request" and incident >= 0:
            self.heard.setdefault(receiver, {})[incident] = None

    def needs_interpreter(self, sender: str, receiver: str) -> bool:
        """Whether a message between these parties crosses working languages."""
        if self.common_language or JOINT_CENTRE in (sender, receiver):
            return False
        return self.languages[sender] != self.languages[receiver]

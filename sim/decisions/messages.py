"""Messages the seats write to each other in play, carried over the scenario's modelled
channels: the channel between the two (its latency, losses and resends, outages), then an
interpreter at the receiving EOC between two working languages (``sim.model.comms``).

A message is a command of the session (``message``: the sender's seat, ``to``, ``text``)
and a process of the simulation: its random draws are its own (keyed by its number), so
it changes nothing else's, and a replay carries it again the same way. The receiving seat
sees it once it is delivered.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sim.decisions.commands import MAX_SAID, Refused, SeatMessage, refusal
from sim.i18n import N_

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

PURPOSE = "message"
"""How a seat's message is logged among the model's messages (``message_sent`` ...)."""
MAX_MESSAGE = MAX_SAID
"""Characters a message may hold."""


@dataclass
class Message:
    """A message between two seats, and what became of it."""

    number: int
    at: float
    sender: str
    receiver: str
    text: str
    channel: str
    """The kind of channel it travels by (phone, diplomatic note, ...)."""
    interpreted: bool
    """It crosses working languages: an interpreter at the receiving EOC reads it."""
    delivered_at: float | None = None


def carry(sim: Simulation, message: Message) -> Generator[Any, Any, None]:
    """Carry a message to its receiver (a SimPy process body); note when it arrives."""
    eoc = next((e for e in sim.eocs if e.nation == message.receiver), None)
    yield from sim.comms.send(
        message.sender, message.receiver, eoc, PURPOSE, f"seat-message-{message.number}"
    )
    message.delivered_at = sim.env.now


def send(
    sim: Simulation, seats: Sequence[str], sent: list[Message], command: SeatMessage
) -> SeatMessage:
    """Send a seat's message (``sent`` holds the messages so far); what the session records.

    Raises:
        Refused: the sender or receiver is not a seat, or the text is empty or too long.
    """
    sender, receiver, text = command.seat, command.to, command.text.strip()
    refused = refusal(sender, command, seats)
    if refused is not None:
        raise refused
    if receiver not in seats or receiver == sender:
        others = ", ".join(s for s in seats if s != sender)
        raise Refused(
            N_("send the message to another seat of the exercise (%(others)s)"), others=others
        )
    if not text:
        raise Refused(N_("write the message first"))
    if len(text) > MAX_MESSAGE:
        raise Refused(
            N_("the message is %(length)s characters long; keep it to %(most)s"),
            length=len(text),
            most=MAX_MESSAGE,
        )
    message = Message(
        len(sent) + 1,
        float(sim.env.now),
        sender,
        receiver,
        text,
        sim.comms.channel(sender, receiver).kind,
        sim.comms.needs_interpreter(sender, receiver),
    )
    sent.append(message)
    sim.env.process(carry(sim, message))
    return replace(command, text=text)


def message_problems(command: SeatMessage, seats: Sequence[str]) -> list[str]:
    """What is wrong with a ``message`` line of a session file (nothing: [])."""
    problems = []
    if command.seat not in seats:
        problems.append(f"'seat' must be one of the session's seats ({', '.join(seats)})")
    if command.to not in seats or command.to == command.seat:
        problems.append("'to' must be another of the session's seats")
    return problems

"""A played session taken again: exactly in the replication it was played in, and at the
same scenario times in every other replication.

The played replication (the session's seed, replication 0) is rebuilt from the session's
commands: it is the exercise, event for event. In any other replication the seats in
play answer as they did, when they did. A point raised for such a seat waits for the
players' recorded answer to a point of the same lineage (the same decider, kind, subject
and question, in the order they were met; an incident is named by its ``ref``, which is
the same in every replication) until the scenario time it was given (a choice that was
doctrine's proposal is taken as doctrine's proposal there); a point overtaken meanwhile
passes the wait on to the point that replaced it, and an answer whose point was closed
stays for the next point of its lineage, which takes it when it arises. A point the
players never met is doctrine's, as in play when the clock moves over it: once its
instant has settled and the seats have given what they gave at that instant. Unprompted
actions are taken again at their times. A recorded choice that is no longer an option, a
recorded answer no point of its lineage took, and an action that can no longer be taken
fall back to doctrine, and are counted.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, replace
from pathlib import Path

import simpy

from sim import log
from sim.decisions import actions
from sim.decisions import points as d
from sim.decisions.commands import Command, Hotwash, Note, SeatMessage
from sim.decisions.exercise import Exercise, Taken
from sim.decisions.lifecycle import Settled
from sim.decisions.messages import Message, send
from sim.decisions.players import seat_of
from sim.decisions.session import Session, SessionError, read_session, rebuild
from sim.model.simulation import Simulation
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class PlayedSession:
    """What a replay needs of a session: its seed and seats, the commands in force (rewinds
    applied), and what the seats took, with incidents named by their ``ref``."""

    scenario: Scenario
    """The scenario it was played on."""
    seed: int
    seats: tuple[str, ...]
    commands: tuple[Command, ...]
    taken: tuple[Taken, ...]
    ended_at: float
    """The scenario time the session reached: doctrine plays on from there."""
    said: tuple[Note | Hotwash, ...] = ()
    """What the room said beside the play: observers' notes and the hot wash
    (``sim.decisions.discussion``)."""

    @property
    def by_players(self) -> list[int]:
        """Indices of what the players decided or did themselves (not left to lapse)."""
        return [i for i, t in enumerate(self.taken) if t.by_players]

    @property
    def departures(self) -> list[int]:
        """Indices of what the players did otherwise than doctrine would have: another
        choice, or an action (``Taken.departs``)."""
        return [i for i, t in enumerate(self.taken) if t.departs]


def played_session(scenario: Scenario, session: Session) -> PlayedSession:
    """Rebuild a session's exercise and read what its seats took, for replays.

    Raises:
        SessionError: a command no longer applies on this scenario (its line named).
    """
    return replace(played(rebuild(scenario, session)), said=tuple(session.said))


def played(exercise: Exercise) -> PlayedSession:
    """What the seats of an exercise have taken so far, for replays."""
    ref = exercise.sim.ref_of
    return PlayedSession(
        exercise.scenario,
        exercise.seed,
        exercise.seats,
        tuple(exercise.commands),
        tuple(t._replace(subject=ref(t.subject)) for t in exercise.taken),
        exercise.now,
    )


def replay_run(
    scenario: Scenario,
    played: PlayedSession,
    seed: int,
    replication: int,
    without: int | None = None,
    *,
    rebuild: bool = True,
) -> tuple[log.RunLog, int]:
    """One replication with the players' decisions: its log, and how many of them did not
    apply there (fell back to doctrine). The played replication, on the scenario it was
    played on, is the exercise itself.

    ``without``: the index of one of ``played.taken`` left to doctrine instead (doctrine's
    choice, at the time the players gave theirs; an action not taken), to measure what it
    did.
    ``rebuild``: False replays the played replication like any other (``SessionReplay``),
    so that it compares like with like against a replay ``without`` a decision.
    """
    played_here = (without, seed, replication) == (None, played.seed, 0)
    if rebuild and played_here and scenario == played.scenario:
        return Exercise(scenario, seed, played.seats, played.commands).finish(), 0
    policy = SessionReplay(played, without)
    sim = Simulation(scenario, seed, replication, policy)
    policy.start(sim)
    run = sim.run()
    return run, policy.not_applied(run)


class SessionReplay:
    """The policy of a replayed session (see the module docstring).

    The seats' answers and actions are given in the order they were taken, each at its
    scenario time once that instant has settled (as in play, where the clock stops on a
    settled instant before the seats act).
    """

    def __init__(self, played: PlayedSession, without: int | None = None) -> None:
        self.played = played
        self.seats = frozenset(played.seats)
        self.without = without
        self.missed = 0
        """Actions that could not be taken."""
        self._queues: dict[tuple[str, str, str, str], deque[tuple[int, Taken]]] = {}
        for index, t in enumerate(played.taken):
            if not t.action:
                lineage = (t.decider, t.kind, t.subject, t.question)
                self._queues.setdefault(lineage, deque()).append((index, t))
        self._waiting: dict[int, tuple[int, simpy.Event, d.Choice]] = {}
        """Points raised and waiting for the seats' answer, by the index of that answer:
        the point's id, its event and the answer."""
        self._next = 0
        """The index of the next answer or action the seats give."""
        self._unmet: list[simpy.Event] = []
        """Points the players never met, raised at this instant: they lapse together."""
        self._left = False
        """Whether the players have left (the points open when the session ended have
        lapsed): doctrine takes every point at once from then on."""
        self._sim: Simulation | None = None

    def start(self, sim: Simulation) -> None:
        """Bind to the replication's simulation and start the seats' side of it."""
        self._sim = sim
        sim.env.process(self._seats(sim.env))
        sim.env.process(self._messages(sim))

    def _messages(self, sim: Simulation) -> Generator[simpy.Event, None, None]:
        """The seats' messages to each other, sent again at their times (they take the
        channels and the interpreters as in play)."""
        env, sent = sim.env, list[Message]()
        for c in self.played.commands:
            if isinstance(c, SeatMessage):
                if c.at > env.now:
                    yield env.timeout(c.at - env.now)
                send(sim, self.played.seats, sent, c)

    def _seats(self, env: simpy.Environment) -> Generator[simpy.Event, None, None]:
        before: Taken | None = None
        for index, t in enumerate(self.played.taken):
            if t.at > env.now:
                yield env.timeout(t.at - env.now)
            if not (self._with_before(index, t, before)):
                yield Settled(env)  # let the instant settle first
            before = t
            self._next = index + 1
            if t.action:
                if index != self.without:
                    self._act(t)
                continue
            # the open point waiting for it takes it; else it stays queued for the next
            # point of its lineage to arise, which takes it at once
            waiting = self._waiting.pop(index, None)
            assert self._sim is not None
            if waiting is not None and waiting[0] in self._sim.points.open:
                queue = self._queues[(t.decider, t.kind, t.subject, t.question)]
                queue.popleft()
                waiting[1].succeed(waiting[2])

    def _with_before(self, index: int, t: Taken, before: Taken | None) -> bool:
        """Whether a lapse goes with the one before it, as in play, where every point open
        when the clock moves lapses at once: its point is open already."""
        if not (before is not None and _lapsed(before) and _lapsed(t) and before.at == t.at):
            return False
        waiting = self._waiting.get(index)
        assert self._sim is not None
        return waiting is not None and waiting[0] in self._sim.points.open

    def _act(self, t: Taken) -> None:
        sim = self._sim
        assert sim is not None
        incident = None if t.kind == d.EVACUATE else sim.incidents_by_ref.get(t.subject)
        try:
            actions.act(sim, t.seat, t.kind, incident, t.choice)
        except actions.ActionRefused:
            self.missed += 1

    def decide(self, point: d.DecisionPoint) -> d.Choice | simpy.Event:
        sim = self._sim
        assert sim is not None, "start() binds the replay to its simulation"
        now = sim.env.now
        if seat_of(point.seat) not in self.seats or now > self.played.ended_at or self._left:
            return point.proposal
        lineage = (point.seat, point.kind, sim.ref_of(point.subject), point.question)
        queue = self._queues.get(lineage)
        doctrine = d.Choice(d.LEFT_TO_DOCTRINE, d.LAPSED)
        event = sim.env.event()
        if queue:
            index, t = queue[0]
            answer = doctrine
            if t.by_players and index != self.without:  # agreeing with doctrine is taken
                agreed = t.choice == t.proposal  # again as agreeing with it
                answer = d.Choice(d.LEFT_TO_DOCTRINE if agreed else t.choice, d.REPLAYED)
            if index < self._next:  # the seats answered it before it arose here
                queue.popleft()
                event.succeed(answer)
                return event
            held = self._waiting.get(index)
            if held is None or held[0] not in sim.points.open:  # else another point of its
                self._waiting[index] = (point.id, event, answer)  # lineage, open, has it
                return event
        # a point the players never met: doctrine's once its instant has settled, with
        # every other such point open then (as in play, where they lapse together)
        if not self._unmet:
            Settled(sim.env).callbacks.append(self._lapse_unmet)
        self._unmet.append(event)
        return event

    def _lapse_unmet(self, _: object) -> None:
        assert self._sim is not None
        env, taken = self._sim.env, self.played.taken
        if self._next < len(taken) and taken[self._next].at == env.now:
            # the seats answer more at this instant: as in play, where what they leave
            # open lapses when the clock moves on, after them
            Settled(env).callbacks.append(self._lapse_unmet)
            return
        self._left = self._sim.env.now >= self.played.ended_at  # as the players leave
        unmet, self._unmet = self._unmet, []
        for event in unmet:
            event.succeed(d.Choice(d.LEFT_TO_DOCTRINE, d.LAPSED))

    def not_applied(self, run: log.RunLog) -> int:
        """The players' departures from doctrine that did not apply in this run: a choice
        no longer an option, a point that did not arise, an action no longer possible."""
        unmet = sum(
            1
            for queue in self._queues.values()
            for index, t in queue
            if t.departs and index != self.without
        )
        fell_back = sum(
            1 for r in run.decisions if r.event == log.DECISION and r.reason == d.FALLBACK
        )
        return unmet + fell_back + self.missed


def _lapsed(t: Taken) -> bool:
    return not t.action and not t.by_players


def load_played(scenario_path: str | Path, session_path: str | Path) -> PlayedSession:
    """A play session file and the scenario file it was played on, ready to replay.

    Example:
        >>> played = load_played("scenarios/sekong_flood_2018.toml", "reports/play.jsonl")
        >>> reps = replicate(played.scenario, n=100, seed=played.seed, played=played)

    Raises:
        SessionError: the session file is unreadable, was played on another scenario file,
            or its commands no longer replay on it.
        ScenarioError: the scenario file is not valid.
    """
    from sim.scenario import read_scenario

    source = read_scenario(scenario_path)
    session = read_session(Path(session_path), source.scenario)
    if session.scenario_sha256 != source.sha256:
        raise SessionError(
            f"{session_path}: was played on another scenario file (its checksum differs)"
        )
    return played_session(source.scenario, session)

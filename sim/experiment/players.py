"""The players of a played exercise measured against doctrine, from the Python API; and an
exercise played by a script (a seat's standing answers) rather than by people."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.experiment.options import DEFAULTS, RunOptions
from sim.experiment.results import Experiment
from sim.experiment.variants import compare

if TYPE_CHECKING:
    from sim.decisions.points import DecisionPoint
    from sim.decisions.replay import PlayedSession

Answer = Callable[["DecisionPoint"], "str | None"]
"""A scripted seat: a decision point's choice (one of ``point.options``' ``choice``), or
None to leave the point to doctrine."""


def measure_players(
    played: PlayedSession,
    *,
    n: int | None = None,
    seed: int | None = None,
    options: RunOptions = DEFAULTS,
) -> Experiment:
    """The players' decisions against doctrine, on the scenario they played: the variant
    ``"players"`` replays the session in every replication, the baseline is doctrine
    throughout (the same as ``compare(played.scenario, {}, played=played)``).

    ``difference(kpi, "players")`` is what the players' decisions changed altogether;
    ``decisions()`` measures each decision that departed from doctrine on its own;
    ``values("decision_fallbacks", "players")`` counts, by replication, the decisions that
    no longer applied. Default seed: the session's.

    Example:
        >>> played = load_played("scenarios/sekong_flood_2018.toml", "reports/play.jsonl")
        >>> exp = measure_players(played, n=30)
        >>> exp.ranking(), exp.decisions(), exp.weightiest()
    """
    return compare(played.scenario, {}, n=n, seed=seed, played=played, options=options)


def play_scripted(
    scenario: str | Path,
    session: str | Path,
    answer: Answer,
    *,
    seats: Sequence[str],
    seed: int | None = None,
    until_min: float | None = None,
) -> PlayedSession:
    """Play an exercise without a room: ``answer`` takes each decision point of the
    ``seats`` as it arises, the clock going from one decision stop to the next until
    ``until_min`` (default: the end; doctrine plays on from there). The session file is
    written as ``borderdrill play`` writes it, and returned ready to replay.

    Args:
        scenario: the scenario file.
        session: the session file to write (refused if it exists).
        answer: a point's choice, or None to leave it to doctrine (see ``Answer``).
        seats: the seats the script plays (nations' codes, or JCC).
        seed: the exercise's seed (default: the scenario's).

    Raises:
        SessionError: the session file exists or cannot be written.
        ScenarioError: the scenario file is not valid.
        ValueError: a seat the scenario does not have, or a choice that is not an option.

    Example:
        >>> def hold_back(point):  # Laos's seat never asks a neighbour for help
        ...     return "wait" if point.kind == "ask" else None
        >>> played = play_scripted(SCENARIO, "held.jsonl", hold_back, seats=["LA"])
        >>> measure_players(played, n=30).ranking()
    """
    from sim.decisions.commands import Decide, Next, Refused
    from sim.decisions.exercise import Exercise, point_key
    from sim.decisions.replay import load_played
    from sim.decisions.session import SessionError, SessionWriteError, create_session, lines_of
    from sim.scenario import read_scenario

    source = read_scenario(scenario)
    spec = source.scenario
    possible = [n.code for n in spec.nations]
    if spec.coordination.joint_centre.enabled:
        possible.append("JCC")
    wrong = [s for s in seats if s not in possible]
    if wrong or not seats:
        raise ValueError(f"seats: give some of {', '.join(possible)} (not {list(seats)})")
    start = spec.run.seed if seed is None else seed
    written = create_session(
        Path(session), spec.scenario.name.en, source.sha256, start, list(seats)
    )
    exercise = Exercise(spec, start, written.seats)
    end = exercise.horizon if until_min is None else until_min
    left: set[int] = set()  # points left to doctrine: they lapse when the clock moves on
    try:
        while not exercise.finished and exercise.now < end:
            waiting = [p for p in exercise.open_points() if p.number not in left]
            if not waiting:
                written.append(*lines_of(exercise, Next()))
                continue
            item = waiting[0]
            choice = answer(item.point)
            if choice is None:
                left.add(item.number)
                continue
            key = point_key(item.point)
            decide = Decide(seat=item.seat, point=item.number, key=key, choice=choice)
            try:
                written.append(*lines_of(exercise, decide))
            except Refused as exc:
                raise ValueError(
                    f"{choice!r} for {item.point.kind} {item.point.subject}: {exc}"
                ) from None
    except SessionWriteError as exc:
        raise SessionError(f"{session}: cannot be written ({exc})") from None
    return load_played(scenario, session)

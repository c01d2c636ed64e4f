"""The session file of an exercise: one JSON line a command, appended the moment it is given.

The first line says which scenario (its SHA-256), seed and seats; every later line is a
command as the exercise recorded it (``sim.play.exercise``): clock moves, decisions (seat,
scenario time, the point, the choice), unprompted actions, rewinds, and, for the record,
the points doctrine took when the clock moved on (``lapsed``). A server that stops resumes
from it with nothing lost; ``borderdrill run --decisions`` replays it (``sim.play.replay``).
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.play.exercise import FACILITATOR, Command, branch

FORMAT = "borderdrill play session"
VERSION = 1


class SessionError(Exception):
    """A session file that cannot be used: the message names the file and what to do."""


@dataclass
class Session:
    """A session file: its header, and the commands that rebuild where the exercise is."""

    path: Path
    scenario_sha256: str
    seed: int
    seats: tuple[str, ...]
    commands: list[Command]
    tokens: dict[str, str]
    """Each role's secret (the facilitator's, each seat's and its observers'), kept so links
    survive a restart."""

    def append(self, entry: Command) -> None:
        """Write one line at once (flushed to disk before returning)."""
        _append(self.path, entry)
        self._take(entry)

    def _take(self, entry: Command) -> None:
        if entry["do"] == "rewind":
            self.commands = branch(self.commands, entry["to"])
        elif entry["do"] != "lapsed":
            self.commands.append(entry)


def _append(path: Path, entry: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())


COMMANDS = ("advance", "next", "decide", "act", "rewind", "lapsed")
"""What a session file's lines after the header do."""


def _time(value: object) -> bool:
    """A scenario time in minutes: a finite number from 0."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def observer(seat: str) -> str:
    """The role of an evaluator or observer watching a seat (read-only)."""
    return f"{seat}:observer"


def new_tokens(seats: Sequence[str]) -> dict[str, str]:
    """An unguessable secret for the facilitator, for each seat, and for each seat's
    observers."""
    roles = (FACILITATOR, *seats, *(observer(s) for s in seats))
    return {role: secrets.token_urlsafe(24) for role in roles}


def create_session(
    path: Path, scenario_name: str, scenario_sha256: str, seed: int, seats: Sequence[str]
) -> Session:
    """Start a new session file (refused if the file exists)."""
    if path.exists():
        raise SessionError(f"{path}: already exists; pass it with --session to resume it")
    tokens = new_tokens(seats)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "scenario": scenario_name,
        "scenario_sha256": scenario_sha256,
        "seed": seed,
        "seats": list(seats),
        "tokens": tokens,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _append(path, header)
    except OSError as exc:
        raise SessionError(f"{path}: cannot be written ({exc.strerror})") from None
    return Session(path, scenario_sha256, seed, tuple(seats), [], tokens)


def read_session(path: Path) -> Session:
    """Read a session file back: its header and the commands in force (rewinds applied)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SessionError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise SessionError(f"{path}: not a session file (not UTF-8 text)") from None
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):  # a line cut short by a crash: the command was not done
                break
            raise SessionError(f"{path}, line {number}: not a JSON line") from None
        if not isinstance(entry, dict):
            raise SessionError(f"{path}, line {number}: not a JSON object")
        entries.append((number, entry))
    if not entries or entries[0][1].get("format") != FORMAT:
        raise SessionError(f"{path}: not a borderdrill play session (no header line)")
    header = entries[0][1]
    seed, seats, tokens = header.get("seed"), header.get("seats"), header.get("tokens")
    if (
        not isinstance(header.get("scenario_sha256"), str)
        or not isinstance(seed, int)
        or isinstance(seed, bool)
        or not 0 <= seed < 2**63
        or not isinstance(seats, list)
        or not all(isinstance(s, str) for s in seats)
        or not isinstance(tokens, dict)
        or not all(isinstance(v, str) for v in tokens.values())
    ):
        raise SessionError(
            f"{path}, line 1: the header needs the scenario's checksum, a seed (a whole"
            " number from 0), the seats (a list of nation codes) and the tokens; it was"
            " written by borderdrill play: restore it from a copy, or start a new session"
        )
    session = Session(path, header["scenario_sha256"], seed, tuple(seats), [], tokens)
    for number, entry in entries[1:]:
        if entry.get("do") not in COMMANDS:
            raise SessionError(f"{path}, line {number}: 'do' must be one of {', '.join(COMMANDS)}")
        if not _time(entry.get("at")):
            raise SessionError(f"{path}, line {number}: a command needs its time 'at'")
        if entry["do"] == "rewind" and not _time(entry.get("to")):
            raise SessionError(f"{path}, line {number}: a rewind needs a time 'to'")
        session._take(entry)
    return session


def open_session(
    path: Path,
    scenario_name: str,
    scenario_sha256: str,
    seed: int | None,
    seats: Sequence[str] | None,
    *,
    default_seed: int,
    default_seats: Sequence[str],
) -> tuple[Session, bool]:
    """Resume the session at ``path`` if it exists (checked against the scenario, seed and
    seats asked for), else start it; True when resumed."""
    if not path.exists():
        chosen = list(seats or default_seats)
        return create_session(
            path, scenario_name, scenario_sha256, default_seed if seed is None else seed, chosen
        ), False
    session = read_session(path)
    if session.scenario_sha256 != scenario_sha256:
        raise SessionError(
            f"{path}: was played on another scenario file (its checksum differs): "
            "pass the scenario it was played on, or start a new session"
        )
    if seed is not None and seed != session.seed:
        raise SessionError(f"{path}: was played with seed {session.seed}; drop --seed to resume")
    if seats is not None and tuple(seats) != session.seats:
        raise SessionError(
            f"{path}: was played with seats {','.join(session.seats)}; drop --seats to resume"
        )
    return session, True

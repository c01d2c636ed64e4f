"""The session file of an exercise: one JSON line a command, written the moment it is given.

The first line says which scenario (its SHA-256), seed and seats; every later line is a
command as the exercise recorded it (``sim.decisions.exercise``): clock moves, decisions (seat,
scenario time, the point, the choice, the seat's reason), unprompted actions, messages
between seats, rewinds, the facilitator's settings, what the room said beside the play
(observers' notes, the hot wash: ``sim.decisions.discussion``), and, for the record, the
points doctrine took when the clock moved on (``lapsed``). Each command given in the room
carries the id its page gave it (``client``), so that the same command sent twice (a double
click, a retry) is done once.

A command is done when its line is in the file whole, newline included: a line cut short by
a crash was never confirmed to the room, and is removed when the session is resumed. A
server that stops resumes from the file with nothing lost; ``borderdrill run --decisions``
replays it (``sim.decisions.replay``). The reader streams the file and checks every line's
fields and times before any of it is used.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.decisions.commands import (
    FACILITATOR,
    MAX_TEXT,
    SETTINGS,
    Action,
    Advance,
    ChooseLanguage,
    Command,
    Decide,
    Hotwash,
    Lapsed,
    Malformed,
    Note,
    Refused,
    Rewind,
    SeatMessage,
    Setting,
    observer,
    parse,
    part_of,
    readers,
    record,
    refusal,
    sender,
)
from sim.decisions.discussion import said_problems
from sim.decisions.exercise import Exercise, before_decision, branch
from sim.decisions.messages import message_problems
from sim.i18n import Language
from sim.model.comms import JOINT_CENTRE
from sim.scenario.schema import Scenario

FORMAT = "borderdrill play session"
VERSION = 5
"""Version 2 adds the commands' client ids and the facilitator's settings, version 3 the
seats' messages, reasons, observers' notes and the hot wash, version 4 decision points
numbered by their id in the run, with a clock move lapsing each point at its own instant,
version 5 the language each reader's pages are in (``language``). Files of versions 1 to
3 name points by another numbering and meant clock moves otherwise: they are refused with
what to do (the same commands would not give the same exercise). A file of version 4 is
one of version 5 with no language chosen (every page in English), and is read as it is."""
OLDEST = 4
"""The oldest version this borderdrill plays and replays."""
MAX_LINE = 64 * 1024
"""Bytes a line may hold: a command is a few hundred."""
MAX_COMMANDS = 100_000
"""Lines a session may hold: a four-hour exercise writes a few thousand."""
MAX_BYTES = 32 * 2**20
"""Bytes a session file may hold (``MAX_COMMANDS`` lines of a few hundred bytes)."""
MAX_PROBLEMS = 20
"""Bad lines reported at once."""
MAX_SEED = 2**63 - 1
"""The largest seed, as a scenario's ``[run].seed`` may be."""


class SessionError(Exception):
    """A session file that cannot be used: the message names the file and what to do."""


class SessionWriteError(Exception):
    """A command could not be written down; the file is as it was before it."""


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
    settings: dict[str, bool] = field(default_factory=lambda: dict(SETTINGS))
    clients: set[str] = field(default_factory=set)
    """The client ids of every command written (rewound ones included)."""
    lines: list[int] = field(default_factory=list)
    """The line each command in ``commands`` came from (a rewind's for the clock move that
    ends a branch)."""
    notice: str = ""
    """What reading the file repaired or skipped, to tell the facilitator."""
    written: int = 0
    """Lines in the file."""
    cut_at: int | None = None
    """Where a last line cut short starts (``notice`` says so)."""
    size: int = 0
    """Bytes of the file's whole lines: anything after them is a failed write's."""
    said: list[Note | Hotwash] = field(default_factory=list)
    """What the room said beside the play (observers' notes, the hot wash), in order: kept
    whatever is rewound, as it was said."""
    languages: dict[str, Language] = field(default_factory=dict)
    """The language each reader's pages are in (``readers``), where one was chosen (else
    English); kept whatever is rewound. The record itself is in no reader's language:
    the session file holds codes and the players' own words."""

    def append(self, *entries: Command) -> None:
        """Write whole lines at once (one write, flushed and synced to disk), then take them.

        Raises:
            SessionWriteError: the disk refused the write; the file is as it was.
        """
        data = b"".join(_line(e) for e in entries)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        except OSError as exc:
            raise SessionWriteError(_reason(exc)) from None
        try:
            if os.fstat(fd).st_size != self.size:  # an earlier failed write left a part
                os.ftruncate(fd, self.size)
            _write_all(fd, data)
            os.fsync(fd)
        except OSError as exc:
            _put_back(fd, self.size)
            raise SessionWriteError(_reason(exc)) from None
        finally:
            os.close(fd)
        self.size += len(data)
        for entry in entries:
            self.written += 1
            self._take(entry, self.written)

    def _take(self, entry: Command, line: int) -> None:
        if entry.client is not None:
            self.clients.add(entry.client)
        if isinstance(entry, Rewind) and entry.decision is not None:
            kept = before_decision(self.commands, entry.decision)
            assert kept is not None, "the reader checks a rewind names an answered decision"
            self.commands, self.lines = kept, self.lines[: len(kept)]
        elif isinstance(entry, Rewind):
            self.commands = branch(self.commands, entry.to)
            self.lines = [*self.lines[: len(self.commands) - 1], line]
        elif isinstance(entry, Setting):
            self.settings[entry.name] = entry.value
        elif isinstance(entry, ChooseLanguage):
            self.languages[entry.reader] = entry.lang
        elif isinstance(entry, Note | Hotwash):
            self.said.append(entry)
        elif not isinstance(entry, Lapsed):
            self.commands.append(entry)
            self.lines.append(line)


def _line(entry: Command | dict[str, Any]) -> bytes:
    """A session file's line: the header, or a command as ``record`` writes it."""
    data = entry if isinstance(entry, dict) else record(entry)
    return (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _put_back(fd: int, size: int) -> None:
    """Cut a failed write's partial line off again (best effort: the next write, or the
    session resumed, removes what is left)."""
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        pass


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def new_tokens(seats: Sequence[str]) -> dict[str, str]:
    """An unguessable secret for the facilitator, for each seat, and for each seat's
    observers."""
    roles = (FACILITATOR, *seats, *(observer(s) for s in seats))
    return {role: secrets.token_urlsafe(24) for role in roles}


def possible_seats(scenario: Scenario) -> list[str]:
    """The seats a scenario can be played with: its nations, and the joint centre if it
    has one."""
    seats = [n.code for n in scenario.nations]
    if scenario.coordination.joint_centre.enabled:
        seats.append(JOINT_CENTRE)
    return seats


def create_session(
    path: Path, scenario_name: str, scenario_sha256: str, seed: int, seats: Sequence[str]
) -> Session:
    """Start a new session file, readable by its owner only (refused if the file exists,
    or the seed is not one a session can be replayed with)."""
    if not 0 <= seed <= MAX_SEED:
        raise SessionError(f"{path}: the seed must be a whole number from 0 to {MAX_SEED}")
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
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SessionError(f"{path}: already exists; pass it with --session to resume it") from None
    except OSError as exc:
        raise SessionError(f"{path}: cannot be written ({_reason(exc)})") from None
    try:
        _write_all(fd, _line(header))
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise SessionError(f"{path}: cannot be written ({_reason(exc)})") from None
    os.close(fd)
    _sync_folder(path.parent)
    return Session(
        path, scenario_sha256, seed, tuple(seats), [], tokens, written=1, size=len(_line(header))
    )


def _sync_folder(folder: Path) -> None:
    """Make a new file's name durable too."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# reading


@dataclass
class _Line:
    number: int
    offset: int
    """Where it starts in the file."""
    data: bytes
    whole: bool
    """Ends with its newline."""
    too_long: bool
    """Longer than ``MAX_LINE`` (``data`` holds its start only)."""


def _lines(path: Path) -> Iterator[_Line]:
    """The file's lines, streamed, none held longer than ``MAX_LINE``."""
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise SessionError(f"{path}: cannot be read ({_reason(exc)})") from None
    with stream:
        number, offset = 0, 0
        while data := stream.readline(MAX_LINE + 1):
            number, start = number + 1, offset
            offset += len(data)
            too_long = len(data) > MAX_LINE
            while not data.endswith(b"\n") and too_long:  # pass over the rest of it
                rest = stream.readline(1 << 20)
                offset += len(rest)
                if not rest or rest.endswith(b"\n"):
                    data += rest[-1:]
                    break
            yield _Line(number, start, data, data.endswith(b"\n"), too_long)


def _parse(line: _Line) -> tuple[dict[str, Any] | None, str]:
    """A line's JSON object, or what is wrong with it."""
    if line.too_long:
        return None, f"longer than {MAX_LINE // 1024} KiB"
    try:
        entry = json.loads(line.data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except RecursionError:
        return None, "nested too deeply"
    except ValueError:
        return None, "not a JSON line"
    if not isinstance(entry, dict):
        return None, "not a JSON object"
    return entry, ""


def read_session(path: Path, scenario: Scenario | None = None) -> Session:
    """Read a session file back: its header and the commands in force (rewinds applied).

    Every line is checked (its fields, and its times in order: a rewind goes back, a clock
    move forward, nothing past the scenario's end); with ``scenario``, the header's seats
    are checked against it too. A last line cut short by a crash is skipped and said so in
    ``notice`` (``open_session`` removes it).

    Raises:
        SessionError: the file is unreadable or not a valid session (the lines named).
    """
    try:
        status = path.stat()
    except OSError as exc:
        raise SessionError(f"{path}: cannot be read ({_reason(exc)})") from None
    if not stat.S_ISREG(status.st_mode):
        raise SessionError(
            f"{path}: not a file (a folder, pipe or device): give the session file"
            " borderdrill play wrote"
        )
    size = status.st_size
    if size > MAX_BYTES:
        raise SessionError(
            f"{path}: {size / 2**20:.0f} MB, more than a session holds"
            f" ({MAX_BYTES // 2**20} MB, {MAX_COMMANDS:,} lines): it was not written by"
            " borderdrill play; start a new session"
        )
    lines = _lines(path)
    first = next(lines, None)
    header, _ = _parse(first) if first is not None else (None, "")
    if header is None or header.get("format") != FORMAT:
        raise SessionError(f"{path}: not a borderdrill play session (no header line)")
    session = _header(path, header, scenario)
    session.written, session.size = 1, len(first.data) if first is not None else 0
    reader = _Reader(session, scenario.duration_min if scenario is not None else math.inf)
    problems: list[str] = []
    for line in lines:
        if line.number > MAX_COMMANDS:
            raise SessionError(
                f"{path}, line {line.number}: more than {MAX_COMMANDS:,} lines; a session"
                " borderdrill play writes holds a few thousand: start a new session"
            )
        if not line.whole:  # the server died while writing it: it was never done
            session.notice = (
                f"{path}, line {line.number}: cut short (the server stopped while writing"
                " it); the command it held was not done"
            )
            session.cut_at = line.offset
            break
        session.size, session.written = line.offset + len(line.data), line.number
        if not line.data.strip():
            continue
        entry, wrong = _parse(line)
        if entry is None:
            problems.append(f"line {line.number}: {wrong}")
        else:
            wrong = "; ".join(reader.take(entry, line.number))
            if wrong:
                problems.append(f"line {line.number}: {wrong}")
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        shown = "\n  ".join(problems)
        raise SessionError(
            f"{path}: not a session borderdrill play wrote, or edited by hand:\n  {shown}\n"
            "restore it from a copy, or start a new session"
        )
    return session


def _cut(text: str, most: int = 40) -> str:
    """A value as a refusal quotes it (cut short)."""
    return text if len(text) <= most else f"{text[: most - 3]}..."


def _header(path: Path, header: dict[str, Any], scenario: Scenario | None) -> Session:
    version = header.get("version")
    if version in range(1, OLDEST) and not isinstance(version, bool):
        raise SessionError(
            f"{path}, line 1: a session of version {version}, written before decisions had"
            " ids: its commands would not give the same exercise here. Replay or resume it"
            " with the borderdrill that wrote it, or start a new session"
        )
    if version not in range(OLDEST, VERSION + 1) or isinstance(version, bool):
        raise SessionError(
            f"{path}, line 1: a session of version {_cut(repr(version))}; this borderdrill reads"
            f" versions {OLDEST} to {VERSION}: play it with the borderdrill that wrote it"
        )
    seed, seats, tokens = header.get("seed"), header.get("seats"), header.get("tokens")
    if scenario is not None and isinstance(seats, list):
        possible = possible_seats(scenario)
        unknown = [s if _short(s) else "(not a code)" for s in seats if s not in possible]
        if unknown:
            raise SessionError(
                f"{path}, line 1: seat {', '.join(unknown)} is not in this scenario (its"
                f" seats: {', '.join(possible)}): pass the scenario it was played on"
            )
    if (
        not isinstance(header.get("scenario_sha256"), str)
        or not isinstance(seed, int)
        or isinstance(seed, bool)
        or not 0 <= seed <= MAX_SEED
        or not isinstance(seats, list)
        or not seats
        or not all(isinstance(s, str) and _short(s) for s in seats)
        or len(set(seats)) < len(seats)
        or not isinstance(tokens, dict)
        or not all(isinstance(v, str) and _short(v) for v in tokens.values())
        or not all(role in tokens for role in (FACILITATOR, *seats))
    ):
        raise SessionError(
            f"{path}, line 1: the header needs the scenario's checksum, a seed (a whole"
            f" number from 0 to {MAX_SEED}), the seats (a list of distinct nation codes)"
            " and a token for the facilitator and each seat; it was written by borderdrill"
            " play: restore it from a copy, or start a new session"
        )
    return Session(path, header["scenario_sha256"], seed, tuple(seats), [], tokens)


class _Reader:
    """Checks a session's commands one by one, in order, and takes the good ones."""

    def __init__(self, session: Session, horizon: float) -> None:
        self.session = session
        self.horizon = horizon
        self.now = 0.0
        """The earliest the exercise's clock can be at the next command."""

    def take(self, entry: dict[str, Any], number: int) -> list[str]:
        try:
            command = parse(entry, horizon=self.horizon)
        except Malformed as exc:
            return exc.problems
        problems = self._check(command)
        if not problems:
            if isinstance(command, Rewind) or (
                isinstance(command, Advance) and not command.wait_for_seats
            ):
                self.now = command.to
            elif not isinstance(command, Lapsed):
                self.now = max(self.now, command.at)
            self.session._take(command, number)
        return problems

    def _check(self, command: Command) -> list[str]:
        """What is wrong with a command, in its place in the session (nothing: [])."""
        problems = []
        role, seats = sender(command), self.session.seats
        if role is not None and part_of(role, seats) is not None:  # else its fields say
            arranging = self.session.settings["seats_may_arrange"]
            refused = refusal(role, command, seats, seats_may_arrange=arranging)
            if refused is not None:
                problems.append(f"{role} may not give it: {refused}")
        at = command.at
        if not isinstance(command, Lapsed) and at < self.now - 1e-6:
            problems.append(f"'at' {at:g} is before the clock's time {self.now:g}")
        if isinstance(command, Advance) and command.to < at:
            problems.append(f"a clock move to {command.to:g} goes back from {at:g}: use a rewind")
        elif isinstance(command, Rewind) and command.decision is not None:
            kept = before_decision(self.session.commands, command.decision)
            if kept is None:
                problems.append("'decision' must name a decision answered before the rewind")
            elif command.to != self.session.commands[len(kept)].at:
                problems.append("'to' must be the time the decision was answered")
        elif isinstance(command, Rewind) and command.to >= at:
            problems.append(f"a rewind to {command.to:g} goes forward from {at:g}")
        elif isinstance(command, ChooseLanguage) and command.reader not in readers(seats):
            problems.append(
                "'reader' must be the facilitator, a seat, a seat's observers or the projector"
            )
        elif isinstance(command, Note | Hotwash):
            problems.extend(said_problems(command, seats))
        elif isinstance(command, SeatMessage):
            problems.extend(message_problems(command, seats))
        elif isinstance(command, Decide | Lapsed | Action):
            allowed = (*seats, FACILITATOR) if isinstance(command, Action) else seats
            if command.seat not in allowed:
                problems.append(f"'seat' must be one of the session's seats ({', '.join(seats)})")
        return problems


def _short(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_TEXT


def open_session(
    path: Path,
    scenario: Scenario,
    scenario_sha256: str,
    seed: int | None,
    seats: Sequence[str] | None,
) -> tuple[Session, bool]:
    """Resume the session at ``path`` if it exists (checked against the scenario, seed and
    seats asked for; a last line cut by a crash removed and said so in ``notice``; made
    readable by its owner only), else start it; True when resumed."""
    if not path.exists():
        chosen = list(seats or possible_seats(scenario))
        start = scenario.run.seed if seed is None else seed
        return create_session(
            path, scenario.scenario.name.en, scenario_sha256, start, chosen
        ), False
    session = read_session(path, scenario)
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
    try:
        os.chmod(path, 0o600)
        if session.cut_at is not None:
            with path.open("r+b") as out:
                out.truncate(session.cut_at)
                out.flush()
                os.fsync(out.fileno())
            session.notice += ": the line was removed"
    except OSError as exc:
        raise SessionError(f"{path}: cannot be written ({_reason(exc)})") from None
    return session, True


def lines_of(exercise: Exercise, command: Command) -> list[Command]:
    """Apply a command to an exercise; the lines that write it down: the command as
    recorded, then each point doctrine took meanwhile (``lapsed``, for the record: a
    replay derives them).

    Raises:
        Refused: the exercise refuses the command (nothing was changed).
    """
    taken_before = len(exercise.taken)
    recorded = exercise.perform(command)
    lapsed = [
        Lapsed(
            at=t.at,
            seat=t.seat,
            kind=t.kind,
            decider=t.decider,
            subject=t.subject,
            choice=t.proposal,
        )
        for t in exercise.taken[taken_before:]
        if not t.by_players
    ]
    return [recorded, *lapsed]


def rebuild(scenario: Scenario, session: Session) -> Exercise:
    """The exercise a session's commands rebuild, command by command.

    Raises:
        SessionError: a command no longer applies on this scenario (its line named).
    """
    exercise = Exercise(scenario, session.seed, session.seats)
    for command, line in zip(session.commands, session.lines, strict=True):
        try:
            exercise.perform(command)
        except (Refused, ValueError, TypeError, KeyError) as exc:
            raise SessionError(
                f"{session.path}, line {line}: the command no longer applies on this"
                f" scenario ({exc}); was the file edited by hand? Use the file borderdrill"
                " play wrote, or start a new session"
            ) from None
    return exercise

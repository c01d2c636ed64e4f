"""Server time of the exercise's clock moves on the default scenario, against one full run.

Plays the default scenario with every nation's seat held, letting every decision lapse to
doctrine, and prints

- "run to the next decision or inject": the median and the slowest step (goal: each
  within 100 ms), and
- rewinding to 10 %, 50 % and 90 % of the exercise (the run replayed from the start with
  the commands issued before): the slowest (goal: within 1 s),

each also as a ratio against one whole doctrine replication in the same run; and
- replaying the session in five other replications (``run --decisions``), against the same
  five replications under doctrine;
- the room under load: ``borderdrill play`` served for 60 s to 3 seats, 3 observers, the
  projector and 20 more clients (the facilitator's page and the seats'), every one
  listening to the pages' event stream and fetching its page at each change; the projector,
  the facilitator and 5 of the 20 also fetch the map at each new drawing (the three seats
  among them, each its own map, and the projector its own, larger: five maps are drawn a
  revision). The facilitator
  moves the clock every 2 s. Printed: each page update's delay, from the move sent to the
  page fetched (p50, p99; goal: p99 within 300 ms), as a ratio against the same with one
  client; the map fetches' delay; and the server's memory at 10 s and at the end (goal:
  flat); and
- reading a 100 MB session file of clock moves: refused (it holds more lines than a
  session can) in how long and with how much memory.

    .venv/bin/python benchmarks/bench_play.py
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

from sim import load_scenario
from sim.decisions.commands import Next
from sim.decisions.exercise import Exercise, branch
from sim.decisions.replay import played, replay_run
from sim.model import simulate

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"


def main() -> None:
    scenario = load_scenario(DEFAULT)
    seats = [n.code for n in scenario.nations]
    started = time.perf_counter()
    simulate(scenario)
    whole = time.perf_counter() - started

    exercise = Exercise(scenario, scenario.run.seed, seats)
    steps = []
    while not exercise.finished:
        started = time.perf_counter()
        exercise.perform(Next())
        steps.append(time.perf_counter() - started)
    rewinds = []
    for share in (0.1, 0.5, 0.9):
        started = time.perf_counter()
        Exercise(
            scenario, scenario.run.seed, seats, branch(exercise.commands, share * exercise.horizon)
        )
        rewinds.append(time.perf_counter() - started)
    print(f"one doctrine replication: {whole * 1000:.0f} ms")
    median = statistics.median(steps)
    print(
        f"next decision or inject ({len(steps)} moves): median {median * 1000:.1f} ms,"
        f" slowest {max(steps) * 1000:.1f} ms ({max(steps) / whole:.2f} of a replication;"
        " goal: within 100 ms)"
    )
    print(
        f"rewind: slowest {max(rewinds) * 1000:.0f} ms ({max(rewinds) / whole:.2f} of a"
        " replication; goal: within 1 s)"
    )
    session = played(exercise)
    started = time.perf_counter()
    for replication in range(1, 6):
        simulate(scenario, replication=replication)
    doctrine = time.perf_counter() - started
    started = time.perf_counter()
    for replication in range(1, 6):
        replay_run(scenario, session, session.seed, replication)
    replayed = time.perf_counter() - started
    print(
        f"session replayed in 5 other replications: {replayed * 1000:.0f} ms against"
        f" {doctrine * 1000:.0f} ms under doctrine ({replayed / doctrine:.2f}×)"
    )

    with tempfile.TemporaryDirectory() as folder:
        print("the room under load (60 s):")
        alone = asyncio.run(room(Path(folder) / "alone.jsonl", extra=0, seconds=20, load=False))
        loaded = asyncio.run(room(Path(folder) / "room.jsonl", extra=20, seconds=60, load=True))
        p99, p99_alone = _percentile(loaded["pages"], 99), _percentile(alone["pages"], 99)
        p50 = _percentile(loaded["pages"], 50)
        print(
            f"  page updates ({len(loaded['pages'])}): p50 {p50:.0f} ms,"
            f" p99 {p99:.0f} ms (goal: within 300 ms); one client alone: p99"
            f" {p99_alone:.0f} ms ({p99 / p99_alone:.2f}×)"
        )
        if loaded["maps"]:
            print(
                f"  map fetches ({len(loaded['maps'])}): p50 {_percentile(loaded['maps'], 50):.0f}"
                f" ms, p99 {_percentile(loaded['maps'], 99):.0f} ms; drawings made:"
                f" {loaded['drawings']}"
            )
        early, late = loaded["memory"]
        print(
            f"  server memory: {early / 1024:.0f} MB at 10 s, {late / 1024:.0f} MB at the end"
            f" ({late / early:.2f}×; goal: flat)"
        )
        big_session(Path(folder) / "big.jsonl")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share / 100))] if ordered else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def room(session: Path, extra: int, seconds: float, load: bool) -> dict[str, object]:
    """Serve the default scenario and play it with the room's clients listening."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "play",
            str(DEFAULT),
            "--port",
            str(port),
            "--seats",
            "TH,LA,KH",
            "--session",
            str(session),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    links: dict[str, str] = {}
    for line in server.stdout:
        found = re.match(r"\s+(facilitator|projector|seat \w+|observer \w+): (http\S+)", line)
        if found:
            links[found.group(1)] = found.group(2)
        if line.startswith("  observer KH"):
            break
    pages: list[float] = []
    maps: list[float] = []
    sent: dict[int, float] = {}
    try:
        async with httpx.AsyncClient(
            timeout=30, limits=httpx.Limits(max_connections=200, max_keepalive_connections=200)
        ) as client:
            for _ in range(100):
                try:
                    await client.get(links["facilitator"])
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            if load:
                watched = [links[k] for k in links if k != "facilitator"]
                watched += [links["facilitator"]] * 10 + [links["seat LA"]] * (extra - 10)
                with_map = {links["projector"], links["facilitator"]}
            else:
                watched, with_map = [links["seat LA"]], set()
            listeners = [
                asyncio.create_task(
                    _listen(client, url, url in with_map or i < 5, sent, pages, maps)
                )
                for i, url in enumerate(watched)
            ]
            await asyncio.sleep(3)  # every stream open
            started = time.monotonic()
            memory = []
            revision = 0
            while time.monotonic() - started < seconds:
                if not memory and time.monotonic() - started > 10:
                    memory.append(_rss_kb(server.pid))
                move = "next" if revision % 3 else "60"
                sent[revision + 1] = time.monotonic()
                await client.post(links["facilitator"] + "/clock", data={"move": move})
                revision += 1
                await asyncio.sleep(2)
            await asyncio.sleep(2)
            memory.append(_rss_kb(server.pid))
            state = (await client.get(links["facilitator"] + "/revision")).json()
            for task in listeners:
                task.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"pages": pages, "maps": maps, "memory": memory or [0, 0], "drawings": state["map"]}


async def _listen(
    client: httpx.AsyncClient,
    page: str,
    with_map: bool,
    sent: dict[int, float],
    pages: list[float],
    maps: list[float],
) -> None:
    """One browser: listen to the page's events, fetch the page at each change (and the
    map at each new drawing); record how long after the move each page was in hand."""
    shown, drawn = 0, -1
    async with client.stream("GET", page + "/events") as stream:
        event = ""
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "state":
                state = json.loads(line.split(":", 1)[1])
                if state["revision"] > shown:
                    html = (await client.get(page)).text
                    got = int(html.split('data-revision="')[1].split('"')[0])
                    if got in sent:
                        pages.append((time.monotonic() - sent[got]) * 1000)
                    shown = got
                if with_map and (state["map"] > drawn or drawn < 0):  # as the page loads
                    drawn = state["map"]
                    asked = time.monotonic()
                    await client.get(page + f"/map.png?m={drawn}")
                    maps.append((time.monotonic() - asked) * 1000)


def big_session(path: Path) -> None:
    """A 100 MB session file of clock moves, read (and refused) by the reader."""
    from sim.decisions.session import SessionError, create_session, read_session

    create_session(path, "x", "0" * 64, 0, ["LA"])
    line = b'{"at": 0.0, "client": "%s", "do": "advance", "to": 0.0}\n' % (b"a" * 48)
    with path.open("ab") as out:
        out.write(line * (100 * 2**20 // len(line)))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        read_session(path)
        outcome = "read"
    except SessionError as exc:
        outcome = "refused: " + str(exc).split(": ", 1)[1][:60] + "…"
    took = time.perf_counter() - started
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    size = path.stat().st_size / 2**20
    print(
        f"a {size:.0f} MB session of clock moves: {outcome} in {took * 1000:.0f} ms,"
        f" peak memory +{grew / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()

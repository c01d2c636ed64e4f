"""The queue of open decisions: a seat's page lists its open points, the most pressing
first, each with the time it is due; the facilitator sees which seats still have points
open before the next move."""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path

from starlette.testclient import TestClient
from support import as_sent

from sim import load_scenario
from sim.decisions.session import create_session
from sim.play.server import PlayServer, create_app
from sim.play.views import Clock

DEFAULT = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"


def _server(tmp_path: Path) -> tuple[PlayServer, TestClient]:
    scenario = load_scenario(DEFAULT)
    seats = [n.code for n in scenario.nations]
    session = create_session(
        tmp_path / "s.jsonl", scenario.scenario.name.en, "abc", scenario.run.seed, seats
    )
    server = PlayServer(scenario, session)
    return server, TestClient(create_app(server), follow_redirects=False)


def _cards(page: str) -> list[str]:
    return page.split('<section class="pending">')[1].split("</section>")[0].split("<article")[1:]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


TIME = r"\w{3} \d\d \w{3} \d\d:\d\d"
"""A time as the pages show it (``Mon 23 Jul 02:19``)."""


def test_a_seat_sees_its_open_decisions_in_the_order_they_are_due(tmp_path: Path) -> None:
    server, client = _server(tmp_path)
    clock = Clock(server.scenario.scenario.start)

    def minutes(shown: str) -> float:
        at = datetime.strptime(f"{clock.start.year} {shown}", "%Y %a %d %b %H:%M")
        return (at.replace(tzinfo=clock.start.tzinfo) - clock.start).total_seconds() / 60

    seen = {"timed": 0, "overdue": 0, "several": 0}
    while min(seen.values()) == 0 and server.exercise.now < 3000:
        server.perform(as_sent({"do": "next"}))
        ex = server.exercise
        now = minutes(clock(ex.now))
        for seat in ex.seats:
            cards = [
                _text(c) for c in _cards(client.get(f"/seat/{seat}/{server.tokens[seat]}").text)
            ]
            assert len(cards) == len(ex.open_points(seat))
            seen["several"] += len(cards) > 1
            dues = []
            for text in cards:
                due = re.search(
                    rf"(?:due|overdue:) (the target is missed|before the next move|{TIME})", text
                )
                assert due, text
                if due[1] == "before the next move":
                    dues.append(math.inf)
                    continue
                if due[1] == "the target is missed":
                    seen["overdue"] += 1
                    assert re.search(
                        rf"The capability target \({TIME}\) is missed whatever is chosen now:"
                        rf" the soonest, .+, would be on scene about {TIME}",
                        text,
                    ), text
                    dues.append(-math.inf)
                    continue
                seen["timed"] += 1
                by = minutes(due[1])
                said = re.search(
                    rf"Decide by {due[1]} for (.+?) to be on scene"
                    rf" by the capability target \(({TIME})\)",
                    text,
                )
                assert said and by >= now, text
                # the soonest option, as its card says, would be there on target if sent then
                eta = minutes(re.search(rf"{re.escape(said[1])} on scene about ({TIME})", text)[1])  # type: ignore[index]
                target = minutes(re.search(rf"capability target: on scene by ({TIME})", text)[1])  # type: ignore[index]
                assert clock(target) == said[2]
                assert abs(eta + (by - now) - target) <= 2, text  # (times shown to the minute)
                dues.append(by)
            overdue = [d for d in dues if d == -math.inf]
            assert dues == overdue + sorted(d for d in dues if d != -math.inf), (seat, cards)
    assert min(seen.values()) > 0, seen

    # the facilitator sees each seat's queue before the next move; the room sees who decides
    ex = server.exercise
    page = client.get(f"/facilitator/{server.tokens['facilitator']}").text
    rows = page.split('id="room-queue"')[1].split("</table>")[0].split("<tr")[2:]
    assert len(rows) == len(ex.seats)
    names = {n.code: n.name for n in server.scenario.nations}
    waiting = []
    for seat, row in zip(ex.seats, rows, strict=True):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        count = len(ex.open_points(seat))
        assert _text(cells[0]) == names[seat] and int(cells[1]) == count
        if count:
            seat_page = client.get(f"/seat/{seat}/{server.tokens[seat]}").text
            first = _cards(seat_page)[0]
            number = re.search(r'id="point-(\d+)"', first)[1]  # type: ignore[index]
            assert f'href="#point-{number}"' in cells[2] and _text(cells[3]) in _text(first)
            waiting.append(f"{names[seat]} ({count})")
        else:
            assert _text(cells[2]) == "nothing open"
    projector = _text(client.get(f"/projector/{server.projector_token}").text)
    assert f"waiting for the seats: {', '.join(waiting)}" in projector

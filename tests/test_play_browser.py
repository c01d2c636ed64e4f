"""An exercise played in real headless Chromium: the facilitator and two seats on the tiny
border scenario take decisions, advance, rewind and finish; the session file replays to the
identical event log, and a killed server resumes with every decision.

Without Chromium the test is skipped on a developer's machine, and fails in CI (where
``.ci/run`` installs it)."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from chromium import Browser, find_browser

from sim import load_scenario
from sim.decisions.exercise import Exercise
from sim.decisions.session import read_session
from sim.report.tables import events_csv

TINY = Path(__file__).parent / "scenarios" / "tiny_border.toml"


@pytest.fixture(scope="module", autouse=True)
def browser_present() -> None:
    if find_browser() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run must install it (apt-get install chromium)")
        pytest.skip("no Chromium on this machine (CI installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``borderdrill play`` in a child process, and the links it printed."""

    def __init__(
        self, session: Path, *args: str, port: int | None = None, scenario: Path = TINY
    ) -> None:
        self.port = port or _free_port()
        command = [sys.executable, "-m", "sim", "play", str(scenario), "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--session", str(session), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        self.links: dict[str, str] = {}
        for line in self.process.stdout:
            found = re.match(
                r"\s+(facilitator|projector|seat (\w+)|observer (\w+)): (http\S+)", line
            )
            if found:
                role = found.group(2) or (found.group(3) and f"{found.group(3)}:observer")
                self.links[role or found.group(1)] = found.group(4)
            if "observer TH" in line:
                break
        self._wait_up()

    def _wait_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.links["facilitator"], timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the play server did not start")

    def events(self) -> str:
        return httpx.get(self.links["facilitator"] + "/events.csv", timeout=10).text

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def shots() -> Path | None:
    keep = os.environ.get("BORDERDRILL_SCREENSHOTS")
    return Path(keep) if keep else None


def _replayed(session: Path) -> str:
    scenario = load_scenario(TINY)
    played = read_session(session)
    return events_csv(Exercise(scenario, played.seed, played.seats, played.commands).sim.log)


def test_an_exercise_played_in_the_browser(tmp_path: Path, shots: Path | None) -> None:
    session = tmp_path / "session.jsonl"
    server = Server(session, "--seats", "LA,TH")
    try:
        with Browser() as page:
            fac, la, th = server.links["facilitator"], server.links["LA"], server.links["TH"]
            page.goto(fac)
            assert "Mon 23 Jul 08:00" in page.text("#clock")
            assert "You run the clock" in page.text()
            page.click("#run-next")  # the MSEL's inject at 09:00
            assert "Mon 23 Jul 09:00" in page.text("#clock")
            assert "Inject 1" in page.text(".msel")
            page.click("#run-next")  # Laos hears of it and has no boat
            assert "Waiting for the seats (1)" in page.text()
            queue = page.text("#room-queue")  # before the next move: Laos has one, Thailand none
            assert re.search(r"Laos\s+1\s+Ask a neighbour for help", queue), queue
            assert re.search(r"Thailand\s+0\s+nothing open", queue), queue
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(shots / "facilitator.png")

            # an evaluator watching Laos sees its point, read-only
            page.goto(server.links["LA:observer"])
            assert "Observing Laos" in page.text("header")
            card = page.text(".pending")
            assert "Ask a neighbour for help: Rescue of stranded people at Ban Hat" in card
            assert page.count(".pending form") == 0 and page.count(".act") == 0
            assert page.count("#live form") == page.count("#notes form") == 1  # a note only
            if shots:
                page.screenshot(shots / "observer-LA.png")
            watched = server.links["LA:observer"]
            for path in ("/decide", "/act", ""):
                assert (
                    httpx.post(watched + path, data={"choice": "TH"}, timeout=10).status_code == 403
                )

            page.goto(la)
            card = page.text(".pending")
            assert "Ask a neighbour for help: Rescue of stranded people at Ban Hat" in card
            assert "Standing procedure would choose Thailand" in card
            if shots:
                page.screenshot(shots / "seat-LA.png")
            page.click(".pending button[value=wait]")
            assert "Nothing to decide now" in page.text(".pending")
            assert "wait" in page.text(".decisions") and "by players" in page.text(".decisions")
            page.click("#act-ask")  # then asks Thailand unprompted
            assert "Thailand by players" in page.text(".decisions")
            assert page.count("#arrangements button") == 3  # none in force yet
            page.click("#arrange-fast_track")  # and switches fast-track processing on
            fast_track = page.text("#arrangements tr[data-arrangement=fast_track]")
            assert "in force since Mon 23 Jul 09:30 (Laos)" in fast_track
            assert page.count("#arrangements button") == 2
            assert not page.count("#arrange-fast_track")
            if shots:
                page.screenshot(shots / "seat-LA-arranged.png")

            page.goto(th)
            assert "Nothing to decide now" in page.text(".pending")
            for _ in range(10):  # the request travels, is translated, then weighed
                page.goto(fac)
                page.click("#run-next")
                page.goto(th)
                if page.count(".pending .point"):
                    break
            assert "Answer a request for help" in page.text(".pending")
            page.click(".pending button[value=yes]")
            approved = read_session(session).commands[-1]
            assert approved.do == "decide" and approved.choice == "yes"

            page.goto(fac)
            fast_track = page.text("#arrangements tr[data-arrangement=fast_track]")
            assert "in force since Mon 23 Jul 09:30 (Laos)" in fast_track
            assert page.count("#arrange-open_24h") == 1
            page.click("#arrange-open_24h")  # the facilitator opens the crossings 24 h
            open_24h = page.text("#arrangements tr[data-arrangement=open_24h]")
            assert "in force since" in open_24h and "(Facilitator)" in open_24h
            if shots:
                page.screenshot(shots / "facilitator-arranged.png")
            page.click("#advance-60")
            assert "TH Rescue boat team from Ubon Ratchathani" in page.text(".incidents")

            # rewind to just before the approval, and refuse this time
            page.click(f"button[name=decision][value='{approved.point}']")
            assert "Waiting for the seats (1)" in page.text()
            # the facilitator's switch came after it and is undone; the seat's stays
            assert page.count("#arrange-open_24h") == 1 and not page.count("#arrange-fast_track")
            page.goto(th)
            assert "Answer a request for help" in page.text(".pending")
            page.click(".pending button[value=no]")
            assert "no by players" in page.text(".decisions")

            page.goto(fac)
            page.click("#advance-end")
            assert "the exercise has ended" in page.text("header")
            assert "TH Rescue boat team" not in page.text(".incidents")
        played = server.events()
        assert "TH approve no player [yes,no]" in played
        assert played == _replayed(session)
    finally:
        server.kill()

    # killed and restarted: it resumes where it was, with every decision
    again = Server(session, port=server.port)
    try:
        assert again.links == server.links  # the same join links
        assert again.events() == played
        with Browser() as page:
            page.goto(again.links["facilitator"])
            assert "Wed 25 Jul 08:00" in page.text("#clock")
            assert "the exercise has ended" in page.text("header")
    finally:
        again.kill()


def _until(page: Browser, expression: str, seconds: float = 15) -> None:
    """Wait until a JavaScript expression is true on the page."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.1)


def test_pages_stay_alive_and_keep_tokens_out_of_sight(tmp_path: Path, shots: Path | None) -> None:
    session = tmp_path / "session.jsonl"
    server = Server(session, "--seats", "LA,TH")
    fac = server.links["facilitator"]
    try:
        with Browser() as page:
            page.goto(server.links["LA"])
            page.evaluate("window.stayed = true")
            _until(page, "document.getElementById('connection').hidden")
            # the facilitator moves the clock: the seat's page follows by itself, in place
            httpx.post(fac + "/clock", data={"move": "60"}, timeout=10)
            _until(page, "document.getElementById('clock').innerText.includes('09:00')")
            assert page.evaluate("window.stayed === true")

            # a refusal is said on the facilitator's page, which stays alive after it
            page.goto(fac)
            assert server.links["LA"] not in page.text()  # links hidden until revealed
            page.evaluate("document.querySelector('.seats details').open = true")
            assert server.links["LA"] in page.text(".seats")
            page.select("#rewind-at", "2018-07-24T08:00")
            page.click("#rewind")
            assert "rewind to a time between the start and now" in page.text("#message")
            assert "/rewind" not in page.url()
            httpx.post(fac + "/clock", data={"move": "30"}, timeout=10)
            _until(page, "document.getElementById('clock').innerText.includes('09:30')")
            assert "Method Not Allowed" not in page.text()
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(shots / "facilitator-refused.png")

            # "to the end" asks first
            assert not page.evaluate("document.getElementById('to-the-end').open")
            assert not page.evaluate("document.getElementById('advance-end').checkVisibility()")
            page.evaluate("document.querySelector('#to-the-end summary').click()")
            assert "Every decision still open goes to doctrine" in page.text("#to-the-end")
            assert page.evaluate("document.getElementById('advance-end').checkVisibility()")

            # the server goes away: the page says so, and recovers when it is back
            page.goto(server.links["TH"])
            _until(page, "document.getElementById('connection').hidden")
            server.kill()
            _until(page, "!document.getElementById('connection').hidden")
            assert "reconnecting" in page.text("#connection")
            if shots:
                page.screenshot(shots / "seat-connection-lost.png")
            server = Server(session, port=server.port)
            _until(page, "document.getElementById('connection').hidden", 30)
            httpx.post(fac + "/clock", data={"move": "30"}, timeout=10)
            _until(page, "document.getElementById('clock').innerText.includes('10:00')")

            # the projector: clock, inject, what changed, the map; no token, no control
            page.goto(server.links["projector"])
            assert "Mon 23 Jul 10:00" in page.text("#clock")
            assert "Inject 1" in page.text("#inject")
            assert "Since" in page.text("#changed")
            assert page.count("form") == 0 and page.count("button") == 0
            for token in read_session(session).tokens.values():
                assert token not in page.evaluate("document.documentElement.outerHTML")
            drawn = "document.getElementById('map')"
            _until(page, f"!{drawn}.src.endsWith('m=0') && {drawn}.complete", 90)
            assert page.evaluate(f"{drawn}.naturalWidth") > 600
            for width, height in ((1920, 1080), (1280, 720)):  # the room's screen: all of it
                page.viewport(width, height)
                box = page.evaluate(
                    f"(() => {{ const r = {drawn}.getBoundingClientRect();"
                    " return [r.left, r.top, r.right, r.bottom]; })()"
                )
                assert box[0] >= 0 and box[1] >= 0, (width, height, box)
                assert box[2] <= width and box[3] <= height, (width, height, box)
            page.call("Emulation.clearDeviceMetricsOverride")
            if shots:
                page.screenshot(shots / "projector.png")
        # the map's worker process ends with the server, even killed
        workers = _children(server.process.pid)
        assert workers
        server.kill()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in workers):
            assert time.monotonic() < deadline, "the map's worker outlived the server"
            time.sleep(0.2)
    finally:
        server.kill()


def _children(pid: int) -> list[int]:
    """The processes a process started (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_commands_only_from_the_exercises_own_pages(tmp_path: Path) -> None:
    session = tmp_path / "session.jsonl"
    server = Server(session, "--seats", "LA,TH")
    fac = server.links["facilitator"]
    try:
        page = httpx.get(fac, headers={"Host": "evil.example"}, timeout=10)
        assert "evil.example" not in page.text  # links from the configured address
        assert server.links["LA"] in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "same-origin"
        before = session.read_bytes()
        for origin in ("http://evil.example", "null"):
            forged = httpx.post(
                fac + "/clock", data={"move": "60"}, headers={"Origin": origin}, timeout=10
            )
            assert forged.status_code == 403
        assert session.read_bytes() == before
        own = httpx.post(
            fac + "/clock",
            data={"move": "60"},
            headers={"Origin": fac.split("/facilitator")[0]},
            timeout=10,
        )
        assert own.status_code == 303 and session.read_bytes() != before
        assert oct(session.stat().st_mode & 0o777) == "0o600"
    finally:
        server.kill()


def _pdf_pages(pdf: Path) -> tuple[int, str]:
    """A PDF's page count and page size in points, as pdfinfo reads them."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].split(" pts")[0].strip()


def test_handouts_print_on_a4_and_letter(tmp_path: Path, shots: Path | None) -> None:
    server = Server(tmp_path / "s.jsonl")
    out = shots or tmp_path
    out.mkdir(parents=True, exist_ok=True)
    try:
        with Browser() as page:
            page.goto(server.links["facilitator"])
            links = {
                a: page.evaluate(f"document.querySelector({a!r}).href")
                for a in ("#handout-msel-a4", '.handout-seat[data-seat="LA"]')
            }
            sizes = {}
            for name, link in [
                ("msel-a4", links["#handout-msel-a4"]),
                ("briefing-LA-a4", links['.handout-seat[data-seat="LA"]']),
                (
                    "briefing-LA-letter",
                    links['.handout-seat[data-seat="LA"]'].replace("a4", "letter"),
                ),
            ]:
                page.goto(link)
                text = page.text()
                for token in read_session(tmp_path / "s.jsonl").tokens.values():
                    assert token not in text
                page.pdf(out / f"{name}.pdf")
                sizes[name] = _pdf_pages(out / f"{name}.pdf")
                if name.startswith("briefing"):
                    assert "Briefing for Laos" in text and "Reaching the other seats" in text
                    assert "Thailand" in text and "interpreter" in text
                else:
                    assert "Master scenario events list" in text
            assert sizes["msel-a4"][1] == sizes["briefing-LA-a4"][1] == "594.96 x 841.92"  # A4
            assert sizes["briefing-LA-letter"][1] == "612 x 792"  # Letter
            # a seat's page on paper: no forms, no banner
            page.goto(server.links["LA"])
            page.call("Emulation.setEmulatedMedia", media="print")
            visible = "[...document.querySelectorAll('form')].filter(f => f.offsetParent).length"
            assert page.evaluate(visible) == 0
            page.pdf(out / "seat-LA-page.pdf")
    finally:
        server.kill()


LONG_INJECT = {
    "en": "Storms bring down power and mobile masts across Attapeu and northern Stung Treng."
    " From 06:00 to 16:00 no telephone, fax or message reaches between the Lao and Cambodian"
    " offices, and the district reports that the road to the camp is cut in two places. ",
    "th": "พายุทำให้ไฟฟ้าดับและเสาสัญญาณโทรศัพท์มือถือล้มในอัตตะปือและทางเหนือของสตึงแตรง"
    " ตั้งแต่ 06:00 ถึง 16:00 น. ไม่มีการโทร แฟกซ์ หรือข้อความใดส่งถึงกันระหว่างสำนักงานของลาวและกัมพูชา ",
    "lo": "ພາຍຸເຮັດໃຫ້ໄຟຟ້າດັບ ແລະ ເສົາສັນຍານໂທລະສັບມືຖືລົ້ມໃນອັດຕະປື ແລະ ພາກເໜືອຂອງສະຕຶງແຕງ"
    " ແຕ່ 06:00 ຫາ 16:00 ບໍ່ມີການໂທ, ແຟັກ ຫຼື ຂໍ້ຄວາມໃດໆສົ່ງເຖິງກັນລະຫວ່າງຫ້ອງການລາວ ແລະ ກຳປູເຈຍ. ",
    "km": "ព្យុះធ្វើឱ្យដាច់ភ្លើង និងរលំបង្គោលទូរស័ព្ទចល័តនៅអាត្តាពើ និងភាគខាងជើងខេត្តស្ទឹងត្រែង៖"
    " ចាប់ពីម៉ោង 06:00 ដល់ 16:00 គ្មានការហៅទូរស័ព្ទ ទូរសារ ឬសារណាមួយទៅដល់គ្នារវាងការិយាល័យឡាវ និងកម្ពុជាឡើយ។ ",
}
"""An inject's text the length of the longest a scenario reads out (six times over)."""


def test_the_projector_is_one_screen_its_map_names_large_in_every_language(
    tmp_path: Path, shots: Path | None
) -> None:
    """The room's screen at 1920x1080 and 1280x720, in each language: nothing scrolls
    the page; an inject longer than its room scrolls within its panel, which fades at its
    foot until it is read to the end; the map's place names are drawn large enough to
    read across the room, in the panel the projector's maps are drawn for."""
    from test_play_projector import SCREENS

    from sim.play.server import PROJECTOR_SCALE
    from sim.report.labels import Label
    from sim.report.maps import DPI

    scenario = tmp_path / "long_inject.toml"
    said = "".join(
        f"synopsis.{lang} = {json.dumps(text * 6)}\n" for lang, text in LONG_INJECT.items()
    )
    scenario.write_text(TINY.read_text().replace("people = 20\n", f"people = 20\n{said}", 1))
    server = Server(tmp_path / "session.jsonl", "--seats", "LA,TH", scenario=scenario)
    fac, origin = server.links["facilitator"], {"Origin": f"http://127.0.0.1:{server.port}"}
    name_pt = Label(0, 0, "").size  # a place's name on the map, as printed at DPI * scale
    smallest = {1920: 15.0, 1280: 10.0}  # pixels on the screen
    try:
        httpx.post(f"{fac}/wait", data={"wait": "no"}, headers=origin, timeout=30)
        for _ in range(2):
            httpx.post(f"{fac}/clock", data={"move": "60"}, headers=origin, timeout=30)
        with Browser(1920, 1080) as page:
            for lang in ("en", "th", "lo", "km"):
                chosen = {"lang": lang, "reader": "projector"}
                httpx.post(f"{fac}/language", data=chosen, headers=origin, timeout=30)
                page.goto(server.links["projector"])
                assert page.evaluate("document.documentElement.lang") == lang
                assert "Inject 1" in page.text("#inject") or lang != "en"
                drawn = "document.getElementById('map')"
                _until(page, f"{drawn}.complete && {drawn}.naturalHeight > 200", 90)
                for width, height in ((1920, 1080), (1280, 720)):
                    page.viewport(width, height)
                    size = page.evaluate(
                        "[document.documentElement.scrollWidth,"
                        " document.documentElement.scrollHeight]"
                    )
                    assert size == [width, height], (lang, width, size)
                    panel = page.evaluate(  # the map's room: its panel's content box
                        f"(() => {{ const s = {drawn}.parentElement, c = getComputedStyle(s);"
                        " return [s.clientWidth - parseFloat(c.paddingLeft)"
                        " - parseFloat(c.paddingRight), s.clientHeight"
                        " - parseFloat(c.paddingTop) - parseFloat(c.paddingBottom)]; })()"
                    )
                    assert [round(v) for v in panel] == list(SCREENS[width]), (lang, panel)
                    shown = page.evaluate(f"{drawn}.getBoundingClientRect().width")
                    natural = page.evaluate(f"{drawn}.naturalWidth")
                    name_px = name_pt / 72 * DPI * PROJECTOR_SCALE * shown / natural
                    assert name_px >= smallest[width], (lang, width, name_px)
                    inject = "document.getElementById('inject')"
                    assert page.evaluate(f"{inject}.scrollHeight > {inject}.clientHeight"), (
                        lang,
                        width,
                    )
                    _until(page, f"{inject}.classList.contains('more')")
                    if shots:
                        shots.mkdir(parents=True, exist_ok=True)
                        shot = page.call("Page.captureScreenshot", format="png")
                        path = shots / f"projector-{lang}-{width}.png"
                        path.write_bytes(base64.b64decode(shot["data"]))
                    page.evaluate(f"{inject}.scrollTop = {inject}.scrollHeight")
                    _until(page, f"!{inject}.classList.contains('more')")
                    last = page.evaluate(
                        f"{inject}.querySelector('.read-aloud')"
                        ".getBoundingClientRect().bottom"
                        f" <= {inject}.getBoundingClientRect().bottom"
                    )
                    assert last, (lang, width)  # the whole text is reached
                    page.evaluate(f"{inject}.scrollTop = 0")
                page.call("Emulation.clearDeviceMetricsOverride")
    finally:
        server.kill()


def test_a_drafted_stretchs_projector_map_fills_the_panel_it_is_drawn_for(
    tmp_path: Path, shots: Path | None
) -> None:
    """The projector of a fresh draft of another stretch of border (Thai-Cambodian, at
    Poipet), nine hours in, in Thai, Lao and Khmer at 1280x720 and 1920x1080: its map's panel
    is the one the names of its key are drawn to be read in (``test_play_projector``), and
    the whole map is shown within it."""
    from test_play_projector import SCREENS

    from sim.library.draft import draft_scenario

    scenario = tmp_path / "poipet.toml"
    scenario.write_text(draft_scenario("TH,KH", "flood", "poipet"), encoding="utf-8")
    server = Server(tmp_path / "session.jsonl", "--seats", "TH,KH", scenario=scenario)
    fac, origin = server.links["facilitator"], {"Origin": f"http://127.0.0.1:{server.port}"}
    drawn = "document.getElementById('map')"
    try:
        httpx.post(f"{fac}/wait", data={"wait": "no"}, headers=origin, timeout=30)
        for _ in range(9):
            httpx.post(f"{fac}/clock", data={"move": "60"}, headers=origin, timeout=60)
        with Browser(1920, 1080) as page:
            for lang in ("th", "lo", "km"):
                chosen = {"lang": lang, "reader": "projector"}
                httpx.post(f"{fac}/language", data=chosen, headers=origin, timeout=30)
                page.goto(server.links["projector"])
                _until(page, f"{drawn}.complete && {drawn}.naturalHeight > 200", 120)
                for width, height in ((1920, 1080), (1280, 720)):
                    page.viewport(width, height)
                    panel = page.evaluate(
                        f"(() => {{ const s = {drawn}.parentElement, c = getComputedStyle(s);"
                        " return [s.clientWidth - parseFloat(c.paddingLeft)"
                        " - parseFloat(c.paddingRight), s.clientHeight"
                        " - parseFloat(c.paddingTop) - parseFloat(c.paddingBottom)]; })()"
                    )
                    assert [round(v) for v in panel] == list(SCREENS[width]), (lang, panel)
                    box = page.evaluate(
                        f"(r => [r.width, r.height])({drawn}.getBoundingClientRect())"
                    )
                    assert box[0] <= panel[0] + 0.5 and box[1] <= panel[1] + 0.5, (lang, box)
                    if shots:
                        shots.mkdir(parents=True, exist_ok=True)
                        shot = page.call("Page.captureScreenshot", format="png")
                        path = shots / f"projector-poipet-{lang}-{width}.png"
                        path.write_bytes(base64.b64decode(shot["data"]))
                page.call("Emulation.clearDeviceMetricsOverride")
    finally:
        server.kill()


def test_a_request_no_page_sends_is_refused_in_the_readers_language(
    tmp_path: Path, shots: Path | None
) -> None:
    """A form posted with a field no page has (400), one without a field the command needs
    (400, found by the commands' parser) and one over 64 KiB (413), from a seat reading each
    language: the page that answers is in that language, its title says what happened, and
    it says what is wrong, the parser's words too (the fields as they are)."""
    from sim.i18n import translator
    from sim.play.server import NOT_SENT_BY_A_PAGE, REFUSAL_TITLES, TOO_LARGE

    server = Server(tmp_path / "session.jsonl", "--seats", "LA,TH")
    fac, origin = server.links["facilitator"], {"Origin": f"http://127.0.0.1:{server.port}"}
    post = """((fields) => { const f = document.createElement('form');
      f.method = 'post'; f.action = document.body.dataset.page + '/message';
      for (const [k, v] of fields) { const i = document.createElement('textarea');
        i.name = k; i.value = v; f.appendChild(i); }
      document.body.appendChild(f); f.submit(); })"""
    try:
        with Browser(1280, 720) as page:
            for lang in ("en", "th", "lo", "km"):
                chosen = {"lang": lang, "reader": "LA"}
                httpx.post(f"{fac}/language", data=chosen, headers=origin, timeout=30)
                t = translator(lang)
                cases = {
                    "400": (
                        [["to", "TH"], ["text", "hello"], ["colour", "red"]],
                        NOT_SENT_BY_A_PAGE,
                    ),
                    "400-parser": ([["text", "hello"]], NOT_SENT_BY_A_PAGE),
                    "413": ([["to", "TH"], ["text", "x" * 70_000]], TOO_LARGE),
                }
                for status, (fields, said) in cases.items():
                    page.goto(server.links["LA"])
                    page.events.clear()
                    page.evaluate(f"{post}({json.dumps(fields)})")
                    page._loaded()
                    assert page.evaluate("document.documentElement.lang") == lang
                    shown = page.text("#message")
                    lead = t(said, most=64).split("%(")[0].rstrip(":")
                    assert lead in shown, (lang, status, shown)
                    title = REFUSAL_TITLES[int(status[:3])]
                    assert page.evaluate("document.title") == t(title), (lang, status)
                    if status == "400":
                        assert "'colour'" in shown  # what is wrong, named
                    if status == "400-parser":
                        missing = t(
                            "'%(field)s' is missing: %(what)s", field="to", what=t("a short text")
                        )
                        assert missing in shown, (lang, shown)
                    if shots:
                        shots.mkdir(parents=True, exist_ok=True)
                        page.screenshot(shots / f"refused-{status}-{lang}.png")
    finally:
        server.kill()

"""An exercise played in headless Chromium as a room would: the facilitator, Thailand, Laos
and Cambodia, and an observer of Laos, on the default scenario (with its discussion
questions), from the first inject over many scenario hours to the hot wash;
then the session replayed into a report and a Word AAR/IP.

Every page is screenshot at desktop, tablet and projector sizes at the middle and at the
end, and the AAR/IP converted to PNG pages, for a person to look at: overlapping labels,
ids instead of names, text cut mid-word, numbers that disagree are bugs. With ``--langs``,
the facilitator then puts every reader in each of those languages in turn (the Languages
section of their page) and every page is screenshot again at desktop and projector sizes:
no English left but names in brackets, no empty boxes for missing glyphs, no text cut.

    .venv/bin/python benchmarks/play_room.py [OUT] [--hours 12] [--langs th,lo,km]
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chromium import Browser  # noqa: E402

DEFAULT = ROOT / "scenarios" / "sekong_flood_2018.toml"
SEATS = ("TH", "LA", "KH")
SIZES = {"desktop": (1280, 900), "tablet": (820, 1180), "projector": (1920, 1080)}
REASONS = (
    "We keep our own boats for the villages still under water.",
    "The helicopter is the only thing that reaches the roofs before dark.",
    "The governor has not signed the request yet.",
    "Our teams are tired; the neighbour's are fresh and closer.",
)
"""Reasons the seats give, in turn, with every other decision."""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(scenario: Path, session: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    port = _port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "play",
            str(scenario),
            "--port",
            str(port),
            "--session",
            str(session),
            "--seats",
            ",".join(SEATS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    links: dict[str, str] = {}
    for line in process.stdout:
        found = re.match(r"\s+(facilitator|projector|seat (\w+)|observer (\w+)): (http\S+)", line)
        if found:
            role = found.group(2) or (found.group(3) and f"{found.group(3)}:observer")
            links[role or found.group(1)] = found.group(4)
        if f"observer {SEATS[-1]}" in line:
            break
    time.sleep(2)
    return process, links


def _shoot(
    page: Browser, links: dict[str, str], out: Path, moment: str, sizes: tuple[str, ...] = ()
) -> None:
    pages = {"facilitator": links["facilitator"], "projector": links["projector"]}
    pages |= {f"seat-{s}": links[s] for s in SEATS} | {"observer-LA": links["LA:observer"]}
    for size in sizes or tuple(SIZES):
        width, height = SIZES[size]
        page.width = width  # the screenshots' width
        page.viewport(width, height)
        for name, link in pages.items():
            page.goto(link)
            time.sleep(0.3)
            page.screenshot(out / f"{moment}-{size}-{name}.png")
    page.call("Emulation.clearDeviceMetricsOverride")


def _languages(page: Browser, facilitator: str, lang: str) -> None:
    """The facilitator puts every reader (the seats, the observers, the projector, and
    themself last) in one language."""
    page.goto(facilitator)
    readers = page.evaluate(
        "[...document.querySelectorAll('#languages input[name=reader]')].map(i => i.value)"
    )
    for reader in sorted(readers, key=lambda r: r == "facilitator"):
        code = reader.replace(":", "-")
        page.goto(facilitator)
        page.select(f"#language-{code}", lang)
        page.click(f"#language-set-{code}")


def _maps_drawn(page: Browser, links: dict[str, str]) -> None:
    """Ask for every page's map (each language has its own drawings) and give the worker
    the time to draw them."""
    for link in links.values():
        page.goto(link)
    time.sleep(8 * (len(SEATS) + 2))


def _answer(page: Browser, link: str, step: int) -> int:
    """Answer every open decision of a seat: the first option (the last one every third
    time), with a reason every other time; how many were answered."""
    answered = 0
    page.goto(link)
    while page.count(".pending form") and answered < 12:
        number = page.evaluate("document.querySelector('.pending input[name=point]').value")
        if (step + answered) % 2 == 0:
            reason = REASONS[(step + answered) % len(REASONS)]
            page.evaluate(f"document.querySelector('#reason-{number}').value = {reason!r}")
        last = (step + answered) % 3 == 2  # now and then not what doctrine would choose
        page.click(".pending form button.option" + (":last-of-type" if last else ""))
        answered += 1
    return answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "reports" / "play_room"))
    parser.add_argument("--hours", type=float, default=12.0, help="scenario hours to play")
    parser.add_argument("--langs", default="", help="languages to screenshot after, e.g. th,lo,km")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    scenario, session = DEFAULT, work / "session.jsonl"
    process, links = _serve(scenario, session)
    decided = stops = 0
    try:
        with Browser(1280, 900) as page:
            page.goto(links["facilitator"])
            start = page.text("#clock")
            while stops < 80:
                page.goto(links["facilitator"])
                elapsed = float(page.text(".elapsed").split(" h")[0])
                if elapsed >= args.hours:
                    break
                page.click("#run-next")
                stops += 1
                for seat in SEATS:
                    decided += _answer(page, links[seat], stops)
                if stops == 2:  # Laos writes to Thailand
                    page.goto(links["LA"])
                    page.select("#message-to", "TH")
                    text = "Sanamxay is cut off by road. Can your boats come through Chong Mek?"
                    page.evaluate(f"document.querySelector('#message-text').value = {text!r}")
                    page.click("#message-send")
                if stops == 4:  # the observer of Laos notes
                    page.goto(links["LA:observer"])
                    note = "The request to Thailand waited for the provincial governor's call."
                    page.evaluate(f"document.querySelector('#note-text').value = {note!r}")
                    page.click("#note-add")
                if stops == 10:
                    _shoot(page, links, out, "middle")
            points = [
                ("strength", "TH", "Thai boats were offered as soon as the request came."),
                ("improvement", "room", "Nobody knew who could order Ban Mai evacuated at night."),
                ("improvement", "KH", "Cambodia heard of the dam from the news, not from Laos."),
            ]
            for kind, by, text in points:
                page.goto(links["facilitator"])
                page.select("#hotwash-kind", kind)
                page.select("#hotwash-by", by)
                page.evaluate(f"document.querySelector('#hotwash-text').value = {text!r}")
                page.click("#hotwash-add")
            page.goto(links["facilitator"])
            end = page.text("#clock")
            _shoot(page, links, out, "end")
            for lang in filter(None, args.langs.split(",")):
                _languages(page, links["facilitator"], lang)
                _maps_drawn(page, links)
                _shoot(page, links, out, f"end-{lang}", ("desktop", "projector"))
    finally:
        process.kill()
        process.wait(timeout=10)
    print(f"played {start} to {end}: {stops} stops, {decided} decisions answered")
    run = out / "run"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "run",
            str(scenario),
            "--decisions",
            str(session),
            "-n",
            "10",
            "-o",
            str(run),
            "--force",
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
    )
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), run / "aar.docx"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["pdftoppm", "-png", "-r", "60", out / "aar.pdf", out / "aar"], check=True)
    shutil.copy(session, out / "session.jsonl")
    print(f"screenshots, the report and the AAR/IP pages in {out}")


if __name__ == "__main__":
    main()

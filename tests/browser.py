"""Open a page in real headless Chromium over the DevTools protocol and report what a
reader would meet: console errors, images that did not load, and a full-page screenshot."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 60.0


def find_browser() -> str | None:
    """The Chromium on this machine, if any."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What opening a page showed."""

    errors: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    screenshot: bytes = b""


class Session:
    """A DevTools session on one page target (flat protocol over the browser socket)."""

    def __init__(self, socket: Any, session_id: str) -> None:
        self.socket, self.session_id, self.counter = socket, session_id, 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.counter += 1
        ident = self.counter
        message = {"id": ident, "method": method, "params": params, "sessionId": self.session_id}
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)
        raise TimeoutError(method)

    def wait_for(self, method: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.events.append(json.loads(self.socket.recv()))


CHECK = """(() => {
  const images = [...document.images].map(i => ({
    alt: i.alt, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}));
  const h2 = [...document.querySelectorAll('h2')].map(h => h.textContent.trim());
  const h3 = [...document.querySelectorAll('h3')].map(h => h.textContent.trim());
  const cut = [...document.querySelectorAll('.scroll')]
    .filter(d => d.scrollWidth > d.clientWidth + 1)
    .map(d => (d.querySelector('th') || d).textContent.trim());
  return JSON.stringify({images, h2, h3, cut, title: document.title,
                         height: document.documentElement.scrollHeight});
})()"""


def launch(width: int, height: int) -> tuple[subprocess.Popen[str], str]:
    """Start headless Chromium with remote debugging on a fresh profile: (process, profile)."""
    browser = find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium on this machine")
    profile = tempfile.mkdtemp(prefix="borderdrill-browser-")
    process = subprocess.Popen(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, profile


def open_page(path: Path, width: int = 1200) -> PageReport:
    """Load ``path`` in headless Chromium; collect errors, image states and a screenshot."""
    import websocket

    process, profile = launch(width, 1000)
    try:
        address = _devtools_address(process)
        socket = websocket.create_connection(address, timeout=TIMEOUT_S)
        try:
            return _inspect(socket, path, width)
        finally:
            socket.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_address(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        found = re.search(r"DevTools listening on (ws://\S+)", line)
        if found:
            return found.group(1)
        if not line and process.poll() is not None:
            break
    raise RuntimeError("Chromium did not open its DevTools port")


def _inspect(socket: Any, path: Path, width: int) -> PageReport:
    socket.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": ""}}))
    target = _reply(socket, 1)["targetId"]
    socket.send(
        json.dumps(
            {
                "id": 2,
                "method": "Target.attachToTarget",
                "params": {"targetId": target, "flatten": True},
            }
        )
    )
    page = Session(socket, _reply(socket, 2)["sessionId"])
    for domain in ("Page", "Runtime", "Log"):
        page.call(f"{domain}.enable")
    page.call("Page.navigate", url=path.resolve().as_uri())
    page.wait_for("Page.loadEventFired")
    facts = json.loads(page.call("Runtime.evaluate", expression=CHECK)["result"]["value"])
    report = PageReport(images=facts.pop("images"), facts=facts)
    height = int(facts["height"])
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )
    shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    report.screenshot = base64.b64decode(shot["data"])
    for event in page.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            report.errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            report.errors.append(" ".join(str(a.get("value")) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            report.errors.append(params["entry"].get("text", "error"))
    keep = os.environ.get("BORDERDRILL_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{path.parent.name}.png").write_bytes(report.screenshot)
    return report


def _reply(socket: Any, ident: int) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        reply = json.loads(socket.recv())
        if reply.get("id") == ident:
            result: dict[str, Any] = reply["result"]
            return result
    raise TimeoutError(str(ident))

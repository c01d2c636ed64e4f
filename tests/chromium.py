"""Drive real headless Chromium over the DevTools protocol: open pages, click, read,
screenshot (the browser started as ``browser`` starts it for the report tests)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from browser import TIMEOUT_S, _devtools_address, find_browser, launch

__all__ = ["Browser", "find_browser"]


class Browser:
    """One headless Chromium with one page (a context manager)."""

    def __init__(self, width: int = 1280, height: int = 1000) -> None:
        self.width, self.height = width, height
        self.events: list[dict[str, Any]] = []
        self.counter = 0

    def __enter__(self) -> Browser:
        import websocket

        self.process, self.profile = launch(self.width, self.height)
        address = _devtools_address(self.process)
        self.socket = websocket.create_connection(address, timeout=TIMEOUT_S)
        target = self._send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self._send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime"):
            self.call(f"{domain}.enable")
        return self

    def __exit__(self, *_: object) -> None:
        self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.counter += 1
        ident = self.counter
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
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

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self._send(method, self.session, **params)

    def _loaded(self) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError("page load")
            self.events.append(json.loads(self.socket.recv()))

    def goto(self, url: str) -> None:
        """Open an address and wait until it has loaded."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        self._loaded()

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Click an element that submits a form, and wait for the next page."""
        self.events.clear()
        found = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return false; e.click(); return true; })()"
        )
        if not found:
            raise LookupError(f"nothing matches {selector!r} on {self.url()}")
        self._loaded()

    def select(self, selector: str, value: str) -> None:
        """Choose a value in a select or type it into an input."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).value = {json.dumps(value)}")

    def text(self, selector: str = "body") -> str:
        """The visible text of the first element matching ``selector`` ("" if none)."""
        return str(
            self.evaluate(
                f"(document.querySelector({json.dumps(selector)}) || {{innerText: ''}}).innerText"
            )
        )

    def count(self, selector: str) -> int:
        return int(self.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length"))

    def url(self) -> str:
        return str(self.evaluate("window.location.href"))

    def pdf(self, path: Path) -> None:
        """The current page printed as the browser prints it (its print stylesheet, the
        paper size its ``@page`` asks for)."""
        printed = self.call("Page.printToPDF", preferCSSPageSize=True, printBackground=True)
        path.write_bytes(base64.b64decode(printed["data"]))

    def viewport(self, width: int, height: int) -> None:
        """Lay the page out as on a screen ``width`` by ``height`` pixels (until
        ``Emulation.clearDeviceMetricsOverride``)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def screenshot(self, path: Path) -> None:
        """A full-page PNG of the current page."""
        self.viewport(self.width, int(self.evaluate("document.documentElement.scrollHeight")))
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        self.call("Emulation.clearDeviceMetricsOverride")

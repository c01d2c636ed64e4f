"""Keeping the room's pages alive: who waits for the exercise to change, and the map.

Pages listen to a stream of server-sent events (``Changes``): a new revision of the
exercise, or a new drawing of the map. The map takes a second or two to draw, so it is
drawn in a worker process, once a revision, newest first (``MapDrawer``); a request for it
is answered at once with the latest drawing, and nothing a page shows waits for it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.report.maps import MapData


class Changes:
    """A signal the server raises when the exercise or its map changes; listeners wait
    for the next one."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for the next change (True), or ``timeout`` seconds (False)."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True


def _end_with(parent: int) -> None:
    """In the worker: yield the processor to the server (drawing a map never keeps a page
    waiting), and end when the server has gone, even killed (kill -9)."""
    os.nice(10)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _draw(data: MapData) -> bytes:
    from sim.report.maps import run_map

    return run_map(data).png


class Worker:
    """The one worker process every map of the exercise is drawn in, started when first
    needed and ending with the server."""

    def __init__(self) -> None:
        self._pool: Executor | None = None

    def __call__(self) -> Executor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_end_with,
                initargs=(os.getpid(),),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


class MapDrawer:
    """Draws one map of the exercise (the whole, or a seat's) in the worker, once a
    revision (see the module docstring)."""

    def __init__(
        self,
        revision: Callable[[], int],
        data: Callable[[], MapData],
        drawn: Callable[[], None],
        worker: Worker,
    ) -> None:
        self._revision, self._data, self._drawn = revision, data, drawn
        self._worker = worker
        self.png: bytes | None = None
        """The latest drawing (None until the first is done)."""
        self.drawn_for = -1
        """The revision of the exercise the latest drawing shows."""
        self.version = 0
        """How many drawings were made: a page's map address names it."""
        self.wanted = False
        """Whether anyone has asked for the map (no drawing before that)."""
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Draw the current revision once the drawing in hand is done (needs the server's
        event loop; without one, the next request kicks it)."""
        if not self.wanted or (self._task is not None and not self._task.done()):
            return
        if self.drawn_for == self._revision():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.drawn_for != (revision := self._revision()):
            data = self._data()  # taken on the server's thread, between commands
            png = await loop.run_in_executor(self._worker(), _draw, data)
            self.png, self.drawn_for = png, revision
            self.version += 1
            self._drawn()

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()

"""Where replications run: this process, local worker processes, or a Dask cluster.

Work is sent as batches of replications (a Dask task costs milliseconds, a replication a
few), and results come back in whatever order workers finish; callers order them by
replication, so nothing depends on the number of workers.

Local worker processes end with the process that started them, however it ends (even
``kill -9``): each watches its parent and exits when it is gone.
"""

from __future__ import annotations

import atexit
import importlib.util
import itertools
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

Task = tuple[Any, ...]

PARENT_CHECK_S = 0.5
"""How often a worker process checks that the process that started it is still there."""


JOBS_PER_CORE = 4
"""The most worker processes a core: more would only wait on each other."""


def default_jobs() -> int:
    """One worker a core."""
    return os.cpu_count() or 1


def workers(jobs: int | None) -> int:
    """The worker processes for ``jobs`` asked (None: one a core), at most
    ``JOBS_PER_CORE`` a core."""
    if not jobs:
        return default_jobs()
    return max(1, min(jobs, JOBS_PER_CORE * default_jobs()))


def batch_size(replications: int, jobs: int) -> int:
    """Replications a task: about four tasks a worker, at most 50 replications each."""
    return max(1, min(50, math.ceil(replications / (jobs * 4))))


def run_tasks(
    function: Callable[..., list[Any]],
    tasks: Sequence[Task],
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    progress: bool | None = None,
    total: int = 0,
    unit: str = "replication",
) -> Iterator[Any]:
    """Run ``function(*task)`` for every task and yield the items of the lists it returns.

    Args:
        jobs: worker processes (default: one a core; at most ``JOBS_PER_CORE`` a core, and
            no more than there are tasks); 1 runs everything in this process.
        scheduler: a Dask scheduler address (``tcp://host:8786``), ``"local"`` for a Dask
            cluster on this machine (kept for later calls), or a ``distributed.Client``;
            None for local worker processes.
        progress: show a progress bar; None shows it only on a terminal.
        total: items expected, for the progress bar.
    """
    jobs = workers(jobs)
    bar = _progress_bar(progress, total, unit)
    try:
        if scheduler is not None:
            results = _dask(function, tasks, jobs, scheduler)
        elif jobs == 1 or len(tasks) == 1:
            results = (function(*task) for task in tasks)
        else:
            results = _processes(function, tasks, jobs)
        for items in results:
            if bar is not None:
                bar.update(len(items))
            yield from items
    finally:
        if bar is not None:
            bar.close()


def _progress_bar(progress: bool | None, total: int, unit: str) -> Any:
    """A tqdm bar, or None when none is to be shown (tqdm is then not even imported).

    In a notebook, tqdm's widget needs ipywidgets; without it, a text bar (on a terminal
    only, unless asked for) rather than tqdm's warning."""
    if progress is False:
        return None
    if importlib.util.find_spec("ipywidgets") is None:
        from tqdm.std import tqdm
    else:
        from tqdm.auto import tqdm
    return tqdm(
        total=total or None, unit=unit, disable=None if progress is None else False, leave=False
    )


def _processes(
    function: Callable[..., list[Any]], tasks: Sequence[Task], jobs: int
) -> Iterator[list[Any]]:
    """Keep a few tasks a worker in flight, and let go of each result once handed on."""
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)), initializer=end_with_parent, initargs=(os.getpid(),)
    ) as pool:
        queue = iter(tasks)
        in_flight = {pool.submit(function, *task) for task in itertools.islice(queue, 2 * jobs)}
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight |= {pool.submit(function, *task) for task in itertools.islice(queue, 1)}
                yield future.result()


def end_with_parent(parent: int) -> None:
    """In a worker process: exit as soon as ``parent`` (the process that started the
    workers) is gone, by whatever death; a thread checks every ``PARENT_CHECK_S``.

    A worker started by a fork server is its child, and the fork server ends with
    ``parent``: either way the worker's parent changes when ``parent`` dies."""
    first = os.getppid()

    def watch() -> None:
        while os.getppid() == first and _alive(parent):
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # there, but another user's: the pid was taken again
        return False
    return True


_local: dict[int, Any] = {}
"""The Dask client of the cluster on this machine, by number of workers, kept for reuse."""


def local_client(jobs: int) -> Any:
    """A client of a Dask cluster on this machine with ``jobs`` workers: started on the
    first call, the same on later ones, closed when the interpreter exits."""
    client = _local.get(jobs)
    if client is not None and client.status == "running":
        return client
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=jobs,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        host="127.0.0.1",
    )
    client = Client(cluster)
    if not _local:
        atexit.register(close_local_clusters)
    _local[jobs] = client
    return client


def close_local_clusters() -> None:
    """Close the Dask clusters started on this machine (done when the interpreter exits)."""
    while _local:
        _, client = _local.popitem()
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


def _dask(
    function: Callable[..., list[Any]], tasks: Sequence[Task], jobs: int, scheduler: Any
) -> Iterator[list[Any]]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise RuntimeError(
            "Dask is not installed: pip install 'borderdrill[dask]' (or dask[distributed])"
        ) from None
    own = None
    try:
        if isinstance(scheduler, Client):
            client = scheduler
        elif scheduler == "local":
            client = local_client(jobs)
        else:
            client = own = Client(scheduler, timeout="10s")
    except (OSError, ValueError, TimeoutError) as exc:
        raise RuntimeError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    in_flight = 2 * max(jobs, len(client.scheduler_info().get("workers", ())))
    try:
        queue = iter(tasks)
        first = [
            client.submit(function, *t, pure=False) for t in itertools.islice(queue, in_flight)
        ]
        running = dask_completed(first)
        for future in running:
            for task in itertools.islice(queue, 1):
                running.add(client.submit(function, *task, pure=False))
            yield future.result()
            future.release()
    finally:
        if own is not None:
            own.close()

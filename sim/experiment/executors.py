"""Where replications run: this process, local worker processes, or a Dask cluster.

Work is sent as batches of replications (a Dask task costs milliseconds, a replication a
few), and results come back in whatever order workers finish; callers order them by
replication, so nothing depends on the number of workers.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from tqdm.auto import tqdm

Task = tuple[Any, ...]


def default_jobs() -> int:
    """One worker a core."""
    return os.cpu_count() or 1


def batch_size(replications: int, jobs: int) -> int:
    """Replications a task: about four tasks a worker, at most 50 replications each."""
    return max(1, min(50, math.ceil(replications / (jobs * 4))))


def run_tasks(
    function: Callable[..., list[Any]],
    tasks: Sequence[Task],
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    total: int = 0,
    unit: str = "replication",
) -> Iterator[Any]:
    """Run ``function(*task)`` for every task and yield the items of the lists it returns.

    Args:
        jobs: worker processes (default: one a core); 1 runs everything in this process.
        scheduler: a Dask scheduler address (``tcp://host:8786``), or ``"local"`` for a
            Dask cluster on this machine; None for local worker processes.
        progress: show a progress bar; None shows it only on a terminal.
        total: items expected, for the progress bar.
    """
    jobs = jobs or default_jobs()
    bar = tqdm(
        total=total or None,
        unit=unit,
        disable=None if progress is None else not progress,
        leave=False,
    )
    try:
        if scheduler is not None:
            results = _dask(function, tasks, jobs, scheduler)
        elif jobs == 1 or len(tasks) == 1:
            results = (function(*task) for task in tasks)
        else:
            results = _processes(function, tasks, jobs)
        for items in results:
            bar.update(len(items))
            yield from items
    finally:
        bar.close()


def _processes(
    function: Callable[..., list[Any]], tasks: Sequence[Task], jobs: int
) -> Iterator[list[Any]]:
    """Keep a few tasks a worker in flight, and let go of each result once handed on."""
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        queue = iter(tasks)
        in_flight = {pool.submit(function, *task) for task in itertools.islice(queue, 2 * jobs)}
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight |= {pool.submit(function, *task) for task in itertools.islice(queue, 1)}
                yield future.result()


def _dask(
    function: Callable[..., list[Any]], tasks: Sequence[Task], jobs: int, scheduler: str
) -> Iterator[list[Any]]:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise RuntimeError(
            "Dask is not installed: pip install 'borderdrill[dask]' (or dask[distributed])"
        ) from None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
            )
            client = Client(cluster)
        else:
            cluster, client = None, Client(scheduler, timeout="10s")
    except (OSError, ValueError, TimeoutError) as exc:
        raise RuntimeError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    try:
        queue = iter(tasks)
        first = [client.submit(function, *t, pure=False) for t in itertools.islice(queue, 2 * jobs)]
        running = dask_completed(first)
        for future in running:
            for task in itertools.islice(queue, 1):
                running.add(client.submit(function, *task, pure=False))
            yield future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

"""How replications are run: the workers, a Dask cluster, the progress bar, the limits."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """How to run replications; the numbers they give never depend on it.

    Attributes:
        jobs: worker processes (None: one a core); 1 runs everything in this process.
        scheduler: None for local worker processes; a Dask scheduler address
            (``"tcp://host:8786"``); ``"local"`` for a Dask cluster on this machine, started
            on first use and reused until the interpreter exits; or a
            ``dask.distributed.Client`` already connected (left open afterwards).
        progress: show a progress bar; None shows it only on a terminal.
        allow_large: run even beyond the soft limits on work and memory
            (``sim.scenario.budget``) that otherwise refuse a run before it starts.

    Example:
        >>> RunOptions(jobs=2, progress=False)
        >>> RunOptions(scheduler=Client("tcp://10.0.0.5:8786"))

    An unknown name (``RunOptions(job=2)``) is refused where it is written: a TypeError
    that names the options there are.
    """

    jobs: int | None = None
    scheduler: str | Any | None = None
    progress: bool | None = None
    allow_large: bool = False

    def __new__(cls, *args: Any, **given: Any) -> RunOptions:
        """Refuse an unknown name, naming the known ones (before the fields are set)."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(given) - set(known))
        if args or unknown:
            what = f"no option {', '.join(map(repr, unknown))}" if unknown else "names only"
            raise TypeError(f"RunOptions: {what}; the options are {', '.join(known)}")
        return super().__new__(cls)

    def __post_init__(self) -> None:
        if self.jobs is not None and (
            isinstance(self.jobs, bool) or not isinstance(self.jobs, int) or self.jobs < 1
        ):
            raise ValueError(f"RunOptions(jobs={self.jobs!r}): give a whole number from 1, or None")
        if self.scheduler is not None and not (
            isinstance(self.scheduler, str) or _is_client(self.scheduler)
        ):
            raise TypeError(
                f"RunOptions(scheduler={self.scheduler!r}): give a scheduler address, 'local' "
                "or a dask.distributed.Client"
            )
        if self.progress is not None and not isinstance(self.progress, bool):
            raise TypeError(f"RunOptions(progress={self.progress!r}): give True, False or None")
        if not isinstance(self.allow_large, bool):
            raise TypeError(f"RunOptions(allow_large={self.allow_large!r}): give True or False")


def _is_client(value: object) -> bool:
    """Whether a value is a dask.distributed Client (without importing Dask for it)."""
    return any(
        cls.__name__ == "Client" and cls.__module__.startswith("distributed")
        for cls in type(value).__mro__
    )


DEFAULTS = RunOptions()
"""One worker a core, no Dask, a progress bar on a terminal only, within the soft limits."""
